//! The rows of docs/bad-input.md that no other module shows: inputs at the scale the table names
//! (100,000 levels, 100,000 functions), paths no editor would make, a file gone between listing
//! and reading, a repository nobody may write, and a store on a full disk. Each ends in a clear
//! answer: the right verdict, a diagnostic or a listed reason, never a panic, and nothing damaged.

use std::path::Path;
use std::process::Output;

use debtgate::analysis::Analyzer;
use debtgate::lang::Language;

use crate::util::{commit, debtgate, git, git_repo, json, write};

/// A function with `branches` ifs (cyclomatic `branches + 1`).
fn branchy(name: &str, branches: usize) -> String {
    crate::store::branchy(name, branches, 0)
}

const POLICY: &str = "version: 1\nmode: absolute\nthresholds:\n  cyclomatic: { fail: 5 }\n";

/// `debtgate check ARGS` in `dir` without a store.
fn gate(dir: &Path, args: &[&str]) -> Output {
    debtgate()
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DEBTGATE_STORE", "off")
        .output()
        .expect("debtgate runs")
}

/// [`gate`] with the JSON report.
fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    gate(dir, &all)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// 100,000 levels, on a test thread's 2 MiB stack: a recursive walk anywhere (ours or the
/// grammar's) would overflow it long before.
#[test]
fn a_hundred_thousand_levels_of_nesting_are_measured_on_a_small_stack() {
    const DEPTH: usize = 100_000;
    let cases = [
        (
            Language::Rust,
            format!(
                "fn f(a: bool) {{ {} }}",
                "if a { ".repeat(DEPTH) + &"}".repeat(DEPTH)
            ),
        ),
        (
            Language::Python,
            format!(
                "def f(a):\n    return {}a{}\n",
                "(a and ".repeat(DEPTH),
                ")".repeat(DEPTH)
            ),
        ),
        (
            Language::JavaScript,
            format!("let x = {}0{};", "[".repeat(DEPTH), "]".repeat(DEPTH)),
        ),
    ];
    let mut analyzer = Analyzer::new();
    for (language, src) in cases {
        let m = analyzer.analyze(src.as_bytes(), language);
        assert!(m.score.is_finite(), "{language:?}");
        match language {
            Language::Rust => {
                assert_eq!(m.functions[0].cyclomatic as usize, DEPTH + 1);
                assert_eq!(m.functions[0].max_nesting as usize, DEPTH);
                // Σ (1 + nesting) is past u32::MAX: saturated, never wrapped to a small number.
                assert_eq!(m.functions[0].cognitive, u32::MAX);
            }
            Language::Python => assert_eq!(m.functions[0].cyclomatic as usize, DEPTH + 1),
            _ => assert!(m.functions.is_empty()),
        }
    }
}

/// 100,000 functions in one staged file: every one measured and judged, the failing one found.
#[test]
fn a_file_of_a_hundred_thousand_functions_is_judged_whole() {
    const FUNCTIONS: usize = 100_000;
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[(".debtgate.yaml", POLICY.as_bytes())], "policy");
    let mut src = String::with_capacity(FUNCTIONS * 24);
    for i in 0..FUNCTIONS {
        src.push_str(&format!("def f{i}(x):\n    return x\n"));
    }
    src.push_str(&branchy("tangled", 8));
    write(dir, "many.py", src.as_bytes());
    git(dir, &["add", "-A"]);
    let out = check(dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["functions"], FUNCTIONS + 1);
    assert_eq!(report["summary"]["failures"], 1);
    assert_eq!(report["findings"][0]["function"], "tangled");
    // After 2 lines per function and the `# version` comment that starts `branchy`.
    assert_eq!(report["findings"][0]["line"], 2 * FUNCTIONS + 2);
}

/// The first commit of a repository: nothing to compare with, everything staged is new.
#[test]
fn a_staged_change_on_an_unborn_head_is_judged() {
    let repo = git_repo();
    let dir = repo.path();
    write(dir, ".debtgate.yaml", POLICY.as_bytes());
    write(dir, "first.py", branchy("first", 8).as_bytes());
    git(dir, &["add", "-A"]);
    let out = check(dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["head"], serde_json::Value::Null);
    assert_eq!(report["files"][0]["status"], "added");
    assert_eq!(report["findings"][0]["function"], "first");
}

