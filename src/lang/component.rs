//! Single-file components (`.vue`, `.svelte`): where their `<script>` blocks are, and which
//! language those are written in. Only the scripts are measured: the engine parses the component
//! with the script language's grammar over just those byte ranges (tree-sitter's included
//! ranges), so every node, finding and line number is the component file's own. Templates,
//! markup and styles are not measured.

use tree_sitter::{Point, Range};

use super::Language;

/// The script blocks of a component, in file order, and the one language they are read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scripts {
    pub language: Language,
    /// The contents of each block, between its opening tag's `>` and `</script`; none empty.
    pub ranges: Vec<Range>,
}

/// The `<script>` blocks of a component. A block is JavaScript unless its `lang` says `ts` /
/// `typescript` (TypeScript) or `tsx` (TSX); `jsx` is JavaScript, which reads JSX. Blocks that
/// are not code — `<script type="application/ld+json">`, a `lang` such as `coffee`, a block
/// with `src=` and nothing in it — are left out, and so are tags inside HTML comments. Vue
/// requires `<script>` and `<script setup>` to share a language; should they not, every block is
/// read as the widest one of them (TSX, then TypeScript).
pub fn scripts(src: &[u8]) -> Scripts {
    let mut blocks: Vec<(Language, usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(lt) = memchr(b'<', src, at) {
        let rest = &src[lt..];
        if rest.starts_with(b"<!--") {
            at = find(src, lt + 4, b"-->").map_or(src.len(), |end| end + 3);
            continue;
        }
        if !starts_with_tag(rest, b"<script") {
            at = lt + 1;
            continue;
        }
        let Some((attributes, open_end, self_closing)) = tag_end(src, lt + b"<script".len()) else {
            break;
        };
        let body_start = open_end + 1;
        let body_end = find_closing(src, body_start).unwrap_or(src.len());
        at = body_end.max(body_start);
        if self_closing {
            continue;
        }
        if let Some(language) = block_language(attributes) {
            if body_end > body_start
                && !src[body_start..body_end]
                    .iter()
                    .all(u8::is_ascii_whitespace)
            {
                blocks.push((language, body_start, body_end));
            }
        }
    }
    let language = if blocks.iter().any(|b| b.0 == Language::Tsx) {
        Language::Tsx
    } else if blocks.iter().any(|b| b.0 == Language::TypeScript) {
        Language::TypeScript
    } else {
        Language::JavaScript
    };
    let mut points = Points::new(src);
    let ranges = blocks
        .into_iter()
        .map(|(_, start, end)| Range {
            start_byte: start,
            end_byte: end,
            start_point: points.at(start),
            end_point: points.at(end),
        })
        .collect();
    Scripts { language, ranges }
}

/// Whether `rest` opens the tag `name` (followed by whitespace, `>` or `/`), in any case.
fn starts_with_tag(rest: &[u8], name: &[u8]) -> bool {
    rest.len() > name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && matches!(rest[name.len()], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
}

/// From just past `<script`: the attribute text, the offset of the tag's closing `>` and
/// whether the tag closes itself (`<script src="a.js" />`). Quoted values may hold `>`.
fn tag_end(src: &[u8], from: usize) -> Option<(&[u8], usize, bool)> {
    let mut quote = None;
    for (i, &b) in src.iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => {
                let self_closing = i > from && src[i - 1] == b'/';
                return Some((&src[from..i], i, self_closing));
            }
            _ => {}
        }
    }
    None
}

/// The offset of the `</script` that ends a block begun at `from` (HTML ends a script at the
/// first one, whatever the script's own syntax).
fn find_closing(src: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(lt) = memchr(b'<', src, at) {
        if src[lt..].len() >= 8 && src[lt..lt + 8].eq_ignore_ascii_case(b"</script") {
            return Some(lt);
        }
        at = lt + 1;
    }
    None
}

/// The language a block's attributes say it is written in, `None` when it is not a script we
/// read.
fn block_language(attributes: &[u8]) -> Option<Language> {
    if let Some(ty) = attribute(attributes, b"type") {
        let ty = ty.to_ascii_lowercase();
        let code = matches!(
            ty.as_slice(),
            b"" | b"module"
                | b"text/javascript"
                | b"application/javascript"
                | b"text/typescript"
                | b"application/typescript"
        );
        if !code {
            return None;
        }
    }
    match attribute(attributes, b"lang").map(|l| l.to_ascii_lowercase()) {
        None => Some(Language::JavaScript),
        Some(lang) => match lang.as_slice() {
            b"" | b"js" | b"javascript" | b"jsx" => Some(Language::JavaScript),
            b"ts" | b"typescript" => Some(Language::TypeScript),
            b"tsx" => Some(Language::Tsx),
            _ => None,
        },
    }
}

