//! Writing a baseline from the findings of `check --all` (every function at HEAD, judged
//! absolutely), and pruning one against them.
//!
//! - [`from_report`]: today's findings, each with its function's identity and value (unsuppressed
//!   ones of every threshold rule and the grade; a `suppression` finding is about a comment, not
//!   debt).
//! - [`prune`]: an existing baseline against today: an entry whose finding is gone (the function
//!   is within its level now, suppressed in the code, or deleted) is removed; one whose value
//!   improved is lowered to today's value, so known debt cannot grow back; entries of files git
//!   saw renamed since the baseline's commit move to the new path. Prune never adds an entry.

use std::collections::{HashMap, HashSet};

use super::{Baseline, Entry};
use crate::report::Report;
use crate::rules::{Finding, GRADE_RULE, SUPPRESSION_RULE};

/// How a new baseline differs from the one it replaces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub removed: usize,
    /// Entries whose value went down (the function improved but is still above its level).
    pub tightened: usize,
    /// Entries that moved with a renamed file.
    pub moved: usize,
    pub kept: usize,
}

/// Why entries were removed by [`prune`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    /// The function (or file) is gone at HEAD.
    pub deleted: usize,
    /// The function is still there, within its level or suppressed in the code.
    pub improved: usize,
}

/// The baseline of `report`'s findings (a `check --all` at `report.head`).
pub fn from_report(report: &Report, origin: &str) -> Baseline {
    let occurrences = Occurrences::of(report);
    let entries = report
        .findings
        .iter()
        .filter(|f| !f.suppressed && f.rule != SUPPRESSION_RULE)
        .filter_map(|f| occurrences.entry(f))
        .collect();
    Baseline::new(report.head.clone(), entries, origin)
}

/// `old` against `report` (a `check --all` at HEAD). `renames` maps paths in the baseline's
/// commit to paths at HEAD.
pub fn prune(
    old: &Baseline,
    report: &Report,
    renames: &HashMap<String, String>,
) -> (Baseline, Changes, Removed) {
    let today: HashMap<&str, &Finding> = report
        .findings
        .iter()
        .filter(|f| !f.suppressed && f.rule != SUPPRESSION_RULE)
        .map(|f| (f.fingerprint.as_str(), f))
        .collect();
    let functions: HashSet<(&str, &str)> = report
        .files
        .iter()
        .flat_map(|file| {
            file.metrics
                .functions
                .iter()
                .map(move |f| (file.path.as_str(), f.qualified_name.as_str()))
        })
        .collect();
    let files: HashSet<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    let (mut changes, mut removed) = (Changes::default(), Removed::default());
    let mut entries = Vec::new();
    for e in old.entries() {
        let path = renames.get(&e.path).unwrap_or(&e.path);
        let mut entry = Entry::new(path, e.function.as_deref(), e.occurrence, &e.rule, e.value);
        let Some(now) = today.get(entry.fingerprint.as_str()) else {
            let still_there = match &entry.function {
                Some(name) => functions.contains(&(path.as_str(), name.as_str())),
                None => files.contains(path.as_str()),
            };
            if still_there {
                removed.improved += 1;
            } else {
                removed.deleted += 1;
            }
            continue;
        };
        changes.moved += usize::from(*path != e.path);
        if better(&entry.rule, now.value, entry.value) {
            entry.value = now.value;
            changes.tightened += 1;
        } else {
            changes.kept += 1;
        }
        entries.push(entry);
    }
    changes.removed = removed.deleted + removed.improved;
    (
        Baseline::new(report.head.clone(), entries, &old.origin),
        changes,
        removed,
    )
}

/// How `new` differs from `old` (paths as they are at HEAD in both).
pub fn compare(old: &Baseline, new: &Baseline) -> Changes {
    let mut changes = Changes::default();
    for e in new.entries() {
        match old.get(&e.fingerprint) {
            None => changes.added += 1,
            Some(was) if better(&e.rule, e.value, was.value) => changes.tightened += 1,
            Some(_) => changes.kept += 1,
        }
    }
    changes.removed = old
        .entries()
        .iter()
        .filter(|e| new.get(&e.fingerprint).is_none())
        .count();
    changes
}

/// Whether `value` is better than `was` for `rule` (a grade's score is better when higher).
fn better(rule: &str, value: f64, was: f64) -> bool {
    if rule == GRADE_RULE {
        value > was
    } else {
        value < was
    }
}

/// Which occurrence among equal qualified names each function of the report is, by (path,
/// name, start line): the policy numbers them the same way, in file order.
struct Occurrences<'a>(HashMap<(&'a str, &'a str, usize), usize>);

impl<'a> Occurrences<'a> {
    fn of(report: &'a Report) -> Self {
        let mut map = HashMap::new();
        for file in &report.files {
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for f in &file.metrics.functions {
                let nth = seen.entry(f.qualified_name.as_str()).or_insert(0);
                map.insert(
                    (file.path.as_str(), f.qualified_name.as_str(), f.start_line),
                    *nth,
                );
                *nth += 1;
            }
        }
        Occurrences(map)
    }

    /// The entry for one finding; `None` for a function the report does not list (it always
    /// does for a finding of `check --all`).
    fn entry(&self, f: &Finding) -> Option<Entry> {
        let occurrence = match &f.function {
            Some(name) => *self.0.get(&(f.path.as_str(), name.as_str(), f.line))?,
            None => 0,
        };
        let entry = Entry::new(&f.path, f.function.as_deref(), occurrence, &f.rule, f.value);
        // The policy's fingerprint and the baseline's identity are one formula.
        (entry.fingerprint == f.fingerprint).then_some(entry)
    }
}
