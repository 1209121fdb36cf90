//! The staged change: HEAD's tree against the index, as `git diff --cached` shows it.
//!
//! The new side of every file is the blob recorded in the index, never the worktree file, so a
//! partially staged file is judged by exactly what `git commit` will record. The index is only
//! read: nothing is stashed, refreshed or written. An unborn HEAD diffs against the empty tree
//! (everything staged is added); a detached HEAD is just a commit.

use std::ops::ControlFlow;
use std::path::Path;

use gix::bstr::BStr;

use super::head_side::{sides, Sides};
use super::{changed_file, ChangeError, ChangeSet, ChangeStatus, ChangedFile, Repo, Side, Source};

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
    let index = read_index(repo)?;
    check_index(&index)?;
    let sides = sides(repo, &tree, &index)?;

    let mut out = ChangeSet::new(Source::Staged, base, None);
    // Rename tracking needs something deleted and something added; most commits have neither,
    // and setting it up (attributes, diff drivers) is then wasted. Without it the same changes
    // come out, only in another order, which `finish` sorts away.
    let plain = diff(repo, &sides, false)?;
    let has = |status| plain.iter().any(|f: &ChangedFile| f.status == status);
    out.files = if has(ChangeStatus::Added) && has(ChangeStatus::Deleted) {
        diff(repo, &sides, true)?
    } else {
        plain
    };
    Ok(out.finish())
}

/// The index (`GIT_INDEX_FILE` when set), or an empty one when there is none. Its trailing
/// checksum is not verified, as git does not verify it on every read either: hashing a large index
/// is a measurable part of a pre-commit check. A truncated or malformed index still fails to decode.
fn read_index(repo: &gix::Repository) -> Result<gix::index::File, ChangeError> {
    gix::index::File::at_or_default(
        repo.index_path(),
        repo.object_hash(),
        true,
        gix::index::decode::Options::default(),
    )
    .map_err(ChangeError::git("reading the index"))
}

/// HEAD's entries against the index's, with or without rename tracking (`Rewrites::default()`,
/// what `git diff --cached` does by default).
fn diff(
    repo: &gix::Repository,
    sides: &Sides,
    renames: bool,
) -> Result<Vec<ChangedFile>, ChangeError> {
    // No patterns: the whole repository, wherever in it debtgate runs (the commit covers it all).
    let mut everything = gix::pathspec::Search::from_specs(None, None, Path::new(""))
        .map_err(ChangeError::git("preparing the index diff"))?;
    let mut cache = if renames {
        Some(
            repo.diff_resource_cache_for_tree_diff()
                .map_err(ChangeError::git("preparing rename detection"))?,
        )
    } else {
        None
    };
    let rewrites = cache
        .as_mut()
        .map(|resource_cache| gix::diff::index::RewriteOptions {
            resource_cache,
            find: repo,
            rewrites: gix::diff::Rewrites::default(),
        });
    let mut files = Vec::new();
    gix::diff::index(
        &sides.head,
        &sides.index,
        |change| {
            files.extend(convert(&change));
            Ok(ControlFlow::Continue(()))
        },
        rewrites,
        &mut everything,
        &mut |_, _, _, _| false,
    )
    .map_err(ChangeError::git("comparing HEAD with the index"))?;
    Ok(files)
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

#[cfg(test)]
mod tests {
    use gix::status::tree_index::TrackRenames;

    use super::super::head_side::tests::{git, repo, stage_odd_entries, write};
    use super::*;

    /// What gix's own `tree_index_status` (HEAD's whole tree made into an index) gives.
    fn full_tree_diff(repo: &gix::Repository) -> Vec<ChangedFile> {
        let tree = repo.head_tree_id_or_empty().expect("HEAD's tree");
        let index = repo.index_or_empty().expect("the index");
        let mut out = ChangeSet::new(Source::Staged, None, None);
        repo.tree_index_status(
            &tree,
            &index,
            None,
            TrackRenames::Given(gix::diff::Rewrites::default()),
            |change, _, _| {
                out.files.extend(convert(&change));
                Ok(ControlFlow::Continue(()))
            },
        )
        .expect("the full diff");
        out.finish().files
    }

    #[test]
    fn the_staged_change_is_what_the_full_tree_diff_gives() {
        let dir = repo();
        let root = dir.path();
        // A rename with an edit, an exact rename, a deletion, a removed directory, a mode change,
        // a new symlink, a gitlink, an intent-to-add file and a file replaced by a directory.
        git(root, &["mv", "a/x/f0.rs", "c/z/moved.rs"]);
        write(root, "c/z/moved.rs", "fn f0() {} // ax\nfn more() {}\n");
        git(root, &["add", "c/z/moved.rs"]);
        git(root, &["mv", "a/y/f1.rs", "b/renamed.rs"]);
        git(root, &["rm", "-q", "a/z/f2.rs"]);
        stage_odd_entries(root);

        let repo = gix::open(root).expect("opens");
        let fast = staged(&repo).expect("the staged change").files;
        assert_eq!(fast, full_tree_diff(&repo));
        let renamed = fast
            .iter()
            .filter(|f| f.status == ChangeStatus::Renamed)
            .count();
        assert_eq!(renamed, 2, "{fast:#?}");
        assert!(fast.iter().any(|f| f.status == ChangeStatus::Deleted));

        // Only modifications and additions: the pass without rename tracking is the answer.
        git(root, &["reset", "-q", "--hard"]);
        write(root, "b/y/f1.rs", "fn edited() {}\n");
        write(root, "b/y/new.rs", "fn new() {}\n");
        git(root, &["add", "-A"]);
        let fast = staged(&repo).expect("the staged change").files;
        assert_eq!(fast, full_tree_diff(&repo));
        assert_eq!(fast.len(), 2);
    }
}
