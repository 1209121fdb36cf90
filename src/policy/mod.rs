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

pub mod suppress;

use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use crate::analysis::marks::Marks;
use crate::analysis::{FileMetrics, FunctionMetrics, Grade};
use crate::config::{PolicyMode, Settings};
use crate::rules::{fingerprint, Finding, Metric, Severity, GRADE_RULE, SUPPRESSION_RULE};

/// One file to judge: its head measurements, its base measurements when it existed before.
pub struct Subject<'a> {
    pub path: &'a str,
    pub head: &'a FileMetrics,
    pub base: Option<&'a FileMetrics>,
    /// The head side's suppression comments ([`Marks::scan`] of its text); kept with the
    /// metrics in the store, so judging needs no read of the file.
    pub marks: &'a Marks,
}

/// What judging one file produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Functions the mode put under judgement.
    pub judged: usize,
}

pub fn judge(settings: &Settings, subject: &Subject, today: Date) -> Outcome {
    let mut out = Outcome::default();
    let pairs = pair_functions(&subject.head.functions, subject.base);
    // Per file, not per function: matching the overrides' globs is most of the policy's cost.
    let mut applied_to_file: Option<Vec<crate::config::Applied>> = None;
    let mut suppressions_for_file = None;
    for (f, (nth, before)) in subject.head.functions.iter().zip(pairs) {
        let key = (f.qualified_name.as_str(), nth);
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
                .push(invalid_suppression(subject.path, f, s, key.1));
        }
        for metric in Metric::ALL {
            let value = metric.value(f);
            let base_value = before.map(|b| metric.value(b));
            if settings.mode == PolicyMode::Ratchet && base_value.is_some_and(|b| value <= b) {
                continue; // not worse than before: old debt, not this change's
            }
            let applied = &applied_to_file
                .get_or_insert_with(|| settings.thresholds_for(subject.path))[metric.index()];
            let Some(severity) = applied.level.check(value) else {
                continue;
            };
            let threshold = applied.level.threshold(severity).unwrap_or_default();
            let rule = metric.name();
            out.findings.push(Finding {
                rule: rule.to_string(),
                level: severity,
                path: subject.path.to_string(),
                line: f.start_line,
                function: Some(f.qualified_name.clone()),
                value,
                threshold,
                base_value,
                fingerprint: fingerprint(&[
                    subject.path,
                    &f.qualified_name,
                    &key.1.to_string(),
                    rule,
                ]),
                message: message(metric, value, threshold, base_value, &applied.source),
                suppressed: suppressions.iter().any(|s| s.covers(rule)),
            });
        }
    }
    if let Some(f) = grade_finding(settings, subject) {
        out.findings.push(f);
    }
    out
}

/// For each head function, its occurrence among functions of the same qualified name, and its
/// base version: the base function of the same qualified name and occurrence; failing that, an
/// otherwise unpaired base function with the same tokens. The fallback keeps a function whose code
/// did not change from counting as new when only its qualifier did: a renamed class (a Java file
/// rename renames its class), namespace or receiver type.
fn pair_functions<'a>(
    head: &'a [FunctionMetrics],
    base: Option<&'a FileMetrics>,
) -> Vec<(usize, Option<&'a FunctionMetrics>)> {
    let by_name = base.map(index_functions).unwrap_or_default();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut pairs: Vec<(usize, Option<&FunctionMetrics>)> = head
        .iter()
        .map(|f| {
            let nth = seen.entry(f.qualified_name.as_str()).or_insert(0);
            let key = (f.qualified_name.as_str(), *nth);
            *nth += 1;
            (key.1, by_name.get(&key).copied())
        })
        .collect();
    if pairs.iter().all(|(_, b)| b.is_some()) {
        return pairs;
    }
    let paired: HashSet<*const FunctionMetrics> = pairs
        .iter()
        .filter_map(|(_, b)| b.map(std::ptr::from_ref))
        .collect();
    // Reversed, so that `pop` hands out equal bodies in file order.
    let mut unpaired: HashMap<u64, Vec<&FunctionMetrics>> = HashMap::new();
    for b in base
        .map(|b| b.functions.as_slice())
        .unwrap_or_default()
        .iter()
        .rev()
    {
        if !paired.contains(&std::ptr::from_ref(b)) {
            unpaired.entry(b.body_hash).or_default().push(b);
        }
    }
    for ((_, before), f) in pairs.iter_mut().zip(head) {
        if before.is_none() {
            *before = unpaired.get_mut(&f.body_hash).and_then(|v| v.pop());
        }
    }
    pairs
}

/// Base functions by (qualified name, occurrence).
fn index_functions(m: &FileMetrics) -> HashMap<(&str, usize), &FunctionMetrics> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    m.functions
        .iter()
        .map(|f| {
            let nth = seen.entry(f.qualified_name.as_str()).or_insert(0);
            let key = (f.qualified_name.as_str(), *nth);
            *nth += 1;
            (key, f)
        })
        .collect()
}

fn message(metric: Metric, value: f64, threshold: f64, base: Option<f64>, source: &str) -> String {
    let mut m = format!(
        "{} is {value} (allowed {threshold}, from {source})",
        metric.name()
    );
    if let Some(b) = base {
        m.push_str(&format!("; was {b}"));
    }
    m
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
    }
}

/// The file's grade against the minimum. Outside `absolute` mode a file is flagged only when its
/// grade also dropped (or it is new): a change is not blamed for the grade it inherited.
fn grade_finding(settings: &Settings, subject: &Subject) -> Option<Finding> {
    let applied = settings.min_grade_applied(subject.path);
    let grade = subject.head.grade;
    let dropped = subject.base.is_none_or(|b| grade < b.grade);
    if settings.mode != PolicyMode::Absolute && !dropped {
        return None;
    }
    let level = applied.level.check(grade)?;
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
    Some(Finding {
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
    })
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
                head: &h,
                base: Some(&b),
                marks: &Marks::scan(head.as_bytes()),
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
