//! `check --shard K/N` and `report merge`: one check split over N machines and put back together.
//! On a repository built with the git CLI (five languages, failing, warning and suppressed
//! functions, excluded, unsupported, binary, oversized, deleted and renamed files, a symlink, a
//! policy the change loosens), merging the reports of all N shards gives exactly the report of the
//! unsplit run in every format; the split does not depend on the store or the thread count; and
//! reports that do not belong together are refused with the reason and exit 2.

use std::path::{Path, PathBuf};
use std::process::Output;

use debtgate::report::Format;
use serde_json::Value;

use crate::util::{commit, debtgate, git, git_repo, json, run_in};

const POLICY: &str = "version: 1\nmode: new\nmax_file_size: 20000\nexclude: [\"vendor/**\"]\n\
thresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";
const LOOSER: &str = "version: 1\nmode: new\nmax_file_size: 20000\nexclude: [\"vendor/**\"]\n\
thresholds:\n  cyclomatic: { warn: 6, fail: 10 }\n";

/// A function with `branches` decisions (cyclomatic `branches + 1`) in the language of `ext`.
fn function(ext: &str, name: &str, branches: usize) -> String {
    let arms = |each: &dyn Fn(usize) -> String| (0..branches).map(each).collect::<String>();
    match ext {
        "py" => format!(
            "def {name}(x):\n{}    return -1\n",
            arms(&|i| format!("    if x == {i}:\n        return {i}\n"))
        ),
        "rs" => format!(
            "pub fn {name}(x: i64) -> i64 {{\n{}    -1\n}}\n",
            arms(&|i| format!("    if x == {i} {{\n        return {i};\n    }}\n"))
        ),
        "js" => format!(
            "function {name}(x) {{\n{}  return -1;\n}}\n",
            arms(&|i| format!("  if (x === {i}) {{\n    return {i};\n  }}\n"))
        ),
        "go" => format!(
            "func {name}(x int) int {{\n{}\treturn -1\n}}\n",
            arms(&|i| format!("\tif x == {i} {{\n\t\treturn {i}\n\t}}\n"))
        ),
        _ => format!(
            "int {name}(int x) {{\n{}    return -1;\n}}\n",
            arms(&|i| format!("    if (x == {i}) {{\n        return {i};\n    }}\n"))
        ),
    }
}

const EXTS: [&str; 5] = ["py", "rs", "js", "go", "c"];

/// Source file `k`: two or three functions of varied complexity (some over 10, the fail level).
fn source(k: usize, edit: usize) -> (String, String) {
    let ext = EXTS[k % EXTS.len()];
    let mut text = if ext == "go" {
        "package p\n\n".to_string()
    } else {
        String::new()
    };
    text.push_str(&function(ext, &format!("f{k}"), (k * 7 + edit) % 14));
    text.push('\n');
    text.push_str(&function(ext, &format!("g{k}"), (k * 3) % 9));
    if k.is_multiple_of(4) {
        text.push('\n');
        text.push_str(&function(ext, &format!("h{k}"), k % 6 + edit));
    }
    (format!("src/m{}/file{k:02}.{ext}", k % 6), text)
}

/// `main` with 40 source files and the odd ones out; `feature` edits, adds, deletes and renames
/// files and loosens the policy. Returns the repository and the base commit.
fn repository() -> (tempfile::TempDir, String) {
    let repo = git_repo();
    let dir = repo.path();
    let sources: Vec<(String, String)> = (0..40).map(|k| source(k, 0)).collect();
    let mut files: Vec<(&str, &[u8])> = sources
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let odd = odd_files("");
    files.extend(odd.iter().map(|(p, b)| (*p, b.as_slice())));
    files.push((".debtgate.yaml", POLICY.as_bytes()));
    let base = commit(dir, &files, "base");
    std::os::unix::fs::symlink("file00.py", dir.join("src/m0/link.py")).expect("a symlink");
    commit(dir, &[], "a symlink");

    // The change touches every kind of file: edited, added, deleted, renamed, the odd ones, a new
    // symlink, and the policy (loosened: the report says so).
    git(dir, &["checkout", "-q", "-b", "feature"]);
    let mut edits: Vec<(String, String)> = (0..40)
        .filter(|k| k % 3 == 0)
        .map(|k| source(k, 3))
        .collect();
    edits.extend((40..48).map(|k| source(k, 1)));
    let mut edits: Vec<(&str, &[u8])> = edits
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let odd = odd_files("# edited\n");
    edits.extend(odd.iter().map(|(p, b)| (*p, b.as_slice())));
    edits.push((".debtgate.yaml", LOOSER.as_bytes()));
    git(dir, &["rm", "-q", "src/m1/file07.js", "src/m5/file11.rs"]);
    git(dir, &["mv", "src/m2/file02.js", "src/m2/renamed02.js"]);
    std::os::unix::fs::symlink("file01.rs", dir.join("src/m1/link.rs")).expect("a symlink");
    commit(dir, &edits, "feature work");
    (repo, base)
}

