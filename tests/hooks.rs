//! `debtgate hook install|uninstall`, the hook scripts in `hooks/`, and `.pre-commit-hooks.yaml`,
//! in real repositories built with the git CLI: where the hook goes (core.hooksPath, linked
//! worktrees), what happens to a hook that was there (chained, or backed up with --force), that
//! uninstall puts back exactly what was there, and end to end: real `git commit` / `git push`
//! through the installed hook and through the real pre-commit framework.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util::{commit, git, git_command, git_repo, write};

const BIN: &str = env!("CARGO_BIN_EXE_debtgate");

/// A Python function with cyclomatic complexity 41, over the default fail level (30).
pub(crate) fn tangled_py() -> Vec<u8> {
    let mut s = String::from("def tangled(x):\n");
    for i in 0..40 {
        s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
    }
    s.push_str("    return -1\n");
    s.into_bytes()
}

pub(crate) const TIDY_PY: &[u8] = b"def tidy(x):\n    return x + 1\n";

/// A hook that is not debtgate's: says it ran, and fails when FOREIGN_EXIT says so.
const FOREIGN: &[u8] = b"#!/bin/sh\necho 'foreign hook ran' >&2\nexit ${FOREIGN_EXIT:-0}\n";

/// `debtgate ARGS` in `dir`, with the test's git environment (no user or system config).
fn debtgate(dir: &Path, args: &[&str]) -> Output {
    debtgate_env(dir, args, &[])
}

/// [`debtgate`] with extra environment.
fn debtgate_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let git = git_command(dir);
    let mut ours = Command::new(BIN);
    ours.current_dir(dir).args(args).env("NO_COLOR", "1");
    for (k, v) in git.get_envs() {
        match v {
            Some(v) => ours.env(k, v),
            None => ours.env_remove(k),
        };
    }
    ours.env_remove("DEBTGATE_SKIP");
    ours.envs(env.iter().copied());
    ours.output().expect("the debtgate binary runs")
}

fn ok(out: &Output) -> String {
    let text = both(out);
    assert!(
        out.status.success(),
        "expected success, got {:?}:\n{text}",
        out.status
    );
    text
}

/// stdout and stderr together (git sends a hook's stdout to its stderr anyway).
fn both(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A git command that may fail, with extra environment (`DEBTGATE_SKIP` unset unless given).
fn git_try(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = git_command(dir);
    cmd.args(args).env_remove("DEBTGATE_SKIP");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("git runs")
}

/// The file names in a hooks directory, sorted, without git's `*.sample` files.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| !n.ends_with(".sample"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o111 != 0
}

