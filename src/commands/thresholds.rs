//! `debtgate thresholds suggest`: find the repository and its settings, take the census and print
//! the proposal ([`crate::thresholds::suggest`]) on stdout.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::{Subcommand, ValueEnum};

use super::current_dir;
use crate::config::{self, PolicyMode, Settings};
use crate::exit::Exit;
use crate::thresholds::{report, suggest};

#[derive(Debug, Subcommand)]
pub enum ThresholdsCommand {
    /// Measure every function at HEAD and propose thresholds for the current configuration:
    /// per metric the current and proposed levels, the percentile each came from, and how many
    /// functions each would flag at HEAD.
    Suggest(SuggestArgs),
}

#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// Use this configuration file instead of .debtgate.yaml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Propose levels for this mode instead of the proposed one (ratchet when at least 1 % of
    /// the functions are above the built-in fail levels, else new).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = SuggestFormat::Human)]
    pub format: SuggestFormat,
    /// Leave the histograms out of the human output.
    #[arg(long)]
    pub no_histogram: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    Human,
    /// The `debtgate.thresholds/1` document.
    Json,
}

/// A policy mode on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    New,
    Ratchet,
    Absolute,
}

impl From<ModeArg> for PolicyMode {
    fn from(m: ModeArg) -> PolicyMode {
        match m {
            ModeArg::New => PolicyMode::New,
            ModeArg::Ratchet => PolicyMode::Ratchet,
            ModeArg::Absolute => PolicyMode::Absolute,
        }
    }
}

pub fn run(command: ThresholdsCommand) -> Result<Exit> {
    match command {
        ThresholdsCommand::Suggest(args) => suggest_command(&args),
    }
}

fn suggest_command(args: &SuggestArgs) -> Result<Exit> {
    let cwd = current_dir()?;
    let root = config::find_repo_root(&cwd).unwrap_or_else(|| cwd.clone());
    let current = Settings::discover(&root, args.config.as_deref())?;
    let outcome = suggest(&cwd, current, args.mode.map(Into::into))?;
    let text = match args.format {
        SuggestFormat::Human => report::human(&outcome, "now", !args.no_histogram),
        SuggestFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report::json(&outcome))
                .expect("the document serializes");
            s.push('\n');
            s
        }
    };
    print(&text)?;
    Ok(Exit::Pass)
}

/// Prints `text` on stdout, colour stripped when stdout is not a terminal.
pub(crate) fn print(text: &str) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = crate::exit::Quiet::new(anstream::AutoStream::auto(stdout.lock()));
    out.write_all(text.as_bytes())?;
    out.flush()
}
