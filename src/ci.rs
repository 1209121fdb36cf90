//! `debtgate check --ci`: the gate inside GitHub Actions with no flags. Reads which change to
//! judge from the event that started the workflow, and writes the verdict where GitHub shows it.
//!
//! - The range comes from `GITHUB_EVENT_NAME` and the payload at `GITHUB_EVENT_PATH`:
//!   `pull_request` (and `pull_request_target`) judge `base.sha...head.sha`; `merge_group` its
//!   `base_sha...head_sha`; `push` judges `before...after`, and a new branch (`before` all zeros)
//!   is judged against the repository's default branch (`origin/<default_branch>`). Any other
//!   event, or a payload without the SHAs, is an error that says so: the gate fails closed rather
//!   than judge an empty change (LESSONS.md). A base missing from a shallow checkout is reported
//!   by `change/` with the `fetch-depth` to use.
//! - After the check, the Markdown summary is appended to `GITHUB_STEP_SUMMARY` (capped under
//!   1 MiB) and `verdict=`, `failures=`, `warnings=` to `GITHUB_OUTPUT`; the annotations are the
//!   `github` format on stdout, the default format in CI.
//!
//! Reading the environment is kept apart from interpreting it ([`Event::range`] takes the name
//! and payload), so tests replay payloads without touching the process environment.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use serde_json::Value;

use crate::report::{self, Report, Verdict};

/// Why the CI step cannot go on: the event does not say what to judge (the gate fails closed), or
/// a file or git could not be used. The messages say what to do.
#[derive(Debug, thiserror::Error)]
pub enum CiError {
    #[error("{0}")]
    Event(String),
    #[error("{what}")]
    Env {
        what: &'static str,
        #[source]
        source: std::env::VarError,
    },
    #[error("{what}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{what}")]
    Json {
        what: String,
        #[source]
        source: serde_json::Error,
    },
}

type Result<T, E = CiError> = std::result::Result<T, E>;

fn io(what: impl FnOnce() -> String) -> impl FnOnce(std::io::Error) -> CiError {
    move |source| CiError::Io {
        what: what(),
        source,
    }
}

/// `true` when running in GitHub Actions (`GITHUB_ACTIONS=true`) and not switched off with
/// `DEBTGATE_CI=0`.
pub fn in_github_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
        && std::env::var("DEBTGATE_CI").map_or(true, |v| v != "0")
}

/// The range a GitHub event asks to judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub base: String,
    pub head: String,
}

/// A GitHub Actions event: its name and payload.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub payload: Value,
}

impl Event {
    /// The event of this workflow run, from `GITHUB_EVENT_NAME` and `GITHUB_EVENT_PATH`.
    pub fn from_env() -> Result<Event> {
        let name = std::env::var("GITHUB_EVENT_NAME").map_err(|source| CiError::Env {
            what: "--ci needs GITHUB_EVENT_NAME (set by GitHub Actions); or pass --base",
            source,
        })?;
        let path = std::env::var_os("GITHUB_EVENT_PATH")
            .map(PathBuf::from)
            .ok_or_else(|| {
                CiError::Event(
                    "--ci needs GITHUB_EVENT_PATH (set by GitHub Actions); or pass --base".into(),
                )
            })?;
        let text = std::fs::read(&path).map_err(io(|| {
            format!("cannot read the event payload {}", path.display())
        }))?;
        let payload = serde_json::from_slice(&text).map_err(|source| CiError::Json {
            what: format!("the event payload {} is not JSON", path.display()),
            source,
        })?;
        Ok(Event { name, payload })
    }

    /// Which change this event asks the gate to judge.
    pub fn range(&self) -> Result<Range> {
        let p = &self.payload;
        match self.name.as_str() {
            "pull_request" | "pull_request_target" | "pull_request_review" => Ok(Range {
                base: sha(p, "/pull_request/base/sha")?,
                head: sha(p, "/pull_request/head/sha")?,
            }),
            "merge_group" => Ok(Range {
                base: sha(p, "/merge_group/base_sha")?,
                head: sha(p, "/merge_group/head_sha")?,
            }),
            "push" => {
                let after = sha(p, "/after")?;
                if is_zero(&after) {
                    return Err(CiError::Event(
                        "this push deletes a branch: there is no change to judge".into(),
                    ));
                }
                let before = sha(p, "/before")?;
                let base = if is_zero(&before) {
                    // A new branch: what it adds on top of the default branch.
                    let default = p
                        .pointer("/repository/default_branch")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            CiError::Event(
                                "a push that creates a branch has no `before`, and the payload \
                                 names no repository.default_branch to judge it against; pass \
                                 --base"
                                    .into(),
                            )
                        })?;
                    format!("origin/{default}")
                } else {
                    before
                };
                Ok(Range { base, head: after })
            }
            other => Err(CiError::Event(format!(
                "the `{other}` event names no change to judge; run debtgate on pull_request, \
                 push or merge_group events, or pass --base REV"
            ))),
        }
    }
}

fn sha(payload: &Value, pointer: &str) -> Result<String> {
    payload
        .pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| CiError::Event(format!("the event payload has no `{pointer}`")))
}

fn is_zero(sha: &str) -> bool {
    sha.bytes().all(|b| b == b'0')
}

/// Writes the step summary and outputs, when GitHub provided their files.
pub fn publish(report: &Report) -> Result<()> {
    write_summary(report)?;
    if let Some(path) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) {
        append(&PathBuf::from(path), outputs(report).as_bytes())?;
    }
    Ok(())
}

