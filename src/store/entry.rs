//! What the store keeps about one version of a file read through one kind of path: the facts a
//! run would otherwise read the bytes for — size, whether it is binary, the language the bytes
//! are read as, where its suppression comments are — and its metrics when it was measured.
//!
//! With these in the value, a hit needs no read of the blob at all: the size limit and the binary
//! check are applied to the stored facts, and the policy reads suppressions from the stored
//! [`Marks`]. Every fact is a pure function of the bytes (and of the path's class, which is in the
//! key), computed by the same functions a miss runs.

use std::path::Path;

use crate::analysis::marks::Marks;
use crate::analysis::readable;
use crate::analysis::FileMetrics;
use crate::lang::Language;

/// One entry of the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Size in bytes.
    pub size: u64,
    /// The NUL byte that makes the content binary, if it is.
    pub binary_at: Option<usize>,
    /// The language the bytes are read as (after content detection); `None` for a file without
    /// an extension whose first line names no supported interpreter — remembered, so that a warm
    /// run does not read it again to find that out.
    pub language: Option<Language>,
    /// The suppression comments.
    pub marks: Marks,
    /// The measurements; `None` when the content was not measured (binary, or over the size limit
    /// of the run that saw it).
    pub metrics: Option<FileMetrics>,
}

impl Entry {
    /// The facts of `bytes` read through `path`, not yet measured; `None` when the path can name
    /// no supported language ([`crate::lang::may_be_source`]).
    pub fn facts(path: &Path, bytes: &[u8]) -> Option<Entry> {
        if !crate::lang::may_be_source(path) {
            return None;
        }
        let language = crate::lang::detect(path, &readable::text(bytes));
        let binary_at = readable::binary_at(bytes);
        Some(Entry {
            size: bytes.len() as u64,
            binary_at,
            language,
            // Binary content and content of no language are never judged; their "lines" would
            // only bloat the value.
            marks: if binary_at.is_some() || language.is_none() {
                Marks::default()
            } else {
                Marks::scan(bytes)
            },
            metrics: None,
        })
    }

    /// Why this content is not measured under a size limit of `max_size`, in the same words as
    /// when the bytes are at hand: [`readable::too_large`] (as when the object header says so,
    /// before any read), then no language (a file without an extension that is no script of one),
    /// then [`readable::binary`].
    pub fn unmeasurable(&self, max_size: u64) -> Option<String> {
        readable::too_large(self.size, max_size)
            .or_else(|| {
                self.language
                    .is_none()
                    .then(|| crate::lang::UNSUPPORTED.to_owned())
            })
            .or_else(|| self.binary_at.map(readable::binary_reason))
    }
}

/// One side of a file as a run uses it: measured, with what the policy needs besides.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub language: Language,
    pub metrics: FileMetrics,
    pub marks: Marks,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_say_why_content_is_not_measured_like_the_bytes_do() {
        let path = Path::new("a.h");
        let text = b"namespace x { int f(); }\n";
        let e = Entry::facts(path, text).expect("a supported path");
        assert_eq!(e.language, Some(Language::Cpp));
        assert_eq!(e.unmeasurable(1 << 20), None);
        assert_eq!(e.unmeasurable(3), readable::too_large(text.len() as u64, 3));
        let bin = b"int x;\0\0";
        let b = Entry::facts(path, bin).expect("a supported path");
        assert_eq!(b.unmeasurable(1 << 20), readable::binary(bin));
        assert_eq!(Entry::facts(Path::new("a.txt"), text), None);
        // A file without an extension: its interpreter line, or no language, remembered.
        let script =
            b"#!/usr/bin/env python3\n# debtgate: allow(all) reason=\"x\"\ndef f(): pass\n";
        let s = Entry::facts(Path::new("bin/deploy"), script).expect("may be source");
        assert_eq!(
            (s.language, s.unmeasurable(1 << 20)),
            (Some(Language::Python), None)
        );
        assert_eq!(s.marks, Marks::scan(script));
        let n = Entry::facts(Path::new("LICENSE"), b"MIT License\n").expect("may be source");
        assert_eq!((n.language, &n.marks), (None, &Marks::default()));
        assert_eq!(
            n.unmeasurable(1 << 20).as_deref(),
            Some("unsupported language")
        );
    }
}
