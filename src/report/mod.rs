//! Reports: one [`Report`] rendered in every format from the same data. Renderers see only the
//! report, never analysis or git internals. stdout carries the report and nothing else.

mod codeclimate;
mod format;
mod github;
mod human;
mod json;
mod junit;
mod markdown;
mod merge;
pub mod sarif;
mod trend_section;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::{FileMetrics, Grade};
use crate::store::CacheStats;

pub use codeclimate::render as render_codeclimate;
pub use format::{render, render_as, Detail, Format};
pub use github::{data as github_data, render as render_github};
pub use human::render as render_human;
pub use json::{parse as parse_json, render as render_json, ReadError};
pub use junit::render as render_junit;
pub use markdown::{
    render as render_markdown, render_capped as render_markdown_capped, render_skipped,
};
pub use markdown::{COMMENT_LIMIT, SUMMARY_LIMIT};
pub use merge::{merge, shard_notice, MergeError};
pub use sarif::render as render_sarif;
pub use trend_section::{BranchPoint, BranchTrend};

/// The JSON schema id; bump it on any incompatible change.
pub const SCHEMA: &str = "debtgate.report/1";

// Aliases rather than `&'static str` spelled out: serde would otherwise borrow these fields from
// the input when reading a report back, which needs `'de: 'static`; `json.rs` maps them to the
// known names instead.
/// A schema id ([`SCHEMA`]).
pub type SchemaId = &'static str;
/// A change status name: `added`, `modified`, `renamed`, `deleted`.
pub type StatusName = &'static str;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Staged,
    Range,
    All,
    Worktree,
    Paths,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Staged => "staged",
            Mode::Range => "range",
            Mode::All => "all",
            Mode::Worktree => "worktree",
            Mode::Paths => "paths",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

/// The tool that wrote a report (this one, or the one that wrote a report read back).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Totals over the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    pub files: usize,
    pub functions: usize,
    /// Functions the gate's mode put under judgement (all of them in `absolute`; those a change
    /// added or changed in `new` and `ratchet`); 0 when nothing was judged (`analyze`).
    pub judged: usize,
    pub failures: usize,
    pub warnings: usize,
    pub suppressed: usize,
    /// Findings the baseline lists (known debt, not failing; not counted as failures or
    /// warnings).
    pub baseline: usize,
    pub not_analysed: usize,
}

/// One analysed file: where it is, how the change touched it, and what analysis measured in it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub old_path: Option<String>,
    /// The change status (added, modified, …); `None` when not judging a change.
    #[serde(deserialize_with = "json::status")]
    pub status: Option<StatusName>,
    /// The file's measurements as analysis gives them; in the JSON document their fields sit
    /// beside `path` (`language`, `score`, `grade`, `code_lines`, `functions`, …).
    #[serde(flatten)]
    pub metrics: FileMetrics,
}

/// A file that was listed but not measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotAnalysed {
    pub path: String,
    pub reason: String,
}

/// A file's grade on the base side of a change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaseGrade {
    pub grade: Grade,
    pub score: f64,
}

/// The baseline a check consulted (`crate::baseline`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineReport {
    /// Where it was read from: a path, or `REV:PATH` in a range.
    pub source: String,
    /// How many entries it has.
    pub entries: usize,
    /// Entries of the judged files that no longer match: their function is within the level
    /// now or was deleted (`debtgate baseline --prune` removes them).
    pub stale: usize,
}

impl BaselineReport {
    /// The notice a report carries when entries no longer match; `None` when none is stale.
    pub fn stale_notice(&self) -> Option<String> {
        (self.stale > 0).then(|| {
            format!(
                "{} entries of the baseline ({}) no longer match: their functions are within the \
                 thresholds now or were deleted. `debtgate baseline --prune` removes them.",
                self.stale, self.source
            )
        })
    }
}

/// The time budget of a check, when one applied.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BudgetReport {
    /// The limit, in milliseconds.
    pub limit_ms: u64,
    /// Whether it ran out before every file was analysed.
    pub exceeded: bool,
    /// What an exceeded budget does to the verdict (`on_budget_exceeded`).
    pub on_exceeded: crate::config::OnBudgetExceeded,
    /// The files it left unanalysed, in the order the gate would have taken them (riskiest
    /// first). Each is also in the report's `not_analysed` with the reason.
    pub not_analysed: Vec<String>,
}

pub use crate::rules::{Finding, Reason, Severity};

/// Which part of a split check a report is (`check --shard K/N`), and what names the run, so that
/// [`merge`] puts together only the parts of one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// 1-based.
    pub index: usize,
    pub count: usize,
    /// Files in the whole change: every shard's `files` and `not_analysed` add up to it.
    pub change_files: usize,
    /// Names the change set (source, commits, every path and blob id).
    pub change: String,
    /// Names the effective policy.
    pub policy: String,
}

