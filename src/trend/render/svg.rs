//! `--output svg=…`: the trend as line charts, drawn with plotters' SVG backend — one small panel
//! per figure of [`SERIES`], each titled with what it counts and with its own y axis (the
//! figures' scales differ by orders of magnitude, so one shared axis would flatten all but one),
//! all on the same time axis labelled with calendar dates. Commits where a function crossed a
//! threshold — the count of functions over it rose or fell — are marked on those panels: a red
//! triangle where it rose, a green dot where it fell.
//!
//! The SVG names a font family and lets the viewer draw the text (plotters' naive layout is used,
//! with no font files), so it stays small and self-contained.

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::prelude::*;

use super::super::policy::short;
use super::super::Trend;
use super::{number, values, Series, SERIES};

const WIDTH: u32 = 1280;
const PANEL_HEIGHT: u32 = 260;
const HEADER: u32 = 70;
const COLUMNS: usize = 2;
const FONT: &str = "sans-serif";
const LINE: RGBColor = RGBColor(31, 94, 168);
const ROSE: RGBColor = RGBColor(200, 30, 30);
const FELL: RGBColor = RGBColor(20, 140, 60);

/// Renders the charts of `trend` as one SVG document.
pub fn render(trend: &Trend) -> String {
    let rows = SERIES.len().div_ceil(COLUMNS) as u32;
    let size = (WIDTH, HEADER + rows * PANEL_HEIGHT);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        // Drawing into a String cannot fail for I/O; a failure here would be a plotters bug, and
        // the document would just lack that part.
        let _ = draw(&root, trend);
        let _ = root.present();
    }
    svg
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area, trend: &Trend) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(HEADER);
    header.draw_text(
        &title(trend),
        &(FONT, 24).into_font().color(&BLACK),
        (20, 14),
    )?;
    header.draw_text(
        &subtitle(trend),
        &(FONT, 15).into_font().color(&RGBColor(80, 80, 80)),
        (20, 44),
    )?;
    let Some(dates) = Dates::of(trend) else {
        return Ok(());
    };
    let rows = SERIES.len().div_ceil(COLUMNS);
    for (area, series) in body.split_evenly((rows, COLUMNS)).iter().zip(&SERIES) {
        panel(area, trend, series, &dates)?;
    }
    Ok(())
}

fn title(trend: &Trend) -> String {
    match trend.points.last() {
        Some(last) => format!("debtgate trend: {} at {}", trend.branch, short(&last.id)),
        None => format!("debtgate trend: {}: no commits", trend.branch),
    }
}

fn subtitle(trend: &Trend) -> String {
    let (Some(first), Some(last)) = (trend.points.first(), trend.points.last()) else {
        return String::new();
    };
    let mut s = format!(
        "{} first-parent commits, {} to {}, each under its own policy",
        trend.points.len(),
        first.date,
        last.date
    );
    if !trend.paths.is_empty() {
        s.push_str(&format!("; files matching {}", trend.paths.join(" ")));
    }
    s
}

/// Whether a series' panel marks threshold crossings (the counts of functions over a threshold).
fn marks_crossings(series: &Series) -> bool {
    series.key.starts_with("functions_")
}