/// A suppressed function, an excluded, a binary and an oversized file, two of no language; each
/// starting with `head`.
fn odd_files(head: &str) -> Vec<(&'static str, Vec<u8>)> {
    let text = |body: String| format!("{head}{body}").into_bytes();
    // The edit grows the suppressed function too: in `mode: new` only changed functions are
    // judged, and the range must judge (and suppress) it as well.
    let branches = if head.is_empty() { 16 } else { 17 };
    let suppressed = format!(
        "# debtgate: allow(cyclomatic) reason=\"a dispatch table\"\n{}",
        function("py", "dispatch", branches)
    );
    vec![
        ("src/table.py", text(suppressed)),
        ("vendor/lib.js", function("js", "vendored", 20).into_bytes()),
        ("README.md", text("# fixture\n".into())),
        ("notes.txt", text("notes\n".into())),
        (
            "data/blob.c",
            [crate::util::BINARY.repeat(4), head.as_bytes().to_vec()].concat(),
        ),
        ("big/huge.py", text("x = 1\n".repeat(5000))),
    ]
}

/// `debtgate` in `dir` with its own store, with the JSON report written to `json`.
fn check(dir: &Path, store: &Path, args: &[&str], json_out: &Path) -> Output {
    let out = debtgate()
        .arg("check")
        .args(args)
        .arg("--output")
        .arg(format!("json={}", json_out.display()))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DEBTGATE_STORE", store)
        .output()
        .expect("debtgate runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `--output FORMAT=DIR/FORMAT` for every format.
fn every_format(dir: &Path) -> Vec<String> {
    Format::ALL
        .iter()
        .flat_map(|f| {
            let path = dir.join(f.name());
            [
                "--output".to_string(),
                format!("{}={}", f.name(), path.display()),
            ]
        })
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Runs the shards `1/n` … `n/n` of `args`, each with a store of its own (so the merged `cache`
/// counts must add up too: no side measured twice); returns their JSON reports' paths.
fn shards(repo: &Path, work: &Path, args: &[&str], n: usize) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let report = work.join(format!("shard-{k}-of-{n}.json"));
            let store = work.join(format!("store-{k}-of-{n}.redb"));
            let mut with = args.to_vec();
            let part = format!("{k}/{n}");
            with.extend(["--shard", &part]);
            check(repo, &store, &with, &report);
            report
        })
        .collect()
}

fn merge(dir: &Path, args: &[&str], reports: &[PathBuf]) -> Output {
    debtgate()
        .args(["report", "merge"])
        .args(args)
        .args(reports)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("debtgate runs")
}

fn files_of(report: &Value) -> Vec<String> {
    let mut paths: Vec<String> = ["files", "not_analysed"]
        .iter()
        .flat_map(|k| report[*k].as_array().expect("a list").clone())
        .map(|f| f["path"].as_str().expect("a path").to_string())
        .collect();
    paths.sort();
    paths
}

fn json_file(path: &Path) -> Value {
    serde_json::from_str(&read(path)).expect("a JSON report")
}

fn assert_merging_equals_the_whole(args: &[&str]) {
    let (repo, _) = repository();
    let dir = repo.path();
    let work = tempfile::tempdir().expect("a temp dir");
    let whole_dir = work.path().join("whole");
    let mut whole_args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    whole_args.extend(every_format(&whole_dir));
    whole_args.extend(["--format".into(), "json".into()]);
    let whole = check(
        dir,
        &work.path().join("whole.redb"),
        &strs(&whole_args),
        &work.path().join("whole.json"),
    );
    let expected = json(&whole);
    assert_eq!(expected["verdict"], "fail", "the fixture fails: {expected}");
    let summary = &expected["summary"];
    assert!(summary["failures"].as_u64() > Some(2), "{summary}");
    assert!(summary["warnings"].as_u64() > Some(2), "{summary}");
    assert!(summary["suppressed"].as_u64() >= Some(1), "{summary}");
    assert!(summary["not_analysed"].as_u64() >= Some(5), "{summary}");
    if args.contains(&"--base") {
        // The change loosens the policy: every shard says so, the merged report once.
        let notices = expected["notices"].as_array().expect("notices");
        assert!(notices.len() == 1, "{notices:?}");
    }

    for n in [1, 2, 5] {
        let reports = shards(dir, work.path(), args, n);
        // Each shard judges a part; together they hold every file once.
        let parts: Vec<Value> = reports.iter().map(|r| json_file(r)).collect();
        let mut all: Vec<String> = parts.iter().flat_map(files_of).collect();
        all.sort();
        assert_eq!(all, files_of(&expected), "{n} shards hold every file once");
        for p in &parts {
            let held = files_of(p).len();
            assert!(
                n == 1 || (held > 0 && held < all.len()),
                "{n} shards: {held}"
            );
            assert_eq!(p["shard"]["count"], n);
        }

        let merged_dir = work.path().join(format!("merged-{n}"));
        let mut merge_args = every_format(&merged_dir);
        merge_args.extend(["--format".into(), "json".into()]);
        // In any order.
        let mut given = reports.clone();
        given.reverse();
        let out = merge(dir, &strs(&merge_args), &given);
        assert_eq!(out.status.code(), whole.status.code(), "{n} shards");
        assert_eq!(
            json(&out),
            expected,
            "{n} shards: the merged JSON on stdout"
        );
        for format in Format::ALL {
            assert_eq!(
                read(&merged_dir.join(format.name())),
                read(&whole_dir.join(format.name())),
                "{n} shards: the merged {} report",
                format.name()
            );
        }
    }
}

#[test]
fn merging_every_shard_of_the_whole_tree_gives_the_unsplit_report_in_every_format() {
    assert_merging_equals_the_whole(&["--all"]);
}

#[test]
fn merging_every_shard_of_a_range_gives_the_unsplit_report_in_every_format() {
    assert_merging_equals_the_whole(&["--base", "main"]);
}

#[test]
fn the_split_does_not_depend_on_the_store_or_the_threads() {
    let (repo, _) = repository();
    let dir = repo.path();
    let work = tempfile::tempdir().expect("a temp dir");
    let filled = work.path().join("filled.redb");
    // A store that knows every file of the range's head and base.
    check(dir, &filled, &["--all"], &work.path().join("all.json"));
    check(
        dir,
        &filled,
        &["--base", "main"],
        &work.path().join("range.json"),
    );
    for part in ["1/3", "2/3", "3/3"] {
        let mut seen = Vec::new();
        for (store, jobs) in [
            (work.path().join(format!("empty-{}.redb", &part[..1])), "1"),
            (filled.clone(), "2"),
            (PathBuf::from("off"), "2"),
        ] {
            let out = work.path().join("part.json");
            check(
                dir,
                &store,
                &["--base", "main", "--shard", part, "-j", jobs],
                &out,
            );
            let mut report = json_file(&out);
            report.as_object_mut().expect("a report").remove("cache");
            seen.push(report);
        }
        assert_eq!(seen[0], seen[1], "shard {part}: empty store vs filled");
        assert_eq!(seen[0], seen[2], "shard {part}: no store");
    }
}

/// Refused with exit 2, the reason on stderr and nothing on stdout.
fn assert_refused(out: &Output, reason: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(reason), "expected `{reason}` in:\n{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn reports_that_do_not_belong_together_are_refused() {
    let (repo, _) = repository();
    let dir = repo.path();
    let work = tempfile::tempdir().expect("a temp dir");
    let w = work.path();
    let three = shards(dir, w, &["--base", "main"], 3);
    let two = shards(dir, w, &["--base", "main"], 2);

    let out = merge(dir, &[], &three[..2]);
    assert_refused(&out, "shard 3 of 3 is missing");
    let out = merge(
        dir,
        &[],
        &[three[0].clone(), three[1].clone(), three[0].clone()],
    );
    assert_refused(&out, "shard 1/3 is given twice");
    let out = merge(
        dir,
        &[],
        &[three[0].clone(), three[1].clone(), two[1].clone()],
    );
    assert_refused(&out, "its shard count is 2, not 3");

    // Another head: the same shard of the range one commit earlier.
    let earlier = w.join("earlier.json");
    check(
        dir,
        &PathBuf::from("off"),
        &["--base", "main", "--head", "HEAD^", "--shard", "3/3"],
        &earlier,
    );
    let out = merge(dir, &[], &[three[0].clone(), three[1].clone(), earlier]);
    assert_refused(&out, "its head is");

    // Another policy.
    let other = w.join("other.yaml");
    std::fs::write(&other, POLICY.replace("fail: 10", "fail: 12")).expect("write");
    let policy = w.join("policy.json");
    let config = other.display().to_string();
    check(
        dir,
        &PathBuf::from("off"),
        &["--base", "main", "--config", &config, "--shard", "3/3"],
        &policy,
    );
    let out = merge(dir, &[], &[three[0].clone(), three[1].clone(), policy]);
    assert_refused(&out, "its policy is");

    // A whole run's report, and something that is not a report at all.
    let whole = w.join("whole.json");
    check(dir, &PathBuf::from("off"), &["--base", "main"], &whole);
    assert_refused(&merge(dir, &[], &[whole]), "is not the report of a shard");
    let junk = w.join("junk.json");
    std::fs::write(&junk, "[1, 2]").expect("write");
    assert_refused(&merge(dir, &[], &[junk]), "not a debtgate report");
    let nothing = w.join("does-not-exist.json");
    assert_refused(&merge(dir, &[], &[nothing]), "cannot read the report");

    // Reports edited so that the split no longer holds: a file in two shards, a file in none.
    let mut first = json_file(&three[0]);
    let mut second = json_file(&three[1]);
    let moved = first["files"][0].clone();
    second["files"].as_array_mut().expect("files").push(moved);
    let twice = w.join("twice.json");
    std::fs::write(&twice, second.to_string()).expect("write");
    let out = merge(dir, &[], &[three[0].clone(), twice, three[2].clone()]);
    assert_refused(&out, "is in two shards' reports");
    first["files"].as_array_mut().expect("files").remove(0);
    let fewer = w.join("fewer.json");
    std::fs::write(&fewer, first.to_string()).expect("write");
    let out = merge(dir, &[], &[fewer, three[1].clone(), three[2].clone()]);
    assert_refused(&out, "but the change has");
}

#[test]
fn only_ranges_and_the_whole_tree_are_split() {
    let (repo, _) = repository();
    let dir = repo.path();
    assert_refused(
        &run_in(dir, &["check", "--shard", "1/2"]),
        "--shard splits a range or every file",
    );
    assert_refused(
        &run_in(
            dir,
            &["check", "--paths", "src/m0/file00.py", "--shard", "1/2"],
        ),
        "cannot be used with",
    );
    // A shard's verdict is not the change's: it is never published on its own.
    assert_refused(
        &run_in(dir, &["check", "--all", "--publish", "--shard", "1/2"]),
        "cannot be used with",
    );
    for bad in ["0/2", "3/2", "2", "x/y"] {
        assert_refused(
            &run_in(dir, &["check", "--all", "--shard", bad]),
            "is not K/N",
        );
    }
}

/// `debtgate` `args` in `dir` as a GitHub Actions step on a push from `base` to `HEAD`, with the
/// step summary and output files in `work`.
fn in_actions(dir: &Path, work: &Path, base: &str, args: &[&str]) -> Output {
    debtgate()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DEBTGATE_STORE", "off")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", push_event(dir, work, base))
        .env("GITHUB_STEP_SUMMARY", work.join("summary.md"))
        .env("GITHUB_OUTPUT", work.join("output.txt"))
        .output()
        .expect("debtgate runs")
}

