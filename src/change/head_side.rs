//! The two sides of the staged diff, reduced to the directories a staged change can be in,
//! without reading all of HEAD's trees.
//!
//! gix diffs HEAD against the index by first turning HEAD's whole tree into a second index
//! (`State::from_tree`: every tree object of the repository inflated, every path built), then
//! comparing it with the index path by path. On a 40,000-file repository that is most of a
//! pre-commit check. git skips that work through the index's cache-tree extension (`TREE`): for
//! every directory it records the id of the tree the directory's index entries would write, or
//! that it is invalid (something below it was staged). Wherever that id equals HEAD's tree for
//! the same directory, nothing below it differs between HEAD and the index, so the directory is
//! left out of both sides; only the trees on the path to a staged change are read.
//!
//! Leaving out identical entries from both sides changes no addition, deletion or modification,
//! and rename tracking only pairs deletions with additions (copy detection is off), so the diff of
//! the reduced sides is the diff of the full ones. A cache-tree entry is only trusted when the
//! number of index entries below its directory is the number it records; otherwise the directory
//! is read from its tree like any other.

use std::ops::Range;

use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::index::entry::{Flags, Mode, Stat};
use gix::index::extension::Tree;
use gix::objs::tree::EntryKind;

use super::ChangeError;

/// The staged diff's two sides, without the directories the cache-tree shows unchanged.
pub(super) struct Sides {
    /// HEAD's entries (as `State::from_tree` makes them) outside the unchanged directories.
    pub head: gix::index::State,
    /// The index's entries outside the unchanged directories, flags kept.
    pub index: gix::index::State,
}

/// HEAD's tree `tree` and the index, both without the directories `index`'s cache-tree shows to
/// be unchanged from HEAD.
pub(super) fn sides(
    repo: &gix::Repository,
    tree: &gix::oid,
    index: &gix::index::State,
) -> Result<Sides, ChangeError> {
    let (head, unchanged, _) = walk(repo, tree, index)?;
    Ok(Sides {
        head,
        index: without(index, &unchanged),
    })
}

/// HEAD's entries outside unchanged directories, the index ranges of those directories (sorted,
/// disjoint), and how many tree objects were read.
fn walk(
    repo: &gix::Repository,
    tree: &gix::oid,
    index: &gix::index::State,
) -> Result<(gix::index::State, Vec<Range<usize>>, usize), ChangeError> {
    let mut walk = Walk {
        repo,
        index,
        head: gix::index::State::new(repo.object_hash()),
        unchanged: Vec::new(),
        trees_read: 0,
    };
    walk.tree(tree, index.tree(), &mut BString::default())?;
    Ok((walk.head, walk.unchanged, walk.trees_read))
}

/// The entries of `index` outside `ranges` (sorted and disjoint), in order, flags kept.
fn without(index: &gix::index::State, ranges: &[Range<usize>]) -> gix::index::State {
    let mut out = gix::index::State::new(index.object_hash());
    let mut at = 0;
    let keep = |out: &mut gix::index::State, span: Range<usize>| {
        for e in &index.entries()[span] {
            out.dangerously_push_entry(e.stat, e.id, e.flags, e.mode, e.path(index));
        }
    };
    for r in ranges {
        keep(&mut out, at..r.start);
        at = r.end;
    }
    keep(&mut out, at..index.entries().len());
    out
}

struct Walk<'a> {
    repo: &'a gix::Repository,
    index: &'a gix::index::State,
    head: gix::index::State,
    unchanged: Vec<Range<usize>>,
    trees_read: usize,
}

