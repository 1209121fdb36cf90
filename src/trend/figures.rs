//! The debt figures of a set of files, and what one file contributes to them.
//!
//! Every figure is a sum of integers, so a commit's figures are its parent's less what its
//! changed files contributed before plus what they contribute now, exactly, with no drift: the
//! TDG score (one decimal, `analysis::metrics::tdg`) is summed in tenths. Means are divided out
//! only when shown. A file's contribution is what `debtgate check --all` reports for it: its
//! measurements, and the findings of the policy in `absolute` mode ([`contribution`]).

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::analysis::Grade;
use crate::config::Settings;
use crate::policy::{self, Subject};
use crate::rules::{Metric, Severity};
use crate::store::Measured;

/// Grades best first, as reports list them; [`Figures::grades`] is indexed by rank (F = 0).
pub const GRADES: [&str; 11] = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D", "F"];

/// The figures of a set of files. Additive: see [`Figures::add`] and [`Figures::sub`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Files measured.
    pub files: u64,
    pub functions: u64,
    pub code_lines: u64,
    /// SATD markers.
    pub satd: u64,
    /// Total cyclomatic and cognitive complexity over all functions.
    pub cyclomatic: u64,
    pub cognitive: u64,
    /// Sum of the files' TDG scores, in tenths.
    pub score_tenths: u64,
    /// Files per grade, indexed by rank: F = 0 … A+ = 10.
    pub grades: [u64; 11],
    /// Per metric (in [`Metric::ALL`] order): functions above its warn threshold but not its fail
    /// one, and functions above its fail threshold — unsuppressed findings of that rule.
    pub warn: [u64; 5],
    pub fail: [u64; 5],
    /// Functions with at least one unsuppressed fail finding, and functions whose worst
    /// unsuppressed finding is a warning.
    pub functions_fail: u64,
    pub functions_warn: u64,
    /// Unsuppressed findings at fail and warn level (every rule, the grade's and invalid
    /// suppressions' included: `check`'s summary), and suppressed findings.
    pub failures: u64,
    pub warnings: u64,
    pub suppressed: u64,
}

impl Figures {
    /// Adds `other` to these figures.
    pub fn add(&mut self, other: &Figures) {
        self.zip(other, |a, b| *a += b);
    }

    /// Takes `other` (which was added before) away again.
    pub fn sub(&mut self, other: &Figures) {
        self.zip(other, |a, b| *a = a.saturating_sub(b));
    }

    fn zip(&mut self, o: &Figures, f: impl Fn(&mut u64, u64)) {
        for (a, b) in self.fields_mut().into_iter().zip(o.to_fields()) {
            f(a, b);
        }
    }

    /// Every counter, in a fixed order (the order of `Figures::fields_mut`): how records keep
    /// them.
    pub fn to_fields(&self) -> Vec<u64> {
        let mut out = vec![
            self.files,
            self.functions,
            self.code_lines,
            self.satd,
            self.cyclomatic,
            self.cognitive,
            self.score_tenths,
            self.functions_fail,
            self.functions_warn,
            self.failures,
            self.warnings,
            self.suppressed,
        ];
        out.extend(self.grades);
        out.extend(self.warn);
        out.extend(self.fail);
        out
    }

    fn fields_mut(&mut self) -> Vec<&mut u64> {
        let mut out: Vec<&mut u64> = vec![
            &mut self.files,
            &mut self.functions,
            &mut self.code_lines,
            &mut self.satd,
            &mut self.cyclomatic,
            &mut self.cognitive,
            &mut self.score_tenths,
            &mut self.functions_fail,
            &mut self.functions_warn,
            &mut self.failures,
            &mut self.warnings,
            &mut self.suppressed,
        ];
        out.extend(self.grades.iter_mut());
        out.extend(self.warn.iter_mut());
        out.extend(self.fail.iter_mut());
        out
    }

    /// The figures [`Figures::to_fields`] gave; `None` unless there are exactly as many.
    pub fn from_fields(values: &[u64]) -> Option<Figures> {
        let mut f = Figures::default();
        let slots = f.fields_mut();
        if slots.len() != values.len() {
            return None;
        }
        for (slot, v) in slots.into_iter().zip(values) {
            *slot = *v;
        }
        Some(f)
    }

    /// Whether every counter is zero (a directory with nothing measured left in it).
    pub fn is_empty(&self) -> bool {
        self.to_fields().iter().all(|v| *v == 0)
    }

    /// `total / count`, 0 when there is nothing to divide by; rounded to two decimals so that the
    /// JSON is short and the same on every platform.
    pub fn mean(total: u64, count: u64) -> f64 {
        if count == 0 {
            return 0.0;
        }
        (total as f64 / count as f64 * 100.0).round() / 100.0
    }

    pub fn mean_cyclomatic(&self) -> f64 {
        Figures::mean(self.cyclomatic, self.functions)
    }

