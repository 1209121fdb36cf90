//! `debtgate report merge REPORT.json…`: the front-end of [`crate::report::merge`]. Reads the JSON
//! reports of every shard of one `check --shard K/N` run, merges them into the report of the whole
//! change, and delivers it as `check` delivers its own: `--format` on stdout, `--output
//! FORMAT=PATH` files, with `--ci` the GitHub job summary and step outputs, with `--publish` the
//! commit status, check run and pull-request comment. Exits with the merged verdict; reports that
//! do not belong together are a usage error (exit 2), with the reason.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::check::deliver;
use super::output::{parse_output, Output};
use crate::exit::Exit;
use crate::report::{self, Format, Verdict};

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Combine the JSON reports of all shards of one `check --shard K/N` run into one report:
    /// one verdict, every format. Refuses reports of different runs, a shard given twice or
    /// missing.
    Merge(MergeArgs),
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shards' JSON reports (`check --shard K/N --output json=FILE`), in any order.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Output format on stdout [default: human; github with --ci].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write the merged report in FORMAT to PATH; repeat for several.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<Output>,
    /// In GitHub Actions: append the summary to GITHUB_STEP_SUMMARY, write verdict/failures/
    /// warnings to GITHUB_OUTPUT and print annotations, as `check --ci` does.
    #[arg(long)]
    pub ci: bool,
    /// Publish the merged report to GitHub as `debtgate publish` does: a commit status, a check
    /// run with annotations, a sticky pull-request comment.
    #[arg(long)]
    pub publish: bool,
}

pub fn run(command: ReportCommand) -> Result<Exit> {
    match command {
        ReportCommand::Merge(args) => merge(args),
    }
}

fn merge(args: MergeArgs) -> Result<Exit> {
    // Before the work: a missing token or repository is said at once.
    let publish_to = crate::publish::Target::if_asked(args.publish)?;
    let merged = read_all(&args.reports).and_then(|reports| Ok(report::merge(reports)?));
    let mut merged =
        merged.map_err(|err| super::publish::check_failed(publish_to.as_ref(), err))?;
    let format = args.format.unwrap_or(if args.ci {
        Format::Github
    } else {
        Format::Human
    });
    deliver(
        &mut merged,
        &args.output,
        args.ci,
        (format, report::Detail::Grouped),
    )?;
    crate::publish::after_check(publish_to.as_ref(), &merged, args.ci)?;
    Ok(match merged.verdict {
        Verdict::Pass => Exit::Pass,
        Verdict::Fail => Exit::Fail,
    })
}

/// Each report read and parsed, named by its path.
fn read_all(paths: &[PathBuf]) -> Result<Vec<(String, report::Report)>> {
    paths
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read the report {name}"))?;
            let report = report::parse_json(&bytes).with_context(|| name.clone())?;
            Ok((name, report))
        })
        .collect()
}
