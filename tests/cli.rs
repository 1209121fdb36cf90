//! `debtgate analyze` through the binary: exit codes, stdout discipline, formats, walking.

use std::process::Command;

use crate::util::{json, run_in, tree, write};

const RUST: &[u8] = b"fn pick(a: bool, b: bool) -> u8 {\n    if a && b {\n        1\n    } else {\n        2\n    }\n}\n";

#[test]
fn json_report_follows_the_schema_and_stdout_holds_only_it() {
    let dir = tree(&[("src/lib.rs", RUST), ("README.md", b"# hi\n")]);
    let out = run_in(dir.path(), &["analyze", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(report["schema"], "debtgate.report/1");
    assert_eq!(report["mode"], "paths");
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["tool"]["name"], "debtgate");
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["functions"], 1);
    assert_eq!(report["summary"]["not_analysed"], 1);
    let file = &report["files"][0];
    assert_eq!(file["path"], "src/lib.rs");
    assert_eq!(file["language"], "rust");
    let f = &file["functions"][0];
    assert_eq!(f["name"], "pick");
    assert_eq!(f["start_line"], 1);
    assert_eq!(f["end_line"], 7);
    assert_eq!(f["cyclomatic"], 3); // 1 + if + &&
    assert_eq!(f["cognitive"], 3); // if + && sequence + else
    assert_eq!(f["params"], 2);
    assert_eq!(report["not_analysed"][0]["path"], "README.md");
    assert_eq!(report["not_analysed"][0]["reason"], "unsupported language");
}

#[test]
fn a_missing_path_is_a_usage_error_that_names_it() {
    let dir = tree(&[]);
    let out = run_in(dir.path(), &["analyze", "no/such/place"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/place"), "{err}");
}

#[test]
fn unknown_flags_and_formats_are_usage_errors() {
    let dir = tree(&[]);
    assert_eq!(
        run_in(dir.path(), &["analyze", "--bogus"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run_in(dir.path(), &["analyze", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run_in(dir.path(), &["frobnicate"]).status.code(), Some(2));
}

#[test]
fn walking_honours_gitignore_and_hidden_files_but_named_files_always_count() {
    let dir = tree(&[
        ("keep.py", b"def a():\n    return 1\n"),
        ("build/gen.py", b"def generated():\n    return 1\n"),
        (".hidden/secret.py", b"def hidden():\n    return 1\n"),
        (".gitignore", b"build/\n"),
    ]);
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .expect("git runs");
    assert!(git.success());
    let report = json(&run_in(dir.path(), &["analyze", "--format", "json"]));
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files is an array")
        .iter()
        .map(|f| f["path"].as_str().expect("path is a string"))
        .collect();
    assert_eq!(paths, ["keep.py"]);

    let named = json(&run_in(
        dir.path(),
        &["analyze", "--format", "json", "build/gen.py", "keep.py"],
    ));
    let paths: Vec<&str> = named["files"]
        .as_array()
        .expect("files is an array")
        .iter()
        .map(|f| f["path"].as_str().expect("path is a string"))
        .collect();
    assert_eq!(paths, ["build/gen.py", "keep.py"]);
}

#[test]
fn output_order_is_deterministic_across_runs_and_thread_counts() {
    let dir = tree(&[]);
    for i in 0..40 {
        let src = format!("def f{i}(x):\n    if x:\n        return {i}\n    return 0\n");
        write(dir.path(), &format!("pkg{}/m{i}.py", i % 7), src.as_bytes());
    }
    let one = run_in(dir.path(), &["analyze", "--format", "json", "-j", "1"]);
    let two = run_in(dir.path(), &["analyze", "--format", "json", "-j", "2"]);
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(one.stdout, two.stdout);
    let report = json(&one);
    let paths: Vec<String> = report["files"]
        .as_array()
        .expect("files is an array")
        .iter()
        .map(|f| f["path"].as_str().expect("path").to_string())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(paths.len(), 40);
}

#[test]
fn human_report_lists_worst_functions_first_without_colour_when_asked() {
    let dir = tree(&[
        ("simple.go", b"package p\n\nfunc Simple() int {\n\treturn 1\n}\n"),
        (
            "branchy.go",
            b"package p\n\nfunc Branchy(a, b int) int {\n\tif a > 0 {\n\t\tfor b > 0 {\n\t\t\tb--\n\t\t}\n\t}\n\treturn b\n}\n",
        ),
        ("notes.txt", b"plain text\n"),
    ]);
    let out = run_in(dir.path(), &["analyze"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR must strip escapes:\n{text}"
    );
    let branchy = text.find("Branchy").expect("Branchy listed");
    let simple = text.find("Simple").expect("Simple listed");
    assert!(branchy < simple, "worst first:\n{text}");
    assert!(
        text.contains("notes.txt") && text.contains("unsupported language"),
        "{text}"
    );
}

#[test]
fn a_header_is_read_as_cpp_when_it_holds_cpp_and_as_c_otherwise() {
    let dir = tree(&[
        (
            "cpp.h",
            b"namespace fmt {\nclass W {\npublic:\n  int f(int a) { return a ? 1 : 2; }\n};\n}\n",
        ),
        (
            "c.h",
            b"static inline int g(int class) { return class ? 1 : 2; }\n",
        ),
    ]);
    let report = json(&run_in(dir.path(), &["analyze", "--format", "json"]));
    let files = report["files"].as_array().expect("files");
    assert_eq!(files[0]["path"], "c.h");
    assert_eq!(files[0]["language"], "c");
    assert_eq!(files[0]["functions"][0]["cyclomatic"], 2);
    assert_eq!(files[1]["language"], "cpp");
    assert_eq!(files[1]["functions"][0]["qualified_name"], "fmt::W::f");
}

#[test]
fn analyze_takes_its_size_limit_from_the_policy_unless_told() {
    let dir = tree(&[
        (".debtgate.yaml", b"max_file_size: 100\n"),
        ("small.py", b"def f():\n    return 1\n"),
        (
            "big.py",
            format!("def g():\n    return 1\n{}", "# pad\n".repeat(30)).as_bytes(),
        ),
    ]);
    crate::util::git(dir.path(), &["init", "-q"]);
    let report = json(&run_in(dir.path(), &["analyze", "--format", "json"]));
    assert_eq!(report["files"][0]["path"], "small.py");
    assert_eq!(report["not_analysed"][0]["path"], "big.py");
    let told = json(&run_in(
        dir.path(),
        &["analyze", "--format", "json", "--max-file-size", "100000"],
    ));
    assert_eq!(told["summary"]["files"], 2);
}
