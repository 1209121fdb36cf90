//! `debtgate trend`: the history of the repository's debt. Parses the window (`--commits`,
//! `--since`), the branch, the `--path` globs and the outputs, calls [`crate::trend::trend`],
//! writes the documents, and says on stderr where the figures came from.

use std::io::IsTerminal;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::ValueEnum;

use super::{current_dir, size_pool};
use crate::change::Window;
use crate::exit::Exit;
use crate::trend::render::{self, TrendFormat};
use crate::trend::{Stats, TrendOptions};

/// Commits walked when neither `--commits` nor `--since` is given.
pub const DEFAULT_COMMITS: usize = 100;

#[derive(Debug, clap::Args)]
pub struct TrendArgs {
    /// Walk at most N first-parent commits back from the branch [default: 100 unless --since].
    #[arg(long, value_name = "N")]
    pub commits: Option<usize>,
    /// Walk back to this date: `2025-01-31`, an RFC 3339 time, or a span ago such as `90 days`
    /// or `6 months`.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// The branch (any revision) whose first-parent history is walked.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub branch: String,
    /// Count only files matching this glob (repository-relative; `*` stays within a directory,
    /// `**` spans any); repeat for several.
    #[arg(long = "path", value_name = "GLOB")]
    pub paths: Vec<String>,
    /// Measure every commit under this configuration file instead of each commit's own
    /// .debtgate.yaml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Also rank hotspots: files and functions by churn (commits touching them in the window)
    /// times cyclomatic complexity, with each one's trend.
    #[arg(long)]
    pub hotspots: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = TrendFormatArg::Human)]
    pub format: TrendFormatArg,
    /// Also write FORMAT to PATH (human, json, csv, svg, html); repeat for several, e.g.
    /// `--output svg=trend.svg --output html=trend.html`.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<(TrendFormatArg, PathBuf)>,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrendFormatArg {
    Human,
    Json,
    Csv,
    Svg,
    Html,
}

impl From<TrendFormatArg> for TrendFormat {
    fn from(f: TrendFormatArg) -> TrendFormat {
        match f {
            TrendFormatArg::Human => TrendFormat::Human,
            TrendFormatArg::Json => TrendFormat::Json,
            TrendFormatArg::Csv => TrendFormat::Csv,
            TrendFormatArg::Svg => TrendFormat::Svg,
            TrendFormatArg::Html => TrendFormat::Html,
        }
    }
}

fn parse_output(arg: &str) -> Result<(TrendFormatArg, PathBuf), String> {
    let (format, path) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}` is not FORMAT=PATH"))?;
    let format = TrendFormatArg::from_str(format, true)
        .map_err(|_| format!("unknown format `{format}` (one of: human, json, csv, svg, html)"))?;
    if path.is_empty() {
        return Err(format!("`{arg}` names no file"));
    }
    Ok((format, PathBuf::from(path)))
}

pub fn run(args: TrendArgs) -> Result<Exit> {
    size_pool(args.jobs)?;
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let window = Window {
        max: args.commits.or(if since.is_none() {
            Some(DEFAULT_COMMITS)
        } else {
            None
        }),
        since,
    };
    let trend = crate::trend::trend(&TrendOptions {
        dir: current_dir()?,
        branch: args.branch,
        window,
        paths: args.paths,
        config: args.config,
        hotspots: args.hotspots,
        progress: !args.no_progress && std::io::stderr().is_terminal(),
    })?;
    for (format, path) in &args.output {
        let mut bytes = Vec::new();
        render::render(&trend, (*format).into(), &mut bytes)?;
        std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    note!("debtgate: trend: {}", stats_line(&trend.stats));
    if args.format != TrendFormatArg::Human {
        // The human output lists them; the others would leave them in the document (json) or
        // nowhere (csv, svg), so stderr says them too.
        for n in &trend.notices {
            note!("debtgate: trend: {n}");
        }
    }
    // Buffered: stdout is line-buffered, and a thousand commits of JSON are 100,000s of lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, crate::exit::stdout());
    render::render(&trend, args.format.into(), &mut out)?;
    out.flush()?;
    Ok(Exit::Pass)
}

/// Where the figures came from, for stderr.
fn stats_line(s: &Stats) -> String {
    let c = &s.cache;
    format!(
        "{} commits: {} from the store, {} computed ({} file versions measured, {} from the store)",
        s.stored + s.computed,
        s.stored,
        s.computed,
        c.miss,
        c.hot + c.warm + c.cold
    )
}

/// `--since`: a date (midnight UTC), an RFC 3339 time, or a span before now (`90 days`).
fn parse_since(arg: &str) -> Result<i64> {
    if let Ok(date) = arg.parse::<jiff::civil::Date>() {
        let z = date.to_zoned(jiff::tz::TimeZone::UTC)?;
        return Ok(z.timestamp().as_second());
    }
    if let Ok(ts) = arg.parse::<jiff::Timestamp>() {
        return Ok(ts.as_second());
    }
    let span: jiff::Span = arg.parse().with_context(|| {
        format!("--since {arg}: not a date (2025-01-31), a time (RFC 3339) or a span (90 days)")
    })?;
    let then = jiff::Zoned::now()
        .checked_sub(span)
        .with_context(|| format!("--since {arg}: too far back"))?;
    Ok(then.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_dates_times_and_spans() {
        assert_eq!(parse_since("2024-01-02").expect("a date"), 1_704_153_600);
        assert_eq!(
            parse_since("2024-01-02T01:00:00Z").expect("a time"),
            1_704_157_200
        );
        let ago = parse_since("90 days").expect("a span");
        let now = jiff::Timestamp::now().as_second();
        assert!((now - ago - 90 * 86_400).abs() < 2 * 3600);
        assert!(parse_since("last tuesday").is_err());
    }
}
