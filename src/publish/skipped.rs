//! A skip published as what it is: the gate did not judge the change (`DEBTGATE_SKIP`, allowed in
//! CI by `allow_skip_in_ci`; see `commands/skip.rs`). Never a pass, so:
//!
//! - the check run `debtgate` is completed with conclusion `skipped` (GitHub's own word for it);
//! - the commit status `debtgate` is `pending` — statuses have no "skipped", and `success` would
//!   be a pass: a branch protection rule that requires the status keeps the pull request waiting
//!   for a real verdict;
//! - the sticky comment, if the pull request has one or is one, says skipped, so that an earlier
//!   run's verdict does not stand for this commit.

use serde_json::json;

use super::status::{self, short, CONTEXT};
use super::{comment, record, Outcome, Part, Target};
use crate::report::render_skipped as text;

/// Publishes that the gate was skipped, and why (`why`, one line).
pub fn publish_skipped(target: &Target, why: &str) -> Result<Outcome, super::PublishError> {
    let sha = target.sha(None)?;
    let api = &target.api;
    let run_url = target.run_url.as_deref();
    let mut outcome = Outcome::default();
    let description = format!("skipped, not judged: {why}");
    let posted = status::post(api, &sha, "pending", &description, run_url);
    record(&mut outcome, Part::Status, posted)?;
    let mut run = json!({
        "name": CONTEXT,
        "head_sha": sha,
        "status": "completed",
        "conclusion": "skipped",
        "output": {
            "title": "skipped: the change was not judged",
            "summary": text(why),
        },
    });
    if let Some(url) = run_url {
        run["details_url"] = json!(url);
    }
    let created = api
        .call("POST", &api.url("/check-runs"), Some(&run))
        .map(|_| format!("check run `skipped` on {}", short(&sha)));
    record(&mut outcome, Part::CheckRun, created)?;
    if let Some(number) = target.pull_request {
        let body = format!("{}\n{}", comment::MARKER, text(why));
        record(
            &mut outcome,
            Part::Comment,
            comment::post_text(api, number, &body),
        )?;
    }
    Ok(outcome)
}
