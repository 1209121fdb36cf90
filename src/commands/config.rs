//! `debtgate config validate | show | schema`: find the file, print, map the outcome to an exit
//! code. stdout carries only what the command produces (YAML, the schema); messages and problems
//! go to stderr.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;

use super::{current_dir, print};
use crate::config::{find_repo_root, json_schema, ConfigError, ConfigOrigin, Settings, FILE_NAMES};
use crate::exit::Exit;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check the config file; list every problem as FILE:LINE:COLUMN (exit 2) or exit 0.
    Validate(FileArgs),
    /// Print the effective settings as YAML, headed by a comment saying where they came from.
    Show(FileArgs),
    /// Print the JSON Schema of the config file, for editors.
    Schema,
}

#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// Use this file instead of .debtgate.yaml / .debtgate.yml at the repository root.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

pub fn run(command: ConfigCommand) -> Result<Exit> {
    match command {
        ConfigCommand::Validate(args) => {
            let Some(settings) = load(&args)? else {
                return Ok(Exit::Error);
            };
            match settings.origin {
                ConfigOrigin::Embedded => note!(
                    "debtgate: no {} at the repository root; the built-in default applies",
                    FILE_NAMES[0]
                ),
                _ => note!("debtgate: {}: valid", settings.label()),
            }
            Ok(Exit::Pass)
        }
        ConfigCommand::Show(args) => {
            let Some(settings) = load(&args)? else {
                return Ok(Exit::Error);
            };
            print(&settings.to_yaml())?;
            Ok(Exit::Pass)
        }
        ConfigCommand::Schema => {
            print(&json_schema())?;
            Ok(Exit::Pass)
        }
    }
}

/// The settings for the current repository (or directory), or `None` after printing the
/// problems of an invalid file.
fn load(args: &FileArgs) -> Result<Option<Settings>> {
    let cwd = current_dir()?;
    let root = find_repo_root(&cwd).unwrap_or(cwd);
    match Settings::discover(&root, args.config.as_deref()) {
        Ok(settings) => Ok(Some(settings)),
        Err(ConfigError::Invalid(problems)) => {
            for problem in &problems {
                note!("{problem}");
            }
            let file = problems.first().map_or("config", |p| p.file.as_str());
            let n = problems.len();
            let noun = if n == 1 { "problem" } else { "problems" };
            note!("debtgate: {file}: {n} {noun}");
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}
