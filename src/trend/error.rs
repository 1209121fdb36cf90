//! Errors of `debtgate trend`: what stops a walk before it has figures to show. Each says what
//! is wrong; the edge prints it and exits 2.

use std::path::PathBuf;

use thiserror::Error;

use crate::change::ChangeError;
use crate::config::ConfigError;

#[derive(Debug, Error)]
pub enum TrendError {
    #[error(transparent)]
    Change(#[from] ChangeError),

    #[error(transparent)]
    Config(#[from] ConfigError),

    #[error("cannot read config file {}: {source}", path.display())]
    ReadConfig {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("--path {pattern}: not a valid glob: {source}")]
    Glob {
        pattern: String,
        #[source]
        source: globset::Error,
    },

    #[error("commit {commit}: its committer time or offset is out of range")]
    Time { commit: String },

    #[error(
        "cannot measure the history: {versions} file version{} could not be read from the \
         repository (the first: {path}: {why}); a partial clone downloads a blob only when git \
         reads it, so run the trend in a clone without `--filter`",
        if *versions == 1 { "" } else { "s" }
    )]
    Unread {
        versions: usize,
        path: String,
        why: String,
    },
}
