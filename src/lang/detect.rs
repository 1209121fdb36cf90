//! Which grammar reads a file: by extension or name ([`Language::from_path`]), except for `.h`,
//! which C and C++ share. A `.h` file is read as C++ when it shows a construct C cannot have —
//! `namespace x {`, `template <`, `std::`, an access specifier (`public:`), `class X {` /
//! `class X :`, or an `#include` of an extension-less standard header (`<vector>`). Otherwise it
//! stays C, so C code that uses C++ keywords as identifiers (`struct class *class;`) is still read
//! as C.
//!
//! A file with no extension (and not a name like `Rakefile`) is read by its interpreter line, as
//! the kernel runs it: `#!/usr/bin/env python3` is Python, `#!/usr/bin/env -S ruby -w` Ruby
//! ([`from_shebang`]); `bin/` and `exe/` scripts are code the team writes. Without such a line it
//! is no language.

use std::path::Path;

use super::Language;

impl Language {
    /// The language of a path, by its extension; `None` for files we do not analyse (and for
    /// files without one, whose interpreter line decides: [`detect`]). An extension in capitals
    /// is read as its lower case (`Program.CS`: MSBuild's `**/*.cs` takes it on Windows), except
    /// `.C` and `.H`, which are C++ as gcc reads them.
    pub fn from_path(path: &Path) -> Option<Language> {
        if let Some(language) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(Language::from_file_name)
        {
            return Some(language);
        }
        let ext = path.extension()?.to_str()?;
        Language::from_extension(ext).or_else(|| match ext {
            "C" | "H" => Some(Language::Cpp),
            _ if ext.bytes().any(|b| b.is_ascii_uppercase()) => {
                Language::from_extension(&ext.to_ascii_lowercase())
            }
            _ => None,
        })
    }

    /// The language of an extension as written (lower case).
    fn from_extension(ext: &str) -> Option<Language> {
        Some(match ext {
            "rs" => Language::Rust,
            "py" | "pyi" | "pyw" => Language::Python,
            "js" | "jsx" | "mjs" | "cjs" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "go" => Language::Go,
            "java" => Language::Java,
            "c" | "h" => Language::C,
            "cc" | "cpp" | "cxx" | "c++" | "hh" | "hpp" | "hxx" | "h++" | "ipp" | "tpp" => {
                Language::Cpp
            }
            "cs" => Language::CSharp,
            // Rails' XML and JSON views (`.builder`, `.jbuilder`), CocoaPods specs, Thor tasks.
            "rb" | "rake" | "gemspec" | "ru" | "builder" | "jbuilder" | "podspec" | "thor" => {
                Language::Ruby
            }
            "php" => Language::Php,
            "vue" => Language::Vue,
            "svelte" => Language::Svelte,
            "kt" | "kts" => Language::Kotlin,
            "swift" => Language::Swift,
            "scala" | "sc" => Language::Scala,
            _ => return None,
        })
    }

    /// Files known by their whole name, without an extension (`Rakefile`, `Gemfile`).
    fn from_file_name(name: &str) -> Option<Language> {
        match name {
            "Rakefile" | "Gemfile" | "Guardfile" | "Capfile" | "Vagrantfile" | "Podfile"
            | "Brewfile" | "Fastfile" | "Dangerfile" | "Steepfile" => Some(Language::Ruby),
            _ => None,
        }
    }
}

/// The language of `path` with content `bytes` (the text: UTF-16 already decoded).
pub fn detect(path: &Path, bytes: &[u8]) -> Option<Language> {
    let Some(language) = Language::from_path(path) else {
        return by_first_line(path).then(|| from_shebang(bytes)).flatten();
    };
    Some(if depends_on_content(path) && looks_like_cpp(bytes) {
        Language::Cpp
    } else {
        language
    })
}

/// Whether the bytes, not only the path, decide the language of `path`: a `.h` file, and a file
/// read by its interpreter line ([`by_first_line`]). The store keys entries by this, so that a
/// lookup can happen before the bytes are read.
pub fn depends_on_content(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "h") || by_first_line(path)
}

/// Whether `path` may hold code of a supported language: by its name, or, having no extension, by
/// its interpreter line (known only once it is read).
pub fn may_be_source(path: &Path) -> bool {
    Language::from_path(path).is_some() || by_first_line(path)
}

/// Whether the language of `path` is its interpreter line's: it has no extension and is not a
/// file known by its whole name.
pub fn by_first_line(path: &Path) -> bool {
    path.extension().is_none() && path.file_name().is_some() && Language::from_path(path).is_none()
}

/// The language of a script's interpreter line (`#!`, the first line): the program's name after
/// its directory and, through `env`, after env's options and `NAME=value` settings, without a
/// version suffix (`python3.12`, `ruby3.2`, `php8`). `None` for any other program (`sh`, `perl`)
/// or no such line.
pub fn from_shebang(bytes: &[u8]) -> Option<Language> {
    let line = bytes.strip_prefix(b"#!")?;
    let line = &line[..line.iter().position(|b| *b == b'\n').unwrap_or(line.len())];
    // The kernel reads bytes; a Latin-1 comment after the program must not hide it.
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_ascii_whitespace();
    let mut program = base_name(words.next()?);
    if program == "env" {
        program = loop {
            match words.next()? {
                "-u" | "--unset" | "-C" | "--chdir" => {
                    words.next()?;
                }
                word if word.starts_with('-') || word.contains('=') => {}
                word => break base_name(word),
            }
        };
    }
    let name = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    Some(match name {
        "python" | "pypy" => Language::Python,
        "ruby" | "jruby" | "truffleruby" => Language::Ruby,
        "node" | "nodejs" => Language::JavaScript,
        "deno" | "bun" | "ts-node" | "tsx" => Language::TypeScript,
        "php" => Language::Php,
        "swift" => Language::Swift,
        "scala" | "scala-cli" => Language::Scala,
        _ => return None,
    })
}

