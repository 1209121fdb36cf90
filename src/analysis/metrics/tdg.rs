//! The TDG (technical debt gauge) score of a file, 0–100, and its letter grade.
//!
//! The score starts at 100 and loses points for what was measured, nothing else:
//!
//! | component   | max | per function `f`, weighted by its length                   |
//! |-------------|-----|-------------------------------------------------------------|
//! | cyclomatic  | 20  | clamp((cyclomatic − 10) / 20)  — 0 at 10, all at 30          |
//! | cognitive   | 25  | clamp((cognitive − 15) / 30)   — 0 at 15, all at 45          |
//! | nesting     | 10  | clamp((max_nesting − 3) / 3)   — 0 at 3, all at 6            |
//! | length      | 10  | clamp((length − 60) / 140)     — 0 at 60 lines, all at 200   |
//! | params      |  5  | clamp((params − 5) / 5)        — 0 at 5, all at 10           |
//!
//! and per file: duplication (max 20) = clamp(2 × duplicated / code lines) — all at half the file
//! duplicated; SATD (max 10) = clamp(markers per 100 code lines / 2) — all at 2 per 100 lines.
//!
//! Length weighting means one 400-line monster weighs more than a one-line helper, and a file is
//! not punished for having many small functions. The total is rounded to one decimal.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::analysis::FunctionMetrics;

/// The measured quantities the score is built from.
pub(crate) struct Inputs<'a> {
    pub functions: &'a [FunctionMetrics],
    pub code_lines: usize,
    pub duplicated_lines: usize,
    pub satd: usize,
}

fn clamp01(x: f64) -> f64 {
    x.clamp(0.0, 1.0)
}

fn excess(value: usize, free: f64, span: f64) -> f64 {
    clamp01((value as f64 - free) / span)
}

pub(crate) fn score(inputs: &Inputs) -> f64 {
    let total_len: f64 = inputs.functions.iter().map(|f| f.length as f64).sum();
    let weighted = |points: f64, part: &dyn Fn(&FunctionMetrics) -> f64| -> f64 {
        if total_len == 0.0 {
            return 0.0;
        }
        let sum: f64 = inputs
            .functions
            .iter()
            .map(|f| f.length as f64 * part(f))
            .sum();
        points * sum / total_len
    };
    let mut penalty = 0.0;
    penalty += weighted(20.0, &|f| excess(f.cyclomatic as usize, 10.0, 20.0));
    penalty += weighted(25.0, &|f| excess(f.cognitive as usize, 15.0, 30.0));
    penalty += weighted(10.0, &|f| excess(f.max_nesting as usize, 3.0, 3.0));
    penalty += weighted(10.0, &|f| excess(f.length, 60.0, 140.0));
    penalty += weighted(5.0, &|f| excess(f.params as usize, 5.0, 5.0));
    if inputs.code_lines > 0 {
        let code = inputs.code_lines as f64;
        penalty += 20.0 * clamp01(2.0 * inputs.duplicated_lines as f64 / code);
        penalty += 10.0 * clamp01(inputs.satd as f64 * 100.0 / code / 2.0);
    }
    ((100.0 - penalty) * 10.0).round() / 10.0
}

/// A letter grade. Better grades compare greater: `Grade::APlus > Grade::F`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grade {
    F,
    D,
    CMinus,
    C,
    CPlus,
    BMinus,
    B,
    BPlus,
    AMinus,
    A,
    APlus,
}

impl Grade {
    /// Lower bounds, best first.
    const BANDS: [(f64, Grade); 10] = [
        (95.0, Grade::APlus),
        (90.0, Grade::A),
        (85.0, Grade::AMinus),
        (80.0, Grade::BPlus),
        (75.0, Grade::B),
        (70.0, Grade::BMinus),
        (65.0, Grade::CPlus),
        (60.0, Grade::C),
        (55.0, Grade::CMinus),
        (50.0, Grade::D),
    ];

    pub fn from_score(score: f64) -> Grade {
        Self::BANDS
            .iter()
            .find(|(min, _)| score >= *min)
            .map_or(Grade::F, |(_, g)| *g)
    }

    /// The lowest score that earns this grade.
    pub fn min_score(self) -> f64 {
        Self::BANDS
            .iter()
            .find(|(_, g)| *g == self)
            .map_or(0.0, |(min, _)| *min)
    }

    fn rank(self) -> u8 {
        self as u8
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::APlus => "A+",
            Grade::A => "A",
            Grade::AMinus => "A-",
            Grade::BPlus => "B+",
            Grade::B => "B",
            Grade::BMinus => "B-",
            Grade::CPlus => "C+",
            Grade::C => "C",
            Grade::CMinus => "C-",
            Grade::D => "D",
            Grade::F => "F",
        }
    }

    pub fn parse(s: &str) -> Option<Grade> {
        Self::BANDS
            .iter()
            .map(|(_, g)| *g)
            .chain([Grade::F])
            .find(|g| g.as_str() == s)
    }
}

/// The one comparison of grades: better is greater.
impl Ord for Grade {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Grade {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Grade {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Grade::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown grade `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(cyclomatic: u32, cognitive: u32, length: usize) -> FunctionMetrics {
        FunctionMetrics {
            name: "f".into(),
            qualified_name: "f".into(),
            start_line: 1,
            end_line: length,
            cyclomatic,
            cognitive,
            max_nesting: 1,
            params: 1,
            length,
            body_hash: 0,
        }
    }

    #[test]
    fn grades_order_better_above_worse() {
        assert!(Grade::APlus > Grade::A);
        assert!(Grade::A > Grade::AMinus);
        assert!(Grade::BMinus > Grade::CPlus);
        assert!(Grade::D > Grade::F);
        assert!(Grade::from_score(84.9) < Grade::from_score(85.0));
    }

    #[test]
    fn grade_bands_match_the_design() {
        let cases = [
            (100.0, "A+"),
            (95.0, "A+"),
            (94.9, "A"),
            (90.0, "A"),
            (85.0, "A-"),
            (80.0, "B+"),
            (75.0, "B"),
            (70.0, "B-"),
            (65.0, "C+"),
            (60.0, "C"),
            (55.0, "C-"),
            (50.0, "D"),
            (49.9, "F"),
            (0.0, "F"),
        ];
        for (score, grade) in cases {
            assert_eq!(Grade::from_score(score).as_str(), grade, "{score}");
            assert_eq!(Grade::parse(grade), Some(Grade::from_score(score)));
            let g = Grade::from_score(score);
            assert_eq!(
                Grade::from_score(g.min_score()),
                g,
                "{grade} band starts at its minimum"
            );
        }
    }

    #[test]
    fn score_is_built_from_measurements() {
        let clean = [function(3, 2, 20)];
        let inputs = |functions: &'static [FunctionMetrics]| Inputs {
            functions,
            code_lines: 100,
            duplicated_lines: 0,
            satd: 0,
        };
        assert_eq!(score(&inputs(Box::leak(Box::new(clean)))), 100.0);
        // Cyclomatic 30 and cognitive 45 cost their full 20 + 25 points.
        let bad = [function(30, 45, 20)];
        assert_eq!(score(&inputs(Box::leak(Box::new(bad)))), 55.0);
        // Half the file duplicated costs 20; two markers in 100 lines cost 10.
        let dup = Inputs {
            functions: &[],
            code_lines: 100,
            duplicated_lines: 50,
            satd: 2,
        };
        assert_eq!(score(&dup), 70.0);
    }
}