/// A base that is not there (a typo, an unfetched branch) is a tool error naming it, never an
/// empty change that passes.
#[test]
fn a_missing_base_is_a_tool_error_that_names_it() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("a.py", b"def a():\n    return 1\n")], "one");
    let out = check(dir, &["--base", "origin/nosuch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("`origin/nosuch` is not in this repository"),
        "{err}"
    );
    assert!(err.contains("git fetch"), "{err}");
}

/// Removes the loose object `id` from `dir`'s repository, as a partial clone
/// (`--filter=blob:none`) or a sparse one lacks the blobs it has not downloaded.
fn lose_object(dir: &Path, id: &str) {
    let object = dir.join(".git/objects").join(&id[..2]).join(&id[2..]);
    std::fs::remove_file(&object).expect("the object is loose");
}

/// A changed file whose content is not in the repository (a partial clone that has not fetched
/// it) cannot be judged: exit 2, nothing on stdout, and the message names the file and the
/// fix — never a pass for the change it could not read, nor "a new function" for a base it could
/// not read. **Fixed**: the head side was listed as unreadable and the gate passed (exit 0) over a
/// function far above the level; a missing base side made every function "new".
#[test]
fn a_changed_files_missing_object_is_a_tool_error_never_a_pass() {
    let repo = git_repo();
    let dir = repo.path();
    commit(
        dir,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("a.py", branchy("f", 2).as_bytes()),
        ],
        "one",
    );
    commit(dir, &[("a.py", branchy("f", 9).as_bytes())], "two");
    let readable = check(dir, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(readable.status.code(), Some(1), "{}", stderr(&readable));

    let expect_error = |out: &Output, id: &str| {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(err.contains("a.py"), "{err}");
        assert!(err.contains(id), "{err}");
        assert!(err.contains("partial clone"), "{err}");
    };
    // The base side, in a mode that compares with it.
    let base = git(dir, &["rev-parse", "HEAD~1:a.py"]);
    let saved = std::fs::read(dir.join(".git/objects").join(&base[..2]).join(&base[2..]))
        .expect("loose base object");
    lose_object(dir, &base);
    let policy = tempfile::NamedTempFile::new().expect("temp file");
    let ratchet = POLICY.replace("mode: absolute", "mode: ratchet");
    std::fs::write(policy.path(), ratchet).expect("write policy");
    let config = policy.path().to_str().expect("UTF-8 temp path");
    let ratchet = check(
        dir,
        &["--base", "HEAD~1", "--head", "HEAD", "--config", config],
    );
    expect_error(&ratchet, &base);
    let object = dir.join(".git/objects").join(&base[..2]).join(&base[2..]);
    std::fs::write(&object, saved).expect("restore");

    // The head side: in a range, in `--all`, and staged (the index's blob).
    let head = git(dir, &["rev-parse", "HEAD:a.py"]);
    lose_object(dir, &head);
    expect_error(&check(dir, &["--base", "HEAD~1", "--head", "HEAD"]), &head);
    expect_error(&check(dir, &["--all"]), &head);
    write(dir, "b.py", branchy("g", 9).as_bytes());
    git(dir, &["add", "b.py"]);
    let staged = git(dir, &["rev-parse", ":b.py"]);
    lose_object(dir, &staged);
    let out = check(dir, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("b.py") && err.contains(&staged), "{err}");
}

