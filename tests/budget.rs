//! Resource control through the binary on real repositories: the time budget (`--budget`,
//! `budget`, `on_budget_exceeded`), the order of work under it, `--timings`, and files over
//! `max_file_size`. No test asserts a duration: a zero budget and the `DEBTGATE_BUDGET_FILES`
//! knob cut runs at deterministic points.

use std::path::Path;
use std::process::Output;

use crate::util::{commit, debtgate, git, git_repo, json, run_in, write};

use crate::util::branchy;

fn stage(dir: &Path, path: &str, content: &str) {
    write(dir, path, content.as_bytes());
    git(dir, &["add", path]);
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

/// A repository with three Python files committed and a staged change to all of them plus a
/// text file.
fn three_changed_files() -> tempfile::TempDir {
    let repo = git_repo();
    let dir = repo.path();
    commit(
        dir,
        &[
            ("a.py", branchy("a", 1).as_bytes()),
            ("b.py", branchy("b", 1).as_bytes()),
            ("c.py", branchy("c", 1).as_bytes()),
        ],
        "base",
    );
    for name in ["a", "b", "c"] {
        stage(dir, &format!("{name}.py"), &branchy(name, 2));
    }
    stage(dir, "notes.txt", "not code\n");
    repo
}

#[test]
fn a_zero_budget_analyses_nothing_lists_every_file_and_exits_as_configured() {
    let repo = three_changed_files();
    let dir = repo.path();
    let out = run_in(dir, &["check", "--budget", "0ms", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["files"].as_array().map(Vec::len), Some(0));
    assert_eq!(report["budget"]["exceeded"], true);
    assert_eq!(report["budget"]["limit_ms"], 0);
    assert_eq!(report["budget"]["on_exceeded"], "pass");
    assert_eq!(
        strings(&report["budget"]["not_analysed"]),
        ["a.py", "b.py", "c.py"]
    );
    let reasons: Vec<(String, String)> = report["not_analysed"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|n| {
            (
                n["path"].as_str().unwrap().into(),
                n["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    let budget_reason = "the time budget (0ms) ran out before this file was analysed";
    assert_eq!(
        reasons,
        [
            ("a.py".into(), budget_reason.into()),
            ("b.py".into(), budget_reason.into()),
            ("c.py".into(), budget_reason.into()),
            ("notes.txt".into(), "unsupported language".into()),
        ]
    );
    assert!(report["notices"][0]
        .as_str()
        .expect("a notice")
        .starts_with("INCOMPLETE: the time budget (0ms) ran out; 3 files were not analysed"));

    // The human report says so on its second line and names every file (three: none hidden).
    let human = run_in(dir, &["check", "--budget", "0ms"]);
    assert_eq!(human.status.code(), Some(0));
    let text = stdout(&human);
    let second = text.lines().nth(1).expect("two lines");
    assert!(
        second.starts_with("incomplete: 3 files not analysed"),
        "{text}"
    );
    assert!(
        text.contains(&format!("  3  {budget_reason}  a.py, b.py, c.py\n")),
        "{text}"
    );

    // `fail` makes the incomplete run a failed gate; the findings are not what failed it.
    write(dir, ".debtgate.yaml", b"on_budget_exceeded: fail\n");
    let out = run_in(dir, &["check", "--budget", "0ms", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "fail");
    assert_eq!(report["summary"]["failures"], 0);
    assert_eq!(report["budget"]["on_exceeded"], "fail");

    // With time to spare nothing is left out, and the same configuration passes.
    let out = run_in(dir, &["check", "--budget", "10m", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["budget"]["exceeded"], false);
    assert_eq!(report["files"].as_array().map(Vec::len), Some(3));
}

#[test]
fn budgets_come_from_the_configuration_per_kind_of_run() {
    let repo = three_changed_files();
    let dir = repo.path();
    write(
        dir,
        ".debtgate.yaml",
        b"budget: { staged: 0ms }\non_budget_exceeded: fail\n",
    );
    let out = run_in(dir, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json(&out)["budget"]["exceeded"], true);
    // `--budget none` lifts it for one run.
    let out = run_in(dir, &["check", "--budget", "none", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert!(report.get("budget").is_none(), "no budget, no field");
    assert_eq!(report["files"].as_array().map(Vec::len), Some(3));
    // A range has no budget by default: it runs to the end.
    git(dir, &["commit", "-q", "-m", "change"]);
    let out = run_in(dir, &["check", "--base", "HEAD~1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert!(report.get("budget").is_none());
    assert_eq!(report["files"].as_array().map(Vec::len), Some(3));
}

/// Runs a budgeted check that may start only `files` files, on one worker.
fn cut_after(dir: &Path, files: usize, store_off: bool) -> serde_json::Value {
    let mut cmd = debtgate();
    cmd.args(["check", "--budget", "1h", "--jobs", "1", "--format", "json"])
        .current_dir(dir)
        .env("DEBTGATE_BUDGET_FILES", files.to_string());
    if store_off {
        cmd.env("DEBTGATE_STORE", "off");
    }
    let out = cmd.output().expect("debtgate runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    json(&out)
}

#[test]
fn the_riskiest_files_are_analysed_first() {
    let repo = git_repo();
    let dir = repo.path();
    // Cyclomatic fail threshold 30: near.py's function is at 25 (83 % of it) at the base.
    write(
        dir,
        ".debtgate.yaml",
        b"thresholds: { cyclomatic: { warn: 25, fail: 30 } }\n",
    );
    commit(
        dir,
        &[
            ("few.py", branchy("few", 1).as_bytes()),
            ("many.py", branchy("many", 1).as_bytes()),
            ("near.py", branchy("near", 24).as_bytes()),
        ],
        "base",
    );
    stage(dir, "few.py", &branchy("few", 2)); // 2 lines added
    stage(dir, "many.py", &branchy("many", 20)); // 38 lines added
    stage(
        dir,
        "near.py",
        &branchy("near", 24).replace("return -1", "return -2"),
    ); // 1 line
    stage(dir, "new.py", &branchy("new", 4)); // 10 lines, all new

    // Without base metrics in the store, most changed lines first.
    let report = cut_after(dir, 2, true);
    let analysed: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(analysed, ["many.py", "new.py"]);
    assert_eq!(
        strings(&report["budget"]["not_analysed"]),
        ["few.py", "near.py"],
        "in the order they would have been analysed"
    );

    // Once the store has measured the base (any earlier check does), the file whose function is
    // near its threshold goes first, though its change is the smallest.
    let warmed = run_in(dir, &["check", "--all", "--format", "json"]);
    assert!(warmed.status.success(), "{}", stderr(&warmed));
    let report = cut_after(dir, 1, false);
    assert_eq!(report["files"][0]["path"], "near.py");
    assert_eq!(
        strings(&report["budget"]["not_analysed"]),
        ["many.py", "new.py", "few.py"]
    );

    // Files whose new side the store has measured cost nothing to judge: they go first.
    let full = run_in(dir, &["check", "--budget", "none", "--format", "json"]);
    assert!(full.status.success(), "{}", stderr(&full));
    let report = cut_after(dir, 1, false);
    assert_eq!(
        report["files"][0]["path"], "few.py",
        "by path among known files"
    );
    assert_eq!(
        strings(&report["budget"]["not_analysed"]),
        ["many.py", "near.py", "new.py"]
    );
}

#[test]
fn bad_budget_values_are_usage_errors_that_say_what_is_expected() {
    let repo = three_changed_files();
    let dir = repo.path();
    for (value, says) in [
        ("5x", "`5x` is not a duration"),
        ("-1s", "`-1s` is negative"),
        ("10", "`10` is not a duration"),
        ("", "is not a duration"),
    ] {
        let out = run_in(dir, &["check", &format!("--budget={value}")]);
        assert_eq!(out.status.code(), Some(2), "{value}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(says), "{value}: {err}");
        assert!(err.contains("500ms, 10s, 2m"), "{value}: {err}");
        assert!(out.stdout.is_empty(), "stdout carries only a report");
    }
    write(dir, ".debtgate.yaml", b"budget: { staged: soon }\n");
    let out = run_in(dir, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(".debtgate.yaml:1:19: `budget.staged`: `soon` is not a duration"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn timings_name_every_stage_in_json_and_on_stderr() {
    let repo = three_changed_files();
    let dir = repo.path();
    let out = run_in(dir, &["check", "--timings", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let t = &json(&out)["timings"];
    let stage_names = [
        "change_set",
        "config",
        "store_open",
        "ranking",
        "judging",
        "store_flush",
        "report",
        "render",
    ];
    let work_names = ["read", "store_lookups", "analysis", "policy"];
    // In the document, stages come in the order they run.
    let text = stdout(&out);
    let at: Vec<usize> = stage_names
        .iter()
        .map(|n| {
            text.find(&format!("\"{n}\":"))
                .expect("each stage is named")
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    let stages = t["stages_ms"].as_object().expect("stages_ms");
    let mut names: Vec<&str> = stages.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut expected = stage_names;
    expected.sort_unstable();
    assert_eq!(names, expected);
    let work = t["work_ms"].as_object().expect("work_ms");
    let mut names: Vec<&str> = work.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut expected = work_names;
    expected.sort_unstable();
    assert_eq!(names, expected);
    for (name, ms) in stages.iter().chain(work) {
        let ms = ms.as_f64().unwrap_or_else(|| panic!("{name} is a number"));
        assert!(ms >= 0.0, "{name}: {ms}");
    }
    assert!(t["total_ms"].as_f64().expect("total") >= 0.0);
    assert!(t["threads"].as_u64().expect("threads") >= 1);
    let err = stderr(&out);
    assert!(err.starts_with("debtgate timings (ms):\n"), "{err}");
    for name in [
        "change_set",
        "store_lookups",
        "analysis",
        "policy",
        "render",
        "total",
    ] {
        assert!(err.contains(&format!("  {name} ")), "{name}: {err}");
    }

    // Without the flag, neither.
    let out = run_in(dir, &["check", "--format", "json"]);
    assert!(json(&out).get("timings").is_none());
    assert!(!stderr(&out).contains("timings"));
}

#[test]
fn a_file_over_max_file_size_is_skipped_with_its_reason_in_every_format() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("keep.py", b"x = 1\n")], "base");
    write(dir, ".debtgate.yaml", b"max_file_size: 100\n");
    let big = branchy("big", 10);
    stage(dir, "big.py", &big);
    stage(dir, "small.py", "def f(x):\n    return x\n");
    let reason = format!(
        "too large: {} bytes, over the limit of 100 (max_file_size)",
        big.len()
    );
    let out = run_in(dir, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["not_analysed"][0]["path"], "big.py");
    assert_eq!(report["not_analysed"][0]["reason"], reason.as_str());
    assert_eq!(report["files"][0]["path"], "small.py");
    for format in ["human", "markdown", "github", "sarif", "junit"] {
        let out = run_in(dir, &["check", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("big.py"), "{format}: {text}");
        assert!(text.contains(&reason), "{format}: {text}");
    }
}
