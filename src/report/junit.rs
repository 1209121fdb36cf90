//! `--format junit`: JUnit XML, for CI systems that show test results (GitLab, Jenkins, Azure).
//!
//! One test suite; one test case per measured function (class name = the file) and one per file
//! for what is judged at file level (its grade). Each unsuppressed `fail` finding is a `<failure>`
//! of its test case; warnings go to the case's `<system-out>`, since JUnit has no warning state.
//! A finding about a function the report did not measure gets its file's case. Each file that
//! was not analysed is a `<skipped>` case with the reason; a run failed because its time budget
//! ran out (`on_budget_exceeded: fail`) is one failed `(budget)` case.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{number, Finding, Report, Severity};

/// The name of the per-file test case.
const FILE_CASE: &str = "(file)";

#[derive(Default)]
struct Case<'a> {
    line: usize,
    failures: Vec<&'a Finding>,
    warnings: Vec<&'a Finding>,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // (path, case name) → case, in report order.
    let mut cases: BTreeMap<(&str, &str), Case> = BTreeMap::new();
    for file in &report.files {
        cases.entry((&file.path, FILE_CASE)).or_default().line = 1;
        for f in &file.metrics.functions {
            cases
                .entry((&file.path, &f.qualified_name))
                .or_default()
                .line = f.start_line;
        }
    }
    for f in report.findings.iter().filter(|f| f.active()) {
        let name = f
            .function
            .as_deref()
            .filter(|n| cases.contains_key(&(f.path.as_str(), *n)))
            .unwrap_or(FILE_CASE);
        let case = cases.entry((&f.path, name)).or_insert_with(|| Case {
            line: 1,
            ..Case::default()
        });
        match f.level {
            Severity::Fail => case.failures.push(f),
            Severity::Warn => case.warnings.push(f),
        }
    }
    let budget_failed = report
        .budget
        .as_ref()
        .is_some_and(|b| b.exceeded && b.on_exceeded == crate::config::OnBudgetExceeded::Fail);
    let failures =
        cases.values().filter(|c| !c.failures.is_empty()).count() + usize::from(budget_failed);
    let skipped = report.not_analysed.len();
    let tests = cases.len() + skipped + usize::from(budget_failed);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"debtgate\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"debtgate check ({})\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        report.mode.as_str(),
    );
    for ((path, name), case) in &cases {
        let _ = write!(
            xml,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\"",
            escape(path),
            escape(name),
            escape(path),
            case.line
        );
        if case.failures.is_empty() && case.warnings.is_empty() {
            xml.push_str("/>\n");
            continue;
        }
        xml.push_str(">\n");
        for f in &case.failures {
            let _ = writeln!(
                xml,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                escape(&f.rule),
                escape(&f.message),
                escape(&detail(f))
            );
        }
        if !case.warnings.is_empty() {
            let text: Vec<String> = case
                .warnings
                .iter()
                .map(|f| format!("warning: {}", detail(f)))
                .collect();
            let _ = writeln!(
                xml,
                "      <system-out>{}</system-out>",
                escape(&text.join("\n"))
            );
        }
        xml.push_str("    </testcase>\n");
    }
    for n in &report.not_analysed {
        let _ = writeln!(
            xml,
            "    <testcase classname=\"{}\" name=\"(not analysed)\" file=\"{}\"><skipped message=\"{}\"/></testcase>",
            escape(&n.path),
            escape(&n.path),
            escape(&n.reason)
        );
    }
    if budget_failed {
        let text = report.notices.iter().find(|n| n.starts_with("INCOMPLETE"));
        let _ = writeln!(
            xml,
            "    <testcase classname=\"debtgate\" name=\"(budget)\"><failure type=\"budget\" message=\"{}\"/></testcase>",
            escape(text.map_or("the time budget ran out", String::as_str))
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    out.write_all(xml.as_bytes())
}

fn detail(f: &Finding) -> String {
    let mut s = format!(
        "{}:{}: {} {} (threshold {})",
        f.path,
        f.line,
        f.rule,
        number(f.value),
        number(f.threshold)
    );
    if let Some(b) = f.base_value {
        let _ = write!(s, ", was {}", number(b));
    }
    let _ = write!(s, " — {}", f.message);
    s
}

/// Text for an XML attribute or element: markup escaped, and characters XML 1.0 cannot carry
/// (most control characters) replaced.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
    }
}