/// The same through a real partial clone (`git clone --filter=blob:none --no-checkout`): the
/// gate refuses to read a policy or judge blobs it does not have, and after the commands its
/// messages name (`git cat-file -p ID`; `git diff --stat BASE HEAD`, which downloads a change's
/// blobs), it judges the change — and fails it.
#[test]
fn a_partial_clone_is_told_how_to_fetch_the_change_and_then_judged() {
    let origin = git_repo();
    let src = origin.path();
    commit(
        src,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("a.py", branchy("f", 2).as_bytes()),
        ],
        "one",
    );
    commit(src, &[("a.py", branchy("f", 9).as_bytes())], "two");
    git(src, &["config", "uploadpack.allowFilter", "true"]);
    git(src, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
    let parent = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", src.display());
    git(
        parent.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            "--no-checkout",
            &url,
            "clone",
        ],
    );
    let dir = &parent.path().join("clone");
    // First the base revision's policy file, which is not downloaded either.
    let policy = check(dir, &["--base", "HEAD~1", "--head", "HEAD"]);
    let policy_id = git(src, &["rev-parse", "HEAD~1:.debtgate.yaml"]);
    let err = stderr(&policy);
    assert_eq!(policy.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("`git cat-file -p {policy_id}`")),
        "{err}"
    );
    git(dir, &["cat-file", "-p", &policy_id]);
    let before = check(dir, &["--base", "HEAD~1", "--head", "HEAD"]);
    let err = stderr(&before);
    assert_eq!(before.status.code(), Some(2), "{err}");
    assert!(before.stdout.is_empty());
    assert!(err.contains("a.py (head side)"), "{err}");
    assert!(err.contains("`git diff --stat BASE HEAD`"), "{err}");
    git(dir, &["diff", "--stat", "HEAD~1", "HEAD"]);
    let after = check(dir, &["--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(after.status.code(), Some(1), "{}", stderr(&after));
    assert_eq!(json(&after)["findings"][0]["function"], "f");
}

/// A NUL byte in a comment does not make a source file binary: the file is text by every other
/// byte, compilers and interpreters of several of our languages accept it, and skipping it would
/// let one invisible byte switch the gate off for the whole file. It is measured (the NUL is a
/// syntax diagnostic) and judged. Content that is binary data — a NUL and a quarter of the first
/// 8 KiB not text, like the PNG header here — is still not analysed. **Fixed**: `# \0` on the
/// first line of a Python file made the gate pass over a function of cyclomatic 10 (exit 0,
/// "binary: NUL byte at offset 2").
#[test]
fn a_nul_byte_in_a_comment_does_not_hide_a_source_file_from_the_gate() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[(".debtgate.yaml", POLICY.as_bytes())], "policy");
    let hidden = format!("# \0 nothing to see\n{}", branchy("hidden", 9));
    write(dir, "a.py", hidden.as_bytes());
    write(
        dir,
        "b.js",
        b"// \0\x01\nfunction f(x) { if (x) { return 1 } return 0 }\n",
    );
    write(dir, "image.py", crate::util::BINARY);
    git(dir, &["add", "-A"]);
    let out = check(dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let failed: Vec<&str> = (report["findings"].as_array().expect("findings").iter())
        .filter(|f| f["level"] == "fail")
        .map(|f| f["function"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(failed, ["hidden"], "{report}");
    let measured: Vec<&str> = (report["files"].as_array().expect("files").iter())
        .map(|f| f["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(measured, ["a.py", "b.js"], "{report}");
    assert_eq!(report["not_analysed"][0]["path"], "image.py", "{report}");
    let reason = report["not_analysed"][0]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(
        reason.starts_with("binary: NUL byte at offset 8"),
        "{reason}"
    );
}

/// `text` as UTF-16 with a byte-order mark, little-endian (what Windows PowerShell's `>` and
/// Visual Studio's "Unicode" write) or big-endian.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xff, 0xfe]
    } else {
        vec![0xfe, 0xff]
    };
    for unit in text.encode_utf16() {
        out.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

/// A source file saved as UTF-16 is judged like the same text in UTF-8 — its functions, its
/// suppressions, its changes — instead of being skipped as binary for its NUL bytes; one stray
/// byte after it does not switch that off. UTF-16 without its mark stays data.
#[test]
fn a_source_file_saved_as_utf16_is_judged_not_skipped_as_binary() {
    let repo = git_repo();
    let dir = repo.path();
    let csharp = |ifs: usize| {
        let mut s = String::from("// Größe\nclass Gate {\n    int Route(int x) {\n");
        for i in 0..ifs {
            s.push_str(&format!("        if (x == {i}) {{ return {i}; }}\n"));
        }
        s.push_str("        return -1;\n    }\n}\n");
        s
    };
    let suppressed = format!(
        "# debtgate: allow(cyclomatic) reason=\"a table\"\n{}",
        branchy("table", 9)
    );
    commit(
        dir,
        &[
            (
                ".debtgate.yaml",
                b"version: 1\nmode: new\nthresholds:\n  cyclomatic: { fail: 5 }\n",
            ),
            ("old.cs", &utf16(&csharp(2), true)),
        ],
        "base",
    );
    // A function grown past the level in a file that was UTF-16 already, new files in each byte
    // order, one with a stray last byte, a suppression honoured in UTF-16, and UTF-16 without
    // its mark.
    write(dir, "old.cs", &utf16(&csharp(9), true));
    write(dir, "be.py", &utf16(&branchy("big_endian", 9), false));
    write(
        dir,
        "stray.cs",
        &[utf16(&csharp(9), true), b"\n".to_vec()].concat(),
    );
    write(dir, "table.py", &utf16(&suppressed, true));
    write(dir, "no_mark.cs", &utf16(&csharp(9), true)[2..]);
    git(dir, &["add", "-A"]);
    let out = check(dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let findings = report["findings"].as_array().expect("findings");
    let mut failed: Vec<(&str, &str, f64)> = (findings.iter())
        .filter(|f| f["level"] == "fail" && f["suppressed"] != true)
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default(),
                f["function"].as_str().unwrap_or_default(),
                f["value"].as_f64().unwrap_or_default(),
            )
        })
        .collect();
    failed.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    assert_eq!(
        failed,
        [
            ("be.py", "big_endian", 10.0),
            ("old.cs", "Gate.Route", 10.0),
            ("stray.cs", "Gate.Route", 10.0)
        ],
        "{report}"
    );
    let route = (findings.iter())
        .find(|f| f["function"] == "Gate.Route")
        .expect("Gate.Route");
    assert_eq!(route["line"], 3, "line numbers are the text's: {route}");
    assert!(
        (findings.iter()).any(|f| f["function"] == "table" && f["suppressed"] == true),
        "{report}"
    );
    assert_eq!(report["not_analysed"][0]["path"], "no_mark.cs", "{report}");
    let reason = report["not_analysed"][0]["reason"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.starts_with("binary: NUL byte at offset"), "{reason}");
}

/// Unicode, spaces, a tab and a newline in paths: each file is judged under its own name, the
/// JSON names it exactly, and the GitHub annotations stay one line each.
#[test]
fn unicode_and_newline_paths_are_judged_under_their_own_names() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[(".debtgate.yaml", POLICY.as_bytes())], "policy");
    let names = ["ünï cödé/数据.py", "tab\there.py", "new\nline.py", "-rf.py"];
    for (i, name) in names.iter().enumerate() {
        write(dir, name, branchy(&format!("f{i}"), 8).as_bytes());
    }
    git(dir, &["add", "-A"]);
    let out = check(dir, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    let mut judged: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["path"].as_str().expect("a path"))
        .collect();
    judged.sort_unstable();
    let mut expected = names.to_vec();
    expected.sort_unstable();
    assert_eq!(judged, expected);

    let out = gate(dir, &["--format", "github"]);
    let text = String::from_utf8(out.stdout).expect("UTF-8 annotations");
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(errors.len(), names.len(), "{text}");
    assert!(
        errors.iter().any(|l| l.contains("file=new%0Aline.py,")),
        "{text}"
    );
}

