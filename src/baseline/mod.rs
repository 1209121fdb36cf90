//! The baseline: known debt, written down once so that a gate can be switched on over old code.
//!
//! `.debtgate-baseline.json` at the repository root lists the findings of the day it was written
//! (`debtgate baseline`): per finding the function's identity — path, qualified name, occurrence
//! among equal names, rule — its fingerprint (the finding's, which never contains a line number,
//! so a function that moves within its file keeps it) and the value it had. A later finding with
//! the same identity and a value no worse is reported as `baseline` and does not fail the gate;
//! a worse one fails as usual. An entry whose function improved below its level or was deleted is
//! stale, and `debtgate baseline --prune` removes it (and lowers the value of one that improved
//! but is still above its level), so the file only ever shrinks unless regenerated on purpose.
//!
//! A renamed file keeps its entries: the policy looks a finding up under the path before the
//! change's own rename, and under the path git's rename detection finds between the commit the
//! baseline was written at (`commit`) and the head ([`lookup`]). In a range the file comes from
//! the base revision, like the policy: a change cannot add its own debt to the list that judges
//! it.
//!
//! The file is sorted and has one entry per line, so a regeneration reviews as a diff of the
//! entries it adds and removes. Stages: this file (the format), `lookup.rs` (what the policy
//! asks), `build.rs` (writing and pruning from a `check --all`), `commands/baseline.rs` (the
//! command).

pub mod build;
pub mod lookup;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::change::{ChangeError, Repo};
use crate::rules::{fingerprint, GRADE_RULE};

/// The file's name at the repository root.
pub const FILE_NAME: &str = ".debtgate-baseline.json";
/// The schema id of the file; bump it on any incompatible change.
pub const SCHEMA: &str = "debtgate.baseline/1";

/// One known finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Repository-relative, `/`-separated, as the commit the baseline was written at has it.
    pub path: String,
    /// The qualified name; absent for a file's grade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Among functions of this qualified name in the file, which one (0 is the first).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub occurrence: usize,
    pub rule: String,
    /// The value when it was written: a metric's count, or a grade finding's score.
    #[serde(serialize_with = "whole_when_whole")]
    pub value: f64,
    /// The finding's fingerprint (as in the report), from path, function, occurrence and rule.
    pub fingerprint: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `40`, not `40.0`: metric values are counts.
fn whole_when_whole<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

impl Entry {
    /// An entry for a finding of `rule` on function `function` (its `occurrence`) in `path`.
    pub fn new(
        path: &str,
        function: Option<&str>,
        occurrence: usize,
        rule: &str,
        value: f64,
    ) -> Entry {
        Entry {
            path: path.to_owned(),
            function: function.map(str::to_owned),
            occurrence,
            rule: rule.to_owned(),
            value,
            fingerprint: identity(path, function, occurrence, rule),
        }
    }

    /// Whether `value` is no worse than the entry's (a grade's score is worse when lower).
    pub fn covers(&self, value: f64, tolerances: crate::config::RatchetSettings) -> bool {
        if self.rule == GRADE_RULE {
            return value >= self.value;
        }
        match self.rule.parse::<crate::rules::Metric>() {
            Ok(metric) => !tolerances.grew(metric, value, self.value),
            Err(_) => value <= self.value,
        }
    }

    fn key(&self) -> (&str, Option<&str>, usize, &str) {
        (
            &self.path,
            self.function.as_deref(),
            self.occurrence,
            &self.rule,
        )
    }
}

/// The fingerprint a finding has (`crate::policy` computes it the same way).
pub fn identity(path: &str, function: Option<&str>, occurrence: usize, rule: &str) -> String {
    match function {
        Some(f) => fingerprint(&[path, f, &occurrence.to_string(), rule]),
        None => fingerprint(&[path, rule]),
    }
}

/// Where a check takes its baseline from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Choice {
    /// `.debtgate-baseline.json` at the repository root; in a range, the base revision's.
    #[default]
    Discover,
    /// `--baseline PATH`.
    File(PathBuf),
    /// `--no-baseline`.
    Off,
}

