//! `debtgate doctor`: why the gate behaves as it does here. Each check prints pass, fail, warn or
//! n/a with what was found and, when something is wrong, the fix. Exit 0 when nothing fails.
//!
//! It only reads: git's own answers (`git --version`, `git rev-parse`), the change-set module's
//! view of the repository, the configuration, the hooks directory, the store (never created
//! here) and the environment.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::change::Repo;
use crate::config::Settings;
use crate::exit::Exit;
use crate::hooks::{self, Kind, Owner};
use crate::store::open::LOCK_WAIT;
use crate::store::{Repair, Store};

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pass,
    Warn,
    Fail,
    NotApplicable,
}

impl State {
    fn label(self) -> &'static str {
        match self {
            State::Pass => "pass",
            State::Warn => "warn",
            State::Fail => "FAIL",
            State::NotApplicable => "n/a",
        }
    }
}

/// One line of the diagnosis.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: &'static str,
    pub state: State,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    fn new(name: &'static str, state: State, detail: impl Into<String>) -> Self {
        Check {
            name,
            state,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// Every check, in the order a user would want to read them.
pub fn diagnose(dir: &Path) -> Vec<Check> {
    let mut checks = vec![git_version(dir)];
    let repo = Repo::discover(dir);
    match &repo {
        Ok(repo) => checks.extend(repository(repo, dir)),
        Err(e) => checks.push(
            Check::new("repository", State::Fail, e.to_string())
                .fix("run debtgate inside a git repository (git init, or cd into one)"),
        ),
    }
    let root = repo.as_ref().map_or(dir, |r| r.root());
    checks.push(config(root));
    if repo.is_ok() {
        checks.extend(hooks_state(dir));
    }
    checks.push(store(repo.as_ref().ok()));
    checks.push(daemon(repo.as_ref().ok()));
    checks.push(ci());
    checks
}

/// The report and its exit status.
pub fn run(dir: &Path) -> (String, Exit) {
    let checks = diagnose(dir);
    let mut out = String::new();
    for c in &checks {
        let _ = writeln!(out, "{:<5} {:<12} {}", c.state.label(), c.name, c.detail);
        if let Some(fix) = &c.fix {
            let _ = writeln!(out, "{:<5} {:<12} fix: {fix}", "", "");
        }
    }
    let failed = checks.iter().any(|c| c.state == State::Fail);
    (out, if failed { Exit::Fail } else { Exit::Pass })
}

fn git_version(dir: &Path) -> Check {
    match Command::new("git")
        .arg("--version")
        .current_dir(dir)
        .output()
    {
        Ok(out) if out.status.success() => Check::new(
            "git",
            State::Pass,
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        ),
        Ok(out) => Check::new(
            "git",
            State::Fail,
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ),
        Err(e) => Check::new("git", State::Fail, format!("cannot run git: {e}"))
            .fix("install git; the hooks and `git commit` need it"),
    }
}

fn repository(repo: &Repo, dir: &Path) -> Vec<Check> {
    let mut checks = vec![Check::new(
        "repository",
        State::Pass,
        format!("worktree at {}", repo.root().display()),
    )];
    if repo.is_shallow() {
        checks.push(
            Check::new(
                "history",
                State::Warn,
                "shallow clone: `check --base` needs the merge-base",
            )
            .fix("git fetch --unshallow (or fetch-depth: 0 in actions/checkout)"),
        );
    } else {
        checks.push(Check::new("history", State::Pass, "complete (not shallow)"));
    }
    let head = match repo.resolve("HEAD") {
        Ok(id) => Check::new(
            "HEAD",
            State::Pass,
            format!("commit {}", &id[..12.min(id.len())]),
        ),
        Err(_) => Check::new(
            "HEAD",
            State::Pass,
            "unborn (no commit yet): everything staged is judged as new",
        ),
    };
    checks.push(head);
    let git_dir = rev_parse(dir, "--git-dir");
    let common = rev_parse(dir, "--git-common-dir");
    if let (Some(g), Some(c)) = (git_dir, common) {
        let linked = Path::new(&g).canonicalize().ok() != Path::new(&c).canonicalize().ok();
        if linked {
            checks.push(Check::new(
                "worktree",
                State::Pass,
                format!("linked worktree; hooks and settings are shared through {c}"),
            ));
        }
    }
    checks
}

fn rev_parse(dir: &Path, what: &str) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", what])
        .current_dir(dir)
        .output()
        .ok()?;
    out.status.success().then(|| {
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        dir.join(s).display().to_string()
    })
}

fn config(root: &Path) -> Check {
    match Settings::discover(root, None) {
        Ok(s) => Check::new(
            "config",
            State::Pass,
            format!("valid, from {} (mode {})", s.origin, s.mode),
        ),
        Err(e) => Check::new("config", State::Fail, e.to_string().replace('\n', "; "))
            .fix("debtgate config validate lists every problem with its line and column"),
    }
}

fn hooks_state(dir: &Path) -> Vec<Check> {
    let hooks_dir = match hooks::hooks_dir(dir) {
        Ok(d) => d,
        Err(e) => return vec![Check::new("hooks", State::Fail, e.to_string())],
    };
    [Kind::PreCommit, Kind::PrePush]
        .into_iter()
        .map(|kind| {
            let name = kind.name();
            match hooks::owner(&hooks_dir, kind) {
                Ok(owner @ Owner::Debtgate { .. }) => Check::new(
                    name,
                    State::Pass,
                    format!("{owner} ({})", hooks_dir.display()),
                ),
                Ok(Owner::None) => Check::new(
                    name,
                    State::Warn,
                    format!("no hook in {}", hooks_dir.display()),
                )
                .fix(format!(
                    "debtgate hook install{}",
                    if kind == Kind::PrePush {
                        " --pre-push"
                    } else {
                        ""
                    }
                )),
                Ok(owner) => Check::new(
                    name,
                    State::Warn,
                    format!("{owner} hook; debtgate does not run"),
                )
                .fix("debtgate hook install chains to it (see docs/hooks.md)"),
                Err(e) => Check::new(name, State::Fail, e.to_string()),
            }
        })
        .collect()
}

/// Where the store is, how big each tier is, and whether a sample of entries reads back. Never
/// creates a store that is not there.
fn store(repo: Option<&Repo>) -> Check {
    let Some(paths) = crate::config::store::store_near(repo).0 else {
        return Check::new(
            "store",
            State::NotApplicable,
            format!(
                "off ({} is set to off, or no repository)",
                crate::config::store::STORE_VAR
            ),
        );
    };
    if !paths.warm.exists() {
        return Check::new(
            "store",
            State::Pass,
            format!(
                "empty: {} is created by the first check",
                paths.warm.display()
            ),
        );
    }
    // A look, not a repair: a store a crash left is reported with the command that repairs it.
    let opened = Store::open_for_admin(paths.clone(), Repair::Within(LOCK_WAIT));
    let (store, stats) = match opened.and_then(|s| s.stats().map(|st| (s, st))) {
        Ok(found) => found,
        Err(e) => {
            return Check::new(
                "store",
                State::Warn,
                format!("{}: {e}", paths.warm.display()),
            )
            .fix("debtgate store clear (the gate runs without a store meanwhile)")
        }
    };
    let tiers = format!(
        "warm {} entries ({} KiB), cold {} entries ({} KiB) at {}",
        stats.warm.entries,
        stats.warm.stored_bytes / 1024,
        stats.cold.entries,
        stats.cold.stored_bytes / 1024,
        paths.warm.display()
    );
    match store.sample(SAMPLE) {
        Ok((good, 0)) => Check::new("store", State::Pass, format!("{tiers}; {good} read back")),
        Ok((good, bad)) => Check::new(
            "store",
            State::Warn,
            format!(
                "{tiers}; {bad} of {} sampled entries do not decode",
                good + bad
            ),
        )
        .fix("debtgate store verify (removes them; they are misses, never wrong results)"),
        Err(e) => Check::new(
            "store",
            State::Warn,
            format!("{tiers}; reading back failed: {e}"),
        ),
    }
}

/// Whether this repository's daemon runs and answers (it never starts one).
#[cfg(unix)]
fn daemon(repo: Option<&Repo>) -> Check {
    use crate::daemon::client::{self, Unavailable};
    let Some(repo) = repo else {
        return Check::new("daemon", State::NotApplicable, "no repository");
    };
    if !crate::daemon::enabled() {
        return Check::new(
            "daemon",
            State::NotApplicable,
            format!(
                "{} is off: check works in-process",
                crate::daemon::DAEMON_VAR
            ),
        );
    }
    let paths = crate::daemon::DaemonPaths::of(repo.common_dir());
    match client::status(&paths) {
        Ok(reply) => {
            let s = reply.status.unwrap_or_default();
            let n = |p: &str| s.pointer(p).cloned().unwrap_or_default();
            Check::new(
                "daemon",
                State::Pass,
                format!(
                    "running (pid {}, up {} s): queue high {} low {}, background {}/{} files",
                    reply.pid,
                    n("/uptime_secs"),
                    n("/queue/high"),
                    n("/queue/low"),
                    n("/background/done"),
                    n("/background/files")
                ),
            )
        }
        Err(Unavailable::NotRunning) => Check::new(
            "daemon",
            State::Pass,
            "not running: check works in-process (`debtgate daemon start` keeps the store warm)",
        ),
        Err(Unavailable::Stale) => Check::new(
            "daemon",
            State::Warn,
            format!("{} is stale: the daemon died", paths.socket.display()),
        )
        .fix("debtgate daemon status (removes it), then debtgate daemon start"),
        Err(why) => Check::new("daemon", State::Warn, why.to_string()).fix(
            "debtgate daemon stop, then debtgate daemon start; check meanwhile works in-process",
        ),
    }
}

#[cfg(not(unix))]
fn daemon(_repo: Option<&Repo>) -> Check {
    Check::new(
        "daemon",
        State::NotApplicable,
        "not supported on this platform: check works in-process",
    )
}

/// Store entries `doctor` decodes.
const SAMPLE: usize = 20;

fn ci() -> Check {
    let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let detail = if env("GITHUB_ACTIONS") {
        "GitHub Actions"
    } else if env("GITLAB_CI") {
        "GitLab CI"
    } else if env("CI") {
        "a CI system (CI is set)"
    } else {
        return Check::new("ci", State::NotApplicable, "not running in CI");
    };
    Check::new("ci", State::Pass, detail)
}
