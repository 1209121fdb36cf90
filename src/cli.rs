//! The command line: parsing (clap) and dispatch to the pipeline in `lib.rs`. Writes the report to
//! stdout and nothing else; errors go to stderr through `main`.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::config;
use crate::exit::Exit;
use crate::inputs::DEFAULT_MAX_FILE_SIZE;
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
    /// Measure files and folders (default: the current directory), without any git change set.
    Analyze(AnalyzeArgs),
    /// Check, show or describe the configuration (.debtgate.yaml).
    #[command(subcommand)]
    Config(config::commands::ConfigCommand),
    /// Write a commented starter .debtgate.yaml at the repository root.
    Init(config::commands::InitArgs),
    /// Install or remove debtgate's git hooks (pre-commit, pre-push).
    Hook(crate::hooks::HookArgs),
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
    /// Files larger than this many bytes are listed as skipped, not measured.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
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
        Command::Analyze(args) => analyze(args),
        Command::Config(command) => config::commands::run(command),
        Command::Init(args) => config::commands::init(&args),
        Command::Hook(args) => crate::hooks::run(&args),
    }
}

fn analyze(args: AnalyzeArgs) -> Result<Exit> {
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("cannot size the worker pool")?;
    }
    let report = analyze_paths(&AnalyzeOptions {
        paths: args.paths,
        max_file_size: args.max_file_size,
    })?;
    write_report(&report, args.format)?;
    Ok(Exit::Pass)
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
