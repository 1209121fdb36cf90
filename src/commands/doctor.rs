//! `debtgate doctor`: prints [`crate::doctor::run`]'s checks; the exit code is theirs.

use anyhow::Result;

use super::{current_dir, print};
use crate::exit::Exit;

pub fn run() -> Result<Exit> {
    let (text, exit) = crate::doctor::run(&current_dir()?);
    print(&text)?;
    Ok(exit)
}
