//! `debtgate check`: the gate. A [`ChangeSet`] from `change/`, each side measured by `analysis/`,
//! judged by `policy/` under the settings from `config/`, gathered into one [`Report`].
//!
//! In a range the policy comes from the base revision by default: a change must not be able to
//! loosen the gate that judges it. When the change edits the configuration, the report says which
//! thresholds the new file would loosen.
//!
//! The [`plan`] sets aside the files that cannot be judged (deleted, excluded, another language, a
//! symlink) and names the sides of the rest to measure; those form a queue that `judge_queue`
//! works through on every worker of the one fan-out, pulling files in queue order. Under a time budget (`crate::budget`) the queue is riskiest first and workers
//! stop taking files when the budget runs out; the files not reached are listed. Only metrics and
//! findings are kept per file: a file's bytes live while one worker judges it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::analysis::{self, Analyzer};
use crate::baseline::{self, lookup::Lookup, Baseline};
use crate::budget::{self, Budget};
use crate::change::{ChangeError, ChangeSet, ChangedFile, Repo, Source};
use crate::config::{
    self, ConfigError, ConfigOrigin, OnBudgetExceeded, PolicyMode, RunKind, Settings,
};
use crate::daemon::Measurer;
use crate::fan_out;
use crate::measure::{self, Measure};
use crate::plan::{self, FilePlan};
use crate::policy::{self, Subject};
use crate::report::{
    BaseGrade, BudgetReport, FileReport, Finding, Mode, NotAnalysed, Report, ShardInfo, Verdict,
};
use crate::shard::{self, Shard};
use crate::store::Store;
use crate::timings::{Clock, Stage, Work};

/// What to judge.
#[derive(Debug, Clone)]
pub enum Target {
    /// The staged change (index against HEAD).
    Staged,
    /// `git diff base...head`.
    Range { base: String, head: String },
    /// Every tracked file at HEAD, judged absolutely.
    All,
    /// Worktree files against HEAD (editor use).
    Paths(Vec<PathBuf>),
}

/// Where the policy of a range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFrom {
    Base,
    Head,
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub target: Target,
    /// `--config PATH`: wins over everything.
    pub config: Option<PathBuf>,
    pub config_from: ConfigFrom,
    /// Where to look for the repository.
    pub dir: PathBuf,
    /// `--budget`: overrides the configuration's budget for this kind of run (`Some(None)`: no
    /// limit).
    pub budget: Option<Option<Duration>>,
    /// `--timings`: put per-stage times in the report.
    pub timings: bool,
    /// `--shard K/N`: judge only that part of a range's or the whole tree's files.
    pub shard: Option<Shard>,
    /// `--baseline PATH` / `--no-baseline`; by default the repository's, from where the policy
    /// comes from.
    pub baseline: baseline::Choice,
}

/// Why a check could not reach a verdict.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Change(#[from] ChangeError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Baseline(#[from] baseline::BaselineError),
    #[error("a range always has a base commit")]
    RangeWithoutBase,
    /// Changed files whose content the repository could not give: judging without them would
    /// pass what nobody read.
    #[error("{}", unread_message(.0))]
    Unread(Vec<Unread>),
    #[error(
        "--shard splits a range or every file (--base, --ci or --all); the staged change and \
         --paths are judged whole"
    )]
    ShardOfWorktree,
}

