//! Cold analysis throughput on a generated corpus (`benches/corpus`): 13 languages × 50,000 lines.
//!
//! "Cold" means nothing is remembered between files or runs (no store); parsers are reused, as
//! each worker thread reuses its own in `analyze_paths`. Counters: `item` = one source line,
//! `B` = bytes, so divan prints lines per second and bytes per second next to each time.
//!
//! - `per_language`: one thread, [`Analyzer::analyze`] over every file of one language, in memory.
//! - `parse_only`: the same files through a bare tree-sitter parser, no metrics: the floor that
//!   any tree-sitter-based analysis pays, to read `per_language` against.
//! - `whole_corpus`: the library entry point [`debtgate::analyze_paths`] on the corpus written to
//!   a temporary directory (discovery, reading, analysis, report), on 1 and 2 rayon threads.
//!
//! tree-sitter allocates through mimalloc here, as in the binary.
//!
//! `cargo bench --bench analysis`; `scripts/bench-vs-lizard.sh` compares with lizard.

mod corpus;

use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;

use corpus::SourceFile;
use debtgate::analysis::Analyzer;
use debtgate::{analyze_paths, AnalyzeOptions};

/// The full corpus under `cargo bench`; a small one when `cargo test --benches` (or
/// `--all-targets`) runs each benchmark once as a test, unoptimised. Same rule as divan's.
static CORPUS: LazyLock<Vec<SourceFile>> = LazyLock::new(|| {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let lines = if bench {
        corpus::LINES_PER_LANGUAGE
    } else {
        1_000
    };
    corpus::generate(corpus::SEED, lines)
});

const LANGUAGES: [&str; 14] = [
    "rust",
    "python",
    "javascript",
    "typescript",
    "go",
    "java",
    "c",
    "cpp",
    "csharp",
    "ruby",
    "php",
    "kotlin",
    "swift",
    "scala",
];

fn main() {
    // As the binary does (`src/main.rs`), so that both columns measure what users run.
    // SAFETY: first statement of the process, before any tree-sitter object or other thread.
    unsafe { debtgate::analysis::allocator::use_mimalloc_for_tree_sitter() };
    divan::main();
}

fn counters<'a>(files: impl Iterator<Item = &'a SourceFile>) -> (ItemsCount, BytesCount) {
    let (lines, bytes) = files.fold((0, 0), |(l, b), f| (l + f.lines(), b + f.text.len()));
    (ItemsCount::new(lines), BytesCount::new(bytes))
}

#[divan::bench(args = LANGUAGES, sample_count = 20, sample_size = 1)]
fn per_language(bencher: Bencher, language: &str) {
    let files: Vec<&SourceFile> = CORPUS
        .iter()
        .filter(|f| f.language.name() == language)
        .collect();
    let (lines, bytes) = counters(files.iter().copied());
    let mut analyzer = Analyzer::new();
    bencher.counter(lines).counter(bytes).bench_local(|| {
        for f in &files {
            divan::black_box(analyzer.analyze(f.text.as_bytes(), f.language));
        }
    });
}

#[divan::bench(args = LANGUAGES, sample_count = 20, sample_size = 1)]
fn parse_only(bencher: Bencher, language: &str) {
    let files: Vec<&SourceFile> = CORPUS
        .iter()
        .filter(|f| f.language.name() == language)
        .collect();
    let (lines, bytes) = counters(files.iter().copied());
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&files[0].language.grammar())
        .expect("the grammar loads");
    bencher.counter(lines).counter(bytes).bench_local(|| {
        for f in &files {
            divan::black_box(parser.parse(f.text.as_bytes(), None));
        }
    });
}

#[divan::bench(args = [1, 2], sample_count = 10, sample_size = 1)]
fn whole_corpus(bencher: Bencher, threads: usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    corpus::write_to(dir.path(), &CORPUS).expect("the corpus is written");
    let (lines, bytes) = counters(CORPUS.iter());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a worker pool");
    let opts = AnalyzeOptions {
        paths: vec![dir.path().to_path_buf()],
        max_file_size: debtgate::config::Settings::embedded().max_file_size,
    };
    bencher.counter(lines).counter(bytes).bench_local(|| {
        let report = pool
            .install(|| analyze_paths(&opts))
            .expect("the corpus is analysed");
        divan::black_box(report)
    });
}
