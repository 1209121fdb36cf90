//! The time budget's vocabulary: the kinds of run a budget is set per (`budget.staged`, …), what
//! an exceeded budget does to the verdict (`on_budget_exceeded`), and durations as written
//! (`500ms`, `10s`, `2m`, `1m30s`; jiff's friendly format, ISO 8601 `PT5S` too).
//!
//! The budget itself (the deadline, which files run first) is `crate::budget`; this file only
//! names and parses what the configuration and `--budget` say.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The kinds of run a budget can be set for, as the report's `mode` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RunKind {
    /// The staged change: a pre-commit hook.
    Staged,
    /// Worktree files (`check --paths`): an editor.
    Worktree,
    /// A range: a pre-push hook or CI.
    Range,
    /// Every file at HEAD (`check --all`).
    All,
}

impl RunKind {
    pub const ALL: [RunKind; 4] = [
        RunKind::Staged,
        RunKind::Worktree,
        RunKind::Range,
        RunKind::All,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RunKind::Staged => "staged",
            RunKind::Worktree => "worktree",
            RunKind::Range => "range",
            RunKind::All => "all",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for RunKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a run whose budget ran out before every file was analysed concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnBudgetExceeded {
    /// The gate judges what it analysed; the report lists what it did not, with a notice.
    Pass,
    /// The gate fails: an incomplete run is not a pass.
    Fail,
}

impl OnBudgetExceeded {
    pub const ALL: [OnBudgetExceeded; 2] = [OnBudgetExceeded::Pass, OnBudgetExceeded::Fail];

    pub fn name(self) -> &'static str {
        match self {
            OnBudgetExceeded::Pass => "pass",
            OnBudgetExceeded::Fail => "fail",
        }
    }
}

impl fmt::Display for OnBudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OnBudgetExceeded {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        OnBudgetExceeded::ALL
            .into_iter()
            .find(|o| o.name() == s)
            .ok_or_else(|| format!("unknown value `{s}`; expected pass or fail"))
    }
}

/// Words that mean "no budget" on the command line.
const UNLIMITED: [&str; 2] = ["none", "off"];

/// A duration as written: `500ms`, `10s`, `2m`, `1m30s`, `PT5S`; `none` or `off` is no limit
/// (`None`). Zero is a valid budget (nothing gets analysed); negative durations are not.
pub fn parse_duration(text: &str) -> Result<Option<Duration>, String> {
    let text = text.trim();
    if UNLIMITED.contains(&text) {
        return Ok(None);
    }
    let expected = "expected a duration such as 500ms, 10s, 2m or 1m30s (or none)";
    let parsed: jiff::SignedDuration = text
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: {expected}"))?;
    if parsed.is_negative() {
        return Err(format!("`{text}` is negative: {expected}"));
    }
    Duration::try_from(parsed)
        .map(Some)
        .map_err(|_| format!("`{text}` is out of range: {expected}"))
}

/// A duration the way [`parse_duration`] reads it back, in the largest whole unit: `2m`, `5s`,
/// `1500ms`.
pub fn show_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 && d.as_nanos() > 0 {
        return format!("{}us", d.as_micros());
    }
    match ms {
        0 => "0ms".to_owned(),
        _ if ms.is_multiple_of(60_000) => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1000) => format!("{}s", ms / 1000),
        _ => format!("{ms}ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        let ms = |t: &str| parse_duration(t).map(|d| d.map(|d| d.as_millis()));
        assert_eq!(ms("500ms"), Ok(Some(500)));
        assert_eq!(ms("10s"), Ok(Some(10_000)));
        assert_eq!(ms("2m"), Ok(Some(120_000)));
        assert_eq!(ms("1m30s"), Ok(Some(90_000)));
        assert_eq!(ms("0ms"), Ok(Some(0)));
        assert_eq!(ms("none"), Ok(None));
        assert!(ms("-5s").unwrap_err().contains("negative"));
        assert!(ms("5").unwrap_err().contains("not a duration"));
        assert!(ms("3d").is_err(), "days vary in length");
    }

    #[test]
    fn shown_durations_read_back() {
        for ms in [0, 1, 500, 1500, 5000, 60_000, 90_000, 7_200_000] {
            let d = Duration::from_millis(ms);
            assert_eq!(parse_duration(&show_duration(d)), Ok(Some(d)), "{ms}");
        }
        assert_eq!(show_duration(Duration::from_secs(120)), "2m");
        assert_eq!(show_duration(Duration::from_millis(2500)), "2500ms");
    }
}
