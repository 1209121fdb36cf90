//! Every output format rendered from one shared [`Report`] fixture: a snapshot per format, the
//! GitHub escaping and annotation budget, the Markdown and SARIF caps, and SARIF validity checked
//! by Microsoft's SARIF Multitool (installed by `scripts/test`).

use std::path::{Path, PathBuf};
use std::process::Command;

use debtgate::analysis::{Duplication, FileMetrics, FunctionMetrics, Grade};
use debtgate::lang::Language;
use debtgate::report::{self, render, FileReport, Format, Mode, NotAnalysed, Report};
use debtgate::rules::{Finding, Severity};

use crate::util::{commit, git, git_repo, run_in, write};

fn function(name: &str, start: usize, end: usize, cyclomatic: u32) -> FunctionMetrics {
    FunctionMetrics {
        name: name.rsplit("::").next().unwrap_or(name).to_string(),
        qualified_name: name.to_string(),
        start_line: start,
        end_line: end,
        cyclomatic,
        cognitive: cyclomatic + 2,
        max_nesting: 2,
        params: 1,
        length: end - start + 1,
        body_hash: 0,
    }
}

fn file(
    path: &str,
    status: &'static str,
    score: f64,
    functions: Vec<FunctionMetrics>,
) -> FileReport {
    FileReport {
        path: path.to_string(),
        old_path: None,
        status: Some(status),
        metrics: FileMetrics {
            language: Language::Rust,
            score,
            grade: Grade::from_score(score),
            code_lines: 120,
            functions,
            satd: Vec::new(),
            duplication: Duplication::default(),
            diagnostics: Vec::new(),
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    rule: &str,
    level: Severity,
    path: &str,
    line: usize,
    function: Option<&str>,
    value: f64,
    threshold: f64,
    base_value: Option<f64>,
    message: &str,
) -> Finding {
    Finding {
        rule: rule.to_string(),
        level,
        path: path.to_string(),
        line,
        function: function.map(str::to_string),
        value,
        threshold,
        base_value,
        fingerprint: format!("{:032x}", fxhash(&[rule, path, function.unwrap_or("")])),
        message: message.to_string(),
        suppressed: false,
        reason: None,
        baseline: false,
    }
}

/// A stable stand-in for the policy's fingerprint.
fn fxhash(parts: &[&str]) -> u128 {
    parts
        .iter()
        .flat_map(|p| p.bytes().chain([0]))
        .fold(0xcbf2_9ce4_8422_2325_u128, |h, b| {
            (h ^ u128::from(b)).wrapping_mul(0x0100_0000_0000_0000_0000_0000_013b)
        })
}

/// The shared fixture: a failing range with a failure, warnings, a suppressed finding, a grade
/// drop, and names that need escaping in every format.
pub fn fixture() -> Report {
    let mut report = judged_fixture();
    report.base_grades.insert(
        "src/parser.rs".into(),
        report::BaseGrade {
            grade: Grade::BPlus,
            score: 81.0,
        },
    );
    report
}

fn judged_fixture() -> Report {
    let parser = "src/parser.rs";
    let odd = "src/odd dir/a,b%.rs";
    let mut suppressed = finding(
        "length",
        Severity::Warn,
        parser,
        80,
        Some("Parser::table"),
        140.0,
        100.0,
        Some(130.0),
        "length 140 exceeds 100 (from .debtgate.yaml)",
    );
    suppressed.suppressed = true;
    Report::judged(
        Mode::Range,
        Some("1111111111111111111111111111111111111111".into()),
        Some("2222222222222222222222222222222222222222".into()),
        vec![
            file(
                parser,
                "modified",
                72.5,
                vec![
                    function("Parser::parse", 10, 52, 23),
                    function("Parser::table", 80, 219, 3),
                ],
            ),
            file(odd, "added", 96.0, vec![function("operator|", 3, 9, 12)]),
        ],
        vec![NotAnalysed {
            path: "README.md".into(),
            reason: "unsupported language".into(),
        }],
        vec![
            finding(
                "cyclomatic",
                Severity::Fail,
                parser,
                10,
                Some("Parser::parse"),
                23.0,
                20.0,
                Some(18.0),
                "cyclomatic 23 exceeds 20 (from .debtgate.yaml)",
            ),
            finding(
                "cognitive",
                Severity::Warn,
                parser,
                10,
                Some("Parser::parse"),
                25.0,
                15.0,
                Some(20.0),
                "cognitive 25 exceeds 15 (from .debtgate.yaml)",
            ),
            suppressed,
            finding(
                "grade",
                Severity::Warn,
                parser,
                1,
                None,
                72.5,
                75.0,
                Some(81.0),
                "file grade B- (72.5) is below B (from .debtgate.yaml); was B+ (81)",
            ),
            finding(
                "cyclomatic",
                Severity::Warn,
                odd,
                3,
                Some("operator|"),
                12.0,
                10.0,
                None,
                "cyclomatic 12 exceeds 10: 100% over, a,b:c\r\nsecond line",
            ),
        ],
        vec!["config: .debtgate.yaml is changed; this change was judged by the base revision's policy.".into()],
    )
}

fn rendered(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    render(report, format, &mut out).expect("rendering to memory cannot fail");
    String::from_utf8(out).expect("every format is UTF-8")
}

/// The human report as `--output human=FILE` writes it (no colour).
#[test]
fn human_snapshot() {
    let mut plain = Vec::new();
    render(
        &fixture(),
        Format::Human,
        &mut anstream::StripStream::new(&mut plain),
    )
    .expect("rendering to memory cannot fail");
    insta::assert_snapshot!(String::from_utf8(plain).expect("UTF-8"));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(rendered(&fixture(), Format::Json));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!(rendered(&fixture(), Format::Sarif));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!(rendered(&fixture(), Format::Github));
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(rendered(&fixture(), Format::Markdown));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(rendered(&fixture(), Format::Junit));
}

#[test]
fn codeclimate_snapshot() {
    insta::assert_snapshot!(rendered(&fixture(), Format::Codeclimate));
}

/// Many findings: `n` failures and `n` warnings in distinct functions.
fn crowded(n: usize) -> Report {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    for i in 0..n {
        let path = format!("src/m{i:05}.rs");
        files.push(file(&path, "added", 40.0, vec![function("f", 1, 30, 30)]));
        for (rule, level) in [
            ("cyclomatic", Severity::Fail),
            ("cognitive", Severity::Warn),
        ] {
            findings.push(finding(
                rule,
                level,
                &path,
                1,
                Some("f"),
                30.0,
                10.0,
                None,
                &format!("{rule} 30 exceeds 10 in a function with a long explanatory message"),
            ));
        }
    }
    Report::judged(
        Mode::Range,
        None,
        None,
        files,
        Vec::new(),
        findings,
        Vec::new(),
    )
}

#[test]
fn github_annotates_ten_of_each_failures_first_then_points_to_the_summary() {
    let text = rendered(&crowded(25), Format::Github);
    let lines: Vec<&str> = text.lines().collect();
    let errors: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("::error "))
        .collect();
    let warnings: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("::warning "))
        .collect();
    assert_eq!(errors.len(), 10, "{text}");
    assert_eq!(warnings.len(), 10, "{text}");
    assert!(
        errors.iter().max() < warnings.iter().min(),
        "failures come first:\n{text}"
    );
    let last = lines.last().expect("output");
    assert!(last.starts_with("::notice "), "{last}");
    assert!(
        last.contains("30 more findings") && last.contains("job summary"),
        "{last}"
    );
}

