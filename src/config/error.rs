//! Config errors: every problem of a file, each at its `file:line:column`, or why no file could
//! be read at all.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// One thing wrong with a config file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user knows it: `.debtgate.yaml`, the `--config` path as given, or
    /// `REV:PATH` for a file read from a revision.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file was read but is not a valid config: every problem found, in document order.
    #[error("{}", lines(.0))]
    Invalid(Vec<Problem>),
    /// The cause is the `source` (printed by the error chain, not repeated here).
    #[error("cannot read config file {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Both `.debtgate.yaml` and `.debtgate.yml` exist: which one rules would be a guess.
    #[error(
        "both {} and {} exist; keep one of them",
        .yaml.display(),
        .yml.display()
    )]
    Ambiguous { yaml: PathBuf, yml: PathBuf },
}

impl ConfigError {
    /// The problems of an invalid file (empty for the other errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid(problems) => problems,
            _ => &[],
        }
    }
}

fn lines(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_one_problem_per_line() {
        let problem = |line, message: &str| Problem {
            file: ".debtgate.yaml".into(),
            line,
            column: 3,
            message: message.into(),
        };
        let err = ConfigError::Invalid(vec![problem(1, "one"), problem(4, "two")]);
        assert_eq!(
            err.to_string(),
            ".debtgate.yaml:1:3: one\n.debtgate.yaml:4:3: two"
        );
        assert_eq!(err.problems().len(), 2);
    }
}
