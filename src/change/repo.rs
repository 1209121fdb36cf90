//! [`Repo`]: an open repository, shareable across threads, and the readers every source uses —
//! blobs and worktree files by [`Content`], one file at a revision, revisions to commits.
//!
//! gix's `Repository` is cheap to make from the shared `ThreadSafeRepository` but not `Sync`, and
//! its object caches are per handle; [`Repo`] keeps a small pool of thread-local handles so that
//! rayon workers reading blobs each reuse one instead of building one per blob.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use gix::bstr::ByteSlice;

use super::{BlobId, ChangeError, Content};

/// Objects kept decoded per handle: trees and commits revisited while diffing and peeling.
const OBJECT_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// An open git repository. `Send + Sync`: share it by reference across threads.
pub struct Repo {
    shared: gix::ThreadSafeRepository,
    root: PathBuf,
    /// Idle thread-local handles; taken by a reader, given back when it is done.
    pool: Mutex<Vec<gix::Repository>>,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("git_dir", &self.shared.git_dir())
            .field("root", &self.root)
            .finish()
    }
}

impl Repo {
    /// Finds the repository containing `dir`, from any subdirectory and in linked worktrees.
    /// Honours `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE` as git does — hooks run with them
    /// set (e.g. `git commit PATH` points `GIT_INDEX_FILE` at a temporary index).
    pub fn discover(dir: &Path) -> Result<Repo, ChangeError> {
        let shared = gix::ThreadSafeRepository::discover_with_environment_overrides(dir).map_err(
            |source| ChangeError::NotARepository {
                dir: dir.to_path_buf(),
                source: Box::new(source),
            },
        )?;
        let root = shared
            .work_dir()
            .unwrap_or_else(|| shared.git_dir())
            .to_path_buf();
        Ok(Repo {
            shared,
            root,
            pool: Mutex::new(Vec::new()),
        })
    }

    /// The worktree root (the git directory for a bare repository).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The git common directory: shared by all linked worktrees (where the store lives).
    pub fn common_dir(&self) -> &Path {
        self.shared
            .common_dir
            .as_deref()
            .unwrap_or_else(|| self.shared.git_dir())
    }

    /// Whether this is a shallow clone: history beyond some commits is missing, so a base or a
    /// merge-base may not be found. `false` when that cannot be determined.
    pub fn is_shallow(&self) -> bool {
        self.with_local(|repo| repo.is_shallow().unwrap_or(false))
    }

    /// The content of one side of a changed file. Callable from many threads at once.
    /// A symlink's content is its target, as git stores it.
    pub fn read(&self, content: &Content) -> Result<Vec<u8>, ChangeError> {
        match content {
            Content::Blob(id) => self.with_local(|repo| read_blob(repo, *id)),
            Content::Worktree(path) => read_worktree(path),
        }
    }

    /// The content of `path` (repository-relative, `/`-separated) at revision `rev`, or `None`
    /// when no file is there — e.g. `.debtgate.yaml` at the base revision.
    pub fn file_at(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, ChangeError> {
        self.with_local(|repo| {
            let commit = peel_commit(repo, rev)?;
            let tree = commit
                .tree()
                .map_err(ChangeError::git(format!("reading the tree of `{rev}`")))?;
            let entry = tree
                .lookup_entry(path.split('/').filter(|c| !c.is_empty()))
                .map_err(ChangeError::git(format!("looking up {path} at `{rev}`")))?;
            match entry {
                Some(e) if e.mode().is_blob_or_symlink() => {
                    read_blob(repo, BlobId(e.object_id())).map(Some)
                }
                _ => Ok(None),
            }
        })
    }

    /// The full hex id of the commit `rev` names (a branch, tag, `HEAD~2`, an id …).
    pub fn resolve(&self, rev: &str) -> Result<String, ChangeError> {
        self.with_local(|repo| Ok(peel_commit(repo, rev)?.id.to_string()))
    }

    /// Runs `f` with a thread-local handle from the pool (or a new one), then returns it.
    pub(super) fn with_local<T>(&self, f: impl FnOnce(&gix::Repository) -> T) -> T {
        let taken = self
            .pool
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let repo = taken.unwrap_or_else(|| {
            let mut repo = self.shared.to_thread_local();
            repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
            repo
        });
        let out = f(&repo);
        self.pool
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(repo);
        out
    }
}

/// Resolves `rev` to a commit, peeling tags; the error says whether a shallow clone is why.
pub(super) fn peel_commit<'r>(
    repo: &'r gix::Repository,
    rev: &str,
) -> Result<gix::Commit<'r>, ChangeError> {
    let object = repo
        .rev_parse_single(rev)
        .and_then(|id| id.object())
        .map_err(|source| ChangeError::UnknownRevision {
            rev: rev.to_string(),
            shallow: repo.is_shallow().unwrap_or(false),
            source: Box::new(source),
        })?;
    let kind = object.kind;
    object
        .peel_to_commit()
        .map_err(|_| ChangeError::NotACommit {
            rev: rev.to_string(),
            kind: kind.to_string(),
        })
}

fn read_blob(repo: &gix::Repository, id: BlobId) -> Result<Vec<u8>, ChangeError> {
    let object = match repo.try_find_object(id.0) {
        Ok(Some(object)) => object,
        Ok(None) => return Err(ChangeError::MissingObject { id: id.to_hex() }),
        Err(e) => return Err(ChangeError::git(format!("reading object {id}"))(e)),
    };
    if object.kind != gix::objs::Kind::Blob {
        return Err(ChangeError::NotABlob {
            id: id.to_hex(),
            kind: object.kind.to_string(),
        });
    }
    Ok(object.detach().data)
}

fn read_worktree(path: &Path) -> Result<Vec<u8>, ChangeError> {
    let io = |source| ChangeError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::symlink_metadata(path).map_err(io)?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).map_err(io)?;
        // Git stores a link's target as bytes; only a target that is not valid for the platform
        // (never on Unix) falls back to a lossy rendering.
        return Ok(match gix::path::into_bstr(target.as_path()) {
            Ok(bytes) => bytes.as_bytes().to_vec(),
            Err(_) => target.to_string_lossy().into_owned().into_bytes(),
        });
    }
    read_regular(path).map_err(io)
}

/// The bytes of the regular file at `path`; an error for anything else. A FIFO, socket or device
/// where a source file was listed (or put there after listing) would block the read for ever or
/// never end it, so it is opened without blocking and refused unless the open file is a regular
/// one. `debtgate analyze` reads files through this too.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let mut file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a FIFO, socket or device)",
        ));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Repo>();
    }
}
