//! The trend section of the Markdown (the job summary and the sticky comment): the target
//! branch's recent figures as mermaid `xychart-beta` charts, which GitHub renders in Markdown.
//!
//! The data travels with the report ([`BranchTrend`], in the JSON too, so `debtgate publish`
//! draws the same section); `check` fills it from the store's trend records when the store has
//! them (`trend::stored`), and never measures for it. This file only draws it.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// The target branch's figures at its last commits, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchTrend {
    pub branch: String,
    pub points: Vec<BranchPoint>,
}

/// One commit of a [`BranchTrend`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchPoint {
    pub commit: String,
    pub date: String,
    /// Functions over a fail threshold, and over a warn threshold only.
    pub functions_fail: u64,
    pub functions_warn: u64,
    /// Mean TDG score per file.
    pub tdg_mean: f64,
}

/// The section: a heading and two small charts.
pub fn section(t: &BranchTrend) -> String {
    let (Some(first), Some(last)) = (t.points.first(), t.points.last()) else {
        return String::new();
    };
    let mut md = format!(
        "\n### Trend of `{}`: its last {} commits, {} to {}\n",
        t.branch.replace('`', "'"),
        t.points.len(),
        first.date,
        last.date
    );
    chart(
        &mut md,
        "Functions over a fail threshold",
        "functions",
        t.points.iter().map(|p| p.functions_fail as f64),
        t.points.len(),
    );
    chart(
        &mut md,
        "Functions over a warn threshold only",
        "functions",
        t.points.iter().map(|p| p.functions_warn as f64),
        t.points.len(),
    );
    chart(
        &mut md,
        "Mean TDG score per file",
        "score",
        t.points.iter().map(|p| p.tdg_mean),
        t.points.len(),
    );
    md
}

fn chart(md: &mut String, title: &str, unit: &str, values: impl Iterator<Item = f64>, n: usize) {
    // Two decimals at most: a mean TDG score moves by less than one.
    let values: Vec<String> = values
        .map(|v| {
            let s = format!("{v:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        })
        .collect();
    let _ = write!(
        md,
        "\n```mermaid\n%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"#1f5ea8\"}}}}}}}}%%\nxychart-beta\n    title \"{title}\"\n    x-axis \"commits, oldest first\" 1 --> {n}\n    \
         y-axis \"{unit}\"\n    line [{}]\n```\n",
        values.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_charts_each_figure_over_the_commits() {
        let point = |fail, tdg| BranchPoint {
            commit: "c".into(),
            date: "2024-01-02".into(),
            functions_fail: fail,
            functions_warn: 3,
            tdg_mean: tdg,
        };
        let t = BranchTrend {
            branch: "main".into(),
            points: vec![point(1, 90.0), point(2, 89.5)],
        };
        let md = section(&t);
        assert!(md.contains("### Trend of `main`: its last 2 commits"));
        assert!(md.contains("line [1, 2]"));
        assert!(md.contains("line [90, 89.5]"));
        assert_eq!(md.matches("```mermaid").count(), 3);
        assert_eq!(
            section(&BranchTrend {
                branch: "x".into(),
                points: vec![]
            }),
            ""
        );
    }
}
