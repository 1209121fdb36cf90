//! Decodes any bytes as a stored value, the way the store reads the warm and cold tiers. The
//! checksum would turn away nearly every mutated input before the decoder sees it, so the first
//! byte picks what the rest is:
//!
//! - 0: a whole stored value (format byte, checksum, block), as read from disk;
//! - 1: an lz4 block, sealed here with the store's checksum;
//! - 2: a payload (the entry's encoding), compressed and sealed here;
//! - anything else: source text, measured and stored, which must decode to what was measured.
//!
//! A value that decodes must encode back to the same value. The sealing is checked against
//! `codec::encode` once, so a change to the format cannot leave this target testing only the
//! checksum.
#![no_main]

use std::sync::Once;

use debtgate::analysis::Analyzer;
use debtgate::lang::Language;
use debtgate::store::codec::{self, FORMAT};
use twox_hash::XxHash3_64;

fn seal(block: &[u8]) -> Vec<u8> {
    let mut value = vec![FORMAT];
    value.extend_from_slice(&XxHash3_64::oneshot_with_seed(u64::from(FORMAT), block).to_le_bytes());
    value.extend_from_slice(block);
    value
}

fn check_sealing() {
    let metrics = Analyzer::new().analyze(b"fn a() { if x { 1 } else { 2 } }\n", Language::Rust);
    let entry = debtgate::store::Entry {
        size: 33,
        binary_at: None,
        language: Language::Rust,
        marks: Default::default(),
        metrics: Some(metrics),
    };
    let encoded = codec::encode(&entry);
    assert_eq!(
        seal(&encoded[9..]),
        encoded,
        "the store's sealing changed: update this target"
    );
}

static SEALING: Once = Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    SEALING.call_once(check_sealing);
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let value = match mode {
        0 => rest.to_vec(),
        1 => seal(rest),
        2 => seal(&lz4_flex::compress_prepend_size(rest)),
        _ => {
            let language = Language::ALL[usize::from(mode) % Language::ALL.len()];
            thread_local! {
                static ANALYZER: std::cell::RefCell<Analyzer> = std::cell::RefCell::new(Analyzer::new());
            }
            return ANALYZER.with(|a| debtgate_fuzz::analyse(&mut a.borrow_mut(), language, rest));
        }
    };
    if let Ok(entry) = codec::decode_checked(&value) {
        // Compared as text: a crafted score may be NaN, which is never equal to itself.
        let again = codec::decode_checked(&codec::encode(&entry));
        assert_eq!(format!("{again:?}"), format!("{:?}", Ok::<_, ()>(entry)));
    }
});
