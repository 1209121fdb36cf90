//! The levels the policy speaks in: the policy modes ([`PolicyMode`]) and the one comparison of a
//! value against its levels ([`Level::check`], [`GradeLevel::check`]). The metrics that have
//! thresholds ([`Metric`]) and the [`Severity`] a level gives are the shared vocabulary of
//! `crate::rules`; tests check that `config/default.yaml`, the JSON Schema and `docs/config.md`
//! name every metric.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::analysis::Grade;
use crate::rules::Severity;

/// Which functions of a change are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PolicyMode {
    /// Only functions that are added or whose body changed.
    New,
    /// A changed function fails only if it got worse than its base version (or is new and over
    /// a threshold).
    Ratchet,
    /// Every function in the changed files.
    Absolute,
}

impl PolicyMode {
    pub const ALL: [PolicyMode; 3] = [PolicyMode::New, PolicyMode::Ratchet, PolicyMode::Absolute];

    pub fn name(self) -> &'static str {
        match self {
            PolicyMode::New => "new",
            PolicyMode::Ratchet => "ratchet",
            PolicyMode::Absolute => "absolute",
        }
    }
}

impl fmt::Display for PolicyMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PolicyMode {
    type Err = String;

    fn from_str(s: &str) -> Result<PolicyMode, String> {
        PolicyMode::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("unknown mode `{s}`"))
    }
}

/// The warn and fail thresholds of one metric. A value *above* a threshold reaches it
/// (`fail: 20` lets 20 pass and fails 21), as lizard and clippy count; `None` means never.
///
/// The file format takes whole numbers only (every metric is a count); the values are `f64`
/// because findings carry values and thresholds as `f64`, next to file scores.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Level {
    pub warn: Option<f64>,
    pub fail: Option<f64>,
}

impl Level {
    /// The one comparison of a metric value against its thresholds.
    pub fn check(&self, value: f64) -> Option<Severity> {
        let above = |t: Option<f64>| t.is_some_and(|t| value > t);
        if above(self.fail) {
            Some(Severity::Fail)
        } else if above(self.warn) {
            Some(Severity::Warn)
        } else {
            None
        }
    }

    /// The threshold that `severity` is judged against, if any.
    pub fn threshold(&self, severity: Severity) -> Option<f64> {
        match severity {
            Severity::Warn => self.warn,
            Severity::Fail => self.fail,
        }
    }
}

/// The minimum TDG grades of a changed file: a grade *below* `fail` fails, below `warn` warns;
/// `None` means never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GradeLevel {
    pub warn: Option<Grade>,
    pub fail: Option<Grade>,
}

impl GradeLevel {
    /// The one comparison of a file's grade against the minimum grades (through `Grade`'s `Ord`,
    /// where better is greater).
    pub fn check(&self, grade: Grade) -> Option<Severity> {
        let below = |min: Option<Grade>| min.is_some_and(|min| grade < min);
        if below(self.fail) {
            Some(Severity::Fail)
        } else if below(self.warn) {
            Some(Severity::Warn)
        } else {
            None
        }
    }
}

/// Every grade, best first (derived from the score bands, so it cannot drift from them).
pub(crate) fn all_grades() -> Vec<Grade> {
    let mut grades: Vec<Grade> = (0..=100)
        .rev()
        .map(|s| Grade::from_score(f64::from(s)))
        .collect();
    grades.dedup();
    grades
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_names_round_trip() {
        for m in PolicyMode::ALL {
            assert_eq!(m.name().parse::<PolicyMode>(), Ok(m));
        }
        assert!("strict".parse::<PolicyMode>().is_err());
    }

    #[test]
    fn a_value_reaches_a_level_only_above_it() {
        let level = Level {
            warn: Some(10.0),
            fail: Some(20.0),
        };
        assert_eq!(level.check(10.0), None);
        assert_eq!(level.check(11.0), Some(Severity::Warn));
        assert_eq!(level.check(20.0), Some(Severity::Warn));
        assert_eq!(level.check(21.0), Some(Severity::Fail));
        assert_eq!(Level::default().check(f64::MAX), None);
        let fail_only = Level {
            warn: None,
            fail: Some(5.0),
        };
        assert_eq!(fail_only.check(5.0), None);
        assert_eq!(fail_only.check(6.0), Some(Severity::Fail));
        assert_eq!(fail_only.threshold(Severity::Fail), Some(5.0));
    }

    #[test]
    fn a_grade_reaches_a_level_only_below_it() {
        let level = GradeLevel {
            warn: Some(Grade::C),
            fail: Some(Grade::D),
        };
        assert_eq!(level.check(Grade::APlus), None);
        assert_eq!(level.check(Grade::C), None);
        assert_eq!(level.check(Grade::CMinus), Some(Severity::Warn));
        assert_eq!(level.check(Grade::D), Some(Severity::Warn));
        assert_eq!(level.check(Grade::F), Some(Severity::Fail));
    }

    #[test]
    fn all_grades_lists_eleven_best_first() {
        let names: Vec<&str> = all_grades().iter().map(|g| g.as_str()).collect();
        assert_eq!(
            names,
            ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D", "F"]
        );
    }
}
