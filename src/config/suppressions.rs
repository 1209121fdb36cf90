//! The `suppressions` key: what a suppression comment in code (`debtgate: allow(…)`, read by
//! `policy/suppress.rs`) may do, for the whole repository and per override. It exists so that a
//! team can keep a pull request from silencing its own findings: in a range the policy, and so
//! this key, comes from the base revision.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How suppression comments are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Suppressions {
    /// A suppression counts with or without `reason="…"`.
    Allow,
    /// A suppression counts only with `reason="…"`; one without suppresses nothing and is itself
    /// a finding.
    RequireReason,
    /// Suppression comments suppress nothing, and each one is a finding.
    Forbid,
}

impl Suppressions {
    /// From the loosest to the strictest.
    pub const ALL: [Suppressions; 3] = [
        Suppressions::Allow,
        Suppressions::RequireReason,
        Suppressions::Forbid,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Suppressions::Allow => "allow",
            Suppressions::RequireReason => "require_reason",
            Suppressions::Forbid => "forbid",
        }
    }

    /// Its place in [`Suppressions::ALL`]: a lower one is looser.
    pub fn strictness(self) -> usize {
        Suppressions::ALL
            .iter()
            .position(|s| *s == self)
            .expect("ALL lists every value")
    }

    /// "allow, require_reason or forbid", for messages.
    pub fn expected() -> String {
        let names = Suppressions::ALL.map(Suppressions::name);
        format!("{}, {} or {}", names[0], names[1], names[2])
    }
}

impl fmt::Display for Suppressions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Suppressions {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Suppressions::ALL
            .into_iter()
            .find(|o| o.name() == s)
            .ok_or_else(|| format!("unknown value `{s}`; expected {}", Suppressions::expected()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for s in Suppressions::ALL {
            assert_eq!(s.name().parse::<Suppressions>(), Ok(s));
        }
        assert!("deny".parse::<Suppressions>().is_err());
        assert_eq!(Suppressions::expected(), "allow, require_reason or forbid");
        assert!(Suppressions::Allow.strictness() < Suppressions::Forbid.strictness());
    }
}
