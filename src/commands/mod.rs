//! The edge: one file per subcommand, each turning its parsed arguments (clap) into the typed
//! options of a stage module, calling it, and turning the outcome into output and an exit code
//! (anyhow for the messages). Nothing below this folder parses arguments or formats errors for
//! people; nothing here measures or judges.
//!
//! `cli.rs` holds the command tree and dispatches to the `run` of each file here.

pub mod analyze;
pub mod baseline;
pub mod check;
pub mod config;
pub mod daemon;
pub mod doctor;
pub mod explain;
pub mod hook;
pub mod init;
pub mod output;
pub mod publish;
pub mod report;
pub mod skip;
pub mod store;
pub mod thresholds;
pub mod trend;
pub mod warm;

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};

/// The directory the command runs in.
pub(crate) fn current_dir() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current directory")
}

/// Writes `text` to stdout as it is (no colour handling); a closed stdout ends the writing, not
/// the command (`exit::stdout`).
pub(crate) fn print(text: &str) -> io::Result<()> {
    let mut out = crate::exit::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// `--jobs N`: sizes the worker pool every stage's fan-out runs on.
pub(crate) fn size_pool(jobs: Option<usize>) -> Result<()> {
    if let Some(jobs) = jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .context("cannot size the worker pool")?;
    }
    Ok(())
}
