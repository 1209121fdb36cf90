//! What the policy asks the baseline: the entry of a finding, under the finding's path, the path
//! before the change's own rename, or — only when some other path has an entry for the same
//! function and rule — the path git's rename detection finds for it between the baseline's commit
//! and the head. That last diff is computed at most once per run, and only when needed, so a
//! baseline costs a hash lookup per finding in the common case.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{identity, Baseline, Entry};
use crate::change::{ChangeError, ChangeStatus, Repo};

/// Renames from the baseline's commit to the head: new path → path in the baseline's commit.
type Renames = HashMap<String, String>;

/// A baseline as one run of the policy consults it (shared by every worker).
pub struct Lookup<'a> {
    baseline: &'a Baseline,
    renames: OnceLock<Renames>,
    find_renames: Box<dyn Fn() -> Renames + Send + Sync + 'a>,
}

impl<'a> Lookup<'a> {
    /// A lookup that follows renames between the baseline's commit and `head` in `repo`.
    pub fn new(baseline: &'a Baseline, repo: &'a Repo, head: Option<String>) -> Lookup<'a> {
        let find = move || match (&baseline.commit, &head) {
            (Some(commit), Some(head)) if commit != head => renames_since(repo, commit, head),
            _ => Renames::new(),
        };
        Lookup::with_renames(baseline, find)
    }

    /// A lookup whose renames come from `find` (called at most once, when first needed).
    pub fn with_renames(
        baseline: &'a Baseline,
        find: impl Fn() -> Renames + Send + Sync + 'a,
    ) -> Lookup<'a> {
        Lookup {
            baseline,
            renames: OnceLock::new(),
            find_renames: Box::new(find),
        }
    }

    pub fn baseline(&self) -> &Baseline {
        self.baseline
    }

    /// The entry for a finding of `rule` on `function` (its `occurrence`) in a file known as
    /// `paths` (its path, then the path before this change renamed it).
    pub fn entry(
        &self,
        paths: &[&str],
        function: Option<&str>,
        occurrence: usize,
        rule: &str,
    ) -> Option<&'a Entry> {
        let find = |path: &str| {
            self.baseline
                .get(&identity(path, function, occurrence, rule))
        };
        if let Some(e) = paths.iter().find_map(|p| find(p)) {
            return Some(e);
        }
        if !self.baseline.elsewhere(function, rule, paths) {
            return None;
        }
        let renames = self.renames.get_or_init(|| (self.find_renames)());
        paths
            .iter()
            .filter_map(|p| renames.get(*p))
            .find_map(|old| find(old))
    }
}

/// The renames git detects from `commit` to `head`; none when either cannot be read (history
/// rewritten since the baseline was written): its entries then only match under their own paths,
/// and a finding that matches none fails, which is the safe side.
fn renames_since(repo: &Repo, commit: &str, head: &str) -> Renames {
    renamed(repo, commit, head)
        .unwrap_or_default()
        .into_iter()
        .map(|(old, new)| (new, old))
        .collect()
}

/// `(old path, new path)` of every rename git detects from `commit` to `head`.
pub fn renamed(
    repo: &Repo,
    commit: &str,
    head: &str,
) -> Result<Vec<(String, String)>, ChangeError> {
    Ok(repo
        .range(commit, head)?
        .files
        .into_iter()
        .filter(|f| f.status == ChangeStatus::Renamed)
        .filter_map(|f| Some((f.old_path?, f.path)))
        .collect())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn renames_are_looked_for_once_and_only_when_another_path_has_an_entry() {
        let baseline = Baseline::new(
            None,
            vec![Entry::new("old/a.c", Some("f"), 0, "cyclomatic", 40.0)],
            "t",
        );
        let calls = AtomicUsize::new(0);
        let lookup = Lookup::with_renames(&baseline, || {
            calls.fetch_add(1, Ordering::Relaxed);
            Renames::from([("new/a.c".to_string(), "old/a.c".to_string())])
        });
        assert!(lookup
            .entry(&["old/a.c"], Some("f"), 0, "cyclomatic")
            .is_some());
        assert!(lookup.entry(&["x.c"], Some("g"), 0, "cyclomatic").is_none());
        assert_eq!(
            calls.load(Ordering::Relaxed),
            0,
            "no candidate elsewhere: no diff"
        );
        let found = lookup.entry(&["new/a.c"], Some("f"), 0, "cyclomatic");
        assert_eq!(found.map(|e| e.path.as_str()), Some("old/a.c"));
        assert!(lookup
            .entry(&["other.c"], Some("f"), 0, "cyclomatic")
            .is_none());
        assert!(lookup
            .entry(&["new/a.c"], Some("f"), 1, "cyclomatic")
            .is_none());
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }
}
