//! The store's value format: `[FORMAT] ‖ checksum ‖ lz4_flex::compress_prepend_size(payload)`.
//!
//! The payload is a small hand-written binary encoding of an [`Entry`] — the facts (size, binary,
//! language, suppression marks) and, when measured, the [`FileMetrics`] (LEB128 integers,
//! length-prefixed strings), not the JSON report's shape: it keeps `body_hash`, which the report
//! skips, and needs no extra crate.
//!
//! lz4 has no checksum of its own: a flipped bit in a literal decodes to a different name or
//! number. So the checksum — xxh3-64 of the compressed block, seeded with the format — is checked
//! before anything is decompressed. A value that does not decode exactly — another format byte, a
//! checksum that does not match, a bad lz4 block, truncated or trailing bytes, an out-of-range
//! enum — is undecodable, which the store treats as a miss (and counts, for a checksum).

use twox_hash::XxHash3_64;

use crate::analysis::marks::{Mark, Marks};
use crate::analysis::metrics::duplication::DuplicateBlock;
use crate::analysis::metrics::satd::MARKERS;
use crate::analysis::{Diagnostic, Duplication, FileMetrics, FunctionMetrics, Grade, Satd};
use crate::lang::Language;

use super::entry::Entry;

/// Bump when the value layout changes; old values then decode as misses.
/// 2: the value is an [`Entry`] (facts and optional metrics), not bare metrics.
/// 3: a checksum follows the format byte.
pub const FORMAT: u8 = 3;

/// Bytes of the checksum, after the format byte.
const SUM: usize = 8;

/// Format byte and checksum: where the lz4 block starts.
const HEADER: usize = 1 + SUM;

/// Largest payload a value may claim, so a corrupt length prefix cannot ask for gigabytes.
const MAX_RAW: usize = 64 * 1024 * 1024;

const GRADES: [Grade; 11] = [
    Grade::F,
    Grade::D,
    Grade::CMinus,
    Grade::C,
    Grade::CPlus,
    Grade::BMinus,
    Grade::B,
    Grade::BPlus,
    Grade::AMinus,
    Grade::A,
    Grade::APlus,
];

/// Why a stored value is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undecodable {
    /// Written by another version of the format (an older debtgate, usually).
    OtherFormat,
    /// The bytes are not the bytes that were written.
    Checksum,
    /// The checksum holds but the content does not decode (a bug, or a crafted value).
    Malformed,
}

/// Encodes, compresses and checksums `e`.
pub fn encode(e: &Entry) -> Vec<u8> {
    let block = lz4_flex::compress_prepend_size(&payload(e));
    let mut out = Vec::with_capacity(HEADER + block.len());
    out.push(FORMAT);
    out.extend_from_slice(&checksum(&block).to_le_bytes());
    out.extend_from_slice(&block);
    out
}

fn checksum(block: &[u8]) -> u64 {
    XxHash3_64::oneshot_with_seed(u64::from(FORMAT), block)
}

/// The uncompressed payload size a stored value claims (for compression statistics), without
/// decompressing it.
pub fn raw_len(value: &[u8]) -> Option<usize> {
    let prefix: [u8; 4] = value.get(HEADER..HEADER + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(prefix) as usize)
}

/// Decodes a stored value; `None` for anything that is not exactly a value of this format.
pub fn decode(value: &[u8]) -> Option<Entry> {
    decode_checked(value).ok()
}

/// [`decode`], saying why a value is not used.
pub fn decode_checked(value: &[u8]) -> Result<Entry, Undecodable> {
    let (&format, rest) = value.split_first().ok_or(Undecodable::Malformed)?;
    if format != FORMAT {
        return Err(Undecodable::OtherFormat);
    }
    let (sum, block) = rest.split_at_checked(SUM).ok_or(Undecodable::Malformed)?;
    let sum: [u8; SUM] = sum.try_into().map_err(|_| Undecodable::Malformed)?;
    if u64::from_le_bytes(sum) != checksum(block) {
        return Err(Undecodable::Checksum);
    }
    if raw_len(value).is_none_or(|n| n > MAX_RAW) {
        return Err(Undecodable::Malformed);
    }
    let raw = lz4_flex::decompress_size_prepended(block).map_err(|_| Undecodable::Malformed)?;
    let mut r = Reader { buf: &raw, at: 0 };
    let e = r.entry().ok_or(Undecodable::Malformed)?;
    (r.at == raw.len())
        .then_some(e)
        .ok_or(Undecodable::Malformed)
}

