//! The shared vocabulary of the policy and the reports: the rules a finding can name ([`Metric`]
//! for the per-function thresholds, [`GRADE_RULE`], [`SUPPRESSION_RULE`]), how bad a finding is
//! ([`Severity`]), why a mode judged it ([`Reason`]), the [`Finding`] itself with its stable [`fingerprint`], and the rule
//! [`catalogue`] that formats listing rules describe them from.
//!
//! `policy/` produces findings in these words and `report/` renders them; neither imports the
//! other for them. This module depends only on `analysis` (a metric reads its value from a
//! measured function), so every stage may use it.

mod catalogue;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::analysis::FunctionMetrics;

pub use catalogue::{catalogue, RuleInfo};

/// A per-function measurement that thresholds apply to (definitions: `docs/metrics.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Cyclomatic,
    Cognitive,
    MaxNesting,
    Length,
    Params,
}

impl Metric {
    /// Every metric, in the order the config file, the schema and reports list them.
    pub const ALL: [Metric; 5] = [
        Metric::Cyclomatic,
        Metric::Cognitive,
        Metric::MaxNesting,
        Metric::Length,
        Metric::Params,
    ];

    /// The name used in the config file and in findings.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cyclomatic => "cyclomatic",
            Metric::Cognitive => "cognitive",
            Metric::MaxNesting => "max_nesting",
            Metric::Length => "length",
            Metric::Params => "params",
        }
    }

    /// One line saying what the number counts, for `explain` and the JSON Schema.
    pub fn description(self) -> &'static str {
        match self {
            Metric::Cyclomatic => "McCabe cyclomatic complexity: 1 + decision points",
            Metric::Cognitive => {
                "cognitive complexity (SonarSource): structure weighted by nesting"
            }
            Metric::MaxNesting => "deepest nesting of control structures (0 when flat)",
            Metric::Length => "lines from the signature to the closing line",
            Metric::Params => "declared parameters, receivers (self, this) not counted",
        }
    }

    /// This metric's value for one function.
    pub fn value(self, f: &FunctionMetrics) -> f64 {
        match self {
            Metric::Cyclomatic => f64::from(f.cyclomatic),
            Metric::Cognitive => f64::from(f.cognitive),
            Metric::MaxNesting => f64::from(f.max_nesting),
            // Exact: no function has 2^53 lines.
            Metric::Length => f.length as f64,
            Metric::Params => f64::from(f.params),
        }
    }

    /// Position in [`Metric::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not in [`Metric::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown metric `{0}`")]
pub struct UnknownMetric(pub String);

impl FromStr for Metric {
    type Err = UnknownMetric;

    fn from_str(s: &str) -> Result<Metric, UnknownMetric> {
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| UnknownMetric(s.to_owned()))
    }
}

/// The rule name of a file's grade check.
pub const GRADE_RULE: &str = "grade";
/// The rule name of a suppression that does not count.
pub const SUPPRESSION_RULE: &str = "suppression";

/// How bad a value is against its [`Level`](crate::config::Level).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    Fail,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Fail => "fail",
        }
    }
}

/// Why the mode judged a value that is over its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The function (or file) is new in this change.
    New,
    /// `mode: new`: the change touched the function, which is over the threshold.
    Changed,
    /// `mode: ratchet`: the value was within this level before the change and is above it now.
    Crossed,
    /// `mode: ratchet`: the value was already above this level and got worse (for `length`, by
    /// more than `ratchet.length_tolerance`); for a grade, the file's grade dropped.
    Worse,
    /// `mode: absolute` or `check --all`: every function is judged as it is.
    Absolute,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Crossed => "crossed",
            Reason::Worse => "worse",
            Reason::Absolute => "absolute",
        }
    }
}

/// A threshold finding (produced by the policy stage).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub level: Severity,
    pub path: String,
    pub line: usize,
    pub function: Option<String>,
    pub value: f64,
    pub threshold: f64,
    pub base_value: Option<f64>,
    pub fingerprint: String,
    pub message: String,
    pub suppressed: bool,
    /// Why the mode judged it (absent for a suppression finding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Known debt: the baseline file lists this finding and the value is not worse than there.
    /// A baseline finding never fails the gate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
}

impl Finding {
    /// Whether it counts against the verdict at its level: not suppressed, not in the baseline.
    pub fn active(&self) -> bool {
        !self.suppressed && !self.baseline
    }
}

/// A stable identity for a finding: path, function, occurrence, rule — never a line number.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(&[0]);
    }
    h.finalize().to_hex()[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_round_trip() {
        for m in Metric::ALL {
            assert_eq!(m.name().parse::<Metric>(), Ok(m));
            assert_eq!(Metric::ALL[m.index()], m);
        }
        assert_eq!(
            "cyclomatc".parse::<Metric>(),
            Err(UnknownMetric("cyclomatc".into()))
        );
    }
}
