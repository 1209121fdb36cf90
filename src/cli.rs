//! The command line: the tree of subcommands (clap) and the dispatch to their front-ends, one file
//! each in `commands/`. Writes the report to stdout and nothing else; errors go to stderr through
//! `main`.

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::commands;
use crate::exit::Exit;

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
    Check(commands::check::CheckArgs),
    /// Measure files and folders (default: the current directory), without any git change set.
    Analyze(commands::analyze::AnalyzeArgs),
    /// Why a file or function passes or fails: its metrics, the thresholds that apply and where
    /// they were set.
    Explain(commands::explain::ExplainArgs),
    /// Check the set-up: git, the repository, the configuration, the hooks, the CI environment.
    Doctor,
    /// Check, show or describe the configuration (.debtgate.yaml).
    #[command(subcommand)]
    Config(commands::config::ConfigCommand),
    /// Write a commented .debtgate.yaml at the repository root, its thresholds fitted to the
    /// functions at HEAD.
    Init(commands::init::InitArgs),
    /// Write today's findings to .debtgate-baseline.json as known debt that does not fail the
    /// gate (`--prune`: only remove entries that no longer match).
    Baseline(commands::baseline::BaselineArgs),
    /// Propose thresholds from the functions at HEAD (`suggest`).
    #[command(subcommand)]
    Thresholds(commands::thresholds::ThresholdsCommand),
    /// Install or remove debtgate's git hooks (pre-commit, pre-push).
    Hook(commands::hook::HookArgs),
    /// Look after the measurement store: stats, gc, verify, export, import, clear.
    #[command(subcommand)]
    Store(commands::store::StoreCommand),
    /// Publish a JSON report to GitHub: a commit status, a check run with annotations and a
    /// sticky pull-request comment (GITHUB_TOKEN, GITHUB_REPOSITORY, the event payload). Exits
    /// with the report's verdict.
    Publish(commands::publish::PublishArgs),
    /// Work with reports written earlier: `merge` the JSON reports of a check split into shards.
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
    /// This repository's background daemon: start, stop, status (Unix only).
    #[command(subcommand)]
    Daemon(commands::daemon::DaemonCommand),
    /// Measure every file of HEAD and of the upstream's merge-base into the store, here and now.
    Warm,
    /// The history of the debt: figures for each first-parent commit of a branch under that
    /// commit's policy, overall and per top-level directory, with hotspots and charts.
    Trend(commands::trend::TrendArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Analyze(args) => commands::analyze::run(args),
        Command::Doctor => commands::doctor::run(),
        Command::Explain(args) => commands::explain::run(args),
        Command::Config(command) => commands::config::run(command),
        Command::Init(args) => commands::init::run(&args),
        Command::Baseline(args) => commands::baseline::run(&args),
        Command::Thresholds(command) => commands::thresholds::run(command),
        Command::Hook(args) => commands::hook::run(&args),
        Command::Store(command) => commands::store::run(command),
        Command::Publish(args) => commands::publish::run(&args),
        Command::Report(command) => commands::report::run(command),
        Command::Daemon(command) => commands::daemon::run(command),
        Command::Warm => commands::warm::run(),
        Command::Trend(args) => commands::trend::run(args),
    }
}