impl Walk<'_> {
    /// Adds the entries of the tree `id` at `prefix` (empty, or ending in `/`), with `cached`
    /// the index's cache-tree entry for the same directory, if it has one.
    fn tree(
        &mut self,
        id: &gix::oid,
        cached: Option<&Tree>,
        prefix: &mut BString,
    ) -> Result<(), ChangeError> {
        if let Some(count) = cached.filter(|c| c.id == id).and_then(|c| c.num_entries) {
            if let Some(range) = self.entries_below(prefix.as_bstr(), count) {
                self.unchanged.push(range);
                return Ok(());
            }
        }
        if id == gix::ObjectId::empty_tree(id.kind()) {
            return Ok(());
        }
        self.trees_read += 1;
        let dir = prefix.clone();
        let what = || format!("reading HEAD's tree {dir}");
        let object = self
            .repo
            .find_object(id)
            .map_err(ChangeError::git(what()))?;
        let tree = object.try_into_tree().map_err(ChangeError::git(what()))?;
        for entry in tree.iter() {
            let entry = entry.map_err(ChangeError::git(what()))?;
            let len = prefix.len();
            prefix.push_str(entry.filename());
            match entry.mode().kind() {
                EntryKind::Tree => {
                    prefix.push_byte(b'/');
                    let child = cached.and_then(|c| {
                        c.children
                            .iter()
                            .find(|t| t.name.as_slice() == entry.filename().as_bytes())
                    });
                    self.tree(entry.oid(), child, prefix)?;
                }
                kind => self.head.dangerously_push_entry(
                    Stat::default(),
                    entry.oid().to_owned(),
                    Flags::empty(),
                    index_mode(kind),
                    prefix.as_bstr(),
                ),
            }
            prefix.truncate(len);
        }
        Ok(())
    }

    /// The range of index entries below `prefix` when there are exactly `count` of them (the
    /// cache-tree's own count); `None` otherwise.
    fn entries_below(&self, prefix: &BStr, count: u32) -> Option<Range<usize>> {
        let entries = self.index.entries();
        let start = entries.partition_point(|e| e.path(self.index) < prefix);
        let end = start.checked_add(count as usize)?;
        let below = |i: usize| {
            entries
                .get(i)
                .is_some_and(|e| e.path(self.index).starts_with(prefix))
        };
        let exact = (count == 0 || below(end - 1)) && !below(end);
        exact.then_some(start..end)
    }
}

