//! `debtgate check`: the gate. A [`ChangeSet`] from `change/`, each side measured by `analysis/`,
//! judged by `policy/` under the settings from `config/`, gathered into one [`Report`].
//!
//! In a range the policy comes from the base revision by default: a change must not be able to
//! loosen the gate that judges it. When the change edits the configuration, the report says which
//! thresholds the new file would loosen.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use std::borrow::Cow;

use crate::analysis::{self, Analyzer};
use crate::change::{ChangeSet, ChangedFile, Content, EntryKind, Repo, Source};
use crate::config::{self, ConfigOrigin, PolicyMode, Settings};
use crate::daemon::Measurer;
use crate::lang::Language;
use crate::policy::{self, Subject};
use crate::report::{BaseGrade, FileReport, Finding, Mode, NotAnalysed, Report};
use crate::store::{Measured, Store, StorePaths};

/// What to judge.
#[derive(Debug, Clone)]
pub enum Target {
    /// The staged change (index against HEAD).
    Staged,
    /// `git diff base...head`.
    Range { base: String, head: String },
    /// Every tracked file at HEAD, judged absolutely.
    All,
    /// Worktree files against HEAD (editor use).
    Paths(Vec<PathBuf>),
}

/// Where the policy of a range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFrom {
    Base,
    Head,
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub target: Target,
    /// `--config PATH`: wins over everything.
    pub config: Option<PathBuf>,
    pub config_from: ConfigFrom,
    /// Where to look for the repository.
    pub dir: PathBuf,
}

pub fn check(opts: &CheckOptions) -> Result<Report> {
    let repo = Repo::discover(&opts.dir)?;
    // Open the store while git works out the change.
    let store_paths = StorePaths::resolve(Some(repo.common_dir()));
    let opening = std::thread::spawn(move || Store::open(store_paths));
    let changes = match &opts.target {
        Target::Staged => repo.staged()?,
        Target::Range { base, head } => repo.range(base, head)?,
        Target::All => repo.all()?,
        Target::Paths(paths) => repo.paths(paths)?,
    };
    let mut settings = settings_for(&repo, &changes, opts)?;
    if changes.source == Source::All {
        settings.mode = PolicyMode::Absolute;
    }
    let today = jiff::Zoned::now().date();
    let store = opening.join().unwrap_or_else(|_| Store::memory_only());
    // The daemon, when one runs, measures the change's blobs ahead of its background work.
    let store = Measurer::new(store, &repo, &changes, &settings);
    let judged: Vec<Judged> = changes
        .files
        .par_iter()
        .map(|file| {
            analysis::with_thread_analyzer(|analyzer| {
                judge_file(&repo, &settings, &store, analyzer, file, today)
            })
        })
        .collect();

    let (mut files, mut not_analysed, mut findings) = (Vec::new(), Vec::new(), Vec::new());
    let mut functions_judged = 0;
    let mut base_grades = BTreeMap::new();
    for j in judged {
        match j {
            Judged::Measured {
                mut report,
                findings: f,
                judged: n,
                base_grade,
            } => {
                functions_judged += n;
                if let Some(before) = base_grade {
                    base_grades.insert(report.path.clone(), before);
                }
                // Every file at HEAD is not a change: it has no status.
                if changes.source == Source::All {
                    report.status = None;
                }
                files.push(*report);
                findings.extend(f);
            }
            Judged::Skipped(n) => not_analysed.push(n),
        }
    }
    let notices: Vec<String> = loosened(&repo, &changes, &settings, opts)
        .into_iter()
        .collect();
    store.flush();
    let mut report = Report::judged(
        mode_of(changes.source),
        changes.base.clone(),
        changes.head.clone(),
        files,
        not_analysed,
        findings,
        notices,
    );
    report.cache = Some(store.counts());
    report.summary.judged = functions_judged;
    report.base_grades = base_grades;
    Ok(report)
}

fn mode_of(source: Source) -> Mode {
    match source {
        Source::Staged => Mode::Staged,
        Source::Range => Mode::Range,
        Source::All => Mode::All,
        Source::Paths => Mode::Worktree,
    }
}

/// The settings that judge this change.
fn settings_for(repo: &Repo, changes: &ChangeSet, opts: &CheckOptions) -> Result<Settings> {
    if opts.config.is_some()
        || changes.source != Source::Range
        || opts.config_from == ConfigFrom::Head
    {
        return Ok(Settings::discover(repo.root(), opts.config.as_deref())?);
    }
    // The base branch's current policy (its tip), not the fork point's: a gate tightened on main
    // after a branch forked applies to that branch's next push.
    let base = changes
        .base_tip
        .as_deref()
        .or(changes.base.as_deref())
        .context("a range always has a base commit")?;
    for name in config::FILE_NAMES {
        if let Some(bytes) = repo.file_at(base, name)? {
            let text = String::from_utf8_lossy(&bytes);
            let origin = ConfigOrigin::Revision {
                rev: base.to_string(),
                path: name.to_string(),
            };
            return Ok(Settings::from_yaml(&text, origin)?);
        }
    }
    Ok(Settings::embedded())
}

