//! `debtgate analyze PATH…`: files and folders measured without any git change set. `inputs`
//! finds and reads them, each is measured through the store on the one fan-out, and the
//! measurements become a [`Report`] of mode `paths` (no policy applied).

use std::path::{Path, PathBuf};

use crate::fan_out;
use crate::inputs::{self, Source};
use crate::report::{FileReport, Mode, NotAnalysed, Report};
use crate::{analysis, change, config, store};

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
    let results: Vec<Result<FileReport, NotAnalysed>> = fan_out::map(&files, |path| {
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
                    metrics: m,
                })
            }
        }
    });
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