pub fn check(opts: &CheckOptions) -> Result<Report, CheckError> {
    let mut clock = Clock::start();
    let repo = Repo::discover(&opts.dir)?;
    let changes = match &opts.target {
        Target::Staged => repo.staged()?,
        Target::Range { base, head } => repo.range(base, head)?,
        Target::All => repo.all()?,
        Target::Paths(paths) => repo.paths(paths)?,
    };
    clock.lap(Stage::ChangeSet);
    if opts.shard.is_some() && !matches!(changes.source, Source::Range | Source::All) {
        return Err(CheckError::ShardOfWorktree);
    }
    let mut settings = settings_for(&repo, &changes, opts)?;
    if changes.source == Source::All {
        settings.mode = PolicyMode::Absolute;
    }
    let known = baseline_for(&repo, &changes, opts)?;
    // Renames since the baseline was written are followed up to the new side's commit (HEAD for
    // a staged change, whose own renames the change set has).
    let new_side = changes.head.clone().or_else(|| changes.base.clone());
    let lookup = known
        .as_ref()
        .map(|b| Lookup::new(b, &repo, new_side.clone()));
    clock.lap(Stage::Config);
    // After the settings, which may place the store (opening it read-only takes well under 1 ms).
    let store = Store::open(settings.store.paths(&repo), settings.store.limits());
    clock.lap(Stage::StoreOpen);

    let limit = opts
        .budget
        .unwrap_or_else(|| settings.budget(run_kind(changes.source)));
    let budget = Budget::new(limit, clock.started());
    let mut gathered = Gathered::default();
    let mut plan = plan::change(&settings, &changes);
    if let Some(part) = opts.shard {
        plan = shard::select(&repo, &settings, plan, part);
    }
    gathered
        .not_analysed
        .extend(plan.skipped.iter().map(|(file, reason)| NotAnalysed {
            path: file.path.clone(),
            reason: (*reason).to_owned(),
        }));
    let mut queue = plan.files;
    if limit.is_some() {
        queue = budget::riskiest_first(&repo, &store, &settings, queue, &budget);
    }
    clock.lap(Stage::Ranking);
    // The daemon, when one runs, measures the change's blobs ahead of its background work, in
    // the queue's order and until the budget's deadline at most.
    let store = Measurer::new(
        store,
        &repo,
        &queue,
        settings.max_file_size,
        budget.deadline(),
    );
    // What the daemon answered costs nothing to judge: first, and judged whatever the budget.
    let answered = if limit.is_some() {
        let (done, rest): (Vec<_>, Vec<_>) = queue
            .into_iter()
            .partition(|p| store.answered(p, settings.max_file_size));
        let n = done.len();
        queue = done;
        queue.extend(rest);
        n
    } else {
        0
    };
    let judge = Judge {
        settings: &settings,
        measure: Measure {
            repo: &repo,
            store: &store,
            max_file_size: settings.max_file_size,
            clock: Some(&clock),
        },
        today: jiff::Zoned::now().date(),
        clock: &clock,
        baseline: lookup.as_ref(),
    };
    let free = Budget::new(None, clock.started());
    let (mut judged, _) = judge_queue(&judge, &queue[..answered], &free);
    let (rest, taken) = judge_queue(&judge, &queue[answered..], &budget);
    judged.extend(rest);
    let taken = answered + taken;
    for j in judged {
        gathered.add(j, changes.source);
    }
    if !gathered.unread.is_empty() {
        let mut unread = std::mem::take(&mut gathered.unread);
        unread.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(CheckError::Unread(unread));
    }
    clock.lap(Stage::Judging);

    let mut notices: Vec<String> = loosened(&repo, &changes, &settings, opts)
        .into_iter()
        .collect();
    let baseline_report = known.as_ref().map(|b| crate::report::BaselineReport {
        source: b.origin.clone(),
        entries: b.len(),
        stale: gathered.stale,
    });
    notices.extend(baseline_report.as_ref().and_then(|b| b.stale_notice()));
    store.flush();
    clock.lap(Stage::StoreFlush);
    let budget_report =
        limit.map(|limit| budget_report(limit, &settings, &queue[taken..], &mut gathered));
    notices.extend(budget_report.as_ref().and_then(budget_notice));
    let mut report = Report::judged(
        mode_of(changes.source),
        changes.base.clone(),
        changes.head.clone(),
        gathered.files,
        gathered.not_analysed,
        gathered.findings,
        notices,
    );
    report.cache = Some(store.counts());
    report.summary.judged = gathered.functions_judged;
    report.base_grades = gathered.base_grades;
    report.baseline = baseline_report;
    if budget_report
        .as_ref()
        .is_some_and(|b| b.exceeded && b.on_exceeded == OnBudgetExceeded::Fail)
    {
        report.verdict = Verdict::Fail;
    }
    report.budget = budget_report;
    if let Some(part) = opts.shard {
        let info = ShardInfo {
            index: part.index,
            count: part.count,
            change_files: changes.files.len(),
            change: shard::change_digest(&changes),
            policy: shard::policy_digest(&settings),
        };
        let files = report.files.len() + report.not_analysed.len();
        report
            .notices
            .push(crate::report::shard_notice(&info, files));
        report.shard = Some(info);
    }
    clock.lap(Stage::Report);
    if opts.timings {
        report.timings = Some(clock.timings());
    }
    Ok(report)
}

