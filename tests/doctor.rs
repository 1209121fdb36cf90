//! `debtgate doctor` through the binary: each check's state and fix on real repositories.

use crate::util::{commit, git, git_repo, run_in, write};

fn doctor(dir: &std::path::Path) -> (String, Option<i32>) {
    let out = run_in(dir, &["doctor"]);
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        out.status.code(),
    )
}

fn line<'a>(report: &'a str, name: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("no `{name}` line in:\n{report}"))
}

#[test]
fn a_fresh_repository_passes_with_hooks_to_install() {
    let repo = git_repo();
    let (report, code) = doctor(repo.path());
    assert_eq!(code, Some(0), "{report}");
    assert!(line(&report, "HEAD").contains("unborn"), "{report}");
    assert!(
        line(&report, "config").contains("built-in default"),
        "{report}"
    );
    assert!(line(&report, "pre-commit").starts_with("warn"), "{report}");
    assert!(report.contains("fix: debtgate hook install"), "{report}");

    let installed = run_in(repo.path(), &["hook", "install"]);
    assert_eq!(installed.status.code(), Some(0));
    let (report, _) = doctor(repo.path());
    assert!(line(&report, "pre-commit").starts_with("pass"), "{report}");
    assert!(
        line(&report, "pre-commit").contains("debtgate's"),
        "{report}"
    );
}

#[test]
fn an_invalid_config_fails_and_says_how_to_find_every_problem() {
    let repo = git_repo();
    write(repo.path(), ".debtgate.yaml", b"mode: sideways\n");
    let (report, code) = doctor(repo.path());
    assert_eq!(code, Some(1), "{report}");
    let config = line(&report, "config");
    assert!(
        config.starts_with("FAIL") && config.contains("sideways"),
        "{report}"
    );
    assert!(report.contains("debtgate config validate"), "{report}");
}

#[test]
fn shallow_clones_and_linked_worktrees_are_named() {
    let upstream = git_repo();
    commit(
        upstream.path(),
        &[("a.py", b"def a():\n    return 1\n")],
        "one",
    );
    commit(
        upstream.path(),
        &[("b.py", b"def b():\n    return 1\n")],
        "two",
    );
    let clones = tempfile::tempdir().expect("a temp dir");
    let url = format!("file://{}", upstream.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let (report, code) = doctor(&clones.path().join("shallow"));
    assert_eq!(code, Some(0), "a warning is not a failure: {report}");
    let history = line(&report, "history");
    assert!(
        history.starts_with("warn") && history.contains("shallow"),
        "{report}"
    );

    let wt = clones.path().join("wt");
    git(
        upstream.path(),
        &["worktree", "add", "-q", wt.to_str().expect("utf-8 path")],
    );
    let (report, _) = doctor(&wt);
    assert!(line(&report, "worktree").contains("linked"), "{report}");
}

#[test]
fn outside_a_repository_the_repository_check_fails() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (report, code) = doctor(dir.path());
    assert_eq!(code, Some(1));
    assert!(line(&report, "repository").starts_with("FAIL"), "{report}");
}

#[test]
fn the_store_line_reports_real_entries_and_never_creates_a_store() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("a.py", b"def a(x):\n    return x or 1\n")], "one");
    let (report, _) = doctor(dir);
    assert!(line(&report, "store").contains("empty"), "{report}");
    assert!(
        !dir.join(".git/debtgate/store.redb").exists(),
        "doctor created a store"
    );

    let checked = run_in(dir, &["check", "--all"]);
    assert_eq!(checked.status.code(), Some(0));
    let (report, _) = doctor(dir);
    let store = line(&report, "store");
    assert!(
        store.starts_with("pass") && store.contains("warm 1 entries"),
        "{report}"
    );
    assert!(store.contains("1 read back"), "{report}");

    let off = crate::util::debtgate()
        .arg("doctor")
        .current_dir(dir)
        .env("DEBTGATE_STORE", "off")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&off.stdout);
    assert!(line(&text, "store").starts_with("n/a"), "{text}");
}
