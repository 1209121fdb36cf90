//! debtgate: a quality gate that measures the code a change touches.
//!
//! The pipeline, stage by stage (DESIGN.md, docs/ARCHITECTURE.md), in the order the modules
//! below are declared:
//!
//! ```text
//!  change set ──▶ plan ──▶ measure ───────────▶ policy ──▶ report ──▶ stdout / files / GitHub
//!  (change/,     (plan)   (measure, store,      (policy,   (report,
//!   inputs)               daemon; analysis+lang  rules)     ci, publish)
//!                         on the one fan_out)
//! ```
//!
//! - [`change`] turns what is being committed, pushed or proposed into a
//!   [`change::ChangeSet`] (the only module that names gix); [`inputs`] finds files on disk for
//!   `analyze`.
//! - [`plan`] decides, once for every caller, which sides of each changed file are measured.
//! - [`measure`] measures those sides through the [`store`] (content-addressed metrics) or the
//!   [`daemon`]'s answers; [`analysis`] and [`lang`] turn one blob into
//!   [`analysis::FileMetrics`]. Every parallel pass runs on [`fan_out`], the one place work
//!   fans out over the worker pool; results come back in input order, so output never depends
//!   on scheduling.
//! - [`policy`] applies the [`config`] to measurements and yields [`rules::Finding`]s, in the
//!   shared vocabulary of [`rules`].
//! - [`report`] renders one [`report::Report`] in every format; [`ci`] and [`publish`] put it
//!   where GitHub shows it.
//!
//! The runs that drive the pipeline: [`check`] (the gate), [`analyze`] (files without a change
//! set), [`thresholds`] (`init` and `thresholds suggest`), [`explain`], [`doctor`], [`hooks`],
//! [`trend`] (the history of the debt, commit by commit).
//! [`commands`] is the edge: one front-end per subcommand turning arguments (clap) into typed
//! options and outcomes into output and exit codes ([`exit`]); [`cli`] is the command tree.

// stdout carries only the report and may close early; stderr may close too. Neither may end a
// run: write through `exit::stdout` / `out!` and `note!`, never `println!` / `eprintln!` (which
// panic on a closed pipe). The two macros are defined here, before every room, so that every
// room can use them without importing one (they are the standard streams, not a stage).
#![deny(clippy::print_stdout, clippy::print_stderr)]

/// `eprintln!` that never panics. `eprintln!` panics when stderr is a closed pipe (`debtgate check
/// 2>&1 | head -1`), which would end a check in the middle of publishing with exit status 101; a
/// message nobody reads is no reason to stop. The library writes stderr only through this
/// (`clippy::print_stderr` is denied in `lib.rs`).
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

/// `println!` through [`exit::stdout`], as an `io::Result`: a closed stdout ends the printing, not the
/// run (`println!` would panic). The library writes stdout only through [`exit::stdout`]
/// (`clippy::print_stdout` is denied in `lib.rs`).
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        ::std::writeln!($crate::exit::stdout(), $($arg)*)
    }};
}

// Shared by every stage: languages, the measurements, the vocabulary of findings, the fan-out.
pub mod analysis;
pub mod fan_out;
pub mod lang;
pub mod rules;
pub mod timings;

// The change set: what is judged.
pub mod change;
pub mod inputs;

// The policy file, read once into settings every later stage takes.
pub mod config;

// The plan: which sides of each file are measured, and which part of them a shard judges.
pub mod plan;
pub mod shard;

// Measuring: through the store, or the daemon that keeps it warm.
pub mod daemon;
pub mod measure;
pub mod store;

// Judging: thresholds and modes applied to measurements; the time budget.
pub mod baseline;
pub mod budget;
pub mod policy;

// Reporting: every format from one report, and publishing it.
pub mod ci;
pub mod publish;
pub mod report;

// The runs that drive the pipeline.
pub mod analyze;
pub mod check;
pub mod doctor;
pub mod explain;
pub mod hooks;
pub mod thresholds;
pub mod trend;

// The edge: the command line and exit status.
pub mod cli;
pub mod commands;
pub mod exit;

pub use analyze::{analyze_paths, AnalyzeOptions};
