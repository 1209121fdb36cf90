//! Inputs for `debtgate analyze`: the files under the given paths, found the way ripgrep finds
//! them (`.gitignore`, `.ignore` and hidden files honoured; a path named explicitly is always
//! taken), read from disk with a size limit and a binary check, each labelled with its language
//! or the reason it is not analysed.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::analysis::readable::too_large;
use crate::lang::Language;

#[derive(Debug, Error)]
pub enum InputError {
    #[error("{path}: no such file or directory")]
    Missing { path: PathBuf },
    #[error("{path}: {source}")]
    Walk {
        path: PathBuf,
        #[source]
        source: ignore::Error,
    },
}

/// One file to analyse, or to list as not analysed.
#[derive(Debug)]
pub struct Input {
    /// The path as reported: relative to the current directory when under it.
    pub path: String,
    pub source: Source,
}

#[derive(Debug)]
pub enum Source {
    /// Content to measure.
    Content { language: Language, bytes: Vec<u8> },
    /// Not measured, and why.
    Skipped(String),
}

/// Every file under `paths`, sorted by path, without reading them.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for root in paths {
        if !root.exists() {
            return Err(InputError::Missing { path: root.clone() });
        }
        // A path named on the command line is an input whatever it is (a FIFO is then listed
        // as not analysed, never dropped); only a directory is walked.
        if !root.is_dir() {
            files.push(root.clone());
            continue;
        }
        for entry in ignore::WalkBuilder::new(root).build() {
            let entry = entry.map_err(|source| InputError::Walk {
                path: root.clone(),
                source,
            })?;
            if entry.file_type().is_some_and(|t| t.is_file()) {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Reads one file and decides whether and how to measure it. Never fails: an unreadable file is
/// an input with a reason.
pub fn load(path: &Path, max_size: u64) -> Input {
    let shown = display_path(path);
    if !crate::lang::may_be_source(path) {
        return skipped(shown, crate::lang::UNSUPPORTED.to_string());
    }
    let size = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) => return skipped(shown, format!("unreadable: {e}")),
    };
    if let Some(reason) = too_large(size, max_size) {
        return skipped(shown, reason);
    }
    let bytes = match crate::change::read_regular(path) {
        Ok(b) => b,
        Err(e) => return skipped(shown, format!("unreadable: {e}")),
    };
    let language = match crate::analysis::readable::measurable(path, &bytes, max_size) {
        Ok(language) => language,
        Err(reason) => return skipped(shown, reason),
    };
    Input {
        path: shown,
        source: Source::Content { language, bytes },
    }
}

fn skipped(path: String, reason: String) -> Input {
    Input {
        path,
        source: Source::Skipped(reason),
    }
}

/// Paths print with forward slashes and without a leading `./`.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}