/// The value of attribute `name` (unquoted), if the tag has it; a bare `name` is `""`.
fn attribute<'a>(attributes: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    let n = attributes.len();
    while i < n {
        while i < n && (attributes[i].is_ascii_whitespace() || attributes[i] == b'/') {
            i += 1;
        }
        let key_start = i;
        while i < n && !attributes[i].is_ascii_whitespace() && !matches!(attributes[i], b'=' | b'/')
        {
            i += 1;
        }
        let key = &attributes[key_start..i];
        let mut value: &[u8] = b"";
        if i < n && attributes[i] == b'=' {
            i += 1;
            if i < n && matches!(attributes[i], b'"' | b'\'') {
                let q = attributes[i];
                let start = i + 1;
                let end = memchr(q, attributes, start).unwrap_or(n);
                value = &attributes[start..end];
                i = end + 1;
            } else {
                let start = i;
                while i < n && !attributes[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = &attributes[start..i];
            }
        }
        if !key.is_empty() && key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
        if key.is_empty() {
            i += 1;
        }
    }
    None
}

fn memchr(needle: u8, haystack: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|i| from + i)
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// Byte offsets to tree-sitter points (row, byte column), for offsets asked in increasing
/// order: one pass over the file however many blocks it has.
struct Points<'s> {
    src: &'s [u8],
    offset: usize,
    row: usize,
    line_start: usize,
}

impl<'s> Points<'s> {
    fn new(src: &'s [u8]) -> Self {
        Points {
            src,
            offset: 0,
            row: 0,
            line_start: 0,
        }
    }

    fn at(&mut self, offset: usize) -> Point {
        for (i, &b) in self.src[self.offset..offset].iter().enumerate() {
            if b == b'\n' {
                self.row += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        Point {
            row: self.row,
            column: offset - self.line_start,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(src: &str) -> (Language, Vec<&str>) {
        let s = scripts(src.as_bytes());
        let texts = s
            .ranges
            .iter()
            .map(|r| &src[r.start_byte..r.end_byte])
            .collect();
        (s.language, texts)
    }

    #[test]
    fn finds_each_script_block_and_its_language() {
        let vue = "<template>\n  <p v-if=\"a\">{{ a }}</p>\n</template>\n\n<script>\nexport default {}\n</script>\n<script setup lang=\"ts\">\nconst a: number = 1\n</script>\n<style>p { color: red }</style>\n";
        let (language, texts) = blocks(vue);
        assert_eq!(language, Language::TypeScript);
        assert_eq!(texts, ["\nexport default {}\n", "\nconst a: number = 1\n"]);
        let s = scripts(vue.as_bytes());
        assert_eq!(s.ranges[0].start_point, Point { row: 4, column: 8 });
        assert_eq!(s.ranges[1].start_point, Point { row: 7, column: 24 });
        assert_eq!(s.ranges[1].end_point, Point { row: 9, column: 0 });
    }

    #[test]
    fn reads_attributes_as_html_does() {
        assert_eq!(
            blocks("<script lang='tsx'>let a = <b/></script>").0,
            Language::Tsx
        );
        assert_eq!(
            blocks("<SCRIPT Lang=TS>let a = 1</SCRIPT>"),
            (Language::TypeScript, vec!["let a = 1"])
        );
        // Svelte's module script, and a `>` inside a quoted attribute value.
        assert_eq!(
            blocks("<script context=\"module\" data-x=\"a>b\">export const n = 1;</script>").1,
            ["export const n = 1;"]
        );
        assert_eq!(
            blocks("<script module lang=\"ts\">let x = 1</script>").0,
            Language::TypeScript
        );
    }

    #[test]
    fn leaves_out_what_is_not_a_script_we_read() {
        let src = "<!-- <script>bad()</script> -->\n<script type=\"application/ld+json\">{\"a\": 1}</script>\n<script lang=\"coffee\">x = -> 1</script>\n<script src=\"a.js\"></script>\n<script src=\"b.js\" />\n<scripts>no</scripts>\n<noscript>no</noscript>\n<script>\n  ok()\n</script>";
        assert_eq!(blocks(src), (Language::JavaScript, vec!["\n  ok()\n"]));
        assert!(scripts(b"<template><p>only markup</p></template>")
            .ranges
            .is_empty());
        // Unterminated: the block runs to the end of the file; an unclosed tag holds nothing.
        assert_eq!(blocks("<script>let a = 1").1, ["let a = 1"]);
        assert!(scripts(b"<script lang=\"ts\"").ranges.is_empty());
        assert!(scripts(b"").ranges.is_empty());
    }
}