/// What the judging of every file adds up to.
#[derive(Default)]
struct Gathered {
    files: Vec<FileReport>,
    not_analysed: Vec<NotAnalysed>,
    findings: Vec<Finding>,
    functions_judged: usize,
    base_grades: BTreeMap<String, BaseGrade>,
    /// Baseline entries of the judged files that no longer match.
    stale: usize,
    /// Sides that could not be read: the change cannot be judged.
    unread: Vec<Unread>,
}

impl Gathered {
    fn add(&mut self, judged: Judged, source: Source) {
        match judged {
            Judged::Measured {
                mut report,
                findings,
                judged,
                stale,
                base_grade,
            } => {
                self.functions_judged += judged;
                self.stale += stale;
                if let Some(before) = base_grade {
                    self.base_grades.insert(report.path.clone(), before);
                }
                // Every file at HEAD is not a change: it has no status.
                if source == Source::All {
                    report.status = None;
                }
                self.files.push(*report);
                self.findings.extend(findings);
            }
            Judged::Skipped(n) => self.not_analysed.push(n),
            Judged::Unread(u) => self.unread.push(u),
        }
    }
}

/// The budget's part of the report; the files it did not reach (`unreached`, in queue order)
/// join `not_analysed`, with the reason.
fn budget_report(
    limit: Duration,
    settings: &Settings,
    unreached: &[FilePlan],
    gathered: &mut Gathered,
) -> BudgetReport {
    let not_analysed: Vec<String> = unreached.iter().map(|p| p.file.path.clone()).collect();
    let reason = format!(
        "the time budget ({}) ran out before this file was analysed",
        config::budget::show_duration(limit)
    );
    gathered
        .not_analysed
        .extend(not_analysed.iter().map(|path| NotAnalysed {
            path: path.clone(),
            reason: reason.clone(),
        }));
    BudgetReport {
        limit_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
        exceeded: !not_analysed.is_empty(),
        on_exceeded: settings.on_budget_exceeded,
        not_analysed,
    }
}

/// What the reader must know when the budget ran out.
fn budget_notice(b: &BudgetReport) -> Option<String> {
    if !b.exceeded {
        return None;
    }
    let limit = config::budget::show_duration(Duration::from_millis(b.limit_ms));
    let outcome = match b.on_exceeded {
        OnBudgetExceeded::Pass => "the verdict covers only the files analysed",
        OnBudgetExceeded::Fail => "the gate fails because the run is incomplete",
    };
    Some(format!(
        "INCOMPLETE: the time budget ({limit}) ran out; {} files were not analysed (listed \
         under not analysed). on_budget_exceeded: {}, so {outcome}.",
        b.not_analysed.len(),
        b.on_exceeded
    ))
}

/// Which budget of the configuration a source runs under.
fn run_kind(source: Source) -> RunKind {
    match source {
        Source::Staged => RunKind::Staged,
        Source::Range => RunKind::Range,
        Source::All => RunKind::All,
        Source::Paths => RunKind::Worktree,
    }
}

fn mode_of(source: Source) -> Mode {
    match source {
        Source::Staged => Mode::Staged,
        Source::Range => Mode::Range,
        Source::All => Mode::All,
        Source::Paths => Mode::Worktree,
    }
}

