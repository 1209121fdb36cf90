//! The proposal for `min_grade`: the metric rules of `propose.rs` mirrored on file grades, where a
//! lower grade is worse. Percentiles count files from the best grade down; the floor is the
//! default's warn grade (no proposal is stricter), ratchet's bound its fail grade (none looser).

use super::census::{Census, FileRecord};
use super::propose::{governed, kept, nearest_rank, Adjust, Derived};
use crate::analysis::Grade;
use crate::config::{GradeLevel, Settings};

/// The proposal for `min_grade`. Percentiles count files from the best grade down: p99 is the
/// grade that 99 % of the files are at or above.
#[derive(Debug, Clone)]
pub struct GradeProposal {
    /// Governed files' grades, best first.
    pub grades: Vec<Grade>,
    pub worst_at: Option<String>,
    pub current: GradeLevel,
    pub warn: Derived<Grade>,
    pub fail: Derived<Grade>,
}

impl GradeProposal {
    pub fn proposed(&self) -> GradeLevel {
        GradeLevel {
            warn: self.warn.level,
            fail: self.fail.level,
        }
    }
}

pub(super) fn grade_proposal(
    census: &Census,
    current: &Settings,
    defaults: &Settings,
    ratchet: bool,
) -> GradeProposal {
    let mut files: Vec<&FileRecord> = governed(census, |p| current.grade_overridden(p)).collect();
    // Best first; among equal grades by path, so the worst named is stable.
    files.sort_by(|a, b| b.grade.cmp(&a.grade).then(a.path.cmp(&b.path)));
    let grades: Vec<Grade> = files.iter().map(|f| f.grade).collect();
    let worst_at = files.last().map(|f| f.path.clone());
    let now = current.top_min_grade();
    let default = defaults.top_min_grade();
    let (warn, fail) = match grades.last() {
        None => (kept(now.warn), kept(now.fail)),
        Some(worst) => grade_levels(&grades, *worst, default, ratchet),
    };
    GradeProposal {
        grades,
        worst_at,
        current: now,
        warn,
        fail,
    }
}

/// Grades: the metric rules mirrored (a lower grade is worse). The floor is the default warn
/// grade (no proposal is stricter), ratchet's bound the default fail grade (none looser).
fn grade_levels(
    grades: &[Grade],
    worst: Grade,
    default: GradeLevel,
    ratchet: bool,
) -> (Derived<Grade>, Derived<Grade>) {
    let at = |p: f64, from: &'static str| {
        let g = nearest_rank(grades, p).unwrap_or(worst);
        Derived {
            level: Some(g),
            from,
            at: Some(g),
            adjust: Adjust::Exact,
        }
    };
    let mut fail = if ratchet {
        at(99.0, "p99")
    } else {
        Derived {
            from: "worst",
            ..at(100.0, "worst")
        }
    };
    if ratchet {
        if let (Some(g), Some(bound)) = (fail.level, default.fail) {
            if g < bound {
                fail.level = Some(bound);
                fail.adjust = Adjust::DefaultFail;
            }
        }
    }
    let fail = cap_grade(fail, default.warn);
    let warn = cap_grade(
        if ratchet {
            at(95.0, "p95")
        } else {
            at(99.0, "p99")
        },
        default.warn,
    );
    let warn = match (warn.level, fail.level) {
        (Some(w), Some(f)) if w <= f => Derived {
            level: None,
            adjust: Adjust::Dropped,
            ..warn
        },
        _ => warn,
    };
    (warn, fail)
}

/// No minimum grade stricter than the floor.
fn cap_grade(mut d: Derived<Grade>, floor: Option<Grade>) -> Derived<Grade> {
    if let (Some(g), Some(floor)) = (d.level, floor) {
        if g > floor {
            d.level = Some(floor);
            d.adjust = Adjust::Floor;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_mirror_the_metric_rules() {
        use Grade::*;
        let default = GradeLevel {
            warn: Some(C),
            fail: Some(D),
        };
        let mut grades = vec![APlus; 98];
        grades.extend([B, F]);
        let (warn, fail) = grade_levels(&grades, F, default, false);
        assert_eq!((fail.level, fail.from), (Some(F), "worst"));
        // p99 is B, held at the floor C: no proposal is stricter than the default's warn grade.
        assert_eq!((warn.level, warn.at), (Some(C), Some(B)));
        assert_eq!(warn.adjust, Adjust::Floor);
        let (warn, fail) = grade_levels(&grades, F, default, true);
        assert_eq!((fail.level, fail.at), (Some(C), Some(B)));
        assert_eq!((warn.level, warn.adjust), (None, Adjust::Dropped));
        let mut poor = vec![F; 5];
        poor.extend([APlus; 95]);
        poor.sort_by(|a, b| b.cmp(a));
        let (_, fail) = grade_levels(&poor, F, default, true);
        assert_eq!((fail.level, fail.adjust), (Some(D), Adjust::DefaultFail));
    }
}
