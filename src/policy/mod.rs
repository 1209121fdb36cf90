//! Policy: the settings applied to measured files. Measurements in, [`Finding`]s out.
//!
//! Functions are matched between base and head by qualified name (and order among equal names),
//! never by line number, so moving code does not make it new. Which functions are judged depends
//! on the mode:
//!
//! - `new`: functions that are added or whose code changed (their token hash differs: re-indenting
//!   or editing comments is not a change). Old debt in untouched functions is not the author's.
//! - `ratchet`: like `new`, but a changed function is flagged only when a metric got worse than in
//!   the base version; a new function must meet the thresholds.
//! - `absolute`: every function in the changed files.
//!
//! A value above a threshold is flagged (`fail: 20` allows 20). Suppressions in code are honoured
//! as the path's `suppressions` key says (see `suppress.rs`); one that does not count there
//! suppresses nothing and is reported.

mod pair;
mod ratchet;
pub mod suppress;

use std::collections::HashSet;

use jiff::civil::Date;

use crate::analysis::marks::Marks;
use crate::analysis::{FileMetrics, FunctionMetrics, Grade};
use crate::baseline::lookup::Lookup;
use crate::config::{PolicyMode, Settings};
use crate::rules::{fingerprint, Finding, Metric, Reason, Severity, GRADE_RULE, SUPPRESSION_RULE};

pub(crate) use pair::pair_functions;
pub(crate) use ratchet::flag;

/// One file to judge: its head measurements, its base measurements when it existed before.
pub struct Subject<'a> {
    pub path: &'a str,
    /// The path of the base side when the change renamed the file.
    pub old_path: Option<&'a str>,
    pub head: &'a FileMetrics,
    pub base: Option<&'a FileMetrics>,
    /// The head side's suppression comments ([`Marks::scan`] of its text); kept with the
    /// metrics in the store, so judging needs no read of the file.
    pub marks: &'a Marks,
    /// Known debt (`crate::baseline`), when the run has a baseline.
    pub baseline: Option<&'a Lookup<'a>>,
}

impl Subject<'_> {
    /// The paths the file's baseline entries may be under: its own, then the one before this
    /// change renamed it.
    fn paths(&self) -> Vec<&str> {
        std::iter::once(self.path).chain(self.old_path).collect()
    }
}

/// What judging one file produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Functions the mode put under judgement.
    pub judged: usize,
    /// Baseline entries of this file that no longer match a finding: their function is within
    /// the level now, or was deleted (`debtgate baseline --prune` removes them).
    pub stale: usize,
}