#[test]
fn in_ci_the_shards_leave_the_summary_and_annotations_to_the_merge() {
    let (repo, base) = repository();
    let dir = repo.path();
    let work = tempfile::tempdir().expect("a temp dir");
    let w = work.path();
    let mut reports = Vec::new();
    for part in ["1/2", "2/2"] {
        let report = w.join(format!("shard-{}.json", &part[..1]));
        let output = format!("json={}", report.display());
        let args = ["check", "--ci", "--shard", part, "--output", &output];
        let out = in_actions(dir, w, &base, &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
        assert!(
            !stdout.contains("::error"),
            "a shard prints no annotations:\n{stdout}"
        );
        assert!(json_file(&report)["shard"].is_object());
        reports.push(report);
    }
    let summary = w.join("summary.md");
    assert!(!summary.exists(), "a shard writes no step summary");
    assert!(
        !w.join("output.txt").exists(),
        "a shard sets no step outputs"
    );

    let mut args = vec!["report".to_string(), "merge".into(), "--ci".into()];
    args.extend(reports.iter().map(|r| r.display().to_string()));
    let out = in_actions(dir, w, &base, &strs(&args));
    assert_eq!(out.status.code(), Some(1), "the change fails");
    assert!(String::from_utf8_lossy(&out.stdout).contains("::error"));
    assert!(read(&summary).contains("debtgate"), "{}", read(&summary));
    assert!(read(&w.join("output.txt")).contains("verdict=fail"));
}

/// The `run:` script of the action's `debtgate check` step (it reads only its environment).
fn action_check_script() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/github/action.yml");
    let action: serde_yaml::Value =
        serde_yaml::from_slice(&std::fs::read(path).expect("the action")).expect("YAML");
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let step = steps.iter().find(|s| s["id"].as_str() == Some("check"));
    let run = step
        .and_then(|s| s["run"].as_str())
        .expect("the check step");
    assert!(
        !run.contains("${{"),
        "the script reads its environment only"
    );
    run.to_string()
}

