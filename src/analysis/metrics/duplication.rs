//! Within-file duplication: runs of at least [`WINDOW`] consecutive significant lines that appear
//! twice in the same file.
//!
//! A significant line is a code line (see `code_lines.rs`) with at least one letter or digit, its
//! whitespace collapsed; lines of only braces or punctuation carry no meaning of their own and
//! would make every pair of blocks look alike. Two occurrences must not overlap. Every line of
//! both occurrences counts as duplicated, once. Cross-file duplication is a different question
//! (it needs the whole tree) and is not measured here.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use serde::{Deserialize, Serialize};

use super::code_lines::RowSet;

/// Minimum length of a duplicated run, in significant lines.
pub const WINDOW: usize = 6;

/// Duplication found in one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Duplication {
    /// Code lines that belong to a duplicated run.
    pub duplicated_lines: usize,
    /// Each repeated run: where it repeats, where it first appeared, how many significant lines.
    pub blocks: Vec<DuplicateBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateBlock {
    pub line: usize,
    pub first_line: usize,
    pub lines: usize,
}

/// Lines and windows are compared by a 64-bit hash (foldhash's quality variant, fixed seed, so
/// runs are repeatable): several times cheaper than std's SipHash, and as unlikely to collide
/// (a window's hash match is confirmed line by line).
fn hasher() -> impl Hasher {
    foldhash::quality::FixedState::default().build_hasher()
}

pub(crate) fn measure(src: &[u8], code_rows: &RowSet) -> Duplication {
    let text = String::from_utf8_lossy(src);
    let mut words = Vec::new();
    let significant: Vec<(usize, u64)> = text
        .lines()
        .enumerate()
        .filter(|(row, line)| code_rows.contains(*row) && has_letter_or_digit(line))
        .map(|(row, line)| (row, line_hash(line, &mut words)))
        .collect();
    if significant.len() < 2 * WINDOW {
        return Duplication::default();
    }

    let mut first_seen: HashMap<u64, usize, foldhash::fast::FixedState> = HashMap::default();
    let mut duplicated = vec![false; significant.len()];
    let mut blocks: Vec<DuplicateBlock> = Vec::new();
    // The (later, earlier) window starts of the previous match, to extend runs into one block.
    let mut previous: Option<(usize, usize)> = None;
    let window = |start: usize| significant[start..start + WINDOW].iter().map(|(_, h)| *h);
    for start in 0..=significant.len() - WINDOW {
        let mut h = hasher();
        window(start).for_each(|line| line.hash(&mut h));
        let earlier = match first_seen.entry(h.finish()) {
            Entry::Vacant(v) => {
                v.insert(start);
                continue;
            }
            Entry::Occupied(o) => *o.get(),
        };
        if start < earlier + WINDOW || !window(start).eq(window(earlier)) {
            continue; // overlapping repeats (a run of identical lines) are not copies
        }
        for i in 0..WINDOW {
            duplicated[start + i] = true;
            duplicated[earlier + i] = true;
        }
        match (previous, blocks.last_mut()) {
            (Some((s, e)), Some(block)) if s + 1 == start && e + 1 == earlier => block.lines += 1,
            _ => blocks.push(DuplicateBlock {
                line: significant[start].0 + 1,
                first_line: significant[earlier].0 + 1,
                lines: WINDOW,
            }),
        }
        previous = Some((start, earlier));
    }
    Duplication {
        duplicated_lines: duplicated.iter().filter(|d| **d).count(),
        blocks,
    }
}

/// The hash of a line's words (its whitespace collapsed): the words, each followed by 0xFF (a
/// byte UTF-8 never holds), hashed at once. `words` is a scratch buffer.
fn line_hash(line: &str, words: &mut Vec<u8>) -> u64 {
    words.clear();
    if line.is_ascii() {
        let mut gap = false;
        for &b in line.as_bytes() {
            // `char::is_whitespace` on ASCII: tab, line feed, vertical tab, form feed, CR, space.
            if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
                gap = true;
                continue;
            }
            if gap && !words.is_empty() {
                words.push(0xFF);
            }
            gap = false;
            words.push(b);
        }
        words.push(0xFF);
    } else {
        for word in line.split_whitespace() {
            words.extend_from_slice(word.as_bytes());
            words.push(0xFF);
        }
    }
    let mut h = hasher();
    h.write(words);
    h.finish()
}

/// Whether `line` holds a letter or digit (Unicode's alphanumeric); ASCII first, it is cheap.
fn has_letter_or_digit(line: &str) -> bool {
    line.bytes().any(|b| b.is_ascii_alphanumeric())
        || (!line.is_ascii() && line.chars().any(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_code(src: &str) -> RowSet {
        let mut rows = RowSet::new(src.lines().count());
        rows.insert_range(0, src.lines().count());
        rows
    }

    #[test]
    fn a_repeated_block_is_found_once_with_its_length() {
        let block = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\n";
        let src = format!("{block}x = 0\n{block}");
        let d = measure(src.as_bytes(), &all_code(&src));
        assert_eq!(d.duplicated_lines, 14);
        assert_eq!(
            d.blocks,
            vec![DuplicateBlock {
                line: 9,
                first_line: 1,
                lines: 7
            }]
        );
    }

    #[test]
    fn identical_consecutive_lines_and_short_repeats_are_not_duplication() {
        let src = "x += 1\n".repeat(40) + "a\nb\nc\nd\ne\nq\na\nb\nc\nd\ne\n";
        let d = measure(src.as_bytes(), &all_code(&src));
        // 40 identical lines do contain non-overlapping equal windows: they are a real copy-paste.
        assert!(d.duplicated_lines >= 12);
        // The 5-line repeat a..e is below the window and adds nothing.
        assert!(d.blocks.iter().all(|b| b.line <= 40));
    }
}
