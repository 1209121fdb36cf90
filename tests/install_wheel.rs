//! The PyPI wheel (`pypi/pyproject.toml`, maturin `bindings = "bin"`) and the pre-commit hook ids
//! that install it (`.pre-commit-hooks.yaml`, `language: python`, through the root
//! `pyproject.toml` placeholder that depends on `debtgate==VERSION`). `scripts/test` builds the
//! wheel from the test build and names its folder in `DEBTGATE_WHEELS`; pip may see nothing but
//! that folder and the setuptools wheel (`PIP_NO_INDEX`, `PIP_FIND_LINKS`), and a `cargo` that
//! fails and records the call comes first on PATH: what installs here installs without Rust.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::hooks::{assert_refused_for_tangled, tangled_py, TIDY_PY};
use crate::util::{commit, git, git_command, git_repo, write};

const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where `scripts/test` puts its tools (the same rule as tests/report_formats.rs).
pub fn tools() -> PathBuf {
    std::env::var_os("DEBTGATE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/debtgate/tools")
        })
}

/// The folders pip may install from: the wheel scripts/test built, and setuptools'.
fn find_links() -> String {
    let wheels = std::env::var_os("DEBTGATE_WHEELS")
        .map(PathBuf::from)
        .expect(
            "DEBTGATE_WHEELS is not set: run ./scripts/test, which builds the wheel with maturin \
         (cd pypi && maturin build --profile dev --out ../target/test-wheels)",
        );
    let ours = std::fs::read_dir(&wheels)
        .unwrap_or_else(|e| panic!("{}: {e}", wheels.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".whl"))
        .count();
    assert_eq!(
        ours,
        1,
        "exactly one debtgate wheel in {}",
        wheels.display()
    );
    let setuptools = tools().join("wheels");
    assert!(
        setuptools.is_dir(),
        "{} is missing: run ./scripts/test",
        setuptools.display()
    );
    format!("{} {}", wheels.display(), setuptools.display())
}

/// A folder whose `cargo`, `rustc` and `rustup` fail and append their arguments to `calls.log`.
struct NoRust {
    dir: tempfile::TempDir,
}

impl NoRust {
    fn new() -> NoRust {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("calls.log");
        for tool in ["cargo", "rustc", "rustup"] {
            let script = format!(
                "#!/bin/sh\necho \"{tool} $*\" >> '{}'\necho '{tool}: not on this machine' >&2\nexit 1\n",
                log.display()
            );
            let path = write(dir.path(), tool, script.as_bytes());
            make_executable(&path);
        }
        NoRust { dir }
    }

    /// PATH with this folder first and without any folder that holds a `debtgate`, so only what
    /// pip installs can be found.
    fn path(&self) -> String {
        let system = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(self.dir.path().to_path_buf())
            .chain(std::env::split_paths(&system).filter(|d| !d.join("debtgate").exists()));
        std::env::join_paths(dirs)
            .unwrap()
            .into_string()
            .expect("PATH is UTF-8")
    }

    /// No build tool was asked for anything. pip's one question, `rustc --version`, is allowed:
    /// pip puts the answer in its User-Agent header (pip/_internal/network/session.py) and carries
    /// on when it fails, as it does here.
    fn assert_never_called(&self) {
        let log = std::fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default();
        let builds: Vec<&str> = log.lines().filter(|l| *l != "rustc --version").collect();
        assert!(
            builds.is_empty(),
            "the Rust toolchain was called: {builds:?}"
        );
    }
}

#[cfg(unix)]
pub fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `program ARGS` in `dir` with the test's git environment, pip limited to local wheels, PATH
/// from `no_rust` and `extra` environment.
fn run(
    dir: &Path,
    program: &str,
    args: &[&str],
    no_rust: &NoRust,
    extra: &[(&str, &str)],
) -> Output {
    let git = git_command(dir);
    let mut cmd = Command::new(program);
    cmd.current_dir(dir).args(args);
    for (k, v) in git.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("PATH", no_rust.path())
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", find_links())
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("NO_COLOR", "1")
        .env_remove("DEBTGATE_SKIP")
        .env_remove("PIP_INDEX_URL")
        .env_remove("PIP_EXTRA_INDEX_URL")
        .envs(extra.iter().copied());
    cmd.output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn ok(out: &Output) -> String {
    let t = text(out);
    assert!(
        out.status.success(),
        "expected success, got {:?}:\n{t}",
        out.status
    );
    t
}

/// The value of `key = "…"` on a line of `text` that starts with `key`.
fn toml_string(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.trim_start().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("no `{key} = …` line"))
}

