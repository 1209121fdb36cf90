//! The check run: `POST /repos/{owner}/{repo}/check-runs` named `debtgate`, completed, with the
//! verdict as conclusion, the Markdown summary as output, and the findings as annotations on the
//! changed lines.
//!
//! GitHub takes at most 50 annotations per request, so the run is created with the first 50 and
//! `PATCH /check-runs/{id}` appends the rest, 50 at a time. Failures go first. A pull request page
//! slows to a crawl with hundreds of annotations (LESSONS.md), so at most [`MAX_ANNOTATIONS`] are
//! sent; the output text says how many were left out. Summary and text stay under GitHub's 65,535
//! characters, titles under 255. Suppressed findings are not annotated.

use serde_json::{json, Value};

use super::github::{Api, ApiError};
use super::status::{clip, short, CONTEXT};
use crate::report::{self, by_importance, end_line, number, Finding, Report, Severity, Verdict};

/// Annotations per request (GitHub's limit).
pub const BATCH: usize = 50;
/// Annotations sent per run at most.
pub const MAX_ANNOTATIONS: usize = 500;
/// Characters in `output.summary` and `output.text`.
pub const OUTPUT_LIMIT: usize = 65_535;
/// Characters in an annotation's title.
const TITLE_LIMIT: usize = 255;
/// Characters in an annotation's message (GitHub allows 64 KB; a finding's message is a line).
const MESSAGE_LIMIT: usize = 4096;

/// Creates the check run on `sha` and appends its annotations.
pub fn post(
    api: &Api,
    sha: &str,
    report: &Report,
    details_url: Option<&str>,
) -> Result<String, ApiError> {
    let (annotations, left_out) = annotations(report);
    let output = output(report, annotations.len(), left_out);
    let mut batches = annotations.chunks(BATCH);
    let first = batches.next().unwrap_or_default();
    let mut create = json!({
        "name": CONTEXT,
        "head_sha": sha,
        "status": "completed",
        "conclusion": conclusion(report),
        "output": with_annotations(&output, first),
    });
    if let Some(url) = details_url {
        create["details_url"] = json!(url);
    }
    let reply = api.call("POST", &api.url("/check-runs"), Some(&create))?;
    let id = reply
        .body
        .get("id")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            ApiError::Failed("GitHub created the check run but its answer names no `id`".into())
        })?;
    let url = api.url(&format!("/check-runs/{id}"));
    for batch in batches {
        let patch = json!({ "output": with_annotations(&output, batch) });
        api.call("PATCH", &url, Some(&patch))?;
    }
    Ok(format!(
        "check run {id} on {} with {} annotations",
        short(sha),
        annotations.len()
    ))
}

/// The run's conclusion.
pub fn conclusion(report: &Report) -> &'static str {
    match report.verdict {
        Verdict::Pass => "success",
        Verdict::Fail => "failure",
    }
}

/// Every unsuppressed finding as an annotation, most important first, capped; and how many were
/// left out.
pub fn annotations(report: &Report) -> (Vec<Value>, usize) {
    let all: Vec<Value> = by_importance(report)
        .into_iter()
        .filter(|f| f.active())
        .map(|f| annotation(report, f))
        .collect();
    let left_out = all.len().saturating_sub(MAX_ANNOTATIONS);
    (all.into_iter().take(MAX_ANNOTATIONS).collect(), left_out)
}

fn annotation(report: &Report, f: &Finding) -> Value {
    let start = f.line.max(1);
    let end = end_line(report, f).filter(|e| *e >= start).unwrap_or(start);
    let what = f.function.as_deref().unwrap_or(&f.path);
    let title = format!(
        "debtgate {}: {what} {} (limit {})",
        f.rule,
        number(f.value),
        number(f.threshold)
    );
    json!({
        "path": f.path,
        "start_line": start,
        "end_line": end,
        "annotation_level": match f.level {
            Severity::Fail => "failure",
            Severity::Warn => "warning",
        },
        "title": clip(&title, TITLE_LIMIT),
        "message": clip(&f.message, MESSAGE_LIMIT),
    })
}

/// The output without annotations: title, summary and text.
fn output(report: &Report, annotated: usize, left_out: usize) -> Value {
    let s = &report.summary;
    let verdict = match report.verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
    };
    let title = format!(
        "{verdict}: {} failing, {} warning in {} files",
        s.failures, s.warnings, s.files
    );
    json!({
        "title": title,
        "summary": report::render_markdown_capped(report, OUTPUT_LIMIT),
        "text": text(report, annotated, left_out),
    })
}

fn text(report: &Report, annotated: usize, left_out: usize) -> String {
    let mut text = format!("{annotated} findings are annotated on the lines they are about");
    if left_out > 0 {
        text.push_str(&format!(
            "; {left_out} more are not (at most {MAX_ANNOTATIONS} per run, failures first) — the \
             summary above and the JSON or SARIF report list them all"
        ));
    }
    text.push_str(".\n");
    if let (Some(base), Some(head)) = (&report.base, &report.head) {
        text.push_str(&format!(
            "\nTo see the same verdict locally:\n\n```sh\ndebtgate check --base {base} --head {head}\n```\n"
        ));
    }
    clip(&text, OUTPUT_LIMIT)
}

fn with_annotations(output: &Value, batch: &[Value]) -> Value {
    let mut output = output.clone();
    output["annotations"] = Value::Array(batch.to_vec());
    output
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Mode, Report};

    fn finding(line: usize, level: Severity, suppressed: bool) -> Finding {
        Finding {
            rule: "cyclomatic".into(),
            level,
            path: "src/a.rs".into(),
            line,
            function: Some(format!("f{line}")),
            value: 31.0,
            threshold: 30.0,
            base_value: None,
            fingerprint: format!("fp{line}"),
            message: "too complex".into(),
            suppressed,
            reason: None,
            baseline: false,
        }
    }

    #[test]
    fn annotations_are_capped_failures_first_and_suppressed_left_out() {
        let mut findings = Vec::new();
        for line in 1..=400 {
            findings.push(finding(line, Severity::Warn, false));
        }
        for line in 401..=700 {
            findings.push(finding(line, Severity::Fail, false));
        }
        findings.push(finding(701, Severity::Fail, true));
        let report = Report::judged(Mode::Range, None, None, vec![], vec![], findings, vec![]);
        let (annotations, left_out) = annotations(&report);
        assert_eq!((annotations.len(), left_out), (MAX_ANNOTATIONS, 200));
        let failures = annotations
            .iter()
            .filter(|a| a["annotation_level"] == "failure")
            .count();
        assert_eq!(failures, 300, "every failure makes the cut");
        assert_eq!(annotations[0]["annotation_level"], "failure");
        assert!(annotations.iter().all(|a| a["start_line"] != 701));
        let text = text(&report, annotations.len(), left_out);
        assert!(text.contains("200 more are not"), "{text}");
    }
}
