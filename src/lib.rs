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
pub mod analyze;
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
pub mod measure;
pub mod plan;
pub mod policy;
pub mod publish;
pub mod report;
pub mod rules;
pub mod skip;
pub mod store;
pub mod thresholds;
pub mod timings;

pub use analyze::{analyze_paths, AnalyzeOptions};