/// Runs `cmd` to its end, or kills it after a minute and fails: a read that blocks for ever is
/// the failure under test, not a slow machine (a run here takes well under a second).
fn finishes(mut cmd: std::process::Command) -> Output {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("debtgate starts");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().expect("waiting works").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("debtgate hung (killed after 60 s)");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().expect("the output")
}

/// A FIFO (or socket, or device) where a source file should be: opening it for reading would
/// wait for a writer for ever. It is listed as not analysed, and the other files are judged.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_a_file_is_not_analysed_and_never_waited_on() {
    let repo = git_repo();
    let dir = repo.path();
    commit(
        dir,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("pipe.py", b"def p():\n    return 1\n"),
        ],
        "base",
    );
    std::fs::remove_file(dir.join("pipe.py")).expect("remove pipe.py");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.py"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    write(dir, "tangled.py", branchy("tangled", 8).as_bytes());

    // `check --paths` judges the rest; `analyze` names it too, rather than dropping it.
    let runs: [(&[&str], i32); 2] = [
        (&["check", "--format", "json", "--paths"], 1),
        (&["analyze", "--format", "json"], 0),
    ];
    for (args, status) in runs {
        let mut cmd = debtgate();
        cmd.args(args)
            .args(["pipe.py", "tangled.py"])
            .current_dir(dir)
            .env("DEBTGATE_STORE", "off");
        let out = finishes(cmd);
        assert_eq!(
            out.status.code(),
            Some(status),
            "{args:?}: {}",
            stderr(&out)
        );
        let report = json(&out);
        assert_eq!(report["not_analysed"][0]["path"], "pipe.py");
        let reason = report["not_analysed"][0]["reason"].to_string();
        assert!(reason.contains("not a regular file"), "{reason}");
        let tangled = &report["files"][0]["functions"][0];
        assert_eq!(tangled["name"], "tangled", "{report}");
    }
}

