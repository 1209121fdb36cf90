//! `debtgate trend`: the history of a repository's debt — for each commit of a branch's
//! first-parent history, the figures of its whole tree under that commit's policy, overall and
//! per top-level directory, and the hotspots of the window.
//!
//! The pipeline: `change::Repo::first_parents` walks the window (the only gix here is behind
//! `change/`); [`policy`] says which policy measures each commit; the store's records
//! ([`record`]) answer the commits already computed; `replay` computes the others from their
//! parents by the delta of the files they changed, measuring through the gate's own planning
//! (`plan::file`), measuring (`measure::Measure::side`) and fan-out, and judging each file as
//! `check --all` does ([`figures::contribution`]); [`hotspots`] ranks churn × complexity; the
//! renderers (`render/`) turn the one [`Trend`] into every format.
//!
//! Each commit is judged on its own date (committer time in the committer's offset), so a dated
//! suppression counts as it did then, and the same history under the same policy gives the same
//! figures whenever and wherever it is walked.

mod error;
pub mod figures;
pub mod hotspots;
pub mod policy;
pub mod record;
pub mod render;
mod replay;
pub mod stored;

use std::path::PathBuf;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use jiff::civil::Date;

use crate::change::{Commit, Repo, Stop, Window};
use crate::daemon::Measurer;
use crate::store::{Key, Store};
pub use error::TrendError;
use figures::Tally;
use hotspots::Hotspots;
use record::Touches;

/// The JSON schema id of a trend document; bump it on any incompatible change.
pub const SCHEMA: &str = "debtgate.trend/1";

/// What to walk and how.
#[derive(Debug, Clone)]
pub struct TrendOptions {
    /// Where to look for the repository.
    pub dir: PathBuf,
    /// The branch (any revision) whose first-parent history is walked.
    pub branch: String,
    pub window: Window,
    /// `--path` globs: only files matching one of them count (all files when empty).
    pub paths: Vec<String>,
    /// `--config PATH`: one policy for every commit instead of each commit's own.
    pub config: Option<PathBuf>,
    /// Rank hotspots (needs each commit's touches, which the store keeps with the figures).
    pub hotspots: bool,
    /// A progress bar on stderr while measuring.
    pub progress: bool,
}

/// One commit of the trend.
#[derive(Debug, Clone)]
pub struct Point {
    pub id: String,
    /// Committer time (Unix seconds) and the committer's UTC offset (seconds).
    pub time: i64,
    pub offset: i32,
    /// The commit's date, as judged (`YYYY-MM-DD`, in the committer's offset).
    pub date: Date,
    pub summary: String,
    /// The policy the figures were taken under (`default`, `<commit>:.debtgate.yaml`, a path).
    pub policy: String,
    pub tally: Tally,
}

/// A walked window: its commits oldest first, what to know about it, and the hotspots.
#[derive(Debug, Clone)]
pub struct Trend {
    /// The branch as asked, and the commit it resolved to.
    pub branch: String,
    pub head: Option<String>,
    pub paths: Vec<String>,
    pub points: Vec<Point>,
    pub hotspots: Option<Hotspots>,
    /// What the reader must know: a shallow boundary, an invalid policy file.
    pub notices: Vec<String>,
    /// How the run got its figures (stderr only: the documents are the same either way).
    pub stats: Stats,
}

/// Where a run's figures came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Commits whose figures the store had.
    pub stored: usize,
    /// Commits computed in this run.
    pub computed: usize,
    /// Where the file versions measured for them came from.
    pub cache: crate::store::CacheStats,
}

/// `--path` globs, matched as the configuration matches its globs (`*` stays within a directory).
#[derive(Debug, Clone)]
pub struct PathFilter {
    patterns: Vec<String>,
    set: GlobSet,
}

