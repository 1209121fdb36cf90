//! The GitHub REST API client `publish` uses: one blocking `ureq` agent (rustls for https; plain
//! http works too, which the tests use on loopback), GitHub's headers on every request, and what
//! each kind of answer means to the caller.
//!
//! - 2xx: the JSON body and the `Link: rel="next"` page, if any.
//! - Rate limits (429, or 403 with `x-ratelimit-remaining: 0` or `retry-after`): waits as the
//!   headers say (`retry-after` seconds, else until `x-ratelimit-reset`) and retries, at most
//!   [`ATTEMPTS`] times and never longer than [`MAX_WAIT`] at once; then [`ApiError::RateLimited`].
//! - 502/503/504: retried once after a second (GitHub's front ends answer these in passing).
//! - 403, or 404 "Resource not accessible by integration": [`ApiError::Denied`], a read-only
//!   token (a pull request from a fork) or a missing `permissions:` entry.
//! - Anything else, and network failures: [`ApiError::Failed`] with a message that says what was
//!   asked and what GitHub answered.
//!
//! The token is sent only in the `Authorization` header, never follows a redirect (ureq's
//! default), and every message built here has it replaced by `***`, whatever the server echoes.

use std::time::Duration;

use serde_json::Value;
use ureq::http;

/// Requests made for one call, the first included.
pub const ATTEMPTS: usize = 3;
/// The longest wait for a rate limit; a reset further away is given up on at once.
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// The largest answer read.
const BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// The REST API version debtgate is written against.
pub const API_VERSION: &str = "2022-11-28";

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The token may not do this (403, or 404 "not accessible by integration").
    Denied(String),
    /// Still rate limited after the retries (or the reset is too far away).
    RateLimited(String),
    /// A server error, an unexpected answer or a network failure.
    Failed(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Denied(m) | ApiError::RateLimited(m) | ApiError::Failed(m) => f.write_str(m),
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub struct Reply {
    pub body: Value,
    /// The next page's URL (`Link: <…>; rel="next"`), when on the same API host.
    pub next: Option<String>,
}

/// An authenticated client for one repository.
pub struct Api {
    agent: ureq::Agent,
    base: String,
    token: String,
    /// `owner/name`.
    pub repo: String,
}

/// One answer as read off the wire.
struct Raw {
    status: u16,
    headers: http::HeaderMap,
    body: String,
}

impl Api {
    /// A client for `repo` at `base` (e.g. `https://api.github.com`, or a GitHub Enterprise
    /// `https://HOST/api/v3`).
    pub fn new(base: &str, token: &str, repo: &str) -> Api {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .new_agent();
        Api {
            agent,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
            repo: repo.to_string(),
        }
    }

    /// `{base}/repos/{owner}/{name}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/repos/{}{path}", self.base, self.repo)
    }

    /// Replaces the token wherever it appears in `text`.
    pub fn redact(&self, text: &str) -> String {
        redact(text, &self.token)
    }

    /// Sends one request (with `body` as JSON), retrying rate limits and passing gateway errors.
    pub fn call(&self, method: &str, url: &str, body: Option<&Value>) -> Result<Reply, ApiError> {
        let what = format!("{method} {}", url.strip_prefix(&self.base).unwrap_or(url));
        let mut attempt = 1;
        loop {
            let raw = self.send(method, url, body).map_err(|e| {
                ApiError::Failed(self.redact(&format!(
                    "cannot reach the GitHub API at {} ({what}): {e}",
                    self.base
                )))
            })?;
            let Some(wait) = self.retry_after(&raw, attempt, &what)? else {
                return self.reply(raw, &what);
            };
            note!(
                "debtgate: GitHub answered {} to {what}; retrying in {} s",
                raw.status,
                wait.as_secs()
            );
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    fn send(&self, method: &str, url: &str, body: Option<&Value>) -> Result<Raw, ureq::Error> {
        let request = http::Request::builder()
            .method(method)
            .uri(url)
            .header("authorization", format!("Bearer {}", self.token))
            .header("accept", "application/vnd.github+json")
            .header(
                "user-agent",
                concat!("debtgate/", env!("CARGO_PKG_VERSION")),
            )
            .header("x-github-api-version", API_VERSION);
        let mut response = match body {
            Some(json) => self.agent.run(
                request
                    .header("content-type", "application/json")
                    .body(json.to_string())?,
            )?,
            None => self.agent.run(request.body(())?)?,
        };
        // A page of 100 long comments is a few MB; ureq's default cap is 10 MB.
        let body = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()?;
        Ok(Raw {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body,
        })
    }

    /// How long to wait before trying again, when the answer calls for it; an error when it
    /// does but no attempt (or not long enough a wait) is left.
    fn retry_after(
        &self,
        raw: &Raw,
        attempt: usize,
        what: &str,
    ) -> Result<Option<Duration>, ApiError> {
        let said_so = message(&raw.body).contains("rate limit");
        if let Some(wait) = rate_limit_wait(raw.status, &raw.headers, said_so, now()) {
            if attempt < ATTEMPTS && wait <= MAX_WAIT {
                return Ok(Some(wait));
            }
            return Err(ApiError::RateLimited(self.redact(&format!(
                "GitHub's rate limit stopped {what} ({}; {} requests made, {} s more to wait)",
                message(&raw.body),
                attempt,
                wait.as_secs()
            ))));
        }
        let gateway = matches!(raw.status, 502..=504);
        Ok((gateway && attempt < 2).then_some(Duration::from_secs(1)))
    }

    fn reply(&self, raw: Raw, what: &str) -> Result<Reply, ApiError> {
        if (200..300).contains(&raw.status) {
            // An answer misread as empty would make a second sticky comment: say so instead.
            let body = match raw.body.trim() {
                "" => Value::Null,
                text => serde_json::from_str(text).map_err(|e| {
                    ApiError::Failed(format!("GitHub's answer to {what} is not JSON: {e}"))
                })?,
            };
            let next = next_link(&raw.headers).filter(|u| u.starts_with(&self.base));
            return Ok(Reply { body, next });
        }
        let said = message(&raw.body);
        let text = self.redact(&format!(
            "GitHub answered {} to {what}: {said}",
            status_line(raw.status)
        ));
        let denied = raw.status == 403
            || (raw.status == 404 && said.contains("not accessible by integration"));
        Err(if denied {
            ApiError::Denied(text)
        } else {
            ApiError::Failed(text)
        })
    }
}

/// `text` with every occurrence of `token` replaced by `***`.
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        text.to_string()
    } else {
        text.replace(token, "***")
    }
}