/// A file listed for `--paths` (or by `analyze`'s walk) and deleted before it is read: a reason
/// in the report, never a panic or a silent pass over nothing.
#[test]
fn a_file_deleted_between_listing_and_reading_is_listed_as_unreadable() {
    use debtgate::change::Repo;
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("gone.py", b"def g():\n    return 1\n")], "base");
    write(dir, "gone.py", b"def g():\n    return 2\n");
    let listed = Repo::discover(dir)
        .expect("a repository")
        .paths(&[dir.join("gone.py")])
        .expect("listed while it is there");
    std::fs::remove_file(dir.join("gone.py")).expect("remove gone.py");
    let settings = debtgate::config::Settings::embedded();
    let plan = debtgate::plan::change(&settings, &listed);
    let repo = Repo::discover(dir).expect("a repository");
    let store = debtgate::daemon::Measurer::in_process(debtgate::store::Store::memory_only());
    let measure = debtgate::measure::Measure {
        repo: &repo,
        store: &store,
        max_file_size: settings.max_file_size,
        clock: None,
    };
    let why = measure
        .side(&mut Analyzer::new(), plan.files[0].head)
        .expect_err("nothing to measure");
    assert!(
        why.starts_with("unreadable:") && why.contains("gone.py"),
        "{why}"
    );

    // `analyze`: the walk lists it, then it is gone.
    let files = debtgate::inputs::discover(&[dir.to_path_buf()]).expect("a walk");
    assert!(files.iter().all(|f| !f.ends_with("gone.py")));
    write(dir, "later.py", b"def l():\n    return 1\n");
    let files = debtgate::inputs::discover(&[dir.to_path_buf()]).expect("a walk");
    std::fs::remove_file(dir.join("later.py")).expect("remove later.py");
    let later = files
        .iter()
        .find(|f| f.ends_with("later.py"))
        .expect("listed");
    match debtgate::inputs::load(later, 1 << 20).source {
        debtgate::inputs::Source::Skipped(why) => assert!(why.starts_with("unreadable:"), "{why}"),
        debtgate::inputs::Source::Content { .. } => panic!("a deleted file was read"),
    }
}

/// A mount that is undone when dropped (`umount`; lazily, so a test that fails never leaves it).
struct Mounted(std::path::PathBuf);

impl Mounted {
    /// `mount ARGS… AT`, or `None` with the reason printed where mounting is impossible (not
    /// root, or a container without the capability).
    fn new(args: &[&str], at: &Path) -> Option<Mounted> {
        let out = std::process::Command::new("mount")
            .args(args)
            .arg(at)
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Mounted(at.to_path_buf())),
            Ok(out) => {
                eprintln!(
                    "mount {args:?} is impossible here: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("no mount command: {e}");
                None
            }
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Every file under `root` with its length and modification time: what "nothing was written"
/// means.
fn snapshot(root: &Path) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable dir") {
            let entry = entry.expect("an entry");
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                dirs.push(entry.path());
            } else {
                out.push((entry.path(), meta.len(), meta.modified().expect("mtime")));
            }
        }
    }
    out.sort();
    out
}

