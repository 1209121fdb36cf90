//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations on
//! the changed lines (`::error file=…,line=…,endLine=…,title=…::message`).
//!
//! GitHub shows at most 10 error and 10 warning annotations per step (LESSONS.md), so the
//! failures come first, then warnings, each capped at [`PER_TYPE`]; when findings are left out, one
//! `::notice` says how many and points to the job summary. Suppressed findings are not annotated.
//! Files not analysed (too large, left out by the time budget, …) are named in one more notice.
//! Values are escaped as the runner expects: `%`, `\r`, `\n` in messages, and also `:` and `,` in
//! properties.

use std::io::{self, Write};

use super::{by_importance, end_line, number, Report, Severity, Verdict};

/// Annotations of one type GitHub displays per step.
pub const PER_TYPE: usize = 10;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let verdict = match report.verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "FAIL",
    };
    writeln!(
        out,
        "debtgate check ({}): {verdict} — {} failing, {} warning, {} suppressed; {} files, {} functions measured",
        report.mode.as_str(),
        s.failures,
        s.warnings,
        s.suppressed,
        s.files,
        s.functions
    )?;
    for notice in &report.notices {
        writeln!(out, "::notice title=debtgate::{}", data(notice))?;
    }
    let (mut errors, mut warnings, mut left_out) = (0, 0, 0);
    for f in by_importance(report).into_iter().filter(|f| f.active()) {
        let (command, shown) = match f.level {
            Severity::Fail => ("error", &mut errors),
            Severity::Warn => ("warning", &mut warnings),
        };
        if *shown == PER_TYPE {
            left_out += 1;
            continue;
        }
        *shown += 1;
        let mut props = format!("file={},line={}", property(&f.path), f.line.max(1));
        if let Some(end) = end_line(report, f).filter(|e| *e > f.line) {
            props.push_str(&format!(",endLine={end}"));
        }
        let what = f.function.as_deref().unwrap_or(&f.path);
        let title = format!(
            "debtgate {}: {} {} (limit {})",
            f.rule,
            what,
            number(f.value),
            number(f.threshold)
        );
        props.push_str(&format!(",title={}", property(&title)));
        writeln!(out, "::{command} {props}::{}", data(&f.message))?;
    }
    if left_out > 0 {
        writeln!(
            out,
            "::notice title=debtgate::{}",
            data(&format!(
                "{left_out} more findings are not annotated (GitHub shows {PER_TYPE} errors and \
                 {PER_TYPE} warnings per step); the job summary lists them all."
            ))
        )?;
    }
    not_analysed(report, out)
}

/// Files named in the one notice about files not analysed.
const NOT_ANALYSED_NAMED: usize = 20;

/// One notice (annotations are scarce) naming the files not analysed and why.
fn not_analysed(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.not_analysed.is_empty() {
        return Ok(());
    }
    let mut text = format!("{} files were not analysed:", report.not_analysed.len());
    for n in report.not_analysed.iter().take(NOT_ANALYSED_NAMED) {
        text.push_str(&format!("\n{}: {}", n.path, n.reason));
    }
    if report.not_analysed.len() > NOT_ANALYSED_NAMED {
        text.push_str("\n… the job summary and the JSON report list them all.");
    }
    writeln!(
        out,
        "::notice title=debtgate: not analysed::{}",
        data(&text)
    )
}

/// Escapes a command's message.
pub fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_percent_and_line_breaks() {
        assert_eq!(data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        // `%` first: an escape is never escaped twice.
        assert_eq!(data("%0A"), "%250A");
        assert_eq!(data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            property("Parser::parse, 50%\n"),
            "Parser%3A%3Aparse%2C 50%25%0A"
        );
    }
}