#[test]
fn the_pre_commit_placeholder_pins_the_wheel_of_this_version() {
    let root = std::fs::read_to_string(manifest_dir().join("pyproject.toml")).unwrap();
    assert_eq!(
        toml_string(&root, "version"),
        VERSION,
        "root pyproject.toml"
    );
    assert!(
        root.contains(&format!("dependencies = [\"debtgate=={VERSION}\"]")),
        "the placeholder depends on exactly this version of the wheel:\n{root}"
    );
    let wheel = std::fs::read_to_string(manifest_dir().join("pypi/pyproject.toml")).unwrap();
    assert_eq!(toml_string(&wheel, "name"), "debtgate");
    assert_eq!(toml_string(&wheel, "bindings"), "bin");
    assert!(
        wheel.contains("dynamic = [\"version\"]"),
        "the wheel's version is Cargo.toml's"
    );
    let hooks: serde_yaml::Value = serde_yaml::from_slice(
        &std::fs::read(manifest_dir().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let language = |id: &str| {
        let hook = hooks
            .as_sequence()
            .unwrap()
            .iter()
            .find(|h| h["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("hook id {id}"));
        hook["language"].as_str().unwrap().to_string()
    };
    assert_eq!(
        language("debtgate"),
        "python",
        "the default id installs the wheel"
    );
    assert_eq!(language("debtgate-push"), "python");
    assert_eq!(
        language("debtgate-src"),
        "rust",
        "a source build stays available"
    );
    assert_eq!(language("debtgate-push-src"), "rust");
}

#[test]
fn pip_installs_the_wheel_and_the_binary_runs_without_rust() {
    let no_rust = NoRust::new();
    let venv = tempfile::tempdir().unwrap();
    let env = venv.path().join("env");
    // An empty environment (`venv --without-pip` takes a second; ensurepip would take most of
    // this test's time), and the pip scripts/test installed puts the wheel into it.
    ok(&run(
        venv.path(),
        "python3",
        &["-m", "venv", "--without-pip", env.to_str().unwrap()],
        &no_rust,
        &[],
    ));
    let pip = tools().join("venv/bin/pip");
    ok(&run(
        venv.path(),
        pip.to_str().unwrap(),
        &[
            "--python",
            env.join("bin/python").to_str().unwrap(),
            "install",
            "--quiet",
            &format!("debtgate=={VERSION}"),
        ],
        &no_rust,
        &[],
    ));
    let version = ok(&run(
        venv.path(),
        env.join("bin/debtgate").to_str().unwrap(),
        &["--version"],
        &no_rust,
        &[],
    ));
    assert_eq!(version.trim(), format!("debtgate {VERSION}"));
    no_rust.assert_never_called();
}

#[test]
fn the_default_pre_commit_hook_installs_the_wheel_judges_commits_and_pushes_without_cargo() {
    // A hook repository holding this project's manifest and placeholder only: no source, so a
    // build from source could not even start.
    let hook_repo = git_repo();
    let read = |name: &str| std::fs::read(manifest_dir().join(name)).unwrap();
    let rev = commit(
        hook_repo.path(),
        &[
            (".pre-commit-hooks.yaml", &read(".pre-commit-hooks.yaml")),
            ("pyproject.toml", &read("pyproject.toml")),
        ],
        "hooks",
    );
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    let dir = git_repo();
    let root = dir.path();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: debtgate\n      \
         - id: debtgate-push\n",
        hook_repo.path().display()
    );
    commit(
        root,
        &[
            (".pre-commit-config.yaml", config.as_bytes()),
            ("a.py", TIDY_PY),
        ],
        "one",
    );
    git(
        root,
        &["remote", "add", "origin", remote.path().to_str().unwrap()],
    );

    let no_rust = NoRust::new();
    let cache = tempfile::tempdir().unwrap();
    let env = [("PRE_COMMIT_HOME", cache.path().to_str().unwrap())];
    let pre_commit = |args: &[&str]| {
        let mut all = vec!["-m", "pre_commit"];
        all.extend_from_slice(args);
        run(root, "python3", &all, &no_rust, &env)
    };
    ok(&pre_commit(&[
        "install",
        "--hook-type",
        "pre-commit",
        "--hook-type",
        "pre-push",
    ]));
    ok(&pre_commit(&["install-hooks"]));
    let git_run = |args: &[&str]| run(root, "git", args, &no_rust, &env);

    write(root, "b.py", TIDY_PY);
    git(root, &["add", "b.py"]);
    let passed = ok(&git_run(&["commit", "-m", "tidy"]));
    assert!(
        passed.contains("debtgate") && passed.contains("Passed"),
        "{passed}"
    );
    ok(&git_run(&["push", "-q", "origin", "main"]));

    let head = git(root, &["rev-parse", "HEAD"]);
    write(root, "c.py", &tangled_py());
    git(root, &["add", "c.py"]);
    assert_refused_for_tangled(&git_run(&["commit", "-m", "tangled"]));
    assert_eq!(
        git(root, &["rev-parse", "HEAD"]),
        head,
        "the commit was stopped"
    );
    // Committed past the pre-commit stage, the push stage refuses it.
    ok(&git_run(&["commit", "--no-verify", "-q", "-m", "tangled"]));
    assert_refused_for_tangled(&git_run(&["push", "origin", "main"]));

    // What the hooks ran is the binary from the wheel, inside pre-commit's environment.
    let installed: Vec<PathBuf> = walk(cache.path())
        .into_iter()
        .filter(|p| p.ends_with("bin/debtgate"))
        .collect();
    assert_eq!(
        installed.len(),
        1,
        "one environment with debtgate: {installed:?}"
    );
    let version = ok(&run(
        root,
        installed[0].to_str().unwrap(),
        &["--version"],
        &no_rust,
        &[],
    ));
    assert_eq!(version.trim(), format!("debtgate {VERSION}"));
    no_rust.assert_never_called();
}

/// Every file under `dir` (symlinks not followed).
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out
}
