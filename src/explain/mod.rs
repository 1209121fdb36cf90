//! `debtgate explain PATH[:FUNCTION]`: why the gate would pass or fail a file or one function —
//! every metric, the threshold that applies to this path and where it was set (default, the
//! config's `thresholds`, which override), and the level each value reaches. The file is read
//! from the worktree; judgement is absolute (what the thresholds say about the code as it is),
//! then `history.rs` says what the configured mode makes of it against the function's version at
//! HEAD (base values, `ratchet.length_tolerance`) and which baseline entry covers it.

mod history;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::analysis::{readable, Analyzer, FunctionMetrics};
use crate::config::{self, PolicyMode, Settings};
use crate::rules::Metric;

pub struct ExplainOptions {
    /// `PATH` or `PATH:FUNCTION` (a name or qualified name).
    pub target: String,
    pub config: Option<PathBuf>,
    pub dir: PathBuf,
}

/// Why there is no explanation.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("{path}: no such file")]
    NoSuchFile { path: String },
    #[error("{path}: cannot read")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: no function named `{name}`")]
    NoFunction { path: String, name: String },
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Format(#[from] std::fmt::Error),
}

pub fn explain(opts: &ExplainOptions) -> Result<String, ExplainError> {
    let (path, function) = split_target(&opts.target);
    let file = opts.dir.join(path);
    if !file.is_file() {
        return Err(ExplainError::NoSuchFile { path: path.into() });
    }
    let root = config::find_repo_root(&opts.dir).unwrap_or_else(|| opts.dir.clone());
    let settings = Settings::discover(&root, opts.config.as_deref())?;
    let rel = repo_relative(&root, &file);
    let mut out = String::new();
    writeln!(
        out,
        "{rel}: policy from {}, mode {}",
        settings.origin, settings.mode
    )?;
    if settings.is_excluded(&rel) {
        writeln!(
            out,
            "  excluded by the configuration's `exclude` list: never judged"
        )?;
        return Ok(out);
    }
    if !crate::lang::may_be_source(Path::new(&rel)) {
        writeln!(out, "  not analysed: {}", crate::lang::UNSUPPORTED)?;
        return Ok(out);
    }
    let bytes = std::fs::read(&file).map_err(|source| ExplainError::Read {
        path: path.into(),
        source,
    })?;
    let language = match readable::measurable(Path::new(&rel), &bytes, settings.max_file_size) {
        Ok(language) => language,
        Err(reason) => {
            writeln!(out, "  not analysed: {reason}")?;
            return Ok(out);
        }
    };
    let m = Analyzer::new().analyze(&bytes, language);
    let grade = settings.min_grade_applied(&rel);
    let verdict = grade
        .level
        .check(m.grade)
        .map_or("ok".to_string(), |s| s.name().to_string());
    writeln!(
        out,
        "  file: grade {} (score {:.1}), minimum warn {} / fail {} from {} → {verdict}",
        m.grade,
        m.score,
        show_grade(grade.level.warn),
        show_grade(grade.level.fail),
        grade.source
    )?;
    let chosen: Vec<&FunctionMetrics> = m
        .functions
        .iter()
        .filter(|f| function.is_none_or(|n| f.name == n || f.qualified_name == n))
        .collect();
    if let (Some(name), true) = (function, chosen.is_empty()) {
        return Err(ExplainError::NoFunction {
            path: path.into(),
            name: name.into(),
        });
    }
    let past = history::History::load(&root, &rel, settings.max_file_size);
    let pairs = past.pairs(&m.functions);
    for (f, pair) in m.functions.iter().zip(pairs) {
        if !chosen.iter().any(|c| std::ptr::eq(*c, f)) {
            continue;
        }
        function_lines(&mut out, &settings, &rel, f)?;
        past.write(&mut out, &settings, &rel, f, pair)?;
    }
    if settings.mode != PolicyMode::Absolute {
        writeln!(
            out,
            "\nIn mode `{}`, `debtgate check` judges a function only when a change adds it or changes its code{}.",
            settings.mode,
            if settings.mode == PolicyMode::Ratchet {
                ", and then only the metrics that got worse"
            } else {
                ""
            }
        )?;
    }
    Ok(out)
}

fn function_lines(
    out: &mut String,
    settings: &Settings,
    rel: &str,
    f: &FunctionMetrics,
) -> std::fmt::Result {
    writeln!(
        out,
        "\n  {} (lines {}–{})",
        f.qualified_name, f.start_line, f.end_line
    )?;
    for metric in Metric::ALL {
        let value = metric.value(f);
        let applied = settings.threshold(rel, metric);
        let verdict = applied
            .level
            .check(value)
            .map_or("ok".to_string(), |s| s.name().to_uppercase());
        writeln!(
            out,
            "    {:<12} {:>5}   warn above {:<6} fail above {:<6} from {:<28} {verdict}",
            metric.name(),
            value,
            show(applied.level.warn),
            show(applied.level.fail),
            applied.source,
        )?;
    }
    Ok(())
}

fn show(t: Option<f64>) -> String {
    t.map_or_else(|| "never".to_string(), |t| t.to_string())
}

fn show_grade(g: Option<crate::analysis::Grade>) -> String {
    g.map_or_else(|| "never".to_string(), |g| g.to_string())
}

/// `src/a.rs:Parser::parse` → (`src/a.rs`, `Some("Parser::parse")`). A Windows drive letter
/// or a path without a function stays whole.
fn split_target(target: &str) -> (&str, Option<&str>) {
    match target.find(':') {
        Some(i) if i > 1 => (
            &target[..i],
            Some(&target[i + 1..]).filter(|s| !s.is_empty()),
        ),
        _ => (target, None),
    }
}

fn repo_relative(root: &Path, file: &Path) -> String {
    let abs = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    abs.strip_prefix(&root)
        .unwrap_or(&abs)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::split_target;

    #[test]
    fn targets_split_at_the_first_colon_after_the_path() {
        assert_eq!(split_target("src/a.rs"), ("src/a.rs", None));
        assert_eq!(split_target("src/a.rs:parse"), ("src/a.rs", Some("parse")));
        assert_eq!(
            split_target("src/a.rs:Parser::parse"),
            ("src/a.rs", Some("Parser::parse"))
        );
        assert_eq!(split_target("a.rs:"), ("a.rs", None));
    }
}