fn payload(e: &Entry) -> Vec<u8> {
    let functions = e.metrics.as_ref().map_or(0, |m| m.functions.len());
    let mut w = Vec::with_capacity(64 + functions * 48);
    uint(&mut w, e.size);
    uint(&mut w, e.binary_at.map_or(0, |at| at as u64 + 1));
    w.push(e.language.map_or(NO_LANGUAGE, language_index));
    uint(&mut w, e.marks.lines as u64);
    uint(&mut w, e.marks.found.len() as u64);
    for m in &e.marks.found {
        uint(&mut w, m.line as u64);
        string(&mut w, &m.text);
        uint(&mut w, m.preamble_to.map_or(0, |l| l as u64 + 1));
    }
    match &e.metrics {
        None => w.push(0),
        Some(m) => {
            w.push(1);
            metrics(&mut w, m);
        }
    }
    w
}

/// An entry's language byte when it has none (a file without an extension that is no script of
/// a supported language); a language's byte is its place in [`Language::ALL`].
const NO_LANGUAGE: u8 = 0xff;

fn language_index(language: Language) -> u8 {
    let at = Language::ALL.iter().position(|l| *l == language);
    at.expect("every language is in Language::ALL") as u8
}

fn metrics(w: &mut Vec<u8>, m: &FileMetrics) {
    w.push(language_index(m.language));
    w.extend_from_slice(&m.score.to_bits().to_le_bytes());
    let grade = GRADES.iter().position(|g| *g == m.grade);
    w.push(grade.expect("every grade is in GRADES") as u8);
    uint(w, m.code_lines as u64);
    uint(w, m.functions.len() as u64);
    for f in &m.functions {
        string(w, &f.name);
        string(w, &f.qualified_name);
        for n in [f.start_line, f.end_line] {
            uint(w, n as u64);
        }
        for n in [f.cyclomatic, f.cognitive, f.max_nesting, f.params] {
            uint(w, u64::from(n));
        }
        uint(w, f.length as u64);
        w.extend_from_slice(&f.body_hash.to_le_bytes());
    }
    uint(w, m.satd.len() as u64);
    for s in &m.satd {
        uint(w, s.line as u64);
        // An unknown marker cannot happen (satd only reports MARKERS); 255 would fail to decode.
        let marker = MARKERS.iter().position(|k| *k == s.marker).unwrap_or(255);
        w.push(marker as u8);
        string(w, &s.text);
    }
    uint(w, m.duplication.duplicated_lines as u64);
    uint(w, m.duplication.blocks.len() as u64);
    for b in &m.duplication.blocks {
        for n in [b.line, b.first_line, b.lines] {
            uint(w, n as u64);
        }
    }
    uint(w, m.diagnostics.len() as u64);
    for d in &m.diagnostics {
        uint(w, d.line.map_or(0, |l| l as u64 + 1));
        string(w, &d.message);
    }
}

fn uint(w: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            w.push(byte);
            return;
        }
        w.push(byte | 0x80);
    }
}