/// When a range edits the configuration and the policy came from the base, which thresholds the
/// head's file would loosen.
fn loosened(
    repo: &Repo,
    changes: &ChangeSet,
    settings: &Settings,
    opts: &CheckOptions,
) -> Option<String> {
    if changes.source != Source::Range
        || opts.config.is_some()
        || opts.config_from == ConfigFrom::Head
    {
        return None;
    }
    let edited = changes
        .files
        .iter()
        .find(|f| config::FILE_NAMES.contains(&f.path.as_str()) && f.new.is_some())?;
    let bytes = repo.read(edited.new.as_ref()?).ok()?;
    let head = Settings::from_yaml(
        &String::from_utf8_lossy(&bytes),
        ConfigOrigin::Revision {
            rev: changes.head.clone().unwrap_or_default(),
            path: edited.path.clone(),
        },
    );
    let head = match head {
        Ok(h) => h,
        Err(e) => {
            return Some(format!(
                "{} in this change is invalid and was not used:\n{e}",
                edited.path
            ))
        }
    };
    let looser = settings.loosened_by(&head);
    let what = if looser.is_empty() {
        "does not loosen any threshold".to_string()
    } else {
        format!("would loosen: {}", looser.join(", "))
    };
    Some(format!(
        "{} is changed; this change was judged by the base revision's policy. The new file {what}.",
        edited.path
    ))
}

enum Judged {
    Measured {
        report: Box<FileReport>,
        findings: Vec<Finding>,
        /// Functions the mode put under judgement.
        judged: usize,
        /// The file's grade before the change, when the mode measured the base side.
        base_grade: Option<BaseGrade>,
    },
    Skipped(NotAnalysed),
}

fn skipped(file: &ChangedFile, reason: impl Into<String>) -> Judged {
    Judged::Skipped(NotAnalysed {
        path: file.path.clone(),
        reason: reason.into(),
    })
}

fn judge_file(
    repo: &Repo,
    settings: &Settings,
    store: &Measurer,
    analyzer: &mut Analyzer,
    file: &ChangedFile,
    today: jiff::civil::Date,
) -> Judged {
    match file.kind {
        EntryKind::Symlink => return skipped(file, "symlink"),
        EntryKind::Submodule => return skipped(file, "submodule"),
        EntryKind::File => {}
    }
    let Some(new) = &file.new else {
        return skipped(file, "deleted");
    };
    if settings.is_excluded(&file.path) {
        return skipped(file, "excluded by the configuration");
    }
    if Language::from_path(Path::new(&file.path)).is_none() {
        return skipped(file, "unsupported language");
    }
    let head = match side(repo, settings, store, analyzer, &file.path, new) {
        Ok(m) => m,
        Err(reason) => return skipped(file, reason),
    };
    // The base side matters only when the mode compares with it.
    let base = match (&file.old, settings.mode) {
        (Some(old), PolicyMode::New | PolicyMode::Ratchet) => {
            let old_path = file.old_path.as_deref().unwrap_or(&file.path);
            side(repo, settings, store, analyzer, old_path, old).ok()
        }
        _ => None,
    };
    let (language, marks, head) = (head.language, head.marks, head.metrics);
    let base = base.map(|b| b.metrics);
    let outcome = policy::judge(
        settings,
        &Subject {
            path: &file.path,
            head: &head,
            base: base.as_ref(),
            marks: &marks,
        },
        today,
    );
    Judged::Measured {
        report: Box::new(FileReport {
            path: file.path.clone(),
            old_path: file.old_path.clone(),
            status: Some(file.status.as_str()),
            language,
            score: head.score,
            grade: head.grade,
            code_lines: head.code_lines,
            functions: head.functions,
            satd: head.satd,
            duplication: head.duplication,
            diagnostics: head.diagnostics,
        }),
        findings: outcome.findings,
        judged: outcome.judged,
        base_grade: base.as_ref().map(|b| BaseGrade {
            grade: b.grade,
            score: b.score,
        }),
    }
}

/// One side's metrics: from the store when it has seen this content through a path like this one
/// (a blob by its id alone, without reading it), measured and remembered otherwise. `Err` says why
/// the side is not measured.
pub(crate) fn side(
    repo: &Repo,
    settings: &Settings,
    store: &Measurer,
    analyzer: &mut Analyzer,
    path: &str,
    content: &Content,
) -> Result<Measured, String> {
    let read = || {
        repo.read(content)
            .map(Cow::Owned)
            .map_err(|e| format!("unreadable: {e}"))
    };
    let blob = content.blob_id();
    store.side(
        analyzer,
        Path::new(path),
        blob.as_ref(),
        settings.max_file_size,
        read,
    )
}
