//! `debtgate explain PATH[:FUNCTION]`: prints what [`crate::explain::explain`] says.

use std::path::PathBuf;

use anyhow::Result;

use super::{current_dir, print};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// `PATH` or `PATH:FUNCTION` (a function name or qualified name, e.g. `src/a.rs:Parser::parse`).
    pub target: String,
    /// Use this configuration file instead of .debtgate.yaml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

pub fn run(args: ExplainArgs) -> Result<Exit> {
    let text = crate::explain::explain(&crate::explain::ExplainOptions {
        target: args.target,
        config: args.config,
        dir: current_dir()?,
    })?;
    print(&text)?;
    Ok(Exit::Pass)
}