impl PathFilter {
    pub fn new(patterns: &[String]) -> Result<PathFilter, TrendError> {
        let mut b = GlobSetBuilder::new();
        for p in patterns {
            let glob = GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .map_err(|source| TrendError::Glob {
                    pattern: p.clone(),
                    source,
                })?;
            b.add(glob);
        }
        let set = b.build().map_err(|source| TrendError::Glob {
            pattern: patterns.join(" "),
            source,
        })?;
        Ok(PathFilter {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// Whether a repository-relative path counts.
    pub fn matches(&self, path: &str) -> bool {
        self.patterns.is_empty() || self.set.is_match(path)
    }
}

/// Walks the window and returns its figures.
pub fn trend(opts: &TrendOptions) -> Result<Trend, TrendError> {
    let repo = Repo::discover(&opts.dir)?;
    let filter = PathFilter::new(&opts.paths)?;
    let history = repo.first_parents(&opts.branch, opts.window)?;
    let mut notices: Vec<String> = shallow_notice(&history).into_iter().collect();
    let mut commits = history.commits;
    commits.reverse();
    let (policies, invalid) = policy::resolve(&repo, &commits, opts.config.as_deref())?;
    notices.extend(invalid);
    let days: Vec<Date> = commits.iter().map(day_of).collect::<Result<_, _>>()?;
    let (paths, limits) = crate::config::store::store_near(Some(&repo));
    let store = Measurer::in_process(Store::open(paths, limits));

    let (keys, touch_keys) = keys_of(
        &commits,
        history.before.as_ref(),
        &policies,
        &days,
        &opts.paths,
    );
    let stored = |k| store.store().record(k);
    let mut tallies: Vec<Option<Tally>> = keys
        .iter()
        .map(|k| stored(k).and_then(|v| record::decode_tally(&v)))
        .collect();
    let mut touches: Vec<Option<Touches>> = if opts.hotspots {
        touch_keys
            .iter()
            .map(|k| stored(k).and_then(|v| record::decode_touches(&v)))
            .collect()
    } else {
        vec![None; commits.len()]
    };
    let todo: Vec<usize> = (0..commits.len())
        .filter(|&i| tallies[i].is_none() || (opts.hotspots && touches[i].is_none()))
        .collect();
    let mut stats = Stats {
        stored: commits.len() - todo.len(),
        computed: todo.len(),
        ..Stats::default()
    };
    if !todo.is_empty() {
        let input = replay::Input {
            repo: &repo,
            store: &store,
            commits: &commits,
            before: history.before,
            policies: &policies,
            days: &days,
            paths: &filter,
            progress: opts.progress,
        };
        for (i, computed) in replay::compute(&input, &todo)? {
            store
                .store()
                .put_record(keys[i], record::encode_tally(&computed.tally));
            store
                .store()
                .put_record(touch_keys[i], record::encode_touches(&computed.touches));
            tallies[i] = Some(computed.tally);
            touches[i] = Some(computed.touches);
        }
    }
    stats.cache = store.counts();
    store.flush();

    let hotspots = opts.hotspots.then(|| {
        let all: Vec<Touches> = touches.into_iter().map(Option::unwrap_or_default).collect();
        hotspots::rank(&all, hotspots::TOP)
    });
    let points = commits
        .into_iter()
        .zip(policies)
        .zip(days)
        .zip(tallies)
        .map(|(((c, p), date), tally)| point(c, p.origin, date, tally.unwrap_or_default()))
        .collect();
    Ok(Trend {
        branch: opts.branch.clone(),
        head: repo.resolve(&opts.branch).ok(),
        paths: opts.paths.clone(),
        points,
        hotspots,
        notices,
        stats,
    })
}

/// What to say when the walk stopped at a shallow clone's boundary.
fn shallow_notice(history: &crate::change::History) -> Option<String> {
    let Stop::Shallow { last } = &history.stop else {
        return None;
    };
    Some(format!(
        "this clone is shallow: the walk stopped at commit {}, whose parent is not here, after {} \
         commits; fetch more history with `git fetch --deepen=<N>` or `git fetch --unshallow` (in \
         GitHub Actions: `fetch-depth: 0`)",
        policy::short(last),
        history.commits.len()
    ))
}

/// The figures and touches record keys of each commit.
fn keys_of(
    commits: &[Commit],
    before: Option<&crate::change::TreeId>,
    policies: &[policy::Policy],
    days: &[Date],
    paths: &[String],
) -> (Vec<Key>, Vec<Key>) {
    let figures = commits
        .iter()
        .zip(policies)
        .zip(days)
        .map(|((c, p), d)| record::figures_key(&c.tree, &p.id, &d.to_string(), paths))
        .collect();
    let touches = (0..commits.len())
        .map(|i| {
            let parent = if i == 0 {
                before
            } else {
                Some(&commits[i - 1].tree)
            };
            record::touches_key(parent, &commits[i].tree, &policies[i].id, paths)
        })
        .collect();
    (figures, touches)
}

fn point(c: Commit, policy: String, date: Date, tally: Tally) -> Point {
    Point {
        id: c.id,
        time: c.time,
        offset: c.offset,
        date,
        summary: c.summary,
        policy,
        tally,
    }
}

/// The date a commit is judged on: its committer time in the committer's own offset.
pub fn day_of(c: &Commit) -> Result<Date, TrendError> {
    let out_of_range = |_| TrendError::Time {
        commit: c.id.clone(),
    };
    let offset = jiff::tz::Offset::from_seconds(c.offset).map_err(out_of_range)?;
    let ts = jiff::Timestamp::from_second(c.time).map_err(out_of_range)?;
    Ok(ts.to_zoned(jiff::tz::TimeZone::fixed(offset)).date())
}