#[cfg(unix)]
fn put_foreign(path: &Path, content: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn hooks(root: &Path) -> PathBuf {
    root.join(".git/hooks")
}

fn assert_ours(hook: &Path) {
    let text = String::from_utf8(read(hook)).unwrap();
    assert!(
        text.starts_with("#!/bin/sh\n# debtgate-managed-hook"),
        "{text}"
    );
    assert!(
        text.contains(&format!("debtgate_installed_by='{BIN}'")),
        "the hook records the binary that installed it:\n{text}"
    );
    #[cfg(unix)]
    assert!(executable(hook), "{} is executable", hook.display());
}

// --- where the hook goes ----------------------------------------------------------------------

#[test]
fn install_into_a_fresh_repository_then_uninstall_leaves_nothing() {
    let dir = git_repo();
    let root = dir.path();
    let before = listing(&hooks(root));

    let out = debtgate(root, &["hook", "install"]);
    let text = ok(&out);
    assert!(out.stdout.is_empty(), "stdout stays empty: {text}");
    assert!(text.contains("installed"), "{text}");
    assert_ours(&hooks(root).join("pre-commit"));
    assert!(
        !hooks(root).join("pre-push").exists(),
        "pre-push only with --pre-push"
    );

    // git runs it: a skipped commit says so.
    let out = git_try(
        root,
        &["commit", "-q", "--allow-empty", "-m", "x"],
        &[("DEBTGATE_SKIP", "1")],
    );
    assert!(ok(&out).contains("debtgate: skipped"), "{}", both(&out));

    ok(&debtgate(root, &["hook", "uninstall"]));
    assert_eq!(listing(&hooks(root)), before);
    // Uninstalling again is a no-op that says so.
    assert!(ok(&debtgate(root, &["hook", "uninstall"])).contains("nothing to do"));
}

#[test]
fn install_honours_a_relative_core_hooks_path_from_a_subdirectory() {
    let dir = git_repo();
    let root = dir.path();
    git(root, &["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir_all(root.join("src/deep")).unwrap();
    let before = listing(&hooks(root));

    ok(&debtgate(
        &root.join("src/deep"),
        &["hook", "install", "--pre-commit", "--pre-push"],
    ));
    assert_ours(&root.join(".githooks/pre-commit"));
    assert_ours(&root.join(".githooks/pre-push"));
    assert_eq!(
        listing(&hooks(root)),
        before,
        "nothing in .git/hooks, which git does not use here"
    );
    let out = git_try(
        root,
        &["commit", "-q", "--allow-empty", "-m", "x"],
        &[("DEBTGATE_SKIP", "1")],
    );
    assert!(ok(&out).contains("debtgate: skipped"));

    ok(&debtgate(
        root,
        &["hook", "uninstall", "--pre-commit", "--pre-push"],
    ));
    assert_eq!(listing(&root.join(".githooks")), Vec::<String>::new());
}

#[test]
fn a_global_core_hooks_path_is_created_used_and_named() {
    let home = tempfile::tempdir().unwrap();
    let shared = home.path().join("shared hooks");
    let global = home.path().join("gitconfig");
    let value = shared.to_str().unwrap().replace('\\', "/");
    std::fs::write(&global, format!("[core]\n\thooksPath = \"{value}\"\n")).unwrap();
    let dir = git_repo();
    let root = dir.path();
    let env = [("GIT_CONFIG_GLOBAL", global.to_str().unwrap())];

    let text = ok(&debtgate_env(root, &["hook", "install"], &env));
    assert!(text.contains("global git configuration"), "{text}");
    assert_ours(&shared.join("pre-commit"));
    assert!(!hooks(root).join("pre-commit").exists());
    ok(&debtgate_env(root, &["hook", "uninstall"], &env));
    assert_eq!(listing(&shared), Vec::<String>::new());
}

#[test]
fn install_in_a_linked_worktree_uses_the_shared_hooks() {
    let dir = git_repo();
    let root = dir.path().join("main");
    std::fs::create_dir(&root).unwrap();
    git(&root, &["init", "-q"]);
    commit(&root, &[("a.py", TIDY_PY)], "one");
    git(&root, &["worktree", "add", "-q", "-b", "side", "../side"]);
    let side = dir.path().join("side");

    ok(&debtgate(&side, &["hook", "install"]));
    assert_ours(&hooks(&root).join("pre-commit"));
    let out = git_try(
        &side,
        &["commit", "-q", "--allow-empty", "-m", "x"],
        &[("DEBTGATE_SKIP", "1")],
    );
    assert!(ok(&out).contains("debtgate: skipped"));

    ok(&debtgate(&side, &["hook", "uninstall"]));
    assert!(!hooks(&root).join("pre-commit").exists());
}

#[test]
fn outside_a_repository_install_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = debtgate(dir.path(), &["hook", "install"]);
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(both(&out).contains("git repository"), "{}", both(&out));
}

// --- what happens to a hook that was there ----------------------------------------------------

#[cfg(unix)]
#[test]
fn a_foreign_hook_is_chained_runs_first_and_its_failure_blocks() {
    let dir = git_repo();
    let root = dir.path();
    let hook = hooks(root).join("pre-commit");
    put_foreign(&hook, FOREIGN);

    let text = ok(&debtgate(root, &["hook", "install"]));
    assert!(text.contains("runs first"), "{text}");
    assert_ours(&hook);
    let chained = hooks(root).join("pre-commit.debtgate-chained");
    assert_eq!(read(&chained), FOREIGN);
    assert!(executable(&chained));

    // Its failure stops the commit before debtgate runs.
    let out = git_try(
        root,
        &["commit", "--allow-empty", "-m", "x"],
        &[("FOREIGN_EXIT", "1"), ("DEBTGATE_SKIP", "1")],
    );
    let text = both(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("foreign hook ran"), "{text}");
    assert!(!text.contains("debtgate"), "debtgate did not run: {text}");

    // When it passes, debtgate runs after it.
    let out = git_try(
        root,
        &["commit", "--allow-empty", "-m", "x"],
        &[("DEBTGATE_SKIP", "1")],
    );
    let text = ok(&out);
    let (foreign, ours) = (
        text.find("foreign hook ran").expect("the foreign hook ran"),
        text.find("debtgate: skipped").expect("debtgate ran"),
    );
    assert!(foreign < ours, "the foreign hook runs first: {text}");

    ok(&debtgate(root, &["hook", "uninstall"]));
    assert_eq!(
        read(&hook),
        FOREIGN,
        "the foreign hook is back, byte for byte"
    );
    assert!(executable(&hook));
    assert!(!chained.exists());
}

#[cfg(unix)]
#[test]
fn force_replaces_a_foreign_hook_and_keeps_a_backup() {
    let dir = git_repo();
    let root = dir.path();
    let hook = hooks(root).join("pre-commit");
    put_foreign(&hook, FOREIGN);

    let text = ok(&debtgate(root, &["hook", "install", "--force"]));
    assert!(text.contains("no longer runs"), "{text}");
    assert_ours(&hook);
    let backup = hooks(root).join("pre-commit.debtgate-backup");
    assert_eq!(read(&backup), FOREIGN);
    assert!(!hooks(root).join("pre-commit.debtgate-chained").exists());

    // The replaced hook does not run.
    let out = git_try(
        root,
        &["commit", "--allow-empty", "-m", "x"],
        &[("FOREIGN_EXIT", "1"), ("DEBTGATE_SKIP", "1")],
    );
    let text = ok(&out);
    assert!(!text.contains("foreign hook ran"), "{text}");

    ok(&debtgate(root, &["hook", "uninstall"]));
    assert_eq!(read(&hook), FOREIGN);
    assert!(executable(&hook));
    assert!(!backup.exists());
}

#[cfg(unix)]
#[test]
fn installing_twice_is_idempotent_and_one_uninstall_restores() {
    // Fresh repository.
    let dir = git_repo();
    let root = dir.path();
    let before = listing(&hooks(root));
    ok(&debtgate(root, &["hook", "install"]));
    let first = read(&hooks(root).join("pre-commit"));
    let text = ok(&debtgate(root, &["hook", "install"]));
    assert!(text.contains("already"), "{text}");
    assert_eq!(read(&hooks(root).join("pre-commit")), first);
    ok(&debtgate(root, &["hook", "install", "--force"]));
    assert_eq!(read(&hooks(root).join("pre-commit")), first);
    ok(&debtgate(root, &["hook", "uninstall"]));
    assert_eq!(listing(&hooks(root)), before);

    // Over a foreign hook: the second install must not chain to debtgate's own hook.
    let hook = hooks(root).join("pre-commit");
    put_foreign(&hook, FOREIGN);
    ok(&debtgate(root, &["hook", "install"]));
    let first = read(&hook);
    ok(&debtgate(root, &["hook", "install"]));
    ok(&debtgate(root, &["hook", "install", "--force"]));
    assert_eq!(read(&hook), first);
    assert_eq!(
        read(&hooks(root).join("pre-commit.debtgate-chained")),
        FOREIGN
    );
    assert!(!hooks(root).join("pre-commit.debtgate-backup").exists());
    ok(&debtgate(root, &["hook", "uninstall"]));
    assert_eq!(read(&hook), FOREIGN);
    let mut expected = before.clone();
    expected.push("pre-commit".into());
    expected.sort();
    assert_eq!(listing(&hooks(root)), expected);
}

#[cfg(unix)]
#[test]
fn install_never_overwrites_an_earlier_chained_hook_or_backup() {
    for (flag, aside) in [
        (None, "pre-commit.debtgate-chained"),
        (Some("--force"), "pre-commit.debtgate-backup"),
    ] {
        let dir = git_repo();
        let root = dir.path();
        let hook = hooks(root).join("pre-commit");
        put_foreign(&hook, FOREIGN);
        put_foreign(&hooks(root).join(aside), b"#!/bin/sh\n# older\n");
        let before = listing(&hooks(root));

        let mut args = vec!["hook", "install"];
        args.extend(flag);
        let out = debtgate(root, &args);
        assert_eq!(out.status.code(), Some(2), "{}", both(&out));
        assert!(both(&out).contains(aside), "{}", both(&out));
        assert_eq!(read(&hook), FOREIGN);
        assert_eq!(read(&hooks(root).join(aside)), b"#!/bin/sh\n# older\n");
        assert_eq!(listing(&hooks(root)), before);
    }
}

#[cfg(unix)]
#[test]
fn uninstall_leaves_a_foreign_hook_alone() {
    let dir = git_repo();
    let root = dir.path();
    let hook = hooks(root).join("pre-push");
    put_foreign(&hook, FOREIGN);
    let text = ok(&debtgate(root, &["hook", "uninstall", "--pre-push"]));
    assert!(text.contains("not debtgate's"), "{text}");
    assert_eq!(read(&hook), FOREIGN);
}

#[cfg(unix)]
#[test]
fn a_pre_commit_framework_hook_is_detected_and_left_alone() {
    let dir = git_repo();
    let root = dir.path();
    let hook = hooks(root).join("pre-commit");
    let framework =
        b"#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n\
                      # ID: 138fd403232d2ddd5efb44317e38bf03\nexec pre-commit hook-impl\n";
    put_foreign(&hook, framework);
    let before = listing(&hooks(root));

    for args in [
        &["hook", "install"][..],
        &["hook", "install", "--force"][..],
    ] {
        let out = debtgate(root, args);
        let text = both(&out);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(text.contains("pre-commit framework"), "{text}");
        assert!(text.contains(".pre-commit-config.yaml"), "{text}");
        assert!(
            text.contains("entry: debtgate check"),
            "the snippet is shown: {text}"
        );
        assert_eq!(read(&hook), framework);
        assert_eq!(listing(&hooks(root)), before);
    }
}

#[cfg(unix)]
#[test]
fn a_chained_pre_push_hook_gets_the_same_arguments_and_stdin() {
    let remote = git_repo();
    git(
        remote.path(),
        &["config", "receive.denyCurrentBranch", "ignore"],
    );
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[("a.py", TIDY_PY)], "one");
    let remote_path = remote.path().to_str().unwrap();
    git(root, &["remote", "add", "origin", remote_path]);
    let hook = hooks(root).join("pre-push");
    put_foreign(
        &hook,
        b"#!/bin/sh\necho \"$1 $2\" > pushed.txt\ncat >> pushed.txt\n",
    );
    ok(&debtgate(root, &["hook", "install", "--pre-push"]));

    let out = git_try(
        root,
        &["push", "-q", "origin", "main"],
        &[("DEBTGATE_SKIP", "1")],
    );
    assert!(ok(&out).contains("debtgate: skipped"));
    let head = git(root, &["rev-parse", "HEAD"]);
    let zeros = "0".repeat(head.len());
    assert_eq!(
        String::from_utf8(read(&root.join("pushed.txt"))).unwrap(),
        format!("origin {remote_path}\nrefs/heads/main {head} refs/heads/main {zeros}\n")
    );
}

// --- end to end: the gate through real git commands -------------------------------------------

/// Asserts that a commit or push was refused by debtgate's finding on `tangled`.
pub(crate) fn assert_refused_for_tangled(out: &Output) {
    let text = both(out);
    assert!(!out.status.success(), "refused: {text}");
    assert!(
        text.contains("tangled") && text.contains("cyclomatic is 41"),
        "the finding is shown: {text}"
    );
}

#[test]
fn the_installed_pre_commit_hook_refuses_a_tangled_commit_and_passes_a_tidy_one() {
    let dir = git_repo();
    let root = dir.path();
    let first = commit(root, &[("a.py", TIDY_PY)], "one");
    ok(&debtgate(root, &["hook", "install"]));

    write(root, "b.py", &tangled_py());
    git(root, &["add", "b.py"]);
    assert_refused_for_tangled(&git_try(root, &["commit", "-m", "tangled"], &[]));
    assert_eq!(
        git(root, &["rev-parse", "HEAD"]),
        first,
        "nothing was committed"
    );

    // `commit -a` stages into a temporary index (GIT_INDEX_FILE): judged the same.
    git(root, &["reset", "-q"]);
    std::fs::remove_file(root.join("b.py")).unwrap();
    write(root, "a.py", &tangled_py());
    assert_refused_for_tangled(&git_try(root, &["commit", "-a", "-m", "tangled"], &[]));
    assert_eq!(git(root, &["rev-parse", "HEAD"]), first);

    // Skipping lets it through, with a notice.
    let out = git_try(
        root,
        &["commit", "-a", "-m", "skipped"],
        &[("DEBTGATE_SKIP", "1")],
    );
    assert!(ok(&out).contains("skipped"));
    git(root, &["reset", "-q", "--hard", &first]);

    write(root, "b.py", TIDY_PY);
    git(root, &["add", "b.py"]);
    ok(&git_try(root, &["commit", "-m", "tidy"], &[]));
    assert_ne!(
        git(root, &["rev-parse", "HEAD"]),
        first,
        "the tidy commit went through"
    );
}

#[test]
fn the_installed_pre_push_hook_judges_each_pushed_ref() {
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    let url = remote.path().to_str().unwrap();
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[("a.py", TIDY_PY)], "one");
    git(root, &["remote", "add", "origin", url]);
    ok(&debtgate(root, &["hook", "install", "--pre-push"]));
    let push = |args: &[&str], env: &[(&str, &str)]| {
        git_try(root, &[&["push", "origin"][..], args].concat(), env)
    };

    // The first push of a new repository has nothing to compare with: let through, with a notice.
    let text = ok(&push(&["main"], &[]));
    assert!(text.contains("nothing to compare with"), "{text}");

    // A new branch is judged from where it left what the remote has.
    git(root, &["checkout", "-q", "-b", "feature"]);
    commit(root, &[("b.py", &tangled_py())], "tangled");
    assert_refused_for_tangled(&push(&["feature"], &[]));
    ok(&push(&["feature"], &[("DEBTGATE_SKIP", "1")]));

    // An update is judged from the remote's commit.
    git(root, &["checkout", "-q", "main"]);
    let tidy = commit(root, &[("c.py", TIDY_PY)], "tidy");
    ok(&push(&["main"], &[]));
    commit(root, &[("d.py", &tangled_py())], "tangled again");
    assert_refused_for_tangled(&push(&["main"], &[]));

    // A new ref whose commits the remote has already, and a deletion: nothing to judge.
    ok(&push(&["feature:refs/heads/other"], &[]));
    ok(&push(&["--delete", "other"], &[]));

    // The remote moved on without this clone knowing (someone else pushed): a force-push is judged
    // on the commits no remote-tracking branch has, not refused for the unknown remote commit.
    let other = tempfile::tempdir().unwrap();
    git(other.path(), &["clone", "-q", url, "."]);
    commit(other.path(), &[("e.py", TIDY_PY)], "elsewhere");
    git(other.path(), &["push", "-q", "origin", "main"]);
    git(root, &["reset", "-q", "--hard", &tidy]);
    commit(root, &[("f.py", TIDY_PY)], "tidy again");
    ok(&push(&["--force", "main"], &[]));
    commit(root, &[("g.py", &tangled_py())], "tangled once more");
    assert_refused_for_tangled(&push(&["main"], &[]));
}

