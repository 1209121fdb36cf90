//! The formats a [`Report`] renders in, and [`render`], the one place that picks the renderer for
//! a format. The command line names these formats (`--format`, `--output FORMAT=PATH`) through
//! `commands/output.rs`; this module knows nothing of argument parsing.

use std::io::{self, Write};

use super::Report;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For a terminal.
    Human,
    /// The `debtgate.report/1` document.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A job summary (capped under 1 MiB).
    Markdown,
    /// The same Markdown capped at 65,536 characters, for a pull-request comment.
    MarkdownComment,
    /// JUnit XML.
    Junit,
    /// GitLab Code Quality JSON.
    Codeclimate,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 8] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
        Format::MarkdownComment,
        Format::Junit,
        Format::Codeclimate,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::MarkdownComment => "markdown-comment",
            Format::Junit => "junit",
            Format::Codeclimate => "codeclimate",
        }
    }

    /// One line for `--help`.
    pub fn help(self) -> &'static str {
        match self {
            Format::Human => "For a terminal",
            Format::Json => "The `debtgate.report/1` document",
            Format::Sarif => "SARIF 2.1.0 (GitHub code scanning)",
            Format::Github => "GitHub Actions workflow commands (annotations)",
            Format::Markdown => "A job summary (capped under 1 MiB)",
            Format::MarkdownComment => {
                "The same Markdown capped at 65,536 characters, for a pull-request comment"
            }
            Format::Junit => "JUnit XML",
            Format::Codeclimate => "GitLab Code Quality JSON",
        }
    }

    /// Whether the format is JSON, which escapes every control character: nothing in it needs
    /// stripping for a terminal.
    pub fn is_json(self) -> bool {
        matches!(self, Format::Json | Format::Sarif | Format::Codeclimate)
    }
}

/// How much of its long lists the human report spells out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Not-analysed files counted by reason, with a few paths each.
    #[default]
    Grouped,
    /// Every not-analysed path with its reason (`--verbose`).
    Full,
}

/// Renders `report` in `format`, the human report grouped ([`Detail::Grouped`]).
pub fn render(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    render_as(report, format, Detail::Grouped, out)
}

/// Renders `report` in `format`; `detail` decides how much the human report lists (the other
/// formats always carry everything).
pub fn render_as(
    report: &Report,
    format: Format,
    detail: Detail,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => super::render_human(report, detail, out),
        Format::Json => super::render_json(report, out),
        Format::Sarif => super::render_sarif(report, out),
        Format::Github => super::render_github(report, out),
        Format::Markdown => super::render_markdown(report, out),
        Format::MarkdownComment => {
            out.write_all(super::render_markdown_capped(report, super::COMMENT_LIMIT).as_bytes())
        }
        Format::Junit => super::render_junit(report, out),
        Format::Codeclimate => super::render_codeclimate(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_listed_once_with_its_own_name() {
        let names: std::collections::HashSet<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Format::ALL.len());
        assert!(Format::ALL.iter().all(|f| !f.help().is_empty()));
    }
}
