//! Store keys: `blake3(fingerprint ‖ language ‖ content id)`.
//!
//! The fingerprint names everything that can change a measurement: [`ANALYSER_VERSION`] (bump it
//! whenever a metric definition or a metric-affecting option changes), the crate version, and
//! for every grammar its ABI version and its node-kind and field counts, so a grammar upgrade
//! invalidates the store without anyone remembering to bump anything. Thresholds and output
//! options are not in it: the store holds metrics, not findings.

use std::sync::OnceLock;

use crate::analysis::metrics::satd::MARKERS;
use crate::change::BlobId;
use crate::lang::Language;

/// Bump whenever what `Analyzer::analyze` computes changes in a way the derived parts below do
/// not see (a metric's definition, the SATD markers' meaning, the TDG formula...).
pub const ANALYSER_VERSION: u32 = 1;

/// A store key.
pub type Key = [u8; 32];

/// What identifies the bytes measured.
#[derive(Debug, Clone, Copy)]
pub enum ContentId<'a> {
    /// A git blob id: it determines the bytes exactly, so a warm lookup needs no hashing of them.
    Blob(&'a BlobId),
    /// The bytes themselves (worktree files, `debtgate analyze`).
    Bytes(&'a [u8]),
}

/// The analyser fingerprint, computed once per process.
pub fn fingerprint() -> &'static [u8; 32] {
    static FP: OnceLock<[u8; 32]> = OnceLock::new();
    FP.get_or_init(|| {
        let mut h = blake3::Hasher::new();
        h.update(b"debtgate analyser fingerprint\0");
        h.update(&ANALYSER_VERSION.to_le_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&[0]);
        for lang in Language::ALL {
            let g = lang.grammar();
            h.update(lang.name().as_bytes());
            h.update(&[0]);
            h.update(&(g.abi_version() as u64).to_le_bytes());
            h.update(&(g.node_kind_count() as u64).to_le_bytes());
            h.update(&(g.field_count() as u64).to_le_bytes());
        }
        for m in MARKERS {
            h.update(m.as_bytes());
            h.update(&[0]);
        }
        *h.finalize().as_bytes()
    })
}

/// The key of `content` measured as `language`.
pub fn key(language: Language, content: ContentId<'_>) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(fingerprint());
    h.update(language.name().as_bytes());
    h.update(&[0]);
    match content {
        ContentId::Blob(id) => {
            h.update(b"B");
            h.update(id.as_bytes());
        }
        ContentId::Bytes(bytes) => {
            h.update(b"C");
            h.update(bytes);
        }
    }
    *h.finalize().as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_and_content_both_change_the_key() {
        let a = key(Language::C, ContentId::Bytes(b"int x;"));
        assert_eq!(a, key(Language::C, ContentId::Bytes(b"int x;")));
        assert_ne!(a, key(Language::Cpp, ContentId::Bytes(b"int x;")));
        assert_ne!(a, key(Language::C, ContentId::Bytes(b"int y;")));
    }
}
