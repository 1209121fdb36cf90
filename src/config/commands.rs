//! `debtgate config validate | show | schema` and `debtgate init`: find the file, print, map the
//! outcome to an exit code. stdout carries only what the command produces (YAML, the schema);
//! messages and problems go to stderr.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;

use super::{find_file, find_repo_root, json_schema, starter_file, ConfigError, FILE_NAMES};
use super::{ConfigOrigin, Settings};
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

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Overwrite an existing .debtgate.yaml (or .debtgate.yml).
    #[arg(long)]
    pub force: bool,
    /// The mode to write, with thresholds fitted to it (default: ratchet when at least 1 % of
    /// the functions at HEAD are above the built-in fail levels, else new).
    #[arg(long, value_enum)]
    pub mode: Option<crate::thresholds::cli::ModeArg>,
}

pub fn run(command: ConfigCommand) -> Result<Exit> {
    match command {
        ConfigCommand::Validate(args) => {
            let Some(settings) = load(&args)? else {
                return Ok(Exit::Error);
            };
            match settings.origin {
                ConfigOrigin::Embedded => eprintln!(
                    "debtgate: no {} at the repository root; the built-in default applies",
                    FILE_NAMES[0]
                ),
                _ => eprintln!("debtgate: {}: valid", settings.label()),
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

/// `debtgate init`: a starter file at the repository root, never over an existing one unless
/// forced. Its thresholds are measured from HEAD (`thresholds/`); with nothing to measure there
/// (no commit, no supported source) it is the built-in default.
pub fn init(args: &InitArgs) -> Result<Exit> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let Some(root) = find_repo_root(&cwd) else {
        bail!(
            "not inside a git repository (no .git in {} or above); run `git init` first",
            cwd.display()
        );
    };
    let target = match find_file(&root)? {
        Some(existing) if !args.force => bail!(
            "{} already exists; pass --force to overwrite it",
            existing.display()
        ),
        Some(existing) => existing,
        None => root.join(FILE_NAMES[0]),
    };
    let text = match crate::thresholds::cli::measured_starter(&root, args.mode)? {
        Some(text) => text,
        None => default_starter(args.mode),
    };
    std::fs::write(&target, text).with_context(|| format!("cannot write {}", target.display()))?;
    eprintln!("debtgate: wrote {}", target.display());
    Ok(Exit::Pass)
}

/// The built-in default as a starter, with `mode` set when one was asked for.
fn default_starter(mode: Option<crate::thresholds::cli::ModeArg>) -> String {
    let text = starter_file();
    let Some(mode) = mode.map(super::PolicyMode::from) else {
        return text;
    };
    let default = format!("\nmode: {}\n", Settings::embedded().mode);
    debug_assert!(
        text.contains(&default),
        "config/default.yaml sets mode on its own line"
    );
    text.replacen(&default, &format!("\nmode: {mode}\n"), 1)
}

/// The settings for the current repository (or directory), or `None` after printing the
/// problems of an invalid file.
fn load(args: &FileArgs) -> Result<Option<Settings>> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = find_repo_root(&cwd).unwrap_or(cwd);
    match Settings::discover(&root, args.config.as_deref()) {
        Ok(settings) => Ok(Some(settings)),
        Err(ConfigError::Invalid(problems)) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            let file = problems.first().map_or("config", |p| p.file.as_str());
            let n = problems.len();
            let noun = if n == 1 { "problem" } else { "problems" };
            eprintln!("debtgate: {file}: {n} {noun}");
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

fn print(text: &str) -> io::Result<()> {
    let mut out = crate::exit::stdout();
    out.write_all(text.as_bytes())?;
    out.flush()
}
