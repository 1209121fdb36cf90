//! `--format human`: the verdict, the worst offenders first (files with the most failing, then
//! warning findings), then the rest; what was not analysed is counted by reason, with every path
//! only when asked ([`Detail::Full`], `--verbose`; the JSON report always lists them), so a
//! whole-tree check of a big repository stays a page, not a thousand lines of "unsupported
//! language". Styles are always written; the caller's stream (`anstream::AutoStream`) drops them
//! when stdout is not a terminal or `NO_COLOR` is set.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{Detail, FileReport, Finding, Mode, NotAnalysed, Report, Severity, Verdict};
use crate::analysis::{FunctionMetrics, Grade};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const GREEN: Style = AnsiColor::Green.on_default();

/// How many functions the "worst functions" table shows.
pub const TOP_FUNCTIONS: usize = 20;

/// How many paths a not-analysed reason names before "… and N more".
pub const EXAMPLE_PATHS: usize = 3;

pub fn render(report: &Report, detail: Detail, out: &mut dyn Write) -> io::Result<()> {
    if report.mode == Mode::Paths {
        measurements(report, detail, out)
    } else {
        verdict(report, detail, out)
    }
}

/// The gate's view: the verdict, then findings grouped by file, worst file first.
fn verdict(report: &Report, detail: Detail, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let (style, word) = match report.verdict {
        Verdict::Pass => (GREEN, "pass"),
        Verdict::Fail => (RED, "FAIL"),
    };
    let mode = report.mode.as_str();
    let known = if s.baseline > 0 {
        format!(", {} baseline", s.baseline)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{BOLD}debtgate check{BOLD:#} ({mode}): {style}{BOLD}{word}{BOLD:#}{style:#} — {} failing, {} warning, {} suppressed{known}; {} files, {} functions measured, {} judged",
        s.failures, s.warnings, s.suppressed, s.files, s.functions, s.judged
    )?;
    if let Some(b) = report.budget.as_ref().filter(|b| b.exceeded) {
        writeln!(
            out,
            "{YELLOW}{BOLD}incomplete:{BOLD:#}{YELLOW:#} {} files not analysed, the time budget ran out (on_budget_exceeded: {})",
            b.not_analysed.len(),
            b.on_exceeded
        )?;
    }
    for notice in &report.notices {
        writeln!(out, "{YELLOW}note:{YELLOW:#} {notice}")?;
    }
    for group in worst_first(&report.findings) {
        writeln!(out)?;
        let path = group[0].path.as_str();
        match report.files.iter().find(|r| r.path == path) {
            Some(r) => writeln!(
                out,
                "{BOLD}{}{BOLD:#} {DIM}({}, grade {} {:.1}){DIM:#}",
                r.path,
                r.status.unwrap_or("measured"),
                r.metrics.grade,
                r.metrics.score
            )?,
            None => writeln!(out, "{BOLD}{path}{BOLD:#}")?,
        }
        for f in group {
            finding(f, out)?;
        }
    }
    not_analysed(report, detail, out)?;
    diagnostics(report, out)
}

/// The findings by file, in report order within a file; files with more failing findings first,
/// then more warnings (suppressed and baseline findings count for neither), then report order.
fn worst_first(findings: &[Finding]) -> Vec<Vec<&Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in findings {
        match groups.iter_mut().find(|g| g[0].path == f.path) {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    let count = |g: &[&Finding], level| {
        g.iter()
            .filter(|f| f.level == level && !f.suppressed && !f.baseline)
            .count()
    };
    groups.sort_by_key(|g| std::cmp::Reverse((count(g, Severity::Fail), count(g, Severity::Warn))));
    groups
}

fn finding(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let (style, label) = match (f.suppressed, f.baseline, f.level) {
        (true, _, _) => (DIM, "allowed"),
        (false, true, _) => (DIM, "baseline"),
        (false, false, Severity::Fail) => (RED, "FAIL"),
        (false, false, Severity::Warn) => (YELLOW, "warn"),
    };
    let function = f.function.as_deref().unwrap_or("(file)");
    writeln!(
        out,
        "  {style}{label:<8}{style:#} {function} {DIM}line {}{DIM:#}  {}",
        f.line, f.message
    )
}

/// `debtgate analyze`: measurements without a verdict.
fn measurements(report: &Report, detail: Detail, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "{BOLD}debtgate{BOLD:#} {} files, {} functions measured; {} not analysed",
        s.files, s.functions, s.not_analysed
    )?;
    worst_functions(report, out)?;
    files(report, out)?;
    not_analysed(report, detail, out)?;
    diagnostics(report, out)
}

fn worst_functions(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut all: Vec<(&FileReport, &FunctionMetrics)> = report
        .files
        .iter()
        .flat_map(|f| f.metrics.functions.iter().map(move |func| (f, func)))
        .collect();
    if all.is_empty() {
        return Ok(());
    }
    all.sort_by(|(fa, a), (fb, b)| {
        (b.cognitive, b.cyclomatic, b.length)
            .cmp(&(a.cognitive, a.cyclomatic, a.length))
            .then_with(|| (&fa.path, a.start_line).cmp(&(&fb.path, b.start_line)))
    });
    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Worst functions{BOLD:#} {DIM}(cognitive, then cyclomatic){DIM:#}"
    )?;
    writeln!(
        out,
        "{DIM}{:>5} {:>5} {:>5} {:>6} {:>6}  function  location{DIM:#}",
        "cog", "cyc", "nest", "lines", "params"
    )?;
    for (file, f) in all.iter().take(TOP_FUNCTIONS) {
        let style = level_style(f.cognitive, 15, 25);
        writeln!(
            out,
            "{style}{:>5}{style:#} {:>5} {:>5} {:>6} {:>6}  {}  {DIM}{}:{}{DIM:#}",
            f.cognitive,
            f.cyclomatic,
            f.max_nesting,
            f.length,
            f.params,
            f.qualified_name,
            file.path,
            f.start_line
        )?;
    }
    if all.len() > TOP_FUNCTIONS {
        writeln!(out, "{DIM}… and {} more{DIM:#}", all.len() - TOP_FUNCTIONS)?;
    }
    Ok(())
}

fn files(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.files.is_empty() {
        return Ok(());
    }
    let mut files: Vec<&FileReport> = report.files.iter().collect();
    files.sort_by(|a, b| {
        a.metrics
            .score
            .total_cmp(&b.metrics.score)
            .then_with(|| a.path.cmp(&b.path))
    });
    writeln!(out)?;
    writeln!(out, "{BOLD}Files{BOLD:#} {DIM}(lowest score first){DIM:#}")?;
    writeln!(
        out,
        "{DIM}{:<5} {:>6} {:>6} {:>6} {:>5} {:>5}  path{DIM:#}",
        "grade", "score", "code", "funcs", "satd", "dup"
    )?;
    for f in files {
        let style = grade_style(f.metrics.grade);
        writeln!(
            out,
            "{style}{:<5}{style:#} {:>6.1} {:>6} {:>6} {:>5} {:>5}  {}",
            f.metrics.grade.as_str(),
            f.metrics.score,
            f.metrics.code_lines,
            f.metrics.functions.len(),
            f.metrics.satd.len(),
            f.metrics.duplication.duplicated_lines,
            f.path
        )?;
    }
    Ok(())
}

/// What was not analysed: each reason with its count and a few paths, most frequent first; with
/// [`Detail::Full`] every path with its reason.
fn not_analysed(report: &Report, detail: Detail, out: &mut dyn Write) -> io::Result<()> {
    let all = &report.not_analysed;
    if all.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let files = if all.len() == 1 { "file" } else { "files" };
    if detail == Detail::Full {
        writeln!(
            out,
            "{BOLD}Not analysed{BOLD:#} {DIM}({} {files}){DIM:#}",
            all.len()
        )?;
        for n in all {
            writeln!(out, "  {}  {DIM}{}{DIM:#}", n.path, n.reason)?;
        }
        return Ok(());
    }
    let groups = by_reason(all);
    let hidden = groups.iter().any(|(_, paths)| paths.len() > EXAMPLE_PATHS);
    let hint = if hidden {
        "; every path with --verbose and in the JSON report"
    } else {
        ""
    };
    writeln!(
        out,
        "{BOLD}Not analysed{BOLD:#} {DIM}({} {files}{hint}){DIM:#}",
        all.len()
    )?;
    let width = groups.first().map_or(1, |(_, p)| p.len().to_string().len());
    for (reason, paths) in &groups {
        let shown: Vec<&str> = paths
            .iter()
            .take(EXAMPLE_PATHS)
            .map(|n| n.path.as_str())
            .collect();
        // One file, or all with the same words: the whole reason (`too large: 2,000,000 bytes …`).
        let reason = match paths.first() {
            Some(first) if paths.iter().all(|n| n.reason == first.reason) => first.reason.as_str(),
            _ => reason,
        };
        let more = match paths.len().saturating_sub(EXAMPLE_PATHS) {
            0 => String::new(),
            n => format!(" … and {n} more"),
        };
        writeln!(
            out,
            "  {:>width$}  {reason}  {DIM}{}{more}{DIM:#}",
            paths.len(),
            shown.join(", ")
        )?;
    }
    Ok(())
}

/// Not-analysed files by the kind of reason — the words before the first `:` (`too large: N
/// bytes …` and `binary: NUL byte at …` name a detail per file) — most files first, then by
/// reason.
fn by_reason(all: &[NotAnalysed]) -> Vec<(&str, Vec<&NotAnalysed>)> {
    let mut groups: Vec<(&str, Vec<&NotAnalysed>)> = Vec::new();
    for n in all {
        let kind = n.reason.split(':').next().unwrap_or(&n.reason).trim_end();
        match groups.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, files)) => files.push(n),
            None => groups.push((kind, vec![n])),
        }
    }
    groups.sort_by(|(ka, a), (kb, b)| b.len().cmp(&a.len()).then_with(|| ka.cmp(kb)));
    groups
}

fn diagnostics(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let with: Vec<&FileReport> = report
        .files
        .iter()
        .filter(|f| !f.metrics.diagnostics.is_empty())
        .collect();
    if with.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{BOLD}Diagnostics{BOLD:#} {DIM}(measured as far as the parser could read){DIM:#}"
    )?;
    for f in with {
        for d in &f.metrics.diagnostics {
            match d.line {
                Some(line) => {
                    writeln!(out, "  {YELLOW}{}:{line}{YELLOW:#}  {}", f.path, d.message)?
                }
                None => writeln!(out, "  {YELLOW}{}{YELLOW:#}  {}", f.path, d.message)?,
            }
        }
    }
    Ok(())
}

fn level_style(value: u32, warn: u32, fail: u32) -> Style {
    if value >= fail {
        RED
    } else if value >= warn {
        YELLOW
    } else {
        Style::new()
    }
}

fn grade_style(grade: Grade) -> Style {
    if grade >= Grade::BMinus {
        GREEN
    } else if grade >= Grade::D {
        YELLOW
    } else {
        RED
    }
}
