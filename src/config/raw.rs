//! The file format as written: the keys of `.debtgate.yaml` and the types of their values.
//!
//! These types describe the format; they are not how a file is read. Reading goes through
//! `validate.rs`, which walks the parsed YAML so that it can report every problem with its
//! position. Here they serve the two things that need the format as a type: the JSON Schema
//! (`debtgate config schema`, derived with schemars) and `debtgate config show` (the effective
//! settings written back in the same format). A test keeps the key lists below, the schema and
//! the validator in step.

use std::collections::BTreeMap;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::budget::OnBudgetExceeded;
use super::metric::{all_grades, PolicyMode};
use super::ratchet::Tolerance;
use super::suppressions::Suppressions;
use crate::analysis::Grade;
use crate::rules::Metric;

/// The format version this debtgate reads.
pub(crate) const VERSION: u32 = 1;

/// Keys of the top-level mapping, in the order the format lists them.
pub(crate) const TOP_KEYS: &[&str] = &[
    "version",
    "mode",
    "ratchet",
    "thresholds",
    "min_grade",
    "exclude",
    "overrides",
    "suppressions",
    "max_file_size",
    "budget",
    "on_budget_exceeded",
    "store",
    "allow_skip_in_ci",
];
/// Keys of a `{warn, fail}` level (thresholds and grades alike).
pub(crate) const LEVEL_KEYS: &[&str] = &["warn", "fail"];
/// Keys of `budget`: the kinds of run.
pub(crate) const BUDGET_KEYS: &[&str] = &["staged", "worktree", "range", "all"];
/// Keys of one entry of `overrides`.
pub(crate) const OVERRIDE_KEYS: &[&str] = &["paths", "thresholds", "min_grade", "suppressions"];
/// Keys of `store`.
pub(crate) const STORE_KEYS: &[&str] = &["path", "max_age_days", "warm_max_mib", "cold_max_mib"];

/// A debtgate policy file (`.debtgate.yaml`). Every key is optional: a key the file does not set
/// keeps its built-in default (`debtgate config show` prints the effective values).
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "debtgate configuration")]
pub(crate) struct RawConfig {
    /// The format version; this debtgate reads version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "u32", range(min = 1, max = 1))]
    pub version: Option<u32>,
    /// Which functions of a change are judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "PolicyMode")]
    pub mode: Option<PolicyMode>,
    /// How `mode: ratchet` judges a function that was already above a level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawRatchet")]
    pub ratchet: Option<RawRatchet>,
    /// Thresholds per metric. A metric named here replaces its default `{warn, fail}` pair as a
    /// whole; a level left out means never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawThresholds")]
    pub thresholds: Option<RawThresholds>,
    /// The minimum TDG grade of a changed file: below `warn` warns, below `fail` fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawGradeLevel")]
    pub min_grade: Option<RawGradeLevel>,
    /// Globs of repository-relative paths that are never judged. Replaces the default list.
    /// `*` stays within one directory; `**/` matches any number of directories, none included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<String>")]
    pub exclude: Option<Vec<String>>,
    /// Per-path thresholds. For each metric (and for `min_grade`), the last override whose
    /// `paths` match a file and that sets it wins. Replaces the default list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Vec<RawOverride>")]
    pub overrides: Option<Vec<RawOverride>>,
    /// What suppression comments in code (`debtgate: allow(RULE) reason="…"`) may do: `allow`
    /// (with or without a reason), `require_reason` (one without suppresses nothing and is
    /// itself a finding) or `forbid` (they suppress nothing and each is a finding). Overrides
    /// may set it per path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Suppressions")]
    pub suppressions: Option<Suppressions>,
    /// Files larger than this many bytes are listed as not analysed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "u64", range(min = 1))]
    pub max_file_size: Option<u64>,
    /// How long a check may analyse, per kind of run; a duration (`500ms`, `10s`, `2m`) or null
    /// for no limit. The riskiest files go first; files not reached in time are listed as not
    /// analysed. A kind named here replaces its default; `--budget` overrides it for one run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawBudget")]
    pub budget: Option<RawBudget>,
    /// Whether a check whose budget ran out before every file was analysed passes (with a
    /// notice and the files listed) or fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "OnBudgetExceeded")]
    pub on_budget_exceeded: Option<OnBudgetExceeded>,
    /// The measurement store: where it lives and how big and old its tiers may get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawStore")]
    pub store: Option<RawStore>,
    /// Whether `DEBTGATE_SKIP` may skip the gate in CI (`--ci`, GITHUB_ACTIONS, GITLAB_CI,
    /// CI=true). Off: there the skip is refused with a notice and the gate runs. In a range the
    /// base revision's value applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_skip_in_ci: Option<bool>,
}

