//! `debtgate analyze PATH…`: measure files and folders without any git change set
//! ([`crate::analyze_paths`]) and print the report.

use std::path::PathBuf;

use anyhow::Result;

use super::output::{parse_output, write_outputs, write_report, Output};
use super::{current_dir, size_pool};
use crate::config;
use crate::exit::Exit;
use crate::report::{Detail, Format};
use crate::{analyze_paths, AnalyzeOptions};

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
    /// List every file not analysed in the human report (by default each reason is counted, with
    /// a few of its paths; the JSON report always lists every one).
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

pub fn run(args: AnalyzeArgs) -> Result<Exit> {
    size_pool(args.jobs)?;
    let report = analyze_paths(&AnalyzeOptions {
        paths: args.paths,
        max_file_size: match args.max_file_size {
            Some(max) => max,
            None => policy_here()?.max_file_size,
        },
    })?;
    let detail = if args.verbose {
        Detail::Full
    } else {
        Detail::Grouped
    };
    write_outputs(&report, &args.output, detail)?;
    write_report(&report, args.format, detail)?;
    Ok(Exit::Pass)
}

/// The policy of the repository around the current directory (or the built-in default outside
/// one), for options that follow it.
fn policy_here() -> Result<config::Settings> {
    let cwd = current_dir()?;
    let root = config::find_repo_root(&cwd).unwrap_or(cwd);
    Ok(config::Settings::discover(&root, None)?)
}
