//! The staged change: HEAD's tree against the index, as `git diff --cached` shows it.
//!
//! The new side of every file is the blob recorded in the index, never the worktree file, so a
//! partially staged file is judged by exactly what `git commit` will record. The index is only
//! read: nothing is stashed, refreshed or written. An unborn HEAD diffs against the empty tree
//! (everything staged is added); a detached HEAD is just a commit.

use std::ops::ControlFlow;

use gix::bstr::BStr;
use gix::status::tree_index::TrackRenames;

use super::{changed_file, ChangeError, ChangeSet, ChangeStatus, Repo, Side, Source};

impl Repo {
    /// HEAD against the index (`GIT_INDEX_FILE` when set), renames followed.
    pub fn staged(&self) -> Result<ChangeSet, ChangeError> {
        self.with_local(staged)
    }
}

fn staged(repo: &gix::Repository) -> Result<ChangeSet, ChangeError> {
    if repo.workdir().is_none() {
        return Err(ChangeError::Bare {
            git_dir: repo.git_dir().to_path_buf(),
            what: "stage changes in; check a range with --base instead",
        });
    }
    let head = repo.head().map_err(ChangeError::git("reading HEAD"))?;
    let base = head.id().map(|id| id.to_string());
    let tree = repo
        .head_tree_id_or_empty()
        .map_err(ChangeError::git("reading HEAD's tree"))?;
    let index = repo
        .index_or_empty()
        .map_err(ChangeError::git("reading the index"))?;
    check_index(&index)?;

    // Our own pathspec: the default one gix builds matches only below the process's current
    // directory when run from a subdirectory, and the commit covers the whole repository.
    let mut everything = repo
        .pathspec(
            false,
            None::<&str>,
            false,
            &index,
            gix::worktree::stack::state::attributes::Source::IdMapping,
        )
        .map_err(ChangeError::git("preparing the index diff"))?;

    let mut out = ChangeSet::new(Source::Staged, base, None);
    repo.tree_index_status(
        &tree,
        &index,
        Some(&mut everything),
        TrackRenames::Given(gix::diff::Rewrites::default()),
        |change, _, _| {
            out.files.extend(convert(&change));
            Ok(ControlFlow::Continue(()))
        },
    )
    .map_err(ChangeError::git("comparing HEAD with the index"))?;
    Ok(out.finish())
}

/// Refuses an index the diff cannot represent faithfully, rather than silently skipping paths.
fn check_index(index: &gix::index::State) -> Result<(), ChangeError> {
    if index.is_sparse() {
        return Err(ChangeError::SparseIndex);
    }
    let mut unmerged: Vec<String> = index
        .entries()
        .iter()
        .filter(|e| e.stage() != gix::index::entry::Stage::Unconflicted)
        .map(|e| super::path_string(e.path(index)))
        .collect();
    unmerged.dedup();
    if unmerged.is_empty() {
        Ok(())
    } else {
        Err(ChangeError::Unmerged { paths: unmerged })
    }
}

fn convert(change: &gix::diff::index::ChangeRef<'_, '_>) -> Option<super::ChangedFile> {
    use gix::diff::index::ChangeRef;
    match change {
        ChangeRef::Addition {
            location,
            entry_mode,
            id,
            ..
        } => changed_file(ChangeStatus::Added, None, side(location, *entry_mode, id)),
        ChangeRef::Deletion {
            location,
            entry_mode,
            id,
            ..
        } => changed_file(ChangeStatus::Deleted, side(location, *entry_mode, id), None),
        ChangeRef::Modification {
            location,
            previous_entry_mode,
            previous_id,
            entry_mode,
            id,
            ..
        } => changed_file(
            ChangeStatus::Modified,
            side(location, *previous_entry_mode, previous_id),
            side(location, *entry_mode, id),
        ),
        ChangeRef::Rewrite {
            source_location,
            source_entry_mode,
            source_id,
            location,
            entry_mode,
            id,
            copy,
            ..
        } => changed_file(
            ChangeStatus::Renamed,
            // Copy tracking is off (Rewrites::default()); were it on, a copy keeps its source,
            // so the new path would simply be added.
            side(source_location, *source_entry_mode, source_id).filter(|_| !*copy),
            side(location, *entry_mode, id),
        ),
    }
}

fn side<'a>(path: &'a BStr, mode: gix::index::entry::Mode, id: &'a gix::oid) -> Option<Side<'a>> {
    Some(Side {
        path,
        // Index modes are tree modes plus flags; one a tree cannot hold is not a file.
        mode: mode.to_tree_entry_mode()?,
        id,
    })
}
