//! The background pass: every analysable file of HEAD's tree and of the merge-base with the
//! branch's upstream, measured into the store so that the gate's lookups hit. The daemon runs it
//! at Low priority whenever HEAD or the upstream moves; `debtgate warm` runs it in-process with a
//! progress bar.
//!
//! The merge-base's tree is HEAD's tree with the old sides of `upstream...HEAD` put back, so the
//! pass reads the range's changes instead of a second whole tree.

use std::collections::HashSet;
use std::io::IsTerminal;

use super::job::{self, Job, Outcome};
use crate::change::{ChangeError, Repo};
use crate::config::{PolicyMode, Settings};
use crate::fan_out;
use crate::plan::FilePlan;
use crate::store::{Served, Store};

/// What one pass measures.
#[derive(Debug, Clone)]
pub struct Plan {
    /// HEAD's commit (`None` when unborn).
    pub head: Option<String>,
    /// The upstream branch's commit, when the branch has one.
    pub upstream: Option<String>,
    /// merge-base(upstream, HEAD), when found.
    pub base: Option<String>,
    pub jobs: Vec<Job>,
}

/// The commits a pass depends on: it is redone when either moves.
pub fn tips(repo: &Repo) -> (Option<String>, Option<String>) {
    let head = repo.resolve("HEAD").ok();
    let upstream = head.as_ref().and_then(|_| upstream(repo, true));
    (head, upstream)
}

/// The current branch's upstream commit. gix does not resolve every form of `@{upstream}` (a
/// local branch as upstream, `branch.x.remote = .`), so with `ask_git` git answers when gix
/// cannot (a process: the daemon does that only now and then).
pub fn upstream(repo: &Repo, ask_git: bool) -> Option<String> {
    if let Ok(id) = repo.resolve("@{upstream}") {
        return Some(id);
    }
    if !ask_git {
        return None;
    }
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "@{upstream}^{commit}"])
        .current_dir(repo.root())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !id.is_empty()).then_some(id)
}

/// Plans a pass over HEAD and the upstream's merge-base, with the repository's policy (its
/// excludes and size limit; the built-in one when the file is invalid): the sides `check --all`
/// measures at HEAD, and the base sides `check --base <upstream>` measures when its mode compares
/// with the base — both from the gate's own [`plan`](crate::plan), so the pass warms what the
/// gate will look up.
pub fn plan(repo: &Repo) -> Result<Plan, ChangeError> {
    let settings = Settings::discover(repo.root(), None).unwrap_or_else(|_| Settings::embedded());
    let (head, upstream) = tips(repo);
    let mut seen = HashSet::new();
    let mut jobs = Vec::new();
    let all = repo.all()?;
    let at_head = crate::plan::change(&settings, &all);
    add(
        job::for_plan(&at_head.files, settings.max_file_size),
        &mut seen,
        &mut jobs,
    );
    let mut base = None;
    if let (Some(up), Some(_)) = (&upstream, &head) {
        if let Ok(range) = repo.range(up, "HEAD") {
            base = range.base.clone();
            // Warmed whatever the mode: a range judged under another policy may compare.
            let mut comparing = settings.clone();
            comparing.mode = PolicyMode::New;
            let planned = crate::plan::change(&comparing, &range);
            let bases: Vec<FilePlan> = planned
                .files
                .iter()
                .filter_map(|p| {
                    Some(FilePlan {
                        file: p.file,
                        head: p.base?,
                        base: None,
                    })
                })
                .collect();
            add(
                job::for_plan(&bases, settings.max_file_size),
                &mut seen,
                &mut jobs,
            );
        }
    }
    Ok(Plan {
        head,
        upstream,
        base,
        jobs,
    })
}

/// Adds each of `new` to `jobs` once per key.
fn add(new: Vec<Job>, seen: &mut HashSet<job::JobKey>, jobs: &mut Vec<Job>) {
    jobs.extend(new.into_iter().filter(|j| seen.insert(j.key())));
}

/// What `debtgate warm` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    /// Measured now (not in the store before).
    pub measured: usize,
    /// Already in the store.
    pub stored: usize,
    pub skipped: usize,
}

/// `debtgate warm`: the background pass in this process, a progress bar on stderr when it is a
/// terminal.
pub fn run_in_process(dir: &std::path::Path) -> Result<(Plan, Summary), ChangeError> {
    let repo = Repo::discover(dir)?;
    let plan = plan(&repo)?;
    let (paths, limits) = crate::config::store::store_near(Some(&repo));
    let store = Store::open(paths, limits);
    let bar = indicatif::ProgressBar::new(plan.jobs.len() as u64);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix} {bar:40} {pos}/{len} files, {elapsed} ({eta} left)",
            )
            .expect("the template is valid"),
        );
        bar.set_prefix("warming");
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let outcomes: Vec<Outcome> = fan_out::map(&plan.jobs, |j| {
        let o = job::run(&repo, &store, j);
        bar.inc(1);
        o
    });
    bar.finish_and_clear();
    store.flush();
    let mut summary = Summary {
        files: outcomes.len(),
        ..Summary::default()
    };
    for o in &outcomes {
        match o {
            Outcome::Measured {
                served: Served::Miss,
                ..
            } => summary.measured += 1,
            Outcome::Measured { .. } => summary.stored += 1,
            Outcome::Skipped(_) => summary.skipped += 1,
        }
    }
    Ok((plan, summary))
}