    pub fn mean_cognitive(&self) -> f64 {
        Figures::mean(self.cognitive, self.functions)
    }

    /// The mean TDG score of the files measured.
    pub fn mean_score(&self) -> f64 {
        Figures::mean(self.score_tenths, self.files * 10)
    }

    /// Files of the grade named `name` (one of [`GRADES`]).
    pub fn grade_count(&self, name: &str) -> u64 {
        Grade::parse(name).map_or(0, |g| self.grades[g as usize])
    }
}

/// What one measured file contributes: the file's measurements, and the findings `policy::judge`
/// gives it in absolute mode on `today` (which decides whether a dated suppression still holds).
/// `settings` must be in absolute mode, as `check --all` runs.
pub fn contribution(settings: &Settings, path: &str, m: &Measured, today: Date) -> Figures {
    let metrics = &m.metrics;
    let outcome = policy::judge(
        settings,
        &Subject {
            path,
            old_path: None,
            head: metrics,
            base: None,
            marks: &m.marks,
            // The trend measures all the debt there is: known debt counts.
            baseline: None,
        },
        today,
    );
    let mut f = Figures {
        files: 1,
        functions: metrics.functions.len() as u64,
        code_lines: metrics.code_lines as u64,
        satd: metrics.satd.len() as u64,
        cyclomatic: metrics
            .functions
            .iter()
            .map(|f| u64::from(f.cyclomatic))
            .sum(),
        cognitive: metrics
            .functions
            .iter()
            .map(|f| u64::from(f.cognitive))
            .sum(),
        score_tenths: (metrics.score * 10.0).round().max(0.0) as u64,
        ..Figures::default()
    };
    f.grades[metrics.grade as usize] = 1;
    // The worst unsuppressed level of each function with a metric finding, by (line, name).
    let mut worst: HashMap<(usize, &str), Severity> = HashMap::new();
    for finding in &outcome.findings {
        if finding.suppressed {
            f.suppressed += 1;
            continue;
        }
        match finding.level {
            Severity::Fail => f.failures += 1,
            Severity::Warn => f.warnings += 1,
        }
        let Some(metric) = Metric::ALL.iter().position(|m| m.name() == finding.rule) else {
            continue;
        };
        match finding.level {
            Severity::Fail => f.fail[metric] += 1,
            Severity::Warn => f.warn[metric] += 1,
        }
        let function = finding.function.as_deref().unwrap_or_default();
        let level = worst
            .entry((finding.line, function))
            .or_insert(finding.level);
        if finding.level == Severity::Fail {
            *level = Severity::Fail;
        }
    }
    f.functions_fail = worst.values().filter(|l| **l == Severity::Fail).count() as u64;
    f.functions_warn = worst.values().filter(|l| **l == Severity::Warn).count() as u64;
    f
}

/// The name of the top-level directory a path counts under; `.` for files at the root.
pub fn top_dir(path: &str) -> &str {
    match path.split_once('/') {
        Some((dir, _)) => dir,
        None => ".",
    }
}

/// The figures of the whole tree and of each top-level directory, kept up to date file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub overall: Figures,
    /// By top-level directory ([`top_dir`]); a directory left with nothing measured is removed.
    pub dirs: BTreeMap<String, Figures>,
}

impl Tally {
    /// Counts the contribution `f` of the file at `path`.
    pub fn add(&mut self, path: &str, f: &Figures) {
        self.overall.add(f);
        self.dirs
            .entry(top_dir(path).to_string())
            .or_default()
            .add(f);
    }

    /// Takes away the contribution `f` that the file at `path` had.
    pub fn sub(&mut self, path: &str, f: &Figures) {
        self.overall.sub(f);
        let dir = top_dir(path);
        if let Some(d) = self.dirs.get_mut(dir) {
            d.sub(f);
            if d.is_empty() {
                self.dirs.remove(dir);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_then_taking_away_is_exact() {
        let mut a = Figures {
            files: 2,
            score_tenths: 1805,
            ..Figures::default()
        };
        a.fail[3] = 4;
        a.grades[10] = 2;
        let mut b = a.clone();
        b.add(&a);
        assert_eq!(b.files, 4);
        assert_eq!(b.fail[3], 8);
        b.sub(&a);
        assert_eq!(b, a);
        b.sub(&a);
        assert!(b.is_empty());
        assert_eq!(a.mean_score(), 90.25);
        assert_eq!(a.grade_count("A+"), 2);
    }

    #[test]
    fn a_directory_with_nothing_left_disappears() {
        let one = Figures {
            files: 1,
            ..Figures::default()
        };
        let mut t = Tally::default();
        t.add("src/a.rs", &one);
        t.add("top.rs", &one);
        assert_eq!(t.dirs.keys().collect::<Vec<_>>(), [".", "src"]);
        t.sub("src/a.rs", &one);
        assert_eq!(t.dirs.keys().collect::<Vec<_>>(), ["."]);
        assert_eq!(t.overall.files, 1);
    }
}
