//! `debtgate::change`: change sets read from real repositories built with the git CLI.
//!
//! Tests that depend on the process's current directory or environment (a subdirectory, a hook's
//! `GIT_INDEX_FILE`) run `child_*` tests of this binary in a child process with that directory
//! and environment, because changing them in-process would leak into concurrent tests.

use std::path::Path;
use std::process::Command;

use debtgate::change::{ChangeError, ChangeSet, ChangeStatus, ChangedFile, Content, EntryKind};
use debtgate::change::{Repo, Source};

use crate::util::{commit, git, git_command, git_repo, write};

/// Twenty distinct lines, so a one-line edit stays well above the 50 % rename similarity.
fn lines(tag: &str) -> Vec<u8> {
    (1..=20)
        .map(|i| format!("fn {tag}_{i}() -> u32 {{ {i} }}\n"))
        .collect::<String>()
        .into_bytes()
}

fn open(dir: &Path) -> Repo {
    assert!(
        std::env::var_os("GIT_DIR").is_none() && std::env::var_os("GIT_INDEX_FILE").is_none(),
        "these tests open repositories by discovery; unset GIT_DIR / GIT_INDEX_FILE (are the \
         tests running inside a git hook?)"
    );
    Repo::discover(dir).expect("the test repository opens")
}

/// `(status, path)` for each file, for compact assertions.
fn summary(set: &ChangeSet) -> Vec<(&'static str, &str)> {
    set.files
        .iter()
        .map(|f| (f.status.as_str(), f.path.as_str()))
        .collect()
}

fn file<'a>(set: &'a ChangeSet, path: &str) -> &'a ChangedFile {
    set.files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is in the change set: {set:#?}"))
}

fn read(repo: &Repo, content: &Option<Content>) -> Vec<u8> {
    repo.read(content.as_ref().expect("this side exists"))
        .expect("the content reads")
}

// --- staged ---------------------------------------------------------------------------------

#[test]
fn staged_reads_the_index_blob_not_the_worktree_and_touches_nothing() {
    let dir = git_repo();
    let root = dir.path();
    let base = commit(root, &[("a.rs", b"v1\n"), ("b.rs", b"same\n")], "one");
    write(root, "a.rs", b"v2 staged\n");
    git(root, &["add", "a.rs"]);
    write(root, "a.rs", b"v3 unstaged\n");
    write(root, "b.rs", b"unstaged only\n");
    let index_before = std::fs::read(root.join(".git/index")).expect("the index exists");
    let status_before = git(root, &["status", "--porcelain"]);

    let repo = open(root);
    let set = repo.staged().expect("the staged change reads");

    assert_eq!(set.source, Source::Staged);
    assert_eq!(set.base.as_deref(), Some(base.as_str()));
    assert_eq!(set.head, None);
    assert_eq!(summary(&set), [("modified", "a.rs")]);
    let a = file(&set, "a.rs");
    assert_eq!(a.kind, EntryKind::File);
    assert_eq!(read(&repo, &a.old), b"v1\n");
    assert_eq!(read(&repo, &a.new), b"v2 staged\n");
    assert!(matches!(a.new, Some(Content::Blob(_))));

    // Read-only: the index, the worktree and git's view of them are exactly as before.
    assert_eq!(
        std::fs::read(root.join(".git/index")).unwrap(),
        index_before
    );
    assert_eq!(git(root, &["status", "--porcelain"]), status_before);
    assert_eq!(std::fs::read(root.join("a.rs")).unwrap(), b"v3 unstaged\n");
}

#[test]
fn staged_on_an_unborn_head_lists_everything_as_added() {
    let dir = git_repo();
    let root = dir.path();
    write(root, "src/lib.rs", b"pub fn f() {}\n");
    write(root, "README.md", b"# r\n");
    git(root, &["add", "-A"]);

    let repo = open(root);
    let set = repo.staged().expect("an unborn HEAD is fine");
    assert_eq!(set.base, None);
    assert_eq!(
        summary(&set),
        [("added", "README.md"), ("added", "src/lib.rs")]
    );
    let lib = file(&set, "src/lib.rs");
    assert_eq!(lib.old, None);
    assert_eq!(read(&repo, &lib.new), b"pub fn f() {}\n");
    // Nothing committed: `all` has nothing either, and says so without failing.
    assert!(repo.all().expect("all on unborn HEAD").files.is_empty());
}

