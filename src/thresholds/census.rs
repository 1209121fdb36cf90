//! The census: every function and every file at HEAD, measured the way `debtgate check --all`
//! measures them — HEAD's tree (never the worktree), the same files skipped for the same reasons,
//! the store consulted first (a warm entry answers without reading the blob) — and kept small: per
//! function only its five values, where it is, and which of its metrics a suppression in the code
//! covers.
//!
//! Everything the proposal and the histograms need is here; no source text is kept, so memory
//! grows with the number of functions, not bytes.

use std::path::Path;

use crate::analysis::{self, Grade};
use crate::change::{ChangeError, Repo};
use crate::config::Settings;
use crate::fan_out;
use crate::measure::Measure;
use crate::plan;
use crate::policy::suppress;
use crate::rules::Metric;
use crate::store::Store;

/// One function at HEAD.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRecord {
    pub qualified_name: String,
    pub line: usize,
    /// Indexed like [`Metric::ALL`].
    pub values: [u32; 5],
    /// Whether a valid `debtgate: allow(…)` covers the metric (indexed like [`Metric::ALL`]).
    pub suppressed: [bool; 5],
}

impl FunctionRecord {
    pub fn value(&self, metric: Metric) -> u32 {
        self.values[metric.index()]
    }

    pub fn is_suppressed(&self, metric: Metric) -> bool {
        self.suppressed[metric.index()]
    }
}

/// One analysed file at HEAD.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRecord {
    pub path: String,
    pub grade: Grade,
    pub score: f64,
    pub functions: Vec<FunctionRecord>,
}

/// Every analysed file at HEAD, sorted by path.
#[derive(Debug, Clone)]
pub struct Census {
    /// The commit measured (full hex id).
    pub head: String,
    pub files: Vec<FileRecord>,
    /// Tracked files that were not analysed (other languages, excluded, binary, too large…).
    pub not_analysed: usize,
}

/// Why there is no census.
#[derive(Debug, thiserror::Error)]
pub enum CensusError {
    #[error(transparent)]
    Git(#[from] ChangeError),
    #[error("HEAD has no commit yet, so there is nothing to measure: commit your code first")]
    Unborn,
    #[error(
        "{files} file{} at HEAD could not be read from the repository (the first: {path}: {why})",
        if *files == 1 { "" } else { "s" }
    )]
    Unread {
        files: usize,
        path: String,
        why: String,
    },
}

impl Census {
    /// Measures every tracked file at HEAD of the repository around `dir`, skipping what
    /// `settings` excludes or finds too large, as `check --all` does.
    pub fn take(dir: &Path, settings: &Settings) -> Result<Census, CensusError> {
        let repo = Repo::discover(dir)?;
        let changes = repo.all()?;
        let head = changes.head.clone().ok_or(CensusError::Unborn)?;
        let store = crate::daemon::Measurer::in_process(Store::open(
            settings.store.paths(&repo),
            settings.store.limits(),
        ));
        let today = jiff::Zoned::now().date();
        let measure = Measure {
            repo: &repo,
            store: &store,
            max_file_size: settings.max_file_size,
            clock: None,
        };
        // `Err` is a file whose blob the repository cannot give: a proposal without it would be
        // fitted to code that was never measured.
        let measured: Vec<Result<Option<FileRecord>, (String, String)>> =
            fan_out::map(&changes.files, |file| {
                let Ok(planned) = plan::file(settings, file) else {
                    return Ok(None);
                };
                let measured = match analysis::with_thread_analyzer(|analyzer| {
                    measure.side(analyzer, planned.head)
                }) {
                    Ok(m) => m,
                    Err(why) if crate::measure::unread_object(planned.head, &why) => {
                        return Err((file.path.clone(), why));
                    }
                    Err(_) => return Ok(None),
                };
                Ok(Some(record(
                    &file.path,
                    &measured.metrics,
                    &measured.marks,
                    &settings.suppressions_for(&file.path),
                    today,
                )))
            });
        store.flush();
        let total = measured.len();
        let mut files = Vec::new();
        let mut unread = Vec::new();
        for m in measured {
            match m {
                Ok(Some(f)) => files.push(f),
                Ok(None) => {}
                Err(u) => unread.push(u),
            }
        }
        if let Some((path, why)) = unread.first() {
            return Err(CensusError::Unread {
                files: unread.len(),
                path: path.clone(),
                why: why
                    .strip_prefix(crate::measure::UNREADABLE)
                    .unwrap_or(why)
                    .to_owned(),
            });
        }
        Ok(Census {
            head,
            not_analysed: total - files.len(),
            files,
        })
    }

    /// How many functions were measured.
    pub fn functions(&self) -> usize {
        self.files.iter().map(|f| f.functions.len()).sum()
    }
}

fn record(
    path: &str,
    m: &analysis::FileMetrics,
    marks: &analysis::marks::Marks,
    suppressions: &crate::config::AppliedSuppressions,
    today: jiff::civil::Date,
) -> FileRecord {
    let functions = m
        .functions
        .iter()
        .map(|f| {
            let found =
                suppress::under(suppress::in_marks(marks, f.start_line, today), suppressions);
            FunctionRecord {
                qualified_name: f.qualified_name.clone(),
                line: f.start_line,
                // Exact: every metric is a count far below 2^32.
                values: Metric::ALL.map(|metric| metric.value(f) as u32),
                suppressed: Metric::ALL.map(|metric| found.iter().any(|s| s.covers(metric.name()))),
            }
        })
        .collect();
    FileRecord {
        path: path.to_owned(),
        grade: m.grade,
        score: m.score,
        functions,
    }
}
