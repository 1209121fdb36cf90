//! What `debtgate init` and `debtgate thresholds suggest` print: per metric the current and the
//! proposed levels with how many functions each flags at HEAD, where each proposed level came
//! from, and the distribution as a histogram — or the same as a `debtgate.thresholds/1` JSON
//! document.

use std::fmt::Write as _;

use anstyle::Style;
use serde_json::{json, Value};

use super::histogram::{self, Marker};
use super::propose::{Flags, GradeProposal, MetricProposal, DEBT_SHARE};
use super::write::{explain, functions_line, grade_counts, grades_line, thousands};
use super::Outcome;
use crate::config::{GradeLevel, Level};
use crate::rules::Severity;

const BOLD: Style = Style::new().bold();

/// The JSON document's schema id.
pub const SCHEMA: &str = "debtgate.thresholds/1";

/// The terminal view; `now` names the current levels (`now`, or `default` for init).
pub fn human(o: &Outcome, now: &'static str, histograms: bool) -> String {
    let mut out = String::new();
    let short = &o.census.head[..o.census.head.len().min(12)];
    let _ = writeln!(
        out,
        "{BOLD}debtgate thresholds{BOLD:#}: {} functions in {} files at HEAD ({short}); {} not analysed",
        thousands(o.census.functions()),
        thousands(o.census.files.len()),
        files(o.census.not_analysed),
    );
    let m = &o.proposal.mode;
    let _ = writeln!(
        out,
        "mode: {}{}: {} of {} functions ({:.1} %) are above the built-in fail levels; ratchet from {} %",
        if m.current == m.proposed {
            format!("{} kept", m.current)
        } else {
            format!("{} → {}", m.current, m.proposed)
        },
        if m.chosen { " (--mode)" } else { "" },
        thousands(m.over_default_fail),
        thousands(m.functions),
        100.0 * m.share(),
        100.0 * DEBT_SHARE,
    );
    for p in &o.proposal.metrics {
        let i = p.metric.index();
        out.push('\n');
        metric(&mut out, p, now, (o.flags_now.0[i], o.flags_proposed.0[i]));
        if histograms {
            out.push_str(&histogram::render(
                p.metric,
                &p.distribution.values,
                &markers(p.current, p.proposed(), now),
            ));
        }
    }
    out.push('\n');
    grade(
        &mut out,
        &o.proposal.grade,
        now,
        (o.flags_now.1, o.flags_proposed.1),
    );
    out
}

fn metric(out: &mut String, p: &MetricProposal, now: &str, flags: (Flags, Flags)) {
    let _ = writeln!(
        out,
        "{BOLD}{:<14}{BOLD:#} {:>6} {:>6}   flags at HEAD (warn / fail)",
        p.metric.name(),
        "warn",
        "fail"
    );
    let show = |t: Option<f64>| t.map_or_else(|| "never".to_owned(), |t| t.to_string());
    for (label, level, f) in [
        (now, p.current, flags.0),
        ("proposed", p.proposed(), flags.1),
    ] {
        let _ = writeln!(
            out,
            "  {label:<12} {:>6} {:>6}   {} / {}",
            show(level.warn),
            show(level.fail),
            thousands(f.warn),
            thousands(f.fail)
        );
    }
    if let Some(line) = functions_line(&p.distribution) {
        let suppressed = match p.suppressed {
            0 => String::new(),
            n => format!("; {n} suppressed, not counted"),
        };
        let _ = writeln!(out, "  {line}{suppressed}");
    }

    let _ = writeln!(
        out,
        "  warn {}\n  fail {}",
        explain(&p.warn),
        explain(&p.fail)
    );
}

fn markers(now: Level, proposed: Level, now_label: &'static str) -> Vec<Marker> {
    let mut out = Vec::new();
    for (level, whose) in [(now, now_label), (proposed, "proposed")] {
        for (severity, t) in [(Severity::Warn, level.warn), (Severity::Fail, level.fail)] {
            if let Some(t) = t {
                out.push(Marker {
                    value: t as u32,
                    severity,
                    whose,
                });
            }
        }
    }
    // Stable: by value, then as pushed (now before proposed, warn before fail).
    out.sort_by_key(|m| m.value);
    out
}