#[test]
fn github_escapes_properties_and_messages() {
    let text = rendered(&fixture(), Format::Github);
    let line = text
        .lines()
        .find(|l| l.contains("operator"))
        .expect("the odd finding is annotated");
    assert!(
        line.starts_with("::warning file=src/odd dir/a%2Cb%25.rs,line=3,endLine=9,title=debtgate cyclomatic%3A operator|"),
        "{line}"
    );
    assert!(
        line.ends_with("::cyclomatic 12 exceeds 10: 100%25 over, a,b:c%0D%0Asecond line"),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
    // A suppressed finding is not annotated.
    assert!(!text.contains("Parser::table"), "{text}");
}

#[test]
fn markdown_stays_under_the_comment_and_summary_limits() {
    let report = crowded(3_000);
    let comment = rendered(&report, Format::MarkdownComment);
    assert!(comment.chars().count() <= report::COMMENT_LIMIT);
    assert!(
        comment.contains("more findings are not shown"),
        "{}",
        &comment[comment.len() - 300..]
    );
    assert!(comment.starts_with("## debtgate: ❌ fail"));
    let huge = crowded(20_000);
    let summary = rendered(&huge, Format::Markdown);
    assert!(summary.len() <= 1024 * 1024, "{}", summary.len());
    assert!(summary.contains("more findings are not shown"));
}

#[test]
fn sarif_keeps_the_most_important_results_under_the_limits_and_says_so() {
    let report = crowded(30);
    let mut out = Vec::new();
    report::sarif::render_limited(&report, 12, 10_000_000, &mut out).expect("render");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("SARIF is JSON");
    let run = &doc["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 12);
    assert!(
        results.iter().all(|r| r["level"] == "error"),
        "failures first"
    );
    assert_eq!(run["properties"]["truncated"], true);
    let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .expect("a truncation notification");
    assert!(note.contains("12 of 60"), "{note}");

    let mut out = Vec::new();
    report::sarif::render_limited(&report, 25_000, 64 * 1024 + 4_000, &mut out).expect("render");
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("SARIF is JSON");
    let kept = doc["runs"][0]["results"].as_array().expect("results").len();
    assert!(kept > 0 && kept < 60, "{kept}");
}

#[test]
fn codeclimate_fingerprints_are_unique_and_suppressed_findings_left_out() {
    let mut report = fixture();
    let copy = report.findings[0].clone();
    report.findings.push(copy);
    let doc: serde_json::Value =
        serde_json::from_str(&rendered(&report, Format::Codeclimate)).expect("JSON");
    let issues = doc.as_array().expect("an array");
    assert_eq!(issues.len(), 5);
    let mut fps: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().expect("fp"))
        .collect();
    fps.sort_unstable();
    fps.dedup();
    assert_eq!(fps.len(), 5);
}

#[test]
fn junit_is_one_case_per_function_and_file_with_failures_for_fail_findings() {
    let xml = rendered(&fixture(), Format::Junit);
    // Five cases measured, one skipped: the file the fixture did not analyse, with its reason.
    assert_eq!(xml.matches("<testcase ").count(), 6, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(
        xml.contains("<skipped message=\"unsupported language\"/>"),
        "{xml}"
    );
    assert!(xml.contains("name=\"operator|\""), "{xml}");
}

/// Where `scripts/test` installs the SARIF Multitool.
fn multitool() -> PathBuf {
    if let Some(path) = std::env::var_os("DEBTGATE_SARIF_MULTITOOL") {
        return PathBuf::from(path);
    }
    let tools = std::env::var_os("DEBTGATE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/debtgate/tools")
        });
    tools.join("node_modules/.bin/sarif-multitool")
}

