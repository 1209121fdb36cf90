//! Validation: the parsed YAML of one file → [`FileConfig`], what that file says with every value
//! checked, or every problem found, each at the position of the node it is about.
//!
//! The walk never stops at the first problem: a wrong value is reported and the walk goes on to
//! its siblings, so one run lists everything to fix. Checked here: unknown keys (with a
//! suggestion), duplicate keys, wrong types, unknown metric, mode and grade names, warn above
//! fail, bad globs, an unsupported version.

use globset::{Glob, GlobBuilder};

use std::time::Duration;

use super::budget::{parse_duration, OnBudgetExceeded, RunKind};
use super::error::Problem;
use super::metric::{all_grades, GradeLevel, Level, PolicyMode};
use super::ratchet::{tolerance_metric, Tolerance, RATCHET_KEYS};
use super::raw::{BUDGET_KEYS, LEVEL_KEYS, OVERRIDE_KEYS, STORE_KEYS, TOP_KEYS, VERSION};
use super::suppressions::Suppressions;
use super::yaml::{self, Node, Step, Target};
use crate::analysis::Grade;
use crate::rules::Metric;

/// What one file says; keys it does not set are `None` (thresholds: absent from the list).
#[derive(Debug, Clone, Default)]
pub(crate) struct FileConfig {
    pub mode: Option<PolicyMode>,
    /// `ratchet.length_tolerance`, `cyclomatic_tolerance`, `cognitive_tolerance`, each when the
    /// file sets it.
    pub length_tolerance: Option<Tolerance>,
    pub cyclomatic_tolerance: Option<Tolerance>,
    pub cognitive_tolerance: Option<Tolerance>,
    pub thresholds: Vec<(Metric, Level)>,
    pub min_grade: Option<GradeLevel>,
    pub exclude: Option<Vec<Glob>>,
    pub overrides: Option<Vec<OverrideRule>>,
    pub suppressions: Option<Suppressions>,
    pub max_file_size: Option<u64>,
    /// The kinds of run the file sets a budget for; `None` is no limit.
    pub budget: Vec<(RunKind, Option<Duration>)>,
    pub on_budget_exceeded: Option<OnBudgetExceeded>,
    pub store: Option<StoreConfig>,
    pub allow_skip_in_ci: Option<bool>,
}

/// The `store` section: each key `None` when the file does not set it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StoreConfig {
    /// As written: relative to the repository root, absolute, or `off`.
    pub path: Option<String>,
    pub max_age_days: Option<u64>,
    pub warm_max_mib: Option<u64>,
    pub cold_max_mib: Option<u64>,
}

/// One entry of `overrides`.
#[derive(Debug, Clone)]
pub(crate) struct OverrideRule {
    pub paths: Vec<Glob>,
    pub thresholds: Vec<(Metric, Level)>,
    pub min_grade: Option<GradeLevel>,
    pub suppressions: Option<Suppressions>,
}

/// Parses and validates `text`; problems name `file`.
pub(crate) fn check(text: &str, file: &str) -> Result<FileConfig, Vec<Problem>> {
    let problem = |line, column, message| Problem {
        file: file.to_owned(),
        line,
        column,
        message,
    };
    let node = yaml::parse(text).map_err(|e| vec![problem(e.line, e.column, e.message)])?;
    let mut checker = Checker::default();
    let config = checker.root(&node);
    if checker.issues.is_empty() {
        return Ok(config);
    }
    let mut problems: Vec<Problem> = checker
        .issues
        .into_iter()
        .map(|issue| {
            let (line, column) = yaml::locate(text, &issue.steps, issue.target).unwrap_or((1, 1));
            problem(line, column, issue.message)
        })
        .collect();
    // Document order (the walk visits keys before values); stable for problems at one spot.
    problems.sort_by_key(|p| (p.line, p.column));
    Err(problems)
}

/// A problem before it has a position: the way to its node, and the message.
struct Issue {
    steps: Vec<Step>,
    target: Target,
    message: String,
}

/// Where the walk is: the steps to a node and its name for messages (`thresholds.cyclomatic`).
#[derive(Clone, Default)]
struct Spot {
    steps: Vec<Step>,
    name: String,
}

