//! `debtgate config validate | show | schema` and `debtgate init` through the binary: exit codes,
//! what goes to stdout and stderr, discovery from a subdirectory, every problem at
//! file:line:column.

use std::path::Path;
use std::process::Output;

use crate::util::{run_in, tree, write};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A directory that `find_repo_root` takes for a repository (a `.git` directory is all it needs).
fn repo(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tree(files);
    std::fs::create_dir_all(dir.path().join(".git")).expect("mkdir .git");
    dir
}

const BROKEN: &str = "\
version: 1
mode: strict
thresholds:
  cyclomatc: { warn: 10, fail: 20 }
  cognitive: { warn: 30, fail: 20 }
  length: { warn: ten }
min_grade: { warn: C, fail: E }
exclude: [\"vendor/**\", \"src/[\"]
overrides:
  - paths: [\"tests/**\"]
    thresholds: { lenght: { fail: 400 } }
  - thresholds: { length: { fail: 1 } }
max_file_size: -1
colour: blue
";

#[test]
fn validate_lists_every_problem_at_its_position_and_exits_2() {
    let dir = repo(&[(".debtgate.yaml", BROKEN.as_bytes())]);
    let out = run_in(dir.path(), &["config", "validate"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(&out));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn validate_accepts_a_good_file_and_no_file() {
    let dir = repo(&[(".debtgate.yml", b"mode: ratchet\n")]);
    let out = run_in(dir.path(), &["config", "validate"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stderr(&out), "debtgate: .debtgate.yml: valid\n");

    let dir = repo(&[]);
    let out = run_in(dir.path(), &["config", "validate"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stderr(&out).contains("built-in default applies"), "{out:?}");
}

#[test]
fn validate_reads_the_file_named_by_config_relative_to_the_current_directory() {
    let dir = repo(&[("ci/policy.yaml", b"mode: new\nmode: new\n")]);
    let out = run_in(
        &dir.path().join("ci"),
        &["config", "validate", "--config", "policy.yaml"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        "policy.yaml:2:1: duplicate key `mode`: it may appear once\n\
         debtgate: policy.yaml: 1 problem\n"
    );
    let out = run_in(
        dir.path(),
        &["config", "validate", "--config", "missing.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.yaml"), "{out:?}");
}

#[test]
fn both_file_names_at_once_is_an_error() {
    let dir = repo(&[(".debtgate.yaml", b"{}\n"), (".debtgate.yml", b"{}\n")]);
    let out = run_in(dir.path(), &["config", "show"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("keep one of them"), "{out:?}");
}

#[test]
fn show_prints_the_effective_settings_from_a_subdirectory() {
    let dir = repo(&[
        (
            ".debtgate.yaml",
            b"thresholds:\n  params: { warn: 2, fail: 3 }\n",
        ),
        ("src/deep/x.rs", b""),
    ]);
    let out = run_in(&dir.path().join("src/deep"), &["config", "show"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let yaml = stdout(&out);
    let header = yaml.lines().next().expect("a first line");
    assert!(
        header.starts_with("# Effective debtgate settings, from "),
        "{yaml}"
    );
    assert!(
        header.contains(".debtgate.yaml over the built-in default"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  params:\n    warn: 2\n    fail: 3\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  cyclomatic:\n"),
        "the defaults are filled in: {yaml}"
    );

    // The output is a config file that means the same.
    write(dir.path(), ".debtgate.yaml", yaml.as_bytes());
    let again = run_in(dir.path(), &["config", "show"]);
    assert_eq!(
        stdout(&again).lines().skip(1).collect::<Vec<_>>(),
        yaml.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn show_without_a_file_prints_the_default() {
    let dir = repo(&[]);
    let out = run_in(dir.path(), &["config", "show"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let yaml = stdout(&out);
    assert!(
        yaml.starts_with("# Effective debtgate settings, from the built-in default"),
        "{yaml}"
    );
    assert!(yaml.contains("\nmode: new\n"), "{yaml}");
}

#[test]
fn show_of_an_invalid_file_lists_the_problems_and_prints_nothing() {
    let dir = repo(&[(".debtgate.yaml", b"mode: fast\n")]);
    let out = run_in(dir.path(), &["config", "show"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).starts_with(".debtgate.yaml:1:7: unknown mode `fast`"),
        "{out:?}"
    );
}

#[test]
fn schema_is_json_with_every_top_level_key() {
    let dir = tree(&[]);
    let out = run_in(dir.path(), &["config", "schema"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let properties = schema["properties"].as_object().expect("properties");
    for key in [
        "version",
        "mode",
        "thresholds",
        "min_grade",
        "exclude",
        "overrides",
        "max_file_size",
        "store",
    ] {
        assert!(properties.contains_key(key), "{key}");
    }
}

#[test]
fn init_writes_the_starter_at_the_root_and_refuses_to_overwrite() {
    let dir = repo(&[("src/a.rs", b"")]);
    let sub = dir.path().join("src");
    let out = run_in(&sub, &["init"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let written = dir.path().join(".debtgate.yaml");
    let text = std::fs::read_to_string(&written).expect("init wrote .debtgate.yaml");
    assert!(text.starts_with('#'), "commented: {text}");
    let valid = run_in(dir.path(), &["config", "validate"]);
    assert_eq!(valid.status.code(), Some(0), "{valid:?}");

    std::fs::write(&written, "mode: ratchet\n").expect("edit");
    let again = run_in(&sub, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"), "{again:?}");
    assert_eq!(
        std::fs::read_to_string(&written).expect("still there"),
        "mode: ratchet\n"
    );

    let forced = run_in(&sub, &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{forced:?}");
    assert_eq!(std::fs::read_to_string(&written).expect("rewritten"), text);
}

#[test]
fn init_respects_an_existing_yml_and_needs_a_repository() {
    let dir = repo(&[(".debtgate.yml", b"mode: new\n")]);
    let out = run_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".debtgate.yml"), "{out:?}");
    assert!(!Path::new(&dir.path().join(".debtgate.yaml")).exists());

    let outside = tree(&[]);
    let out = run_in(outside.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains("not inside a git repository"),
        "{out:?}"
    );
}
