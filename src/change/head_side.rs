//! HEAD's side of the staged diff, as index entries, without reading all of HEAD's trees.
//!
//! gix diffs HEAD against the index by first turning HEAD's whole tree into a second index
//! (`State::from_tree`: every tree object of the repository inflated, every path built), which on
//! a 40,000-file repository is most of a pre-commit check. git itself skips that work through the
//! index's cache-tree extension (`TREE`): for every directory it records the id of the tree the
//! directory's index entries would write, or that it is invalid (something below it was staged).
//! Wherever that id equals HEAD's tree for the same directory, the index entries below it *are*
//! HEAD's entries, so they are copied from the index instead of read from the object database;
//! only the directories on the path to a staged change are read as trees.
//!
//! The result equals `State::from_tree(HEAD)` entry for entry (path, id, mode; stat and flags
//! empty), so the diff, rename tracking included, is the one gix computes from the full tree.
//! A cache-tree entry is only trusted when the number of index entries below its directory is the
//! number it records; otherwise the directory is read from its tree like any other.

use gix::bstr::{BStr, BString, ByteSlice, ByteVec};
use gix::index::entry::{Flags, Mode, Stage, Stat};
use gix::index::extension::Tree;
use gix::objs::tree::EntryKind;

use super::ChangeError;

/// HEAD's tree `tree` as the entries of an index, using `index`'s cache-tree where it matches.
pub(super) fn head_entries(
    repo: &gix::Repository,
    tree: &gix::oid,
    index: &gix::index::State,
) -> Result<gix::index::State, ChangeError> {
    head_entries_counted(repo, tree, index).map(|(state, _)| state)
}

/// [`head_entries`], and how many tree objects it read.
fn head_entries_counted(
    repo: &gix::Repository,
    tree: &gix::oid,
    index: &gix::index::State,
) -> Result<(gix::index::State, usize), ChangeError> {
    let mut out = gix::index::State::new(repo.object_hash());
    let mut path = BString::default();
    let mut walk = Walk {
        repo,
        index,
        out: &mut out,
        trees_read: 0,
    };
    walk.tree(tree, index.tree(), &mut path)?;
    let read = walk.trees_read;
    Ok((out, read))
}

struct Walk<'a> {
    repo: &'a gix::Repository,
    index: &'a gix::index::State,
    out: &'a mut gix::index::State,
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
            if self.copy_from_index(prefix.as_bstr(), count) {
                return Ok(());
            }
        }
        if id == gix::ObjectId::empty_tree(id.kind()) {
            return Ok(());
        }
        self.trees_read += 1;
        let object = self
            .repo
            .find_object(id)
            .map_err(ChangeError::git(format!("reading HEAD's tree {prefix}")))?;
        let tree = object
            .try_into_tree()
            .map_err(|e| ChangeError::git(format!("reading HEAD's tree {prefix}"))(e.into()))?;
        for entry in tree.iter() {
            let entry = entry.map_err(|e| {
                ChangeError::git(format!("decoding HEAD's tree {prefix}"))(e.into())
            })?;
            let len = prefix.len();
            prefix.push_str(entry.filename());
            let mode = entry.mode();
            match mode.kind() {
                EntryKind::Tree => {
                    prefix.push_byte(b'/');
                    let child = cached.and_then(|c| {
                        c.children
                            .iter()
                            .find(|t| t.name.as_slice() == entry.filename().as_bytes())
                    });
                    self.tree(entry.oid(), child, prefix)?;
                }
                kind => self.out.dangerously_push_entry(
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

    /// Copies the index entries below `prefix` when there are exactly `count` of them (the
    /// cache-tree's own count); `false`, copying nothing, otherwise.
    fn copy_from_index(&mut self, prefix: &BStr, count: u32) -> bool {
        let Some(range) = self.index.prefixed_entries_range(prefix) else {
            return count == 0;
        };
        let entries = &self.index.entries()[range];
        if entries.len() != count as usize {
            return false;
        }
        for e in entries {
            // An intent-to-add entry is in the index but not in any tree; unmerged entries were
            // refused before the diff.
            if e.flags.contains(Flags::INTENT_TO_ADD) || e.stage() != Stage::Unconflicted {
                continue;
            }
            self.out.dangerously_push_entry(
                Stat::default(),
                e.id,
                Flags::empty(),
                e.mode,
                e.path(self.index),
            );
        }
        true
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

    /// Asserts that the cache-tree walk gives exactly `State::from_tree(HEAD)`, and returns how
    /// many tree objects it read.
    fn same_as_full_tree(root: &Path) -> usize {
        let repo = gix::open(root).expect("opens");
        let tree = repo.head_tree_id_or_empty().expect("HEAD's tree");
        let index = repo.open_index().expect("the index");
        let (fast, read) = head_entries_counted(&repo, &tree, &index).expect("walks");
        let full = repo.index_from_tree(&tree).expect("the full tree");
        assert_eq!(entries(&fast), entries(&full));
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
        std::fs::create_dir(root.join("top.rs")).expect("mkdir");
        write(root, "top.rs/inner.rs", "fn inner() {}\n");
        git(root, &["add", "-A", "top.rs"]);
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