fn validate(sarif: &Path) -> String {
    let tool = multitool();
    assert!(
        tool.exists(),
        "the SARIF Multitool is not installed at {}: run scripts/test (npm install --prefix \
         ~/.cache/debtgate/tools @microsoft/sarif-multitool) or set DEBTGATE_SARIF_MULTITOOL",
        tool.display()
    );
    let log = sarif.with_extension("validation.sarif");
    let out = Command::new(&tool)
        .arg("validate")
        .arg(sarif)
        .arg("--output")
        .arg(&log)
        // The npm wrapper runs the tool through a shell: quote the `;` list.
        .args(["--log", "ForceOverwrite", "--level", "\"Error;Warning\""])
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("the SARIF Multitool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&log).unwrap_or_else(|e| panic!("no validation log ({e}):\n{text}")),
    )
    .expect("the validation log is SARIF");
    let errors: Vec<&serde_json::Value> = log["runs"][0]["results"]
        .as_array()
        .map(|r| r.iter().filter(|r| r["level"] == "error").collect())
        .unwrap_or_default();
    let invocation_ok = log["runs"][0]["invocations"][0]["executionSuccessful"] != false;
    assert!(
        errors.is_empty() && invocation_ok && !text.contains(": error "),
        "SARIF Multitool found errors:\n{}\n{text}",
        serde_json::to_string_pretty(&errors).unwrap_or_default()
    );
    text
}

#[test]
fn sarif_passes_the_sarif_multitool_validator() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fixture.sarif");
    std::fs::write(&path, rendered(&fixture(), Format::Sarif)).expect("write");
    validate(&path);
    let path = dir.path().join("empty.sarif");
    let empty = Report::judged(
        Mode::Staged,
        None,
        None,
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    std::fs::write(&path, rendered(&empty, Format::Sarif)).expect("write");
    validate(&path);
}

use crate::util::branchy;

#[test]
fn one_check_writes_every_output_and_stdout_keeps_its_format() {
    let repo = git_repo();
    let dir = repo.path();
    let policy = "version: 1\nmode: new\nthresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";
    commit(dir, &[(".debtgate.yaml", policy.as_bytes())], "policy");
    write(dir, "bad.py", branchy("big", 12).as_bytes());
    git(dir, &["add", "bad.py"]);
    let out = run_in(
        dir,
        &[
            "check",
            "--format",
            "json",
            "--output",
            "sarif=out/r.sarif",
            "--output",
            "junit=out/junit.xml",
            "--output",
            "markdown=summary.md",
            "--output",
            "codeclimate=gl.json",
            "--output",
            "github=ann.txt",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = crate::util::json(&out);
    assert_eq!(report["verdict"], "fail");
    let read = |p: &str| std::fs::read_to_string(dir.join(p)).expect(p);
    let sarif: serde_json::Value = serde_json::from_str(&read("out/r.sarif")).expect("SARIF");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "cyclomatic");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"],
        "bad.py"
    );
    assert!(read("out/junit.xml").contains("<failure type=\"cyclomatic\""));
    assert!(read("summary.md").starts_with("## debtgate: ❌ fail"));
    assert!(read("gl.json").contains("\"check_name\": \"debtgate/cyclomatic\""));
    assert!(read("ann.txt").contains("::error file=bad.py,line=1"));
    validate(&dir.join("out/r.sarif"));

    let bad = run_in(dir, &["check", "--output", "yaml=x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown format `yaml`"));
}

