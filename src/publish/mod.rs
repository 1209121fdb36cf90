//! Publishing a [`Report`] to a pull request through the GitHub REST API: `debtgate publish
//! --report FILE` and `debtgate check --publish`. Three parts, in this order:
//!
//! 1. a commit status on the head commit ([`status`]), context `debtgate`;
//! 2. a check run with the findings as annotations in batches of 50 ([`check_run`]);
//! 3. one sticky comment on the pull request, updated on every push ([`comment`]); skipped when
//!    the event is not a pull request.
//!
//! Where: `GITHUB_API_URL` (default `https://api.github.com`, so GitHub Enterprise works),
//! `GITHUB_REPOSITORY`, the token in `GITHUB_TOKEN`, the head commit and pull request number
//! from the event payload (`GITHUB_EVENT_NAME` / `GITHUB_EVENT_PATH`, read by `ci.rs`), else the
//! report's head or `GITHUB_SHA`. The run's page (`GITHUB_SERVER_URL`, `GITHUB_RUN_ID`) becomes
//! the status link.
//!
//! A part the token may not write (a pull request from a fork gets a read-only token) or that
//! GitHub's rate limit stops is not an error: the [`Outcome`] lists it and the caller says so in
//! one notice and leaves the verdict to the job summary; the exit code follows the verdict. Other
//! failures (5xx, the network, a bad token) stop publishing with an error that says what was
//! already published. The token never appears in any message ([`github`] redacts it).

pub mod check_run;
pub mod comment;
pub mod github;
pub mod skipped;
pub mod status;

use crate::ci::Event;
use crate::report::Report;
use github::{Api, ApiError};

/// Why publishing stopped: the environment does not say where or as whom, or a part failed
/// (neither a denial nor a rate limit). The messages say what to do and what was published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Ci(#[from] crate::ci::CiError),
    #[error("{0}")]
    Failed(String),
}

type Result<T, E = PublishError> = std::result::Result<T, E>;

fn setup<T>(message: impl Into<String>) -> Result<T> {
    Err(PublishError::Setup(message.into()))
}

/// Where and as whom to publish, from the environment.
pub struct Target {
    pub api: Api,
    /// The commit the event is about, when there is an event payload.
    pub(crate) event_sha: Option<String>,
    /// The pull request, when the event is one.
    pub pull_request: Option<u64>,
    /// The workflow run's page.
    pub run_url: Option<String>,
}

impl Target {
    /// The target when publishing was asked for (`check --publish`), read before the check runs
    /// so a missing token is said at once.
    pub fn if_asked(asked: bool) -> Result<Option<Target>> {
        asked.then(Target::from_env).transpose()
    }

    /// Reads `GITHUB_TOKEN`, `GITHUB_REPOSITORY`, `GITHUB_API_URL` and the event.
    pub fn from_env() -> Result<Target> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let Some(token) = var("GITHUB_TOKEN") else {
            return setup(
                "publishing needs a token in GITHUB_TOKEN (in a workflow: `env: GITHUB_TOKEN: ${{ \
                 github.token }}`)",
            );
        };
        let Some(repo) = var("GITHUB_REPOSITORY") else {
            return setup(
                "publishing needs GITHUB_REPOSITORY (`owner/name`; set by GitHub Actions)",
            );
        };
        if repo.split('/').filter(|p| !p.is_empty()).count() != 2 {
            return setup(format!("GITHUB_REPOSITORY is `{repo}`, not `owner/name`"));
        }
        let api_url = var("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into());
        check_api_url(&api_url)?;
        let event = match (var("GITHUB_EVENT_NAME"), var("GITHUB_EVENT_PATH")) {
            (Some(_), Some(_)) => Some(Event::from_env()?),
            _ => None,
        };
        let run_url = match (var("GITHUB_SERVER_URL"), var("GITHUB_RUN_ID")) {
            (Some(server), Some(run)) => Some(format!(
                "{}/{repo}/actions/runs/{run}",
                server.trim_end_matches('/')
            )),
            _ => None,
        };
        Ok(Target {
            api: Api::new(&api_url, &token, &repo),
            event_sha: event.as_ref().and_then(head_sha),
            pull_request: event.as_ref().and_then(pull_request),
            run_url,
        })
    }

