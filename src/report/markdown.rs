//! `--format markdown`: the job summary (`$GITHUB_STEP_SUMMARY`) and pull-request comment.
//!
//! The verdict and totals, notices, a table of findings (most important first) with function,
//! value, threshold and base value, then the grade of each changed file. GitHub aborts a job
//! summary over 1 MiB and rejects a comment over 65,536 characters (LESSONS.md), so the text is
//! capped: rows stop before the limit and a last line says how many were left out. Limits are
//! counted in bytes, which are never fewer than characters.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{by_importance, number, Finding, Report, Severity, Verdict};

/// The job summary limit (1 MiB), less a margin for what other steps append.
pub const SUMMARY_LIMIT: usize = 1024 * 1024 - 16 * 1024;
/// A pull-request comment's limit in characters.
pub const COMMENT_LIMIT: usize = 65_536;
/// Room kept for the closing lines.
const TAIL: usize = 512;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render_capped(report, SUMMARY_LIMIT).as_bytes())
}

/// The Markdown for a run that did not judge the change (`DEBTGATE_SKIP` allowed in CI): the
/// pull-request comment, the check run's summary and the job summary say it in these words.
pub fn render_skipped(why: &str) -> String {
    format!("## debtgate: ⏭️ skipped\n\nThe change was not judged: {why}.\n")
}

/// The Markdown, never longer than `limit` bytes.
pub fn render_capped(report: &Report, limit: usize) -> String {
    let budget = limit.saturating_sub(TAIL);
    let mut md = head(report);
    if let Some(t) = &report.trend {
        md.push_str(&super::trend_section::section(t));
    }
    let findings = by_importance(report);
    let mut shown = 0;
    if !findings.is_empty() {
        md.push_str(
            "\n| | Rule | File | Function | Value | Threshold | Base |\n|---|---|---|---|--:|--:|--:|\n",
        );
        for f in &findings {
            let row = row(f);
            if md.len() + row.len() > budget {
                break;
            }
            md.push_str(&row);
            shown += 1;
        }
    }
    let mut grades = String::new();
    if !report.files.is_empty() {
        grades.push_str("\n| File | Status | Grade | Score |\n|---|---|:-:|--:|\n");
        for file in &report.files {
            let (grade, score) = match report.base_grades.get(&file.path) {
                Some(b) if b.grade != file.metrics.grade || b.score != file.metrics.score => (
                    format!("{} → {}", b.grade, file.metrics.grade),
                    format!("{:.1} → {:.1}", b.score, file.metrics.score),
                ),
                _ => (
                    file.metrics.grade.to_string(),
                    format!("{:.1}", file.metrics.score),
                ),
            };
            let _ = writeln!(
                grades,
                "| {} | {} | {grade} | {score} |",
                cell(&code(&file.path)),
                file.status.unwrap_or("measured"),
            );
        }
    }
    let left = findings.len() - shown;
    if left > 0 {
        let _ = writeln!(
            md,
            "\n_{left} more findings are not shown here (size limit); the JSON or SARIF report has them all._"
        );
    } else if md.len() + grades.len() <= budget {
        md.push_str(&grades);
    }
    not_analysed(report, &mut md, budget);
    if md.len() > limit {
        // Only a huge notice can get here; cut on a character boundary.
        let mut end = limit;
        while !md.is_char_boundary(end) {
            end -= 1;
        }
        md.truncate(end);
    }
    md
}

/// How many files not analysed are listed by name, with their reason.
const NOT_ANALYSED_SHOWN: usize = 50;

/// The files not analysed and why, as far as the size limit allows: a file skipped for its size
/// or left out by the time budget must be visible to whoever reads the summary.
fn not_analysed(report: &Report, md: &mut String, budget: usize) {
    if report.not_analysed.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "\n<details><summary>{} files were not analysed</summary>\n",
        report.not_analysed.len()
    );
    let mut shown = 0;
    for n in report.not_analysed.iter().take(NOT_ANALYSED_SHOWN) {
        let line = format!("- {}: {}\n", cell(&code(&n.path)), cell(&n.reason));
        if md.len() + line.len() > budget {
            break;
        }
        md.push_str(&line);
        shown += 1;
    }
    if shown < report.not_analysed.len() {
        let _ = writeln!(
            md,
            "- … and {} more (the JSON report lists them all)",
            report.not_analysed.len() - shown
        );
    }
    md.push_str("\n</details>\n");
}

fn head(report: &Report) -> String {
    let s = &report.summary;
    let verdict = match report.verdict {
        Verdict::Pass => "✅ pass",
        Verdict::Fail => "❌ fail",
    };
    let mut md = format!("## debtgate: {verdict}\n\n");
    let _ = writeln!(
        md,
        "**{}** failing · **{}** warning · {} suppressed — {} files, {} functions measured ({} mode{}).",
        s.failures,
        s.warnings,
        s.suppressed,
        s.files,
        s.functions,
        report.mode.as_str(),
        range(report)
    );
    for notice in &report.notices {
        let _ = writeln!(md, "\n> **Note:** {}", notice.replace('\n', "\n> "));
    }
    md
}

fn range(report: &Report) -> String {
    match (&report.base, &report.head) {
        (Some(b), Some(h)) => format!(", {}…{}", short(b), short(h)),
        (None, Some(h)) => format!(", at {}", short(h)),
        _ => String::new(),
    }
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn row(f: &Finding) -> String {
    let icon = match (f.suppressed, f.baseline, f.level) {
        (true, _, _) => "🔕",
        (false, true, _) => "📌",
        (false, false, Severity::Fail) => "❌",
        (false, false, Severity::Warn) => "⚠️",
    };
    let location = format!("{}:{}", f.path, f.line);
    format!(
        "| {icon} | {} | {} | {} | {} | {} | {} |\n",
        f.rule,
        cell(&code(&location)),
        cell(&f.function.as_deref().map(code).unwrap_or_default()),
        number(f.value),
        number(f.threshold),
        f.base_value.map(number).unwrap_or_else(|| "—".into())
    )
}

/// Inline code that survives backticks in the text.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// A table cell: no line breaks, `|` escaped.
fn cell(text: &str) -> String {
    text.replace(['\r', '\n'], " ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_and_line_breaks() {
        assert_eq!(cell("operator|\nx"), "operator\\| x");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
