//! The proposal as a file: the settings it makes (for counting what they flag) and the commented
//! `.debtgate.yaml` that `debtgate init` writes.
//!
//! The file is `config/default.yaml` with three of its paragraphs — `mode`, `thresholds`,
//! `min_grade` — and its header replaced by measured ones; every other paragraph (exclude,
//! overrides, max_file_size, budget, on_budget_exceeded and their comments) is kept word for word, so defaults still live in
//! one place. The text is read back through the config loader before anyone sees it: it must give
//! exactly the proposed settings.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::propose::{
    Adjust, Derived, Distribution, Flags, GradeProposal, MetricProposal, Proposal, DEBT_SHARE,
    RATCHET_TOLERANCES,
};
use crate::analysis::Grade;
use crate::config::{ConfigError, ConfigOrigin, PolicyMode, Settings, DEFAULT_YAML};

/// How the proposed settings name themselves in sources.
const PROPOSED: &str = "proposed";

/// `current` with the proposal's mode, top-level thresholds and `min_grade`.
pub fn proposed_settings(current: &Settings, p: &Proposal) -> Result<Settings, ConfigError> {
    let mut raw = current.to_raw();
    raw.mode = Some(p.mode.proposed);
    if p.mode.proposed == PolicyMode::Ratchet {
        let r = raw.ratchet.get_or_insert_with(Default::default);
        r.cyclomatic_tolerance = Some(RATCHET_TOLERANCES.0);
        r.cognitive_tolerance = Some(RATCHET_TOLERANCES.1);
    }
    let thresholds = raw.thresholds.get_or_insert_with(Default::default);
    for m in &p.metrics {
        let level = thresholds.0.entry(m.metric).or_default();
        level.warn = m.warn.level;
        level.fail = m.fail.level;
    }
    let grade = raw.min_grade.get_or_insert_with(Default::default);
    grade.warn = p.grade.warn.level;
    grade.fail = p.grade.fail.level;
    let text = serde_yaml::to_string(&raw).expect("settings serialize (maps, lists, numbers)");
    Settings::from_yaml(&text, ConfigOrigin::File(PathBuf::from(PROPOSED)))
}

/// What the written file reports besides the proposal.
pub struct Facts<'a> {
    pub head: &'a str,
    pub files: usize,
    /// Per metric `(warn, fail)` flagged at HEAD under the proposal, and for the grade.
    pub flags: &'a ([Flags; 5], Flags),
}

/// The commented `.debtgate.yaml` for `p`, over the built-in default's other paragraphs.
pub fn starter(p: &Proposal, facts: &Facts) -> String {
    let mut out = String::new();
    for (key, paragraph) in paragraphs(DEFAULT_YAML) {
        let text = match key {
            None => header(p, facts),
            Some("mode") => mode(p),
            Some("thresholds") => thresholds(p, facts),
            Some("min_grade") => min_grade(&p.grade, facts.flags.1),
            Some("ratchet") if p.mode.proposed == PolicyMode::Ratchet => ratchet_paragraph(),
            Some(_) => paragraph.to_owned(),
        };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&text);
    }
    out
}

/// The blank-line-separated paragraphs of a YAML text, each with its top-level key (`None` for
/// a paragraph of comments only). Each ends with a newline.
pub(crate) fn paragraphs(text: &str) -> Vec<(Option<&str>, String)> {
    let mut out: Vec<(Option<&str>, String)> = Vec::new();
    let mut current: Option<(Option<&str>, String)> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        let entry = current.get_or_insert((None, String::new()));
        if entry.0.is_none() && !line.starts_with(['#', ' ']) {
            entry.0 = line.split(':').next();
        }
        entry.1.push_str(line);
        entry.1.push('\n');
    }
    out.extend(current);
    out
}

fn header(p: &Proposal, facts: &Facts) -> String {
    let short = &facts.head[..facts.head.len().min(12)];
    format!(
        "# debtgate policy (.debtgate.yaml at the repository root), written by `debtgate init` from\n\
         # this repository's own code: {} functions in {} files at HEAD ({short}).\n\
         #\n\
         # Each threshold says which percentile of today's functions it came from: pNN is the value\n\
         # that NN % of the functions measured are at or below (nearest rank), `worst` the highest.\n\
         # No level is below the built-in default's warn level. How levels are chosen: docs/config.md,\n\
         # \"Thresholds that fit the repository\". `debtgate thresholds suggest` measures again and\n\
         # proposes tighter levels as the code improves; `debtgate config validate` checks this file.\n\
         # Every key is optional: a key left out keeps the built-in default (`debtgate config show`).\n",
        thousands(p.mode.functions),
        thousands(facts.files),
    )
}

