//! The plan: which sides of each changed file get measured. The one rule, used by every stage that
//! measures a change — `check` (which judges the plan), the daemon's job list (so it measures
//! exactly what the gate will ask for), the warm pass and the census of `init` — so none of them
//! decides it again.
//!
//! A file is measured when it is a regular file that still exists, the configuration does not
//! exclude its path and the path may name a supported language (by its extension or name, or, for a
//! file without an extension, by the interpreter line that reading it will find:
//! [`lang::may_be_source`]); otherwise it is set aside with the reason the report gives. Its new
//! side is always measured, through its path; its old side only when the policy mode compares with
//! the base (`new`, `ratchet`), through the path it had there. Nothing is read: the plan is cheap,
//! so callers may plan a whole tree before any work starts.

use std::path::Path;

use crate::change::{ChangeSet, ChangedFile, Content, EntryKind};
use crate::config::{PolicyMode, Settings};
use crate::lang;

/// One side of a file to measure: the content, and the path it is read through (which decides
/// the language and the store's key).
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub path: &'a str,
    pub content: &'a Content,
}

/// The sides of one changed file to measure.
#[derive(Debug, Clone, Copy)]
pub struct FilePlan<'a> {
    pub file: &'a ChangedFile,
    /// The new side, read through [`ChangedFile::path`].
    pub head: Side<'a>,
    /// The old side, read through the old path, when the mode compares with the base and there
    /// is one.
    pub base: Option<Side<'a>>,
}

/// A change's plan: the files to measure, in the change's order, and the files set aside.
#[derive(Debug, Clone, Default)]
pub struct Plan<'a> {
    pub files: Vec<FilePlan<'a>>,
    /// Files not measured at all, each with the reason.
    pub skipped: Vec<(&'a ChangedFile, &'static str)>,
}

/// Plans every file of `changes` under `settings` (its excludes and mode).
pub fn change<'a>(settings: &Settings, changes: &'a ChangeSet) -> Plan<'a> {
    let mut plan = Plan::default();
    for f in &changes.files {
        match file(settings, f) {
            Ok(p) => plan.files.push(p),
            Err(reason) => plan.skipped.push((f, reason)),
        }
    }
    plan
}

/// Which sides of `file` to measure under `settings`; why none otherwise.
pub fn file<'a>(settings: &Settings, file: &'a ChangedFile) -> Result<FilePlan<'a>, &'static str> {
    match file.kind {
        EntryKind::Symlink => return Err("symlink"),
        EntryKind::Submodule => return Err("submodule"),
        EntryKind::File => {}
    }
    let Some(new) = &file.new else {
        return Err("deleted");
    };
    if settings.is_excluded(&file.path) {
        return Err("excluded by the configuration");
    }
    if !lang::may_be_source(Path::new(&file.path)) {
        return Err(lang::UNSUPPORTED);
    }
    let base = file
        .old
        .as_ref()
        .filter(|_| compares(settings.mode))
        .map(|old| Side {
            path: file.old_path.as_deref().unwrap_or(&file.path),
            content: old,
        })
        // A base read through a path of no supported language measures nothing.
        .filter(|side| lang::may_be_source(Path::new(side.path)));
    Ok(FilePlan {
        file,
        head: Side {
            path: &file.path,
            content: new,
        },
        base,
    })
}

/// Whether `mode` judges a file against its base version.
pub fn compares(mode: PolicyMode) -> bool {
    matches!(mode, PolicyMode::New | PolicyMode::Ratchet)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{BlobId, ChangeStatus};

    fn changed(path: &str, old_path: Option<&str>, old: bool, new: bool) -> ChangedFile {
        let blob =
            |n: char| Content::Blob(BlobId::from_hex(&n.to_string().repeat(40)).expect("hex"));
        ChangedFile {
            path: path.into(),
            old_path: old_path.map(Into::into),
            status: ChangeStatus::Modified,
            kind: EntryKind::File,
            old: old.then(|| blob('1')),
            new: new.then(|| blob('2')),
        }
    }

    fn settings(mode: PolicyMode) -> Settings {
        let mut s = Settings::embedded();
        s.mode = mode;
        s
    }

    #[test]
    fn the_base_is_measured_only_when_the_mode_compares() {
        let f = changed("src/a.rs", None, true, true);
        for (mode, base) in [
            (PolicyMode::New, true),
            (PolicyMode::Ratchet, true),
            (PolicyMode::Absolute, false),
        ] {
            let plan = file(&settings(mode), &f).expect("planned");
            assert_eq!(plan.head.path, "src/a.rs");
            assert_eq!(plan.base.is_some(), base, "{mode}");
        }
    }

    #[test]
    fn a_renamed_base_is_read_through_its_old_path_and_only_in_a_language() {
        let s = settings(PolicyMode::New);
        let renamed = changed("src/b.rs", Some("src/a.rs"), true, true);
        assert_eq!(
            file(&s, &renamed).expect("planned").base.map(|b| b.path),
            Some("src/a.rs")
        );
        let from_text = changed("src/b.rs", Some("notes.txt"), true, true);
        assert!(file(&s, &from_text).expect("planned").base.is_none());
    }

    #[test]
    fn files_that_cannot_be_judged_say_why() {
        let s = settings(PolicyMode::New);
        assert_eq!(
            file(&s, &changed("a.rs", None, true, false)).err(),
            Some("deleted")
        );
        assert_eq!(
            file(&s, &changed("a.txt", None, true, true)).err(),
            Some("unsupported language")
        );
        let mut link = changed("a.rs", None, false, true);
        link.kind = EntryKind::Symlink;
        assert_eq!(file(&s, &link).err(), Some("symlink"));
        link.kind = EntryKind::Submodule;
        assert_eq!(file(&s, &link).err(), Some("submodule"));
    }
}