    /// The commit to publish on: the event's head, else the report's, else `GITHUB_SHA`.
    pub fn sha(&self, report: Option<&Report>) -> Result<String> {
        self.event_sha
            .clone()
            .or_else(|| report.and_then(|r| r.head.clone()))
            .or_else(|| std::env::var("GITHUB_SHA").ok().filter(|s| !s.is_empty()))
            .ok_or_else(|| {
                PublishError::Setup(
                    "no commit to publish on: the event payload, the report and GITHUB_SHA name \
                     none"
                        .into(),
                )
            })
    }
}

/// The API must be https: the token goes in a header. Plain http only to this machine (a local
/// proxy, the tests).
fn check_api_url(url: &str) -> Result<()> {
    if url.starts_with("https://") {
        return Ok(());
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return setup(format!("GITHUB_API_URL is `{url}`, not an https URL"));
    };
    let host = rest.split('/').next().unwrap_or_default();
    let host = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let loopback_ip = host
        .parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback());
    if matches!(host, "localhost" | "[::1]") || loopback_ip {
        return Ok(());
    }
    setup(format!(
        "GITHUB_API_URL is `{url}`: the token would travel unencrypted; use https"
    ))
}

/// The head commit an event is about.
fn head_sha(event: &Event) -> Option<String> {
    let pointer = match event.name.as_str() {
        "pull_request" | "pull_request_target" | "pull_request_review" => "/pull_request/head/sha",
        "merge_group" => "/merge_group/head_sha",
        "push" => "/after",
        "workflow_run" => "/workflow_run/head_sha",
        _ => return None,
    };
    let sha = event.payload.pointer(pointer)?.as_str()?;
    (!sha.is_empty() && !sha.bytes().all(|b| b == b'0')).then(|| sha.to_string())
}

/// The pull request number of a pull-request event (or of the pull request a `workflow_run`
/// ran for, which GitHub names only when the pull request is not from a fork).
fn pull_request(event: &Event) -> Option<u64> {
    let p = &event.payload;
    let number = match event.name.as_str() {
        name if name.starts_with("pull_request") => p
            .pointer("/pull_request/number")
            .or_else(|| p.pointer("/number")),
        "workflow_run" => p.pointer("/workflow_run/pull_requests/0/number"),
        _ => None,
    };
    number.and_then(serde_json::Value::as_u64)
}

/// A part of the publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Status,
    CheckRun,
    Comment,
}

impl Part {
    pub fn name(self) -> &'static str {
        match self {
            Part::Status => "the commit status",
            Part::CheckRun => "the check run",
            Part::Comment => "the pull-request comment",
        }
    }

    /// The `permissions:` entry the part needs.
    pub fn permission(self) -> &'static str {
        match self {
            Part::Status => "statuses: write",
            Part::CheckRun => "checks: write",
            Part::Comment => "pull-requests: write",
        }
    }
}

/// What publishing did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// What was published, one line each.
    pub published: Vec<String>,
    /// Parts the token may not write, with GitHub's answer.
    pub denied: Vec<(Part, String)>,
    /// Parts the rate limit stopped.
    pub rate_limited: Vec<(Part, String)>,
}

impl Outcome {
    /// The one notice for the parts that were not published, if any.
    pub fn notice(&self) -> Option<String> {
        let mut lines = Vec::new();
        if !self.denied.is_empty() {
            let parts: Vec<&str> = self.denied.iter().map(|(p, _)| p.name()).collect();
            let perms: Vec<&str> = self.denied.iter().map(|(p, _)| p.permission()).collect();
            lines.push(format!(
                "debtgate could not publish {}: the token may not write it ({}). A pull request \
                 from a fork gets a read-only GITHUB_TOKEN; otherwise give the workflow \
                 `permissions: {}`.",
                parts.join(", "),
                self.denied[0].1,
                perms.join(", ")
            ));
        }
        if !self.rate_limited.is_empty() {
            let parts: Vec<&str> = self.rate_limited.iter().map(|(p, _)| p.name()).collect();
            lines.push(format!(
                "debtgate could not publish {}: {}.",
                parts.join(", "),
                self.rate_limited[0].1
            ));
        }
        (!lines.is_empty()).then(|| lines.join(" "))
    }
}