/// A skipped run (`commands/skip.rs`) in the step's outputs (`verdict=skipped`) and summary.
pub fn publish_skipped(why: &str) -> Result<()> {
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let text = report::render_skipped(why);
        append(&PathBuf::from(path), text.as_bytes())?;
    }
    if let Some(path) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) {
        append(&PathBuf::from(path), b"verdict=skipped\n")?;
    }
    Ok(())
}

/// Appends the Markdown summary to `GITHUB_STEP_SUMMARY`, when GitHub provided the file.
pub fn write_summary(report: &Report) -> Result<()> {
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let markdown = report::render_markdown_capped(report, report::SUMMARY_LIMIT);
        append(&PathBuf::from(path), markdown.as_bytes())?;
    }
    Ok(())
}

/// The step outputs, one `name=value` line each.
pub fn outputs(report: &Report) -> String {
    let verdict = match report.verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
    };
    format!(
        "verdict={verdict}\nfailures={}\nwarnings={}\n",
        report.summary.failures, report.summary.warnings
    )
}

fn append(path: &PathBuf, bytes: &[u8]) -> Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(io(|| format!("cannot open {}", path.display())))?;
    file.write_all(bytes)
        .map_err(io(|| format!("cannot write {}", path.display())))
}

/// `--fetch-base`: makes sure `base`, `head` and their merge-base are in the repository at `dir`,
/// fetching from `origin` what a shallow or single-branch checkout lacks: the missing commits by
/// id, then deeper history (50, 200, 1000 commits, then all) until the merge-base appears. Each
/// fetch is said on stderr. Uses the git CLI, which knows the checkout's credentials.
pub fn fetch_base(dir: &std::path::Path, base: &str, head: &str) -> Result<()> {
    for rev in [base, head] {
        if !git_ok(dir, &["cat-file", "-e", &format!("{rev}^{{commit}}")]) {
            note!("debtgate: fetching {rev} from origin");
            // `origin/main` (a new branch's base) is the remote's branch, not an object id.
            let spec = match rev.strip_prefix("origin/") {
                Some(branch) => format!("+refs/heads/{branch}:refs/remotes/origin/{branch}"),
                None => rev.to_string(),
            };
            git_run(dir, &["fetch", "--no-tags", "--quiet", "origin", &spec])?;
        }
    }
    let base = if git_ok(dir, &["cat-file", "-e", &format!("{base}^{{commit}}")]) {
        base.to_string()
    } else {
        "FETCH_HEAD".to_string()
    };
    for depth in ["50", "200", "1000", ""] {
        if git_ok(dir, &["merge-base", &base, head]) {
            return Ok(());
        }
        if !git_ok(dir, &["rev-parse", "--is-shallow-repository"])
            || git_out(dir, &["rev-parse", "--is-shallow-repository"]) != "true"
        {
            return Ok(()); // full history: the range itself will say what is wrong
        }
        if depth.is_empty() {
            note!("debtgate: no merge-base yet; fetching the whole history");
            git_run(
                dir,
                &["fetch", "--no-tags", "--quiet", "--unshallow", "origin"],
            )?;
        } else {
            note!("debtgate: no merge-base yet; fetching {depth} more commits of history");
            git_run(
                dir,
                &[
                    "fetch",
                    "--no-tags",
                    "--quiet",
                    &format!("--deepen={depth}"),
                    "origin",
                ],
            )?;
            // Deepening follows only fetched refs; the base by id as well.
            let _ = git_ok(
                dir,
                &[
                    "fetch",
                    "--no-tags",
                    "--quiet",
                    &format!("--deepen={depth}"),
                    "origin",
                    &base,
                ],
            );
        }
    }
    Ok(())
}

fn git(dir: &std::path::Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
}

fn git_ok(dir: &std::path::Path, args: &[&str]) -> bool {
    git(dir, args).is_ok_and(|o| o.status.success())
}

fn git_out(dir: &std::path::Path, args: &[&str]) -> String {
    git(dir, args)
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn git_run(dir: &std::path::Path, args: &[&str]) -> Result<()> {
    let out = git(dir, args).map_err(io(|| "cannot run git (is it installed?)".into()))?;
    if !out.status.success() {
        return Err(CiError::Event(format!(
            "--fetch-base: `git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(name: &str, payload: Value) -> Event {
        Event {
            name: name.into(),
            payload,
        }
    }

    #[test]
    fn pull_request_judges_base_sha_to_head_sha() {
        let e = event(
            "pull_request",
            json!({"pull_request": {"base": {"sha": "b1"}, "head": {"sha": "h1"}}}),
        );
        assert_eq!(
            e.range().expect("a range"),
            Range {
                base: "b1".into(),
                head: "h1".into()
            }
        );
    }

    #[test]
    fn push_of_a_new_branch_judges_against_the_default_branch() {
        let zero = "0".repeat(40);
        let e = event(
            "push",
            json!({"before": zero, "after": "a1", "repository": {"default_branch": "trunk"}}),
        );
        assert_eq!(e.range().expect("a range").base, "origin/trunk");
        let deleted = event("push", json!({"before": "a1", "after": zero}));
        assert!(deleted.range().is_err());
    }

    #[test]
    fn other_events_and_missing_shas_fail_closed() {
        let err = event("schedule", json!({})).range().expect_err("no range");
        assert!(err.to_string().contains("--base"), "{err}");
        let err = event("pull_request", json!({"pull_request": {}}))
            .range()
            .expect_err("no shas");
        assert!(err.to_string().contains("/pull_request/base/sha"), "{err}");
    }
}