/// The wait a rate-limited answer asks for, or `None` when it is not one. `said_so`: the message
/// names a rate limit (GitHub's secondary limits may come as a bare 403).
fn rate_limit_wait(
    status: u16,
    headers: &http::HeaderMap,
    said_so: bool,
    now: u64,
) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    let retry_after = header("retry-after");
    let exhausted = header("x-ratelimit-remaining") == Some(0);
    if !(status == 429 || (status == 403 && (exhausted || said_so || retry_after.is_some()))) {
        return None;
    }
    let secs = match (retry_after, header("x-ratelimit-reset")) {
        (Some(secs), _) => secs,
        (None, Some(reset)) => reset.saturating_sub(now) + 1,
        // GitHub's advice for a secondary limit that names no time: a minute.
        (None, None) => 60,
    };
    Some(Duration::from_secs(secs))
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(headers: &http::HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

/// GitHub's `message` from an error body, or the start of the body.
fn message(body: &str) -> String {
    let said = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_string))
        .unwrap_or_else(|| body.trim().to_string());
    let said: String = said.chars().take(300).collect();
    if said.is_empty() {
        "(no message)".to_string()
    } else {
        said
    }
}

fn status_line(status: u16) -> String {
    match http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().expect("a header value"));
        }
        map
    }

    #[test]
    fn rate_limits_are_told_apart_from_permission_errors() {
        let wait =
            |status, h: &[(&'static str, &str)]| rate_limit_wait(status, &headers(h), false, 1000);
        assert_eq!(wait(403, &[]), None, "a plain 403 is a denial");
        assert_eq!(wait(403, &[("x-ratelimit-remaining", "5")]), None);
        assert_eq!(
            wait(403, &[("retry-after", "7")]),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            wait(
                403,
                &[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", "1030")
                ]
            ),
            Some(Duration::from_secs(31))
        );
        assert_eq!(wait(429, &[]), Some(Duration::from_secs(60)));
        assert_eq!(wait(500, &[("retry-after", "1")]), None);
        let secondary = rate_limit_wait(403, &headers(&[]), true, 1000);
        assert_eq!(secondary, Some(Duration::from_secs(60)));
    }

    #[test]
    fn the_next_page_comes_from_the_link_header() {
        let h = headers(&[(
            "link",
            "<https://api.github.com/x?page=3>; rel=\"next\", <https://api.github.com/x?page=9>; rel=\"last\"",
        )]);
        assert_eq!(
            next_link(&h).as_deref(),
            Some("https://api.github.com/x?page=3")
        );
        let last = headers(&[("link", "<https://api.github.com/x?page=1>; rel=\"prev\"")]);
        assert_eq!(next_link(&last), None);
    }

    #[test]
    fn tokens_are_redacted_and_messages_bounded() {
        assert_eq!(
            redact("Bearer ghs_abc and ghs_abc", "ghs_abc"),
            "Bearer *** and ***"
        );
        assert_eq!(redact("nothing", ""), "nothing");
        assert_eq!(
            message(r#"{"message": "Bad credentials"}"#),
            "Bad credentials"
        );
        assert_eq!(message(&"x".repeat(1000)).len(), 300);
        assert_eq!(message(""), "(no message)");
    }
}