fn grade(out: &mut String, g: &GradeProposal, now: &str, flags: (Flags, Flags)) {
    let _ = writeln!(
        out,
        "{BOLD}{:<14}{BOLD:#} {:>6} {:>6}   files flagged at HEAD (warn / fail)",
        "min_grade", "warn", "fail"
    );
    let show = |l: GradeLevel| {
        let s =
            |g: Option<crate::analysis::Grade>| g.map_or_else(|| "never".into(), |g| g.to_string());
        (s(l.warn), s(l.fail))
    };
    for (label, level, f) in [
        (now, g.current, flags.0),
        ("proposed", g.proposed(), flags.1),
    ] {
        let (w, fl) = show(level);
        let _ = writeln!(
            out,
            "  {label:<12} {w:>6} {fl:>6}   {} / {}",
            thousands(f.warn),
            thousands(f.fail)
        );
    }
    if !g.grades.is_empty() {
        let _ = writeln!(out, "  {}", grades_line(g));
    }
    let _ = writeln!(
        out,
        "  warn {}\n  fail {}",
        explain(&g.warn),
        explain(&g.fail)
    );
}

/// The `debtgate.thresholds/1` document.
pub fn json(o: &Outcome) -> Value {
    let m = &o.proposal.mode;
    let metrics: Vec<Value> = o
        .proposal
        .metrics
        .iter()
        .map(|p| {
            metric_json(
                p,
                o.flags_now.0[p.metric.index()],
                o.flags_proposed.0[p.metric.index()],
            )
        })
        .collect();
    let g = &o.proposal.grade;
    let grade_level = |l: GradeLevel, f: Flags| json!({"warn": l.warn.map(|g| g.to_string()), "fail": l.fail.map(|g| g.to_string()), "flags": f});
    let derived = |d: &super::propose::Derived<crate::analysis::Grade>| {
        json!({"level": d.level.map(|g| g.to_string()), "from": d.from,
               "at": d.at.map(|g| g.to_string()), "adjust": d.adjust})
    };
    json!({
        "schema": SCHEMA,
        "tool": {"name": "debtgate", "version": env!("CARGO_PKG_VERSION")},
        "head": o.census.head,
        "files": o.census.files.len(),
        "functions": o.census.functions(),
        "not_analysed": o.census.not_analysed,
        "mode": {
            "current": m.current, "proposed": m.proposed, "chosen": m.chosen,
            "over_default_fail": m.over_default_fail, "share": m.share(),
            "ratchet_from_share": DEBT_SHARE,
            "above_ceiling": m.above_ceiling.iter().map(|m| m.name()).collect::<Vec<_>>(),
        },
        "metrics": metrics,
        "min_grade": {
            "files": g.grades.len(),
            "grades": grade_counts(&g.grades),
            "worst_at": g.worst_at,
            "current": grade_level(g.current, o.flags_now.1),
            "proposed": grade_level(g.proposed(), o.flags_proposed.1),
            "warn": derived(&g.warn),
            "fail": derived(&g.fail),
        },
    })
}

fn metric_json(p: &MetricProposal, now: Flags, proposed: Flags) -> Value {
    let d = &p.distribution;
    let whole = |t: Option<f64>| t.map(|t| t as u32);
    let level =
        |l: Level, f: Flags| json!({"warn": whole(l.warn), "fail": whole(l.fail), "flags": f});
    json!({
        "metric": p.metric.name(),
        "functions": d.values.len(),
        "suppressed": p.suppressed,
        "percentiles": {
            "p50": d.percentile(50.0), "p90": d.percentile(90.0), "p95": d.percentile(95.0),
            "p99": d.percentile(99.0), "worst": d.worst(),
        },
        "worst_at": d.worst_at,
        "current": level(p.current, now),
        "proposed": level(p.proposed(), proposed),
        "warn": p.warn,
        "fail": p.fail,
        "histogram": histogram::buckets(p.metric, &d.values, &markers(p.current, p.proposed(), "now")),
    })
}

/// `1 file`, `93 files`.
fn files(n: usize) -> String {
    match n {
        1 => "1 file".to_owned(),
        n => format!("{} files", thousands(n)),
    }
}
