//! Settings: the embedded default with one file's values over it, globs compiled — what the gate
//! runs with, and the only config type the rest of debtgate sees.
//!
//! How a file combines with the default (docs/config.md): a top-level key the file sets replaces
//! the default's value as a whole (`exclude`, `overrides`, `min_grade`, `mode`,
//! `max_file_size`, `on_budget_exceeded`, `suppressions`); `thresholds` is merged per metric, a metric the file
//! names replacing that metric's `{warn, fail}` pair, and `budget` per kind of run. Per path, the last override whose globs match and that sets a
//! metric (or `min_grade`) wins. No value is written in Rust: every default comes from parsing
//! `config/default.yaml`.

use std::fmt;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::budget::{show_duration, OnBudgetExceeded, RunKind};
use super::error::{ConfigError, Problem};
use super::metric::{GradeLevel, Level, PolicyMode};
use super::ratchet::{RatchetSettings, Tolerance};
use super::raw::{
    RawBudget, RawConfig, RawGradeLevel, RawLevel, RawOverride, RawRatchet, RawStore,
    RawThresholds, VERSION,
};
use super::suppressions::Suppressions;
use super::validate::{self, FileConfig, StoreConfig};
use super::DEFAULT_YAML;
use crate::analysis::Grade;
use crate::rules::Metric;

/// Where the settings came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// No file: the built-in `config/default.yaml`.
    Embedded,
    /// A file on disk (`.debtgate.yaml` at the repository root, or `--config PATH`).
    File(PathBuf),
    /// A file read from a revision (`rev:path`), as CI reads the base branch's policy.
    Revision { rev: String, path: String },
}

impl fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigOrigin::Embedded => f.write_str("the built-in default"),
            ConfigOrigin::File(path) => write!(f, "{}", path.display()),
            ConfigOrigin::Revision { rev, path } => write!(f, "{rev}:{path}"),
        }
    }
}

/// A metric's thresholds for one path, and which part of which file set them:
/// `default`, `.debtgate.yaml:thresholds.length`, `.debtgate.yaml:overrides[2]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub level: Level,
    pub source: String,
}

/// The minimum grades for one path, and where they were set (as in [`Applied`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedGrade {
    pub level: GradeLevel,
    pub source: String,
}

/// What suppression comments may do in one path, and where that was set (as in [`Applied`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedSuppressions {
    pub policy: Suppressions,
    pub source: String,
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: PolicyMode,
    /// How `ratchet` judges a function that was already above a level.
    pub ratchet: RatchetSettings,
    pub max_file_size: u64,
    /// What a run whose budget ran out concludes.
    pub on_budget_exceeded: OnBudgetExceeded,
    /// The `store` section, each key from the file or else the default.
    pub store: StoreSettings,
    /// Whether `DEBTGATE_SKIP` may skip the gate in a CI run.
    pub allow_skip_in_ci: bool,
    pub origin: ConfigOrigin,
    /// How problems and sources name the file (`.debtgate.yaml`, `default`, `REV:PATH`).
    label: String,
    /// Indexed by [`Metric::index`].
    thresholds: Vec<Applied>,
    min_grade: AppliedGrade,
    suppressions: AppliedSuppressions,
    exclude: Paths,
    overrides: Vec<Override>,
    /// Indexed by [`RunKind::index`]; `None` is no limit.
    budget: [Option<Duration>; 4],
}

/// Where the measurement store lives and how big and old its tiers may get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// As written (relative to the repository root, absolute, or `off`); `None`: the default
    /// place under the git common directory.
    pub path: Option<String>,
    pub max_age_days: u64,
    pub warm_max_mib: u64,
    pub cold_max_mib: u64,
}

/// `store` keys from `file`, the others from `base` (which sets every limit).
fn merge_store(base: &FileConfig, file: Option<&FileConfig>) -> StoreSettings {
    let empty = StoreConfig::default();
    let b = base.store.as_ref().unwrap_or(&empty);
    let f = file.and_then(|f| f.store.as_ref()).unwrap_or(&empty);
    let limit = |get: fn(&StoreConfig) -> Option<u64>| get(f).or(get(b)).expect(EMBEDDED_COMPLETE);
    StoreSettings {
        path: f.path.clone().or_else(|| b.path.clone()),
        max_age_days: limit(|s| s.max_age_days),
        warm_max_mib: limit(|s| s.warm_max_mib),
        cold_max_mib: limit(|s| s.cold_max_mib),
    }
}

/// Compiled globs, with their patterns kept for `config show`.
#[derive(Debug, Clone)]
struct Paths {
    globs: Vec<Glob>,
    set: GlobSet,
}

