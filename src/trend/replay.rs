//! Replaying history: the figures and touches of the commits the store does not have, each from
//! its parent's by the delta of the files the commit changed.
//!
//! Consecutive commits to compute form a run. A run starts from its first commit's parent tree
//! (listed, not measured); each commit then applies its first-parent diff. Three passes:
//!
//! 1. **diffs** of every commit to compute, in parallel (the one fan-out, `measure::fan_out`);
//! 2. **planning**: replaying the trees, which sides each commit needs measured — every file of
//!    the tree at a run's first commit and where the policy changed, otherwise only the files the
//!    commit changed (and their previous versions, for the hotspots' function churn) — through
//!    `plan::file`, the gate's own rule;
//! 3. **measuring** each distinct side once, in parallel, through `measure::Measure::side` (the
//!    store answers most of them on a second run), then **tallying** commit by commit: a changed
//!    file's old contribution out, its new one in. A whole re-tally happens only at a run's first
//!    commit and where the policy changed. Files with suppression comments are re-judged when the
//!    commit's date moves, because a dated suppression may have expired in between.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

use super::figures::{contribution, Figures, Tally};
use super::policy::Policy;
use super::record::Touches;
use super::{PathFilter, TrendError};
use crate::analysis::FunctionMetrics;
use crate::change::{BlobId, ChangeStatus, ChangedFile, Commit, Content, Repo, TreeId};
use crate::daemon::Measurer;
use crate::fan_out;
use crate::measure::Measure;
use crate::plan::{self, Side};
use crate::store::{Measured, PathClass};

/// What replaying needs; the slices are indexed alike, oldest commit first.
pub struct Input<'a> {
    pub repo: &'a Repo,
    pub store: &'a Measurer,
    pub commits: &'a [Commit],
    /// The tree of `commits[0]`'s first parent, when there is one to start from.
    pub before: Option<TreeId>,
    pub policies: &'a [Policy],
    pub days: &'a [Date],
    pub paths: &'a PathFilter,
    /// Shows measuring on a progress bar (a terminal's stderr).
    pub progress: bool,
}

/// One computed commit.
#[derive(Debug, Clone)]
pub struct Computed {
    pub tally: Tally,
    pub touches: Touches,
}

/// A commit to compute: its diff, and whether the whole tree is tallied afresh.
struct Step {
    at: usize,
    changes: Vec<ChangedFile>,
    full: bool,
}

/// The files of one tree, by path, each as added.
type Tree = BTreeMap<String, ChangedFile>;

/// What decides a side's measurement: the blob, how its path reads it, the size limit.
type SideKey = (BlobId, &'static str, bool, u64);

/// Measured sides by [`SideKey`].
type Results = HashMap<SideKey, Result<Arc<Measured>, String>>;

/// Computes the commits at `todo` (indices into `input.commits`, ascending).
pub fn compute(input: &Input, todo: &[usize]) -> Result<BTreeMap<usize, Computed>, TrendError> {
    let steps = diffs(input, todo)?;
    // Runs of consecutive commits: the steps they span and the tree each starts from.
    let mut runs: Vec<(Range<usize>, Tree)> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        match runs.last_mut() {
            Some((span, _)) if steps[span.end - 1].at + 1 == step.at => span.end = i + 1,
            _ => runs.push((i..i + 1, start_tree(input, step.at)?)),
        }
    }
    let wanted = plan_sides(input, &steps, &runs);
    let results = measure(input, wanted)?;
    let mut out = BTreeMap::new();
    for (span, tree) in runs {
        let mut run = Run {
            input,
            results: &results,
            tree,
            tally: Tally::default(),
            contributions: HashMap::new(),
            marked: BTreeSet::new(),
            day: None,
        };
        for step in &steps[span] {
            out.insert(step.at, run.step(step));
        }
    }
    Ok(out)
}

/// Planning: replays the trees of every run, collecting each side a step will ask for.
fn plan_sides(
    input: &Input,
    steps: &[Step],
    runs: &[(Range<usize>, Tree)],
) -> BTreeMap<SideKey, String> {
    let mut wanted: BTreeMap<SideKey, String> = BTreeMap::new();
    for (span, tree) in runs {
        let mut tree = tree.clone();
        for step in &steps[span.clone()] {
            let policy = &input.policies[step.at];
            for c in &step.changes {
                if let Some(old) = tree.get(&c.path) {
                    want(input, policy, old, &mut wanted);
                }
            }
            apply(&mut tree, &step.changes);
            let now: Vec<&ChangedFile> = if step.full {
                tree.values().collect()
            } else {
                step.changes
                    .iter()
                    .filter_map(|c| tree.get(&c.path))
                    .collect()
            };
            for f in now {
                want(input, policy, f, &mut wanted);
            }
        }
    }
    wanted
}