#[test]
fn staged_on_a_detached_head() {
    let dir = git_repo();
    let root = dir.path();
    let first = commit(root, &[("a.rs", b"one\n")], "one");
    commit(root, &[("a.rs", b"two\n")], "two");
    git(root, &["checkout", "-q", "--detach", &first]);
    write(root, "a.rs", b"three\n");
    git(root, &["add", "a.rs"]);

    let repo = open(root);
    let set = repo.staged().expect("a detached HEAD is fine");
    assert_eq!(set.base.as_deref(), Some(first.as_str()));
    let a = file(&set, "a.rs");
    assert_eq!(read(&repo, &a.old), b"one\n");
    assert_eq!(read(&repo, &a.new), b"three\n");
}

#[test]
fn staged_renames_deletions_and_a_file_replaced_by_a_directory() {
    let dir = git_repo();
    let root = dir.path();
    commit(
        root,
        &[
            ("old.rs", &lines("x")),
            ("gone.rs", b"bye\n"),
            ("d", b"file\n"),
        ],
        "one",
    );
    git(root, &["mv", "old.rs", "new.rs"]);
    let mut edited = lines("x");
    edited.extend_from_slice(b"fn added() {}\n");
    write(root, "new.rs", &edited);
    git(root, &["rm", "-q", "gone.rs", "d"]);
    write(root, "d/inner.rs", b"inner\n");
    git(root, &["add", "-A"]);

    let repo = open(root);
    let set = repo.staged().expect("the staged change reads");
    assert_eq!(
        summary(&set),
        [
            ("deleted", "d"),
            ("added", "d/inner.rs"),
            ("deleted", "gone.rs"),
            ("renamed", "new.rs"),
        ]
    );
    let renamed = file(&set, "new.rs");
    assert_eq!(renamed.old_path.as_deref(), Some("old.rs"));
    assert_eq!(read(&repo, &renamed.old), lines("x"));
    assert_eq!(read(&repo, &renamed.new), edited);
    let gone = file(&set, "gone.rs");
    assert_eq!((gone.old.is_some(), gone.new.is_none()), (true, true));
    assert_eq!(read(&repo, &gone.old), b"bye\n");
}

#[test]
fn staged_refuses_an_index_with_unresolved_conflicts() {
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[("a.rs", b"base\n")], "base");
    git(root, &["checkout", "-q", "-b", "other"]);
    commit(root, &[("a.rs", b"theirs\n")], "theirs");
    git(root, &["checkout", "-q", "main"]);
    commit(root, &[("a.rs", b"ours\n")], "ours");
    let merge = git_command(root)
        .args(["merge", "-q", "other"])
        .output()
        .expect("git runs");
    assert!(!merge.status.success(), "the merge conflicts");

    let err = open(root).staged().expect_err("conflicts are refused");
    assert!(matches!(err, ChangeError::Unmerged { ref paths } if paths == &["a.rs"]));
    assert!(err.to_string().contains("resolve them"), "{err}");
}

#[test]
fn a_linked_worktree_reads_its_own_head_and_index() {
    let dir = git_repo();
    let root = dir.path().join("main");
    std::fs::create_dir(&root).unwrap();
    git(&root, &["init", "-q"]);
    commit(&root, &[("a.rs", b"main\n")], "one");
    let linked = dir.path().join("linked");
    git(
        &root,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            linked.to_str().unwrap(),
        ],
    );
    commit(&linked, &[("b.rs", b"feature\n")], "on feature");
    write(&linked, "a.rs", b"staged in the linked worktree\n");
    git(&linked, &["add", "a.rs"]);

    let repo = open(&linked.join("."));
    assert_eq!(
        repo.root().canonicalize().unwrap(),
        linked.canonicalize().unwrap()
    );
    let set = repo.staged().expect("staged in a linked worktree");
    assert_eq!(summary(&set), [("modified", "a.rs")]);
    assert_eq!(
        read(&repo, &file(&set, "a.rs").new),
        b"staged in the linked worktree\n"
    );
    // The main worktree's index is its own: nothing staged there.
    assert!(open(&root).staged().unwrap().files.is_empty());
}

