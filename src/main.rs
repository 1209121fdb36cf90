//! The `debtgate` binary: parse, run, map the outcome to an exit status. All logic is in the
//! library.

use std::process::ExitCode;

use clap::Parser;
use debtgate::{cli, exit::Exit};

fn main() -> ExitCode {
    // SAFETY: the first statement of the process: no tree-sitter object exists yet and no other
    // thread runs.
    unsafe { debtgate::analysis::allocator::use_mimalloc_for_tree_sitter() };
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(exit) => exit.into(),
        // A reader closing stdout early is no error and never gets here: reports are written
        // through `exit::stdout`, which ends the printing, not the run, so the status is the one
        // the run decided. A broken pipe that does get here is a socket or a child process gone
        // — a tool error like any other, never a pass.
        Err(err) => {
            debtgate::note!("debtgate: error: {err:#}");
            Exit::Error.into()
        }
    }
}