/// The diff of every commit of `todo` against its first parent, in parallel.
fn diffs(input: &Input, todo: &[usize]) -> Result<Vec<Step>, TrendError> {
    let diffed = fan_out::map(todo, |&at| {
        input
            .repo
            .tree_diff(parent_tree(input, at).as_ref(), &input.commits[at].tree)
    });
    let mut steps = Vec::with_capacity(todo.len());
    for (&at, changes) in todo.iter().zip(diffed) {
        let run_start = at == 0 || steps.last().is_none_or(|s: &Step| s.at + 1 != at);
        let policy_changed = at > 0 && input.policies[at - 1].id != input.policies[at].id;
        steps.push(Step {
            at,
            changes: changes?,
            full: run_start || policy_changed,
        });
    }
    Ok(steps)
}

fn parent_tree(input: &Input, at: usize) -> Option<TreeId> {
    match at {
        0 => input.before,
        _ => Some(input.commits[at - 1].tree),
    }
}

/// The files of the tree a run starting at commit `at` starts from.
fn start_tree(input: &Input, at: usize) -> Result<Tree, TrendError> {
    let Some(tree) = parent_tree(input, at) else {
        return Ok(Tree::new());
    };
    Ok(input
        .repo
        .tree_files(&tree)?
        .into_iter()
        .map(|f| (f.path.clone(), f))
        .collect())
}

/// Applies a diff to a tree's files.
fn apply(tree: &mut Tree, changes: &[ChangedFile]) {
    for c in changes {
        match &c.new {
            None => {
                tree.remove(&c.path);
            }
            Some(new) => {
                let file = ChangedFile {
                    path: c.path.clone(),
                    old_path: None,
                    status: ChangeStatus::Added,
                    kind: c.kind,
                    old: None,
                    new: Some(new.clone()),
                };
                tree.insert(c.path.clone(), file);
            }
        }
    }
}

/// The side of `file` that `policy` measures, within the `--path` globs; `None` when none is.
fn side<'f>(input: &Input, policy: &Policy, file: &'f ChangedFile) -> Option<(Side<'f>, SideKey)> {
    if !input.paths.matches(&file.path) {
        return None;
    }
    let planned = plan::file(&policy.settings, file).ok()?;
    let class = PathClass::of(Path::new(planned.head.path))?;
    let blob = planned.head.content.blob_id()?;
    let key = (
        blob,
        class.name(),
        class.by_content,
        policy.settings.max_file_size,
    );
    Some((planned.head, key))
}

fn want(
    input: &Input,
    policy: &Policy,
    file: &ChangedFile,
    wanted: &mut BTreeMap<SideKey, String>,
) {
    if let Some((side, key)) = side(input, policy, file) {
        wanted.entry(key).or_insert_with(|| side.path.to_string());
    }
}

/// Measures every wanted side once, in parallel, on a progress bar when asked. A side whose blob
/// the repository cannot give (a partial clone) is an error: leaving the file out would chart a
/// past without it.
fn measure(input: &Input, wanted: BTreeMap<SideKey, String>) -> Result<Results, TrendError> {
    let items: Vec<(SideKey, String)> = wanted.into_iter().collect();
    let bar = indicatif::ProgressBar::new(items.len() as u64);
    if input.progress {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix} {bar:40} {pos}/{len} file versions, {elapsed} ({eta} left)",
            )
            .expect("the template is valid"),
        );
        bar.set_prefix("measuring");
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let done = fan_out::map(&items, |(key, path)| {
        let measure = Measure {
            repo: input.repo,
            store: input.store,
            max_file_size: key.3,
            clock: None,
        };
        let content = Content::Blob(key.0);
        let measured = crate::analysis::with_thread_analyzer(|analyzer| {
            measure.side(
                analyzer,
                Side {
                    path,
                    content: &content,
                },
            )
        });
        bar.inc(1);
        measured.map(Arc::new)
    });
    bar.finish_and_clear();
    let unread: Vec<(&String, &String)> = items
        .iter()
        .zip(&done)
        .filter_map(|((_, path), r)| match r {
            Err(why) if why.starts_with(crate::measure::UNREADABLE) => Some((path, why)),
            _ => None,
        })
        .collect();
    if let Some((path, why)) = unread.first() {
        return Err(TrendError::Unread {
            versions: unread.len(),
            path: (*path).clone(),
            why: why
                .strip_prefix(crate::measure::UNREADABLE)
                .unwrap_or(why)
                .to_owned(),
        });
    }
    Ok(items.into_iter().map(|(k, _)| k).zip(done).collect())
}

/// The state of one run as it goes from commit to commit.
struct Run<'a> {
    input: &'a Input<'a>,
    results: &'a Results,
    tree: Tree,
    tally: Tally,
    /// What each measured file of the tree contributes to the tally now.
    contributions: HashMap<String, Figures>,
    /// Measured files with suppression comments: re-judged when the date moves.
    marked: BTreeSet<String>,
    day: Option<Date>,
}