pub fn judge(settings: &Settings, subject: &Subject, today: Date) -> Outcome {
    let mut out = Outcome::default();
    let pairs = pair::pair_functions(&subject.head.functions, subject.base);
    let paths = subject.paths();
    let tolerance = settings.ratchet;
    // Per file, not per function: matching the overrides' globs is most of the policy's cost.
    let mut applied_to_file: Option<Vec<crate::config::Applied>> = None;
    let mut suppressions_for_file = None;
    for (f, (nth, before)) in subject.head.functions.iter().zip(&pairs) {
        let changed = before.is_none_or(|b| b.body_hash != f.body_hash);
        if settings.mode != PolicyMode::Absolute && !changed {
            continue;
        }
        out.judged += 1;
        let found = suppress::in_marks(subject.marks, f.start_line, today);
        let suppressions = suppress::under(
            found,
            suppressions_for_file.get_or_insert_with(|| settings.suppressions_for(subject.path)),
        );
        for s in suppressions.iter().filter(|s| s.problem.is_some()) {
            out.findings
                .push(invalid_suppression(subject.path, f, s, *nth));
        }
        for metric in Metric::ALL {
            let value = metric.value(f);
            let base_value = before.map(|b| metric.value(b));
            let applied = &applied_to_file
                .get_or_insert_with(|| settings.thresholds_for(subject.path))[metric.index()];
            let rule = metric.name();
            let known = subject
                .baseline
                .and_then(|b| b.entry(&paths, Some(&f.qualified_name), *nth, rule));
            if known.is_some() && applied.level.check(value).is_none() {
                out.stale += 1;
            }
            let Some(flagged) = ratchet::flag(
                settings.mode,
                metric,
                &applied.level,
                value,
                base_value,
                tolerance,
            ) else {
                continue;
            };
            let threshold = applied.level.threshold(flagged.0).unwrap_or_default();
            let mut finding = Finding {
                rule: rule.to_string(),
                level: flagged.0,
                path: subject.path.to_string(),
                line: f.start_line,
                function: Some(f.qualified_name.clone()),
                value,
                threshold,
                base_value,
                fingerprint: fingerprint(&[
                    subject.path,
                    &f.qualified_name,
                    &nth.to_string(),
                    rule,
                ]),
                message: ratchet::message(
                    metric,
                    (value, base_value),
                    flagged,
                    (threshold, &applied.source),
                    tolerance,
                ),
                suppressed: suppressions.iter().any(|s| s.covers(rule)),
                reason: Some(flagged.1),
                baseline: false,
            };
            if let Some(entry) = known {
                mark_known(&mut finding, entry, tolerance);
            }
            out.findings.push(finding);
        }
    }
    if let Some(lookup) = subject.baseline {
        out.stale += deleted_entries(lookup, subject, &paths, &pairs);
    }
    if let Some(f) = grade_finding(settings, subject, &paths, &mut out.stale) {
        out.findings.push(f);
    }
    out
}

/// A finding the baseline lists is known debt while its value is no worse than the entry's.
fn mark_known(
    finding: &mut Finding,
    entry: &crate::baseline::Entry,
    tolerance: crate::config::RatchetSettings,
) {
    finding.baseline = entry.covers(finding.value, tolerance);
    let was = entry.value;
    finding.message.push_str(&if finding.baseline {
        format!("; known debt: in the baseline at {was}")
    } else {
        format!("; worse than the baseline's {was}")
    });
}

/// Baseline entries of base functions that have no version at head: deleted (or renamed beyond
/// recognition) by the change.
fn deleted_entries(
    lookup: &Lookup,
    subject: &Subject,
    paths: &[&str],
    pairs: &[(usize, Option<&FunctionMetrics>)],
) -> usize {
    let Some(base) = subject.base else {
        return 0;
    };
    let kept: HashSet<*const FunctionMetrics> = pairs
        .iter()
        .filter_map(|(_, b)| b.map(std::ptr::from_ref))
        .collect();
    let mut seen = std::collections::HashMap::<&str, usize>::new();
    let mut stale = 0;
    for b in &base.functions {
        let nth = seen.entry(b.qualified_name.as_str()).or_insert(0);
        let occurrence = *nth;
        *nth += 1;
        if kept.contains(&std::ptr::from_ref(b)) {
            continue;
        }
        stale += Metric::ALL
            .iter()
            .filter(|m| {
                lookup
                    .entry(paths, Some(&b.qualified_name), occurrence, m.name())
                    .is_some()
            })
            .count();
    }
    stale
}

fn invalid_suppression(
    path: &str,
    f: &FunctionMetrics,
    s: &suppress::Suppression,
    nth: usize,
) -> Finding {
    let problem = s.problem.as_deref().unwrap_or_default();
    Finding {
        rule: SUPPRESSION_RULE.to_string(),
        level: Severity::Warn,
        path: path.to_string(),
        line: s.line,
        function: Some(f.qualified_name.clone()),
        value: 0.0,
        threshold: 0.0,
        base_value: None,
        fingerprint: fingerprint(&[path, &f.qualified_name, &nth.to_string(), SUPPRESSION_RULE]),
        message: format!("suppression does not apply: it {problem}"),
        suppressed: false,
        reason: None,
        baseline: false,
    }
}

