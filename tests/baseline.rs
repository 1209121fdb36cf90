//! `debtgate baseline [--prune]` and the baseline in `check`, through the binary on repositories
//! built with the git CLI: known debt does not fail, worse debt does, entries follow moved
//! functions and renamed files, ranges read the base revision's file, stale entries are pruned.

use std::path::Path;
use std::process::Output;

use crate::util::{commit, git, git_repo, json, run_in, write};

/// A Python function with `branches` `if`s (cyclomatic `branches + 1`) returning `ret`.
fn branchy(name: &str, branches: usize, ret: i32) -> String {
    let mut s = format!("def {name}(x):\n");
    for i in 0..branches {
        s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
    }
    s.push_str(&format!("    return {ret}\n"));
    s
}

const POLICY: &str = "version: 1\nmode: new\nthresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";

fn baseline(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["baseline"];
    all.extend_from_slice(args);
    let out = run_in(dir, &all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn entries(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join(".debtgate-baseline.json")).expect("written");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(doc["schema"], "debtgate.baseline/1");
    doc["entries"].as_array().expect("entries").clone()
}

fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    run_in(dir, &all)
}

/// A repository whose `m.py` holds `legacy` (cyclomatic 16, over `fail: 10`) and a clean `ok`,
/// with a baseline committed.
fn legacy_repo() -> tempfile::TempDir {
    let repo = git_repo();
    let dir = repo.path();
    let text = format!("{}\n\n{}", branchy("legacy", 15, -1), branchy("ok", 1, 0));
    commit(
        dir,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("m.py", text.as_bytes()),
        ],
        "legacy",
    );
    baseline(dir, &[]);
    commit(dir, &[], "baseline");
    repo
}