impl Spot {
    fn entry(&self, index: usize, key: &str) -> Spot {
        let mut steps = self.steps.clone();
        steps.push(Step::Entry(index));
        let name = if self.name.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.name)
        };
        Spot { steps, name }
    }

    fn item(&self, index: usize) -> Spot {
        let mut steps = self.steps.clone();
        steps.push(Step::Item(index));
        Spot {
            steps,
            name: format!("{}[{index}]", self.name),
        }
    }
}

/// What the keys of a mapping may be, for the unknown-key message.
struct Keys<'a> {
    known: &'a [&'a str],
    /// "key" or "metric".
    noun: &'a str,
}

#[derive(Default)]
struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn at(&mut self, spot: &Spot, target: Target, message: String) {
        self.issues.push(Issue {
            steps: spot.steps.clone(),
            target,
            message,
        });
    }

    fn wrong_type(&mut self, spot: &Spot, expected: &str, found: &Node) {
        let subject = if spot.name.is_empty() {
            "the file".to_owned()
        } else {
            format!("`{}`", spot.name)
        };
        let message = format!("{subject} expects {expected}, found {}", found.describe());
        self.at(spot, Target::Node, message);
    }

    /// The known entries of a mapping (first occurrence of each), reporting everything else.
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        spot: &Spot,
        keys: Keys,
    ) -> Option<Vec<(&'n str, &'n Node, Spot)>> {
        let Node::Map(entries) = node else {
            let expected = format!("a mapping with keys {}", keys.known.join(", "));
            self.wrong_type(spot, &expected, node);
            return None;
        };
        let mut seen: Vec<&str> = Vec::new();
        let mut known = Vec::new();
        for (index, (key, value)) in entries.iter().enumerate() {
            let Node::Str(key) = key else {
                let message = format!("keys must be names, found {}", key.describe());
                self.at(&spot.entry(index, "?"), Target::Key, message);
                continue;
            };
            let here = spot.entry(index, key);
            if !keys.known.contains(&key.as_str()) {
                let message = unknown(key, spot, &keys);
                self.at(&here, Target::Key, message);
            } else if seen.contains(&key.as_str()) {
                let message = format!("duplicate key `{}`: it may appear once", here.name);
                self.at(&here, Target::Key, message);
            } else {
                seen.push(key);
                known.push((key.as_str(), value, here));
            }
        }
        Some(known)
    }

    fn root(&mut self, node: &Node) -> FileConfig {
        let mut config = FileConfig::default();
        // An empty file sets nothing.
        if *node == Node::Null {
            return config;
        }
        let keys = Keys {
            known: TOP_KEYS,
            noun: "key",
        };
        for (key, value, spot) in self
            .mapping(node, &Spot::default(), keys)
            .unwrap_or_default()
        {
            match key {
                "version" => self.version(value, &spot),
                "mode" => config.mode = self.mode(value, &spot),
                "ratchet" => self.ratchet(value, &spot, &mut config),
                "thresholds" => config.thresholds = self.thresholds(value, &spot),
                "min_grade" => config.min_grade = self.grade_level(value, &spot),
                "exclude" => config.exclude = self.globs(value, &spot),
                "overrides" => config.overrides = self.overrides(value, &spot),
                "suppressions" => config.suppressions = self.suppressions(value, &spot),
                "max_file_size" => config.max_file_size = self.max_file_size(value, &spot),
                "budget" => config.budget = self.budget(value, &spot),
                "on_budget_exceeded" => {
                    config.on_budget_exceeded = self.on_budget_exceeded(value, &spot)
                }
                "store" => config.store = self.store(value, &spot),
                "allow_skip_in_ci" => config.allow_skip_in_ci = self.boolean(value, &spot),
                _ => unreachable!("`mapping` returns only known keys"),
            }
        }
        config
    }

    fn version(&mut self, node: &Node, spot: &Spot) {
        match node {
            Node::Int(v) if *v == i128::from(VERSION) => {}
            Node::Int(v) => {
                let message = format!(
                    "unsupported config version {v}: this debtgate reads version {VERSION}"
                );
                self.at(spot, Target::Node, message);
            }
            _ => self.wrong_type(spot, &format!("the number {VERSION}"), node),
        }
    }

    fn mode(&mut self, node: &Node, spot: &Spot) -> Option<PolicyMode> {
        let names: Vec<&str> = PolicyMode::ALL.iter().map(|m| m.name()).collect();
        let Node::Str(name) = node else {
            self.wrong_type(spot, &format!("one of {}", names.join(", ")), node);
            return None;
        };
        let mode = name.parse().ok();
        if mode.is_none() {
            let message = format!(
                "unknown mode `{name}`{}; modes are {}",
                suggest(name, &names),
                names.join(", ")
            );
            self.at(spot, Target::Node, message);
        }
        mode
    }

    fn thresholds(&mut self, node: &Node, spot: &Spot) -> Vec<(Metric, Level)> {
        let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        let keys = Keys {
            known: &names,
            noun: "metric",
        };
        let mut levels = Vec::new();
        for (name, value, spot) in self.mapping(node, spot, keys).unwrap_or_default() {
            let metric: Metric = name.parse().expect("`mapping` returns only metric names");
            if let Some(level) = self.level(value, &spot) {
                levels.push((metric, level));
            }
        }
        levels
    }

    /// A `{warn, fail}` pair of thresholds.
    fn level(&mut self, node: &Node, spot: &Spot) -> Option<Level> {
        let keys = Keys {
            known: LEVEL_KEYS,
            noun: "key",
        };
        let mut level = Level::default();
        let mut warn_spot = None;
        for (key, value, spot) in self.mapping(node, spot, keys)? {
            let threshold = self.threshold(value, &spot);
            if key == "warn" {
                level.warn = threshold;
                warn_spot = Some(spot);
            } else {
                level.fail = threshold;
            }
        }
        if let (Some(warn), Some(fail), Some(warn_spot)) = (level.warn, level.fail, warn_spot) {
            if warn > fail {
                let message = format!(
                    "`{}` ({warn}) is above `fail` ({fail}): a value would fail before it warns",
                    warn_spot.name
                );
                self.at(&warn_spot, Target::Node, message);
            }
        }
        Some(level)
    }

    fn threshold(&mut self, node: &Node, spot: &Spot) -> Option<f64> {
        match node {
            Node::Null => None,
            Node::Int(v) => match u32::try_from(*v) {
                Ok(v) => Some(f64::from(v)),
                Err(_) => {
                    let message = format!(
                        "`{}` must be a whole number from 0 to {}, found {v}",
                        spot.name,
                        u32::MAX
                    );
                    self.at(spot, Target::Node, message);
                    None
                }
            },
            _ => {
                self.wrong_type(spot, "a whole number (or null for never)", node);
                None
            }
        }
    }

    fn grade_level(&mut self, node: &Node, spot: &Spot) -> Option<GradeLevel> {
        let keys = Keys {
            known: LEVEL_KEYS,
            noun: "key",
        };
        let mut level = GradeLevel::default();
        let mut warn_spot = None;
        for (key, value, spot) in self.mapping(node, spot, keys)? {
            let grade = self.grade(value, &spot);
            if key == "warn" {
                level.warn = grade;
                warn_spot = Some(spot);
            } else {
                level.fail = grade;
            }
        }
        if let (Some(warn), Some(fail), Some(warn_spot)) = (level.warn, level.fail, warn_spot) {
            if warn < fail {
                let message = format!(
                    "`{}` ({warn}) is below `fail` ({fail}): a file would fail before it warns",
                    warn_spot.name
                );
                self.at(&warn_spot, Target::Node, message);
            }
        }
        Some(level)
    }

    fn grade(&mut self, node: &Node, spot: &Spot) -> Option<Grade> {
        let grades: Vec<&str> = all_grades().iter().map(|g| g.as_str()).collect();
        let Node::Str(name) = node else {
            if *node != Node::Null {
                self.wrong_type(spot, "a grade (A+ … F) or null", node);
            }
            return None;
        };
        let grade = Grade::parse(name);
        if grade.is_none() {
            let hint = match Grade::parse(&name.to_uppercase()) {
                Some(g) => format!(" (grades are upper case: `{g}`)"),
                None => String::new(),
            };
            let message = format!(
                "unknown grade `{name}`{hint}; grades are {}",
                grades.join(", ")
            );
            self.at(spot, Target::Node, message);
        }
        grade
    }

    fn globs(&mut self, node: &Node, spot: &Spot) -> Option<Vec<Glob>> {
        let Node::Seq(items) = node else {
            self.wrong_type(spot, "a list of globs", node);
            return None;
        };
        let globs: Vec<Option<Glob>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.glob(item, &spot.item(i)))
            .collect();
        globs.into_iter().collect()
    }

    fn glob(&mut self, node: &Node, spot: &Spot) -> Option<Glob> {
        let Node::Str(pattern) = node else {
            self.wrong_type(spot, "a glob string", node);
            return None;
        };
        let complaint = if pattern.is_empty() {
            Some("an empty glob matches nothing".to_owned())
        } else if let Some(rest) = pattern
            .strip_prefix("./")
            .or_else(|| pattern.strip_prefix('/'))
        {
            Some(format!(
                "glob `{pattern}` never matches: paths are relative to the repository root \
                 without a leading `/` or `./`; write `{rest}`"
            ))
        } else if pattern.ends_with('/') {
            Some(format!(
                "glob `{pattern}` never matches: paths are files; to match everything under \
                 the directory write `{pattern}**`"
            ))
        } else {
            match GlobBuilder::new(pattern).literal_separator(true).build() {
                Ok(glob) => return Some(glob),
                Err(e) => Some(format!("invalid glob `{pattern}`: {}", e.kind())),
            }
        };
        if let Some(message) = complaint {
            self.at(spot, Target::Node, message);
        }
        None
    }

    fn overrides(&mut self, node: &Node, spot: &Spot) -> Option<Vec<OverrideRule>> {
        let Node::Seq(items) = node else {
            self.wrong_type(spot, "a list of overrides ({paths, thresholds})", node);
            return None;
        };
        let rules: Vec<Option<OverrideRule>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.override_rule(item, &spot.item(i)))
            .collect();
        rules.into_iter().collect()
    }

    fn override_rule(&mut self, node: &Node, spot: &Spot) -> Option<OverrideRule> {
        let keys = Keys {
            known: OVERRIDE_KEYS,
            noun: "key",
        };
        let entries = self.mapping(node, spot, keys)?;
        let (mut paths, mut thresholds, mut min_grade) = (None, None, None);
        let mut suppressions = None;
        for (key, value, spot) in entries {
            match key {
                "paths" => paths = self.globs(value, &spot).map(|p| (p, spot)),
                "thresholds" => thresholds = Some(self.thresholds(value, &spot)),
                "min_grade" => min_grade = self.grade_level(value, &spot),
                "suppressions" => suppressions = self.suppressions(value, &spot),
                _ => unreachable!("`mapping` returns only known keys"),
            }
        }
        if let Some((globs, paths_spot)) = &paths {
            if globs.is_empty() {
                let message = format!(
                    "`{}` is empty: the override matches nothing",
                    paths_spot.name
                );
                self.at(paths_spot, Target::Node, message);
            }
        } else if !node_has_key(node, "paths") {
            let message = format!("`{}` needs `paths`, a list of globs", spot.name);
            self.at(spot, Target::Node, message);
        }
        if !["thresholds", "min_grade", "suppressions"]
            .iter()
            .any(|k| node_has_key(node, k))
        {
            let message = format!(
                "`{}` sets none of `thresholds`, `min_grade`, `suppressions`: it changes nothing",
                spot.name
            );
            self.at(spot, Target::Node, message);
        }
        Some(OverrideRule {
            paths: paths?.0,
            thresholds: thresholds.unwrap_or_default(),
            min_grade,
            suppressions,
        })
    }

    fn suppressions(&mut self, node: &Node, spot: &Spot) -> Option<Suppressions> {
        let Node::Str(name) = node else {
            self.wrong_type(spot, &Suppressions::expected(), node);
            return None;
        };
        let parsed = name.parse().ok();
        if parsed.is_none() {
            let names = Suppressions::ALL.map(Suppressions::name);
            let message = format!(
                "unknown value `{name}` for `{}`{}; expected {}",
                spot.name,
                suggest(name, &names),
                Suppressions::expected()
            );
            self.at(spot, Target::Node, message);
        }
        parsed
    }

    fn ratchet(&mut self, node: &Node, spot: &Spot, config: &mut FileConfig) {
        let keys = Keys {
            known: RATCHET_KEYS,
            noun: "key",
        };
        for (key, value, spot) in self.mapping(node, spot, keys).unwrap_or_default() {
            // `mapping` let only RATCHET_KEYS through, each a tolerance of its metric.
            let (unit, slot) = match tolerance_metric(key) {
                Some(Metric::Cyclomatic) => ("decision points", &mut config.cyclomatic_tolerance),
                Some(Metric::Cognitive) => ("points", &mut config.cognitive_tolerance),
                _ => ("lines", &mut config.length_tolerance),
            };
            let tolerance = match value {
                Node::Int(v) => match u32::try_from(*v) {
                    Ok(n) => Some(Tolerance::Lines(n)),
                    Err(_) => {
                        let message = format!(
                            "`{}` must be a whole number of {unit} from 0 to {}, found {v}",
                            spot.name,
                            u32::MAX
                        );
                        self.at(&spot, Target::Node, message);
                        None
                    }
                },
                Node::Str(text) => match Tolerance::parse_percent(text) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        self.at(&spot, Target::Node, format!("`{}`: {e}", spot.name));
                        None
                    }
                },
                _ => {
                    let expected = format!("a number of {unit} or a percentage such as 10%");
                    self.wrong_type(&spot, &expected, value);
                    None
                }
            };
            *slot = tolerance;
        }
    }

    fn store(&mut self, node: &Node, spot: &Spot) -> Option<StoreConfig> {
        let keys = Keys {
            known: STORE_KEYS,
            noun: "key",
        };
        let mut store = StoreConfig::default();
        for (key, value, spot) in self.mapping(node, spot, keys)? {
            match key {
                "path" => store.path = self.store_path(value, &spot),
                "max_age_days" => store.max_age_days = self.positive(value, &spot, "days"),
                "warm_max_mib" => store.warm_max_mib = self.positive(value, &spot, "MiB"),
                "cold_max_mib" => store.cold_max_mib = self.positive(value, &spot, "MiB"),
                _ => unreachable!("`mapping` returns only known keys"),
            }
        }
        Some(store)
    }

    fn store_path(&mut self, node: &Node, spot: &Spot) -> Option<String> {
        match node {
            Node::Str(s) if !s.trim().is_empty() => Some(s.clone()),
            _ => {
                self.wrong_type(spot, "a path (or `off`)", node);
                None
            }
        }
    }

    fn max_file_size(&mut self, node: &Node, spot: &Spot) -> Option<u64> {
        self.positive(node, spot, "bytes")
    }

    /// A positive whole number of `unit`.
    fn positive(&mut self, node: &Node, spot: &Spot, unit: &str) -> Option<u64> {
        match node {
            Node::Int(v) => match u64::try_from(*v) {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    let message = format!(
                        "`{}` must be a positive number of {unit}, found {v}",
                        spot.name
                    );
                    self.at(spot, Target::Node, message);
                    None
                }
            },
            _ => {
                self.wrong_type(spot, &format!("a number of {unit}"), node);
                None
            }
        }
    }
}