#[test]
fn staged_from_a_subdirectory_sees_the_whole_repository() {
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[("a/x.rs", b"x\n"), ("b/y.rs", b"y\n")], "one");
    write(root, "a/x.rs", b"x2\n");
    write(root, "b/y.rs", b"y2\n");
    git(root, &["add", "-A"]);
    // The process's current directory is what gix takes as the pathspec prefix.
    let out = child("child_staged", &root.join("a"), Path::new("."), &[]);
    assert_eq!(out, ["modified a/x.rs x2", "modified b/y.rs y2"]);
}

#[test]
fn git_index_file_is_honoured_as_in_a_partial_commit_hook() {
    // `git commit b.rs` with a.rs staged: git builds a temporary index holding HEAD plus b.rs
    // and runs the pre-commit hook with GIT_INDEX_FILE pointing at it.
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[("a.rs", b"a\n"), ("b.rs", b"b\n")], "one");
    write(root, "a.rs", b"a staged\n");
    git(root, &["add", "a.rs"]);
    write(root, "b.rs", b"b committed by path\n");
    let partial = root.join(".git/next-index.lock");
    let env = [("GIT_INDEX_FILE", partial.as_os_str())];
    let status = git_command(root)
        .args(["read-tree", "HEAD"])
        .envs(env)
        .status()
        .expect("git runs");
    assert!(status.success());
    let status = git_command(root)
        .args(["add", "b.rs"])
        .envs(env)
        .status()
        .expect("git runs");
    assert!(status.success());

    let out = child("child_staged", root, root, &env);
    assert_eq!(out, ["modified b.rs b committed by path"]);
    // Without it, the real index.
    let set = open(root).staged().unwrap();
    assert_eq!(summary(&set), [("modified", "a.rs")]);

    // GIT_DIR and GIT_WORK_TREE win over discovery from an unrelated directory.
    let elsewhere = tempfile::tempdir().unwrap();
    let (git_dir, work_tree) = (root.join(".git"), root.to_path_buf());
    let env = [
        ("GIT_DIR", git_dir.as_os_str()),
        ("GIT_WORK_TREE", work_tree.as_os_str()),
    ];
    let out = child("child_staged", elsewhere.path(), Path::new("."), &env);
    assert_eq!(out, ["modified a.rs a staged"]);
}

// --- range ----------------------------------------------------------------------------------

#[test]
fn range_follows_a_rename_with_modification_and_lists_deletions() {
    let dir = git_repo();
    let root = dir.path();
    let base = commit(
        root,
        &[("src/old.rs", &lines("r")), ("gone.rs", b"bye\n")],
        "one",
    );
    git(root, &["mv", "src/old.rs", "src/new.rs"]);
    let mut edited = lines("r");
    edited[0] = b'/';
    write(root, "src/new.rs", &edited);
    git(root, &["rm", "-q", "gone.rs"]);
    let head = commit(root, &[("added.rs", b"new\n")], "two");

    let repo = open(root);
    let set = repo.range("HEAD~1", "HEAD").expect("the range reads");
    assert_eq!(set.source, Source::Range);
    assert_eq!(set.base.as_deref(), Some(base.as_str()));
    assert_eq!(set.base_tip.as_deref(), Some(base.as_str()));
    assert_eq!(set.head.as_deref(), Some(head.as_str()));
    assert_eq!(
        summary(&set),
        [
            ("added", "added.rs"),
            ("deleted", "gone.rs"),
            ("renamed", "src/new.rs")
        ]
    );
    let renamed = file(&set, "src/new.rs");
    assert_eq!(renamed.old_path.as_deref(), Some("src/old.rs"));
    assert_eq!(read(&repo, &renamed.old), lines("r"));
    assert_eq!(read(&repo, &renamed.new), edited);
    assert_eq!(file(&set, "gone.rs").new, None);
}

