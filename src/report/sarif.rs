//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and any SARIF viewer.
//!
//! One rule per metric (plus the file grade and invalid suppressions) with help text; one result
//! per finding with a physical location whose URI is relative to the repository root
//! (`uriBaseId` `%SRCROOT%`), the finding's stable fingerprint in `partialFingerprints` so alerts
//! follow a function across line moves, and suppressed findings carried as in-source
//! suppressions. GitHub rejects uploads over 25,000 results per run or 10 MB gzipped; the
//! renderer keeps the most important results under both limits (counting the uncompressed size,
//! which bounds the gzipped one) and says so in a tool notification when it drops any.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{by_importance, end_line, number, Finding, Report, Severity};
use crate::rules::catalogue;

/// GitHub code scanning's results-per-run limit.
pub const MAX_RESULTS: usize = 25_000;
/// GitHub's upload limit is 10 MB gzipped; staying under it uncompressed is always safe.
pub const MAX_BYTES: usize = 10_000_000;
/// Room kept for everything that is not a result (rules, tool, notifications).
const ENVELOPE_BYTES: usize = 64 * 1024;
/// The key debtgate's fingerprints live under in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "debtgate/v1";
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    render_limited(report, MAX_RESULTS, MAX_BYTES, out)
}

/// [`render`] with explicit limits (tests use small ones).
pub fn render_limited(
    report: &Report,
    max_results: usize,
    max_bytes: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules = catalogue();
    let budget = max_bytes.saturating_sub(ENVELOPE_BYTES);
    let (mut results, mut used) = (Vec::new(), 0usize);
    let all = by_importance(report);
    for f in &all {
        let rule_index = rules.iter().position(|r| r.id == f.rule);
        let value = result(report, f, rule_index);
        let size = serde_json::to_string(&value).map_or(usize::MAX, |s| s.len() + 1);
        if results.len() == max_results || used.saturating_add(size) > budget {
            break;
        }
        used += size;
        results.push(value);
    }
    let truncated = results.len() < all.len();
    let mut notifications = Vec::new();
    if truncated {
        notifications.push(json!({
            "level": "warning",
            "message": {"text": format!(
                "Truncated: {} of {} findings are included (the most important first) to stay \
                 under GitHub's limits of {max_results} results per run and {max_bytes} bytes; \
                 the JSON report (--format json) has them all.",
                results.len(),
                all.len()
            )},
        }));
    }
    for notice in &report.notices {
        notifications.push(json!({"level": "note", "message": {"text": notice}}));
    }
    not_analysed(report, &mut notifications);
    let mut invocation = json!({"executionSuccessful": true});
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules.iter().map(|r| json!({
                    "id": r.id,
                    "name": r.name,
                    "shortDescription": {"text": sentence(r.short)},
                    "fullDescription": {"text": sentence(r.short)},
                    "help": {"text": r.help},
                    "defaultConfiguration": {"level": "warning"},
                })).collect::<Vec<_>>(),
            }},
            "automationDetails": {"id": format!("debtgate/{}/", report.mode.as_str())},
            "invocations": [invocation],
            "results": results,
            "properties": {
                "verdict": report.verdict,
                "failures": report.summary.failures,
                "warnings": report.summary.warnings,
                "truncated": truncated,
            },
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// How many files not analysed get a notification each; the rest are counted in one.
const NOT_ANALYSED_NOTIFIED: usize = 100;

/// One notification per file not analysed (up to a cap), with the reason and the file.
fn not_analysed(report: &Report, notifications: &mut Vec<Value>) {
    for n in report.not_analysed.iter().take(NOT_ANALYSED_NOTIFIED) {
        notifications.push(json!({
            "level": "note",
            "message": {"text": sentence(&format!("Not analysed: {}", n.reason))},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri(&n.path), "uriBaseId": SRCROOT},
            }}],
        }));
    }
    let more = report
        .not_analysed
        .len()
        .saturating_sub(NOT_ANALYSED_NOTIFIED);
    if more > 0 {
        notifications.push(json!({
            "level": "note",
            "message": {"text": format!(
                "{more} more files were not analysed; the JSON report (--format json) lists them."
            )},
        }));
    }
}

fn result(report: &Report, f: &Finding, rule_index: Option<usize>) -> Value {
    let mut region = json!({"startLine": f.line.max(1)});
    if let Some(end) = end_line(report, f).filter(|e| *e >= f.line.max(1)) {
        region["endLine"] = json!(end);
    }
    let mut properties = json!({
        "value": f.value,
        "threshold": f.threshold,
    });
    if let Some(b) = f.base_value {
        properties["baseValue"] = json!(b);
    }
    if let Some(function) = &f.function {
        properties["function"] = json!(function);
    }
    if let Some(reason) = f.reason {
        properties["reason"] = json!(reason.name());
    }
    let mut r = json!({
        "ruleId": f.rule,
        "level": match f.level {
            Severity::Fail => "error",
            Severity::Warn => "warning",
        },
        "message": {"text": sentence(&message(f))},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(&f.path), "uriBaseId": SRCROOT},
            "region": region,
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": properties,
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if f.suppressed {
        r["suppressions"] = json!([{"kind": "inSource"}]);
    }
    if f.baseline {
        // SARIF's own word for a result that a baseline already had (3.27.24).
        r["baselineState"] = json!("unchanged");
        r["level"] = json!("note");
    }
    r
}

/// The finding's message, with the function named when the message does not already.
fn message(f: &Finding) -> String {
    match &f.function {
        Some(function) if !f.message.contains(function.as_str()) => {
            format!("{function}: {}", f.message)
        }
        _ if f.message.is_empty() => format!(
            "{} {} exceeds {}",
            f.rule,
            number(f.value),
            number(f.threshold)
        ),
        _ => f.message.clone(),
    }
}

/// SARIF viewers show messages as sentences; the spec's guidance is to end them with a period.
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// A repository-relative path as a relative URI reference: `/` kept, everything outside the
/// unreserved set percent-encoded (spaces, `#`, `%`, non-ASCII bytes).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_percent_encoded() {
        assert_eq!(uri("src/lib.rs"), "src/lib.rs");
        assert_eq!(uri("a dir/50%#é.rs"), "a%20dir/50%25%23%C3%A9.rs");
    }
}
