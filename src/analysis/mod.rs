//! Analysis: one blob of source and its language in, [`FileMetrics`] out.
//!
//! Knows nothing of git, files on disk or thresholds. Never panics on input and never recurses
//! over the tree: a file that cannot be parsed cleanly still yields what could be measured plus a
//! [`Diagnostic`]. An [`Analyzer`] keeps one tree-sitter parser per language and is meant to live
//! one per worker thread.

pub mod allocator;
pub mod marks;
pub mod metrics;
pub mod readable;
mod walk;

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use tree_sitter::{Parser, Tree};

pub use metrics::duplication::Duplication;
pub use metrics::tdg::Grade;

use crate::lang::{Language, Spec};

/// Measurements of one function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionMetrics {
    pub name: String,
    pub qualified_name: String,
    pub start_line: usize,
    pub end_line: usize,
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub max_nesting: u32,
    pub params: u32,
    pub length: usize,
    /// Identifies this version of the function's code: a hash of its tokens, so whitespace and
    /// comments do not change it. The gate's `new` mode judges functions whose hash changed.
    #[serde(skip)]
    pub body_hash: u64,
}

/// A self-admitted technical debt marker in a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satd {
    pub line: usize,
    #[serde(deserialize_with = "satd_marker")]
    pub marker: metrics::satd::Marker,
    pub text: String,
}

/// Something worth knowing about how a file was measured (syntax errors, mostly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: Option<usize>,
    pub message: String,
}

/// Everything measured in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileMetrics {
    pub language: Language,
    pub score: f64,
    pub grade: Grade,
    pub code_lines: usize,
    pub functions: Vec<FunctionMetrics>,
    pub satd: Vec<Satd>,
    pub duplication: Duplication,
    pub diagnostics: Vec<Diagnostic>,
}

impl Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Reads a language back by its report name (a JSON report read by `debtgate publish`).
impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Language::ALL
            .into_iter()
            .find(|l| l.name() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language `{name}`")))
    }
}

/// One of the known SATD markers, by name.
fn satd_marker<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name = String::deserialize(d)?;
    metrics::satd::MARKERS
        .into_iter()
        .find(|m| *m == name)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown SATD marker `{name}`")))
}

/// Measures source text. Holds one parser per language, created on first use.
#[derive(Default)]
pub struct Analyzer {
    parsers: [Option<Parser>; Language::ALL.len()],
}

thread_local! {
    static THREAD_ANALYZER: RefCell<Analyzer> = RefCell::new(Analyzer::new());
}

/// The names of the languages analysed, as reports and configuration spell them.
pub fn language_names() -> Vec<&'static str> {
    Language::ALL.iter().map(|l| l.name()).collect()
}

/// Runs `f` with this thread's [`Analyzer`], made on the thread's first use and kept for its
/// life: a worker pool builds each parser once per thread and language, not per file or per
/// rayon job (`map_init` builds one per job split: 15 for 391 files on one thread).
pub fn with_thread_analyzer<R>(f: impl FnOnce(&mut Analyzer) -> R) -> R {
    THREAD_ANALYZER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut analyzer) => f(&mut analyzer),
        // Re-entered on this thread (rayon ran another job inside `f`): use a fresh one.
        Err(_) => f(&mut Analyzer::new()),
    })
}

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Measures `src` as `language`: its text ([`readable::text`]), a UTF-8 byte-order mark
    /// stripped.
    pub fn analyze(&mut self, src: &[u8], language: Language) -> FileMetrics {
        let text = readable::text(src);
        let src = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
        let (tree, spec) = match self.read(src, language) {
            Ok(Some(read)) => read,
            // A component without a script: nothing to measure, and nothing wrong.
            Ok(None) => return FileMetrics::empty(language, Vec::new()),
            Err(why) => {
                let diagnostic = Diagnostic {
                    line: None,
                    message: why.to_string(),
                };
                return FileMetrics::empty(language, vec![diagnostic]);
            }
        };
        let out = walk::walk(&tree, src, spec);
        let mut functions = out.functions;
        functions.sort_by(|a, b| {
            (
                a.start_line,
                std::cmp::Reverse(a.end_line),
                &a.qualified_name,
            )
                .cmp(&(
                    b.start_line,
                    std::cmp::Reverse(b.end_line),
                    &b.qualified_name,
                ))
        });
        let code_lines = out.code_rows.count();
        let duplication = metrics::duplication::measure(src, &out.code_rows);
        let score = metrics::tdg::score(&metrics::tdg::Inputs {
            functions: &functions,
            code_lines,
            duplicated_lines: duplication.duplicated_lines,
            satd: out.satd.len(),
        });
        FileMetrics {
            language,
            score,
            grade: Grade::from_score(score),
            code_lines,
            functions,
            satd: out.satd,
            duplication,
            diagnostics: out.diagnostics,
        }
    }

    /// The tree to measure `src` by, and the rules to read it with: the language's own grammar
    /// over the whole file, or, for a component (`.vue`, `.svelte`), its script language's grammar
    /// over its `<script>` blocks only (`None` when it has none).
    fn read(
        &mut self,
        src: &[u8],
        language: Language,
    ) -> Result<Option<(Tree, &'static dyn Spec)>, &'static str> {
        let (grammar, ranges) = if language.is_component() {
            let scripts = crate::lang::scripts(src);
            if scripts.ranges.is_empty() {
                return Ok(None);
            }
            (scripts.language, scripts.ranges)
        } else {
            (language, Vec::new())
        };
        let tree = self.parse(grammar, src, &ranges)?;
        let rules = if language.is_component() {
            grammar
        } else {
            language
        };
        // Some grammars reject valid code that a related grammar reads (see
        // `Language::fallback_grammar`): when the first reading has errors and the other has none,
        // measure the other, with this language's rules.
        if tree.root_node().has_error() {
            if let Some(other) = grammar.fallback_grammar() {
                if let Ok(t) = self.parse(other, src, &ranges) {
                    if !t.root_node().has_error() {
                        return Ok(Some((t, rules.spec_over(other))));
                    }
                }
            }
        }
        Ok(Some((tree, rules.spec())))
    }

    /// `src` parsed as `grammar`, over `ranges` only when there are any. The parser is left
    /// reading whole files again.
    fn parse(
        &mut self,
        grammar: Language,
        src: &[u8],
        ranges: &[tree_sitter::Range],
    ) -> Result<Tree, &'static str> {
        let parser = self.parser(grammar);
        if !ranges.is_empty() {
            parser
                .set_included_ranges(ranges)
                .map_err(|_| "the script blocks could not be read")?;
        }
        // No timeout or cancellation flag is set, so parse always returns a tree; keep the
        // fallback anyway rather than trusting that across tree-sitter upgrades.
        let tree = parser.parse(src, None);
        if !ranges.is_empty() {
            // Empty ranges: the whole document. Cannot fail.
            let _ = parser.set_included_ranges(&[]);
        }
        tree.ok_or("the parser returned no tree")
    }

    fn parser(&mut self, language: Language) -> &mut Parser {
        let slot = Language::ALL
            .iter()
            .position(|l| *l == language)
            .expect("every language is in Language::ALL");
        self.parsers[slot].get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language.grammar())
                .expect("grammar ABI is checked by lang::tests::every_grammar_loads");
            parser
        })
    }
}

