//! The exit-status contract (0 pass, 1 fail, 2 error) under what happens around a run rather than
//! in the code it judges: a reader that closes stdout early (`debtgate check | head -1`), and
//! `DEBTGATE_SKIP` where it must not skip (a CI run, unless the policy allows it).
//! The verdict decides the status; what happens to stdout may end the printing, never the
//! judging, the store's flush or the publishing (publishing: `tests/publish.rs`).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::util::{commit, debtgate, git_repo, json};

use crate::util::branchy;

/// The write end of a pipe whose read end is already closed: the first write to it fails with
/// EPIPE, deterministically (a `| head -1` that has read its line behaves so, but only sometimes
/// before debtgate writes).
pub fn closed_stdout() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    writer
}

fn gate(dir: &Path, store: &Path, args: &[&str]) -> Command {
    let mut cmd = debtgate();
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DEBTGATE_DAEMON", "off")
        .env("DEBTGATE_STORE", store);
    cmd
}

fn closed(mut cmd: Command) -> Output {
    cmd.stdout(closed_stdout())
        .stderr(Stdio::piped())
        .output()
        .expect("debtgate runs")
}

#[test]
fn a_closed_stdout_never_turns_a_failing_gate_into_a_pass() {
    let repo = git_repo();
    let dir = repo.path();
    let store = tempfile::tempdir().expect("a temp dir");
    let store = store.path().join("store.redb");
    commit(
        dir,
        &[("bad.py", branchy("big", 40).as_bytes())],
        "a function far over the default fail threshold",
    );
    for format in ["human", "json", "sarif", "github", "markdown", "junit"] {
        let out = closed(gate(dir, &store, &["check", "--all", "--format", format]));
        assert_eq!(
            out.status.code(),
            Some(1),
            "--format {format}: a failing gate whose stdout is closed must exit 1\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The store was flushed by the closed-stdout runs: the next run measures nothing.
    let out = gate(dir, &store, &["check", "--all", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["cache"]["miss"], 0, "{}", json(&out)["cache"]);

    // And a passing gate still passes.
    let clean = git_repo();
    commit(
        clean.path(),
        &[("ok.py", branchy("small", 2).as_bytes())],
        "ok",
    );
    let out = closed(gate(clean.path(), &store, &["check", "--all"]));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_closed_stdout_is_quiet() {
    let repo = git_repo();
    commit(
        repo.path(),
        &[("bad.py", branchy("big", 40).as_bytes())],
        "bad",
    );
    let out = closed(gate(repo.path(), Path::new("off"), &["check", "--all"]));
    assert_eq!(out.status.code(), Some(1));
    // The reader's choice is not an error worth a message.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
    // Commands without a verdict end as they would have: `analyze | head` is a pass.
    for args in [&["analyze", "."][..], &["config", "show"][..]] {
        let out = closed(gate(repo.path(), Path::new("off"), args));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `check` with `DEBTGATE_SKIP=1` and the CI signal `ci` (a variable and its value).
fn skipping(dir: &Path, args: &[&str], ci: Option<(&str, &str)>) -> Output {
    let mut cmd = gate(dir, Path::new("off"), args);
    cmd.env("DEBTGATE_SKIP", "1");
    if let Some((var, value)) = ci {
        cmd.env(var, value);
    }
    cmd.output().expect("debtgate runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn debtgate_skip_is_refused_in_ci_unless_the_policy_allows_it() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("bad.py", branchy("big", 40).as_bytes())], "bad");
    let args = ["check", "--all", "--format", "json"];
    // On a developer's machine the skip works, with a notice.
    let local = skipping(dir, &args, None);
    assert_eq!(local.status.code(), Some(0), "{}", stderr(&local));
    assert!(stderr(&local).contains("skipped because DEBTGATE_SKIP is set"));
    // In CI it is refused: the gate runs and fails, and the report says why it ran.
    for ci in [
        ("CI", "true"),
        ("GITLAB_CI", "true"),
        ("GITHUB_ACTIONS", "true"),
    ] {
        let out = skipping(dir, &args, Some(ci));
        assert_eq!(
            out.status.code(),
            Some(1),
            "{ci:?}: a skip in CI must not pass a failing gate\n{}",
            stderr(&out)
        );
        let notice = format!("{}={}", ci.0, ci.1);
        assert!(
            stderr(&out).contains("DEBTGATE_SKIP is set but ignored")
                && stderr(&out).contains(&notice),
            "{}",
            stderr(&out)
        );
        let report = json(&out);
        assert_eq!(report["verdict"], "fail");
        assert!(
            report["notices"].to_string().contains("allow_skip_in_ci"),
            "{}",
            report["notices"]
        );
    }
    // `CI=false` is not CI.
    let out = skipping(dir, &args, Some(("CI", "false")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The policy may allow it; then it skips, saying so.
    commit(
        dir,
        &[(".debtgate.yaml", b"version: 1\nallow_skip_in_ci: true\n")],
        "allow",
    );
    let out = skipping(dir, &args, Some(("CI", "true")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("skipped because DEBTGATE_SKIP is set")
            && stderr(&out).contains("allow_skip_in_ci"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty(), "a skip prints no report");
}

#[test]
fn a_pull_request_cannot_allow_its_own_skip() {
    // main does not allow skipping in CI; the branch allows it in its own policy.
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("ok.py", branchy("small", 1).as_bytes())], "base");
    crate::util::git(dir, &["checkout", "-q", "-b", "feature"]);
    commit(
        dir,
        &[
            (".debtgate.yaml", b"version: 1\nallow_skip_in_ci: true\n"),
            ("bad.py", branchy("big", 40).as_bytes()),
        ],
        "allow my own skip",
    );
    let out = skipping(dir, &["check", "--base", "main"], Some(("CI", "true")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("ignored"), "{}", stderr(&out));
    // Outside a range the worktree's policy is the policy: it may allow it.
    let out = skipping(dir, &["check", "--all"], Some(("CI", "true")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_closed_stderr_never_changes_the_status() {
    // `debtgate check 2>&1 | head -1`: stderr is the closed pipe too. Notices, the timings table
    // and publishing's progress lines end in it; the run must not end there.
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("bad.py", branchy("big", 40).as_bytes())], "bad");
    for (args, skip) in [
        (&["check", "--all", "--timings"][..], "0"),
        // A refused skip says so on stderr before the gate runs.
        (&["check", "--all"][..], "1"),
    ] {
        let out = gate(dir, Path::new("off"), args)
            .env("DEBTGATE_SKIP", skip)
            .env("CI", "true")
            .stdout(closed_stdout())
            .stderr(closed_stdout())
            .output()
            .expect("debtgate runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    // An error is still an error (2), not a crash, when it cannot even be said.
    let out = gate(dir, Path::new("off"), &["check", "--base", "no-such-rev"])
        .stderr(closed_stdout())
        .output()
        .expect("debtgate runs");
    assert_eq!(out.status.code(), Some(2));
    // Commands that print with no verdict exit 0 through a closed stdout.
    for args in [&["daemon", "status"][..], &["daemon", "stop"][..]] {
        let out = gate(dir, Path::new("off"), args)
            .stdout(closed_stdout())
            .stderr(Stdio::piped())
            .output()
            .expect("debtgate runs");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    }
}
