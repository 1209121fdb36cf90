//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `debtgate` binary built for this test run.
/// The variables GitHub Actions sets are removed, so the tests judge what they ask for even when
/// they run in GitHub Actions (where `check` would otherwise judge the workflow's event), and so
/// are those that say "this is CI" (a test of `DEBTGATE_SKIP` sets them itself).
pub fn debtgate() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_debtgate"));
    for var in [
        "GITHUB_ACTIONS",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "GITHUB_API_URL",
        "GITHUB_SHA",
        "GITHUB_SERVER_URL",
        "GITHUB_RUN_ID",
        "CI",
        "GITLAB_CI",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `debtgate` with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    debtgate()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the debtgate binary runs")
}

/// Writes `files` (path, content) under a new temp dir.
pub fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    for (path, content) in files {
        write(dir.path(), path, content);
    }
    dir
}

pub fn write(root: &Path, path: &str, content: &[u8]) -> PathBuf {
    let full = root.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("create parent dirs");
    }
    std::fs::write(&full, content).expect("write fixture file");
    full
}

/// Parses stdout as the JSON report.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A `git` command in `dir` that sees neither the user's nor the system's configuration nor a
/// hook's `GIT_DIR` / `GIT_INDEX_FILE`, with a fixed identity and `main` as the first branch.
pub fn git_command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args(["-c", "init.defaultBranch=main", "-c", "core.autocrlf=false"])
        .args([
            "-c",
            "protocol.file.allow=always",
            "-c",
            "commit.gpgsign=false",
        ])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t");
    for var in [
        "GIT_DIR",
        "GIT_INDEX_FILE",
        "GIT_WORK_TREE",
        "GIT_COMMON_DIR",
        "GIT_PREFIX",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs git (see [`git_command`]) and returns its trimmed stdout; panics when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir)
        .args(args)
        .output()
        .expect("git runs (is it installed?)");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A new repository in a temp dir (branch `main`, nothing committed).
pub fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    git(dir.path(), &["init", "-q"]);
    dir
}

/// Writes `files`, stages everything and commits with `message`; returns the commit id.
pub fn commit(dir: &Path, files: &[(&str, &[u8])], message: &str) -> String {
    for (path, content) in files {
        write(dir, path, content);
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// The functions debtgate measures in `tests/fixtures/lang/<path>`, read as `language`. The
/// fixture must parse without syntax errors.
pub fn functions_of(
    path: &str,
    language: debtgate::lang::Language,
) -> Vec<debtgate::analysis::FunctionMetrics> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/lang")
        .join(path);
    let src = std::fs::read(&full).unwrap_or_else(|e| panic!("read {}: {e}", full.display()));
    let metrics = debtgate::analysis::Analyzer::new().analyze(&src, language);
    assert!(
        metrics.diagnostics.is_empty(),
        "{path} does not parse cleanly: {:?}",
        metrics.diagnostics
    );
    metrics.functions
}

/// Python source of one function `name` with `branches` `if`s: cyclomatic `branches + 1`, the
/// knob the gate tests turn to cross (or stay under) a threshold.
pub fn branchy(name: &str, branches: usize) -> String {
    let mut s = format!("def {name}(x):\n");
    for i in 0..branches {
        s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
    }
    s.push_str("    return -1\n");
    s
}

/// Bytes that are binary data by debtgate's rule (a NUL byte, and at least a quarter of the first
/// 8 KiB not text): a PNG header.
pub const BINARY: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
