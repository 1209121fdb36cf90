//! The command line: parsing (clap) and dispatch to the pipeline in `lib.rs`. Writes the report to
//! stdout and nothing else; errors go to stderr through `main`.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{CheckOptions, ConfigFrom, Target};
use crate::config;
use crate::exit::Exit;
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
    /// Write a commented starter .debtgate.yaml at the repository root.
    Init(config::commands::InitArgs),
    /// Install or remove debtgate's git hooks (pre-commit, pre-push).
    Hook(crate::hooks::HookArgs),
    /// Look after the measurement store: stats, gc, verify, export, import, clear.
    #[command(subcommand)]
    Store(crate::store::cli::StoreCommand),
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
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
    Human,
    Json,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Analyze(args) => analyze(args),
        Command::Doctor => {
            let dir = std::env::current_dir().context("cannot read the current directory")?;
            let (text, exit) = crate::doctor::run(&dir);
            let mut out = io::stdout().lock();
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
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(Exit::Pass)
        }
        Command::Config(command) => config::commands::run(command),
        Command::Init(args) => config::commands::init(&args),
        Command::Hook(args) => crate::hooks::run(&args),
        Command::Store(command) => crate::store::cli::run(command),
    }
}

/// The variable that skips the gate (for the rare commit that must go through now).
const SKIP_VAR: &str = "DEBTGATE_SKIP";

fn check(args: CheckArgs) -> Result<Exit> {
    if std::env::var_os(SKIP_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("debtgate: skipped because {SKIP_VAR} is set");
        return Ok(Exit::Pass);
    }
    size_pool(args.jobs)?;
    let target = match (args.base, args.all, args.paths.is_empty()) {
        (Some(base), _, _) => Target::Range {
            base,
            head: args.head,
        },
        (None, true, _) => Target::All,
        (None, false, false) => Target::Paths(args.paths),
        (None, false, true) => Target::Staged,
    };
    let report = crate::check::check(&CheckOptions {
        target,
        config: args.config,
        config_from: match args.config_from {
            ConfigFromArg::Base => ConfigFrom::Base,
            ConfigFromArg::Head => ConfigFrom::Head,
        },
        dir: std::env::current_dir().context("cannot read the current directory")?,
    })?;
    write_report(&report, args.format)?;
    Ok(match report.verdict {
        report::Verdict::Pass => Exit::Pass,
        report::Verdict::Fail => Exit::Fail,
    })
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
    let stdout = io::stdout();
    let mut out = anstream::AutoStream::auto(stdout.lock());
    match format {
        Format::Human => report::render_human(report, &mut out)?,
        Format::Json => report::render_json(report, &mut out)?,
    }
    out.flush()
}