/// Runs the action's check step as the runner would for `shard`, in a job whose temporary
/// directory is `temp` and whose restored store is `temp/debtgate-store`.
fn action_step(dir: &Path, base: &str, temp: &Path, shard: &str) -> (Output, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_debtgate"))
        .parent()
        .expect("a dir");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = temp.join("output.txt");
    let store = temp.join("debtgate-store/store.redb");
    let out = std::process::Command::new("bash")
        .args(["-e", "-c", &action_check_script()])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", temp)
        .env("RUNNER_TEMP", temp)
        .env("SHARD", shard)
        .env("CACHE_STORE", "true")
        .env("ARGS", "")
        .env("PUBLISH", "")
        .env("DEBTGATE_STORE", &store)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", push_event(dir, temp, base))
        .env("GITHUB_STEP_SUMMARY", temp.join("summary.md"))
        .env("GITHUB_OUTPUT", &output)
        .output()
        .expect("bash runs");
    (out, std::fs::read_to_string(output).unwrap_or_default())
}

/// A push event from `base` to HEAD, written into `temp`.
fn push_event(dir: &Path, temp: &Path, base: &str) -> PathBuf {
    let event = serde_json::json!({
        "ref": "refs/heads/feature", "before": base, "after": git(dir, &["rev-parse", "HEAD"]),
        "created": false,
        "repository": {"full_name": "octo/app", "default_branch": "main", "private": false},
    });
    let path = temp.join("event.json");
    std::fs::write(&path, event.to_string()).expect("write");
    path
}

