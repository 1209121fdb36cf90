//! `debtgate check`: the gate's front-end. Resolves what to judge (the CI event's range, a range,
//! `--all`, paths or the staged change), calls [`crate::check::check`], writes the outputs and
//! stdout, publishes when asked, and maps the verdict to the exit code.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::ValueEnum;

use super::output::{parse_output, write_outputs, write_report, Output};
use super::skip;
use super::{current_dir, size_pool};
use crate::check::{CheckOptions, ConfigFrom, Target};
use crate::config;
use crate::exit::Exit;
use crate::report::{self, Detail, Format};
use crate::timings::Stage;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Judge `git diff BASE...HEAD` (the change since HEAD forked from BASE) instead of the
    /// staged change.
    #[arg(long, value_name = "REV", conflicts_with_all = ["all", "paths"])]
    pub base: Option<String>,
    /// The head of the range (with --base).
    #[arg(long, value_name = "REV", default_value = "HEAD", requires = "base")]
    pub head: String,
    /// Judge every tracked file at HEAD, every function against the thresholds.
    #[arg(long, conflicts_with = "paths")]
    pub all: bool,
    /// Judge these files as they are in the worktree, against HEAD (for editors).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub paths: Vec<PathBuf>,
    /// Use this configuration file instead of .debtgate.yaml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// In a range, whose .debtgate.yaml judges the change: the base's (default: a change cannot
    /// loosen the gate that judges it) or the head's.
    #[arg(long, value_enum, default_value_t = ConfigFromArg::Base)]
    pub config_from: ConfigFromArg,
    /// Judge the change of this GitHub Actions run (its pull request or push, from
    /// GITHUB_EVENT_NAME / GITHUB_EVENT_PATH), append the summary to GITHUB_STEP_SUMMARY, write
    /// verdict/failures/warnings to GITHUB_OUTPUT and print annotations. The default when
    /// GITHUB_ACTIONS=true and no range is given (DEBTGATE_CI=0 turns that off).
    #[arg(long, conflicts_with_all = ["base", "all", "paths"])]
    pub ci: bool,
    /// In a range (--base or --ci), fetch from origin whatever a shallow checkout lacks: the base
    /// and head commits and enough history for their merge-base.
    #[arg(long, conflicts_with_all = ["all", "paths"])]
    pub fetch_base: bool,
    /// After the check, publish the report to GitHub as `debtgate publish` does: a commit
    /// status, a check run with annotations, a sticky pull-request comment. A read-only token
    /// (fork pull requests) gives a notice, not a failure; the exit code follows the verdict.
    #[arg(long)]
    pub publish: bool,
    /// Output format on stdout [default: human; github with --ci].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write the report in FORMAT to PATH; repeat for several (e.g. `--output
    /// sarif=debtgate.sarif --output junit=junit.xml`).
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<Output>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// How long to analyse: `500ms`, `10s`, `2m`, or `none` [default: `budget` in .debtgate.yaml
    /// for this kind of run]. The riskiest files go first; files not reached in time are listed
    /// as not analysed, and `on_budget_exceeded` decides whether that passes.
    #[arg(long, value_name = "DURATION", value_parser = parse_budget)]
    pub budget: Option<BudgetArg>,
    /// Leave the base branch's trend (from the store's `debtgate trend` records) out of the
    /// Markdown summary and the pull-request comment.
    #[arg(long)]
    pub no_trend: bool,
    /// Print per-stage times (change set, config, store, analysis, policy, report) on stderr and
    /// add them to the JSON report as `timings`.
    #[arg(long)]
    pub timings: bool,
    /// Judge only part K of N of the files (with --all, --base or --ci), to split one check over
    /// N machines; every shard of a run splits alike. `debtgate report merge` combines their JSON
    /// reports into the verdict of the whole change (docs/ci.md).
    #[arg(long, value_name = "K/N", conflicts_with_all = ["paths", "publish"])]
    pub shard: Option<crate::shard::Shard>,
    /// List every file not analysed in the human report (by default each reason is counted, with
    /// a few of its paths; the JSON report always lists every one).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Known debt from this file instead of .debtgate-baseline.json (which a range reads from
    /// the base revision, like the policy).
    #[arg(long, value_name = "PATH", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Use no baseline: every finding counts.
    #[arg(long)]
    pub no_baseline: bool,
}

/// A `--budget` value: a limit, or none.
#[derive(Debug, Clone, Copy)]
pub struct BudgetArg(pub Option<std::time::Duration>);