/// The last component of a program's path (`/usr/bin/python3` → `python3`).
fn base_name(program: &str) -> &str {
    program.rsplit('/').next().unwrap_or(program)
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
    fn an_interpreter_line_names_the_language_of_a_script() {
        let cases: &[(&str, Option<Language>)] = &[
            ("#!/usr/bin/env python3\n", Some(Language::Python)),
            (
                "#! /usr/bin/python3.12 -u\r\nx = 1\n",
                Some(Language::Python),
            ),
            ("#!/usr/bin/env -S pypy3 -O\n", Some(Language::Python)),
            ("#!/usr/bin/env -S ruby -w", Some(Language::Ruby)),
            (
                "#!/usr/bin/env -u HOME RUBYOPT=-W0 ruby\n",
                Some(Language::Ruby),
            ),
            ("#!/opt/jruby/bin/jruby\n", Some(Language::Ruby)),
            ("#!/usr/bin/env node\n", Some(Language::JavaScript)),
            (
                "#!/usr/bin/env -S deno run --allow-net\n",
                Some(Language::TypeScript),
            ),
            ("#!/usr/bin/env php8.2\n", Some(Language::Php)),
            ("#!/usr/bin/swift\n", Some(Language::Swift)),
            ("#!/usr/bin/env scala-cli shebang\n", Some(Language::Scala)),
            ("#!/bin/sh\nexec python \"$0\"\n", None),
            ("#!/usr/bin/env bash\n", None),
            ("#!/usr/bin/perl -w\n", None),
            ("#!/usr/bin/env\n", None),
            ("#!\n", None),
            ("# python\n", None),
            ("\n#!/usr/bin/env python\n", None),
            ("", None),
        ];
        for (text, language) in cases {
            assert_eq!(from_shebang(text.as_bytes()), *language, "{text:?}");
        }
        let latin1 = b"#!/usr/bin/env python3 # caf\xe9\n# -*- coding: latin-1 -*-\n";
        assert_eq!(from_shebang(latin1), Some(Language::Python));
        assert_eq!(from_shebang(b"#!/usr/bin/\xffpython\n"), None);
    }

    #[test]
    fn only_a_file_without_extension_is_read_by_its_first_line() {
        let py = b"#!/usr/bin/env python3\ndef f():\n    pass\n";
        for path in ["bin/deploy", "deploy", ".envrc"] {
            assert!(by_first_line(Path::new(path)) && may_be_source(Path::new(path)));
            assert!(depends_on_content(Path::new(path)), "{path}");
            assert_eq!(
                detect(Path::new(path), py),
                Some(Language::Python),
                "{path}"
            );
            assert_eq!(detect(Path::new(path), b"MIT License\n"), None, "{path}");
        }
        // An extension decides, whatever the first line says; so does a known file name.
        for (path, language) in [
            ("tool.sh", None),
            ("tool.rb", Some(Language::Ruby)),
            ("Rakefile", Some(Language::Ruby)),
        ] {
            assert!(!by_first_line(Path::new(path)), "{path}");
            assert_eq!(detect(Path::new(path), py), language, "{path}");
        }
        assert!(!may_be_source(Path::new("tool.sh")));
    }

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

    #[test]
    fn extensions_map_to_languages() {
        let cases = [
            ("a.rs", Some(Language::Rust)),
            ("a.py", Some(Language::Python)),
            ("a.jsx", Some(Language::JavaScript)),
            ("a.ts", Some(Language::TypeScript)),
            ("a.tsx", Some(Language::Tsx)),
            ("a.go", Some(Language::Go)),
            ("A.java", Some(Language::Java)),
            ("a.h", Some(Language::C)),
            ("a.hpp", Some(Language::Cpp)),
            ("A.cs", Some(Language::CSharp)),
            ("lib/a.rb", Some(Language::Ruby)),
            ("lib/tasks/db.rake", Some(Language::Ruby)),
            ("a.gemspec", Some(Language::Ruby)),
            ("app/views/feed.xml.builder", Some(Language::Ruby)),
            ("app/views/posts/show.json.jbuilder", Some(Language::Ruby)),
            ("Alamofire.podspec", Some(Language::Ruby)),
            ("tasks/release.thor", Some(Language::Ruby)),
            ("tools/gui.pyw", Some(Language::Python)),
            ("Rakefile", Some(Language::Ruby)),
            ("app/Gemfile", Some(Language::Ruby)),
            ("src/Http/Kernel.php", Some(Language::Php)),
            ("src/App.vue", Some(Language::Vue)),
            ("src/routes/+page.svelte", Some(Language::Svelte)),
            ("src/main/kotlin/App.kt", Some(Language::Kotlin)),
            ("build.gradle.kts", Some(Language::Kotlin)),
            ("Sources/App/Account.swift", Some(Language::Swift)),
            ("src/main/scala/Account.scala", Some(Language::Scala)),
            ("build.sc", Some(Language::Scala)),
            ("Gemfile.lock", None),
            ("README.md", None),
            ("Makefile", None),
            // Capitals: the lower case's language; `.C` and `.H` are C++ (gcc).
            ("Program.CS", Some(Language::CSharp)),
            ("UTIL.Py", Some(Language::Python)),
            ("MAIN.C", Some(Language::Cpp)),
            ("DEFS.H", Some(Language::Cpp)),
            ("LIB.CPP", Some(Language::Cpp)),
            ("README.MD", None),
        ];
        for (path, want) in cases {
            assert_eq!(Language::from_path(Path::new(path)), want, "{path}");
        }
    }
}