/// The baseline of a check: `choice`'s, or the repository's — from the revision `base_rev` when
/// given (a range judged by its base's policy), else from the worktree. `Ok(None)` when there is
/// none.
pub fn for_check(
    repo: &Repo,
    choice: &Choice,
    base_rev: Option<&str>,
) -> Result<Option<Baseline>, BaselineError> {
    match choice {
        Choice::Off => Ok(None),
        Choice::File(path) => match Baseline::read(path)? {
            Some(b) => Ok(Some(b)),
            None => Err(BaselineError::Read {
                origin: path.display().to_string(),
                source: std::io::ErrorKind::NotFound.into(),
            }),
        },
        Choice::Discover => match base_rev {
            Some(rev) => {
                let origin = format!("{rev}:{FILE_NAME}");
                let bytes = repo
                    .file_at(rev, FILE_NAME)
                    .map_err(|e| BaselineError::Git {
                        origin: origin.clone(),
                        source: Box::new(e),
                    })?;
                bytes.map(|b| Baseline::parse(&b, &origin)).transpose()
            }
            None => Baseline::read(&repo.root().join(FILE_NAME)),
        },
    }
}

/// The file as written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    schema: String,
    #[serde(default)]
    commit: Option<String>,
    entries: Vec<Entry>,
}

/// A baseline, loaded and indexed.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// The commit it was written at (HEAD then), from which renames are followed.
    pub commit: Option<String>,
    /// Where it was read from, for messages: a path, or `REV:PATH`.
    pub origin: String,
    entries: Vec<Entry>,
    by_fingerprint: HashMap<String, usize>,
    /// Paths with entries per (function, rule): a finding without an entry under its own path
    /// looks for a rename only when another path has one.
    by_name: HashMap<(Option<String>, String), Vec<String>>,
}

/// Why a baseline file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{origin}: cannot read: {source}")]
    Read {
        origin: String,
        source: std::io::Error,
    },
    #[error("{origin}:{line}:{column}: not a debtgate baseline: {message}")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: cannot read: {source}")]
    Git {
        origin: String,
        source: Box<ChangeError>,
    },
    #[error(
        "{origin}: schema `{found}` is not `{SCHEMA}`; regenerate it with `debtgate baseline`"
    )]
    Schema { origin: String, found: String },
    #[error(
        "{origin}: entry {index} ({path} {rule}): its fingerprint does not match its path, \
         function, occurrence and rule (edited by hand?); regenerate it with `debtgate baseline`"
    )]
    Fingerprint {
        origin: String,
        index: usize,
        path: String,
        rule: String,
    },
}

