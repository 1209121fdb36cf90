//! Reports: one [`Report`] rendered in every format from the same data. Renderers see only the
//! report, never analysis or git internals. stdout carries the report and nothing else.

mod human;
mod json;

use serde::Serialize;

use crate::analysis::{Diagnostic, Duplication, FunctionMetrics, Grade, Satd};
use crate::lang::Language;

pub use human::render as render_human;
pub use json::render as render_json;

/// The JSON schema id; bump it on any incompatible change.
pub const SCHEMA: &str = "debtgate.report/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Staged,
    Range,
    All,
    Worktree,
    Paths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Totals over the report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub functions: usize,
    pub failures: usize,
    pub warnings: usize,
    pub suppressed: usize,
    pub not_analysed: usize,
}

/// One analysed file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub old_path: Option<String>,
    /// The change status (added, modified, …); `None` when not judging a change.
    pub status: Option<&'static str>,
    pub language: Language,
    pub score: f64,
    pub grade: Grade,
    pub code_lines: usize,
    pub functions: Vec<FunctionMetrics>,
    pub satd: Vec<Satd>,
    pub duplication: Duplication,
    pub diagnostics: Vec<Diagnostic>,
}

/// A file that was listed but not measured.
#[derive(Debug, Clone, Serialize)]
pub struct NotAnalysed {
    pub path: String,
    pub reason: String,
}

/// Store hits and misses, when a store was used.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CacheStats {
    pub hot: usize,
    pub warm: usize,
    pub cold: usize,
    pub miss: usize,
}

/// A threshold finding (produced by the policy stage).
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub level: String,
    pub path: String,
    pub line: usize,
    pub function: Option<String>,
    pub value: f64,
    pub threshold: f64,
    pub base_value: Option<f64>,
    pub fingerprint: String,
    pub message: String,
    pub suppressed: bool,
}

/// Everything a run found, in a deterministic order.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
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
            functions: files.iter().map(|f| f.functions.len()).sum(),
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
        }
    }
}
