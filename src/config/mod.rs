//! Configuration: `.debtgate.yaml` (or `--config PATH`, or the embedded `config/default.yaml`)
//! → [`Settings`], which the policy stage reads (and the callers of the store, through `store.rs`).
//!
//! The stages, one file each:
//!
//! ```text
//! text ──yaml──▶ Node ──validate──▶ FileConfig ──settings──▶ Settings
//!  (positions on demand)  (every problem, at file:line:column)  (over the embedded default)
//! ```
//!
//! - `yaml.rs` parses to a tree that keeps every entry, and finds any node's position.
//! - `validate.rs` checks one file and collects every problem before failing.
//! - `settings.rs` lays a file over the embedded default and answers per-path questions.
//! - `raw.rs` declares the file format as types, for the JSON Schema and `config show`.
//! - `metric.rs` holds the modes and the one threshold comparison (the metrics themselves are
//!   `crate::rules`').
//! - `ratchet.rs` names and parses `ratchet.length_tolerance`.
//! - `budget.rs` names the kinds of run a time budget is set for, and parses durations.
//! - `suppressions.rs` names what suppression comments may do (the `suppressions` key).
//! - `store.rs` turns the `store` section and `DEBTGATE_STORE` into the store's paths and limits.
//!
//! `debtgate config …` and `debtgate init` are front-ends in `commands/`.
//!
//! Defaults live only in `config/default.yaml`; Rust code never repeats a default value.

pub mod budget;
mod error;
mod metric;
mod ratchet;
mod raw;
mod settings;
pub mod store;
pub mod suppressions;
mod validate;
mod yaml;

use std::path::{Path, PathBuf};

pub use budget::{OnBudgetExceeded, RunKind};
pub use error::{ConfigError, Problem};
pub use metric::{GradeLevel, Level, PolicyMode};
pub use ratchet::{RatchetSettings, Tolerance};
// The policy's settings speak in the shared vocabulary; named here too for the code that reads
// settings.
pub use crate::rules::{Metric, Severity, UnknownMetric};
pub use settings::{
    Applied, AppliedGrade, AppliedSuppressions, ConfigOrigin, Settings, StoreSettings,
};
pub use suppressions::Suppressions;

/// The built-in policy, which is also the starter file `debtgate init` writes.
pub(crate) const DEFAULT_YAML: &str = include_str!("../../config/default.yaml");

/// The config file names looked for at the repository root, in order.
pub const FILE_NAMES: [&str; 2] = [".debtgate.yaml", ".debtgate.yml"];

impl Settings {
    /// The settings for a repository: `explicit` (`--config PATH`) when given, else
    /// `.debtgate.yaml` or `.debtgate.yml` at `repo_root` (both present is an error), else the
    /// embedded default.
    pub fn discover(repo_root: &Path, explicit: Option<&Path>) -> Result<Settings, ConfigError> {
        if let Some(path) = explicit {
            return load(path, &path.display().to_string());
        }
        match find_file(repo_root)? {
            Some(path) => {
                let label = path
                    .strip_prefix(repo_root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                load(&path, &label)
            }
            None => Ok(Settings::embedded()),
        }
    }
}

/// The config file at `repo_root`, if there is one; both names present is an error.
pub fn find_file(repo_root: &Path) -> Result<Option<PathBuf>, ConfigError> {
    let [yaml, yml] = FILE_NAMES.map(|name| repo_root.join(name));
    match (yaml.exists(), yml.exists()) {
        (true, true) => Err(ConfigError::Ambiguous { yaml, yml }),
        (true, false) => Ok(Some(yaml)),
        (false, true) => Ok(Some(yml)),
        (false, false) => Ok(None),
    }
}

fn load(path: &Path, label: &str) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    Settings::from_text(&text, ConfigOrigin::File(path.to_owned()), label)
}

/// The repository root above `start`: the nearest directory, `start` included, that contains
/// `.git` (a directory, or a file in linked worktrees and submodules).
pub fn find_repo_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A commented starter `.debtgate.yaml`, for `debtgate init`: the built-in default itself, so a
/// fresh file changes nothing until edited.
pub fn starter_file() -> String {
    DEFAULT_YAML.to_owned()
}

/// The JSON Schema of the file format (draft 2020-12), each top-level property carrying its
/// built-in default, so editors can complete and check `.debtgate.yaml`.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(raw::RawConfig);
    let defaults = serde_json::to_value(Settings::embedded().to_raw())
        .expect("the settings serialize to JSON");
    if let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        for (key, property) in properties.iter_mut() {
            if let (Some(property), Some(default)) = (property.as_object_mut(), defaults.get(key)) {
                property.insert("default".into(), default.clone());
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes to JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
