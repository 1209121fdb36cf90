//! A compact histogram of one metric for the terminal: one row per bucket, a bar of unicode
//! eighth blocks, the count, and a marker line wherever a threshold falls.
//!
//! Buckets grow roughly geometrically (length most of all: 1–5 lines and 501–1000 lines are both
//! one row), and every threshold shown is also a bucket edge, so a marker sits exactly between
//! the values it lets pass and those it flags. Rows fit in 80 columns. Styles are always
//! written; the caller's stream drops them when it is not a terminal or `NO_COLOR` is set.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::rules::{Metric, Severity};

const DIM: Style = Style::new().dimmed();
const RED: Style = AnsiColor::Red.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();

/// The widest bar, in columns.
const BAR: usize = 40;
/// The label column (`1001–2000`).
const LABEL: usize = 9;
/// No line is wider.
pub const WIDTH: usize = 80;

/// Upper edges (inclusive) of the base buckets, per metric.
fn edges(metric: Metric) -> &'static [u32] {
    match metric {
        Metric::Cyclomatic => &[1, 2, 4, 7, 10, 15, 20, 30, 50, 100, 200, 500, 1000],
        Metric::Cognitive => &[0, 1, 3, 6, 10, 15, 20, 30, 50, 100, 200, 500, 1000],
        Metric::MaxNesting => &[0, 1, 2, 3, 4, 5, 6, 8, 10],
        Metric::Length => &[5, 10, 20, 30, 50, 100, 200, 500, 1000, 2000, 5000],
        Metric::Params => &[0, 1, 2, 3, 4, 5, 6, 8, 10, 15],
    }
}

/// One bucket: values `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bucket {
    pub from: u32,
    pub to: u32,
    pub count: usize,
}

/// A threshold to mark: `fail 30 (now)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub value: u32,
    pub severity: Severity,
    /// `now`, `proposed`.
    pub whose: &'static str,
}

/// The buckets of `sorted` values, with every marker value as an edge; empty buckets before the
/// first value and after the last are left out.
pub fn buckets(metric: Metric, sorted: &[u32], markers: &[Marker]) -> Vec<Bucket> {
    let (Some(&lo), Some(&hi)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let mut uppers: Vec<u32> = edges(metric).to_vec();
    uppers.extend(markers.iter().map(|m| m.value));
    uppers.push(u32::MAX);
    uppers.sort_unstable();
    uppers.dedup();
    let mut out = Vec::new();
    let mut from = 0;
    for to in uppers {
        if to >= lo && from <= hi {
            let below = |v: u32| sorted.partition_point(|x| *x <= v);
            let count = below(to) - if from == 0 { 0 } else { below(from - 1) };
            // The outer buckets show the values there are: `1–2`, not `0–2`, for cyclomatic.
            out.push(Bucket {
                from: from.max(lo),
                to: to.min(hi),
                count,
            });
        }
        if to == u32::MAX {
            break;
        }
        from = to + 1;
    }
    out
}

/// The histogram of `sorted` (ascending) values of `metric`, markers included.
pub fn render(metric: Metric, sorted: &[u32], markers: &[Marker]) -> String {
    let rows = buckets(metric, sorted, markers);
    let mut out = String::new();
    let Some(last) = rows.last() else {
        return out;
    };
    let peak = rows.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let first = rows[0].from;
    marker_line(&mut out, markers, |v| v < first);
    for b in &rows {
        let bar = bar(b.count, peak);
        let _ = writeln!(
            out,
            "{:>LABEL$} │{bar} {DIM}{}{DIM:#}",
            label(b),
            super::write::thousands(b.count)
        );
        marker_line(&mut out, markers, |v| v == b.to && b.to != last.to);
    }
    let top = last.to;
    marker_line(&mut out, markers, |v| v >= top);
    out
}

fn label(b: &Bucket) -> String {
    match (b.from, b.to) {
        (f, t) if f == t => f.to_string(),
        (f, u32::MAX) => format!("{f}+"),
        (f, t) => format!("{f}–{t}"),
    }
}

/// `count` of `peak` as up to [`BAR`] columns of eighth blocks; never empty for a non-zero count.
fn bar(count: usize, peak: usize) -> String {
    const PARTS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if count == 0 {
        return String::new();
    }
    let eighths = (count * BAR * 8).div_ceil(peak).max(1);
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(PARTS[eighths % 8 - 1]);
    }
    s
}

/// One line naming the markers that `at` selects, if any: `╶╴ warn 15 now · fail 30 proposed`.
fn marker_line(out: &mut String, markers: &[Marker], at: impl Fn(u32) -> bool) {
    let here = merged(markers.iter().filter(|m| at(m.value)));
    if here.is_empty() {
        return;
    }
    let mut line = format!("{:>LABEL$} ├", "");
    let mut width = LABEL + 2;
    for (i, (severity, value, whose)) in here.iter().enumerate() {
        let lead = if i == 0 { "─" } else { " ·" };
        let text = format!("{lead} {} {value} {}", severity.name(), whose.join(", "));
        if width + text.chars().count() > WIDTH {
            break;
        }
        width += text.chars().count();
        let style = match severity {
            Severity::Fail => RED,
            Severity::Warn => YELLOW,
        };
        let _ = write!(line, "{style}{text}{style:#}");
    }
    out.push_str(&line);
    out.push('\n');
}

/// Markers of the same level and value as one: `warn 15 now, proposed`.
fn merged<'a>(
    markers: impl Iterator<Item = &'a Marker>,
) -> Vec<(Severity, u32, Vec<&'static str>)> {
    let mut out: Vec<(Severity, u32, Vec<&'static str>)> = Vec::new();
    for m in markers {
        match out
            .iter_mut()
            .find(|(s, v, _)| *s == m.severity && *v == m.value)
        {
            Some((_, _, whose)) => whose.push(m.whose),
            None => out.push((m.severity, m.value, vec![m.whose])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = Vec::new();
        std::io::Write::write_all(&mut anstream::StripStream::new(&mut out), s.as_bytes())
            .expect("strip");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn buckets_cover_every_value_once_with_markers_as_edges() {
        let values: Vec<u32> = vec![1, 1, 1, 2, 3, 9, 12, 40, 900];
        let markers = [Marker {
            value: 12,
            severity: Severity::Warn,
            whose: "now",
        }];
        let b = buckets(Metric::Cyclomatic, &values, &markers);
        assert_eq!(b.iter().map(|b| b.count).sum::<usize>(), values.len());
        assert!(b.iter().any(|b| b.to == 12), "{b:?}");
        assert_eq!(b.first().map(|b| (b.from, b.to, b.count)), Some((1, 1, 3)));
        assert_eq!(b.last().map(|b| (b.from, b.to)), Some((501, 900)));
    }

    #[test]
    fn every_line_fits_in_80_columns() {
        let values: Vec<u32> = (0..5000).map(|i| i % 700).collect::<Vec<_>>();
        let mut sorted = values;
        sorted.sort_unstable();
        let markers: Vec<Marker> = [(100, "now"), (300, "now"), (120, "proposed")]
            .into_iter()
            .map(|(value, whose)| Marker {
                value,
                severity: Severity::Fail,
                whose,
            })
            .collect();
        let text = strip(&render(Metric::Length, &sorted, &markers));
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "{line}");
        }
        assert!(text.contains("fail 300 now"), "{text}");
    }

    #[test]
    fn a_bar_is_never_empty_for_a_count() {
        assert_eq!(bar(1, 100_000), "▏");
        assert_eq!(bar(10, 10).chars().count(), BAR);
        assert_eq!(bar(0, 10), "");
    }
}