fn mode(p: &Proposal) -> String {
    let m = &p.mode;
    let share = format!(
        "{} of {} functions ({:.1} %) are above the built-in fail levels",
        thousands(m.over_default_fail),
        thousands(m.functions),
        100.0 * m.share()
    );
    let limit = 100.0 * DEBT_SHARE;
    let why = if m.chosen {
        format!("# {}: chosen with --mode;\n# {share}.", m.proposed)
    } else if m.debt_heavy() {
        format!(
            "# ratchet: {share},\n\
             # at least {limit} %: much existing debt. Old functions may stay as they are but not\n\
             # get worse; new ones must meet the thresholds."
        )
    } else if !m.above_ceiling.is_empty() {
        let names: Vec<&str> = m.above_ceiling.iter().map(|m| m.name()).collect();
        let why = format!(
            "under the {limit} % from which ratchet is proposed for its debt, but today's worst {} \
             is above the ceiling new code is held to (1.3 times the built-in fail level). Under \
             `new` a change touching that function would fail until it is brought under it; under \
             `ratchet` at the same levels it may stay as it is but not grow.",
            names.join(", ")
        );
        format!("# {}: {share},\n{}", m.proposed, comment(&why))
    } else {
        format!(
            "# {}: {share},\n# under the {limit} % from which ratchet is proposed.",
            m.proposed
        )
    };
    format!(
        "# Which functions of a change are judged:\n\
         #   new       only functions the change adds or whose body it touches\n\
         #   ratchet   a touched function may not get worse than before; a new one must meet the thresholds\n\
         #   absolute  every function in the changed files\n\
         {why}\n\
         mode: {}\n",
        m.proposed
    )
}

