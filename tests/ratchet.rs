//! `mode: ratchet` through the binary: a function already above a level fails only when it got
//! worse (length: by more than `ratchet.length_tolerance`), a first crossing fails as in `new`,
//! and every finding says base → new value and why, in JSON and in the human report.

use std::path::Path;
use std::process::Output;

use crate::util::{commit, git, git_repo, json, run_in, write};

/// A Python function of `lines` lines with `branches` `if`s (cyclomatic `branches + 1`).
fn function(name: &str, branches: usize, lines: usize) -> String {
    let mut s = format!("def {name}(x):\n");
    for i in 0..branches {
        s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
    }
    for i in 0..lines.saturating_sub(2 + 2 * branches) {
        s.push_str(&format!("    x = x + {i}\n"));
    }
    s.push_str("    return x\n");
    s
}

const POLICY: &str = "version: 1\nmode: ratchet\nratchet:\n  length_tolerance: 10%\n\
                      thresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n  length: { fail: 40 }\n";

fn staged(dir: &Path, text: &str) -> Output {
    write(dir, "m.py", text.as_bytes());
    git(dir, &["add", "m.py"]);
    run_in(dir, &["check", "--format", "json"])
}

fn repo_with(text: &str) -> tempfile::TempDir {
    let repo = git_repo();
    commit(
        repo.path(),
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("m.py", text.as_bytes()),
        ],
        "base",
    );
    repo
}

#[test]
fn a_long_function_may_grow_within_the_length_tolerance() {
    // 60 lines, above `fail: 40` already: 10 % of 60 is 6 lines.
    let repo = repo_with(&function("long", 1, 60));
    let within = staged(repo.path(), &function("long", 1, 66));
    assert_eq!(
        within.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&within.stdout)
    );
    assert_eq!(json(&within)["findings"], serde_json::json!([]));

    let beyond = staged(repo.path(), &function("long", 1, 67));
    assert_eq!(beyond.status.code(), Some(1));
    let f = &json(&beyond)["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["reason"].as_str()),
        (Some("length"), Some("worse"))
    );
    assert_eq!(
        (f["base_value"].as_f64(), f["value"].as_f64()),
        (Some(60.0), Some(67.0))
    );
    assert_eq!(
        f["message"],
        "length 60 → 67 (allowed 40, from .debtgate.yaml:thresholds.length): already above the \
         fail level, and grew by 7 lines, more than ratchet.length_tolerance 10% (6 lines)"
    );
}

#[test]
fn any_growth_of_another_metric_above_its_level_fails() {
    let repo = repo_with(&function("hub", 12, 30));
    // Shorter, but one more decision point.
    let out = staged(repo.path(), &function("hub", 13, 28));
    assert_eq!(out.status.code(), Some(1));
    let f = &json(&out)["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["reason"].as_str()),
        (Some("cyclomatic"), Some("worse"))
    );
    // As bad as before: old debt, not this change's.
    let same = staged(repo.path(), &function("hub", 12, 31));
    assert_eq!(same.status.code(), Some(0));
}

