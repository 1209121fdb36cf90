//! `--format json`: the `debtgate.trend/1` document — one entry per commit under `commits`, oldest
//! first, each with the figures of the whole tree and of each top-level directory.
//!
//! Nothing in it depends on the run: no timings, no cache counts (those go to stderr), so the same
//! history under the same policy gives the same bytes, cold or warm, here or elsewhere.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::super::figures::{Figures, GRADES};
use super::super::hotspots::Hotspots;
use super::super::{Point, Trend, SCHEMA};
use crate::report::Tool;
use crate::rules::Metric;

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool: Tool,
    branch: &'a str,
    head: Option<&'a str>,
    paths: &'a [String],
    notices: &'a [String],
    commits: Vec<CommitEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hotspots: Option<&'a Hotspots>,
}

#[derive(Serialize)]
struct CommitEntry<'a> {
    id: &'a str,
    date: String,
    time: String,
    summary: &'a str,
    policy: &'a str,
    figures: FiguresDoc,
    directories: BTreeMap<&'a str, FiguresDoc>,
}

/// One set of figures as the document writes it.
#[derive(Serialize)]
pub struct FiguresDoc {
    files: u64,
    functions: u64,
    code_lines: u64,
    satd: u64,
    cyclomatic: Total,
    cognitive: Total,
    tdg: Tdg,
    /// Per metric: functions above its warn threshold only, and above its fail threshold.
    over_threshold: Ordered<Levels>,
    /// Functions whose worst finding is a warning / a failure.
    functions_over: Levels,
    findings: Findings,
}

#[derive(Serialize)]
struct Total {
    total: u64,
    mean: f64,
}

#[derive(Serialize)]
struct Tdg {
    mean: f64,
    /// Sum of the files' scores (one decimal each): `mean` times `files`, exactly.
    total: f64,
    grades: Ordered<u64>,
}

/// A JSON object whose keys keep the order given (grades best first, metrics as configured).
struct Ordered<T>(Vec<(&'static str, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[derive(Serialize)]
struct Levels {
    warn: u64,
    fail: u64,
}

#[derive(Serialize)]
struct Findings {
    failures: u64,
    warnings: u64,
    suppressed: u64,
}

impl FiguresDoc {
    pub fn of(f: &Figures) -> FiguresDoc {
        FiguresDoc {
            files: f.files,
            functions: f.functions,
            code_lines: f.code_lines,
            satd: f.satd,
            cyclomatic: Total {
                total: f.cyclomatic,
                mean: f.mean_cyclomatic(),
            },
            cognitive: Total {
                total: f.cognitive,
                mean: f.mean_cognitive(),
            },
            tdg: Tdg {
                mean: f.mean_score(),
                total: f.score_tenths as f64 / 10.0,
                grades: Ordered(GRADES.iter().map(|g| (*g, f.grade_count(g))).collect()),
            },
            over_threshold: Ordered(
                Metric::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let levels = Levels {
                            warn: f.warn[i],
                            fail: f.fail[i],
                        };
                        (m.name(), levels)
                    })
                    .collect(),
            ),
            functions_over: Levels {
                warn: f.functions_warn,
                fail: f.functions_fail,
            },
            findings: Findings {
                failures: f.failures,
                warnings: f.warnings,
                suppressed: f.suppressed,
            },
        }
    }
}

/// The commit's time as an RFC 3339 string in the committer's offset.
pub fn time_of(p: &Point) -> String {
    let offset = jiff::tz::Offset::from_seconds(p.offset).unwrap_or(jiff::tz::Offset::UTC);
    match jiff::Timestamp::from_second(p.time) {
        Ok(ts) => ts
            .to_zoned(jiff::tz::TimeZone::fixed(offset))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        Err(_) => p.date.to_string(),
    }
}

pub fn render(trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    let doc = Document {
        schema: SCHEMA,
        tool: Tool::default(),
        branch: &trend.branch,
        head: trend.head.as_deref(),
        paths: &trend.paths,
        notices: &trend.notices,
        commits: trend
            .points
            .iter()
            .map(|p| CommitEntry {
                id: &p.id,
                date: p.date.to_string(),
                time: time_of(p),
                summary: &p.summary,
                policy: &p.policy,
                figures: FiguresDoc::of(&p.tally.overall),
                directories: p
                    .tally
                    .dirs
                    .iter()
                    .map(|(d, f)| (d.as_str(), FiguresDoc::of(f)))
                    .collect(),
            })
            .collect(),
        hotspots: trend.hotspots.as_ref(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
