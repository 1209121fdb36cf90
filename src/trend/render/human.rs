//! `--format human`: what a person reads in a terminal — the window, a table of the figures with
//! their first and last values, the change and a unicode sparkline each, the newest commit's
//! figures per top-level directory, the hotspots, and the notices.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::super::hotspots::Hotspot;
use super::super::policy::short;
use super::super::Trend;
use super::{number, values, SERIES};

/// The widest a sparkline gets; longer histories are bucketed (each bucket shows its last value).
const SPARK_WIDTH: usize = 40;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values` at most `width` characters wide, scaled between their min and max.
pub fn sparkline(values: &[f64], width: usize) -> String {
    if values.is_empty() || width == 0 {
        return String::new();
    }
    let buckets = values.len().min(width);
    let sampled: Vec<f64> = (0..buckets)
        .map(|b| values[((b + 1) * values.len()).div_ceil(buckets) - 1])
        .collect();
    let (lo, hi) = sampled
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    sampled
        .iter()
        .map(|v| {
            if hi <= lo {
                BARS[0]
            } else {
                let at = ((v - lo) / (hi - lo) * (BARS.len() - 1) as f64).round() as usize;
                BARS[at.min(BARS.len() - 1)]
            }
        })
        .collect()
}

fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", number(v))
    } else {
        number(v)
    }
}

pub fn render(trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(text(trend).as_bytes())
}

fn text(trend: &Trend) -> String {
    let mut s = String::new();
    let (Some(first), Some(last)) = (trend.points.first(), trend.points.last()) else {
        let _ = writeln!(
            s,
            "debtgate trend: {}: no commits in the window",
            trend.branch
        );
        notices(trend, &mut s);
        return s;
    };
    let _ = writeln!(
        s,
        "debtgate trend: {} at {}, {} commits from {} to {}{}",
        trend.branch,
        short(&last.id),
        trend.points.len(),
        first.date,
        last.date,
        if trend.paths.is_empty() {
            String::new()
        } else {
            format!(", files matching {}", trend.paths.join(" "))
        }
    );
    let _ = writeln!(s);
    let label_w = SERIES
        .iter()
        .map(|x| x.label.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        s,
        "{:label_w$}  {:>10}  {:>10}  {:>9}  trend",
        "figure", "first", "last", "change"
    );
    for series in &SERIES {
        let v = values(trend, series);
        let (a, b) = (v[0], v[v.len() - 1]);
        let _ = writeln!(
            s,
            "{:label_w$}  {:>10}  {:>10}  {:>9}  {}",
            series.label,
            number(a),
            number(b),
            signed(((b - a) * 100.0).round() / 100.0),
            sparkline(&v, SPARK_WIDTH)
        );
    }
    directories(trend, &mut s);
    if let Some(h) = &trend.hotspots {
        hotspots(&mut s, "files", &h.files);
        hotspots(&mut s, "functions", &h.functions);
    }
    notices(trend, &mut s);
    s
}

/// The newest commit's figures per top-level directory, with each one's failing-function trend.
fn directories(trend: &Trend, s: &mut String) {
    let Some(last) = trend.points.last() else {
        return;
    };
    if last.tally.dirs.is_empty() {
        return;
    }
    let w = last
        .tally
        .dirs
        .keys()
        .map(|d| d.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let _ = writeln!(s, "\nby top-level directory, at {}:", short(&last.id));
    let _ = writeln!(
        s,
        "{:w$}  {:>6}  {:>9}  {:>6}  {:>6}  {:>10}  {:>6}  failing functions",
        "directory", "files", "functions", "fail", "warn", "cyclomatic", "TDG"
    );
    for (dir, f) in &last.tally.dirs {
        let history = super::failing_in(trend, dir);
        let _ = writeln!(
            s,
            "{dir:w$}  {:>6}  {:>9}  {:>6}  {:>6}  {:>10}  {:>6}  {}",
            f.files,
            f.functions,
            f.functions_fail,
            f.functions_warn,
            number(f.mean_cyclomatic()),
            number(f.mean_score()),
            sparkline(&history, SPARK_WIDTH)
        );
    }
}

fn hotspots(s: &mut String, what: &str, list: &[Hotspot]) {
    let _ = writeln!(s, "\nhotspots ({what}): churn × cyclomatic complexity");
    if list.is_empty() {
        let _ = writeln!(s, "  none: nothing measured changed in the window");
        return;
    }
    let name = |h: &Hotspot| match &h.function {
        Some(f) => format!("{}  {f}", h.path),
        None => h.path.clone(),
    };
    let w = list
        .iter()
        .map(|h| name(h).chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        s,
        "{:w$}  {:>6}  {:>10}  {:>7}  complexity",
        "", "churn", "complexity", "score"
    );
    for h in list {
        let trend: Vec<f64> = h.trend.iter().flatten().map(|v| *v as f64).collect();
        let _ = writeln!(
            s,
            "{:w$}  {:>6}  {:>10}  {:>7}  {}",
            name(h),
            h.churn,
            h.complexity,
            h.score,
            sparkline(&trend, SPARK_WIDTH)
        );
    }
}

fn notices(trend: &Trend, s: &mut String) {
    for n in &trend.notices {
        let _ = writeln!(s, "\nnote: {n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_between_min_and_max_and_bucket_long_histories() {
        assert_eq!(sparkline(&[0.0, 7.0, 3.5], 40), "▁█▅");
        assert_eq!(sparkline(&[2.0, 2.0], 40), "▁▁");
        let long: Vec<f64> = (0..100).map(f64::from).collect();
        let line = sparkline(&long, 10);
        assert_eq!(line.chars().count(), 10);
        assert!(line.ends_with('█') && line.starts_with('▁'));
        assert_eq!(sparkline(&[], 10), "");
    }
}
