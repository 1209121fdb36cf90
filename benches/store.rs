//! The store: encode/decode of real metrics, warm get and put through redb, and the measured
//! compression ratio.
//!
//! The metrics are debtgate's own `src/**/*.rs` measured by the analyser (realistic names, line
//! numbers, SATD text). `put_flush` writes them all to a fresh warm file in one transaction (what a
//! cold `check` does at its end); `get_warm` opens the store and reads every one back, as a warm
//! run does (no hot tier). The ratio is printed once: uncompressed payload bytes / stored bytes.
//!
//! `cargo bench --bench store`

use std::path::{Path, PathBuf};

use debtgate::analysis::Analyzer;
use debtgate::store::{codec, key, ContentId, Entry, Limits, PathClass, Store, StorePaths};
use divan::Bencher;

fn main() {
    let items = metrics();
    let raw: usize = items
        .iter()
        .map(|(_, m)| codec::raw_len(&codec::encode(m)).unwrap())
        .sum();
    let stored: usize = items.iter().map(|(_, m)| codec::encode(m).len()).sum();
    let json: usize = items
        .iter()
        .map(|(_, e)| {
            serde_json::to_vec(e.metrics.as_ref().unwrap())
                .unwrap()
                .len()
        })
        .sum();
    eprintln!(
        "store bench: {} files, {} functions; payload {raw} B, stored {stored} B (ratio {:.2}), \
         report JSON of the same metrics {json} B",
        items.len(),
        items
            .iter()
            .map(|(_, e)| e.metrics.as_ref().map_or(0, |m| m.functions.len()))
            .sum::<usize>(),
        raw as f64 / stored as f64
    );
    divan::main();
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// (key, entry: facts and metrics) of every file under src/.
fn metrics() -> Vec<(key::Key, Entry)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    let mut a = Analyzer::new();
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap();
            let class = PathClass::of(p).unwrap();
            let k = key::key(class, ContentId::Bytes(&bytes));
            let mut e = Entry::facts(p, &bytes).unwrap();
            e.metrics = Some(a.analyze(&bytes, e.language.unwrap()));
            (k, e)
        })
        .collect()
}

#[divan::bench]
fn encode(bencher: Bencher) {
    let items = metrics();
    bencher
        .counter(divan::counter::ItemsCount::new(items.len()))
        .bench(|| {
            items
                .iter()
                .map(|(_, m)| codec::encode(m).len())
                .sum::<usize>()
        });
}

#[divan::bench]
fn decode(bencher: Bencher) {
    let values: Vec<Vec<u8>> = metrics().iter().map(|(_, m)| codec::encode(m)).collect();
    bencher
        .counter(divan::counter::ItemsCount::new(values.len()))
        .bench(|| values.iter().filter_map(|v| codec::decode(v)).count());
}

#[divan::bench(sample_count = 20)]
fn put_flush(bencher: Bencher) {
    let items = metrics();
    bencher
        .counter(divan::counter::ItemsCount::new(items.len()))
        .with_inputs(|| tempfile::tempdir().unwrap())
        .bench_local_values(|dir| {
            let store = Store::open(
                Some(StorePaths::beside(dir.path().join("s.redb"))),
                Limits::default(),
            );
            for (k, m) in &items {
                store.put(*k, m);
            }
            store.flush();
            dir
        });
}

#[divan::bench(sample_count = 50)]
fn get_warm(bencher: Bencher) {
    let items = metrics();
    let dir = tempfile::tempdir().unwrap();
    let paths = StorePaths::beside(dir.path().join("s.redb"));
    {
        let store = Store::open(Some(paths.clone()), Limits::default());
        for (k, m) in &items {
            store.put(*k, m);
        }
        store.flush();
    }
    bencher
        .counter(divan::counter::ItemsCount::new(items.len()))
        .bench_local(|| {
            let store = Store::open(Some(paths.clone()), Limits::default());
            let n = items.iter().filter(|(k, _)| store.get(k).is_some()).count();
            assert_eq!(n, items.len());
            n
        });
}