#[test]
fn the_summary_shows_a_changed_files_grade_before_and_after() {
    let repo = git_repo();
    let dir = repo.path();
    let policy = "version: 1\nmode: new\nthresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";
    let base = commit(
        dir,
        &[
            (".debtgate.yaml", policy.as_bytes()),
            ("m.py", branchy("f", 1).as_bytes()),
        ],
        "base",
    );
    commit(dir, &[("m.py", branchy("f", 40).as_bytes())], "worse");
    let out = run_in(dir, &["check", "--base", &base, "--format", "markdown"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    let row = md
        .lines()
        .find(|l| l.starts_with("| `m.py` | modified |"))
        .unwrap_or_else(|| panic!("no grade row:\n{md}"));
    assert!(row.contains(" → "), "{row}");
}

#[test]
fn the_json_report_reads_back_into_the_same_report() {
    let report = fixture();
    let json = rendered(&report, Format::Json);
    let read = debtgate::report::parse_json(json.as_bytes()).expect("its own JSON reads back");
    // Every format renders the same from the report read back as from the original: nothing
    // the renderers use (base grades included) is lost on the way through JSON.
    for format in [
        Format::Json,
        Format::Markdown,
        Format::Sarif,
        Format::Github,
    ] {
        assert_eq!(
            rendered(&read, format),
            rendered(&report, format),
            "{format:?}"
        );
    }
    assert!(!report.base_grades.is_empty());
    assert_eq!(read.base_grades, report.base_grades);
}

/// `check --all` on a tree mostly of files debtgate does not read: the human report counts them
/// by reason with a few paths, worst file first; `--verbose` and the JSON report list every one.
#[test]
fn a_big_tree_reports_not_analysed_files_by_reason_and_the_worst_file_first() {
    let repo = git_repo();
    let dir = repo.path();
    let mut files: Vec<(String, Vec<u8>)> = (0..7)
        .map(|i| (format!("docs/page{i}.md"), b"# page\n".to_vec()))
        .collect();
    files.push(("data/blob.py".into(), crate::util::BINARY.to_vec()));
    files.push((
        ".debtgate.yaml".into(),
        b"version: 1\nthresholds:\n  cyclomatic: { warn: 3, fail: 8 }\n".to_vec(),
    ));
    // a.py only warns, z.py fails: z.py's findings come first although it sorts last.
    files.push(("a.py".into(), branchy("warned", 4).into_bytes()));
    files.push(("z.py".into(), branchy("failed", 9).into_bytes()));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    commit(dir, &refs, "tree");

    let human = run_in(dir, &["check", "--all", "--format", "human"]);
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stdout);
    let header = text.lines().position(|l| l.starts_with("Not analysed"));
    let header = header.unwrap_or_else(|| panic!("no not-analysed section:\n{text}"));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[header].contains("9 files") && lines[header].contains("--verbose"),
        "{text}"
    );
    // Most files first (the policy file is not code either); three paths, then how many more.
    assert_eq!(
        lines[header + 1],
        "  8  unsupported language  .debtgate.yaml, docs/page0.md, docs/page1.md … and 5 more",
        "{text}"
    );
    // One file: its whole reason.
    assert!(
        lines[header + 2].starts_with("  1  binary: NUL byte at offset ")
            && lines[header + 2].ends_with("  data/blob.py"),
        "{text}"
    );
    assert_eq!(text.matches("docs/page").count(), 2, "{text}");
    let z = text.find("z.py").expect("z.py is reported");
    let a = text.find("a.py").expect("a.py is reported");
    assert!(z < a, "the failing file comes first:\n{text}");

    let verbose = run_in(dir, &["check", "--all", "--verbose"]);
    let text = String::from_utf8_lossy(&verbose.stdout);
    assert_eq!(text.matches("docs/page").count(), 7, "{text}");
    assert!(
        text.contains("data/blob.py  binary: NUL byte at offset"),
        "{text}"
    );

    let json = crate::util::json(&run_in(dir, &["check", "--all", "--format", "json"]));
    assert_eq!(json["not_analysed"].as_array().map(Vec::len), Some(9));
    assert_eq!(json["summary"]["not_analysed"], 9);
}
