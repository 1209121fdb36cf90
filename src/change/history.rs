//! History: the first-parent walk of a branch, and the trees along it — every file of one
//! commit's tree, and what changed between two trees — for `debtgate trend`.
//!
//! The walk follows first parents only (a merge is its first parent plus what the merge brought
//! in), newest first, and stops at the window's limit (`--commits`, `--since`), at the root, or at
//! the boundary of a shallow clone, which it names so that the caller can say so. Tree diffs here
//! do not follow renames: a rename is a deletion and an addition, which is exactly what a sum over
//! the tree's files needs, and rename detection over a huge merge would cost more than the walk.

use gix::traverse::tree::Recorder;

use super::range::convert;
use super::repo::peel_commit;
use super::{changed_file, BlobId, ChangeError, ChangeStatus, ChangedFile, Repo, Side};

/// The id of a tree, as a newtype so that gix stays inside this module.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TreeId(gix::ObjectId);

impl TreeId {
    /// The full lowercase hex id.
    pub fn to_hex(&self) -> String {
        self.0.to_string()
    }

    /// The raw id bytes, e.g. as part of a cache key.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// One commit of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Full hex id.
    pub id: String,
    pub tree: TreeId,
    /// The first parent, when the commit has one (even when it is beyond a shallow boundary).
    pub parent: Option<String>,
    /// Committer time: seconds since the Unix epoch, and the committer's UTC offset in seconds.
    pub time: i64,
    pub offset: i32,
    /// The first line of the message, lossily decoded.
    pub summary: String,
}

/// Why a walk ended where it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The first commit of the history was reached.
    Root,
    /// The window's limit (a number of commits or a date) was reached.
    Limit,
    /// The parent of `last` is not in this shallow clone.
    Shallow { last: String },
}

/// A first-parent walk, newest commit first.
#[derive(Debug, Clone)]
pub struct History {
    pub commits: Vec<Commit>,
    pub stop: Stop,
    /// The tree of the oldest commit's first parent, when the walk stopped at the window's limit
    /// (the state the window starts from); `None` at the root or a shallow boundary.
    pub before: Option<TreeId>,
}

/// How far back a walk goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    /// At most this many commits.
    pub max: Option<usize>,
    /// Only commits whose committer time is at or after this (Unix seconds). The walk stops at
    /// the first older one, as `git log --first-parent --since` does.
    pub since: Option<i64>,
}

impl Repo {
    /// Walks the first parents of `rev` within `window`, newest first.
    pub fn first_parents(&self, rev: &str, window: Window) -> Result<History, ChangeError> {
        self.with_local(|repo| walk(repo, rev, window))
    }

    /// Every file, symlink and submodule of `tree`, each as added, sorted by path.
    pub fn tree_files(&self, tree: &TreeId) -> Result<Vec<ChangedFile>, ChangeError> {
        self.with_local(|repo| {
            let what = || format!("listing tree {}", tree.0);
            let tree = repo.find_tree(tree.0).map_err(ChangeError::git(what()))?;
            let mut recorder = Recorder::default();
            tree.traverse()
                .breadthfirst(&mut recorder)
                .map_err(ChangeError::git(what()))?;
            let mut files: Vec<ChangedFile> = recorder
                .records
                .iter()
                .filter_map(|entry| {
                    let new = Side {
                        path: entry.filepath.as_ref(),
                        mode: entry.mode,
                        id: entry.oid.as_ref(),
                    };
                    changed_file(ChangeStatus::Added, None, Some(new))
                })
                .collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            Ok(files)
        })
    }

    /// What changed from `old` (none: the empty tree) to `new`, without rename tracking, sorted by
    /// path.
    pub fn tree_diff(
        &self,
        old: Option<&TreeId>,
        new: &TreeId,
    ) -> Result<Vec<ChangedFile>, ChangeError> {
        self.with_local(|repo| {
            let what = || format!("comparing tree {} with its parent's", new.0);
            let new_tree = repo.find_tree(new.0).map_err(ChangeError::git(what()))?;
            let old_tree = match old {
                Some(id) => Some(repo.find_tree(id.0).map_err(ChangeError::git(what()))?),
                None => None,
            };
            // Rewrites off: a rename is a deletion plus an addition (see the module docs).
            let options = gix::diff::Options::default().with_rewrites(None);
            let changes = repo
                .diff_tree_to_tree(old_tree.as_ref(), &new_tree, options)
                .map_err(ChangeError::git(what()))?;
            let mut files: Vec<ChangedFile> = changes.iter().filter_map(convert).collect();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            Ok(files)
        })
    }

    /// The blob at `path` (repository-relative, `/`-separated) in `tree`, if a file is there.
    pub fn blob_in_tree(&self, tree: &TreeId, path: &str) -> Result<Option<BlobId>, ChangeError> {
        self.with_local(|repo| {
            let what = || format!("looking up {path} in tree {}", tree.0);
            let tree = repo.find_tree(tree.0).map_err(ChangeError::git(what()))?;
            let entry = tree
                .lookup_entry(path.split('/').filter(|c| !c.is_empty()))
                .map_err(ChangeError::git(what()))?;
            Ok(entry
                .filter(|e| e.mode().is_blob())
                .map(|e| BlobId(e.object_id())))
        })
    }
}

fn walk(repo: &gix::Repository, rev: &str, window: Window) -> Result<History, ChangeError> {
    let mut commit = peel_commit(repo, rev)?;
    let shallow: Vec<gix::ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let mut commits = Vec::new();
    loop {
        let read = |e| ChangeError::git(format!("reading commit {}", commit.id))(e);
        let time = commit.time().map_err(read)?;
        let tree = TreeId(commit.tree_id().map_err(read)?.detach());
        let full = window.max.is_some_and(|max| commits.len() >= max);
        if full || window.since.is_some_and(|since| time.seconds < since) {
            return Ok(History {
                before: (!commits.is_empty()).then_some(tree),
                commits,
                stop: Stop::Limit,
            });
        }
        let parent = commit.parent_ids().next().map(|p| p.detach());
        let message = commit.message_raw_sloppy();
        let summary = String::from_utf8_lossy(message.split(|b| *b == b'\n').next().unwrap_or(&[]))
            .trim()
            .to_string();
        let id = commit.id;
        commits.push(Commit {
            id: id.to_string(),
            tree,
            parent: parent.map(|p| p.to_string()),
            time: time.seconds,
            offset: time.offset,
            summary,
        });
        let Some(parent) = parent else {
            return Ok(History {
                commits,
                stop: Stop::Root,
                before: None,
            });
        };
        let beyond = || History {
            commits: commits.clone(),
            stop: Stop::Shallow {
                last: id.to_string(),
            },
            before: None,
        };
        if shallow.contains(&id) {
            return Ok(beyond());
        }
        commit = match repo.try_find_object(parent) {
            Ok(Some(object)) => object
                .try_into_commit()
                .map_err(|e| ChangeError::git(format!("reading commit {parent}"))(e))?,
            // A parent missing without a shallow file: history cut short all the same.
            Ok(None) => return Ok(beyond()),
            Err(e) => return Err(ChangeError::git(format!("reading commit {parent}"))(e)),
        };
    }
}
