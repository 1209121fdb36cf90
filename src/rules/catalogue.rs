//! The rule catalogue: every rule a finding can name, with the words the formats that list rules
//! (SARIF's `rules`, Code Quality's check names) describe it in. Kept in step with the policy by
//! the test below: a rule the policy emits and the catalogue lacks fails it.

use super::{Metric, GRADE_RULE, SUPPRESSION_RULE};

/// A rule a finding can name, as the formats that list rules (SARIF, Code Quality) describe it.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    /// A readable name, distinct from the id (SARIF wants them to differ).
    pub name: &'static str,
    /// One line: what the number counts.
    pub short: &'static str,
    /// What to do about a finding.
    pub help: &'static str,
}

/// Every rule a finding can name: one per metric, the file grade, and a suppression that does not
/// apply. Kept in step with `policy/` by the test below.
pub fn catalogue() -> Vec<RuleInfo> {
    let mut rules: Vec<RuleInfo> = Metric::ALL
        .into_iter()
        .map(|m| RuleInfo {
            id: m.name(),
            name: match m {
                Metric::Cyclomatic => "CyclomaticComplexityTooHigh",
                Metric::Cognitive => "CognitiveComplexityTooHigh",
                Metric::MaxNesting => "NestingTooDeep",
                Metric::Length => "FunctionTooLong",
                Metric::Params => "TooManyParameters",
            },
            short: m.description(),
            help: metric_help(m),
        })
        .collect();
    rules.push(RuleInfo {
        id: GRADE_RULE,
        name: "FileGradeTooLow",
        short: "file grade (TDG score, 0-100) below the configured minimum",
        help: "The file's technical-debt grade fell below the minimum. The score combines \
               function complexity, length, parameters, duplication and SATD markers \
               (docs/metrics.md); improve the functions listed for this file or remove \
               duplicated code. `debtgate explain PATH` shows what costs the most.",
    });
    rules.push(RuleInfo {
        id: SUPPRESSION_RULE,
        name: "SuppressionDoesNotApply",
        short: "a debtgate suppression comment that does not apply",
        help: "A `debtgate: allow(...)` comment names no known rule, has no reason or has \
               expired, so it suppresses nothing. Fix the comment or remove it.",
    });
    rules
}

fn metric_help(m: Metric) -> &'static str {
    match m {
        Metric::Cyclomatic => {
            "Too many independent paths through one function make it hard to test. Split the \
             function, replace conditionals with lookups or early returns."
        }
        Metric::Cognitive => {
            "The function is hard to read: nested and interleaved control flow. Extract the \
             nested parts into named functions and flatten conditions with early returns."
        }
        Metric::MaxNesting => {
            "Deeply nested control structures hide the main path. Return early, invert \
             conditions, or extract the inner blocks."
        }
        Metric::Length => {
            "A long function does several things. Extract coherent steps into functions with \
             names that say what they do."
        }
        Metric::Params => {
            "Many parameters make calls hard to read and easy to get wrong. Group related \
             parameters into a struct or split the function."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_the_policy_emits_is_described() {
        let ids: Vec<&str> = catalogue().iter().map(|r| r.id).collect();
        for m in Metric::ALL {
            assert!(ids.contains(&m.name()), "{m}");
        }
        assert!(ids.contains(&GRADE_RULE));
        assert!(ids.contains(&SUPPRESSION_RULE));
        assert!(catalogue()
            .iter()
            .all(|r| !r.name.eq_ignore_ascii_case(r.id)));
    }
}