/// Everything a run found, in a deterministic order. [`parse_json`] reads the JSON document back
/// (`debtgate publish --report`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    #[serde(deserialize_with = "json::schema")]
    pub schema: SchemaId,
    pub tool: Tool,
    pub mode: Mode,
    pub base: Option<String>,
    pub head: Option<String>,
    pub verdict: Verdict,
    pub summary: Summary,
    pub files: Vec<FileReport>,
    pub not_analysed: Vec<NotAnalysed>,
    pub findings: Vec<Finding>,
    /// `None` when no store was consulted.
    pub cache: Option<CacheStats>,
    /// The time budget, when one applied (`check` with a budget); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetReport>,
    /// The baseline, when the check used one; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineReport>,
    /// Per-stage times (`--timings`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timings: Option<crate::timings::Timings>,
    /// Each changed file's grade before the change, by path, where the base side was measured
    /// (modes `new` and `ratchet`): the Markdown's "before → after". In the JSON document only
    /// when there are any, so a report published in a later step (`debtgate publish`) says the
    /// same as one published by the check.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub base_grades: BTreeMap<String, BaseGrade>,
    /// Things the reader should know about how the verdict was reached (which policy judged a
    /// change that edits the policy, for instance).
    #[serde(default)]
    pub notices: Vec<String>,
    /// The target branch's recent trend from the store (`debtgate trend` records), for the
    /// Markdown's trend section; absent when the store has none (or `check --no-trend`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trend: Option<BranchTrend>,
    /// The part of a split check this report is (`check --shard K/N`); absent otherwise, and
    /// in a merged report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
}

impl Report {
    /// A report of measurements only (no policy applied): `debtgate analyze`.
    pub fn measurements(
        mode: Mode,
        mut files: Vec<FileReport>,
        mut not_analysed: Vec<NotAnalysed>,
    ) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        not_analysed.sort_by(|a, b| a.path.cmp(&b.path));
        let summary = Summary {
            files: files.len(),
            functions: files.iter().map(|f| f.metrics.functions.len()).sum(),
            not_analysed: not_analysed.len(),
            ..Summary::default()
        };
        Report {
            schema: SCHEMA,
            tool: Tool::default(),
            mode,
            base: None,
            head: None,
            verdict: Verdict::Pass,
            summary,
            files,
            not_analysed,
            findings: Vec::new(),
            cache: None,
            budget: None,
            baseline: None,
            timings: None,
            base_grades: BTreeMap::new(),
            notices: Vec::new(),
            trend: None,
            shard: None,
        }
    }

    /// A gate's report: measurements and the findings of the policy. The verdict is `fail` when
    /// any unsuppressed finding is at `fail` level.
    pub fn judged(
        mode: Mode,
        base: Option<String>,
        head: Option<String>,
        files: Vec<FileReport>,
        not_analysed: Vec<NotAnalysed>,
        mut findings: Vec<Finding>,
        notices: Vec<String>,
    ) -> Self {
        let mut report = Report::measurements(mode, files, not_analysed);
        findings.sort_by(|a, b| {
            (&a.path, a.line, &a.rule, &a.fingerprint).cmp(&(
                &b.path,
                b.line,
                &b.rule,
                &b.fingerprint,
            ))
        });
        let active = |level| {
            findings
                .iter()
                .filter(move |f| f.active() && f.level == level)
        };
        report.summary.failures = active(Severity::Fail).count();
        report.summary.warnings = active(Severity::Warn).count();
        report.summary.suppressed = findings.iter().filter(|f| f.suppressed).count();
        report.summary.baseline = findings
            .iter()
            .filter(|f| f.baseline && !f.suppressed)
            .count();
        report.verdict = if report.summary.failures > 0 {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        report.base = base;
        report.head = head;
        report.findings = findings;
        report.notices = notices;
        report
    }
}

/// Findings in the order a reader with little room should see them: unsuppressed failures,
/// then warnings, then known debt (baseline), then suppressed ones; within each, the report's
/// order (path, line).
pub fn by_importance(report: &Report) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = report.findings.iter().collect();
    findings.sort_by_key(|f| match (f.suppressed, f.baseline, f.level) {
        (false, false, Severity::Fail) => 0,
        (false, false, Severity::Warn) => 1,
        (false, true, _) => 2,
        (true, _, _) => 3,
    });
    findings
}

/// The last line of the function a finding is about, when the report measured it.
pub fn end_line(report: &Report, finding: &Finding) -> Option<usize> {
    let name = finding.function.as_deref()?;
    report
        .files
        .iter()
        .find(|f| f.path == finding.path)?
        .metrics
        .functions
        .iter()
        .find(|f| f.qualified_name == name && f.start_line == finding.line)
        .map(|f| f.end_line)
}

/// A number as reports print it: integers without a fraction, others with one decimal.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}
