//! Errors of the change module. Each message says what is wrong and how to fix it; gix's own
//! error (a one-line `a: b: c` chain with `auto-chain-error`) is kept as the source.

use std::path::PathBuf;

use thiserror::Error;

/// How to get more history into a shallow clone, appended to errors caused by one.
const DEEPEN: &str = "fetch more history with `git fetch --deepen=<N>` or `git fetch --unshallow` \
     (in GitHub Actions: `fetch-depth: 0` on actions/checkout; in GitLab CI: `GIT_DEPTH: 0`)";

#[derive(Debug, Error)]
pub enum ChangeError {
    #[error("{dir}: not inside a git repository (run debtgate in one, or set GIT_DIR): {source}")]
    NotARepository {
        dir: PathBuf,
        #[source]
        source: Box<gix::Error>,
    },

    #[error("{git_dir}: a bare repository has no worktree or index to {what}")]
    Bare {
        git_dir: PathBuf,
        what: &'static str,
    },

    #[error("{}", unknown_revision(rev, *shallow))]
    UnknownRevision {
        rev: String,
        shallow: bool,
        #[source]
        source: Box<gix::Error>,
    },

    #[error("revision `{rev}` is a {kind}, not a commit")]
    NotACommit { rev: String, kind: String },

    #[error(
        "base {} and head {} have no common ancestor in this shallow clone, so there is no \
         merge-base to diff from; {DEEPEN}",
        label(base, base_id),
        label(head, head_id)
    )]
    ShallowNoMergeBase {
        base: String,
        base_id: String,
        head: String,
        head_id: String,
    },

    #[error(
        "base {} and head {} have no common ancestor: their histories are unrelated, so there is \
         no merge-base to diff from; pass a base that head was branched from",
        label(base, base_id),
        label(head, head_id)
    )]
    NoMergeBase {
        base: String,
        base_id: String,
        head: String,
        head_id: String,
    },

    #[error(
        "the index has unresolved merge conflicts in {}; resolve them and `git add` the result \
         before checking what is staged",
        paths.join(", ")
    )]
    Unmerged { paths: Vec<String> },

    #[error(
        "the index is sparse (sparse-checkout with index.sparse=true), which debtgate cannot \
         read yet; run `git sparse-checkout init --no-sparse-index`, or check a range with --base"
    )]
    SparseIndex,

    #[error("{path}: is outside the repository at {root}")]
    OutsideRepository { path: PathBuf, root: PathBuf },

    #[error("{path}: no such file")]
    NoSuchFile { path: PathBuf },

    #[error("{path}: is a directory; pass the files in it")]
    IsADirectory { path: PathBuf },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("object {id} is a {kind}, not a blob (a submodule entry's commit cannot be read)")]
    NotABlob { id: String, kind: String },

    #[error(
        "object {id} is not in this repository: it is a submodule's commit, or this is a partial \
         clone (`--filter=blob:none`) that has not downloaded it; fetch the objects (e.g. \
         `git cat-file -p {id}` fetches one) or clone without a filter"
    )]
    MissingObject { id: String },

    #[error("{action}: {source}")]
    Git {
        action: String,
        #[source]
        source: Box<gix::Error>,
    },
}

impl ChangeError {
    /// Wraps a gix error with what we were doing, e.g. "reading the index".
    pub(super) fn git(action: impl Into<String>) -> impl FnOnce(gix::Error) -> ChangeError {
        let action = action.into();
        move |source| ChangeError::Git {
            action,
            source: Box::new(source),
        }
    }
}

/// A revision as typed, with the commit it names when that is not already what was typed.
fn label(rev: &str, id: &str) -> String {
    if rev == id {
        format!("`{rev}`")
    } else {
        format!("`{rev}` ({id})")
    }
}

fn unknown_revision(rev: &str, shallow: bool) -> String {
    if shallow {
        format!(
            "revision `{rev}` is not in this repository: this is a shallow clone and `{rev}` is \
             probably outside its history; {DEEPEN}, or fetch that commit or branch \
             explicitly (`git fetch origin <commit or branch>`)"
        )
    } else {
        format!(
            "revision `{rev}` is not in this repository: check the spelling, or fetch it first \
             (`git fetch origin <commit or branch>`)"
        )
    }
}
