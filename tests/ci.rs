//! `debtgate check` inside GitHub Actions: real-shaped event payloads (pull_request, push, a new
//! branch's push, an event without a change) replayed against repositories built with the git
//! CLI, with the step summary and output files GitHub provides.

use std::path::Path;
use std::process::Output;

use serde_json::json;

use crate::util::{commit, debtgate, git, git_command, git_repo};

use crate::util::branchy;

const POLICY: &str = "version: 1\nmode: new\nthresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";

/// What GitHub gives a step: the event and the files to append to.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        Runner {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn run(&self, repo: &Path, event: &str, payload: &serde_json::Value, args: &[&str]) -> Output {
        let path = self.dir.path().join("event.json");
        std::fs::write(&path, serde_json::to_vec_pretty(payload).expect("JSON")).expect("write");
        debtgate()
            .arg("check")
            .args(args)
            .current_dir(repo)
            .env("NO_COLOR", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", event)
            .env("GITHUB_EVENT_PATH", &path)
            .env("GITHUB_STEP_SUMMARY", self.dir.path().join("summary.md"))
            .env("GITHUB_OUTPUT", self.dir.path().join("output.txt"))
            .output()
            .expect("debtgate runs")
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }
}

fn repository() -> serde_json::Value {
    json!({"full_name": "octo/app", "default_branch": "main", "private": false})
}

fn pull_request(base: &str, head: &str) -> serde_json::Value {
    json!({
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "state": "open",
            "base": {"ref": "main", "sha": base, "repo": repository()},
            "head": {"ref": "feature", "sha": head, "repo": repository()},
        },
        "repository": repository(),
    })
}

