//! The exit-status contract (0 pass, 1 fail, 2 error) under what happens around a run rather than
//! in the code it judges: a reader that closes stdout early (`debtgate check | head -1`).
//! The verdict decides the status; what happens to stdout may end the printing, never the
//! judging, the store's flush or the publishing (publishing: `tests/publish.rs`).

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::util::{commit, debtgate, git_repo, json};

/// A Python function with `branches` `if`s: cyclomatic `branches + 1`.
fn branchy(name: &str, branches: usize) -> String {
    let mut s = format!("def {name}(x):\n");
    for i in 0..branches {
        s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
    }
    s.push_str("    return -1\n");
    s
}

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
