//! Self-admitted technical debt: `TODO`, `FIXME`, `HACK`, `XXX`, `BUG`, `KLUDGE` written as whole,
//! upper-case words inside comments. Strings and docstrings are code, never scanned; `todo!()` or
//! `debug` do not match (whole words only, case-sensitive so prose like "a bug in" stays quiet).

use tree_sitter::Node;

use crate::analysis::Satd;

/// One of [`MARKERS`]. An alias, not `&'static str` spelled out, so that serde reads it with the
/// marker lookup instead of borrowing from the input (which would need `'de: 'static`).
pub type Marker = &'static str;

pub const MARKERS: [&str; 6] = ["TODO", "FIXME", "HACK", "XXX", "BUG", "KLUDGE"];

/// Records every comment line of `comment` that carries a marker (the first marker on a line).
pub(crate) fn scan(comment: Node, src: &[u8], out: &mut Vec<Satd>) {
    let text = String::from_utf8_lossy(&src[comment.byte_range()]);
    let first_row = comment.start_position().row;
    for (i, line) in text.lines().enumerate() {
        if let Some((at, marker)) = find_marker(line) {
            let rest = line[at..].trim_end_matches(['\r', ' ', '\t']);
            let rest = rest.strip_suffix("*/").unwrap_or(rest).trim_end();
            out.push(Satd {
                line: first_row + i + 1,
                marker,
                text: rest.to_string(),
            });
        }
    }
}

/// The byte offset and marker of the first whole-word marker in `line`.
pub(crate) fn find_marker(line: &str) -> Option<(usize, &'static str)> {
    let bytes = line.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut best: Option<(usize, &'static str)> = None;
    for marker in MARKERS {
        let mut from = 0;
        while let Some(pos) = line[from..].find(marker) {
            let at = from + pos;
            let end = at + marker.len();
            let before_ok = at == 0 || !is_word(bytes[at - 1]);
            let after_ok = end == bytes.len() || !is_word(bytes[end]);
            if before_ok && after_ok {
                if best.is_none_or(|(b, _)| at < b) {
                    best = Some((at, marker));
                }
                break;
            }
            from = end;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::find_marker;

    #[test]
    fn markers_are_whole_upper_case_words() {
        assert_eq!(find_marker("// TODO: x"), Some((3, "TODO")));
        assert_eq!(find_marker("# FIXME(bob) and TODO"), Some((2, "FIXME")));
        assert_eq!(find_marker("// TODOS are fine"), None);
        assert_eq!(find_marker("// DEBUG mode"), None);
        assert_eq!(find_marker("// a bug in the parser"), None);
        assert_eq!(find_marker("/* XXX */"), Some((3, "XXX")));
        assert_eq!(find_marker("//BUG"), Some((2, "BUG")));
    }
}