impl Run<'_> {
    fn step(&mut self, step: &Step) -> Computed {
        let input = self.input;
        let policy = &input.policies[step.at];
        let day = input.days[step.at];
        let mut before: HashMap<&str, Arc<Measured>> = HashMap::new();
        for c in &step.changes {
            let old = self
                .tree
                .get(&c.path)
                .and_then(|f| self.measured(policy, f));
            if let Some(m) = old {
                before.insert(&c.path, m);
            }
            self.remove(&c.path);
        }
        apply(&mut self.tree, &step.changes);
        if step.full {
            self.tally = Tally::default();
            self.contributions.clear();
            self.marked.clear();
            let paths: Vec<String> = self.tree.keys().cloned().collect();
            for p in &paths {
                self.add(policy, day, p);
            }
        } else {
            for c in &step.changes {
                self.add(policy, day, &c.path);
            }
            if self.day != Some(day) {
                let changed: BTreeSet<&str> =
                    step.changes.iter().map(|c| c.path.as_str()).collect();
                let marked: Vec<String> = self
                    .marked
                    .iter()
                    .filter(|p| !changed.contains(p.as_str()))
                    .cloned()
                    .collect();
                for p in &marked {
                    self.remove(p);
                    self.add(policy, day, p);
                }
            }
        }
        self.day = Some(day);
        let touches = self.touches(policy, step, &before);
        Computed {
            tally: self.tally.clone(),
            touches,
        }
    }

    /// The measurement of `file` under `policy`, when it is measured.
    fn measured(&self, policy: &Policy, file: &ChangedFile) -> Option<Arc<Measured>> {
        let (_, key) = side(self.input, policy, file)?;
        self.results.get(&key)?.as_ref().ok().cloned()
    }

    fn remove(&mut self, path: &str) {
        if let Some(f) = self.contributions.remove(path) {
            self.tally.sub(path, &f);
        }
        self.marked.remove(path);
    }

    fn add(&mut self, policy: &Policy, day: Date, path: &str) {
        let Some(m) = self.tree.get(path).and_then(|f| self.measured(policy, f)) else {
            return;
        };
        let f = contribution(&policy.settings, path, &m, day);
        self.tally.add(path, &f);
        self.contributions.insert(path.to_string(), f);
        if !m.marks.found.is_empty() {
            self.marked.insert(path.to_string());
        }
    }

    /// The measured files and functions `step` touched.
    fn touches(
        &self,
        policy: &Policy,
        step: &Step,
        before: &HashMap<&str, Arc<Measured>>,
    ) -> Touches {
        let mut t = Touches::default();
        for c in &step.changes {
            let now = self
                .tree
                .get(&c.path)
                .and_then(|f| self.measured(policy, f));
            let old = before.get(c.path.as_str());
            if now.is_none() && old.is_none() {
                continue;
            }
            let total = now.as_ref().map(|m| cyclomatic(&m.metrics.functions));
            t.files.push((c.path.clone(), total));
            let old = old
                .map(|m| m.metrics.functions.as_slice())
                .unwrap_or_default();
            let now = now
                .as_ref()
                .map(|m| m.metrics.functions.as_slice())
                .unwrap_or_default();
            for (name, after) in changed_functions(old, now) {
                t.functions.push((c.path.clone(), name, after));
            }
        }
        t
    }
}

fn cyclomatic(functions: &[FunctionMetrics]) -> u64 {
    functions.iter().map(|f| u64::from(f.cyclomatic)).sum()
}

/// Functions of `now` that are new or whose code differs from the function of the same name and
/// occurrence in `old`, with their cyclomatic complexity, then those of `old` that are gone
/// (`None`). Names are qualified names, `#n` added for the n-th repeat of a name.
fn changed_functions(
    old: &[FunctionMetrics],
    now: &[FunctionMetrics],
) -> Vec<(String, Option<u32>)> {
    let before: HashMap<String, u64> = named(old).map(|(n, f)| (n, f.body_hash)).collect();
    let after: HashMap<String, u64> = named(now).map(|(n, f)| (n, f.body_hash)).collect();
    let mut out: Vec<(String, Option<u32>)> = named(now)
        .filter(|(n, f)| before.get(n) != Some(&f.body_hash))
        .map(|(n, f)| (n, Some(f.cyclomatic)))
        .collect();
    out.extend(
        named(old)
            .filter(|(n, _)| !after.contains_key(n))
            .map(|(n, _)| (n, None)),
    );
    out
}

/// Each function with its name made unique by occurrence.
fn named(functions: &[FunctionMetrics]) -> impl Iterator<Item = (String, &FunctionMetrics)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    functions.iter().map(move |f| {
        let n = seen.entry(f.qualified_name.as_str()).or_insert(0);
        let name = match *n {
            0 => f.qualified_name.clone(),
            k => format!("{}#{k}", f.qualified_name),
        };
        *n += 1;
        (name, f)
    })
}
