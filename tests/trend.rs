//! `debtgate trend` on repositories built with the git CLI: the figures of sampled commits equal
//! those `debtgate check --all` reports at each of them; the store makes a second run and an
//! extended one cheap without changing a byte; shallow clones, commits with nothing to measure,
//! an invalid policy at an old commit and a huge merge; the charts render.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::util::{git, git_command, json, run_in, write};

/// A function in `language` with `branches` decisions, named `name`.
fn function(language: &str, name: &str, branches: usize) -> String {
    let conds: Vec<String> = (0..branches).map(|i| format!("x == {i}")).collect();
    match language {
        "rs" => {
            let body: String = conds
                .iter()
                .map(|c| format!("    if {c} {{ return {}; }}\n", c.len()))
                .collect();
            format!("fn {name}(x: u32) -> u32 {{\n{body}    0\n}}\n")
        }
        "py" => {
            let body: String = conds
                .iter()
                .map(|c| format!("    if {c}:\n        return {}\n", c.len()))
                .collect();
            format!("def {name}(x):\n{body}    return 0\n")
        }
        _ => {
            let body: String = conds
                .iter()
                .map(|c| format!("    if ({c}) {{ return {}; }}\n", c.len()))
                .collect();
            let sig = if language == "c" { "int" } else { "function" };
            let arg = if language == "c" { "int x" } else { "x" };
            format!("{sig} {name}({arg}) {{\n{body}    return 0;\n}}\n")
        }
    }
}