impl Checker {
    fn budget(&mut self, node: &Node, spot: &Spot) -> Vec<(RunKind, Option<Duration>)> {
        let keys = Keys {
            known: BUDGET_KEYS,
            noun: "kind of run",
        };
        let mut budgets = Vec::new();
        for (name, value, spot) in self.mapping(node, spot, keys).unwrap_or_default() {
            let kind = RunKind::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .expect("`mapping` returns only kinds of run");
            match value {
                Node::Null => budgets.push((kind, None)),
                Node::Str(text) => match parse_duration(text) {
                    Ok(d) => budgets.push((kind, d)),
                    Err(e) => self.at(&spot, Target::Node, format!("`{}`: {e}", spot.name)),
                },
                _ => self.wrong_type(
                    &spot,
                    "a duration such as 500ms, 10s or 2m (or null for no limit)",
                    value,
                ),
            }
        }
        budgets
    }

    fn boolean(&mut self, node: &Node, spot: &Spot) -> Option<bool> {
        match node {
            Node::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(spot, "true or false", node);
                None
            }
        }
    }

    fn on_budget_exceeded(&mut self, node: &Node, spot: &Spot) -> Option<OnBudgetExceeded> {
        let Node::Str(name) = node else {
            self.wrong_type(spot, "pass or fail", node);
            return None;
        };
        let parsed = name.parse().ok();
        if parsed.is_none() {
            let message = format!("`{}` must be pass or fail, found `{name}`", spot.name);
            self.at(spot, Target::Node, message);
        }
        parsed
    }
}