#[test]
fn range_diffs_from_the_merge_base_and_accepts_a_merge_commit_as_head() {
    let dir = git_repo();
    let root = dir.path();
    let fork = commit(root, &[("base.rs", b"base\n")], "base");
    git(root, &["checkout", "-q", "-b", "feature"]);
    commit(root, &[("feature.rs", b"f\n")], "feature");
    git(root, &["checkout", "-q", "main"]);
    let main_tip = commit(root, &[("main.rs", b"m\n")], "main moves on");

    // Three dots: what feature adds since it forked, not main's later work in reverse.
    let set = open(root).range("main", "feature").unwrap();
    assert_eq!(set.base.as_deref(), Some(fork.as_str()));
    assert_eq!(set.base_tip.as_deref(), Some(main_tip.as_str()));
    assert_eq!(summary(&set), [("added", "feature.rs")]);

    git(root, &["merge", "-q", "--no-ff", "-m", "merge", "feature"]);
    let merge = git(root, &["rev-parse", "HEAD"]);
    let repo = open(root);
    let set = repo.range(&fork, "HEAD").expect("a merge commit as head");
    assert_eq!(set.head.as_deref(), Some(merge.as_str()));
    assert_eq!(
        summary(&set),
        [("added", "feature.rs"), ("added", "main.rs")]
    );
    let set = repo.range("feature", "HEAD").unwrap();
    assert_eq!(summary(&set), [("added", "main.rs")]);
}

#[test]
fn range_marks_symlinks_and_submodules_and_keeps_binary_files() {
    let dir = git_repo();
    let root = dir.path().join("super");
    let sub = dir.path().join("sub");
    for repo in [&root, &sub] {
        std::fs::create_dir(repo).unwrap();
        git(repo, &["init", "-q"]);
    }
    commit(&sub, &[("s.rs", b"sub\n")], "sub");
    commit(&root, &[("target.rs", b"t\n")], "one");
    git(
        &root,
        &["submodule", "add", "-q", sub.to_str().unwrap(), "vendored"],
    );
    std::os::unix::fs::symlink("target.rs", root.join("link.rs")).unwrap();
    let binary = b"\x00\x01\x02PNG\xff\xfe\x00".repeat(100);
    commit(&root, &[("image.bin", &binary)], "two");

    let repo = open(&root);
    let set = repo.range("HEAD~1", "HEAD").unwrap();
    let kinds: Vec<_> = set
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (".gitmodules", EntryKind::File),
            ("image.bin", EntryKind::File),
            ("link.rs", EntryKind::Symlink),
            ("vendored", EntryKind::Submodule),
        ]
    );
    assert_eq!(read(&repo, &file(&set, "image.bin").new), binary);
    assert_eq!(read(&repo, &file(&set, "link.rs").new), b"target.rs");
    let gitlink = file(&set, "vendored").new.clone().unwrap();
    let err = repo
        .read(&gitlink)
        .expect_err("a submodule's commit is no blob here");
    assert!(matches!(err, ChangeError::MissingObject { .. }), "{err:?}");
    // `all` lists them the same way.
    let all = repo.all().unwrap();
    assert_eq!(all.source, Source::All);
    assert_eq!(file(&all, "vendored").kind, EntryKind::Submodule);
    assert_eq!(file(&all, "link.rs").kind, EntryKind::Symlink);
    assert!(all
        .files
        .iter()
        .all(|f| f.status == ChangeStatus::Added && f.old.is_none()));
}

#[cfg(unix)]
#[test]
fn non_utf8_names_and_contents_and_crlf_survive() {
    use std::os::unix::ffi::OsStrExt;
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[("keep.rs", b"k\n")], "one");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.rs");
    let latin1 = b"// caf\xe9\nfn f() {}\n".to_vec();
    std::fs::write(root.join(name), &latin1).unwrap();
    let crlf = b"fn a() {\r\n    1\r\n}\r\n".to_vec();
    write(root, "crlf.rs", &crlf);
    git(root, &["add", "-A"]);

    let repo = open(root);
    let set = repo.staged().unwrap();
    assert_eq!(
        summary(&set),
        [("added", "caf\u{fffd}.rs"), ("added", "crlf.rs")]
    );
    assert_eq!(read(&repo, &file(&set, "caf\u{fffd}.rs").new), latin1);
    assert_eq!(read(&repo, &file(&set, "crlf.rs").new), crlf);

    git(root, &["commit", "-q", "-m", "two"]);
    let set = repo.range("HEAD~1", "HEAD").unwrap();
    assert_eq!(read(&repo, &file(&set, "caf\u{fffd}.rs").new), latin1);
    let set = repo.paths(&[root.join(name)]).unwrap();
    assert_eq!(summary(&set), [("modified", "caf\u{fffd}.rs")]);
    assert_eq!(read(&repo, &set.files[0].old), latin1);
}