#[test]
fn the_actions_shard_and_merge_steps_give_the_unsplit_verdict_and_one_store() {
    let (repo, base) = repository();
    let dir = repo.path();
    let work = tempfile::tempdir().expect("a temp dir");
    let job = |name: &str| {
        let temp = work.path().join(name);
        std::fs::create_dir_all(temp.join("debtgate-store")).expect("mkdir");
        temp
    };
    let whole = job("whole");
    let (out, outputs) = action_step(dir, &base, &whole, "");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(outputs.contains("exit=1"), "the change fails: {outputs}");
    let whole_summary = read(&whole.join("summary.md"));

    // Two shard jobs, each uploading `debtgate-shards/` (report and store) as its artifact; the
    // merge job downloads them all into its own `debtgate-shards/`.
    let merging = job("merge");
    let downloaded = merging.join("debtgate-shards");
    std::fs::create_dir_all(&downloaded).expect("mkdir");
    for (k, part) in ["1/2", "2/2"].iter().enumerate() {
        let temp = job(&format!("shard-{k}"));
        let (out, outputs) = action_step(dir, &base, &temp, part);
        assert_eq!(
            out.status.code(),
            Some(0),
            "a failing shard passes: {out:?}"
        );
        let name = format!("{}-2", k + 1);
        assert!(
            outputs.contains(&format!("artifact=debtgate-shard-{name}")),
            "{outputs}"
        );
        assert!(
            !temp.join("summary.md").exists(),
            "a shard publishes nothing"
        );
        for file in [format!("report-{name}.json"), format!("store-{name}.redb")] {
            let from = temp.join("debtgate-shards").join(&file);
            std::fs::copy(&from, downloaded.join(&file)).expect("the artifact holds it");
        }
    }
    let (out, outputs) = action_step(dir, &base, &merging, "merge");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        outputs.contains("exit=1") && outputs.contains("verdict=fail"),
        "{outputs}"
    );
    assert_eq!(read(&merging.join("summary.md")), whole_summary);
    assert!(read(&merging.join("debtgate.sarif")).contains("\"results\""));

    // The merged store serves every side the unsplit run measured.
    let again = whole.join("again.json");
    let merged_store = merging.join("debtgate-store/store.redb");
    check(dir, &merged_store, &["--base", &base], &again);
    let cache = &json_file(&again)["cache"];
    assert_eq!(cache["miss"], 0, "{cache}");
}
