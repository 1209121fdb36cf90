//! The whole tree: every tracked file at HEAD, each listed as added (no old side), for judging a
//! repository absolutely (`debtgate check --all`). An unborn HEAD has no files.

use gix::traverse::tree::Recorder;

use super::{changed_file, ChangeError, ChangeSet, ChangeStatus, Repo, Side, Source};

impl Repo {
    /// Every file, symlink and submodule in HEAD's tree, sorted by path.
    pub fn all(&self) -> Result<ChangeSet, ChangeError> {
        self.with_local(all)
    }
}

fn all(repo: &gix::Repository) -> Result<ChangeSet, ChangeError> {
    let mut head = repo.head().map_err(ChangeError::git("reading HEAD"))?;
    if head.is_unborn() {
        return Ok(ChangeSet::new(Source::All, None, None));
    }
    let commit = head
        .peel_to_commit()
        .map_err(ChangeError::git("reading HEAD's commit"))?;
    let tree = commit
        .tree()
        .map_err(ChangeError::git("reading HEAD's tree"))?;
    let mut recorder = Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(ChangeError::git("listing HEAD's tree"))?;

    let mut out = ChangeSet::new(Source::All, None, Some(commit.id.to_string()));
    out.files
        .extend(recorder.records.iter().filter_map(|entry| {
            let new = Side {
                path: entry.filepath.as_ref(),
                mode: entry.mode,
                id: entry.oid.as_ref(),
            };
            changed_file(ChangeStatus::Added, None, Some(new))
        }));
    Ok(out.finish())
}