#[test]
fn known_debt_is_reported_as_baseline_and_worse_debt_fails() {
    let repo = legacy_repo();
    let dir = repo.path();
    let e = entries(dir);
    let cyclomatic: Vec<_> = e.iter().filter(|e| e["rule"] == "cyclomatic").collect();
    assert_eq!(cyclomatic.len(), 1, "{e:?}");
    let cyclomatic = cyclomatic[0];
    assert_eq!(
        (
            &cyclomatic["path"],
            &cyclomatic["function"],
            &cyclomatic["value"]
        ),
        (&"m.py".into(), &"legacy".into(), &16.into())
    );
    // Touched but no worse: known debt.
    let touched = format!("{}\n\n{}", branchy("legacy", 15, -2), branchy("ok", 1, 0));
    write(dir, "m.py", touched.as_bytes());
    git(dir, &["add", "m.py"]);
    let out = check(dir, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out);
    assert_eq!(report["summary"]["baseline"], 1);
    assert_eq!(report["summary"]["failures"], 0);
    assert_eq!(report["findings"][0]["baseline"], true);
    assert_eq!(
        report["baseline"]["source"],
        dir.join(".debtgate-baseline.json").display().to_string()
    );
    assert!(String::from_utf8_lossy(&run_in(dir, &["check"]).stdout).contains("baseline "));
    // `--no-baseline`: every finding counts.
    assert_eq!(check(dir, &["--no-baseline"]).status.code(), Some(1));
    // Worse than the baseline: fails.
    let worse = format!("{}\n\n{}", branchy("legacy", 16, -2), branchy("ok", 1, 0));
    write(dir, "m.py", worse.as_bytes());
    git(dir, &["add", "m.py"]);
    let out = check(dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let f = &json(&out)["findings"][0];
    assert_eq!(f["baseline"], serde_json::Value::Null, "absent when false");
    assert!(
        f["message"]
            .as_str()
            .expect("message")
            .ends_with("; worse than the baseline's 16"),
        "{f}"
    );
}

#[test]
fn entries_survive_a_move_in_the_file_and_a_rename_of_the_file() {
    let repo = legacy_repo();
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "feature"]);
    git(dir, &["mv", "m.py", "renamed.py"]);
    // `legacy` moves below `ok` and is touched.
    let moved = format!("{}\n\n{}", branchy("ok", 1, 0), branchy("legacy", 15, -3));
    commit(dir, &[("renamed.py", moved.as_bytes())], "rename and move");
    let out = check(dir, &["--base", "main"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out);
    assert_eq!(report["findings"][0]["path"], "renamed.py");
    assert_eq!(report["findings"][0]["baseline"], true);
    assert!(report["baseline"]["source"]
        .as_str()
        .expect("source")
        .ends_with(":.debtgate-baseline.json"));

    // The rename lands; a later change to the function still finds its entry, which is under
    // the old path: git's rename detection since the baseline's commit links them.
    git(dir, &["checkout", "-q", "main"]);
    git(dir, &["merge", "-q", "--ff-only", "feature"]);
    git(dir, &["checkout", "-q", "-b", "later"]);
    let again = format!("{}\n\n{}", branchy("ok", 1, 0), branchy("legacy", 15, -4));
    commit(dir, &[("renamed.py", again.as_bytes())], "touch again");
    let out = check(dir, &["--base", "main"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(json(&out)["summary"]["baseline"], 1);
    // Pruning moves the entry to the new path.
    let out = baseline(dir, &["--prune"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("removed 0") && !said.contains("moved with a renamed file 0"),
        "{said}"
    );
    assert!(entries(dir).iter().all(|e| e["path"] == "renamed.py"));
}

#[test]
fn in_a_range_the_baseline_comes_from_the_base_revision() {
    let repo = legacy_repo();
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "sneaky"]);
    // New debt, and the change writes it into its own baseline.
    let text = std::fs::read_to_string(dir.join("m.py")).expect("read");
    commit(
        dir,
        &[(
            "m.py",
            format!("{text}\n\n{}", branchy("fresh", 12, 0)).as_bytes(),
        )],
        "debt",
    );
    baseline(dir, &[]);
    commit(dir, &[], "accept my own debt");
    let out = check(dir, &["--base", "main"]);
    assert_eq!(out.status.code(), Some(1), "the base's baseline judges");
    // The head's file applies only when the head's policy does.
    let out = check(dir, &["--base", "main", "--config-from", "head"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn prune_removes_stale_entries_and_tightens_improved_ones() {
    let repo = git_repo();
    let dir = repo.path();
    let three = [
        branchy("fixed", 12, 0),
        branchy("gone", 12, 0),
        branchy("better", 14, 0),
    ];
    commit(
        dir,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("m.py", three.join("\n\n").as_bytes()),
        ],
        "debt",
    );
    baseline(dir, &[]);
    let cyclomatic = |dir| {
        entries(dir)
            .into_iter()
            .filter(|e| e["rule"] == "cyclomatic")
    };
    assert_eq!(cyclomatic(dir).count(), 3);
    // `fixed` is within the thresholds now, `gone` is deleted, `better` improved (still over).
    let now = [branchy("fixed", 2, 0), branchy("better", 12, 0)];
    write(dir, "m.py", now.join("\n\n").as_bytes());
    git(dir, &["add", "m.py"]);
    let out = check(dir, &[]);
    let report = json(&out);
    assert_eq!(report["baseline"]["stale"], 2, "{}", report["notices"]);
    assert!(report["notices"]
        .to_string()
        .contains("debtgate baseline --prune"));
    git(dir, &["commit", "-q", "-m", "improve"]);
    let out = baseline(dir, &["--prune"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("removed 2 (1 deleted, 1 within the thresholds now), tightened 1"),
        "{said}"
    );
    let e: Vec<_> = cyclomatic(dir)
        .map(|e| {
            (
                e["function"].as_str().expect("name").to_string(),
                e["value"].as_i64(),
            )
        })
        .collect();
    assert_eq!(e, [("better".to_string(), Some(13))]);
}

#[test]
fn a_broken_baseline_is_a_clear_error() {
    let repo = legacy_repo();
    let dir = repo.path();
    write(
        dir,
        ".debtgate-baseline.json",
        b"{\"schema\": \"debtgate.baseline/1\", \"entries\": [",
    );
    let out = check(dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".debtgate-baseline.json:1:") && err.contains("not a debtgate baseline"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = run_in(dir, &["check", "--baseline", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
}
