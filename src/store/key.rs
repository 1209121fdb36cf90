//! Store keys: `blake3(fingerprint ‖ path class ‖ content id)`.
//!
//! The fingerprint names everything that can change a stored value: [`ANALYSER_VERSION`] (bump it
//! whenever a metric definition, a metric-affecting option, language detection or the suppression
//! scan changes), the crate version, the binary probe length, the suppression marker, and for
//! every grammar its ABI version and its node-kind and field counts, so a grammar upgrade
//! invalidates the store without anyone remembering to bump anything. Thresholds and output
//! options are not in it: the store holds metrics and facts, not findings.
//!
//! The path class ([`PathClass`]) is what the path contributes to reading the bytes: the language
//! its extension names and whether the content decides between languages (`.h`). It is known
//! before the bytes are read, so a blob is looked up by its id alone.

use std::path::Path;
use std::sync::OnceLock;

use crate::analysis::metrics::satd::MARKERS;
use crate::change::BlobId;
use crate::lang::Language;

/// Bump whenever what `Analyzer::analyze` computes changes in a way the derived parts below do
/// not see (a metric's definition, the SATD markers' meaning, the TDG formula, content-based
/// language detection, the suppression scan...).
/// 2: values hold an entry (facts and metrics), keys a path class instead of a language.
/// 3: C's reading of a run of declarations before a function (`c.rs`, `after_declarations`), and
/// the walk's last row of a function, for every language (`walk.rs`, `last_row`).
/// 4: what is binary (`readable::binary_at`: a NUL among data, not any NUL) — entries that
/// remember text with a stray NUL as binary must not be served.
/// 5: UTF-16 behind its byte-order mark is text, decoded before it is measured
/// (`readable::text`) — entries that remember it as binary must not be served.
/// 6: a unit of UTF-16 that is no character (an unpaired surrogate, an odd last byte) is U+FFFD,
/// not a reason to call the whole content data. (Reading files without an extension by their `#!`
/// line needed no bump of its own: their class, `#!`, was new, so no older entry is under their
/// keys. A change to which interpreters `lang::from_shebang` knows, or how, changes what is stored
/// under them: bump.)
pub const ANALYSER_VERSION: u32 = 6;

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

/// How a path reads its bytes: the language of its extension (`None`: the file has none, and its
/// interpreter line decides, [`crate::lang::by_first_line`]), and whether the content can change
/// it (see [`crate::lang::depends_on_content`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathClass {
    pub language: Option<Language>,
    pub by_content: bool,
}

impl PathClass {
    /// `None` when the path can name no supported language.
    pub fn of(path: &Path) -> Option<PathClass> {
        crate::lang::may_be_source(path).then(|| PathClass {
            language: Language::from_path(path),
            by_content: crate::lang::depends_on_content(path),
        })
    }

    /// The class's name in keys: its language's, or `#!` for a script's.
    pub fn name(self) -> &'static str {
        self.language.map_or("#!", Language::name)
    }
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
        h.update(&(crate::analysis::readable::BINARY_PROBE as u64).to_le_bytes());
        h.update(crate::analysis::marks::MARKER.as_bytes());
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

/// The key of `content` read through a path of class `class`.
pub fn key(class: PathClass, content: ContentId<'_>) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(fingerprint());
    h.update(class.name().as_bytes());
    h.update(&[0, u8::from(class.by_content)]);
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
    fn path_class_and_content_both_change_the_key() {
        let class = |p: &str| PathClass::of(Path::new(p)).expect("supported");
        let a = key(class("a.c"), ContentId::Bytes(b"int x;"));
        assert_eq!(a, key(class("b/c.c"), ContentId::Bytes(b"int x;")));
        assert_ne!(a, key(class("a.cpp"), ContentId::Bytes(b"int x;")));
        assert_ne!(a, key(class("a.h"), ContentId::Bytes(b"int x;")));
        assert_ne!(a, key(class("a.c"), ContentId::Bytes(b"int y;")));
        assert_eq!(PathClass::of(Path::new("a.txt")), None);
        // A script's class is its interpreter line's, whatever its name.
        let script = class("bin/deploy");
        assert_eq!((script.language, script.by_content), (None, true));
        assert_eq!(script, class("exe/tool"));
        assert_ne!(a, key(script, ContentId::Bytes(b"int x;")));
    }
}
