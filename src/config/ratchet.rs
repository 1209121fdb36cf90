//! The `ratchet` section's vocabulary: how much a function that is already above a `length`
//! level may grow before `mode: ratchet` flags it again (`ratchet.length_tolerance`), as a number
//! of lines (`20`) or a share of the function's base length (`"10%"`).
//!
//! Only `length` has a tolerance: one more decision point, nesting level or parameter is a real
//! change in how hard a function is to follow, but a line added to a 400-line function is not
//! (docs/adoption.md has the measurement behind the default). The policy (`crate::policy`) applies
//! it; this file only names, parses and shows it.

use std::fmt;

use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use crate::rules::Metric;

/// Keys of `ratchet`.
pub(crate) const RATCHET_KEYS: &[&str] = &["length_tolerance"];

/// The most a percentage tolerance may say: ten times the base length.
const MAX_PERCENT: u32 = 1000;

/// How much a function already above a `length` level may grow and stay unflagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tolerance {
    /// This many lines.
    Lines(u32),
    /// This share of the base length, in percent, rounded down to whole lines.
    Percent(u32),
}

impl Tolerance {
    /// The lines a function of `base` lines may grow by.
    pub fn allowed(self, base: f64) -> f64 {
        match self {
            Tolerance::Lines(n) => f64::from(n),
            Tolerance::Percent(p) => (base * f64::from(p) / 100.0).floor(),
        }
    }

    /// Whether `value` is worse than `base` by enough to count: more than this tolerance for
    /// `length`, any increase otherwise. The ratchet and the baseline both ask it.
    pub fn grew(self, metric: Metric, value: f64, base: f64) -> bool {
        match metric {
            Metric::Length => value - base > self.allowed(base),
            _ => value > base,
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
}
