//! Analysis: one blob of source and its language in, [`FileMetrics`] out.
//!
//! Knows nothing of git, files on disk or thresholds. Never panics on input and never recurses
//! over the tree: a file that cannot be parsed cleanly still yields what could be measured plus a
//! [`Diagnostic`]. An [`Analyzer`] keeps one tree-sitter parser per language and is meant to live
//! one per worker thread.

pub mod metrics;
mod walk;

use serde::Serialize;
use tree_sitter::Parser;

pub use metrics::duplication::Duplication;
pub use metrics::tdg::Grade;

use crate::lang::Language;

/// Measurements of one function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

/// A self-admitted technical debt marker in a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Satd {
    pub line: usize,
    pub marker: &'static str,
    pub text: String,
}

/// Something worth knowing about how a file was measured (syntax errors, mostly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub line: Option<usize>,
    pub message: String,
}

/// Everything measured in one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Measures source text. Holds one parser per language, created on first use.
#[derive(Default)]
pub struct Analyzer {
    parsers: [Option<Parser>; Language::ALL.len()],
}

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Measures `src` as `language`.
    pub fn analyze(&mut self, src: &[u8], language: Language) -> FileMetrics {
        let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
        let parser = self.parser(language);
        // No timeout or cancellation flag is set, so parse always returns a tree; keep the
        // fallback anyway rather than trusting that across tree-sitter upgrades.
        let Some(tree) = parser.parse(src, None) else {
            return FileMetrics::unparsed(language, "the parser returned no tree");
        };
        let out = walk::walk(&tree, src, language.spec());
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
    fn unparsed(language: Language, why: &str) -> Self {
        FileMetrics {
            language,
            score: 100.0,
            grade: Grade::APlus,
            code_lines: 0,
            functions: Vec::new(),
            satd: Vec::new(),
            duplication: Duplication::default(),
            diagnostics: vec![Diagnostic {
                line: None,
                message: why.to_string(),
            }],
        }
    }
}