/// The file's grade against the minimum. Outside `absolute` mode a file is flagged only when its
/// grade also dropped (or it is new): a change is not blamed for the grade it inherited.
fn grade_finding(
    settings: &Settings,
    subject: &Subject,
    paths: &[&str],
    stale: &mut usize,
) -> Option<Finding> {
    let applied = settings.min_grade_applied(subject.path);
    let grade = subject.head.grade;
    let known = subject
        .baseline
        .and_then(|b| b.entry(paths, None, 0, GRADE_RULE));
    let level = applied.level.check(grade);
    if known.is_some() && level.is_none() {
        *stale += 1;
    }
    let dropped = subject.base.is_none_or(|b| grade < b.grade);
    let reason = match (settings.mode, subject.base) {
        (PolicyMode::Absolute, _) => Reason::Absolute,
        (_, None) => Reason::New,
        _ if dropped => Reason::Worse,
        _ => return None,
    };
    let level = level?;
    let min = match level {
        Severity::Fail => applied.level.fail,
        Severity::Warn => applied.level.warn,
    }?;
    let base_value = subject.base.map(|b| b.score);
    let mut message = format!(
        "file grade {grade} ({}) is below {min} (from {})",
        subject.head.score, applied.source
    );
    if let Some(b) = subject.base {
        message.push_str(&format!("; was {} ({})", b.grade, b.score));
    }
    let mut finding = Finding {
        rule: GRADE_RULE.to_string(),
        level,
        path: subject.path.to_string(),
        line: 1,
        function: None,
        value: subject.head.score,
        threshold: Grade::min_score(min),
        base_value,
        fingerprint: fingerprint(&[subject.path, GRADE_RULE]),
        message,
        suppressed: false,
        reason: Some(reason),
        baseline: false,
    };
    if let Some(entry) = known {
        mark_known(&mut finding, entry, settings.ratchet);
    }
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;
    use crate::lang::Language;

    /// A Java method with `branches` decisions (cyclomatic `branches + 1`).
    fn method(name: &str, branches: usize) -> String {
        let mut m = format!("    int {name}(int a) {{\n        int n = 0;\n");
        for i in 0..branches {
            m.push_str(&format!("        if (a == {i}) {{ n += {i}; }}\n"));
        }
        m.push_str("        return n;\n    }\n");
        m
    }

    fn judged_functions(base: &str, head: &str) -> Vec<String> {
        let mut analyzer = Analyzer::new();
        let (b, h) = (
            analyzer.analyze(base.as_bytes(), Language::Java),
            analyzer.analyze(head.as_bytes(), Language::Java),
        );
        let today = Date::constant(2026, 1, 1);
        let outcome = judge(
            &Settings::embedded(),
            &Subject {
                path: "src/Thing.java",
                old_path: None,
                head: &h,
                base: Some(&b),
                marks: &Marks::scan(head.as_bytes()),
                baseline: None,
            },
            today,
        );
        let mut names: Vec<String> = outcome
            .findings
            .into_iter()
            .filter(|f| f.rule == "cyclomatic")
            .filter_map(|f| f.function)
            .collect();
        names.dedup();
        names
    }

    #[test]
    fn a_function_keeps_its_history_when_only_its_class_is_renamed() {
        let base = format!("class Old {{\n{}}}\n", method("pick", 40));
        let head = format!(
            "class New {{\n{}{}}}\n",
            method("pick", 40),
            method("fresh", 40)
        );
        assert_eq!(judged_functions(&base, &head), ["New.fresh"]);
    }

    #[test]
    fn a_renamed_class_with_an_edited_method_is_judged() {
        let base = format!("class Old {{\n{}}}\n", method("pick", 40));
        let head = format!("class New {{\n{}}}\n", method("pick", 41));
        assert_eq!(judged_functions(&base, &head), ["New.pick"]);
    }

    #[test]
    fn one_unchanged_base_function_vouches_for_one_head_function() {
        let base = format!("class Old {{\n{}}}\n", method("pick", 40));
        let head = format!(
            "class A {{\n{}}}\nclass B {{\n{}}}\n",
            method("pick", 40),
            method("pick", 40)
        );
        assert_eq!(judged_functions(&base, &head), ["B.pick"]);
    }
}