/// The settings that would judge the change `opts` names (for `DEBTGATE_SKIP` in CI, which the
/// policy may allow): the same file [`check`] reads, the base revision's in a range.
pub fn policy(opts: &CheckOptions) -> Result<Settings, CheckError> {
    let repo = Repo::discover(&opts.dir)?;
    let changes = match &opts.target {
        Target::Range { base, head } => repo.range(base, head)?,
        // Only a range reads the policy from a revision; the others need no change set for it.
        _ => return Ok(Settings::discover(repo.root(), opts.config.as_deref())?),
    };
    settings_for(&repo, &changes, opts)
}

/// The settings that judge this change.
fn settings_for(
    repo: &Repo,
    changes: &ChangeSet,
    opts: &CheckOptions,
) -> Result<Settings, CheckError> {
    if opts.config.is_some()
        || changes.source != Source::Range
        || opts.config_from == ConfigFrom::Head
    {
        return Ok(Settings::discover(repo.root(), opts.config.as_deref())?);
    }
    // The base branch's current policy (its tip), not the fork point's: a gate tightened on main
    // after a branch forked applies to that branch's next push.
    let base = changes
        .base_tip
        .as_deref()
        .or(changes.base.as_deref())
        .ok_or(CheckError::RangeWithoutBase)?;
    for name in config::FILE_NAMES {
        if let Some(bytes) = repo.file_at(base, name)? {
            let text = String::from_utf8_lossy(&bytes);
            let origin = ConfigOrigin::Revision {
                rev: base.to_string(),
                path: name.to_string(),
            };
            return Ok(Settings::from_yaml(&text, origin)?);
        }
    }
    Ok(Settings::embedded())
}

/// The baseline that judges this change: in a range, the base revision's (the tip of `--base`,
/// as for the policy) unless `--config-from head`.
fn baseline_for(
    repo: &Repo,
    changes: &ChangeSet,
    opts: &CheckOptions,
) -> Result<Option<Baseline>, CheckError> {
    let base_rev = (changes.source == Source::Range && opts.config_from == ConfigFrom::Base)
        .then(|| changes.base_tip.as_deref().or(changes.base.as_deref()))
        .flatten();
    Ok(baseline::for_check(repo, &opts.baseline, base_rev)?)
}

/// When a range edits the configuration and the policy came from the base, which thresholds the
/// head's file would loosen.
fn loosened(
    repo: &Repo,
    changes: &ChangeSet,
    settings: &Settings,
    opts: &CheckOptions,
) -> Option<String> {
    if changes.source != Source::Range
        || opts.config.is_some()
        || opts.config_from == ConfigFrom::Head
    {
        return None;
    }
    let edited = changes
        .files
        .iter()
        .find(|f| config::FILE_NAMES.contains(&f.path.as_str()) && f.new.is_some())?;
    let bytes = repo.read(edited.new.as_ref()?).ok()?;
    let head = Settings::from_yaml(
        &String::from_utf8_lossy(&bytes),
        ConfigOrigin::Revision {
            rev: changes.head.clone().unwrap_or_default(),
            path: edited.path.clone(),
        },
    );
    let head = match head {
        Ok(h) => h,
        Err(e) => {
            return Some(format!(
                "{} in this change is invalid and was not used:\n{e}",
                edited.path
            ))
        }
    };
    let looser = settings.loosened_by(&head);
    let what = if looser.is_empty() {
        "does not loosen any threshold".to_string()
    } else {
        format!("would loosen: {}", looser.join(", "))
    };
    Some(format!(
        "{} is changed; this change was judged by the base revision's policy. The new file {what}.",
        edited.path
    ))
}

enum Judged {
    Measured {
        report: Box<FileReport>,
        findings: Vec<Finding>,
        /// Functions the mode put under judgement.
        judged: usize,
        /// Baseline entries of the file that no longer match.
        stale: usize,
        /// The file's grade before the change, when the mode measured the base side.
        base_grade: Option<BaseGrade>,
    },
    Skipped(NotAnalysed),
    /// A side whose object could not be read ([`measure::unread_object`]).
    Unread(Unread),
}

/// A changed file's side the repository could not give.
#[derive(Debug, Clone)]
pub struct Unread {
    pub path: String,
    /// `head` or `base`.
    pub side: &'static str,
    /// What reading it said, after [`measure::UNREADABLE`].
    pub why: String,
}

