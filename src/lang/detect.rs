//! Which grammar reads a file: by extension, except for `.h`, which C and C++ share. A `.h` file
//! is read as C++ when it shows a construct C cannot have — `namespace x {`, `template <`,
//! `std::`, an access specifier (`public:`), `class X {` / `class X :`, or an `#include` of an
//! extension-less standard header (`<vector>`). Otherwise it stays C, so C code that uses C++
//! keywords as identifiers (`struct class *class;`) is still read as C.

use std::path::Path;

use super::Language;

/// The language of `path` with content `bytes`.
pub fn detect(path: &Path, bytes: &[u8]) -> Option<Language> {
    let language = Language::from_path(path)?;
    Some(if depends_on_content(path) && looks_like_cpp(bytes) {
        Language::Cpp
    } else {
        language
    })
}

/// Whether the bytes, not only the path, decide the language of `path` (a `.h` file). The store
/// keys entries by this, so that a lookup can happen before the bytes are read.
pub fn depends_on_content(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "h")
}

/// Whether C++-only constructs appear in `src`.
pub fn looks_like_cpp(src: &[u8]) -> bool {
    let text = String::from_utf8_lossy(src);
    if text.lines().any(includes_cpp_header) {
        return true;
    }
    let tokens = tokens(&text);
    tokens.windows(3).any(|w| match w {
        ["namespace", name, "{"] if is_ident(name) => true,
        ["namespace", "{", _] => true,
        ["template", "<", _] => true,
        ["std", ":", ":"] => true,
        ["public" | "private" | "protected", ":", next] => *next != ":",
        ["class", name, "{" | ":"] => is_ident(name),
        _ => false,
    })
}

/// `#include <vector>`: standard C++ headers have no extension; C headers end in `.h`.
fn includes_cpp_header(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix('#') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix("include") else {
        return false;
    };
    let rest = rest.trim();
    rest.strip_prefix('<')
        .and_then(|r| r.split_once('>'))
        .is_some_and(|(name, _)| !name.is_empty() && !name.contains('.'))
}

fn is_ident(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Identifiers and single punctuation characters, comments and strings left in (cheap and good
/// enough for a sniff).
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric() || c == '_';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
        if !word && !c.is_whitespace() {
            out.push(&text[i..i + c.len_utf8()]);
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_with_cpp_constructs_are_cpp() {
        let h = Path::new("x.h");
        for src in [
            "namespace fmt {\nint f();\n}",
            "template <typename T> T max(T a, T b) { return a > b ? a : b; }",
            "class Parser : public Base { int x; };",
            "struct S {\npublic:\n  int f() { return 1; }\n};",
            "#include <vector>\nint f(std::vector<int> v);",
            "namespace { int hidden; }",
        ] {
            assert_eq!(detect(h, src.as_bytes()), Some(Language::Cpp), "{src}");
        }
    }

    #[test]
    fn c_headers_stay_c_even_with_cpp_keywords_as_identifiers() {
        let h = Path::new("x.h");
        for src in [
            "#include <stdio.h>\nint f(void);",
            "struct class *class;\nint new = 0;",
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\nint g(int);",
            "int f(int a) { return a ? 1 : 2; }\nlabel: goto label;",
        ] {
            assert_eq!(detect(h, src.as_bytes()), Some(Language::C), "{src}");
        }
        // Only `.h` is sniffed: a `.c` file is C whatever it holds.
        assert_eq!(
            detect(Path::new("x.c"), b"namespace a {}"),
            Some(Language::C)
        );
        assert_eq!(detect(Path::new("x.txt"), b"namespace a {}"), None);
    }
}