fn string(w: &mut Vec<u8>, s: &str) {
    uint(w, s.len() as u64);
    w.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.buf.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.bytes(1)?[0])
    }

    fn u64_le(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(8)?.try_into().ok()?))
    }

    fn uint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    /// A count of items that each take at least one byte: never more than the bytes left, so a
    /// corrupt count cannot make us allocate much.
    fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.buf.len() - self.at).then_some(n)
    }

    fn string(&mut self) -> Option<String> {
        let n = self.usize()?;
        String::from_utf8(self.bytes(n)?.to_vec()).ok()
    }

    fn entry(&mut self) -> Option<Entry> {
        let size = self.uint()?;
        let binary_at = self.usize()?.checked_sub(1);
        let language = match self.byte()? {
            NO_LANGUAGE => None,
            at => Some(*Language::ALL.get(usize::from(at))?),
        };
        let lines = self.usize()?;
        let found = self.list(Self::mark)?;
        let metrics = match self.byte()? {
            0 => None,
            1 => Some(self.file_metrics()?),
            _ => return None,
        };
        Some(Entry {
            size,
            binary_at,
            language,
            marks: Marks { lines, found },
            metrics,
        })
    }

    fn mark(&mut self) -> Option<Mark> {
        Some(Mark {
            line: self.usize()?,
            text: self.string()?,
            preamble_to: self.usize()?.checked_sub(1),
        })
    }

    fn file_metrics(&mut self) -> Option<FileMetrics> {
        let language = *Language::ALL.get(usize::from(self.byte()?))?;
        let score = f64::from_bits(self.u64_le()?);
        let grade = *GRADES.get(usize::from(self.byte()?))?;
        let code_lines = self.usize()?;
        let functions = self.list(Self::function)?;
        let satd = self.list(Self::satd)?;
        let duplicated_lines = self.usize()?;
        let blocks = self.list(Self::block)?;
        let diagnostics = self.list(Self::diagnostic)?;
        Some(FileMetrics {
            language,
            score,
            grade,
            code_lines,
            functions,
            satd,
            duplication: Duplication {
                duplicated_lines,
                blocks,
            },
            diagnostics,
        })
    }

    fn list<T>(&mut self, item: fn(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Some(out)
    }

    fn function(&mut self) -> Option<FunctionMetrics> {
        Some(FunctionMetrics {
            name: self.string()?,
            qualified_name: self.string()?,
            start_line: self.usize()?,
            end_line: self.usize()?,
            cyclomatic: self.u32()?,
            cognitive: self.u32()?,
            max_nesting: self.u32()?,
            params: self.u32()?,
            length: self.usize()?,
            body_hash: self.u64_le()?,
        })
    }

    fn satd(&mut self) -> Option<Satd> {
        Some(Satd {
            line: self.usize()?,
            marker: MARKERS.get(usize::from(self.byte()?))?,
            text: self.string()?,
        })
    }

    fn block(&mut self) -> Option<DuplicateBlock> {
        Some(DuplicateBlock {
            line: self.usize()?,
            first_line: self.usize()?,
            lines: self.usize()?,
        })
    }

    fn diagnostic(&mut self) -> Option<Diagnostic> {
        let line = self.usize()?;
        Some(Diagnostic {
            line: line.checked_sub(1),
            message: self.string()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    const SRC: &str = "// TODO: tidy\nfn a(x: u8) -> u8 { if x > 1 { x } else { 0 } }\n\
                       fn b() { let y = 1; let z = 2; let w = 3; }\n\
                       fn c() { let y = 1; let z = 2; let w = 3; }\nfn broken( {\n";

    fn entry() -> Entry {
        let mut e = Entry::facts(std::path::Path::new("a.rs"), SRC.as_bytes()).expect("rust");
        e.metrics = Some(Analyzer::new().analyze(SRC.as_bytes(), Language::Rust));
        e
    }

    #[test]
    fn round_trips_real_metrics_including_body_hash() {
        let e = entry();
        let m = e.metrics.as_ref().expect("measured");
        assert!(!m.functions.is_empty() && !m.satd.is_empty());
        let back = decode(&encode(&e)).expect("decodes");
        assert_eq!(back, e);
        let hashes = |m: &FileMetrics| m.functions.iter().map(|f| f.body_hash).collect::<Vec<_>>();
        assert_eq!(hashes(back.metrics.as_ref().expect("measured")), hashes(m));
    }

    #[test]
    fn round_trips_facts_without_metrics() {
        let text = b"// debtgate: allow(all) reason=\"x\"\n// more\nint f() {}\n";
        // Binary data: a NUL among a third of bytes that are not text.
        let src = [&text[..], &[0u8; 32]].concat();
        let e = Entry::facts(std::path::Path::new("a.h"), &src).expect("c");
        assert!(e.binary_at.is_some() && e.metrics.is_none());
        assert_eq!(decode(&encode(&e)), Some(e));
        let t = Entry::facts(std::path::Path::new("a.h"), text).expect("c");
        assert_eq!(t.marks.found.len(), 1);
        assert_eq!(t.marks.found[0].preamble_to, Some(2));
        assert_eq!(decode(&encode(&t)), Some(t));
    }

    #[test]
    fn anything_else_is_a_miss() {
        let good = encode(&entry());
        assert_eq!(decode(&[]), None);
        let mut wrong_format = good.clone();
        wrong_format[0] = FORMAT + 1;
        assert_eq!(decode(&wrong_format), None);
        for cut in 1..good.len() {
            assert_eq!(decode(&good[..cut]), None, "truncated at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(decode(&trailing), None);
        // A value of the previous format (2: no checksum) is a miss, never misread.
        let mut old = vec![2];
        old.extend_from_slice(&good[HEADER..]);
        assert_eq!(decode_checked(&old), Err(Undecodable::OtherFormat));
    }

    #[test]
    fn every_flipped_bit_is_a_miss() {
        let good = encode(&entry());
        let mut flipped = good.clone();
        for bit in 0..good.len() * 8 {
            flipped[bit / 8] ^= 1 << (bit % 8);
            let why = decode_checked(&flipped).expect_err("a flipped bit never decodes");
            let expected = if bit < 8 {
                Undecodable::OtherFormat
            } else {
                Undecodable::Checksum
            };
            assert_eq!(why, expected, "bit {bit} of {}", good.len());
            flipped[bit / 8] ^= 1 << (bit % 8);
        }
    }
}
