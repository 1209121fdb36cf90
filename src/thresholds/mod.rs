//! Thresholds that fit the repository: `debtgate init` and `debtgate thresholds suggest`.
//!
//! ```text
//! HEAD ──census──▶ Census ──propose──▶ Proposal ──write──▶ .debtgate.yaml (init)
//!  (store + analysis, as check --all)      │          └──▶ Settings ──flags──▶ counts
//!                                          └──report──▶ terminal (histograms) / JSON
//! ```
//!
//! - `census.rs` measures every function at HEAD through the same pipeline and store as the gate.
//! - `propose.rs` holds the rules: percentiles, floors, friendly numbers, the mode; `grade.rs`
//!   the same rules for `min_grade`.
//! - `write.rs` turns a proposal into settings and into the commented file.
//! - `histogram.rs` draws one metric's distribution; `report.rs` prints and serializes it all.
//!
//! The front-ends, `debtgate thresholds suggest` and `debtgate init`, are in `commands/`.

pub mod census;
pub mod grade;
pub mod histogram;
pub mod propose;
pub mod report;
pub mod write;

use std::path::Path;

use census::{Census, CensusError};
use propose::{Flags, Proposal};

use crate::config::{ConfigError, PolicyMode, Settings};

/// A census and what is proposed for it, with what the current and the proposed settings flag.
pub struct Outcome {
    pub census: Census,
    pub proposal: Proposal,
    pub current: Settings,
    pub proposed: Settings,
    pub flags_now: ([Flags; 5], Flags),
    pub flags_proposed: ([Flags; 5], Flags),
}

/// Why nothing can be proposed.
#[derive(Debug, thiserror::Error)]
pub enum ThresholdsError {
    #[error(transparent)]
    Census(#[from] CensusError),
    #[error(
        "no function to measure at HEAD: none of its {tracked} tracked files is source code in a \
         supported language ({}) that the configuration does not exclude",
        crate::analysis::language_names().join(", ")
    )]
    NoFunctions { tracked: usize },
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Measures HEAD of the repository around `dir` under `current` and proposes for it.
pub fn suggest(
    dir: &Path,
    current: Settings,
    mode: Option<PolicyMode>,
) -> Result<Outcome, ThresholdsError> {
    let census = Census::take(dir, &current)?;
    if census.functions() == 0 {
        return Err(ThresholdsError::NoFunctions {
            tracked: census.files.len() + census.not_analysed,
        });
    }
    let proposal = propose::propose(&census, &current, mode);
    let proposed = write::proposed_settings(&current, &proposal)?;
    let flags_now = propose::flags(&census, &current);
    let flags_proposed = propose::flags(&census, &proposed);
    Ok(Outcome {
        census,
        proposal,
        current,
        proposed,
        flags_now,
        flags_proposed,
    })
}