fn push(before: &str, after: &str, created: bool) -> serde_json::Value {
    json!({
        "ref": "refs/heads/feature",
        "before": before,
        "after": after,
        "created": created,
        "deleted": false,
        "forced": false,
        "base_ref": null,
        "commits": [{"id": after, "message": "change"}],
        "repository": repository(),
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `main` with a policy and a clean file; `feature` forked from it with one failing function.
fn forked() -> (tempfile::TempDir, String, String) {
    let repo = git_repo();
    let dir = repo.path();
    let base = commit(
        dir,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("ok.py", branchy("small", 2).as_bytes()),
        ],
        "base",
    );
    git(dir, &["checkout", "-q", "-b", "feature"]);
    let head = commit(dir, &[("bad.py", branchy("big", 12).as_bytes())], "bad");
    // main moves on after the fork: the PR is judged from the merge-base, not main's tip.
    git(dir, &["checkout", "-q", "main"]);
    commit(
        dir,
        &[("later.py", branchy("later", 1).as_bytes())],
        "later",
    );
    git(dir, &["checkout", "-q", "feature"]);
    (repo, base, head)
}

#[test]
fn pull_request_event_judges_the_pr_and_writes_summary_outputs_and_annotations() {
    let (repo, base, head) = forked();
    let runner = Runner::new();
    let out = runner.run(
        repo.path(),
        "pull_request",
        &pull_request(&base, &head),
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::error file=bad.py,line=1"), "{stdout}");
    assert!(!stdout.contains("later.py"), "{stdout}");
    assert!(stderr(&out).contains(&format!("judging {base}...{head}")));
    assert!(runner
        .file("summary.md")
        .starts_with("## debtgate: ❌ fail"));
    assert_eq!(
        runner.file("output.txt"),
        "verdict=fail\nfailures=1\nwarnings=0\n"
    );
}

#[test]
fn push_event_judges_before_to_after() {
    let repo = git_repo();
    let dir = repo.path();
    let before = commit(dir, &[(".debtgate.yaml", POLICY.as_bytes())], "policy");
    let after = commit(dir, &[("warn.py", branchy("mid", 6).as_bytes())], "warn");
    let runner = Runner::new();
    let out = runner.run(dir, "push", &push(&before, &after, false), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::warning file=warn.py"));
    assert_eq!(
        runner.file("output.txt"),
        "verdict=pass\nfailures=0\nwarnings=1\n"
    );
    // --format still chooses stdout in CI; the summary is written all the same.
    let out = runner.run(
        dir,
        "push",
        &push(&before, &after, false),
        &["--format", "json"],
    );
    assert_eq!(crate::util::json(&out)["mode"], "range");
    assert_eq!(runner.file("summary.md").matches("## debtgate").count(), 2);
}

#[test]
fn push_of_a_new_branch_is_judged_against_the_default_branch() {
    let (upstream, _, _) = forked();
    let clone = tempfile::tempdir().expect("temp dir");
    let out = git_command(clone.path())
        .args(["clone", "-q", "--branch", "main"])
        .arg(upstream.path())
        .arg("work")
        .output()
        .expect("git clone");
    assert!(out.status.success(), "{}", stderr(&out));
    let work = clone.path().join("work");
    git(&work, &["checkout", "-q", "-b", "topic"]);
    let after = commit(&work, &[("bad.py", branchy("big", 12).as_bytes())], "bad");
    let runner = Runner::new();
    let zero = "0".repeat(40);
    let out = runner.run(
        &work,
        "push",
        &push(&zero, &after, true),
        &["--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = crate::util::json(&out);
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, ["bad.py"]);
}

#[test]
fn an_event_without_a_change_fails_closed_with_exit_2() {
    let (repo, _, _) = forked();
    let runner = Runner::new();
    let out = runner.run(
        repo.path(),
        "workflow_dispatch",
        &json!({"inputs": {}}),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`workflow_dispatch` event names no change"),
        "{}",
        stderr(&out)
    );
    assert_eq!(runner.file("output.txt"), "");
}

#[test]
fn a_shallow_checkout_names_the_missing_base_and_the_fetch_depth() {
    let (upstream, base, head) = forked();
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", upstream.path().display());
    let out = git_command(clone.path())
        .args([
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "work",
        ])
        .output()
        .expect("git clone");
    assert!(out.status.success(), "{}", stderr(&out));
    let runner = Runner::new();
    let out = runner.run(
        &clone.path().join("work"),
        "pull_request",
        &pull_request(&base, &head),
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&base) && err.contains("fetch-depth: 0"),
        "{err}"
    );
}

#[test]
fn ci_mode_can_be_switched_off_and_asked_for_explicitly() {
    let (repo, base, head) = forked();
    let runner = Runner::new();
    // DEBTGATE_CI=0: the staged change (empty) as everywhere else.
    let path = runner.dir.path().join("event.json");
    std::fs::write(&path, pull_request(&base, &head).to_string()).expect("write");
    let out = debtgate()
        .args(["check", "--format", "json"])
        .current_dir(repo.path())
        .env("GITHUB_ACTIONS", "true")
        .env("DEBTGATE_CI", "0")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(crate::util::json(&out)["mode"], "staged");
    // --ci without GITHUB_ACTIONS (a runner that sets the event variables itself).
    let out = debtgate()
        .args(["check", "--ci", "--format", "json"])
        .current_dir(repo.path())
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(crate::util::json(&out)["mode"], "range");
}

#[test]
fn fetch_base_deepens_a_shallow_checkout_and_carries_on() {
    let (upstream, base, head) = forked();
    // Servers such as GitHub let a client fetch a commit by id.
    git(
        upstream.path(),
        &["config", "uploadpack.allowAnySHA1InWant", "true"],
    );
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", upstream.path().display());
    let out = git_command(clone.path())
        .args([
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "work",
        ])
        .output()
        .expect("git clone");
    assert!(out.status.success(), "{}", stderr(&out));
    let work = clone.path().join("work");
    let runner = Runner::new();
    let out = runner.run(
        &work,
        "pull_request",
        &pull_request(&base, &head),
        &["--fetch-base"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("fetching {base}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        runner.file("output.txt"),
        "verdict=fail\nfailures=1\nwarnings=0\n"
    );
}