/// A repository nobody may write (a read-only mount, as a CI cache or a container may give):
/// the gate judges the staged change and the whole tree with the right verdicts, says once that
/// the store is unavailable, and writes nothing. As root the repository is bind-mounted
/// read-only (root ignores file modes); otherwise its files are made read-only.
#[test]
fn a_read_only_repository_is_judged_and_left_untouched() {
    let repo = git_repo();
    let dir = repo.path();
    commit(
        dir,
        &[
            (".debtgate.yaml", POLICY.as_bytes()),
            ("old.py", branchy("old", 8).as_bytes()),
        ],
        "base",
    );
    write(dir, "new.py", branchy("new", 8).as_bytes());
    git(dir, &["add", "new.py"]);

    let view = tempfile::tempdir().expect("a temp dir");
    // SAFETY: geteuid(2) has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let (_mount, at) = if root {
        let Some(bound) = Mounted::new(&["--bind", dir.to_str().expect("UTF-8")], view.path())
        else {
            eprintln!("skipped: a read-only repository needs a read-only mount as root");
            return;
        };
        let remounted = Mounted::new(&["-o", "remount,ro,bind"], view.path());
        assert!(remounted.is_some(), "a bind mount can be made read-only");
        std::mem::forget(remounted); // `bound` unmounts it.
        (Some(bound), view.path().to_path_buf())
    } else {
        let made = std::process::Command::new("chmod")
            .args(["-R", "a-w"])
            .arg(dir)
            .status()
            .expect("chmod runs");
        assert!(made.success());
        (None, dir.to_path_buf())
    };
    assert!(
        std::fs::write(at.join("probe"), b"x").is_err(),
        "the repository is read-only"
    );
    let before = snapshot(&at);

    let run = |args: &[&str]| {
        debtgate()
            .args(["check", "--format", "json"])
            .args(args)
            .current_dir(&at)
            .env_remove("DEBTGATE_STORE")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .expect("debtgate runs")
    };
    let staged = run(&[]);
    assert_eq!(staged.status.code(), Some(1), "{}", stderr(&staged));
    assert_eq!(json(&staged)["findings"][0]["function"], "new");
    let warnings = stderr(&staged);
    assert_eq!(warnings.matches("warning: store").count(), 1, "{warnings}");
    let all = run(&["--all"]);
    assert_eq!(all.status.code(), Some(1), "{}", stderr(&all));
    // Only what is committed: the staged file is not in HEAD's tree.
    assert_eq!(json(&all)["findings"][0]["function"], "old");
    assert_eq!(json(&all)["summary"]["failures"], 1);
    assert_eq!(snapshot(&at), before, "nothing was written");

    if !root {
        let _ = std::process::Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(dir)
            .status();
    }
}