#[derive(Debug, Clone)]
struct Override {
    paths: Paths,
    thresholds: Vec<(Metric, Level)>,
    min_grade: Option<GradeLevel>,
    suppressions: Option<Suppressions>,
    source: String,
}

const EMBEDDED: &str = "default";
const EMBEDDED_COMPLETE: &str = "config/default.yaml sets every key (a test checks it)";

/// The embedded default, validated once.
fn embedded_file() -> &'static FileConfig {
    static FILE: OnceLock<FileConfig> = OnceLock::new();
    FILE.get_or_init(|| {
        validate::check(DEFAULT_YAML, "config/default.yaml").unwrap_or_else(|problems| {
            let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
            panic!(
                "the embedded config/default.yaml is invalid (a test forbids this):\n{}",
                lines.join("\n")
            )
        })
    })
}

impl Settings {
    /// The built-in default (`config/default.yaml`), parsed. Panics only if that file is broken,
    /// which a test forbids.
    pub fn embedded() -> Settings {
        build(embedded_file(), None, ConfigOrigin::Embedded, EMBEDDED)
            .expect("the embedded globs compile (a test checks it)")
    }

    /// Settings from the text of a config file over the built-in default. Problems name the
    /// file as `origin` does.
    pub fn from_yaml(text: &str, origin: ConfigOrigin) -> Result<Settings, ConfigError> {
        let label = match &origin {
            ConfigOrigin::Embedded => EMBEDDED.to_owned(),
            other => other.to_string(),
        };
        Settings::from_text(text, origin, &label)
    }

    /// As [`Settings::from_yaml`], naming the file `label` in problems and sources.
    pub(crate) fn from_text(
        text: &str,
        origin: ConfigOrigin,
        label: &str,
    ) -> Result<Settings, ConfigError> {
        let file = validate::check(text, label).map_err(ConfigError::Invalid)?;
        build(embedded_file(), Some(&file), origin, label)
    }