fn panel(
    area: &Area,
    trend: &Trend,
    series: &Series,
    dates: &Dates,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let v = values(trend, series);
    let (lo, hi) = y_range(&v);
    let caption = if marks_crossings(series) {
        format!("{} (▲ rose, ● fell)", series.label)
    } else {
        series.label.to_string()
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 17))
        .margin(14)
        .x_label_area_size(28)
        .y_label_area_size(64)
        .build_cartesian_2d(dates.clone(), lo..hi)?;
    let x_label = |t: &i64| dates.label(*t);
    // A count has no half functions: its axis labels only whole numbers.
    let whole = v.iter().all(|x| x.fract() == 0.0);
    let y_label = |y: &f64| {
        if whole && y.fract().abs() > 1e-9 {
            String::new()
        } else {
            compact(*y)
        }
    };
    chart
        .configure_mesh()
        .x_labels(TICKS)
        .y_labels(5)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style((FONT, 13))
        .max_light_lines(1)
        .light_line_style(RGBColor(242, 242, 242))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()?;
    let points: Vec<(i64, f64)> = trend
        .points
        .iter()
        .map(|p| p.time)
        .zip(v.iter().copied())
        .collect();
    chart.draw_series(LineSeries::new(points.clone(), LINE.stroke_width(2)))?;
    if points.len() == 1 {
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, LINE.filled())))?;
    }
    if marks_crossings(series) {
        let rose = points.windows(2).filter(|w| w[1].1 > w[0].1).map(|w| w[1]);
        chart.draw_series(rose.map(|p| TriangleMarker::new(p, 6, ROSE.filled())))?;
        let fell = points.windows(2).filter(|w| w[1].1 < w[0].1).map(|w| w[1]);
        chart.draw_series(fell.map(|p| Circle::new(p, 4, FELL.filled())))?;
    }
    Ok(())
}

/// The y range: the values' span, padded, never a zero-height axis; counts that come near zero
/// start at zero.
fn y_range(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::MAX, f64::min);
    let hi = v.iter().copied().fold(f64::MIN, f64::max);
    if v.is_empty() {
        return (0.0, 1.0);
    }
    if hi <= lo {
        return (
            lo - 1.0_f64.max(lo.abs() * 0.05),
            hi + 1.0_f64.max(hi.abs() * 0.05),
        );
    }
    let pad = (hi - lo) * 0.08;
    let lo = if lo >= 0.0 && lo - pad * 4.0 <= 0.0 {
        0.0
    } else {
        lo - pad
    };
    (lo, hi + pad)
}

/// A y label: thousands and millions shortened.
fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", number((v / 1e5).round() / 10.0))
    } else if a >= 1e4 {
        format!("{}k", number((v / 1e2).round() / 10.0))
    } else {
        number((v * 100.0).round() / 100.0)
    }
}

/// Date labels on a panel's x axis at most.
const TICKS: usize = 6;

/// A calendar step between date labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Days(i64),
    Months(i32),
}

/// A time axis (Unix seconds) whose key points fall on calendar boundaries: midnights, month or
/// year starts (UTC), labelled as dates.
#[derive(Debug, Clone)]
pub struct Dates {
    start: i64,
    end: i64,
    step: Step,
}

const DAY: i64 = 86_400;

impl Dates {
    /// The axis over the commits' times; `None` without commits.
    fn of(trend: &Trend) -> Option<Dates> {
        let start = trend.points.iter().map(|p| p.time).min()?;
        let end = trend.points.iter().map(|p| p.time).max()?;
        // A single day (or commit) still gets a readable axis.
        let (start, end) = if end - start < DAY {
            (start - DAY / 2, end + DAY / 2)
        } else {
            let pad = (end - start) / 40;
            (start - pad, end + pad)
        };
        Some(Dates::new(start, end))
    }

    fn new(start: i64, end: i64) -> Dates {
        let span_days = (end - start) / DAY;
        let steps = [
            Step::Days(1),
            Step::Days(2),
            Step::Days(7),
            Step::Days(14),
            Step::Months(1),
            Step::Months(2),
            Step::Months(3),
            Step::Months(6),
            Step::Months(12),
            Step::Months(24),
            Step::Months(60),
            Step::Months(120),
        ];
        let step = steps
            .into_iter()
            .find(|s| {
                let days = match s {
                    Step::Days(d) => *d,
                    Step::Months(m) => i64::from(*m) * 30,
                };
                span_days / days < TICKS as i64
            })
            .unwrap_or(Step::Months(120));
        Dates { start, end, step }
    }

    /// The label of a key point.
    fn label(&self, t: i64) -> String {
        let Ok(ts) = jiff::Timestamp::from_second(t) else {
            return String::new();
        };
        let date = ts.to_zoned(jiff::tz::TimeZone::UTC).date();
        match self.step {
            Step::Days(_) => date.to_string(),
            Step::Months(m) if m % 12 == 0 => date.year().to_string(),
            Step::Months(_) => format!("{}-{:02}", date.year(), date.month()),
        }
    }