// --- the pre-commit framework -----------------------------------------------------------------

/// The pre-commit framework's command line: `pre-commit`, or `python3 -m pre_commit`. Fails the
/// test loudly when neither works (scripts/test installs it).
fn pre_commit() -> Command {
    for (program, prefix) in [
        ("pre-commit", &[][..]),
        ("python3", &["-m", "pre_commit"][..]),
    ] {
        let works = Command::new(program)
            .args(prefix)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if works {
            let mut cmd = Command::new(program);
            cmd.args(prefix);
            return cmd;
        }
    }
    panic!(
        "the pre-commit framework is not installed (neither `pre-commit` nor `python3 -m \
         pre_commit` runs); ./scripts/test installs it with pip"
    );
}

#[test]
fn the_pre_commit_hooks_manifest_is_valid() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let out = pre_commit()
        .arg("validate-manifest")
        .arg(&manifest)
        .output()
        .expect("pre-commit runs");
    ok(&out);
    let text = String::from_utf8(read(&manifest)).unwrap();
    for id in ["debtgate", "debtgate-system"] {
        assert!(text.contains(&format!("- id: {id}\n")), "{id}");
    }
}

/// Runs `pre-commit ARGS` in `dir` with the test's git environment and a private cache.
fn pre_commit_in(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    let git = git_command(dir);
    let mut cmd = pre_commit();
    cmd.current_dir(dir)
        .args(args)
        .env("PRE_COMMIT_HOME", cache);
    for (k, v) in git.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().expect("pre-commit runs")
}

