//! `debtgate report merge`: the reports of the N shards of one split check (`check --shard K/N`)
//! put back together into the report of the whole change — one verdict, and every format renders
//! it as it renders an unsplit run's.
//!
//! The shards split the change without talking to each other (`crate::shard`), so the merge is
//! where a split that went wrong must show. It refuses, naming the report at fault, anything that
//! is not the parts of one run: a report without a `shard` section, another tool version, mode,
//! base, head, policy, change set or shard count, a shard given twice or missing, a file in two
//! shards' reports, or reports that do not add up to every file of the change.
//!
//! The merged report is built as `check` builds one ([`Report::judged`]: files, findings and
//! not-analysed files in the same order, the summary counted again), so merging every shard of a
//! run gives the findings, verdict and summary of the unsplit run. The verdict fails when the
//! findings fail or when any shard failed (an exceeded budget set to `fail`).

use std::collections::{BTreeMap, HashMap};

use super::{BaselineReport, BudgetReport, Report, ShardInfo, Verdict};
use crate::store::CacheStats;

/// Why shard reports cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("no reports to merge")]
    Empty,
    #[error(
        "{name} is not the report of a shard: it has no `shard` section (`debtgate check --shard \
         K/N --output json=FILE` writes one)"
    )]
    NotAShard { name: String },
    #[error(
        "{name} is not from the same run as {first}: its {what} is {theirs}, not {ours}; merge \
         only the reports of one `check --shard K/N` run"
    )]
    Differs {
        name: String,
        first: String,
        what: &'static str,
        theirs: String,
        ours: String,
    },
    #[error("shard {shard} is given twice: {first} and {second}")]
    Twice {
        shard: String,
        first: String,
        second: String,
    },
    #[error("{name}'s shard section says shard {index} of {count}: not a shard of a run")]
    BadShard {
        name: String,
        index: usize,
        count: usize,
    },
    #[error("{}", missing_message(.missing, *.more, *.count))]
    Missing {
        /// The first few missing.
        missing: Vec<usize>,
        /// How many more are missing.
        more: usize,
        count: usize,
    },
    #[error(
        "{path} is in two shards' reports ({first} and {second}): the shards did not split the \
         change alike (did their checkouts differ?)"
    )]
    Overlap {
        path: String,
        first: String,
        second: String,
    },
    #[error(
        "the shards' reports hold {held} files, but the change has {total}: the shards did not \
         split the change alike (did their checkouts differ?)"
    )]
    Incomplete { held: usize, total: usize },
}

fn missing_message(missing: &[usize], more: usize, count: usize) -> String {
    let mut names: Vec<String> = missing.iter().map(usize::to_string).collect();
    if more > 0 {
        names.push(format!("{more} more"));
    }
    let which = match names.as_slice() {
        [one] => format!("shard {one} of {count} is"),
        _ => format!("shards {} of {count} are", names.join(", ")),
    };
    format!("{which} missing: merge the reports of every shard")
}

/// Missing shards listed by number, at most this many.
const LISTED: usize = 20;

/// The notice a shard's report carries, saying what it covers.
pub fn shard_notice(shard: &ShardInfo, files: usize) -> String {
    format!(
        "shard {}/{}: this report judges {files} of the change's {} files; `debtgate report \
         merge` combines the reports of all {} shards into the verdict of the whole change.",
        shard.index, shard.count, shard.change_files, shard.count
    )
}

/// Merges the reports of every shard of one run, each named (a file name) for the errors.
pub fn merge(reports: Vec<(String, Report)>) -> Result<Report, MergeError> {
    let parts = check_parts(&reports)?;
    let first = &reports[0].1;
    let first_shard = &parts[0];
    let mut held: HashMap<&str, &str> = HashMap::new();
    for (name, report) in &reports {
        let paths = report.files.iter().map(|f| &f.path);
        for path in paths.chain(report.not_analysed.iter().map(|n| &n.path)) {
            if let Some(other) = held.insert(path, name) {
                if other != name {
                    return Err(MergeError::Overlap {
                        path: path.clone(),
                        first: other.to_owned(),
                        second: name.clone(),
                    });
                }
            }
        }
    }
    let count = |r: &Report| r.files.len() + r.not_analysed.len();
    let total: usize = reports.iter().map(|(_, r)| count(r)).sum();
    if total != first_shard.change_files {
        return Err(MergeError::Incomplete {
            held: total,
            total: first_shard.change_files,
        });
    }

    // Notices every shard repeats (which policy judged the change) once; each shard's own
    // "shard K/N" notice not at all.
    // Nor each shard's count of stale baseline entries: the merged report counts them once.
    let own: Vec<String> = reports
        .iter()
        .zip(&parts)
        .map(|((_, r), s)| shard_notice(s, count(r)))
        .chain(
            reports
                .iter()
                .filter_map(|(_, r)| r.baseline.as_ref()?.stale_notice()),
        )
        .collect();
    let baseline = reports
        .iter()
        .find_map(|(_, r)| r.baseline.clone())
        .map(|b| BaselineReport {
            stale: (reports.iter())
                .filter_map(|(_, r)| r.baseline.as_ref())
                .map(|b| b.stale)
                .sum(),
            ..b
        });
    let mut notices: Vec<String> = Vec::new();
    for (_, r) in &reports {
        for n in &r.notices {
            if !own.contains(n) && !notices.contains(n) {
                notices.push(n.clone());
            }
        }
    }
    notices.extend(baseline.as_ref().and_then(BaselineReport::stale_notice));
    let mut merged = Report::judged(
        first.mode,
        first.base.clone(),
        first.head.clone(),
        reports.iter().flat_map(|(_, r)| r.files.clone()).collect(),
        (reports.iter())
            .flat_map(|(_, r)| r.not_analysed.clone())
            .collect(),
        reports
            .iter()
            .flat_map(|(_, r)| r.findings.clone())
            .collect(),
        notices,
    );
    merged.tool = first.tool.clone();
    merged.summary.judged = reports.iter().map(|(_, r)| r.summary.judged).sum();
    merged.base_grades = (reports.iter())
        .flat_map(|(_, r)| r.base_grades.clone())
        .collect::<BTreeMap<_, _>>();
    // The base branch's trend comes from the store the shards restored (one cache for all in
    // the CI recipe): the first shard's that has one.
    merged.trend = reports.iter().find_map(|(_, r)| r.trend.clone());
    merged.cache = cache(&reports);
    merged.budget = budget(&reports);
    merged.baseline = baseline;
    if reports.iter().any(|(_, r)| r.verdict == Verdict::Fail) {
        merged.verdict = Verdict::Fail;
    }
    Ok(merged)
}