impl Baseline {
    /// A baseline of `entries` (sorted here) written at `commit`.
    pub fn new(commit: Option<String>, mut entries: Vec<Entry>, origin: &str) -> Baseline {
        entries.sort_by(|a, b| a.key().cmp(&b.key()));
        entries.dedup_by(|a, b| a.key() == b.key());
        let mut by_fingerprint = HashMap::with_capacity(entries.len());
        let mut by_name: HashMap<(Option<String>, String), Vec<String>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_fingerprint.insert(e.fingerprint.clone(), i);
            by_name
                .entry((e.function.clone(), e.rule.clone()))
                .or_default()
                .push(e.path.clone());
        }
        Baseline {
            commit,
            origin: origin.to_owned(),
            entries,
            by_fingerprint,
            by_name,
        }
    }

    /// Parses the text of a baseline file read from `origin`.
    pub fn parse(text: &[u8], origin: &str) -> Result<Baseline, BaselineError> {
        let file: File = serde_json::from_slice(text).map_err(|e| BaselineError::Json {
            origin: origin.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        if file.schema != SCHEMA {
            return Err(BaselineError::Schema {
                origin: origin.to_owned(),
                found: file.schema,
            });
        }
        for (index, e) in file.entries.iter().enumerate() {
            let expected = identity(&e.path, e.function.as_deref(), e.occurrence, &e.rule);
            if e.fingerprint != expected {
                return Err(BaselineError::Fingerprint {
                    origin: origin.to_owned(),
                    index,
                    path: e.path.clone(),
                    rule: e.rule.clone(),
                });
            }
        }
        Ok(Baseline::new(file.commit, file.entries, origin))
    }

    /// Reads `path`; `Ok(None)` when there is no such file.
    pub fn read(path: &Path) -> Result<Option<Baseline>, BaselineError> {
        let origin = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => Baseline::parse(&bytes, &origin).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(BaselineError::Read { origin, source }),
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with this fingerprint.
    pub fn get(&self, fingerprint: &str) -> Option<&Entry> {
        self.by_fingerprint
            .get(fingerprint)
            .map(|i| &self.entries[*i])
    }

    /// Whether some path other than `paths` has an entry for `function` and `rule` (then a
    /// rename may explain why `paths` have none).
    pub fn elsewhere(&self, function: Option<&str>, rule: &str, paths: &[&str]) -> bool {
        self.by_name
            .get(&(function.map(str::to_owned), rule.to_owned()))
            .is_some_and(|at| at.iter().any(|p| !paths.contains(&p.as_str())))
    }

    /// The file's text: sorted, one entry per line, a final newline.
    pub fn to_text(&self) -> String {
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"schema\": {},", json_string(SCHEMA));
        if let Some(c) = &self.commit {
            let _ = writeln!(out, "  \"commit\": {},", json_string(c));
        }
        out.push_str("  \"entries\": [");
        for (i, e) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(e).expect("an entry serializes"));
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Baseline {
        Baseline::new(
            Some("abc".into()),
            vec![
                Entry::new("src/b.c", Some("g"), 0, "length", 320.0),
                Entry::new("src/a.c", Some("f"), 1, "cyclomatic", 41.0),
                Entry::new("src/a.c", None, 0, GRADE_RULE, 48.5),
            ],
            "test",
        )
    }

    #[test]
    fn the_file_is_sorted_one_entry_per_line_and_reads_back() {
        let text = sample().to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "  \"schema\": \"debtgate.baseline/1\",");
        assert!(lines[4].starts_with(r#"    {"path":"src/a.c","rule":"grade","value":48.5,"#));
        assert!(
            lines[5].starts_with(
                r#"    {"path":"src/a.c","function":"f","occurrence":1,"rule":"cyclomatic","value":41,"#
            ),
            "{text}"
        );
        assert!(lines[6].starts_with(r#"    {"path":"src/b.c","function":"g","rule":"length""#));
        let again = Baseline::parse(text.as_bytes(), "t").expect("reads back");
        assert_eq!(again.entries(), sample().entries());
        assert_eq!(again.commit.as_deref(), Some("abc"));
        assert_eq!(again.to_text(), text);
        let empty = Baseline::new(None, vec![], "t").to_text();
        assert!(Baseline::parse(empty.as_bytes(), "t")
            .expect("empty")
            .is_empty());
    }

    #[test]
    fn bad_files_are_clear_errors() {
        let err = |text: &str| {
            Baseline::parse(text.as_bytes(), "b.json")
                .unwrap_err()
                .to_string()
        };
        assert!(
            err("{").starts_with("b.json:1:1: not a debtgate baseline"),
            "{}",
            err("{")
        );
        assert!(err(r#"{"schema":"x/2","entries":[]}"#).contains("schema `x/2`"));
        let edited = sample()
            .to_text()
            .replace("\"value\":41", "\"value\":41,\"x\":1");
        assert!(
            err(&edited).contains("unknown field `x`"),
            "{}",
            err(&edited)
        );
        let moved = sample()
            .to_text()
            .replacen("\"path\":\"src/b.c\"", "\"path\":\"src/c.c\"", 1);
        assert!(
            err(&moved).contains("fingerprint does not match"),
            "{}",
            err(&moved)
        );
    }

    #[test]
    fn values_no_worse_are_covered() {
        use crate::config::{RatchetSettings, Tolerance};
        let tol = RatchetSettings {
            length_tolerance: Tolerance::Percent(10),
            ..RatchetSettings::STRICT
        };
        let cyc = Entry::new("a", Some("f"), 0, "cyclomatic", 41.0);
        assert!(cyc.covers(41.0, tol) && cyc.covers(30.0, tol) && !cyc.covers(42.0, tol));
        // With a cyclomatic tolerance the entry covers as the ratchet forgives: 41 + 3.
        let tolerant = RatchetSettings {
            cyclomatic_tolerance: Tolerance::Lines(3),
            ..tol
        };
        assert!(cyc.covers(44.0, tolerant) && !cyc.covers(45.0, tolerant));
        let len = Entry::new("a", Some("f"), 0, "length", 320.0);
        assert!(len.covers(352.0, tol) && !len.covers(353.0, tol));
        let grade = Entry::new("a", None, 0, GRADE_RULE, 48.5);
        assert!(grade.covers(50.0, tol) && !grade.covers(48.0, tol));
    }
}