    /// Calendar boundaries within the axis, `step` apart.
    fn ticks(&self) -> Vec<i64> {
        let Ok(start) = jiff::Timestamp::from_second(self.start) else {
            return Vec::new();
        };
        let first = start.to_zoned(jiff::tz::TimeZone::UTC).date();
        let mut out = Vec::new();
        let mut at = match self.step {
            Step::Days(d) => {
                // Aligned on multiples of the step since the epoch, so labels do not wander.
                let day = self.start.div_euclid(DAY);
                let aligned = (day + d - 1).div_euclid(d) * d;
                jiff::civil::Date::constant(1970, 1, 1)
                    .checked_add(jiff::Span::new().days(aligned))
                    .unwrap_or(first)
            }
            Step::Months(m) => {
                let months = i32::from(first.year()) * 12 + i32::from(first.month()) - 1;
                let aligned = (months + m).div_euclid(m) * m;
                let (y, mo) = (aligned.div_euclid(12), aligned.rem_euclid(12) + 1);
                jiff::civil::Date::new(y as i16, mo as i8, 1).unwrap_or(first)
            }
        };
        let span = match self.step {
            Step::Days(d) => jiff::Span::new().days(d),
            Step::Months(m) => jiff::Span::new().months(m),
        };
        while let Ok(ts) = at.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()) {
            let t = ts.as_second();
            if t > self.end || out.len() > 64 {
                break;
            }
            if t >= self.start {
                out.push(t);
            }
            match at.checked_add(span) {
                Ok(next) => at = next,
                Err(_) => break,
            }
        }
        out
    }
}

impl Ranged for Dates {
    type FormatOption = NoDefaultFormatting;
    type ValueType = i64;

    fn map(&self, value: &i64, limit: (i32, i32)) -> i32 {
        let span = (self.end - self.start).max(1) as f64;
        let at = (*value - self.start) as f64 / span;
        limit.0 + (at * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<i64> {
        let ticks = self.ticks();
        if hint.max_num_points() == 0 {
            return Vec::new();
        }
        ticks
    }

    fn range(&self) -> std::ops::Range<i64> {
        self.start..self.end
    }
}

impl ValueFormatter<i64> for Dates {
    fn format_ext(&self, value: &i64) -> String {
        self.label(*value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i16, m: i8, d: i8) -> i64 {
        jiff::civil::Date::new(y, m, d)
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC))
            .expect("a date")
            .timestamp()
            .as_second()
    }

    #[test]
    fn date_ticks_fall_on_calendar_boundaries() {
        let year = Dates::new(at(2024, 1, 10), at(2024, 12, 20));
        let labels: Vec<String> = year.ticks().iter().map(|t| year.label(*t)).collect();
        assert_eq!(
            labels,
            ["2024-03", "2024-05", "2024-07", "2024-09", "2024-11"]
        );
        let week = Dates::new(at(2024, 3, 1), at(2024, 3, 6));
        let labels: Vec<String> = week.ticks().iter().map(|t| week.label(*t)).collect();
        assert_eq!(labels[0], "2024-03-01");
        assert!(labels.len() <= TICKS);
        let decade = Dates::new(at(2010, 6, 1), at(2024, 6, 1));
        let labels: Vec<String> = decade.ticks().iter().map(|t| decade.label(*t)).collect();
        assert_eq!(labels, ["2015", "2020"]);
    }

    #[test]
    fn y_ranges_are_never_flat_and_counts_start_at_zero() {
        assert_eq!(y_range(&[3.0, 3.0]), (2.0, 4.0));
        assert_eq!(y_range(&[1.0, 11.0]).0, 0.0);
        let (lo, hi) = y_range(&[1000.0, 1100.0]);
        assert!(lo > 900.0 && hi > 1100.0);
        assert_eq!(compact(12_345.0), "12.3k");
        assert_eq!(compact(2_500_000.0), "2.5M");
        assert_eq!(compact(4.256), "4.26");
    }
}
