//! `--format codeclimate`: GitLab Code Quality (`artifacts:reports:codequality`), a JSON array of
//! issues with `description`, `check_name`, `fingerprint`, `severity` and `location.path` /
//! `location.lines.begin`.
//!
//! GitLab collapses issues that share a fingerprint and compares fingerprints with the base
//! pipeline's report (LESSONS.md), so each issue carries the finding's stable fingerprint (rule +
//! function, not line), made unique within the report if two findings ever share one. Suppressed
//! findings are left out: they are accepted debt, not issues.

use std::collections::HashSet;
use std::io::{self, Write};

use serde_json::{json, Value};

use super::{end_line, Report, Severity};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut seen = HashSet::new();
    let issues: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.active())
        .map(|f| {
            let mut fingerprint = f.fingerprint.clone();
            let mut n = 1;
            while !seen.insert(fingerprint.clone()) {
                n += 1;
                fingerprint = blake3::hash(format!("{}#{n}", f.fingerprint).as_bytes())
                    .to_hex()[..32]
                    .to_string();
            }
            let begin = f.line.max(1);
            let mut lines = json!({"begin": begin});
            if let Some(end) = end_line(report, f).filter(|e| *e >= begin) {
                lines["end"] = json!(end);
            }
            json!({
                "type": "issue",
                "check_name": format!("debtgate/{}", f.rule),
                "description": match &f.function {
                    Some(func) if !f.message.contains(func.as_str()) => format!("{func}: {}", f.message),
                    _ => f.message.clone(),
                },
                "categories": ["Complexity"],
                "fingerprint": fingerprint,
                "severity": match f.level {
                    Severity::Fail => "major",
                    Severity::Warn => "minor",
                },
                "location": {"path": f.path, "lines": lines},
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