/// How `mode: ratchet` judges a changed function that was already above a threshold: growth of
/// `length`, `cyclomatic` or `cognitive` beyond its tolerance flags it, any increase of
/// max_nesting or params does. A function that crosses a level for the first time is flagged as
/// in `new`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Ratchet")]
pub(crate) struct RawRatchet {
    /// How much a function already above a `length` level may grow and stay unflagged: a
    /// number of lines (`20`) or a share of its base length (`"10%"`, rounded down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_tolerance: Option<Tolerance>,
    /// How many decision points a function already above a `cyclomatic` level may gain and stay
    /// unflagged: a number (`3`) or a share of its base value (`"10%"`, rounded down). Built in:
    /// 0, any increase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cyclomatic_tolerance: Option<Tolerance>,
    /// How many cognitive points a function already above a `cognitive` level may gain and stay
    /// unflagged: a number or a share of its base value. Built in: 0, any increase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognitive_tolerance: Option<Tolerance>,
}

/// Time budgets per kind of run. A duration such as `500ms`, `10s`, `2m` or `1m30s`; null is no
/// limit. A kind left out keeps its default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Budget")]
pub(crate) struct RawBudget {
    /// The staged change (a pre-commit hook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub staged: Option<Option<String>>,
    /// Worktree files (`check --paths`, editors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub worktree: Option<Option<String>>,
    /// A range (`check --base`: a pre-push hook, CI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub range: Option<Option<String>>,
    /// Every file at HEAD (`check --all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub all: Option<Option<String>>,
}

/// The measurement store (docs/store.md). `DEBTGATE_STORE` wins over `path`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Store")]
pub(crate) struct RawStore {
    /// The warm tier's file (the cold tier sits next to it), relative to the repository root or
    /// absolute; `off` turns the store off. Unset: `<git common dir>/debtgate/store.redb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Days unused after which a warm entry moves to cold (and four times that, a cold entry is
    /// dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_age_days: Option<u64>,
    /// Cap on the warm tier's stored bytes, in MiB; beyond it the least recently used move to cold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub warm_max_mib: Option<u64>,
    /// Cap on the cold tier's stored bytes, in MiB; beyond it the least recently used are dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub cold_max_mib: Option<u64>,
}

/// Thresholds per metric name; only the metrics given are written.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawThresholds(pub BTreeMap<Metric, RawLevel>);

/// The `warn` and `fail` thresholds of one metric. A value above a threshold reaches it
/// (`fail: 20` lets 20 pass and fails 21); a level left out, or null, means never.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Level")]
pub(crate) struct RawLevel {
    /// Warn when the value is above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn: Option<u32>,
    /// Fail when the value is above this. Must not be below `warn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail: Option<u32>,
}

/// Minimum grades (A+ best, F worst). A grade below `warn` warns, below `fail` fails; a level
/// left out, or null, means never.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "GradeLevel")]
pub(crate) struct RawGradeLevel {
    /// Warn when a changed file's grade is below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "grade_schema")]
    pub warn: Option<Grade>,
    /// Fail when a changed file's grade is below this. Must not be better than `warn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "grade_schema")]
    pub fail: Option<Grade>,
}

/// Thresholds for the files matching `paths`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Override")]
pub(crate) struct RawOverride {
    /// Globs of repository-relative paths this override applies to (at least one).
    #[schemars(length(min = 1))]
    pub paths: Vec<String>,
    /// Thresholds for the matching files, per metric; a metric named here replaces its pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawThresholds")]
    pub thresholds: Option<RawThresholds>,
    /// The minimum grade for the matching files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawGradeLevel")]
    pub min_grade: Option<RawGradeLevel>,
    /// What suppression comments may do in the matching files (as the top-level key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Suppressions")]
    pub suppressions: Option<Suppressions>,
}

fn grade_schema(_: &mut SchemaGenerator) -> Schema {
    let mut names: Vec<serde_json::Value> = all_grades()
        .into_iter()
        .map(|g| serde_json::Value::from(g.as_str()))
        .collect();
    names.push(serde_json::Value::Null);
    json_schema!({ "enum": names })
}

/// Written as a mapping in catalogue order ([`Metric::ALL`]), not alphabetically.
impl Serialize for RawThresholds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for metric in Metric::ALL {
            if let Some(level) = self.0.get(&metric) {
                map.serialize_entry(metric.name(), level)?;
            }
        }
        map.end()
    }
}

/// One property per metric of the catalogue, so editors complete the names.
impl JsonSchema for RawThresholds {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Thresholds".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut properties = serde_json::Map::new();
        for metric in Metric::ALL {
            let mut level = generator.subschema_for::<RawLevel>();
            level.insert("description".into(), metric.description().into());
            properties.insert(metric.name().into(), level.into());
        }
        json_schema!({
            "description": "Thresholds per metric: a metric named here replaces its default \
                            `{warn, fail}` pair as a whole.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}
