//! The range change: from the merge-base of base and head to head, as `git diff base...head`
//! shows it — what a branch or a push adds on top of where it forked, whatever happened on the
//! base branch since. Renames are followed with git's default similarity (50 %).
//!
//! A base that cannot be found, or that shares no history with head, is an error that says why
//! and how to fix it; it is never an empty change set (a silent pass). Shallow clones are named
//! as the likely cause, because merge-base traversal stops at their boundary.

use super::repo::peel_commit;
use super::{changed_file, ChangeError, ChangeSet, ChangeStatus, Repo, Side, Source};

impl Repo {
    /// `merge-base(base, head)` against `head`. Either may be any revision git accepts.
    pub fn range(&self, base: &str, head: &str) -> Result<ChangeSet, ChangeError> {
        self.with_local(|repo| range(repo, base, head))
    }
}

fn range(repo: &gix::Repository, base: &str, head: &str) -> Result<ChangeSet, ChangeError> {
    let base_commit = peel_commit(repo, base)?;
    let head_commit = peel_commit(repo, head)?;
    let no_merge_base = || {
        let (base, base_id) = (base.to_string(), base_commit.id.to_string());
        let (head, head_id) = (head.to_string(), head_commit.id.to_string());
        if repo.is_shallow().unwrap_or(false) {
            ChangeError::ShallowNoMergeBase {
                base,
                base_id,
                head,
                head_id,
            }
        } else {
            ChangeError::NoMergeBase {
                base,
                base_id,
                head,
                head_id,
            }
        }
    };
    let merge_base = match repo.merge_base(base_commit.id, head_commit.id) {
        Ok(Some(id)) => id.detach(),
        Ok(None) => return Err(no_merge_base()),
        // A parent missing from the object database: history cut short, as in a shallow clone.
        Err(e) if e.is_not_found() => return Err(no_merge_base()),
        Err(e) => {
            return Err(ChangeError::git(format!(
                "finding the merge-base of `{base}` and `{head}`"
            ))(e))
        }
    };

    let old_tree = repo
        .find_commit(merge_base)
        .and_then(|c| c.tree())
        .map_err(ChangeError::git(format!(
            "reading the tree of {merge_base}"
        )))?;
    let new_tree = head_commit
        .tree()
        .map_err(ChangeError::git(format!("reading the tree of `{head}`")))?;
    // Options::default() turns rename tracking off (STACK pitfall 4): ask for it explicitly.
    let options = gix::diff::Options::default().with_rewrites(Some(gix::diff::Rewrites::default()));
    let changes = repo
        .diff_tree_to_tree(&old_tree, &new_tree, options)
        .map_err(ChangeError::git(format!(
            "comparing {merge_base} with `{head}`"
        )))?;

    let mut out = ChangeSet::new(
        Source::Range,
        Some(merge_base.to_string()),
        Some(head_commit.id.to_string()),
    );
    out.base_tip = Some(base_commit.id.to_string());
    out.files.extend(changes.iter().filter_map(convert));
    Ok(out.finish())
}

/// One tree-diff entry as a changed file. The tree diff names both sides of every entry through
/// its accessors (the source of a deletion is the deleted entry), so only the status is matched.
pub(super) fn convert(
    change: &gix::object::tree::diff::ChangeDetached,
) -> Option<super::ChangedFile> {
    use gix::object::tree::diff::ChangeDetached as C;
    let old = side(change.source_location(), change.source_entry_mode_and_id());
    let new = side(change.location(), change.entry_mode_and_id());
    match change {
        C::Addition { .. } => changed_file(ChangeStatus::Added, None, new),
        C::Deletion { .. } => changed_file(ChangeStatus::Deleted, old, None),
        C::Modification { .. } => changed_file(ChangeStatus::Modified, old, new),
        // Copy tracking is off; were it on, a copy keeps its source and is just added.
        C::Rewrite { copy, .. } => changed_file(ChangeStatus::Renamed, old.filter(|_| !*copy), new),
    }
}

fn side<'a>(
    path: &'a gix::bstr::BStr,
    (mode, id): (gix::objs::tree::EntryMode, &'a gix::oid),
) -> Option<Side<'a>> {
    Some(Side { path, mode, id })
}
