//! What a mode flags about one value against its thresholds, and why ([`Reason`]); the words a
//! finding says it in.
//!
//! `new` flags a touched function as it is. `ratchet` asks what got worse:
//!
//! - a value that was within a level before the change and is above it now **crossed** it and is
//!   flagged at that level, as in `new`;
//! - a value that was already above the level is flagged only when it got **worse**: any
//!   increase of max_nesting or params; for `length`, `cyclomatic` and `cognitive`, growth beyond
//!   the metric's tolerance (`ratchet.length_tolerance`, …: a long function gains a line with
//!   almost any fix, and a gate that fails those gets switched off: docs/adoption.md);
//! - anything else — the same, better, or worse but within the tolerance — is old debt, not this
//!   change's, and is not flagged.
//!
//! `absolute` flags every value as it is.

use crate::config::{Level, PolicyMode, RatchetSettings};
use crate::rules::{Metric, Reason, Severity};

/// The level `value` reaches and why the mode flags it; `None` when the mode lets it pass.
/// `base` is the value in the function's base version, when it has one.
pub(crate) fn flag(
    mode: PolicyMode,
    metric: Metric,
    level: &Level,
    value: f64,
    base: Option<f64>,
    tolerance: RatchetSettings,
) -> Option<(Severity, Reason)> {
    let severity = level.check(value)?;
    let reason = match (mode, base) {
        (PolicyMode::Absolute, _) => Reason::Absolute,
        (_, None) => Reason::New,
        (PolicyMode::New, Some(_)) => Reason::Changed,
        (PolicyMode::Ratchet, Some(b)) => {
            // `None < Some(Warn) < Some(Fail)`: the base was below this level.
            if level.check(b) < Some(severity) {
                Reason::Crossed
            } else if tolerance.grew(metric, value, b) {
                Reason::Worse
            } else {
                return None;
            }
        }
    };
    Some((severity, reason))
}

