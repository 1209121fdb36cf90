//! Change sets: what is being committed, pushed or proposed, read straight from git.
//!
//! This is the only module that names gix. It answers one question for the rest of the pipeline —
//! "which files does this change touch, and how do I read each side?" — as a [`ChangeSet`]: one
//! [`ChangedFile`] per path with its [`ChangeStatus`], its [`EntryKind`], and a [`Content`] handle
//! for the base side and the new side. Content is read later, possibly from many rayon threads at
//! once, through [`Repo::read`]; nothing here parses or measures anything.
//!
//! Four sources (see [`Source`]):
//!
//! - [`Repo::staged`] — HEAD's tree against the index. The new side is always the blob in the
//!   index, so a partially staged file is judged by exactly what will be committed.
//! - [`Repo::range`] — `merge-base(base, head)` to `head`, like `git diff base...head`, with
//!   renames followed.
//! - [`Repo::all`] — every tracked file at HEAD.
//! - [`Repo::paths`] — given files as they are in the worktree, against HEAD.
//!
//! Everything here is read-only: no stash, no checkout, no index or worktree writes, ever.
//! Directories never appear in a change set; binary files are ordinary [`EntryKind::File`]
//! entries (callers decide what they can analyse); symlinks and submodules are marked by kind.
//! Paths that are not valid UTF-8 are shown lossily and never cause a panic.

mod error;
mod head_side;
mod history;
mod range;
mod repo;
mod staged;
mod stat;
mod tree;
mod worktree;

use std::fmt;
use std::path::PathBuf;

pub use error::ChangeError;
pub use history::{Commit, History, Stop, TreeId, Window};
pub use repo::{read_regular, Repo};

/// How a path changed between the base side and the new side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeStatus {
    Added,
    Modified,
    Renamed,
    Deleted,
}

impl ChangeStatus {
    /// The lowercase name used in reports: `added`, `modified`, `renamed`, `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Added => "added",
            ChangeStatus::Modified => "modified",
            ChangeStatus::Renamed => "renamed",
            ChangeStatus::Deleted => "deleted",
        }
    }
}

impl fmt::Display for ChangeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of entry a path is (on its new side, or its old side when deleted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file, executable or not, text or binary.
    File,
    /// A symbolic link; its content is the link target.
    Symlink,
    /// A submodule (gitlink); its "content" is a commit of another repository and cannot be read.
    Submodule,
}

/// The id of a git object: a blob, or for a submodule entry the commit it points to.
///
/// A newtype so that gix stays inside this module. Its `Display` is the full hex id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(gix::ObjectId);

impl BlobId {
    /// The full lowercase hex id.
    pub fn to_hex(&self) -> String {
        self.0.to_string()
    }

    /// Parses a full hex id (as [`BlobId::to_hex`] writes it); `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<BlobId> {
        gix::ObjectId::from_hex(hex.as_bytes()).ok().map(BlobId)
    }

    /// The raw id bytes (20 for SHA-1), e.g. as part of a cache key.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobId({})", self.0)
    }
}

/// How to read one side of a changed file, with [`Repo::read`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Content {
    /// An object in the repository (from a commit's tree or from the index).
    Blob(BlobId),
    /// A file in the worktree, by absolute path (used only by [`Repo::paths`]).
    Worktree(PathBuf),
}

impl Content {
    /// The blob id when the content is in the repository.
    pub fn blob_id(&self) -> Option<BlobId> {
        match self {
            Content::Blob(id) => Some(*id),
            Content::Worktree(_) => None,
        }
    }
}

/// One path touched by a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedFile {
    /// Repository-relative, `/`-separated; the old path for deletions. Lossy when the path is
    /// not valid UTF-8.
    pub path: String,
    /// The path before a rename; `None` otherwise.
    pub old_path: Option<String>,
    pub status: ChangeStatus,
    pub kind: EntryKind,
    /// The base side; `None` when added.
    pub old: Option<Content>,
    /// The head / index / worktree side; `None` when deleted.
    pub new: Option<Content>,
}

