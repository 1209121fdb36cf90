//! `debtgate baseline [--prune]`: today's findings as known debt, in `.debtgate-baseline.json`
//! (`crate::baseline`). Measures HEAD as `check --all` does under the policy in force, then either
//! writes every finding (replacing the file: the diff shows what was accepted) or, with
//! `--prune`, only removes and tightens the entries of an existing file. A summary goes to
//! stdout, the file to the repository root (or `--baseline PATH`).

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::{current_dir, print, size_pool};
use crate::baseline::build::{self, Changes};
use crate::baseline::{Baseline, Choice, FILE_NAME};
use crate::change::Repo;
use crate::check::{CheckOptions, ConfigFrom, Target};
use crate::exit::Exit;

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    /// Only remove entries whose function is within its thresholds now or was deleted, and
    /// lower the value of those that improved; never add one.
    #[arg(long)]
    pub prune: bool,
    /// The baseline file [default: .debtgate-baseline.json at the repository root].
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// Use this configuration file instead of .debtgate.yaml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
}

pub fn run(args: &BaselineArgs) -> Result<Exit> {
    size_pool(args.jobs)?;
    let dir = current_dir()?;
    let repo = Repo::discover(&dir)?;
    let path = args
        .baseline
        .clone()
        .unwrap_or_else(|| repo.root().join(FILE_NAME));
    let shown = path
        .strip_prefix(repo.root())
        .unwrap_or(&path)
        .display()
        .to_string();
    let report = crate::check::check(&CheckOptions {
        target: Target::All,
        config: args.config.clone(),
        config_from: ConfigFrom::Base,
        dir,
        // All of HEAD, or the baseline would leave out the files a budget did not reach.
        budget: Some(None),
        timings: false,
        shard: None,
        baseline: Choice::Off,
    })?;
    let old = Baseline::read(&path)?;
    let (new, summary) = if args.prune {
        let Some(old) = old else {
            bail!("{shown}: no baseline to prune; `debtgate baseline` writes one");
        };
        let renames = renamed_since(&repo, old.commit.as_deref());
        let (new, changes, removed) = build::prune(&old, &report, &renames);
        let summary = format!(
            "{shown}: pruned to {} entries: removed {} ({} deleted, {} within the thresholds \
             now), tightened {}, moved with a renamed file {}, kept {}\n",
            new.len(),
            changes.removed,
            removed.deleted,
            removed.improved,
            changes.tightened,
            changes.moved,
            changes.kept
        );
        (new, summary)
    } else {
        let new = build::from_report(&report, &shown);
        let summary = written(&shown, &new, old.as_ref().map(|o| build::compare(o, &new)));
        (new, summary)
    };
    std::fs::write(&path, new.to_text())
        .with_context(|| format!("cannot write {}", path.display()))?;
    print(&summary)?;
    Ok(Exit::Pass)
}

/// The summary of a written baseline, with how it differs from the file it replaced.
fn written(shown: &str, new: &Baseline, before: Option<Changes>) -> String {
    let grades = new
        .entries()
        .iter()
        .filter(|e| e.rule == crate::rules::GRADE_RULE)
        .count();
    let mut s = format!(
        "{shown}: {} entries ({} function findings, {grades} file grades) at {}\n",
        new.len(),
        new.len() - grades,
        new.commit.as_deref().unwrap_or("HEAD")
    );
    if let Some(c) = before {
        s.push_str(&format!(
            "  compared with the file it replaces: {} added, {} removed, {} tightened, {} kept\n",
            c.added, c.removed, c.tightened, c.kept
        ));
    }
    s
}

/// Paths at the baseline's commit → paths at HEAD, for the files git sees renamed since. None
/// when the commit is unknown or gone (rewritten history): entries keep their paths.
fn renamed_since(repo: &Repo, commit: Option<&str>) -> HashMap<String, String> {
    let Some(commit) = commit else {
        return HashMap::new();
    };
    match crate::baseline::lookup::renamed(repo, commit, "HEAD") {
        Ok(renames) => renames.into_iter().collect(),
        Err(e) => {
            note!("debtgate: renames since the baseline's commit {commit} are not followed: {e}");
            HashMap::new()
        }
    }
}