impl FileMetrics {
    /// Nothing measured (a component without a script, or a file the parser gave no tree
    /// for, then with a diagnostic saying so): the score is what the formula gives for no
    /// measurements.
    fn empty(language: Language, diagnostics: Vec<Diagnostic>) -> Self {
        let score = metrics::tdg::score(&metrics::tdg::Inputs {
            functions: &[],
            code_lines: 0,
            duplicated_lines: 0,
            satd: 0,
        });
        FileMetrics {
            language,
            score,
            grade: Grade::from_score(score),
            code_lines: 0,
            functions: Vec::new(),
            satd: Vec::new(),
            duplication: Duplication::default(),
            diagnostics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(src: &str) -> Vec<(String, u64)> {
        Analyzer::new()
            .analyze(src.as_bytes(), Language::Rust)
            .functions
            .into_iter()
            .map(|f| (f.name, f.body_hash))
            .collect()
    }

    #[test]
    fn body_hash_ignores_layout_and_comments_but_not_code() {
        let base = hashes("fn f(a: u8) -> u8 { if a > 1 { a } else { 0 } }\nfn g() {}\n");
        let reformatted = hashes(
            "fn f(a: u8) -> u8 {\n    // why\n    if a > 1 {\n        a\n    } else {\n        0\n    }\n}\n\nfn g() {}\n",
        );
        let changed = hashes("fn f(a: u8) -> u8 { if a > 2 { a } else { 0 } }\nfn g() {}\n");
        assert_eq!(base, reformatted);
        assert_ne!(base[0].1, changed[0].1);
        assert_eq!(base[1], changed[1], "an untouched neighbour keeps its hash");
    }

    /// A component is read over its script blocks only; the parser it borrowed reads whole
    /// files again afterwards.
    #[test]
    fn a_component_leaves_its_script_parser_reading_whole_files() {
        let mut analyzer = Analyzer::new();
        let vue = b"<template><p v-if=\"a && b\">x</p></template>\n<script>\nfunction f(a) { return a || 1 }\n</script>\n";
        let m = analyzer.analyze(vue, Language::Vue);
        assert_eq!(m.language, Language::Vue);
        assert_eq!(
            m.functions
                .iter()
                .map(|f| (f.name.as_str(), f.start_line, f.cyclomatic))
                .collect::<Vec<_>>(),
            [("f", 3, 2)]
        );
        assert_eq!(m.code_lines, 1, "only the script's line is code");
        let js = analyzer.analyze(b"function g() {}\nfunction h() {}\n", Language::JavaScript);
        assert_eq!(
            js.functions.len(),
            2,
            "the JavaScript parser reads the whole file"
        );
        let none = analyzer.analyze(b"<template><p>no script</p></template>", Language::Svelte);
        assert!(none.functions.is_empty() && none.diagnostics.is_empty());
        assert_eq!(none.code_lines, 0);
    }

    #[test]
    fn a_nested_function_change_belongs_to_the_nested_function() {
        let a = hashes("fn outer() { fn inner() -> u8 { 1 } }");
        let b = hashes("fn outer() { fn inner() -> u8 { 2 } }");
        assert_eq!(a[0], b[0], "outer");
        assert_ne!(a[1], b[1], "inner");
    }
}