/// Where a change set came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// HEAD against the index ([`Repo::staged`]).
    Staged,
    /// merge-base(base, head) against head ([`Repo::range`]).
    Range,
    /// Every tracked file at HEAD ([`Repo::all`]).
    All,
    /// Given worktree files against HEAD ([`Repo::paths`]).
    Paths,
}

/// Everything a change touches, sorted by path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    pub source: Source,
    /// The commit the old sides come from, as a full hex id: HEAD for staged and paths (`None`
    /// when HEAD is unborn), the merge-base for a range, `None` for all.
    pub base: Option<String>,
    /// The commit the new sides come from: head for a range, HEAD for all; `None` for staged
    /// (the index) and paths (the worktree).
    pub head: Option<String>,
    /// For a range only: the commit `base` resolved to, before taking the merge-base with head.
    /// It differs from [`ChangeSet::base`] when the base branch moved on after head forked.
    pub base_tip: Option<String>,
    pub files: Vec<ChangedFile>,
}

impl ChangeSet {
    fn new(source: Source, base: Option<String>, head: Option<String>) -> Self {
        ChangeSet {
            source,
            base,
            head,
            base_tip: None,
            files: Vec::new(),
        }
    }

    /// Sorts files by path (and old path, for two renames onto one name) so output never
    /// depends on the order gix reported changes in; rename detection reports renames last.
    fn finish(mut self) -> Self {
        self.files.sort_by(|a, b| {
            (a.path.as_str(), a.old_path.as_deref()).cmp(&(b.path.as_str(), b.old_path.as_deref()))
        });
        self
    }
}

/// The kind of a tree entry, or `None` for a directory (tree diffs report those too).
fn kind_of(mode: gix::objs::tree::EntryMode) -> Option<EntryKind> {
    if mode.is_tree() {
        None
    } else if mode.is_commit() {
        Some(EntryKind::Submodule)
    } else if mode.is_link() {
        Some(EntryKind::Symlink)
    } else {
        Some(EntryKind::File)
    }
}

/// A git path as a `String`, lossily when it is not UTF-8.
fn path_string(path: &gix::bstr::BStr) -> String {
    String::from_utf8_lossy(path.as_ref()).into_owned()
}

fn blob(id: impl Into<gix::ObjectId>) -> Option<Content> {
    Some(Content::Blob(BlobId(id.into())))
}

/// Turns one tree-diff or index-diff change into a [`ChangedFile`]; `None` for directories.
/// Both diff flavours are mapped onto this one shape first, by [`Side`]. `status` is what the
/// diff said for two-sided changes (modified or renamed).
fn changed_file(
    status: ChangeStatus,
    old: Option<Side<'_>>,
    new: Option<Side<'_>>,
) -> Option<ChangedFile> {
    // Tree diffs report directories too (STACK pitfall 5). A side that is a directory does not
    // exist as a file: a file replaced by a directory is a deletion, and the reverse an addition.
    let old = old.filter(|s| !s.mode.is_tree());
    let new = new.filter(|s| !s.mode.is_tree());
    let status = match (old, new) {
        (None, None) => return None,
        (None, Some(_)) => ChangeStatus::Added,
        (Some(_), None) => ChangeStatus::Deleted,
        (Some(_), Some(_)) => status,
    };
    let current = new.or(old)?;
    Some(ChangedFile {
        path: path_string(current.path),
        old_path: match status {
            ChangeStatus::Renamed => old.map(|o| path_string(o.path)),
            _ => None,
        },
        status,
        kind: kind_of(current.mode)?,
        old: old.and_then(|o| blob(o.id)),
        new: new.and_then(|n| blob(n.id)),
    })
}

/// One side of a change as both diff flavours report it.
#[derive(Clone, Copy)]
struct Side<'a> {
    path: &'a gix::bstr::BStr,
    mode: gix::objs::tree::EntryMode,
    id: &'a gix::oid,
}