#[test]
fn a_first_crossing_fails_as_in_new_mode_and_the_human_report_says_why() {
    let repo = repo_with(&function("grows", 8, 20));
    let out = staged(repo.path(), &function("grows", 10, 22));
    assert_eq!(out.status.code(), Some(1));
    let f = &json(&out)["findings"][0];
    assert_eq!(
        (f["level"].as_str(), f["reason"].as_str()),
        (Some("fail"), Some("crossed"))
    );
    assert_eq!(
        (f["base_value"].as_f64(), f["value"].as_f64()),
        (Some(9.0), Some(11.0))
    );

    let human = run_in(repo.path(), &["check"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("cyclomatic 9 → 11 (allowed 10, from .debtgate.yaml:thresholds.cyclomatic): crossed the fail level in this change"),
        "{text}"
    );
}

#[test]
fn a_new_function_meets_the_thresholds_whatever_its_neighbours() {
    let old = function("old", 12, 30);
    let repo = repo_with(&old);
    let out = staged(
        repo.path(),
        &format!("{old}\n\n{}", function("fresh", 11, 24)),
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["function"], "fresh");
    assert_eq!(findings[0]["reason"], "new");
    assert!(findings[0]["base_value"].is_null());
}

/// `ratchet.cyclomatic_tolerance`: a function already above its level may gain that many
/// decision points; one more fails and says which tolerance it went past. A first crossing is
/// never forgiven.
#[test]
fn a_complex_function_may_gain_decisions_within_the_cyclomatic_tolerance() {
    let policy = POLICY.replace(
        "length_tolerance: 10%\n",
        "length_tolerance: 10%\n  cyclomatic_tolerance: 3\n",
    );
    let repo = git_repo();
    let dir = repo.path();
    let base = function("hub", 12, 30) + "\n" + &function("near", 8, 20);
    commit(
        dir,
        &[
            (".debtgate.yaml", policy.as_bytes()),
            ("m.py", base.as_bytes()),
        ],
        "base",
    );
    // hub: cyclomatic 13 → 16, three more decisions: old debt within the tolerance.
    let within = function("hub", 15, 36) + "\n" + &function("near", 8, 20);
    let out = staged(dir, &within);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Four more: worse, and the message names the tolerance.
    let beyond = function("hub", 16, 38) + "\n" + &function("near", 8, 20);
    let out = staged(dir, &beyond);
    assert_eq!(out.status.code(), Some(1));
    let f = &json(&out)["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["reason"].as_str()),
        (Some("cyclomatic"), Some("worse"))
    );
    assert_eq!(
        f["message"],
        "cyclomatic 13 → 17 (allowed 10, from .debtgate.yaml:thresholds.cyclomatic): already \
         above the fail level, and grew by 4, more than ratchet.cyclomatic_tolerance 3 (3)"
    );

    // near: 9 → 11 crosses `fail: 10` by two decisions, within the tolerance's size: it fails.
    let crossing = function("hub", 12, 30) + "\n" + &function("near", 10, 24);
    let out = staged(dir, &crossing);
    assert_eq!(out.status.code(), Some(1));
    let f = &json(&out)["findings"][0];
    assert_eq!(
        (f["function"].as_str(), f["reason"].as_str()),
        (Some("near"), Some("crossed"))
    );
}

#[test]
fn the_tolerance_is_validated_and_a_looser_one_is_named_in_a_range() {
    let repo = repo_with(&function("long", 1, 60));
    let dir = repo.path();
    for (bad, says) in [
        (
            "ratchet:\n  length_tolerance: ten\n",
            "expected a number of lines or a percentage",
        ),
        (
            "ratchet:\n  length_tolerance: -3\n",
            "must be a whole number of lines",
        ),
        (
            "ratchet:\n  lenght_tolerance: 3\n",
            "did you mean `length_tolerance`",
        ),
        (
            "ratchet:\n  cyclomatic_tolerance: -1\n",
            "must be a whole number of decision points",
        ),
        (
            "ratchet:\n  cognitive_tolerance: [5]\n",
            "a number of points or a percentage",
        ),
    ] {
        write(dir, "bad.yaml", bad.as_bytes());
        let out = run_in(dir, &["config", "validate", "--config", "bad.yaml"]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("bad.yaml:2:") && err.contains(says), "{err}");
    }
    git(dir, &["checkout", "-q", "-b", "loose"]);
    let loose = POLICY.replace("10%", "25%");
    commit(dir, &[(".debtgate.yaml", loose.as_bytes())], "loosen");
    let out = run_in(dir, &["check", "--base", "main", "--format", "json"]);
    let notices = json(&out)["notices"].to_string();
    assert!(
        notices.contains("ratchet.length_tolerance 10% → 25%"),
        "{notices}"
    );
}
