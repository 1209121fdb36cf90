//! `debtgate publish --report FILE`: read a JSON report written earlier and publish it
//! ([`crate::publish`]); the exit status is the report's verdict. Also what `check --publish`
//! does when the check itself failed.

use anyhow::{Context, Result};

use crate::publish::{fall_back, publish, publish_error, Target};

/// `debtgate publish`'s arguments.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// The JSON report to publish (`debtgate check --output json=FILE` writes one); `-` reads it
    /// from stdin.
    #[arg(long, value_name = "FILE")]
    pub report: std::path::PathBuf,
    /// The commit to publish on [default: the event's head commit, else the report's head, else
    /// GITHUB_SHA].
    #[arg(long, value_name = "SHA")]
    pub sha: Option<String>,
    /// The pull request to comment on [default: the event's].
    #[arg(long, value_name = "NUMBER")]
    pub pull_request: Option<u64>,
}

/// `debtgate publish`: reads a JSON report written earlier and publishes it. The exit status is
/// the report's verdict.
pub fn run(args: &PublishArgs) -> Result<crate::exit::Exit> {
    let mut target = Target::from_env()?;
    if let Some(sha) = &args.sha {
        target.event_sha = Some(sha.clone());
    }
    if args.pull_request.is_some() {
        target.pull_request = args.pull_request;
    }
    let bytes = if args.report.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .context("cannot read the report from stdin")?;
        buf
    } else {
        std::fs::read(&args.report)
            .with_context(|| format!("cannot read the report {}", args.report.display()))?
    };
    let report = crate::report::parse_json(&bytes)
        .with_context(|| format!("{} cannot be published", args.report.display()))?;
    let outcome = publish(&target, &report)?;
    fall_back(&outcome, Some(&report), false)?;
    Ok(match report.verdict {
        crate::report::Verdict::Pass => crate::exit::Exit::Pass,
        crate::report::Verdict::Fail => crate::exit::Exit::Fail,
    })
}

/// `check --publish` when the check itself failed: posts an `error` status naming the error (so
/// the pull request does not wait for a status that never comes) and gives the error back.
pub fn check_failed(target: Option<&Target>, err: anyhow::Error) -> anyhow::Error {
    let Some(target) = target else {
        return err;
    };
    match publish_error(target, &format!("{err:#}")) {
        Ok(outcome) => {
            if let Err(e) = fall_back(&outcome, None, true) {
                note!("debtgate: {e:#}");
            }
        }
        Err(e) => note!("debtgate: {e:#}"),
    }
    err
}