/// Each report's shard section, after checking that they are all the shards of one run, each
/// once, in any order.
fn check_parts(reports: &[(String, Report)]) -> Result<Vec<ShardInfo>, MergeError> {
    let Some((first_name, first)) = reports.first() else {
        return Err(MergeError::Empty);
    };
    let shard_of = |name: &str, r: &Report| {
        r.shard.clone().ok_or_else(|| MergeError::NotAShard {
            name: name.to_owned(),
        })
    };
    let ours = shard_of(first_name, first)?;
    let mut parts = Vec::with_capacity(reports.len());
    // By index, not a vector of `count` slots: a report's count is not trusted to be small.
    let mut seen: BTreeMap<usize, &str> = BTreeMap::new();
    for (name, r) in reports {
        let theirs = shard_of(name, r)?;
        if theirs.index == 0 || theirs.index > theirs.count {
            return Err(MergeError::BadShard {
                name: name.clone(),
                index: theirs.index,
                count: theirs.count,
            });
        }
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
        let facts = [
            (
                "tool version",
                r.tool.version.clone(),
                first.tool.version.clone(),
            ),
            ("mode", r.mode.as_str().into(), first.mode.as_str().into()),
            ("base", show(&r.base), show(&first.base)),
            ("head", show(&r.head), show(&first.head)),
            ("policy", theirs.policy.clone(), ours.policy.clone()),
            ("change set", theirs.change.clone(), ours.change.clone()),
            (
                "shard count",
                theirs.count.to_string(),
                ours.count.to_string(),
            ),
            (
                "number of files in the change",
                theirs.change_files.to_string(),
                ours.change_files.to_string(),
            ),
        ];
        if let Some((what, theirs, ours)) = facts.into_iter().find(|(_, a, b)| a != b) {
            return Err(MergeError::Differs {
                name: name.clone(),
                first: first_name.clone(),
                what,
                theirs,
                ours,
            });
        }
        if let Some(before) = seen.insert(theirs.index, name) {
            return Err(MergeError::Twice {
                shard: format!("{}/{}", theirs.index, theirs.count),
                first: before.to_owned(),
                second: name.clone(),
            });
        }
        parts.push(theirs);
    }
    if seen.len() < ours.count {
        // Stops after the first few: at most `seen.len()` numbers are skipped on the way.
        let missing: Vec<usize> = (1..=ours.count)
            .filter(|i| !seen.contains_key(i))
            .take(LISTED)
            .collect();
        return Err(MergeError::Missing {
            more: ours.count - seen.len() - missing.len(),
            missing,
            count: ours.count,
        });
    }
    Ok(parts)
}

/// The store's counts summed over the shards (each shard's store answered its own files).
fn cache(reports: &[(String, Report)]) -> Option<CacheStats> {
    let counted: Vec<&CacheStats> = reports
        .iter()
        .filter_map(|(_, r)| r.cache.as_ref())
        .collect();
    (!counted.is_empty()).then(|| CacheStats {
        hot: counted.iter().map(|c| c.hot).sum(),
        warm: counted.iter().map(|c| c.warm).sum(),
        cold: counted.iter().map(|c| c.cold).sum(),
        miss: counted.iter().map(|c| c.miss).sum(),
    })
}

/// The shards' budgets as one: exceeded when any shard's was, with every file any left out.
fn budget(reports: &[(String, Report)]) -> Option<BudgetReport> {
    let budgets: Vec<&BudgetReport> = reports
        .iter()
        .filter_map(|(_, r)| r.budget.as_ref())
        .collect();
    let first = budgets.first()?;
    Some(BudgetReport {
        limit_ms: first.limit_ms,
        exceeded: budgets.iter().any(|b| b.exceeded),
        on_exceeded: first.on_exceeded,
        not_analysed: budgets
            .iter()
            .flat_map(|b| b.not_analysed.iter().cloned())
            .collect(),
    })
}
