//! The `ratchet` section's vocabulary: how much a function that is already above a level may
//! grow before `mode: ratchet` flags it again, per metric — `ratchet.length_tolerance` (lines),
//! `ratchet.cyclomatic_tolerance` (decision points) and `ratchet.cognitive_tolerance` (points) —
//! each as a number (`20`) or a share of the function's base value (`"10%"`).
//!
//! The built-in tolerances are `length` 10 % and none for the others: one more decision point is
//! a change in how hard a function is to follow, a line added to a 400-line function is not
//! (docs/adoption.md has the measurement). `debtgate init` proposes complexity tolerances for an
//! old repository, where fixes to its giant functions add a guard or two. `max_nesting` and
//! `params` have none: one more of either is always a real change. The policy (`crate::policy`)
//! applies them; this file only names, parses and shows them.

use std::fmt;

use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use crate::rules::Metric;

/// Keys of `ratchet`.
pub(crate) const RATCHET_KEYS: &[&str] = &[
    "length_tolerance",
    "cyclomatic_tolerance",
    "cognitive_tolerance",
];

/// The metric each key of `ratchet` forgives growth of.
pub(crate) fn tolerance_metric(key: &str) -> Option<Metric> {
    match key {
        "length_tolerance" => Some(Metric::Length),
        "cyclomatic_tolerance" => Some(Metric::Cyclomatic),
        "cognitive_tolerance" => Some(Metric::Cognitive),
        _ => None,
    }
}

/// The most a percentage tolerance may say: ten times the base length.
const MAX_PERCENT: u32 = 1000;

/// How much a function already above a level may grow and stay unflagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tolerance {
    /// This many units of the metric (lines, decision points, cognitive points).
    Lines(u32),
    /// This share of the base value, in percent, rounded down to whole units.
    Percent(u32),
}

impl Tolerance {
    /// None: any increase counts.
    pub const NONE: Tolerance = Tolerance::Lines(0);

    /// The units a function whose value was `base` may grow by.
    pub fn allowed(self, base: f64) -> f64 {
        match self {
            Tolerance::Lines(n) => f64::from(n),
            Tolerance::Percent(p) => (base * f64::from(p) / 100.0).floor(),
        }
    }

    /// Parses the value as written: a whole number of lines, or `N%`.
    pub(crate) fn parse_percent(text: &str) -> Result<Tolerance, String> {
        let number = text
            .trim()
            .strip_suffix('%')
            .map(str::trim_end)
            .ok_or_else(|| {
                format!("expected a number of lines or a percentage such as 10%, found `{text}`")
            })?;
        match number.parse::<u32>() {
            Ok(p) if p <= MAX_PERCENT => Ok(Tolerance::Percent(p)),
            _ => Err(format!(
                "expected a whole percentage from 0% to {MAX_PERCENT}%, found `{text}`"
            )),
        }
    }
}

/// As written in the file: `20` or `10%`.
impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tolerance::Lines(n) => write!(f, "{n}"),
            Tolerance::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// `config show` writes a number of lines as a number and a percentage as a string.
impl Serialize for Tolerance {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Tolerance::Lines(n) => s.serialize_u32(*n),
            Tolerance::Percent(_) => s.serialize_str(&self.to_string()),
        }
    }
}

impl JsonSchema for Tolerance {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Tolerance".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number of lines, or a share of the function's base length such \
                            as \"10%\".",
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": u32::MAX},
                {"type": "string", "pattern": "^[0-9]+ *%$"},
            ],
        })
    }
}

/// The `ratchet` section in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatchetSettings {
    pub length_tolerance: Tolerance,
    pub cyclomatic_tolerance: Tolerance,
    pub cognitive_tolerance: Tolerance,
}

impl RatchetSettings {
    /// Any increase of anything counts, `length` included.
    pub const STRICT: RatchetSettings = RatchetSettings {
        length_tolerance: Tolerance::NONE,
        cyclomatic_tolerance: Tolerance::NONE,
        cognitive_tolerance: Tolerance::NONE,
    };

    /// The tolerance for `metric` and the key that sets it; `None` for metrics without one.
    pub fn tolerance(&self, metric: Metric) -> Option<(Tolerance, &'static str)> {
        match metric {
            Metric::Length => Some((self.length_tolerance, "length_tolerance")),
            Metric::Cyclomatic => Some((self.cyclomatic_tolerance, "cyclomatic_tolerance")),
            Metric::Cognitive => Some((self.cognitive_tolerance, "cognitive_tolerance")),
            _ => None,
        }
    }

    /// The tolerance for `metric` and its key when it forgives anything (it is not 0).
    pub fn forgiving(&self, metric: Metric) -> Option<(Tolerance, &'static str)> {
        self.tolerance(metric)
            .filter(|(t, _)| *t != Tolerance::NONE)
    }

    /// Whether `value` is worse than `base` by enough to count: more than the metric's
    /// tolerance, or any increase for a metric without one. The ratchet, the baseline and
    /// `explain` all ask it.
    pub fn grew(&self, metric: Metric, value: f64, base: f64) -> bool {
        match self.tolerance(metric) {
            Some((t, _)) => value - base > t.allowed(base),
            None => value > base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerances_parse_and_allow_whole_lines() {
        assert_eq!(Tolerance::parse_percent("10%"), Ok(Tolerance::Percent(10)));
        assert_eq!(Tolerance::parse_percent(" 5 %"), Ok(Tolerance::Percent(5)));
        assert!(Tolerance::parse_percent("10").is_err());
        assert!(Tolerance::parse_percent("-1%").is_err());
        assert!(Tolerance::parse_percent("1001%").is_err());
        assert!(Tolerance::parse_percent("2.5%").is_err());
        assert_eq!(Tolerance::Percent(10).allowed(319.0), 31.0);
        assert_eq!(Tolerance::Percent(10).allowed(9.0), 0.0);
        assert_eq!(Tolerance::Lines(20).allowed(1000.0), 20.0);
        assert_eq!(Tolerance::Percent(10).to_string(), "10%");
        assert_eq!(Tolerance::Lines(0).to_string(), "0");
    }

    #[test]
    fn each_metric_grows_by_its_own_tolerance() {
        let r = RatchetSettings {
            length_tolerance: Tolerance::Percent(10),
            cyclomatic_tolerance: Tolerance::Lines(5),
            cognitive_tolerance: Tolerance::Percent(20),
        };
        assert!(!r.grew(Metric::Cyclomatic, 45.0, 40.0));
        assert!(r.grew(Metric::Cyclomatic, 46.0, 40.0));
        assert!(
            r.grew(Metric::Cyclomatic, 50.0, 40.0),
            "ten more decisions always count"
        );
        assert!(!r.grew(Metric::Cognitive, 120.0, 100.0));
        assert!(r.grew(Metric::Cognitive, 121.0, 100.0));
        assert!(
            r.grew(Metric::MaxNesting, 5.0, 4.0),
            "nesting has no tolerance"
        );
        assert!(r.grew(Metric::Params, 8.0, 7.0), "params have no tolerance");
        assert!(!r.grew(Metric::Length, 330.0, 300.0));
        assert!(RatchetSettings::STRICT.grew(Metric::Cyclomatic, 41.0, 40.0));
        assert!(!RatchetSettings::STRICT.grew(Metric::Cyclomatic, 40.0, 40.0));
    }
}