/// A file of `n` functions whose complexities grow with `level`.
fn source(language: &str, stem: &str, n: usize, level: usize) -> String {
    (0..n)
        .map(|i| function(language, &format!("{stem}_{i}"), (level * (i + 1)) % 37))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `git args` with author and committer date `day` days after 2024-01-01 12:00 UTC.
fn git_on(dir: &Path, day: u32, args: &[&str]) {
    let when = format!("{} +0000", 1_704_110_400 + i64::from(day) * 86_400);
    let out = git_command(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", &when)
        .env("GIT_COMMITTER_DATE", &when)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Commits everything on day `day` (see [`git_on`]).
fn commit_on(dir: &Path, day: u32, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git_on(dir, day, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

const TIGHT: &str = "version: 1\nthresholds:\n  cyclomatic: { warn: 5, fail: 12 }\n";
const INVALID: &str = "version: 1\nthreshold:\n  cyclomatic: { warn: 5 }\n";
const FIXED: &str = "version: 1\nthresholds:\n  cyclomatic: { warn: 8, fail: 20 }\n  cognitive: { warn: 6, fail: 30 }\nexclude: [\"gen/**\"]\n";

/// Builds a history with every case the figures must get right; returns the repository.
fn history() -> tempfile::TempDir {
    let dir = super::util::git_repo();
    let root = dir.path();
    let mut day = 0;
    let mut step = |root: &Path, message: &str| {
        day += 1;
        commit_on(root, day, message);
        day
    };
    write(root, "README.md", b"# nothing to measure yet\n");
    step(root, "readme only");
    for level in 1..=8 {
        write(root, "src/lib.rs", source("rs", "lib", 4, level).as_bytes());
        write(
            root,
            "app/main.py",
            source("py", "main", 3, level + 2).as_bytes(),
        );
        write(root, "top.js", source("js", "top", 2, level).as_bytes());
        if level > 3 {
            write(root, "lib/util.c", source("c", "util", 5, level).as_bytes());
        }
        step(root, &format!("level {level}"));
    }
    write(root, ".debtgate.yaml", TIGHT.as_bytes());
    step(root, "tighten the policy");
    write(root, "src/more.rs", source("rs", "more", 3, 9).as_bytes());
    step(root, "more");
    write(root, ".debtgate.yaml", INVALID.as_bytes());
    step(root, "a typo in the policy");
    write(root, "src/lib.rs", source("rs", "lib", 4, 11).as_bytes());
    step(root, "edit under an invalid policy");
    write(root, ".debtgate.yaml", FIXED.as_bytes());
    step(root, "fix the policy");
    write(root, "vendor/dep.rs", source("rs", "dep", 3, 20).as_bytes());
    write(root, "lib/blob.c", super::util::BINARY);
    std::os::unix::fs::symlink("lib.rs", root.join("src/link.rs")).expect("a symlink");
    step(root, "vendored, binary and a symlink");
    git(root, &["rm", "-q", "app/main.py"]);
    git(root, &["mv", "lib/util.c", "lib/core.c"]);
    step(root, "delete and rename");
    let suppressed = format!(
        "// debtgate: allow(cyclomatic) reason=\"a table\"\n{}\n\
         // debtgate: allow(cyclomatic) reason=\"old\" until=2020-01-01\n{}\n\
         // debtgate: allow(all) reason=\"later\" until=2999-12-31\n{}",
        function("rs", "table", 25),
        function("rs", "expired", 25),
        function("rs", "later", 25)
    );
    write(root, "src/suppressed.rs", suppressed.as_bytes());
    step(root, "suppressions");
    for level in 12..16 {
        write(root, "lib/core.c", source("c", "core", 5, level).as_bytes());
        write(root, "top.js", source("js", "top", 3, level).as_bytes());
        step(root, &format!("level {level}"));
    }
    // A huge merge: a branch of 300 files, merged with a merge commit.
    git(root, &["checkout", "-q", "-b", "big"]);
    for i in 0..300 {
        let body = source("rs", &format!("g{i}"), 2, i % 9 + 1);
        write(root, &format!("big/m{}/f{i}.rs", i % 7), body.as_bytes());
    }
    step(root, "300 files");
    git(root, &["checkout", "-q", "main"]);
    write(root, "src/more.rs", source("rs", "more", 3, 13).as_bytes());
    let on = step(root, "meanwhile on main");
    git_on(
        root,
        on,
        &["merge", "-q", "--no-ff", "-m", "merge big", "big"],
    );
    for level in 16..20 {
        write(root, "src/lib.rs", source("rs", "lib", 5, level).as_bytes());
        git(root, &["rm", "-q", "-r", &format!("big/m{}", level - 16)]);
        step(root, &format!("after the merge {level}"));
    }
    dir
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `debtgate trend` in `dir` with the store at `store`.
fn trend(dir: &Path, store: &Path, args: &[&str]) -> Output {
    super::util::debtgate()
        .args(["trend", "--no-progress"])
        .args(args)
        .current_dir(dir)
        .env("DEBTGATE_STORE", store)
        .output()
        .expect("the debtgate binary runs")
}

fn top_dir(path: &str) -> &str {
    path.split_once('/').map_or(".", |(d, _)| d)
}

/// The trend figures of a `check --all` JSON report, computed here from its files and findings
/// (not by debtgate's code): overall (`*`) and per top-level directory.
fn figures_of_check(report: &Value) -> BTreeMap<String, Value> {
    let files = report["files"].as_array().expect("files");
    let findings = report["findings"].as_array().expect("findings");
    let mut dirs: Vec<String> = files
        .iter()
        .map(|f| top_dir(f["path"].as_str().expect("a path")).to_string())
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut out = BTreeMap::new();
    for dir in std::iter::once("*".to_string()).chain(dirs) {
        let mine = |path: &str| dir == "*" || top_dir(path) == dir;
        let files: Vec<&Value> = files
            .iter()
            .filter(|f| mine(f["path"].as_str().unwrap_or_default()))
            .collect();
        let findings: Vec<&Value> = findings
            .iter()
            .filter(|f| mine(f["path"].as_str().unwrap_or_default()))
            .collect();
        out.insert(dir, figures(&files, &findings));
    }
    out
}

fn figures(files: &[&Value], findings: &[&Value]) -> Value {
    let functions: Vec<&Value> = files
        .iter()
        .flat_map(|f| f["functions"].as_array().expect("functions"))
        .collect();
    let sum = |key: &str| {
        functions
            .iter()
            .map(|f| f[key].as_u64().expect("a count"))
            .sum::<u64>()
    };
    let mean = |total: u64, n: usize| {
        if n == 0 {
            0.0
        } else {
            (total as f64 / n as f64 * 100.0).round() / 100.0
        }
    };
    let scores: u64 = files
        .iter()
        .map(|f| (f["score"].as_f64().expect("a score") * 10.0).round() as u64)
        .sum();
    let mut grades = BTreeMap::new();
    for f in files {
        *grades
            .entry(f["grade"].as_str().expect("a grade").to_string())
            .or_insert(0u64) += 1;
    }
    let active: Vec<&&Value> = findings
        .iter()
        .filter(|f| f["suppressed"] == false)
        .collect();
    let level = |f: &Value| f["level"].as_str().expect("a level").to_string();
    let mut over = BTreeMap::new();
    let mut worst: BTreeMap<(String, u64, String), String> = BTreeMap::new();
    for f in &active {
        let rule = f["rule"].as_str().expect("a rule");
        if !["cyclomatic", "cognitive", "max_nesting", "length", "params"].contains(&rule) {
            continue;
        }
        let e = over.entry(rule.to_string()).or_insert((0u64, 0u64));
        if level(f) == "fail" {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
        let key = (
            f["path"].as_str().unwrap_or_default().to_string(),
            f["line"].as_u64().unwrap_or_default(),
            f["function"].as_str().unwrap_or_default().to_string(),
        );
        let w = worst.entry(key).or_insert_with(|| level(f));
        if level(f) == "fail" {
            *w = "fail".to_string();
        }
    }
    let count = |l: &str| active.iter().filter(|f| level(f) == l).count();
    serde_json::json!({
        "files": files.len(),
        "functions": functions.len(),
        "code_lines": files.iter().map(|f| f["code_lines"].as_u64().expect("lines")).sum::<u64>(),
        "satd": files.iter().map(|f| f["satd"].as_array().expect("satd").len()).sum::<usize>(),
        "cyclomatic": mean(sum("cyclomatic"), functions.len()),
        "cyclomatic_total": sum("cyclomatic"),
        "cognitive_total": sum("cognitive"),
        "tdg_tenths": scores,
        "grades": grades,
        "over": over,
        "functions_fail": worst.values().filter(|l| *l == "fail").count(),
        "functions_warn": worst.values().filter(|l| *l == "warn").count(),
        "failures": count("fail"),
        "warnings": count("warn"),
        "suppressed": findings.len() - active.len(),
    })
}

/// The same figures as the trend document gives them.
fn figures_of_trend(entry: &Value) -> Value {
    let grades: BTreeMap<String, u64> = entry["tdg"]["grades"]
        .as_object()
        .expect("grades")
        .iter()
        .filter(|(_, n)| n.as_u64() != Some(0))
        .map(|(g, n)| (g.clone(), n.as_u64().expect("a count")))
        .collect();
    let over: BTreeMap<String, (u64, u64)> = entry["over_threshold"]
        .as_object()
        .expect("over")
        .iter()
        .filter(|(_, l)| l["warn"] != 0 || l["fail"] != 0)
        .map(|(m, l)| {
            let n = |k: &str| l[k].as_u64().expect("a count");
            (m.clone(), (n("warn"), n("fail")))
        })
        .collect();
    serde_json::json!({
        "files": entry["files"],
        "functions": entry["functions"],
        "code_lines": entry["code_lines"],
        "satd": entry["satd"],
        "cyclomatic": entry["cyclomatic"]["mean"],
        "cyclomatic_total": entry["cyclomatic"]["total"],
        "cognitive_total": entry["cognitive"]["total"],
        "tdg_tenths": (entry["tdg"]["total"].as_f64().expect("a total") * 10.0).round() as u64,
        "grades": grades,
        "over": over,
        "functions_fail": entry["functions_over"]["fail"],
        "functions_warn": entry["functions_over"]["warn"],
        "failures": entry["findings"]["failures"],
        "warnings": entry["findings"]["warnings"],
        "suppressed": entry["findings"]["suppressed"],
    })
}

/// 20 commit indices out of `n`, spread by a fixed pseudo-random sequence, with `always` in.
fn sample(n: usize, always: &[usize]) -> Vec<usize> {
    let mut picked: Vec<usize> = always.to_vec();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while picked.len() < 20.min(n) {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let i = (x >> 33) as usize % n;
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked.sort_unstable();
    picked
}

/// `check --all` at `commit` (checked out), under the commit's own policy or, when that is
/// invalid, under the policy the trend says it fell back to.
fn check_all_at(root: &Path, store: &Path, commit: &str, fallback: &str) -> Value {
    git(root, &["checkout", "-q", "--detach", commit]);
    let run = |extra: &[&str]| {
        super::util::debtgate()
            .args(["check", "--all", "--format", "json"])
            .args(extra)
            .current_dir(root)
            .env("DEBTGATE_STORE", store)
            .output()
            .expect("runs")
    };
    let out = run(&[]);
    if out.status.code() == Some(2) {
        let text = match fallback.split_once(':') {
            Some((rev, path)) => git(root, &["show", &format!("{rev}:{path}")]),
            None => std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.yaml"),
            )
            .expect("the default policy"),
        };
        let file = root.join(".git/fallback.yaml");
        std::fs::write(&file, text).expect("write");
        let out = run(&["--config", file.to_str().expect("utf-8")]);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return json(&out);
    }
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&out)
}

#[test]
fn twenty_sampled_commits_have_the_figures_check_all_reports_at_them() {
    let repo = history();
    let root = repo.path();
    let store = tempfile::tempdir().expect("a temp dir");
    let store_file = store.path().join("store.redb");
    let out = trend(
        root,
        &store_file,
        &["--commits", "1000", "--format", "json"],
    );
    ok(&out);
    let doc = json(&out);
    assert_eq!(doc["schema"], "debtgate.trend/1");
    let commits = doc["commits"].as_array().expect("commits");
    let ids = git(root, &["rev-list", "--first-parent", "--reverse", "HEAD"]);
    let ids: Vec<&str> = ids.lines().collect();
    let walked: Vec<&str> = commits
        .iter()
        .map(|c| c["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(walked, ids, "the first-parent history, oldest first");
    let index_of = |summary: &str| {
        commits
            .iter()
            .position(|c| c["summary"] == summary)
            .unwrap_or_else(|| panic!("no commit `{summary}`"))
    };
    let notices = doc["notices"].as_array().expect("notices");
    let invalid = index_of("a typo in the policy");
    assert!(
        notices.iter().any(|n| n
            .as_str()
            .unwrap_or_default()
            .contains(&walked[invalid][..12])),
        "{notices:?}"
    );
    assert_eq!(commits[0]["figures"]["files"], 0, "the readme-only commit");
    let always = [
        0,
        invalid,
        invalid + 1,
        index_of("suppressions"),
        index_of("merge big"),
        index_of("vendored, binary and a symlink"),
        index_of("delete and rename"),
    ];
    let picked = sample(commits.len(), &always);
    assert_eq!(picked.len(), 20);
    for i in picked {
        let entry = &commits[i];
        let id = entry["id"].as_str().expect("an id");
        let report = check_all_at(
            root,
            &store_file,
            id,
            entry["policy"].as_str().expect("a policy"),
        );
        let expected = figures_of_check(&report);
        let mut got = BTreeMap::new();
        got.insert("*".to_string(), figures_of_trend(&entry["figures"]));
        for (d, f) in entry["directories"].as_object().expect("directories") {
            got.insert(d.clone(), figures_of_trend(f));
        }
        assert_eq!(got, expected, "commit {i} ({id}, {})", entry["summary"]);
    }
    // The suppressions commit judged what the gate would: one valid, one expired, one dated ahead.
    let s = &commits[index_of("suppressions")]["directories"]["src"]["findings"];
    assert!(s["suppressed"].as_u64().expect("a count") >= 2, "{s}");
}

#[test]
fn the_store_makes_a_second_and_an_extended_run_cheap_and_identical() {
    let repo = history();
    let root = repo.path();
    let store = tempfile::tempdir().expect("a temp dir");
    let store_file = store.path().join("store.redb");
    let args = ["--commits", "20", "--format", "json", "--hotspots"];
    let cold = trend(root, &store_file, &args);
    ok(&cold);
    let warm = trend(root, &store_file, &args);
    ok(&warm);
    assert_eq!(cold.stdout, warm.stdout, "the same bytes from the store");
    let said = String::from_utf8_lossy(&warm.stderr);
    assert!(said.contains("20 from the store, 0 computed"), "{said}");
    let off = trend(root, Path::new("off"), &args);
    ok(&off);
    assert_eq!(cold.stdout, off.stdout, "the same bytes without a store");

    for n in 0..3 {
        write(
            root,
            "src/lib.rs",
            source("rs", "lib", 5, 30 + n).as_bytes(),
        );
        commit_on(root, 200 + n as u32, &format!("extend {n}"));
    }
    let extended = trend(root, &store_file, &args);
    ok(&extended);
    let said = String::from_utf8_lossy(&extended.stderr);
    assert!(said.contains("17 from the store, 3 computed"), "{said}");
    let full = trend(root, Path::new("off"), &args);
    assert_eq!(
        extended.stdout, full.stdout,
        "extending equals computing afresh"
    );
    let doc = json(&extended);
    let hot = &doc["hotspots"]["files"][0];
    assert!(hot["churn"].as_u64().expect("churn") > 1, "{hot}");
    assert_eq!(hot["trend"].as_array().expect("a trend").len(), 20);
}

#[test]
fn a_shallow_clone_stops_at_its_boundary_with_a_notice() {
    let repo = history();
    let clone = tempfile::tempdir().expect("a temp dir");
    let url = format!("file://{}", repo.path().display());
    let dest = clone.path().join("shallow");
    git(
        clone.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "5",
            &url,
            dest.to_str().expect("utf-8"),
        ],
    );
    let out = trend(
        &dest,
        Path::new("off"),
        &["--commits", "100", "--format", "json"],
    );
    ok(&out);
    let doc = json(&out);
    assert_eq!(doc["commits"].as_array().expect("commits").len(), 5);
    let notice = doc["notices"][0].as_str().unwrap_or_default();
    assert!(
        notice.contains("shallow") && notice.contains("--deepen"),
        "{notice}"
    );
    assert!(notice.contains(&doc["commits"][0]["id"].as_str().expect("an id")[..12]));
    // Formats without a place for notices say it on stderr; the human one on stdout.
    let csv = trend(&dest, Path::new("off"), &["--format", "csv"]);
    ok(&csv);
    assert!(String::from_utf8_lossy(&csv.stderr).contains("shallow"));
    let human = trend(&dest, Path::new("off"), &[]);
    ok(&human);
    assert!(String::from_utf8_lossy(&human.stdout).contains("--deepen"));
    // Its figures are the full clone's for the same commits.
    let full = trend(
        repo.path(),
        Path::new("off"),
        &["--commits", "5", "--format", "json"],
    );
    assert_eq!(json(&full)["commits"], doc["commits"]);
}

/// A partial clone (`--filter=blob:none`) has only the blobs of what it checked out: the trend
/// cannot measure the older versions and says so (exit 2, which file, how to get them) instead of
/// charting a history in which those files are missing. **Fixed**: they were left out, and the
/// chart showed less debt in the past than there was.
#[test]
fn a_partial_clone_is_a_tool_error_not_a_history_without_its_files() {
    let repo = history();
    git(repo.path(), &["config", "uploadpack.allowFilter", "true"]);
    git(
        repo.path(),
        &["config", "uploadpack.allowAnySHA1InWant", "true"],
    );
    let clone = tempfile::tempdir().expect("a temp dir");
    let url = format!("file://{}", repo.path().display());
    let dest = clone.path().join("partial");
    let dest_arg = dest.to_str().expect("utf-8");
    git(
        clone.path(),
        &["clone", "-q", "--filter=blob:none", &url, dest_arg],
    );
    let out = trend(
        &dest,
        Path::new("off"),
        &["--commits", "10", "--format", "json"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(err.contains("is not in this repository"), "{err}");
    assert!(err.contains("without `--filter`"), "{err}");
}

#[test]
fn since_paths_and_a_branch_narrow_the_window() {
    let repo = history();
    let root = repo.path();
    let out = trend(
        root,
        Path::new("off"),
        &[
            "--since",
            "2024-01-20",
            "--format",
            "json",
            "--path",
            "src/**",
        ],
    );
    ok(&out);
    let doc = json(&out);
    let commits = doc["commits"].as_array().expect("commits");
    assert!(commits
        .iter()
        .all(|c| c["date"].as_str().unwrap_or_default() >= "2024-01-20"));
    assert!(commits.len() > 5);
    for c in commits {
        let dirs: Vec<&String> = c["directories"].as_object().expect("dirs").keys().collect();
        assert!(dirs.iter().all(|d| *d == "src"), "{dirs:?}");
    }
    let big = trend(
        root,
        Path::new("off"),
        &["--branch", "big", "--commits", "3", "--format", "csv"],
    );
    ok(&big);
    let csv = String::from_utf8_lossy(&big.stdout);
    assert!(csv.starts_with("commit,date,directory,files,"), "{csv}");
    assert!(csv.lines().any(|l| l.contains(",big,")), "{csv}");
    let bad = trend(root, Path::new("off"), &["--since", "whenever"]);
    assert_eq!(bad.status.code(), Some(2));
    let human = run_in(root, &["trend", "--commits", "10", "--no-progress"]);
    ok(&human);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("Functions over a fail threshold") && text.contains('▁'),
        "{text}"
    );
}

/// The tools directory scripts/test installs into (rsvg-convert comes from Debian's librsvg2-bin).
fn rsvg() -> &'static str {
    "rsvg-convert"
}

#[test]
fn the_svg_renders_to_a_png_and_the_html_stands_alone() {
    let repo = history();
    let root = repo.path();
    let svg = root.join(".git/trend.svg");
    let html = root.join(".git/trend.html");
    let out = trend(
        root,
        Path::new("off"),
        &[
            "--commits",
            "100",
            "--hotspots",
            "--output",
            &format!("svg={}", svg.display()),
            "--output",
            &format!("html={}", html.display()),
        ],
    );
    ok(&out);
    let bytes = render_png(&svg);
    let width = u32::from_be_bytes(bytes[16..20].try_into().expect("IHDR"));
    let height = u32::from_be_bytes(bytes[20..24].try_into().expect("IHDR"));
    assert_eq!((width, height), (1280, 1110));
    assert!(
        bytes.len() > 30_000,
        "a chart, not a blank page: {} bytes",
        bytes.len()
    );
    let text = std::fs::read_to_string(&svg).expect("the svg");
    for label in [
        "Functions over a fail threshold",
        "2024-01-",
        "Mean TDG score",
    ] {
        assert!(text.contains(label), "{label}");
    }
    let page = std::fs::read_to_string(&html).expect("the html");
    assert!(page.contains("<svg") && page.contains("Hotspot files"));
    for outside in ["<script", "<link", "src=\"http", "url(", "@import"] {
        assert!(!page.contains(outside), "{outside}");
    }
}

#[test]
fn a_range_summary_shows_the_stored_trend_of_its_base_and_never_measures_for_it() {
    let repo = history();
    let root = repo.path();
    let store = tempfile::tempdir().expect("a temp dir");
    let store_file = store.path().join("store.redb");
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(
        root,
        "src/feature.rs",
        source("rs", "feature", 2, 3).as_bytes(),
    );
    commit_on(root, 300, "a feature");
    let check = |extra: &[&str]| {
        let out = super::util::debtgate()
            .args([
                "check", "--base", "main", "--head", "feature", "--format", "markdown",
            ])
            .args(extra)
            .current_dir(root)
            .env("DEBTGATE_STORE", &store_file)
            .output()
            .expect("runs");
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // No trend records yet: no section, and the check did not compute one.
    assert!(!check(&[]).contains("Trend of"));
    let walked = trend(
        root,
        &store_file,
        &["--branch", "main", "--commits", "40", "--format", "json"],
    );
    ok(&walked);
    let md = check(&[]);
    assert!(
        md.contains("### Trend of `main`: its last 27 commits"),
        "{md}"
    );
    assert_eq!(md.matches("```mermaid").count(), 3, "{md}");
    assert!(md.contains("xychart-beta"));
    // The fail-threshold line is the trend's own figures, oldest first.
    let doc = json(&walked);
    let fails: Vec<String> = doc["commits"]
        .as_array()
        .expect("commits")
        .iter()
        .map(|c| c["figures"]["functions_over"]["fail"].to_string())
        .collect();
    assert!(md.contains(&format!("line [{}]", fails.join(", "))), "{md}");
    assert!(!check(&["--no-trend"]).contains("Trend of"));
}

/// Renders `svg` with rsvg-convert and returns the PNG's bytes.
fn render_png(svg: &Path) -> Vec<u8> {
    let png = svg.with_extension("png");
    let rendered = std::process::Command::new(rsvg())
        .args(["--format", "png", "--output"])
        .arg(&png)
        .arg(svg)
        .output()
        .expect("rsvg-convert runs (scripts/test installs librsvg2-bin)");
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let bytes = std::fs::read(&png).expect("a png");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    bytes
}

#[test]
fn commits_with_nothing_to_measure_count_zero_and_every_output_renders() {
    let repo = super::util::git_repo();
    let root = repo.path();
    write(root, "README.md", b"# docs\n");
    write(root, "data/table.csv", b"a,b\n1,2\n");
    commit_on(root, 1, "docs only");
    write(root, "docs/guide.md", b"more\n");
    commit_on(root, 2, "more docs");
    // Nothing to measure anywhere yet: every figure is zero and every output still renders.
    let svg = root.join(".git/nothing.svg");
    let html = root.join(".git/nothing.html");
    let args = [
        "--format",
        "json",
        "--hotspots",
        "--output",
        &format!("svg={}", svg.display()),
        "--output",
        &format!("html={}", html.display()),
    ];
    let out = trend(root, Path::new("off"), &args);
    ok(&out);
    let doc = json(&out);
    let commits = doc["commits"].as_array().expect("commits");
    assert_eq!(commits.len(), 2);
    for c in commits {
        assert_eq!(c["figures"]["files"], 0, "{c}");
        assert_eq!(c["figures"]["functions"], 0, "{c}");
        assert_eq!(c["figures"]["tdg"]["mean"], 0.0, "{c}");
        assert_eq!(c["directories"], serde_json::json!({}), "{c}");
    }
    assert_eq!(doc["hotspots"]["files"], serde_json::json!([]));
    render_png(&svg);
    assert!(std::fs::read_to_string(&html)
        .expect("the html")
        .contains("<svg"));
    for format in ["human", "csv"] {
        ok(&trend(root, Path::new("off"), &["--format", format]));
    }

    // Code arrives, a commit touches only docs, one deletes all the code, one changes nothing.
    write(root, "src/lib.rs", source("rs", "lib", 4, 6).as_bytes());
    write(root, "app/main.py", source("py", "main", 2, 5).as_bytes());
    commit_on(root, 3, "code");
    write(root, "README.md", b"# docs, again\n");
    commit_on(root, 4, "docs again");
    git(root, &["rm", "-q", "-r", "src", "app"]);
    commit_on(root, 5, "no code left");
    commit_on(root, 6, "an empty commit");
    let store = tempfile::tempdir().expect("a temp dir");
    let store_file = store.path().join("store.redb");
    let out = trend(root, &store_file, &["--format", "json"]);
    ok(&out);
    let doc = json(&out);
    let commits = doc["commits"].as_array().expect("commits");
    let files: Vec<u64> = commits
        .iter()
        .map(|c| c["figures"]["files"].as_u64().expect("a count"))
        .collect();
    assert_eq!(files, [0, 0, 2, 2, 0, 0]);
    assert_eq!(commits[3]["figures"], commits[2]["figures"], "docs only");
    assert_eq!(commits[3]["directories"], commits[2]["directories"]);
    assert!(commits[2]["figures"]["functions"].as_u64() == Some(6));
    for c in &commits[4..] {
        assert_eq!(c["figures"], commits[0]["figures"], "nothing left: {c}");
        assert_eq!(c["directories"], serde_json::json!({}));
    }
    // The same from the store.
    let again = trend(root, &store_file, &["--format", "json"]);
    ok(&again);
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn an_invalid_policy_at_an_old_commit_measures_it_under_the_last_valid_one_with_a_notice() {
    let repo = super::util::git_repo();
    let root = repo.path();
    let store = tempfile::tempdir().expect("a temp dir");
    let store_file = store.path().join("store.redb");
    write(root, ".debtgate.yaml", INVALID.as_bytes());
    write(root, "src/lib.rs", source("rs", "lib", 5, 6).as_bytes());
    let c1 = commit_on(root, 1, "invalid from the start");
    write(root, ".debtgate.yaml", TIGHT.as_bytes());
    let c2 = commit_on(root, 2, "a valid policy");
    write(root, ".debtgate.yaml", INVALID.as_bytes());
    let c3 = commit_on(root, 3, "a typo");
    write(root, "src/lib.rs", source("rs", "lib", 5, 7).as_bytes());
    let c4 = commit_on(root, 4, "an edit under the typo");
    write(root, ".debtgate.yaml", TIGHT.as_bytes());
    write(root, ".debtgate.yml", FIXED.as_bytes());
    let c5 = commit_on(root, 5, "two policy files");
    git(root, &["rm", "-q", ".debtgate.yml"]);
    write(root, ".debtgate.yaml", FIXED.as_bytes());
    let c6 = commit_on(root, 6, "fixed");

    let out = trend(root, &store_file, &["--format", "json"]);
    ok(&out);
    let doc = json(&out);
    let commits = doc["commits"].as_array().expect("commits");
    let policies: Vec<&str> = commits
        .iter()
        .map(|c| c["policy"].as_str().expect("a policy"))
        .collect();
    let valid = format!("{}:.debtgate.yaml", &c2[..12]);
    let fixed = format!("{}:.debtgate.yaml", &c6[..12]);
    assert_eq!(
        policies,
        ["default", &valid, &valid, &valid, &valid, &fixed],
        "each invalid commit falls back to the last valid policy before it"
    );
    // One notice per invalid file version, naming the commit and the policy used instead.
    let notices: Vec<&str> = doc["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .map(|n| n.as_str().expect("a notice"))
        .collect();
    assert_eq!(notices.len(), 3, "{notices:?}");
    assert!(notices[0].contains(&c1[..12]) && notices[0].contains("invalid"));
    assert!(notices[0].contains("last valid policy (default)"));
    assert!(notices[1].contains(&c3[..12]) && !notices.iter().any(|n| n.contains(&c4[..12])));
    assert!(notices[1].contains(&format!("last valid policy ({valid})")));
    assert!(notices[2].contains(&c5[..12]) && notices[2].contains("both"));
    // The human output says so too, and the JSON one on stderr.
    let human = trend(root, Path::new("off"), &[]);
    ok(&human);
    assert!(String::from_utf8_lossy(&human.stdout).contains(&c3[..12]));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&c3[..12]));
    // The figures of the commits under the fallback are those `check --all --config` gives there.
    for (i, id) in [(2, &c3), (3, &c4), (4, &c5)] {
        let report = check_all_at(root, &store_file, id, policies[i]);
        let expected = figures_of_check(&report);
        assert_eq!(
            figures_of_trend(&commits[i]["figures"]),
            expected["*"],
            "commit {i}"
        );
    }
    // The tight policy failed functions the default lets pass: the fallback really ruled.
    assert_ne!(
        commits[0]["figures"]["functions_over"],
        commits[2]["figures"]["functions_over"]
    );
}

#[test]
fn a_huge_merge_is_one_step_of_the_walk_with_the_figures_check_all_reports() {
    let repo = super::util::git_repo();
    let root = repo.path();
    let store = tempfile::tempdir().expect("a temp dir");
    let store_file = store.path().join("store.redb");
    write(root, "src/lib.rs", source("rs", "lib", 4, 5).as_bytes());
    write(root, "old/gone.c", source("c", "gone", 3, 4).as_bytes());
    commit_on(root, 1, "start");
    // A branch of three commits adding 1,500 files in all, deleting one and changing one.
    git(root, &["checkout", "-q", "-b", "huge"]);
    for part in 0..3 {
        for i in 0..500 {
            let n = part * 500 + i;
            let (lang, ext) = [("rs", "rs"), ("py", "py"), ("c", "c")][n % 3];
            let body = source(lang, &format!("h{n}"), 2, n % 11 + 1);
            write(
                root,
                &format!("huge/d{}/f{n}.{ext}", n % 13),
                body.as_bytes(),
            );
        }
        if part == 1 {
            git(root, &["rm", "-q", "old/gone.c"]);
            write(root, "src/other.rs", source("rs", "other", 3, 9).as_bytes());
        }
        commit_on(root, 2 + part as u32, &format!("huge part {part}"));
    }
    git(root, &["checkout", "-q", "main"]);
    write(root, "src/lib.rs", source("rs", "lib", 4, 8).as_bytes());
    commit_on(root, 6, "meanwhile on main");
    git_on(
        root,
        7,
        &["merge", "-q", "--no-ff", "-m", "merge huge", "huge"],
    );
    let merge = git(root, &["rev-parse", "HEAD"]);
    git(root, &["rm", "-q", "-r", "huge/d0", "huge/d1", "huge/d2"]);
    let after = commit_on(root, 8, "after the merge");

    let out = trend(root, &store_file, &["--format", "json", "--hotspots"]);
    ok(&out);
    let doc = json(&out);
    let commits = doc["commits"].as_array().expect("commits");
    let summaries: Vec<&str> = commits
        .iter()
        .map(|c| c["summary"].as_str().expect("a summary"))
        .collect();
    assert_eq!(
        summaries,
        [
            "start",
            "meanwhile on main",
            "merge huge",
            "after the merge"
        ],
        "the merged branch's own commits are not walked"
    );
    assert_eq!(commits[2]["figures"]["files"], 1 + 1 + 1_500);
    for (i, id) in [(2, &merge), (3, &after)] {
        let report = check_all_at(root, &store_file, id, "default");
        let mut got = BTreeMap::new();
        got.insert("*".to_string(), figures_of_trend(&commits[i]["figures"]));
        for (d, f) in commits[i]["directories"].as_object().expect("directories") {
            got.insert(d.clone(), figures_of_trend(f));
        }
        assert_eq!(got, figures_of_check(&report), "commit {i}");
    }
    assert!(
        commits[2]["directories"]["old"].is_null(),
        "old/ was deleted"
    );
    // The merge counts as one touch of each file it brought in.
    let files = doc["hotspots"]["files"].as_array().expect("hotspot files");
    assert_eq!(files.len(), 10);
    let lib = files.iter().find(|f| f["path"] == "src/lib.rs");
    assert!(lib.is_none_or(|f| f["churn"] == 2), "{lib:?}");
}