/// The most unread files [`CheckError::Unread`] names one by one.
const UNREAD_SHOWN: usize = 10;

fn unread_message(unread: &[Unread]) -> String {
    let n = unread.len();
    let mut out = format!(
        "cannot judge this change: the content of {n} changed file{} could not be read from the \
         repository, and a gate that skipped {} would pass what it never read:",
        if n == 1 { "" } else { "s" },
        if n == 1 { "it" } else { "them" },
    );
    for u in unread.iter().take(UNREAD_SHOWN) {
        out.push_str(&format!("\n  {} ({} side): {}", u.path, u.side, u.why));
    }
    if n > UNREAD_SHOWN {
        out.push_str(&format!("\n  … and {} more", n - UNREAD_SHOWN));
    }
    out.push_str(
        "\n(in a partial clone, `git diff --stat BASE HEAD` downloads a change's blobs in one batch)",
    );
    out
}

/// What judging one file needs; shared by every worker.
struct Judge<'a> {
    settings: &'a Settings,
    measure: Measure<'a>,
    today: jiff::civil::Date,
    clock: &'a Clock,
    baseline: Option<&'a Lookup<'a>>,
}

/// Judges the files of `queue`, each worker taking the next file in queue order while the budget
/// admits one more; returns what was judged and how many files were taken — always the first
/// ones of the queue, the rest were not reached. The one place files are measured and judged.
fn judge_queue(judge: &Judge, queue: &[FilePlan], budget: &Budget) -> (Vec<Judged>, usize) {
    fan_out::queue(
        queue,
        || budget.admit(),
        |file| analysis::with_thread_analyzer(|analyzer| judge_file(judge, analyzer, file)),
    )
}

fn skipped(file: &ChangedFile, reason: impl Into<String>) -> Judged {
    Judged::Skipped(NotAnalysed {
        path: file.path.clone(),
        reason: reason.into(),
    })
}

/// Measures the planned sides of one file and applies the policy.
fn judge_file(judge: &Judge, analyzer: &mut Analyzer, planned: &FilePlan) -> Judged {
    let file = planned.file;
    let settings = judge.settings;
    let unread = |side: &'static str, reason: &str| {
        Judged::Unread(Unread {
            path: file.path.clone(),
            side,
            why: reason
                .strip_prefix(measure::UNREADABLE)
                .unwrap_or(reason)
                .to_owned(),
        })
    };
    let head = match judge.measure.side(analyzer, planned.head) {
        Ok(m) => m,
        Err(reason) if measure::unread_object(planned.head, &reason) => {
            return unread("head", &reason)
        }
        Err(reason) => return skipped(file, reason),
    };
    // The plan names the base side only when the mode compares with it. A base side that is not
    // measured (too large, binary then) makes every function new; one that could not be read
    // would make them new for no reason, so it is an error too.
    let base = match planned
        .base
        .map(|side| (side, judge.measure.side(analyzer, side)))
    {
        None => None,
        Some((_, Ok(m))) => Some(m),
        Some((side, Err(reason))) if measure::unread_object(side, &reason) => {
            return unread("base", &reason)
        }
        Some((_, Err(_))) => None,
    };
    let (marks, head) = (head.marks, head.metrics);
    let base = base.map(|b| b.metrics);
    let outcome = judge.clock.work(Work::Policy, || {
        policy::judge(
            settings,
            &Subject {
                path: &file.path,
                old_path: file.old_path.as_deref(),
                head: &head,
                base: base.as_ref(),
                marks: &marks,
                baseline: judge.baseline,
            },
            judge.today,
        )
    });
    Judged::Measured {
        report: Box::new(FileReport {
            path: file.path.clone(),
            old_path: file.old_path.clone(),
            status: Some(file.status.as_str()),
            metrics: head,
        }),
        findings: outcome.findings,
        judged: outcome.judged,
        stale: outcome.stale,
        base_grade: base.as_ref().map(|b| BaseGrade {
            grade: b.grade,
            score: b.score,
        }),
    }
}