fn node_has_key(node: &Node, key: &str) -> bool {
    matches!(node, Node::Map(entries) if entries.iter().any(|(k, _)| *k == Node::Str(key.into())))
}

fn unknown(key: &str, parent: &Spot, keys: &Keys) -> String {
    let place = if parent.name.is_empty() {
        String::new()
    } else {
        format!(" in `{}`", parent.name)
    };
    format!(
        "unknown {} `{key}`{place}{}; expected one of {}",
        keys.noun,
        suggest(key, keys.known),
        keys.known.join(", ")
    )
}

/// ` (did you mean `x`?)` when one candidate is a likely typo of `word`.
fn suggest(word: &str, candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4) && *d < c.len())
        .min()
        .map_or_else(String::new, |(_, c)| format!(" (did you mean `{c}`?)"))
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match check(text, "c.yaml") {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("mode", "mode"), 0);
        assert_eq!(edit_distance("mod", "mode"), 1);
        assert_eq!(edit_distance("cyclomatc", "cyclomatic"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(suggest("exlcude", TOP_KEYS), " (did you mean `exclude`?)");
        assert_eq!(suggest("zzz", TOP_KEYS), "");
    }

    #[test]
    fn an_empty_file_sets_nothing() {
        let config = check("", "c.yaml").expect("valid");
        assert!(config.mode.is_none() && config.thresholds.is_empty());
        let config = check("# nothing\n", "c.yaml").expect("valid");
        assert!(config.exclude.is_none());
    }

    #[test]
    fn reads_every_key() {
        let config = check(
            "version: 1\nmode: ratchet\nthresholds: {params: {fail: 3}, length: {}}\n\
             min_grade: {fail: F}\nexclude: [\"**/gen/**\"]\nmax_file_size: 99\n\
             overrides:\n  - paths: [\"t/**\"]\n    min_grade: {warn: A}\n",
            "c.yaml",
        )
        .expect("valid");
        assert_eq!(config.mode, Some(PolicyMode::Ratchet));
        assert_eq!(
            config.thresholds,
            [
                (
                    Metric::Params,
                    Level {
                        warn: None,
                        fail: Some(3.0)
                    }
                ),
                (Metric::Length, Level::default())
            ]
        );
        assert_eq!(config.min_grade.and_then(|g| g.fail), Some(Grade::F));
        assert_eq!(config.exclude.expect("set")[0].glob(), "**/gen/**");
        assert_eq!(config.max_file_size, Some(99));
        let rule = &config.overrides.expect("set")[0];
        assert_eq!(rule.paths[0].glob(), "t/**");
        assert_eq!(rule.min_grade.and_then(|g| g.warn), Some(Grade::A));
    }

    #[test]
    fn a_syntax_error_is_one_problem_at_its_position() {
        assert_eq!(
            problems("mode: new\n  thresholds: 1\n"),
            ["c.yaml:2:13: mapping values are not allowed in this context"]
        );
    }

    #[test]
    fn the_document_must_be_a_mapping() {
        assert_eq!(
            problems("- mode\n"),
            ["c.yaml:1:1: the file expects a mapping with keys version, mode, ratchet, thresholds, min_grade, exclude, overrides, suppressions, max_file_size, budget, on_budget_exceeded, store, allow_skip_in_ci, found a list"]
        );
    }
}
