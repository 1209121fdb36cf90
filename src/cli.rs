//! The command line: parsing (clap) and dispatch to the pipeline in `lib.rs`. Writes the report to
//! stdout and nothing else; errors go to stderr through `main`.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{CheckOptions, ConfigFrom, Target};
use crate::config;
use crate::exit::{Exit, Quiet};
use crate::timings::Stage;
use crate::{analyze_paths, report, AnalyzeOptions};

#[derive(Debug, Parser)]
#[command(
    name = "debtgate",
    version,
    about = "A quality gate that stops technical debt from growing."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The gate: judge the staged change (default), a range, every file, or given files.
    Check(CheckArgs),
    /// Measure files and folders (default: the current directory), without any git change set.
    Analyze(AnalyzeArgs),
    /// Why a file or function passes or fails: its metrics, the thresholds that apply and where
    /// they were set.
    Explain(ExplainArgs),
    /// Check the set-up: git, the repository, the configuration, the hooks, the CI environment.
    Doctor,
    /// Check, show or describe the configuration (.debtgate.yaml).
    #[command(subcommand)]
    Config(config::commands::ConfigCommand),
    /// Write a commented .debtgate.yaml at the repository root, its thresholds fitted to the
    /// functions at HEAD.
    Init(config::commands::InitArgs),
    /// Propose thresholds from the functions at HEAD (`suggest`).
    #[command(subcommand)]
    Thresholds(crate::thresholds::cli::ThresholdsCommand),
    /// Install or remove debtgate's git hooks (pre-commit, pre-push).
    Hook(crate::hooks::HookArgs),
    /// Look after the measurement store: stats, gc, verify, export, import, clear.
    #[command(subcommand)]
    Store(crate::store::cli::StoreCommand),
    /// Publish a JSON report to GitHub: a commit status, a check run with annotations and a
    /// sticky pull-request comment (GITHUB_TOKEN, GITHUB_REPOSITORY, the event payload). Exits
    /// with the report's verdict.
    Publish(crate::publish::PublishArgs),
    /// This repository's background daemon: start, stop, status (Unix only).
    #[command(subcommand)]
    Daemon(crate::daemon::cli::DaemonCommand),
    /// Measure every file of HEAD and of the upstream's merge-base into the store, here and now.
    Warm,
}

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
    /// Print per-stage times (change set, config, store, analysis, policy, report) on stderr and
    /// add them to the JSON report as `timings`.
    #[arg(long)]
    pub timings: bool,
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

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// `PATH` or `PATH:FUNCTION` (a function name or qualified name, e.g. `src/a.rs:Parser::parse`).
    pub target: String,
    /// Use this configuration file instead of .debtgate.yaml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Files or folders to measure. Folders are walked honouring .gitignore and skipping hidden
    /// files; a file named here is always measured.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write the report in FORMAT to PATH; repeat for several.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<Output>,
    /// Files larger than this many bytes are listed as skipped, not measured (default: the
    /// policy's `max_file_size`, from .debtgate.yaml or the built-in default).
    #[arg(long)]
    pub max_file_size: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a terminal.
    Human,
    /// The `debtgate.report/1` document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A job summary (capped under 1 MiB).
    Markdown,
    /// The same Markdown capped at 65,536 characters, for a pull-request comment.
    MarkdownComment,
    /// JUnit XML.
    Junit,
    /// GitLab Code Quality JSON.
    Codeclimate,
}

/// One `--output FORMAT=PATH`.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_output(arg: &str) -> Result<Output, String> {
    let (format, path) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}` is not FORMAT=PATH"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{format}` (one of: {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("`{arg}` names no file"));
    }
    Ok(Output {
        format,
        path: PathBuf::from(path),
    })
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Analyze(args) => analyze(args),
        Command::Doctor => {
            let dir = std::env::current_dir().context("cannot read the current directory")?;
            let (text, exit) = crate::doctor::run(&dir);
            let mut out = crate::exit::stdout();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(exit)
        }
        Command::Explain(args) => {
            let text = crate::explain::explain(&crate::explain::ExplainOptions {
                target: args.target,
                config: args.config,
                dir: std::env::current_dir().context("cannot read the current directory")?,
            })?;
            let mut out = crate::exit::stdout();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(Exit::Pass)
        }
        Command::Config(command) => config::commands::run(command),
        Command::Init(args) => config::commands::init(&args),
        Command::Thresholds(command) => crate::thresholds::cli::run(command),
        Command::Hook(args) => crate::hooks::run(&args),
        Command::Store(command) => crate::store::cli::run(command),
        Command::Publish(args) => crate::publish::run(&args),
        Command::Daemon(command) => crate::daemon::cli::run(command),
        Command::Warm => crate::daemon::cli::warm(),
    }
}

/// The variable that skips the gate (for the rare commit that must go through now).
const SKIP_VAR: &str = "DEBTGATE_SKIP";