#[test]
fn the_pre_commit_framework_runs_debtgate_from_a_local_hook() {
    let cache = tempfile::tempdir().unwrap();
    let dir = git_repo();
    let root = dir.path();
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: debtgate\n        name: debtgate\n        \
         entry: \"'{BIN}' check\"\n        language: system\n        pass_filenames: false\n        \
         always_run: true\n"
    );
    let first = commit(
        root,
        &[
            (".pre-commit-config.yaml", config.as_bytes()),
            ("a.py", TIDY_PY),
        ],
        "one",
    );
    ok(&pre_commit_in(root, cache.path(), &["install"]));
    let env = [("PRE_COMMIT_HOME", cache.path().to_str().unwrap())];

    write(root, "b.py", &tangled_py());
    git(root, &["add", "b.py"]);
    assert_refused_for_tangled(&git_try(root, &["commit", "-m", "tangled"], &env));
    assert_eq!(git(root, &["rev-parse", "HEAD"]), first);

    write(root, "b.py", TIDY_PY);
    git(root, &["add", "b.py"]);
    let text = ok(&git_try(root, &["commit", "-m", "tidy"], &env));
    assert!(
        text.contains("debtgate") && text.contains("Passed"),
        "{text}"
    );
    assert_ne!(git(root, &["rev-parse", "HEAD"]), first);
}

