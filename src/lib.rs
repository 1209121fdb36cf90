//! debtgate: a quality gate that measures the code a change touches.
//!
//! The pipeline, stage by stage (DESIGN.md):
//!
//! ```text
//! inputs ──▶ analysis (+ lang) ──▶ report
//! ```
//!
//! - [`inputs`] finds and reads files (`debtgate analyze PATH…`).
//! - [`analysis`] turns one blob and its [`lang::Language`] into [`analysis::FileMetrics`];
//!   it knows nothing of files or git.
//! - [`report`] renders one [`report::Report`] in every format; [`publish`] posts it to a pull
//!   request through the GitHub REST API (status, check run, sticky comment).
//!
//! Parallelism lives here and only here: files fan out over rayon workers, each with its own
//! [`analysis::Analyzer`] (parsers are reused per thread), and results are sorted before anyone
//! sees them, so output never depends on scheduling.

pub mod analysis;
pub mod budget;
pub mod change;
pub mod check;
pub mod ci;
pub mod cli;
pub mod commands;
pub mod config;
pub mod daemon;
pub mod doctor;
pub mod exit;
pub mod explain;
pub mod hooks;
pub mod inputs;
pub mod lang;
pub mod policy;
pub mod publish;
pub mod report;
pub mod rules;
pub mod store;
pub mod thresholds;
pub mod timings;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use inputs::Source;
use report::{FileReport, Mode, NotAnalysed, Report};

/// Options for measuring files on disk.
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub paths: Vec<PathBuf>,
    pub max_file_size: u64,
}

/// `debtgate analyze`: measure every file under `paths`.
pub fn analyze_paths(opts: &AnalyzeOptions) -> Result<Report, inputs::InputError> {
    let files = inputs::discover(&opts.paths)?;
    let store = open_store_near(opts.paths.first());
    let results: Vec<Result<FileReport, NotAnalysed>> = files
        .par_iter()
        .map(|path| {
            let input = inputs::load(path, opts.max_file_size);
            match input.source {
                Source::Skipped(reason) => Err(NotAnalysed {
                    path: input.path,
                    reason,
                }),
                Source::Content { language, bytes } => {
                    let m = analysis::with_thread_analyzer(|a| {
                        store
                            .measure_bytes(a, path, &bytes)
                            .unwrap_or_else(|| a.analyze(&bytes, language))
                    });
                    Ok(FileReport {
                        path: input.path,
                        old_path: None,
                        status: None,
                        language: m.language,
                        score: m.score,
                        grade: m.grade,
                        code_lines: m.code_lines,
                        functions: m.functions,
                        satd: m.satd,
                        duplication: m.duplication,
                        diagnostics: m.diagnostics,
                    })
                }
            }
        })
        .collect();
    let (mut analysed, mut skipped) = (Vec::new(), Vec::new());
    for r in results {
        match r {
            Ok(f) => analysed.push(f),
            Err(n) => skipped.push(n),
        }
    }
    store.flush();
    let mut report = Report::measurements(Mode::Paths, analysed, skipped);
    report.cache = Some(store.counts());
    Ok(report)
}

/// The store of the repository around `path` (or the current directory), if any.
fn open_store_near(path: Option<&PathBuf>) -> store::Store {
    let here = std::env::current_dir().unwrap_or_default();
    let start = path.map_or(here.as_path(), PathBuf::as_path);
    let start = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let repo = change::Repo::discover(start).ok();
    let (paths, limits) = config::store::store_near(repo.as_ref());
    store::Store::open(paths, limits)
}