/// The index mode `State::from_tree` gives a tree entry of this kind.
fn index_mode(kind: EntryKind) -> Mode {
    match kind {
        EntryKind::Blob | EntryKind::Tree => Mode::FILE,
        EntryKind::BlobExecutable => Mode::FILE_EXECUTABLE,
        EntryKind::Link => Mode::SYMLINK,
        EntryKind::Commit => Mode::COMMIT,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;

    pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(dir)
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_WORK_TREE")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub(crate) fn write(root: &Path, path: &str, text: &str) {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// Stages what a tree diff finds hard: a removed directory, a mode change, a new symlink, a
    /// gitlink, an intent-to-add file and a file replaced by a directory.
    pub(crate) fn stage_odd_entries(root: &Path) {
        git(root, &["rm", "-q", "-r", "d/y"]);
        git(root, &["update-index", "--chmod=+x", "b/x/f2.rs"]);
        std::os::unix::fs::symlink("f0.rs", root.join("b/z/link.rs")).expect("a symlink");
        git(root, &["add", "b/z/link.rs"]);
        let head = git(root, &["rev-parse", "HEAD"]);
        git(
            root,
            &[
                "update-index",
                "--add",
                "--cacheinfo",
                &format!("160000,{head},d/sub"),
            ],
        );
        write(root, "c/new/intent.rs", "fn later() {}\n");
        git(root, &["add", "-N", "c/new/intent.rs"]);
        std::fs::remove_file(root.join("top.rs")).expect("rm");
        write(root, "top.rs/inner.rs", "fn inner() {}\n");
        git(root, &["add", "-A", "top.rs"]);
    }

    /// A repository of 4 top-level directories × 3 subdirectories × 3 files, committed, with a
    /// full cache-tree (`git reset` writes one).
    pub(crate) fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temp dir");
        let root = dir.path();
        git(root, &["init", "-q"]);
        for d in ["a", "b", "c", "d"] {
            for s in ["x", "y", "z"] {
                for f in 0..3 {
                    write(
                        root,
                        &format!("{d}/{s}/f{f}.rs"),
                        &format!("fn f{f}() {{}} // {d}{s}\n"),
                    );
                }
            }
        }
        write(root, "top.rs", "fn top() {}\n");
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "base"]);
        git(root, &["reset", "-q"]);
        dir
    }

    /// (path, id, mode) of every entry.
    fn entries(state: &gix::index::State) -> Vec<(String, String, u32)> {
        state
            .entries()
            .iter()
            .map(|e| (e.path(state).to_string(), e.id.to_string(), e.mode.bits()))
            .collect()
    }

    /// Asserts that HEAD's reduced side plus the index entries of the directories left out is
    /// exactly `State::from_tree(HEAD)`, and returns how many tree objects the walk read.
    fn same_as_full_tree(root: &Path) -> usize {
        let repo = gix::open(root).expect("opens");
        let tree = repo.head_tree_id_or_empty().expect("HEAD's tree");
        let index = repo.open_index().expect("the index");
        let (head, unchanged, read) = walk(&repo, &tree, &index).expect("walks");
        let mut rebuilt = entries(&head);
        for r in &unchanged {
            for e in &index.entries()[r.clone()] {
                if !e.flags.contains(Flags::INTENT_TO_ADD) {
                    rebuilt.push((e.path(&index).to_string(), e.id.to_string(), e.mode.bits()));
                }
            }
        }
        rebuilt.sort();
        let full = repo.index_from_tree(&tree).expect("the full tree");
        assert_eq!(rebuilt, entries(&full));
        // And what is left of the index is everything outside those ranges.
        let rest = without(&index, &unchanged);
        let left: usize = unchanged.iter().map(|r| r.len()).sum();
        assert_eq!(rest.entries().len() + left, index.entries().len());
        read
    }

    /// Trees in the repository of [`repo`]: the root, 4 directories, 12 subdirectories.
    const ALL_TREES: usize = 17;

    #[test]
    fn an_untouched_index_reads_no_tree() {
        let dir = repo();
        assert_eq!(same_as_full_tree(dir.path()), 0);
    }

    #[test]
    fn only_the_directories_above_a_staged_file_are_read() {
        let dir = repo();
        let root = dir.path();
        write(root, "b/y/f1.rs", "fn changed() {}\n");
        git(root, &["add", "b/y/f1.rs"]);
        // root, b, b/y
        assert_eq!(same_as_full_tree(root), 3);
    }

    #[test]
    fn renames_deletions_modes_links_gitlinks_and_intent_to_add() {
        let dir = repo();
        let root = dir.path();
        git(root, &["mv", "a/x/f0.rs", "c/z/moved.rs"]);
        stage_odd_entries(root);
        let read = same_as_full_tree(root);
        assert!(read < ALL_TREES, "read {read} trees");
    }

    #[test]
    fn a_valid_cache_tree_that_differs_from_head_is_read_not_copied() {
        let dir = repo();
        let root = dir.path();
        write(root, "a/z/f0.rs", "fn edited() {}\n");
        git(root, &["add", "a/z/f0.rs"]);
        // write-tree makes every cache-tree entry valid again, now naming trees HEAD lacks.
        git(root, &["write-tree"]);
        assert_eq!(same_as_full_tree(root), 3);
    }

    #[test]
    fn no_cache_tree_or_a_split_index_or_an_unborn_head() {
        let dir = repo();
        let root = dir.path();
        // The index of an older commit: its cache-tree names the older trees, so the three that
        // changed since (root, c, c/x) are read, the rest copied.
        write(root, "c/x/f1.rs", "fn two() {}\n");
        git(root, &["commit", "-q", "-am", "second"]);
        git(root, &["read-tree", "HEAD~1"]);
        assert_eq!(same_as_full_tree(root), 3);
        // An index rebuilt entry by entry has no cache-tree at all: every tree is read.
        let listing = git(root, &["ls-files", "-s"]);
        std::fs::remove_file(root.join(".git/index")).expect("rm index");
        let mut child = Command::new("git")
            .current_dir(root)
            .args(["update-index", "--index-info"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("git runs");
        std::io::Write::write_all(
            &mut child.stdin.take().expect("stdin"),
            format!("{listing}\n").as_bytes(),
        )
        .expect("listing written");
        assert!(child.wait().expect("git ends").success());
        assert_eq!(same_as_full_tree(root), ALL_TREES);
        // A split index (its cache-tree lives in the split file, over the merged entries).
        git(root, &["read-tree", "HEAD"]);
        git(root, &["update-index", "--split-index"]);
        write(root, "d/z/f2.rs", "fn split() {}\n");
        git(root, &["add", "d/z/f2.rs"]);
        assert!(root.join(".git").read_dir().expect("ls").any(|e| e
            .expect("an entry")
            .file_name()
            .to_string_lossy()
            .starts_with("sharedindex.")));
        // root, d, d/z
        assert_eq!(same_as_full_tree(root), 3);

        let unborn = tempfile::tempdir().expect("a temp dir");
        git(unborn.path(), &["init", "-q"]);
        write(unborn.path(), "a/b.rs", "fn b() {}\n");
        git(unborn.path(), &["add", "-A"]);
        assert_eq!(same_as_full_tree(unborn.path()), 0);
    }
}
