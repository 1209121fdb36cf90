//! `debtgate warm`: the daemon's background pass ([`crate::daemon::warm`]) in this process, with
//! one line on stdout saying what it did.

use anyhow::Result;

use crate::exit::Exit;

/// `debtgate warm`: the daemon's background pass, in this process.
pub fn run() -> Result<Exit> {
    let dir = super::current_dir()?;
    let (plan, s) = crate::daemon::warm::run_in_process(&dir)?;
    let short = |c: &Option<String>| c.as_deref().map_or("-".to_string(), |c| c[..12].into());
    out!(
        "warmed {} files of HEAD {} and merge-base {}: {} measured, {} already stored, {} not analysable",
        s.files,
        short(&plan.head),
        short(&plan.base),
        s.measured,
        s.stored,
        s.skipped
    )?;
    Ok(Exit::Pass)
}