#[test]
fn the_pre_commit_framework_runs_the_hook_ids_of_our_manifest() {
    // A hook repository holding only this project's .pre-commit-hooks.yaml: the `*-system` ids
    // run the debtgate on PATH, so nothing needs building.
    let hook_repo = git_repo();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let rev = commit(
        hook_repo.path(),
        &[(".pre-commit-hooks.yaml", &read(&manifest))],
        "manifest",
    );
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();

    let cache = tempfile::tempdir().unwrap();
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare"]);
    let dir = git_repo();
    let root = dir.path();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: debtgate-system\n      \
         - id: debtgate-push-system\n",
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
    ok(&pre_commit_in(
        root,
        cache.path(),
        &[
            "install",
            "--hook-type",
            "pre-commit",
            "--hook-type",
            "pre-push",
        ],
    ));
    let env = [
        ("PRE_COMMIT_HOME", cache.path().to_str().unwrap()),
        ("PATH", path.to_str().unwrap()),
    ];
    ok(&git_try(root, &["push", "-q", "origin", "main"], &env));

    write(root, "b.py", &tangled_py());
    git(root, &["add", "b.py"]);
    assert_refused_for_tangled(&git_try(root, &["commit", "-m", "tangled"], &env));
    // Committed past the pre-commit stage, the push stage still refuses it.
    ok(&git_try(
        root,
        &["commit", "--no-verify", "-q", "-m", "tangled"],
        &env,
    ));
    assert_refused_for_tangled(&git_try(root, &["push", "origin", "main"], &env));

    git(root, &["reset", "-q", "--hard", "HEAD^"]);
    write(root, "b.py", TIDY_PY);
    git(root, &["add", "b.py"]);
    ok(&git_try(root, &["commit", "-m", "tidy"], &env));
    ok(&git_try(root, &["push", "origin", "main"], &env));
}
