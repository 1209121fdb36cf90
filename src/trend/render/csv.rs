//! `--format csv`: one row per commit and directory (`*` for the whole tree, first), oldest
//! commit first; every figure of the JSON document in its own column, RFC 4180 quoting.

use std::io::{self, Write};

use super::super::figures::{Figures, GRADES};
use super::super::Trend;
use crate::rules::Metric;

/// The directory column's value for the whole tree.
pub const OVERALL: &str = "*";

fn header() -> Vec<String> {
    let mut h: Vec<String> = [
        "commit",
        "date",
        "directory",
        "files",
        "functions",
        "code_lines",
        "satd",
        "cyclomatic_total",
        "cyclomatic_mean",
        "cognitive_total",
        "cognitive_mean",
        "tdg_mean",
    ]
    .map(String::from)
    .to_vec();
    h.extend(GRADES.iter().map(|g| format!("grade_{g}")));
    for m in Metric::ALL {
        h.push(format!("{}_warn", m.name()));
        h.push(format!("{}_fail", m.name()));
    }
    h.extend(
        [
            "functions_warn",
            "functions_fail",
            "failures",
            "warnings",
            "suppressed",
        ]
        .map(String::from),
    );
    h
}

fn row(commit: &str, date: &str, dir: &str, f: &Figures) -> Vec<String> {
    let mut r = vec![
        commit.to_string(),
        date.to_string(),
        dir.to_string(),
        f.files.to_string(),
        f.functions.to_string(),
        f.code_lines.to_string(),
        f.satd.to_string(),
        f.cyclomatic.to_string(),
        f.mean_cyclomatic().to_string(),
        f.cognitive.to_string(),
        f.mean_cognitive().to_string(),
        f.mean_score().to_string(),
    ];
    r.extend(GRADES.iter().map(|g| f.grade_count(g).to_string()));
    for i in 0..Metric::ALL.len() {
        r.push(f.warn[i].to_string());
        r.push(f.fail[i].to_string());
    }
    r.extend(
        [
            f.functions_warn,
            f.functions_fail,
            f.failures,
            f.warnings,
            f.suppressed,
        ]
        .map(|v| v.to_string()),
    );
    r
}

/// A field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn line(out: &mut dyn Write, fields: &[String]) -> io::Result<()> {
    let cells: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.write_all(cells.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

pub fn render(trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    line(out, &header())?;
    for p in &trend.points {
        let date = p.date.to_string();
        line(out, &row(&p.id, &date, OVERALL, &p.tally.overall))?;
        for (dir, f) in &p.tally.dirs {
            line(out, &row(&p.id, &date, dir, f))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_have_as_many_fields_as_the_header_and_quote_what_needs_it() {
        assert_eq!(
            header().len(),
            row("c", "d", "x", &Figures::default()).len()
        );
        assert_eq!(field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(field("src"), "src");
    }
}
