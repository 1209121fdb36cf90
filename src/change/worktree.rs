//! Given files as they are in the worktree, against HEAD — for editors and `--paths`, where what
//! matters is the file on disk right now, staged or not.
//!
//! Each file's new side is the worktree file itself ([`Content::Worktree`]); its old side is the
//! blob of the same path in HEAD's tree when it is tracked there (status modified, even when the
//! content happens to be equal), and nothing otherwise (status added). Paths are relative to the
//! process's current directory, as a user typed them; each must be a file (or symlink) inside
//! the worktree.

use std::path::{Path, PathBuf};

use super::{path_string, BlobId, ChangeError, ChangeSet, ChangeStatus, ChangedFile, Content};
use super::{EntryKind, Repo, Source};

impl Repo {
    /// The worktree content of `files`, each against its HEAD version if it has one.
    pub fn paths(&self, files: &[PathBuf]) -> Result<ChangeSet, ChangeError> {
        self.with_local(|repo| paths(repo, files))
    }
}

fn paths(repo: &gix::Repository, files: &[PathBuf]) -> Result<ChangeSet, ChangeError> {
    let Some(workdir) = repo.workdir() else {
        return Err(ChangeError::Bare {
            git_dir: repo.git_dir().to_path_buf(),
            what: "read files from",
        });
    };
    let root = canonical(workdir)?;
    let cwd = std::env::current_dir().map_err(|source| ChangeError::Io {
        path: PathBuf::from("."),
        source,
    })?;
    let head = repo.head().map_err(ChangeError::git("reading HEAD"))?;
    let base = head.id().map(|id| id.to_string());
    let tree = repo
        .head_tree_id_or_empty()
        .and_then(|id| id.object())
        .and_then(|object| object.peel_to_tree())
        .map_err(ChangeError::git("reading HEAD's tree"))?;

    let mut out = ChangeSet::new(Source::Paths, base, None);
    for file in files {
        let (full, relative) = locate(&cwd.join(file), &root)?;
        let kind = match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.is_dir() => {
                return Err(ChangeError::IsADirectory { path: file.clone() })
            }
            Ok(meta) if meta.file_type().is_symlink() => EntryKind::Symlink,
            Ok(_) => EntryKind::File,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ChangeError::NoSuchFile { path: file.clone() })
            }
            Err(source) => return Err(ChangeError::Io { path: full, source }),
        };
        let old = tree
            .lookup_entry_by_path(&relative)
            .map_err(ChangeError::git(format!(
                "looking up {} in HEAD",
                relative.display()
            )))?
            .filter(|entry| entry.mode().is_blob_or_symlink())
            .map(|entry| Content::Blob(BlobId(entry.object_id())));
        let path = gix::path::into_bstr(relative.as_path())
            .map(|p| path_string(gix::path::to_unix_separators_on_windows(p).as_ref()))
            .unwrap_or_else(|_| relative.to_string_lossy().replace('\\', "/"));
        out.files.push(ChangedFile {
            path,
            old_path: None,
            status: match old {
                Some(_) => ChangeStatus::Modified,
                None => ChangeStatus::Added,
            },
            kind,
            old,
            new: Some(Content::Worktree(full)),
        });
    }
    let mut out = out.finish();
    out.files.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

/// The absolute path of `path` with its directory resolved (not the file itself: a symlink is an
/// entry of its own), and that path relative to the worktree `root`.
fn locate(path: &Path, root: &Path) -> Result<(PathBuf, PathBuf), ChangeError> {
    let full = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => canonical(dir)?.join(name),
        // `/` or a path ending in `..`: a directory, or nothing.
        _ => canonical(path)?,
    };
    match full.strip_prefix(root) {
        // Inside the git directory is not inside the worktree.
        Ok(relative) if relative.starts_with(".git") => Err(ChangeError::OutsideRepository {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
        }),
        Ok(relative) if !relative.as_os_str().is_empty() => {
            let relative = relative.to_path_buf();
            Ok((full, relative))
        }
        Ok(_) => Err(ChangeError::IsADirectory {
            path: path.to_path_buf(),
        }),
        Err(_) => Err(ChangeError::OutsideRepository {
            path: path.to_path_buf(),
            root: root.to_path_buf(),
        }),
    }
}

fn canonical(path: &Path) -> Result<PathBuf, ChangeError> {
    std::fs::canonicalize(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ChangeError::NoSuchFile {
            path: path.to_path_buf(),
        },
        _ => ChangeError::Io {
            path: path.to_path_buf(),
            source,
        },
    })
}