/// Publishes `report`: status, check run, and (on a pull request) the sticky comment.
pub fn publish(target: &Target, report: &Report) -> Result<Outcome> {
    let sha = target.sha(Some(report))?;
    let mut outcome = Outcome::default();
    let api = &target.api;
    let run_url = target.run_url.as_deref();
    let status = status::post(
        api,
        &sha,
        status::state(report),
        &status::description(report),
        run_url,
    );
    record(&mut outcome, Part::Status, status)?;
    let run = check_run::post(api, &sha, report, run_url);
    record(&mut outcome, Part::CheckRun, run)?;
    match target.pull_request {
        Some(number) => {
            let comment = comment::post(api, number, report);
            record(&mut outcome, Part::Comment, comment)?;
        }
        None => note!("debtgate: not a pull request: no comment to publish"),
    }
    Ok(outcome)
}

pub use skipped::publish_skipped;

/// Posts an `error` commit status: the check could not reach a verdict.
pub fn publish_error(target: &Target, error: &str) -> Result<Outcome> {
    let sha = target.sha(None)?;
    let first_line = error.lines().next().unwrap_or("error");
    let description = target.api.redact(&format!("error: {first_line}"));
    let mut outcome = Outcome::default();
    let posted = status::post(
        &target.api,
        &sha,
        "error",
        &description,
        target.run_url.as_deref(),
    );
    record(&mut outcome, Part::Status, posted)?;
    Ok(outcome)
}

/// Files a part's result; an error that is neither a denial nor a rate limit stops publishing.
pub(crate) fn record(
    outcome: &mut Outcome,
    part: Part,
    result: Result<String, ApiError>,
) -> Result<()> {
    match result {
        Ok(done) => {
            note!("debtgate: published {done}");
            outcome.published.push(done);
        }
        Err(ApiError::Denied(why)) => outcome.denied.push((part, why)),
        Err(ApiError::RateLimited(why)) => outcome.rate_limited.push((part, why)),
        Err(ApiError::Failed(why)) => {
            let done = if outcome.published.is_empty() {
                "nothing was published".to_string()
            } else {
                format!("already published: {}", outcome.published.join("; "))
            };
            return Err(PublishError::Failed(format!(
                "cannot publish {}: {why} ({done})",
                part.name()
            )));
        }
    }
    Ok(())
}

/// Says what was not published in one notice (a `::warning` inside GitHub Actions) and, unless
/// this run already wrote it, appends the Markdown summary to `GITHUB_STEP_SUMMARY` so the
/// verdict is still where reviewers look.
pub fn fall_back(outcome: &Outcome, report: Option<&Report>, summary_written: bool) -> Result<()> {
    let Some(mut notice) = outcome.notice() else {
        return Ok(());
    };
    if std::env::var_os("GITHUB_STEP_SUMMARY").is_some_and(|p| !p.is_empty()) {
        notice.push_str(" The verdict is in the job summary.");
    }
    if crate::ci::in_github_actions() {
        note!(
            "::warning title=debtgate::{}",
            crate::report::github_data(&notice)
        );
    } else {
        note!("debtgate: warning: {notice}");
    }
    match report {
        Some(report) if !summary_written => Ok(crate::ci::write_summary(report)?),
        _ => Ok(()),
    }
}

/// `check --publish` after the check: publishes the report, then says what could not be
/// published (`summary_written`: the check already wrote the job summary).
pub fn after_check(target: Option<&Target>, report: &Report, summary_written: bool) -> Result<()> {
    let Some(target) = target else {
        return Ok(());
    };
    let outcome = publish(target, report)?;
    fall_back(&outcome, Some(report), summary_written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_only_travels_over_https_or_to_this_machine() {
        assert!(check_api_url("https://api.github.com").is_ok());
        assert!(check_api_url("https://ghe.example/api/v3").is_ok());
        assert!(check_api_url("http://127.0.0.1:8080").is_ok());
        assert!(check_api_url("http://localhost/api/v3").is_ok());
        assert!(check_api_url("http://[::1]:9000").is_ok());
        let err = check_api_url("http://ghe.example/api/v3").expect_err("plain http");
        assert!(err.to_string().contains("unencrypted"), "{err}");
        assert!(check_api_url("http://127.0.0.1.evil.example").is_err());
        assert!(check_api_url("http://127.0.0.1@evil.example").is_err());
        assert!(check_api_url("ftp://x").is_err());
    }
}
