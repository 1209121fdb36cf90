//! The sticky pull-request comment: one comment per pull request, recognised by the hidden
//! [`MARKER`] it starts with, rewritten on every push instead of piling up.
//!
//! The pull request's comments are read page by page (`GET /issues/{n}/comments`, 100 a page,
//! following `Link: rel="next"`, at most [`MAX_PAGES`] pages); the first comment that starts
//! with the marker is updated (`PATCH /issues/comments/{id}`), and a new one is created
//! (`POST /issues/{n}/comments`) only when none does. The body is the Markdown summary under
//! GitHub's 65,536-character limit.

use serde_json::{json, Value};

use super::github::{Api, ApiError};
use crate::report::{self, Report};

/// Starts every sticky comment; invisible in the rendered Markdown.
pub const MARKER: &str = "<!-- debtgate:sticky -->";
/// Pages of 100 comments read at most while looking for the sticky one.
pub const MAX_PAGES: usize = 50;

/// Creates or updates the sticky comment on pull request `number`.
pub fn post(api: &Api, number: u64, report: &Report) -> Result<String, ApiError> {
    post_text(api, number, &body(report))
}

/// [`post`] with a body already written (it must start with [`MARKER`]).
pub fn post_text(api: &Api, number: u64, text: &str) -> Result<String, ApiError> {
    let body = json!({ "body": text });
    match find(api, number)? {
        Some(id) => {
            let url = api.url(&format!("/issues/comments/{id}"));
            api.call("PATCH", &url, Some(&body))?;
            Ok(format!("updated comment {id} on pull request #{number}"))
        }
        None => {
            let url = api.url(&format!("/issues/{number}/comments"));
            let reply = api.call("POST", &url, Some(&body))?;
            let id = reply.body.get("id").and_then(Value::as_u64).unwrap_or(0);
            Ok(format!("created comment {id} on pull request #{number}"))
        }
    }
}

/// The comment: the marker, then the Markdown capped so the whole stays under the limit.
pub fn body(report: &Report) -> String {
    let limit = report::COMMENT_LIMIT - MARKER.len() - 1;
    format!(
        "{MARKER}\n{}",
        report::render_markdown_capped(report, limit)
    )
}

/// The id of the sticky comment, if the pull request has one.
fn find(api: &Api, number: u64) -> Result<Option<u64>, ApiError> {
    let mut url = Some(api.url(&format!("/issues/{number}/comments?per_page=100")));
    for _ in 0..MAX_PAGES {
        let Some(page) = url.take() else { break };
        let reply = api.call("GET", &page, None)?;
        let found = reply.body.as_array().into_iter().flatten().find(|c| {
            c.get("body")
                .and_then(Value::as_str)
                .is_some_and(|b| b.starts_with(MARKER))
        });
        if let Some(id) = found.and_then(|c| c.get("id")).and_then(Value::as_u64) {
            return Ok(Some(id));
        }
        url = reply.next;
    }
    Ok(None)
}
