//! The trend of a branch as far as the store already has it, for the pull-request summary: never
//! measures, never writes. Walks the branch's last commits, works out each one's figures key as
//! `debtgate trend` does (default window options: every file, each commit's own policy) and reads
//! the records that are there.

use std::path::Path;

use super::{day_of, policy, record};
use crate::change::{Repo, Window};
use crate::report::{BranchPoint, BranchTrend};
use crate::store::Store;

/// Commits of the target branch the summary charts.
pub const COMMITS: usize = 30;

/// The stored figures of the last `n` first-parent commits of `rev` in the repository at `dir`;
/// `None` when the store has fewer than two of them (or there is no store, or no such revision).
pub fn branch(dir: &Path, rev: &str, n: usize) -> Option<BranchTrend> {
    let repo = Repo::discover(dir).ok()?;
    let (paths, limits) = crate::config::store::store_near(Some(&repo));
    paths.as_ref()?;
    let history = repo
        .first_parents(
            rev,
            Window {
                max: Some(n),
                since: None,
            },
        )
        .ok()?;
    let mut commits = history.commits;
    commits.reverse();
    let (policies, _) = policy::resolve(&repo, &commits, None).ok()?;
    let store = Store::open(paths, limits);
    let mut points = Vec::new();
    for (c, p) in commits.iter().zip(&policies) {
        let day = day_of(c).ok()?;
        let key = record::figures_key(&c.tree, &p.id, &day.to_string(), &[]);
        let Some(tally) = store.record(&key).and_then(|v| record::decode_tally(&v)) else {
            continue;
        };
        let f = &tally.overall;
        points.push(BranchPoint {
            commit: c.id.clone(),
            date: day.to_string(),
            functions_fail: f.functions_fail,
            functions_warn: f.functions_warn,
            tdg_mean: f.mean_score(),
        });
    }
    (points.len() >= 2).then(|| BranchTrend {
        branch: rev.to_string(),
        points,
    })
}