/// `text` as YAML comment lines of at most 100 columns, broken between words.
fn comment(text: &str) -> String {
    let mut lines = vec![String::from("#")];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if line.len() > 1 && line.len() + 1 + word.len() > 100 {
            lines.push(format!("# {word}"));
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    lines.join("\n")
}

/// The default's `ratchet` paragraph with init's complexity tolerances, and why.
fn ratchet_paragraph() -> String {
    let (cyclomatic, cognitive) = RATCHET_TOLERANCES;
    let length = Settings::embedded().ratchet.length_tolerance;
    format!(
        "# How `ratchet` judges a touched function that was already above a level: it is flagged again\n\
         # when it grows by more than its metric's tolerance (a number, or a percentage of its old value\n\
         # such as 10%). Any increase of max_nesting or params flags it. A function that crosses a\n\
         # level for the first time is flagged as in `new`. On an old repository a fix to one of its\n\
         # giant functions adds a guard or two: {cyclomatic} decision points and {cognitive} of its cognitive\n\
         # complexity pass; a new feature's branching (more than that) fails (docs/adoption.md).\n\
         ratchet:\n  length_tolerance: {length}\n  cyclomatic_tolerance: {cyclomatic}\n  cognitive_tolerance: {cognitive}\n"
    )
}

fn thresholds(p: &Proposal, facts: &Facts) -> String {
    let mut out = String::from(
        "# A value ABOVE a threshold reaches it: `fail: 30` lets 30 pass and fails 31; a level left\n\
         # out means \"never\". Per metric: today's distribution over the functions these levels\n\
         # govern (not those an override below sets the metric for), then where each level came\n\
         # from and how many functions it flags at HEAD (`debtgate check --all` counts the same).\n\
         thresholds:\n",
    );
    for m in &p.metrics {
        let flags = facts.flags.0[m.metric.index()];
        out.push_str(&metric_comment(m, flags));
        let _ = writeln!(
            out,
            "  {}: {}",
            m.metric,
            pair(
                m.warn.level.map(|l| l.to_string()),
                m.fail.level.map(|l| l.to_string())
            )
        );
    }
    out
}

fn metric_comment(m: &MetricProposal, flags: Flags) -> String {
    let d = &m.distribution;
    let mut out = String::new();
    let Some(line) = functions_line(d) else {
        let _ = writeln!(
            out,
            "  # {}: no functions measured; the levels are kept.",
            m.metric
        );
        return out;
    };
    let _ = writeln!(out, "  # {}, {line}", m.metric);
    let _ = writeln!(
        out,
        "  #   warn {}; flags {}.\n  #   fail {}; flags {}.",
        explain(&m.warn),
        count(flags.warn),
        explain(&m.fail),
        count(flags.fail),
    );
    out
}

/// `40: p99 (37) rounded up`, `15: the floor (p99 is 9)`, `none: …`.
pub fn explain<T: std::fmt::Display + Copy + PartialOrd>(d: &Derived<T>) -> String {
    let level = d.level.map_or_else(|| "none".to_owned(), |l| l.to_string());
    let at = d.at.map_or_else(String::new, |a| a.to_string());
    let from = if d.from == "worst" {
        "the worst today".to_owned()
    } else {
        format!("{} ({at})", d.from)
    };
    let how = match d.adjust {
        Adjust::Exact => from,
        Adjust::RoundedUp => format!("{from}, rounded up"),
        Adjust::Floor => format!("the default's warn level ({} is {at})", d.from),
        Adjust::DefaultFail => format!("the default's fail level ({} is {at})", d.from),
        Adjust::Dropped => format!("at or above fail ({} is {at})", d.from),
        Adjust::Kept => "kept, nothing measured".to_owned(),
        // A percentile under the ceiling whose friendly rounding would pass it (redis's p99
        // cyclomatic 37 would round to 40): rounded up as far as the ceiling.
        Adjust::Capped if d.at.zip(d.level).is_some_and(|(a, l)| a <= l) => {
            format!("{from}, rounded up to the ceiling, 1.3 times the default's fail level")
        }
        Adjust::Capped => format!(
            "the ceiling, 1.3 times the default's fail level ({} is {at})",
            d.from
        ),
    };
    format!("{level}: {how}")
}

fn min_grade(g: &GradeProposal, flags: Flags) -> String {
    let mut out = String::from(
        "# The minimum TDG grade (A+ best, F worst) of a file the change touches: below `warn` warns,\n\
         # below `fail` fails. Percentiles count files from the best grade down.\n",
    );
    if g.grades.is_empty() {
        out.push_str("# No files measured; the levels are kept.\n");
    } else {
        let _ = writeln!(out, "# {}", grades_line(g));
        let _ = writeln!(
            out,
            "#   warn {}; flags {}.\n#   fail {}; flags {}.",
            explain(&g.warn),
            count(flags.warn),
            explain(&g.fail),
            count(flags.fail)
        );
    }
    let show = |l: Option<Grade>| l.map(|g| g.to_string());
    let _ = writeln!(
        out,
        "min_grade: {}",
        pair(show(g.warn.level), show(g.fail.level))
    );
    out
}

/// `9,615 functions: p50 2, p90 9, p95 14, p99 31, worst 120 (src/x.c:10 f)`: one metric's
/// distribution in one line; `None` when nothing was measured.
pub fn functions_line(d: &Distribution) -> Option<String> {
    let worst = d.worst()?;
    let at = |p| d.percentile(p).unwrap_or_default();
    Some(format!(
        "{} functions: p50 {}, p90 {}, p95 {}, p99 {}, worst {worst} ({})",
        thousands(d.values.len()),
        at(50.0),
        at(90.0),
        at(95.0),
        at(99.0),
        d.worst_at.as_deref().unwrap_or("?"),
    ))
}

/// `639 files: A+ 583, A 52, F 4; worst src/x.c`: the grades measured, in one line.
pub fn grades_line(g: &GradeProposal) -> String {
    format!(
        "{} files: {}; worst {}",
        thousands(g.grades.len()),
        grade_counts(&g.grades),
        g.worst_at.as_deref().unwrap_or("?")
    )
}

/// `A+ 583, A 52, F 4`: each grade present, best first.
pub fn grade_counts(grades: &[Grade]) -> String {
    let mut parts: Vec<(Grade, usize)> = Vec::new();
    for g in grades {
        match parts.last_mut() {
            Some((last, n)) if last == g => *n += 1,
            _ => parts.push((*g, 1)),
        }
    }
    let parts: Vec<String> = parts.iter().map(|(g, n)| format!("{g} {n}")).collect();
    parts.join(", ")
}

/// `{ warn: 15, fail: 30 }`, `{ fail: 30 }`, `{}`.
fn pair(warn: Option<String>, fail: Option<String>) -> String {
    let parts: Vec<String> = [("warn", warn), ("fail", fail)]
        .into_iter()
        .filter_map(|(k, v)| Some(format!("{k}: {}", v?)))
        .collect();
    if parts.is_empty() {
        "{}".to_owned()
    } else {
        format!("{{ {} }}", parts.join(", "))
    }
}

fn count(n: usize) -> String {
    match n {
        0 => "none".to_owned(),
        n => thousands(n),
    }
}

/// `9615` → `9,615`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Reads `text` back through the config loader and checks it gives `expected`'s settings.
pub fn check_round_trip(text: &str, expected: &Settings) -> Result<Settings, String> {
    let read = Settings::from_yaml(text, ConfigOrigin::File(PathBuf::from(".debtgate.yaml")))
        .map_err(|e| format!("the written file does not load: {e}"))?;
    if read.to_raw() != expected.to_raw() {
        return Err("the written file does not give the proposed settings".to_owned());
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_splits_into_the_paragraphs_init_replaces_and_keeps() {
        let keys: Vec<Option<&str>> = paragraphs(DEFAULT_YAML).iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                None,
                Some("version"),
                Some("mode"),
                Some("ratchet"),
                Some("thresholds"),
                Some("min_grade"),
                Some("exclude"),
                Some("overrides"),
                Some("suppressions"),
                Some("max_file_size"),
                Some("budget"),
                Some("on_budget_exceeded"),
                Some("store"),
                Some("allow_skip_in_ci")
            ]
        );
        let joined: Vec<String> = paragraphs(DEFAULT_YAML)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(joined.join("\n"), DEFAULT_YAML);
    }

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(9615), "9,615");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn pairs_leave_out_never() {
        assert_eq!(
            pair(Some("1".into()), Some("2".into())),
            "{ warn: 1, fail: 2 }"
        );
        assert_eq!(pair(None, Some("2".into())), "{ fail: 2 }");
        assert_eq!(pair(None, None), "{}");
    }
}