    /// Whether a repository-relative path (`/`-separated) is excluded from judgement.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.set.is_match(path)
    }

    /// The thresholds of `metric` for a repository-relative path: the last matching override
    /// that sets the metric, else the top-level value.
    pub fn threshold(&self, path: &str, metric: Metric) -> Applied {
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.paths.set.is_match(path))
            .find_map(|o| {
                let (_, level) = o.thresholds.iter().find(|(m, _)| *m == metric)?;
                Some(Applied {
                    level: *level,
                    source: o.source.clone(),
                })
            })
            .unwrap_or_else(|| self.thresholds[metric.index()].clone())
    }

    /// [`Settings::threshold`] of every metric, indexed by `Metric::index`, matching each
    /// override's globs against `path` once (the policy judges a file's functions with these).
    pub fn thresholds_for(&self, path: &str) -> Vec<Applied> {
        let matching: Vec<&Override> = self
            .overrides
            .iter()
            .rev()
            .filter(|o| o.paths.set.is_match(path))
            .collect();
        Metric::ALL
            .iter()
            .map(|metric| {
                matching
                    .iter()
                    .find_map(|o| {
                        let (_, level) = o.thresholds.iter().find(|(m, _)| m == metric)?;
                        Some(Applied {
                            level: *level,
                            source: o.source.clone(),
                        })
                    })
                    .unwrap_or_else(|| self.thresholds[metric.index()].clone())
            })
            .collect()
    }

    /// The minimum grades `(warn, fail)` for a repository-relative path.
    pub fn min_grade(&self, path: &str) -> (Option<Grade>, Option<Grade>) {
        let level = self.min_grade_applied(path).level;
        (level.warn, level.fail)
    }

    /// The minimum grades for a repository-relative path and where they were set, chosen as
    /// [`Settings::threshold`] chooses.
    pub fn min_grade_applied(&self, path: &str) -> AppliedGrade {
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.paths.set.is_match(path))
            .find_map(|o| {
                Some(AppliedGrade {
                    level: o.min_grade?,
                    source: o.source.clone(),
                })
            })
            .unwrap_or_else(|| self.min_grade.clone())
    }

    /// What suppression comments may do in a repository-relative path, and where that was set:
    /// the last matching override that sets `suppressions`, else the top-level value.
    pub fn suppressions_for(&self, path: &str) -> AppliedSuppressions {
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.paths.set.is_match(path))
            .find_map(|o| {
                Some(AppliedSuppressions {
                    policy: o.suppressions?,
                    source: o.source.clone(),
                })
            })
            .unwrap_or_else(|| self.suppressions.clone())
    }

    /// Whether an override sets `metric` for a repository-relative path (so the top-level
    /// thresholds do not apply to it).
    pub fn overridden(&self, path: &str, metric: Metric) -> bool {
        self.overrides
            .iter()
            .any(|o| o.thresholds.iter().any(|(m, _)| *m == metric) && o.paths.set.is_match(path))
    }

    /// Whether an override sets `min_grade` for a repository-relative path.
    pub fn grade_overridden(&self, path: &str) -> bool {
        self.overrides
            .iter()
            .any(|o| o.min_grade.is_some() && o.paths.set.is_match(path))
    }

    /// The top-level thresholds of `metric` (what a path no override names gets).
    pub fn top_level(&self, metric: Metric) -> Level {
        self.thresholds[metric.index()].level
    }

    /// The top-level minimum grades.
    pub fn top_min_grade(&self) -> GradeLevel {
        self.min_grade.level
    }

    /// What `other` loosens compared with these settings, one phrase each
    /// (`thresholds.cyclomatic.fail 30 → 40`, `mode new → ratchet`); empty when nothing.
    /// Overrides are path-dependent, so a changed list is reported as changed, not compared.
    pub fn loosened_by(&self, other: &Settings) -> Vec<String> {
        let mut looser = Vec::new();
        if strictness(other.mode) < strictness(self.mode) {
            looser.push(format!("mode {} → {}", self.mode, other.mode));
        }
        let show = |t: Option<f64>| t.map_or_else(|| "never".to_owned(), |t| t.to_string());
        for metric in Metric::ALL {
            let (was, now) = (
                self.thresholds[metric.index()].level,
                other.thresholds[metric.index()].level,
            );
            for (name, a, b) in [("warn", was.warn, now.warn), ("fail", was.fail, now.fail)] {
                // `None` is "never", the loosest threshold of all.
                if a.is_some_and(|a| b.is_none_or(|b| b > a)) {
                    looser.push(format!(
                        "thresholds.{metric}.{name} {} → {}",
                        show(a),
                        show(b)
                    ));
                }
            }
        }
        let grade = |g: Option<Grade>| g.map_or_else(|| "never".to_owned(), |g| g.to_string());
        let (was, now) = (self.min_grade.level, other.min_grade.level);
        for (name, a, b) in [("warn", was.warn, now.warn), ("fail", was.fail, now.fail)] {
            if a.is_some_and(|a| b.is_none_or(|b| b < a)) {
                looser.push(format!("min_grade.{name} {} → {}", grade(a), grade(b)));
            }
        }
        let patterns =
            |p: &Paths| -> Vec<String> { p.globs.iter().map(|g| g.glob().to_owned()).collect() };
        let excluded = patterns(&self.exclude);
        for added in patterns(&other.exclude) {
            if !excluded.contains(&added) {
                looser.push(format!("exclude adds `{added}`"));
            }
        }
        let (was, now) = (self.suppressions.policy, other.suppressions.policy);
        if now.strictness() < was.strictness() {
            looser.push(format!("suppressions {was} → {now}"));
        }
        if self.to_raw().overrides != other.to_raw().overrides {
            looser.push("overrides changed (not compared; review them)".to_owned());
        }
        if other.max_file_size < self.max_file_size {
            looser.push(format!(
                "max_file_size {} → {} (fewer files analysed)",
                self.max_file_size, other.max_file_size
            ));
        }
        for kind in RunKind::ALL {
            let (was, now) = (self.budget(kind), other.budget(kind));
            // A shorter budget leaves more files unanalysed; `None` is the longest.
            if now.is_some_and(|now| was.is_none_or(|was| now < was)) {
                let show = |d: Option<Duration>| d.map_or_else(|| "none".into(), show_duration);
                looser.push(format!("budget.{kind} {} → {}", show(was), show(now)));
            }
        }
        for metric in Metric::ALL {
            if let (Some((was, key)), Some((now, _))) = (
                self.ratchet.tolerance(metric),
                other.ratchet.tolerance(metric),
            ) {
                looser.extend(looser_tolerance(key, was, now));
            }
        }
        if self.on_budget_exceeded == OnBudgetExceeded::Fail
            && other.on_budget_exceeded == OnBudgetExceeded::Pass
        {
            looser.push("on_budget_exceeded fail → pass".to_owned());
        }
        if !self.allow_skip_in_ci && other.allow_skip_in_ci {
            looser.push("allow_skip_in_ci false → true".to_owned());
        }
        looser
    }

    /// How long a run of `kind` may analyse; `None` is no limit.
    pub fn budget(&self, kind: RunKind) -> Option<Duration> {
        self.budget[kind.index()]
    }

    /// How problems and sources name the config file.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The effective settings in the file format, complete, headed by a comment saying where
    /// they came from. Reading the output back gives the same settings.
    pub fn to_yaml(&self) -> String {
        let from = match &self.origin {
            ConfigOrigin::Embedded => "the built-in default (no config file)".to_owned(),
            other => format!("{other} over the built-in default"),
        };
        let yaml = serde_yaml::to_string(&self.to_raw())
            .expect("the settings serialize (plain maps, lists, strings and numbers)");
        format!("# Effective debtgate settings, from {from}.\n{yaml}")
    }

    /// The effective settings in the file format.
    pub(crate) fn to_raw(&self) -> RawConfig {
        // Exact: levels are whole numbers within u32 (validation).
        let whole = |t: Option<f64>| t.map(|t| t as u32);
        let raw_level = |l: &Level| RawLevel {
            warn: whole(l.warn),
            fail: whole(l.fail),
        };
        let raw_grades = |g: &GradeLevel| RawGradeLevel {
            warn: g.warn,
            fail: g.fail,
        };
        let raw_thresholds = |levels: &mut dyn Iterator<Item = (Metric, &Level)>| {
            RawThresholds(levels.map(|(m, l)| (m, raw_level(l))).collect())
        };
        let patterns = |p: &Paths| p.globs.iter().map(|g| g.glob().to_owned()).collect();
        RawConfig {
            version: Some(VERSION),
            mode: Some(self.mode),
            ratchet: Some(RawRatchet {
                length_tolerance: Some(self.ratchet.length_tolerance),
                cyclomatic_tolerance: Some(self.ratchet.cyclomatic_tolerance),
                cognitive_tolerance: Some(self.ratchet.cognitive_tolerance),
            }),
            thresholds: Some(raw_thresholds(
                &mut Metric::ALL
                    .iter()
                    .map(|m| (*m, &self.thresholds[m.index()].level)),
            )),
            min_grade: Some(raw_grades(&self.min_grade.level)),
            exclude: Some(patterns(&self.exclude)),
            overrides: Some(
                self.overrides
                    .iter()
                    .map(|o| RawOverride {
                        paths: patterns(&o.paths),
                        thresholds: (!o.thresholds.is_empty()).then(|| {
                            raw_thresholds(&mut o.thresholds.iter().map(|(m, l)| (*m, l)))
                        }),
                        min_grade: o.min_grade.as_ref().map(raw_grades),
                        suppressions: o.suppressions,
                    })
                    .collect(),
            ),
            suppressions: Some(self.suppressions.policy),
            max_file_size: Some(self.max_file_size),
            budget: Some(RawBudget {
                staged: Some(self.budget(RunKind::Staged).map(show_duration)),
                worktree: Some(self.budget(RunKind::Worktree).map(show_duration)),
                range: Some(self.budget(RunKind::Range).map(show_duration)),
                all: Some(self.budget(RunKind::All).map(show_duration)),
            }),
            on_budget_exceeded: Some(self.on_budget_exceeded),
            store: Some(RawStore {
                path: self.store.path.clone(),
                max_age_days: Some(self.store.max_age_days),
                warm_max_mib: Some(self.store.warm_max_mib),
                cold_max_mib: Some(self.store.cold_max_mib),
            }),
            allow_skip_in_ci: Some(self.allow_skip_in_ci),
        }
    }
}

