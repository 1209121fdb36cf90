//! Writes the benchmark corpus (`benches/corpus`) to a directory, for running other tools on the
//! same files: `cargo run --release --example gen-corpus -- DIR [LINES_PER_LANGUAGE] [SEED]`.
//! Prints one line per language (files, lines, bytes) and the total to stderr.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen-corpus DIR [LINES_PER_LANGUAGE] [SEED]");
        return ExitCode::from(2);
    };
    let lines: usize = match args.next().map(|a| a.parse()) {
        None => corpus::LINES_PER_LANGUAGE,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("LINES_PER_LANGUAGE: {e}");
            return ExitCode::from(2);
        }
    };
    let seed: u64 = match args.next().map(|a| a.parse()) {
        None => corpus::SEED,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("SEED: {e}");
            return ExitCode::from(2);
        }
    };
    let files = corpus::generate(seed, lines);
    if let Err(e) = corpus::write_to(&dir, &files) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let (mut all_files, mut all_lines, mut all_bytes) = (0, 0, 0);
    for language in corpus::LANGUAGES {
        let of: Vec<_> = files.iter().filter(|f| f.language == language).collect();
        let lines: usize = of.iter().map(|f| f.lines()).sum();
        let bytes: usize = of.iter().map(|f| f.text.len()).sum();
        eprintln!(
            "{:<11} {:>5} files {:>8} lines {:>10} bytes",
            language.name(),
            of.len(),
            lines,
            bytes
        );
        (all_files, all_lines, all_bytes) =
            (all_files + of.len(), all_lines + lines, all_bytes + bytes);
    }
    eprintln!(
        "{:<11} {all_files:>5} files {all_lines:>8} lines {all_bytes:>10} bytes",
        "total"
    );
    ExitCode::SUCCESS
}
