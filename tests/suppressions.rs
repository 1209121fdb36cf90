//! Suppression comments under the policy's `suppressions` key (`allow`, `require_reason`, the
//! default, `forbid`), at the top level and per override, through the binary: a pull request
//! must not be able to silence its own findings where the policy says so, and in a range the
//! policy is the base revision's.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::util::{commit, git, git_repo, json, run_in, write};

/// A Python function with `branches` `if`s (cyclomatic `branches + 1`), with `comment` above it.
fn branchy(comment: &str, name: &str, branches: usize) -> String {
    let mut s = format!("{comment}\ndef {name}(x):\n");
    for i in 0..branches {
        s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
    }
    s.push_str("    return -1\n");
    s
}

const REASONED: &str = "# debtgate: allow(cyclomatic) reason=\"a dispatch table\"";
const REASONLESS: &str = "# debtgate: allow(cyclomatic)";

fn policy(extra: &str) -> String {
    format!("version: 1\nthresholds:\n  cyclomatic: {{ warn: 5, fail: 10 }}\n{extra}")
}

fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let mut cmd = crate::util::debtgate();
    cmd.args(&all)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DEBTGATE_DAEMON", "off")
        .env("DEBTGATE_STORE", "off");
    cmd.output().expect("debtgate runs")
}

/// (path, rule, level, suppressed) of every finding.
fn findings(report: &Value) -> Vec<(String, String, String, bool)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["level"].as_str().unwrap_or_default().to_string(),
                f["suppressed"].as_bool().unwrap_or_default(),
            )
        })
        .collect()
}

fn message(report: &Value, rule: &str) -> String {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// A repository with `policy` committed and two staged files over the fail threshold, one with
/// a reasoned suppression, one with a suppression without reason.
fn staged_suppressions(policy: &str) -> tempfile::TempDir {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[(".debtgate.yaml", policy.as_bytes())], "policy");
    write(dir, "src/a.py", branchy(REASONED, "a", 12).as_bytes());
    write(dir, "src/b.py", branchy(REASONLESS, "b", 12).as_bytes());
    git(dir, &["add", "-A"]);
    repo
}

fn f(path: &str, rule: &str, level: &str, suppressed: bool) -> (String, String, String, bool) {
    (path.into(), rule.into(), level.into(), suppressed)
}

#[test]
fn by_default_a_suppression_needs_a_reason() {
    let repo = staged_suppressions(&policy(""));
    let out = check(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(
        findings(&report),
        [
            f("src/a.py", "cyclomatic", "fail", true),
            f("src/b.py", "suppression", "warn", false),
            f("src/b.py", "cyclomatic", "fail", false),
        ]
    );
    assert!(message(&report, "suppression").contains("no reason"));
    // Said explicitly, the same.
    let explicit = staged_suppressions(&policy("suppressions: require_reason\n"));
    assert_eq!(
        findings(&json(&check(explicit.path(), &[]))),
        findings(&report)
    );
}

#[test]
fn allow_lets_a_suppression_without_reason_count() {
    let repo = staged_suppressions(&policy("suppressions: allow\n"));
    let out = check(repo.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        findings(&json(&out)),
        [
            f("src/a.py", "cyclomatic", "fail", true),
            f("src/b.py", "cyclomatic", "fail", true),
        ]
    );
}

#[test]
fn forbid_ignores_every_suppression_and_reports_it() {
    let repo = staged_suppressions(&policy("suppressions: forbid\n"));
    let out = check(repo.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(
        findings(&report),
        [
            f("src/a.py", "suppression", "warn", false),
            f("src/a.py", "cyclomatic", "fail", false),
            f("src/b.py", "suppression", "warn", false),
            f("src/b.py", "cyclomatic", "fail", false),
        ]
    );
    let why = message(&report, "suppression");
    assert!(
        why.contains("suppressions: forbid") && why.contains(".debtgate.yaml:suppressions"),
        "{why}"
    );
    assert_eq!(report["summary"]["suppressed"], 0);
}

#[test]
fn an_override_sets_the_rule_for_its_paths_and_the_last_match_wins() {
    let repo = staged_suppressions(&policy(
        "suppressions: allow\noverrides:\n  - paths: [\"src/**\"]\n    suppressions: forbid\n  \
         - paths: [\"src/b.py\"]\n    suppressions: allow\n",
    ));
    let report = json(&check(repo.path(), &[]));
    assert_eq!(
        findings(&report),
        [
            f("src/a.py", "suppression", "warn", false),
            f("src/a.py", "cyclomatic", "fail", false),
            f("src/b.py", "cyclomatic", "fail", true),
        ]
    );
    assert!(
        message(&report, "suppression").contains(".debtgate.yaml:overrides[0]"),
        "{}",
        message(&report, "suppression")
    );
}

#[test]
fn a_pull_request_cannot_allow_its_own_suppressions_in_a_range() {
    // main forbids suppressions; the branch allows them in its own policy and suppresses the
    // function it makes worse. Judged by main's policy, the suppression does not count.
    let repo = git_repo();
    let dir = repo.path();
    commit(
        dir,
        &[
            (
                ".debtgate.yaml",
                policy("suppressions: forbid\n").as_bytes(),
            ),
            ("src/a.py", branchy("", "a", 1).as_bytes()),
        ],
        "base",
    );
    git(dir, &["checkout", "-q", "-b", "feature"]);
    commit(
        dir,
        &[
            (".debtgate.yaml", policy("suppressions: allow\n").as_bytes()),
            ("src/a.py", branchy(REASONED, "a", 12).as_bytes()),
        ],
        "suppress my own finding",
    );
    let out = check(dir, &["--base", "main"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out);
    assert_eq!(
        findings(&report),
        [
            f("src/a.py", "suppression", "warn", false),
            f("src/a.py", "cyclomatic", "fail", false),
        ]
    );
    let notices = report["notices"].to_string();
    assert!(notices.contains("suppressions forbid → allow"), "{notices}");
    // The head's policy, asked for explicitly, allows it.
    let head = check(dir, &["--base", "main", "--config-from", "head"]);
    assert_eq!(head.status.code(), Some(0));
}

#[test]
fn bad_values_are_errors_at_their_position() {
    let repo = git_repo();
    let dir = repo.path();
    write(
        dir,
        ".debtgate.yaml",
        b"version: 1\nsuppressions: forbit\noverrides:\n  - paths: [\"a/**\"]\n    suppressions: [allow]\n",
    );
    let out = run_in(dir, &["config", "validate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".debtgate.yaml:2:15: unknown value `forbit` for `suppressions` (did you mean `forbid`?); expected allow, require_reason or forbid"),
        "{err}"
    );
    assert!(
        err.contains(".debtgate.yaml:5:19: `overrides[0].suppressions` expects allow, require_reason or forbid, found a list"),
        "{err}"
    );
    // An override that only sets `suppressions` changes something.
    write(
        dir,
        ".debtgate.yaml",
        b"overrides:\n  - paths: [\"a/**\"]\n    suppressions: forbid\n",
    );
    let out = run_in(dir, &["config", "validate"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `config show` writes it back, `config schema` describes it.
    let show = String::from_utf8_lossy(&run_in(dir, &["config", "show"]).stdout).to_string();
    assert!(show.contains("suppressions: require_reason"), "{show}");
    assert!(show.contains("  suppressions: forbid"), "{show}");
    let schema: Value =
        serde_json::from_slice(&run_in(dir, &["config", "schema"]).stdout).expect("JSON");
    assert_eq!(
        schema["properties"]["suppressions"]["default"],
        "require_reason"
    );
}
