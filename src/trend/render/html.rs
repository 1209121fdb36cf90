//! `--output html=…`: one self-contained page — no script, no stylesheet or font from anywhere
//! else — with the charts (the SVG of `svg.rs`, inline), the newest commit's figures per top-level
//! directory, the hotspots when they were asked for, the notices, and the commits newest first.

use std::fmt::Write as _;

use super::super::hotspots::Hotspot;
use super::super::policy::short;
use super::super::Trend;
use super::human::sparkline;
use super::{number, svg};

/// Commits listed in the page's table at most (newest first); the JSON has them all.
const COMMITS_SHOWN: usize = 200;

const STYLE: &str = "body{font-family:sans-serif;margin:24px;color:#222;max-width:1320px}\
h1{font-size:22px}h2{font-size:18px;margin-top:28px}\
table{border-collapse:collapse;font-size:14px}\
th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}\
th:first-child,td:first-child,th.text,td.text{text-align:left}\
td.wrap{white-space:normal}\
td.spark{font-family:monospace;letter-spacing:-1px;color:#1f5ea8}\
.note{background:#fff6d5;padding:6px 10px;border-left:4px solid #e0b000}\
svg{max-width:100%;height:auto}";

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn render(trend: &Trend) -> String {
    let mut h = String::new();
    let title = match trend.points.last() {
        Some(p) => format!("debtgate trend: {} at {}", trend.branch, short(&p.id)),
        None => format!("debtgate trend: {}", trend.branch),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    for n in &trend.notices {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(n));
    }
    let chart = svg::render(trend);
    // The SVG document's own XML declaration has no place inside HTML.
    let chart = chart.trim_start_matches(|c| c != '<');
    let chart = match chart.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(chart, |(_, svg)| svg.trim_start()),
        None => chart,
    };
    let _ = writeln!(h, "<figure>\n{chart}\n</figure>");
    directories(trend, &mut h);
    if let Some(hs) = &trend.hotspots {
        hotspots(&mut h, "Hotspot files", &hs.files);
        hotspots(&mut h, "Hotspot functions", &hs.functions);
    }
    commits(trend, &mut h);
    h.push_str("</body>\n</html>\n");
    h
}

fn directories(trend: &Trend, h: &mut String) {
    let Some(last) = trend.points.last() else {
        return;
    };
    let _ = writeln!(
        h,
        "<h2>By top-level directory at {}</h2>\n<table>\n<tr><th>directory</th><th>files</th>\
         <th>functions</th><th>over fail</th><th>over warn</th><th>mean cyclomatic</th>\
         <th>mean TDG</th><th>failing functions over time</th></tr>",
        short(&last.id)
    );
    for (dir, f) in &last.tally.dirs {
        let history = super::failing_in(trend, dir);
        let _ = writeln!(
            h,
            "<tr><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td class=\"spark\">{}</td></tr>",
            esc(dir),
            f.files,
            f.functions,
            f.functions_fail,
            f.functions_warn,
            number(f.mean_cyclomatic()),
            number(f.mean_score()),
            sparkline(&history, 60)
        );
    }
    h.push_str("</table>\n");
}

fn hotspots(h: &mut String, title: &str, list: &[Hotspot]) {
    let _ = writeln!(
        h,
        "<h2>{title} (churn × cyclomatic complexity)</h2>\n<table>\n<tr><th>path</th>\
         <th class=\"text\">function</th><th>churn</th><th>complexity</th><th>score</th>\
         <th>complexity over time</th></tr>"
    );
    for s in list {
        let trend: Vec<f64> = s.trend.iter().flatten().map(|v| *v as f64).collect();
        let _ = writeln!(
            h,
            "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td class=\"spark\">{}</td></tr>",
            esc(&s.path),
            esc(s.function.as_deref().unwrap_or("")),
            s.churn,
            s.complexity,
            s.score,
            sparkline(&trend, 60)
        );
    }
    h.push_str("</table>\n");
}

fn commits(trend: &Trend, h: &mut String) {
    let _ = writeln!(
        h,
        "<h2>Commits, newest first</h2>\n<table>\n<tr><th>date</th><th class=\"text\">commit</th>\
         <th class=\"text\">summary</th><th>over fail</th><th>over warn</th><th>mean cyclomatic</th>\
         <th>mean TDG</th><th>SATD</th><th>code lines</th><th class=\"text\">policy</th></tr>"
    );
    for p in trend.points.iter().rev().take(COMMITS_SHOWN) {
        let f = &p.tally.overall;
        let _ = writeln!(
            h,
            "<tr><td class=\"text\">{}</td><td class=\"text\"><code>{}</code></td>\
             <td class=\"text wrap\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td class=\"text\">{}</td></tr>",
            p.date,
            short(&p.id),
            esc(&p.summary),
            f.functions_fail,
            f.functions_warn,
            number(f.mean_cyclomatic()),
            number(f.mean_score()),
            f.satd,
            f.code_lines,
            esc(&p.policy)
        );
    }
    h.push_str("</table>\n");
    if trend.points.len() > COMMITS_SHOWN {
        let _ = writeln!(
            h,
            "<p>… and {} older commits (the JSON output lists them all).</p>",
            trend.points.len() - COMMITS_SHOWN
        );
    }
}