/// What a metric finding says: the values, the threshold and where it was set, and why it was
/// flagged: `cyclomatic 28 → 33 (allowed 30, from default): crossed the fail level`.
pub(super) fn message(
    metric: Metric,
    (value, base): (f64, Option<f64>),
    (severity, reason): (Severity, Reason),
    (threshold, source): (f64, &str),
    tolerance: RatchetSettings,
) -> String {
    let values = match base {
        Some(b) => format!("{metric} {b} → {value}"),
        None => format!("{metric} is {value}"),
    };
    let level = severity.name();
    let why = match reason {
        Reason::New => "a new function".to_string(),
        Reason::Changed => "the change touches this function".to_string(),
        Reason::Crossed => format!("crossed the {level} level in this change"),
        Reason::Worse if metric == Metric::Length => {
            let b = base.unwrap_or(value);
            let t = tolerance.length_tolerance;
            format!(
                "already above the {level} level, and grew by {} lines, more than \
                 ratchet.length_tolerance {t} ({} lines)",
                value - b,
                t.allowed(b)
            )
        }
        Reason::Worse => match tolerance.forgiving(metric) {
            Some((t, key)) => {
                let b = base.unwrap_or(value);
                format!(
                    "already above the {level} level, and grew by {}, more than ratchet.{key} \
                     {t} ({})",
                    value - b,
                    t.allowed(b)
                )
            }
            None => format!("already above the {level} level, and got worse"),
        },
        Reason::Absolute => String::new(),
    };
    let mut m = format!("{values} (allowed {threshold}, from {source})");
    if !why.is_empty() {
        m.push_str(": ");
        m.push_str(&why);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Tolerance;

    const LEVEL: Level = Level {
        warn: Some(100.0),
        fail: Some(300.0),
    };
    /// Length 10 %, the complexity metrics none: the built-in tolerances.
    const TEN_PERCENT: RatchetSettings = RatchetSettings {
        length_tolerance: Tolerance::Percent(10),
        ..RatchetSettings::STRICT
    };

    fn ratchet(metric: Metric, value: f64, base: f64) -> Option<(Severity, Reason)> {
        flag(
            PolicyMode::Ratchet,
            metric,
            &LEVEL,
            value,
            Some(base),
            TEN_PERCENT,
        )
    }

    #[test]
    fn a_first_crossing_is_flagged_as_in_new_mode() {
        use Severity::*;
        assert_eq!(
            ratchet(Metric::Length, 301.0, 300.0),
            Some((Fail, Reason::Crossed))
        );
        assert_eq!(
            ratchet(Metric::Length, 301.0, 150.0),
            Some((Fail, Reason::Crossed))
        );
        assert_eq!(
            ratchet(Metric::Length, 101.0, 100.0),
            Some((Warn, Reason::Crossed))
        );
        assert_eq!(
            ratchet(Metric::Cyclomatic, 301.0, 99.0),
            Some((Fail, Reason::Crossed))
        );
    }

    #[test]
    fn length_above_a_level_may_grow_within_the_tolerance() {
        use Severity::*;
        // 10 % of 310 is 31 lines.
        assert_eq!(ratchet(Metric::Length, 341.0, 310.0), None);
        assert_eq!(
            ratchet(Metric::Length, 342.0, 310.0),
            Some((Fail, Reason::Worse))
        );
        assert_eq!(ratchet(Metric::Length, 120.0, 110.0), None);
        assert_eq!(
            ratchet(Metric::Length, 122.0, 110.0),
            Some((Warn, Reason::Worse))
        );
        assert_eq!(ratchet(Metric::Length, 250.0, 310.0), None, "better");
    }

    #[test]
    fn other_metrics_above_a_level_may_not_grow_at_all() {
        assert_eq!(
            ratchet(Metric::Cyclomatic, 311.0, 310.0),
            Some((Severity::Fail, Reason::Worse))
        );
        assert_eq!(ratchet(Metric::Cyclomatic, 310.0, 310.0), None);
        assert_eq!(
            ratchet(Metric::Params, 150.0, 101.0),
            Some((Severity::Warn, Reason::Worse))
        );
    }

    #[test]
    fn complexity_above_a_level_may_grow_within_its_own_tolerance() {
        let tolerant = RatchetSettings {
            cyclomatic_tolerance: Tolerance::Lines(5),
            cognitive_tolerance: Tolerance::Percent(20),
            ..TEN_PERCENT
        };
        let flag_it = |metric, value, base| {
            flag(
                PolicyMode::Ratchet,
                metric,
                &LEVEL,
                value,
                Some(base),
                tolerant,
            )
        };
        assert_eq!(flag_it(Metric::Cyclomatic, 315.0, 310.0), None);
        assert_eq!(
            flag_it(Metric::Cyclomatic, 316.0, 310.0),
            Some((Severity::Fail, Reason::Worse))
        );
        assert_eq!(
            flag_it(Metric::Cognitive, 372.0, 310.0),
            None,
            "20 % of 310 is 62"
        );
        assert_eq!(
            flag_it(Metric::Cognitive, 373.0, 310.0),
            Some((Severity::Fail, Reason::Worse))
        );
        // A first crossing is never forgiven, however small.
        assert_eq!(
            flag_it(Metric::Cyclomatic, 301.0, 299.0),
            Some((Severity::Fail, Reason::Crossed))
        );
        let m = message(
            Metric::Cyclomatic,
            (316.0, Some(310.0)),
            (Severity::Fail, Reason::Worse),
            (300.0, "default"),
            tolerant,
        );
        assert_eq!(
            m,
            "cyclomatic 310 → 316 (allowed 300, from default): already above the fail level, and \
             grew by 6, more than ratchet.cyclomatic_tolerance 5 (5)"
        );
    }

    #[test]
    fn new_and_absolute_judge_values_as_they_are() {
        let new = |base| {
            flag(
                PolicyMode::New,
                Metric::Length,
                &LEVEL,
                301.0,
                base,
                TEN_PERCENT,
            )
        };
        assert_eq!(new(None), Some((Severity::Fail, Reason::New)));
        assert_eq!(new(Some(400.0)), Some((Severity::Fail, Reason::Changed)));
        let absolute = flag(
            PolicyMode::Absolute,
            Metric::Length,
            &LEVEL,
            301.0,
            Some(301.0),
            TEN_PERCENT,
        );
        assert_eq!(absolute, Some((Severity::Fail, Reason::Absolute)));
        assert_eq!(
            flag(
                PolicyMode::New,
                Metric::Length,
                &LEVEL,
                99.0,
                None,
                TEN_PERCENT
            ),
            None
        );
    }

    #[test]
    fn messages_say_base_to_new_and_why() {
        let m = message(
            Metric::Length,
            (342.0, Some(310.0)),
            (Severity::Fail, Reason::Worse),
            (300.0, "default"),
            TEN_PERCENT,
        );
        assert_eq!(
            m,
            "length 310 → 342 (allowed 300, from default): already above the fail level, and \
             grew by 32 lines, more than ratchet.length_tolerance 10% (31 lines)"
        );
        let m = message(
            Metric::Cyclomatic,
            (33.0, Some(28.0)),
            (Severity::Fail, Reason::Crossed),
            (30.0, ".debtgate.yaml:thresholds.cyclomatic"),
            TEN_PERCENT,
        );
        assert_eq!(
            m,
            "cyclomatic 28 → 33 (allowed 30, from .debtgate.yaml:thresholds.cyclomatic): \
             crossed the fail level in this change"
        );
    }
}
