//! The `debtgate` binary: parse, run, map the outcome to an exit status. All logic is in the
//! library.

use std::process::ExitCode;

use clap::Parser;
use debtgate::{cli, exit::Exit};

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(exit) => exit.into(),
        Err(err) => {
            // A closed pipe (`debtgate analyze | head`) is the reader's choice, not an error.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return Exit::Pass.into();
            }
            eprintln!("debtgate: error: {err:#}");
            Exit::Error.into()
        }
    }
}
