//! Rendering a [`Trend`]: one file per format, each from the same data. The figures a chart or a
//! table shows are declared once here ([`SERIES`]), so every format shows the same ones under the
//! same names.

pub mod csv;
pub mod html;
pub mod human;
pub mod json;
pub mod svg;

use std::io::{self, Write};

use super::figures::Figures;
use super::Trend;

/// A figure as a series over the commits: its key (JSON, CSV), its label (tables, charts) and how
/// to read it from a commit's figures.
pub struct Series {
    pub key: &'static str,
    pub label: &'static str,
    pub value: fn(&Figures) -> f64,
    /// Whether a rise is bad news (the charts mark the commits where it rose).
    pub worse_up: bool,
}

/// The figures every chart and summary table shows, in order.
pub const SERIES: [Series; 8] = [
    Series {
        key: "functions_fail",
        label: "Functions over a fail threshold",
        value: |f| f.functions_fail as f64,
        worse_up: true,
    },
    Series {
        key: "functions_warn",
        label: "Functions over a warn threshold only",
        value: |f| f.functions_warn as f64,
        worse_up: true,
    },
    Series {
        key: "cyclomatic_mean",
        label: "Mean cyclomatic complexity per function",
        value: Figures::mean_cyclomatic,
        worse_up: true,
    },
    Series {
        key: "cognitive_mean",
        label: "Mean cognitive complexity per function",
        value: Figures::mean_cognitive,
        worse_up: true,
    },
    Series {
        key: "tdg_mean",
        label: "Mean TDG score per file (100 is best)",
        value: Figures::mean_score,
        worse_up: false,
    },
    Series {
        key: "satd",
        label: "SATD markers (TODO, FIXME, …)",
        value: |f| f.satd as f64,
        worse_up: true,
    },
    Series {
        key: "code_lines",
        label: "Code lines",
        value: |f| f.code_lines as f64,
        worse_up: false,
    },
    Series {
        key: "files",
        label: "Files measured",
        value: |f| f.files as f64,
        worse_up: false,
    },
];

/// The output formats of `debtgate trend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrendFormat {
    Human,
    Json,
    Csv,
    Svg,
    Html,
}

/// Renders `trend` as `format`.
pub fn render(trend: &Trend, format: TrendFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        TrendFormat::Human => human::render(trend, out),
        TrendFormat::Json => json::render(trend, out),
        TrendFormat::Csv => csv::render(trend, out),
        TrendFormat::Svg => out.write_all(svg::render(trend).as_bytes()),
        TrendFormat::Html => out.write_all(html::render(trend).as_bytes()),
    }
}

/// The values of `series` over the commits of `trend`, oldest first.
pub fn values(trend: &Trend, series: &Series) -> Vec<f64> {
    trend
        .points
        .iter()
        .map(|p| (series.value)(&p.tally.overall))
        .collect()
}

/// The functions over a fail threshold in the top-level directory `dir` at each commit (0 where
/// it had nothing measured).
pub fn failing_in(trend: &Trend, dir: &str) -> Vec<f64> {
    trend
        .points
        .iter()
        .map(|p| {
            p.tally
                .dirs
                .get(dir)
                .map_or(0.0, |d| d.functions_fail as f64)
        })
        .collect()
}

/// A number as tables print it: integers without a fraction, others with up to two decimals.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