#[test]
fn range_on_a_shallow_clone_says_the_base_is_missing_and_how_to_fetch_it() {
    let dir = git_repo();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q"]);
    let first = commit(&origin, &[("a.rs", b"1\n")], "one");
    commit(&origin, &[("a.rs", b"2\n")], "two");
    git(&origin, &["branch", "old", &first]);
    commit(&origin, &[("a.rs", b"3\n")], "three");
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let clone = dir.path().join("shallow");

    let repo = open(&clone);
    assert!(repo.is_shallow());
    let err = repo
        .range(&first, "HEAD")
        .expect_err("the base is outside the shallow history");
    assert!(
        matches!(err, ChangeError::UnknownRevision { shallow: true, .. }),
        "{err:?}"
    );
    let message = err.to_string();
    for needle in ["shallow clone", "git fetch --deepen", "fetch-depth: 0"] {
        assert!(message.contains(needle), "{needle:?} not in: {message}");
    }

    // The base fetched too, but only its tip: both commits exist, no merge-base does.
    git(&clone, &["fetch", "-q", "--depth", "1", "origin", "old"]);
    let repo = open(&clone);
    let err = repo
        .range(&first, "HEAD")
        .expect_err("no merge-base within the shallow history");
    assert!(
        matches!(err, ChangeError::ShallowNoMergeBase { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("fetch-depth: 0"), "{err}");
    // Deepening fixes it.
    git(&clone, &["fetch", "-q", "--unshallow", "origin"]);
    let set = open(&clone).range(&first, "HEAD").expect("full history");
    assert_eq!(summary(&set), [("modified", "a.rs")]);
}

#[test]
fn range_between_unrelated_histories_is_an_error_not_an_empty_change() {
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[("a.rs", b"a\n")], "main");
    git(root, &["checkout", "-q", "--orphan", "other"]);
    git(root, &["rm", "-q", "-rf", "."]);
    commit(root, &[("b.rs", b"b\n")], "unrelated");

    let repo = open(root);
    let err = repo.range("main", "other").expect_err("no merge-base");
    assert!(matches!(err, ChangeError::NoMergeBase { .. }), "{err:?}");
    assert!(err.to_string().contains("unrelated"), "{err}");
    let err = repo
        .range("no-such-branch", "HEAD")
        .expect_err("unknown base");
    assert!(
        matches!(err, ChangeError::UnknownRevision { shallow: false, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("no-such-branch"), "{err}");
}

// --- all, paths, file_at, read ----------------------------------------------------------------

#[test]
fn all_lists_every_tracked_file_at_head() {
    let dir = git_repo();
    let root = dir.path();
    let head = commit(root, &[("b.rs", b"b\n"), ("a/z.rs", b"z\n")], "one");
    write(root, "untracked.rs", b"u\n");
    write(root, "b.rs", b"edited, not committed\n");

    let repo = open(root);
    let set = repo.all().unwrap();
    assert_eq!(
        (set.base.as_deref(), set.head.as_deref()),
        (None, Some(head.as_str()))
    );
    assert_eq!(summary(&set), [("added", "a/z.rs"), ("added", "b.rs")]);
    assert_eq!(read(&repo, &file(&set, "b.rs").new), b"b\n");
}

#[test]
fn paths_read_the_worktree_against_head() {
    let dir = git_repo();
    let root = dir.path();
    let head = commit(root, &[("src/a.rs", b"committed\n")], "one");
    write(root, "src/a.rs", b"on disk\n");
    write(root, "src/new.rs", b"untracked\n");

    let repo = open(root);
    let set = repo
        .paths(&[
            root.join("src/new.rs"),
            root.join("src/../src/a.rs"),
            root.join("src/a.rs"),
        ])
        .unwrap();
    assert_eq!(set.base.as_deref(), Some(head.as_str()));
    assert_eq!(
        summary(&set),
        [("modified", "src/a.rs"), ("added", "src/new.rs")]
    );
    let a = file(&set, "src/a.rs");
    assert!(matches!(a.new, Some(Content::Worktree(_))));
    assert_eq!(read(&repo, &a.new), b"on disk\n");
    assert_eq!(read(&repo, &a.old), b"committed\n");

    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "x.rs", b"x\n");
    let variant = |e: &ChangeError| match e {
        ChangeError::OutsideRepository { .. } => "outside",
        ChangeError::NoSuchFile { .. } => "missing",
        ChangeError::IsADirectory { .. } => "directory",
        _ => "other",
    };
    let cases = [
        (outside.path().join("x.rs"), "outside"),
        (root.join("missing.rs"), "missing"),
        (root.join("src"), "directory"),
        (root.join(".git/config"), "outside"),
    ];
    for (path, expected) in cases {
        let err = repo
            .paths(std::slice::from_ref(&path))
            .expect_err("refused");
        assert_eq!(variant(&err), expected, "{}: {err:?}", path.display());
    }
}

#[test]
fn file_at_reads_one_file_at_a_revision() {
    let dir = git_repo();
    let root = dir.path();
    commit(root, &[(".debtgate.yaml", b"mode: ratchet\n")], "one");
    commit(root, &[(".debtgate.yaml", b"mode: new\n")], "two");

    let repo = open(root);
    assert_eq!(
        repo.file_at("HEAD~1", ".debtgate.yaml").unwrap().as_deref(),
        Some(&b"mode: ratchet\n"[..])
    );
    assert_eq!(
        repo.file_at("main", ".debtgate.yaml").unwrap().as_deref(),
        Some(&b"mode: new\n"[..])
    );
    assert_eq!(repo.file_at("HEAD", ".debtgate.yml").unwrap(), None);
    assert!(matches!(
        repo.file_at("nope", ".debtgate.yaml"),
        Err(ChangeError::UnknownRevision { .. })
    ));
    assert_eq!(repo.resolve("HEAD~1").unwrap().len(), 40);
}

#[test]
fn reads_are_safe_from_many_threads_at_once() {
    use rayon::prelude::*;
    let dir = git_repo();
    let root = dir.path();
    let files: Vec<(String, Vec<u8>)> = (0..200)
        .map(|i| {
            (
                format!("f{i:03}.rs"),
                format!("fn f{i}() {{}}\n").into_bytes(),
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    commit(root, &refs, "many");

    let repo = open(root);
    let set = repo.all().unwrap();
    assert_eq!(set.files.len(), 200);
    let read: Vec<Vec<u8>> = set
        .files
        .par_iter()
        .map(|f| repo.read(f.new.as_ref().unwrap()).unwrap())
        .collect();
    let expected: Vec<Vec<u8>> = files.into_iter().map(|(_, c)| c).collect();
    assert_eq!(read, expected);
}

#[test]
fn discovery_outside_a_repository_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let err = Repo::discover(dir.path()).expect_err("no repository here");
    assert!(
        err.to_string().contains("not inside a git repository"),
        "{err}"
    );
}

// --- child processes ------------------------------------------------------------------------

/// The directory a `child_*` test discovers from; its absence means "not a child: do nothing".
const CHILD_DIR: &str = "DEBTGATE_TEST_CHILD_DIR";

/// Runs the `name` child test of this binary in `cwd` with `env`, discovering from `dir`, and
/// returns the `CHANGE:` lines it printed.
fn child(name: &str, cwd: &Path, dir: &Path, env: &[(&str, &std::ffi::OsStr)]) -> Vec<String> {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(exe)
        .args([
            &format!("change::{name}"),
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .current_dir(cwd)
        .env(CHILD_DIR, dir)
        .envs(env.iter().copied())
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("CHANGE: "))
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "runs as a child process of other tests, in the directory and environment they set"]
fn child_staged() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let repo = Repo::discover(Path::new(&dir)).expect("the repository opens");
    for f in repo.staged().expect("the staged change reads").files {
        let new = f.new.map(|c| repo.read(&c).expect("readable"));
        let new = String::from_utf8_lossy(new.as_deref().unwrap_or_default());
        println!("CHANGE: {} {} {}", f.status, f.path, new.trim_end());
    }
}