/// The store's disk fills up while a run writes to it: the run gives the verdict a run without a
/// store gives, with one warning; and once there is room again, the store still serves what it
/// held before — the failed write damaged nothing. As root the store sits on a 4 MiB tmpfs that
/// is then filled to the last byte (ENOSPC); otherwise the run is a child whose files may not
/// grow (RLIMIT_FSIZE: EFBIG, with SIGXFSZ ignored).
#[test]
fn a_full_disk_for_the_store_is_a_warning_and_damages_nothing() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[(".debtgate.yaml", POLICY.as_bytes())], "policy");
    let stage = |salt: usize| {
        for i in 0..40 {
            write(
                dir,
                &format!("src/m{i}.py"),
                branchy(&format!("f{i}_{salt}"), 2 + (i + salt) % 6).as_bytes(),
            );
        }
        git(dir, &["add", "-A"]);
    };
    let space = tempfile::tempdir().expect("a temp dir");
    let tmpfs = Mounted::new(&["-t", "tmpfs", "-o", "size=4m", "tmpfs"], space.path());
    eprintln!(
        "full disk by {}",
        if tmpfs.is_some() {
            "a filled 4 MiB tmpfs (ENOSPC)"
        } else {
            "RLIMIT_FSIZE (EFBIG)"
        }
    );
    let store = space.path().join("store.redb");
    let run = |limit: Option<u64>| {
        let mut cmd = debtgate();
        cmd.args(["check", "--format", "json"])
            .current_dir(dir)
            .env("DEBTGATE_STORE", &store);
        if let Some(bytes) = limit {
            use std::os::unix::process::CommandExt;
            // SAFETY: between fork and exec only async-signal-safe calls: signal(2), setrlimit(2).
            unsafe {
                cmd.pre_exec(move || {
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                    let lim = libc::rlimit {
                        rlim_cur: bytes,
                        rlim_max: bytes,
                    };
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        cmd.output().expect("debtgate runs")
    };
    let reference = |out: &Output| {
        let mut v = json(out);
        v.as_object_mut().expect("an object").remove("cache");
        v
    };
    let cache = |out: &Output| json(out)["cache"].clone();

    stage(0);
    let first = run(None);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert_eq!(cache(&first)["miss"], 40, "{}", stderr(&first));

    // No room for a second run's 40 new measurements.
    stage(1);
    let expected = reference(&gate(dir, &["--format", "json"]));
    let filler = space.path().join("filler");
    let full = if tmpfs.is_some() {
        let mut f = std::fs::File::create(&filler).expect("create the filler");
        let chunk = vec![0u8; 64 * 1024];
        use std::io::Write;
        while f.write_all(&chunk).is_ok() {}
        let _ = f.write_all(&[0]);
        run(None)
    } else {
        let size = std::fs::metadata(&store).expect("the store exists").len();
        run(Some(size))
    };
    assert_eq!(full.status.code(), Some(1), "{}", stderr(&full));
    assert_eq!(reference(&full), expected);
    let warnings = stderr(&full);
    assert_eq!(warnings.matches("warning: store").count(), 1, "{warnings}");

    // Room again: the first run's measurements are all still there.
    let _ = std::fs::remove_file(&filler);
    stage(0);
    let again = run(None);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert_eq!(reference(&again), reference(&first));
    let c = cache(&again);
    assert_eq!(c["miss"], 0, "{c} {}", stderr(&again));
    let verify = debtgate()
        .args(["store", "verify"])
        .current_dir(dir)
        .env("DEBTGATE_STORE", &store)
        .output()
        .expect("debtgate runs");
    assert!(verify.status.success(), "{}", stderr(&verify));
    drop(tmpfs);
}

/// A staged symlink (even one named like source, pointing at a tangled file) and a submodule
/// are listed with their reason; neither is followed into, and the real files are judged.
#[test]
fn symlinks_and_submodules_are_listed_and_never_followed() {
    let top = tempfile::tempdir().expect("a temp dir");
    let sub = top.path().join("sub");
    let dir = top.path().join("super");
    for repo in [&sub, &dir] {
        std::fs::create_dir(repo).expect("a dir");
        git(repo, &["init", "-q"]);
    }
    commit(&sub, &[("deep.py", branchy("deep", 8).as_bytes())], "sub");
    commit(&dir, &[(".debtgate.yaml", POLICY.as_bytes())], "policy");
    let tangled = top.path().join("tangled.py");
    std::fs::write(&tangled, branchy("outside", 8)).expect("write");
    std::os::unix::fs::symlink(&tangled, dir.join("link.py")).expect("a symlink");
    git(
        &dir,
        &[
            "submodule",
            "add",
            "-q",
            sub.to_str().expect("UTF-8"),
            "vendored",
        ],
    );
    write(&dir, "real.py", branchy("real", 2).as_bytes());
    git(&dir, &["add", "-A"]);

    let out = check(&dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    let listed: Vec<(String, String)> = report["not_analysed"]
        .as_array()
        .expect("not_analysed")
        .iter()
        .map(|n| (n["path"].to_string(), n["reason"].to_string()))
        .collect();
    assert!(
        listed.contains(&("\"link.py\"".into(), "\"symlink\"".into())),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .any(|(p, r)| p == "\"vendored\"" && r.contains("submodule")),
        "{listed:?}"
    );
    assert_eq!(
        report["files"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    assert_eq!(report["files"][0]["path"], "real.py");
}