/// `ratchet.<key> was → now` when `now` lets more growth pass. Numbers and percentages compare
/// only by kind; a change of kind is named for review.
fn looser_tolerance(key: &str, was: Tolerance, now: Tolerance) -> Option<String> {
    let looser = match (was, now) {
        (Tolerance::Lines(a), Tolerance::Lines(b))
        | (Tolerance::Percent(a), Tolerance::Percent(b)) => b > a,
        _ => true,
    };
    looser.then(|| format!("ratchet.{key} {was} → {now}"))
}

/// How much of a change a mode judges: `ratchet` forgives what did not get worse, `new` judges
/// touched functions as they are, `absolute` judges every function of a touched file.
fn strictness(mode: PolicyMode) -> u8 {
    match mode {
        PolicyMode::Ratchet => 0,
        PolicyMode::New => 1,
        PolicyMode::Absolute => 2,
    }
}

/// `file` over `base` (the embedded default, which sets every key).
fn build(
    base: &FileConfig,
    file: Option<&FileConfig>,
    origin: ConfigOrigin,
    label: &str,
) -> Result<Settings, ConfigError> {
    let pick = |get: fn(&FileConfig) -> bool| -> (&FileConfig, &str) {
        match file {
            Some(f) if get(f) => (f, label),
            _ => (base, EMBEDDED),
        }
    };
    let thresholds = Metric::ALL
        .iter()
        .map(|metric| {
            let set_by = |f: &FileConfig| f.thresholds.iter().find(|(m, _)| m == metric).copied();
            match file.and_then(set_by) {
                Some((_, level)) => Applied {
                    level,
                    source: format!("{label}:thresholds.{metric}"),
                },
                None => Applied {
                    level: set_by(base).expect(EMBEDDED_COMPLETE).1,
                    source: EMBEDDED.to_owned(),
                },
            }
        })
        .collect();
    let (grades_from, grades_label) = pick(|f| f.min_grade.is_some());
    let (exclude_from, exclude_label) = pick(|f| f.exclude.is_some());
    let (overrides_from, overrides_label) = pick(|f| f.overrides.is_some());
    let rules = overrides_from.overrides.as_ref().expect(EMBEDDED_COMPLETE);
    let mut overrides = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        overrides.push(Override {
            paths: compile(
                &rule.paths,
                overrides_label,
                &format!("overrides[{i}].paths"),
            )?,
            thresholds: rule.thresholds.clone(),
            min_grade: rule.min_grade,
            suppressions: rule.suppressions,
            source: format!("{overrides_label}:overrides[{i}]"),
        });
    }
    Ok(Settings {
        mode: file
            .and_then(|f| f.mode)
            .or(base.mode)
            .expect(EMBEDDED_COMPLETE),
        ratchet: RatchetSettings {
            length_tolerance: file
                .and_then(|f| f.length_tolerance)
                .or(base.length_tolerance)
                .expect(EMBEDDED_COMPLETE),
            cyclomatic_tolerance: file
                .and_then(|f| f.cyclomatic_tolerance)
                .or(base.cyclomatic_tolerance)
                .expect(EMBEDDED_COMPLETE),
            cognitive_tolerance: file
                .and_then(|f| f.cognitive_tolerance)
                .or(base.cognitive_tolerance)
                .expect(EMBEDDED_COMPLETE),
        },
        max_file_size: file
            .and_then(|f| f.max_file_size)
            .or(base.max_file_size)
            .expect(EMBEDDED_COMPLETE),
        on_budget_exceeded: file
            .and_then(|f| f.on_budget_exceeded)
            .or(base.on_budget_exceeded)
            .expect(EMBEDDED_COMPLETE),
        budget: RunKind::ALL.map(|kind| {
            let set_by = |f: &FileConfig| f.budget.iter().find(|(k, _)| *k == kind).copied();
            file.and_then(set_by)
                .or_else(|| set_by(base))
                .expect(EMBEDDED_COMPLETE)
                .1
        }),
        store: merge_store(base, file),
        allow_skip_in_ci: file
            .and_then(|f| f.allow_skip_in_ci)
            .or(base.allow_skip_in_ci)
            .expect(EMBEDDED_COMPLETE),
        origin,
        label: label.to_owned(),
        thresholds,
        min_grade: AppliedGrade {
            level: grades_from.min_grade.expect(EMBEDDED_COMPLETE),
            source: if grades_label == EMBEDDED {
                EMBEDDED.to_owned()
            } else {
                format!("{label}:min_grade")
            },
        },
        suppressions: match file.and_then(|f| f.suppressions) {
            Some(policy) => AppliedSuppressions {
                policy,
                source: format!("{label}:suppressions"),
            },
            None => AppliedSuppressions {
                policy: base.suppressions.expect(EMBEDDED_COMPLETE),
                source: EMBEDDED.to_owned(),
            },
        },
        exclude: compile(
            exclude_from.exclude.as_ref().expect(EMBEDDED_COMPLETE),
            exclude_label,
            "exclude",
        )?,
        overrides,
    })
}

/// One matcher for a list of globs. Each glob compiled alone already (validation); together
/// they can only fail on regex size limits, which we report without a position.
fn compile(globs: &[Glob], label: &str, key: &str) -> Result<Paths, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(glob.clone());
    }
    let set = builder.build().map_err(|e| {
        ConfigError::Invalid(vec![Problem {
            file: label.to_owned(),
            line: 1,
            column: 1,
            message: format!("the globs of `{key}` do not compile together: {e}"),
        }])
    })?;
    Ok(Paths {
        globs: globs.to_vec(),
        set,
    })
}
