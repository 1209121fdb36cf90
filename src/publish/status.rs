//! The commit status: `POST /repos/{owner}/{repo}/statuses/{sha}` with context `debtgate`, so a
//! branch protection rule can require it. State `success` or `failure` from the verdict (`error`
//! when the check itself could not run), a description under GitHub's 140 characters, and a link
//! to the workflow run when the run is known.

use serde_json::{json, Value};

use super::github::{Api, ApiError};
use crate::report::{Report, Verdict};

/// The status context (and check run name).
pub const CONTEXT: &str = "debtgate";
/// GitHub rejects longer descriptions.
pub const DESCRIPTION_LIMIT: usize = 140;

/// Posts `state` with `description` on `sha`.
pub fn post(
    api: &Api,
    sha: &str,
    state: &str,
    description: &str,
    target_url: Option<&str>,
) -> Result<String, ApiError> {
    let url = api.url(&format!("/statuses/{sha}"));
    api.call("POST", &url, Some(&body(state, description, target_url)))?;
    Ok(format!("commit status `{state}` on {}", short(sha)))
}

/// The request body.
pub fn body(state: &str, description: &str, target_url: Option<&str>) -> Value {
    let mut body = json!({
        "state": state,
        "context": CONTEXT,
        "description": clip(description, DESCRIPTION_LIMIT),
    });
    if let Some(url) = target_url {
        body["target_url"] = json!(url);
    }
    body
}

/// The state a report's verdict maps to.
pub fn state(report: &Report) -> &'static str {
    match report.verdict {
        Verdict::Pass => "success",
        Verdict::Fail => "failure",
    }
}

/// One line: the verdict and counts.
pub fn description(report: &Report) -> String {
    let s = &report.summary;
    let verdict = match report.verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
    };
    format!(
        "{verdict}: {} failing, {} warning; {} functions judged in {} files",
        s.failures, s.warnings, s.judged, s.files
    )
}

/// `text` cut to at most `limit` characters, with `…` when cut.
pub fn clip(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

pub(super) fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_stay_under_the_limit_on_a_character_boundary() {
        let long = "é".repeat(500);
        let body = body("error", &long, None);
        let text = body["description"].as_str().expect("a description");
        assert_eq!(text.chars().count(), DESCRIPTION_LIMIT);
        assert!(text.ends_with('…'));
        assert!(body.get("target_url").is_none());
        assert_eq!(clip("short", 140), "short");
    }
}