fn parse_budget(arg: &str) -> Result<BudgetArg, String> {
    config::budget::parse_duration(arg).map(BudgetArg)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConfigFromArg {
    Base,
    Head,
}

/// Commits of the base branch the summary's trend covers.
const TREND_COMMITS: usize = crate::trend::stored::COMMITS;

pub fn run(mut args: CheckArgs) -> Result<Exit> {
    // A person's skip needs nothing: no repository, no policy (`skip.rs` for CI).
    if skip::requested() && skip::ci_signal(args.ci).is_none() && !args.publish {
        return skip::skipped(
            &format!("skipped because {} is set", skip::VAR),
            false,
            None,
        );
    }
    size_pool(args.jobs)?;
    // Before the work: a missing token or repository is said at once.
    let publish_to = crate::publish::Target::if_asked(args.publish)?;
    let (target, ci) = target_of(&mut args)?;
    // A range's base branch, whose stored trend the summary shows.
    let trend_of = match &target {
        Target::Range { base, .. } => Some(base.clone()),
        _ => None,
    };
    // A shard's verdict is not the change's: in CI it writes its `--output` files, and the job
    // that runs `report merge` writes the summary, the annotations and the step outputs.
    let publishes = ci && args.shard.is_none();
    let format = args.format.unwrap_or(if publishes {
        Format::Github
    } else {
        Format::Human
    });
    let opts = CheckOptions {
        target,
        config: args.config,
        config_from: match args.config_from {
            ConfigFromArg::Base => ConfigFrom::Base,
            ConfigFromArg::Head => ConfigFrom::Head,
        },
        dir: current_dir()?,
        budget: args.budget.map(|b| b.0),
        timings: args.timings,
        shard: args.shard,
        baseline: match (args.baseline, args.no_baseline) {
            (Some(path), _) => crate::baseline::Choice::File(path),
            (None, true) => crate::baseline::Choice::Off,
            (None, false) => crate::baseline::Choice::Discover,
        },
    };
    let refused = match skip::decide(args.ci || ci, || Ok(crate::check::policy(&opts)?))
        .map_err(|err| super::publish::check_failed(publish_to.as_ref(), err))?
    {
        skip::Decision::Skip(notice) => return skip::skipped(&notice, ci, publish_to.as_ref()),
        skip::Decision::Judge(refused) => refused,
    };
    let mut report = crate::check::check(&opts)
        .map_err(|err| super::publish::check_failed(publish_to.as_ref(), err.into()))?;
    if let Some(notice) = refused {
        note!("debtgate: {notice}");
        report.notices.push(notice);
    }
    if let (false, Some(base)) = (args.no_trend, &trend_of) {
        report.trend = crate::trend::stored::branch(&current_dir()?, base, TREND_COMMITS);
    }
    let detail = if args.verbose {
        Detail::Full
    } else {
        Detail::Grouped
    };
    deliver(&mut report, &args.output, publishes, (format, detail))?;
    crate::publish::after_check(publish_to.as_ref(), &report, publishes)?;
    Ok(match report.verdict {
        report::Verdict::Pass => Exit::Pass,
        report::Verdict::Fail => Exit::Fail,
    })
}

/// What `check` judges, and whether it runs as a CI step: the event's range inside GitHub
/// Actions (with `--ci`, or by default there when nothing else is asked), fetching the base
/// first with `--fetch-base`; otherwise the range, `--all`, the paths or the staged change.
fn target_of(args: &mut CheckArgs) -> Result<(Target, bool)> {
    let ci = args.ci
        || (args.base.is_none()
            && !args.all
            && args.paths.is_empty()
            && crate::ci::in_github_actions());
    let (base, head) = if ci {
        let event = crate::ci::Event::from_env()?;
        let range = event.range()?;
        note!(
            "debtgate: GitHub `{}` event: judging {}...{}",
            event.name,
            range.base,
            range.head
        );
        (Some(range.base), range.head)
    } else {
        (args.base.take(), std::mem::take(&mut args.head))
    };
    if let (true, Some(base)) = (args.fetch_base, &base) {
        let dir = current_dir()?;
        crate::ci::fetch_base(&dir, base, &head)?;
    }
    let target = match (base, args.all, args.paths.is_empty()) {
        (Some(base), _, _) => Target::Range { base, head },
        (None, true, _) => Target::All,
        (None, false, false) => Target::Paths(std::mem::take(&mut args.paths)),
        (None, false, true) => Target::Staged,
    };
    Ok((target, ci))
}

/// Writes the `--output` files, publishes in CI, writes stdout; with `--timings`, times that and
/// prints the table on stderr.
pub(super) fn deliver(
    report: &mut report::Report,
    outputs: &[Output],
    ci: bool,
    (format, detail): (Format, Detail),
) -> Result<()> {
    let rendering = std::time::Instant::now();
    write_outputs(report, outputs, detail)?;
    if ci {
        crate::ci::publish(report)?;
    }
    // The JSON on stdout can hold the time spent on the outputs before it, not its own.
    let before_stdout = ms_since(rendering);
    if let Some(t) = report.timings.as_mut() {
        t.add(Stage::Render, before_stdout);
    }
    let rendering = std::time::Instant::now();
    write_report(report, format, detail)?;
    if let Some(t) = report.timings.as_mut() {
        t.add(Stage::Render, ms_since(rendering));
        let mut table = Vec::new();
        t.write_table(&mut table)?;
        // Like every message on stderr: a closed stderr is not a reason to stop (`note!`).
        let _ = io::stderr().write_all(&table);
    }
    Ok(())
}

fn ms_since(start: std::time::Instant) -> f64 {
    start.elapsed().as_micros() as f64 / 1000.0
}