fn check(mut args: CheckArgs) -> Result<Exit> {
    if std::env::var_os(SKIP_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("debtgate: skipped because {SKIP_VAR} is set");
        return Ok(Exit::Pass);
    }
    size_pool(args.jobs)?;
    // Before the work: a missing token or repository is said at once.
    let publish_to = crate::publish::Target::if_asked(args.publish)?;
    let (target, ci) = target_of(&mut args)?;
    let format = args
        .format
        .unwrap_or(if ci { Format::Github } else { Format::Human });
    let report = crate::check::check(&CheckOptions {
        target,
        config: args.config,
        config_from: match args.config_from {
            ConfigFromArg::Base => ConfigFrom::Base,
            ConfigFromArg::Head => ConfigFrom::Head,
        },
        dir: std::env::current_dir().context("cannot read the current directory")?,
        budget: args.budget.map(|b| b.0),
        timings: args.timings,
    })
    .map_err(|err| crate::publish::check_failed(publish_to.as_ref(), err))?;
    let mut report = report;
    deliver(&mut report, &args.output, ci, format)?;
    crate::publish::after_check(publish_to.as_ref(), &report, ci)?;
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
        eprintln!(
            "debtgate: GitHub `{}` event: judging {}...{}",
            event.name, range.base, range.head
        );
        (Some(range.base), range.head)
    } else {
        (args.base.take(), std::mem::take(&mut args.head))
    };
    if let (true, Some(base)) = (args.fetch_base, &base) {
        let dir = std::env::current_dir().context("cannot read the current directory")?;
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
fn deliver(
    report: &mut report::Report,
    outputs: &[Output],
    ci: bool,
    format: Format,
) -> Result<()> {
    let rendering = std::time::Instant::now();
    write_outputs(report, outputs)?;
    if ci {
        crate::ci::publish(report)?;
    }
    // The JSON on stdout can hold the time spent on the outputs before it, not its own.
    let before_stdout = ms_since(rendering);
    if let Some(t) = report.timings.as_mut() {
        t.add(Stage::Render, before_stdout);
    }
    let rendering = std::time::Instant::now();
    write_report(report, format)?;
    if let Some(t) = report.timings.as_mut() {
        t.add(Stage::Render, ms_since(rendering));
        let mut table = Vec::new();
        t.write_table(&mut table)?;
        io::stderr().write_all(&table)?;
    }
    Ok(())
}

fn ms_since(start: std::time::Instant) -> f64 {
    start.elapsed().as_micros() as f64 / 1000.0
}

fn size_pool(jobs: Option<usize>) -> Result<()> {
    if let Some(jobs) = jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("cannot size the worker pool")?;
    }
    Ok(())
}

fn analyze(args: AnalyzeArgs) -> Result<Exit> {
    size_pool(args.jobs)?;
    let report = analyze_paths(&AnalyzeOptions {
        paths: args.paths,
        max_file_size: match args.max_file_size {
            Some(max) => max,
            None => policy_here()?.max_file_size,
        },
    })?;
    write_outputs(&report, &args.output)?;
    write_report(&report, args.format)?;
    Ok(Exit::Pass)
}

/// The policy of the repository around the current directory (or the built-in default outside
/// one), for options that follow it.
fn policy_here() -> Result<config::Settings> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = config::find_repo_root(&cwd).unwrap_or(cwd);
    Ok(config::Settings::discover(&root, None)?)
}

fn write_report(report: &report::Report, format: Format) -> io::Result<()> {
    // Buffered: renderers make many small writes, and stdout through anstream is not buffered
    // (on a warm whole-tree run that was a sixth of the time). Streamed through the buffer, not
    // rendered whole first: a report of 50,000 files is tens of megabytes of JSON. A reader that
    // closes stdout early ends the writing, not the run (`exit::Quiet`): the check still
    // publishes and exits with its verdict.
    let stdout = io::stdout();
    if matches!(format, Format::Json | Format::Sarif | Format::Codeclimate) {
        // JSON escapes every control character, so there is nothing to strip; scanning a
        // whole-tree report for escape sequences cost a seventh of a warm run.
        let mut out = io::BufWriter::with_capacity(64 * 1024, Quiet::new(stdout.lock()));
        render(report, format, &mut out)?;
        return out.flush();
    }
    let colour = anstream::AutoStream::auto(stdout.lock());
    let mut out = io::BufWriter::with_capacity(64 * 1024, Quiet::new(colour));
    render(report, format, &mut out)?;
    out.flush()
}

/// Renders `report` in `format`.
pub fn render(report: &report::Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => report::render_human(report, out),
        Format::Json => report::render_json(report, out),
        Format::Sarif => report::render_sarif(report, out),
        Format::Github => report::render_github(report, out),
        Format::Markdown => report::render_markdown(report, out),
        Format::MarkdownComment => {
            out.write_all(report::render_markdown_capped(report, report::COMMENT_LIMIT).as_bytes())
        }
        Format::Junit => report::render_junit(report, out),
        Format::Codeclimate => report::render_codeclimate(report, out),
    }
}

/// Writes every `--output FORMAT=PATH` (human without colour).
fn write_outputs(report: &report::Report, outputs: &[Output]) -> Result<()> {
    for o in outputs {
        let mut buf = Vec::new();
        match o.format {
            Format::Human => {
                let mut plain = anstream::StripStream::new(&mut buf);
                render(report, o.format, &mut plain)?;
            }
            _ => render(report, o.format, &mut buf)?,
        }
        if let Some(parent) = o.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&o.path, buf)
            .with_context(|| format!("cannot write {}", o.path.display()))?;
    }
    Ok(())
}
