//! Hotspots: the files and functions where change and complexity meet, ranked by churn — the
//! commits of the window that touched them — times their cyclomatic complexity at the newest
//! commit, the way CodeScene ranks them. Code that is complex but never touched costs little;
//! code touched every week but simple costs little; both at once is where debt is paid daily.
//!
//! Built only from the commits' [`Touches`] (stored with the figures), so a warm run ranks without
//! reading a file. Each entry carries its complexity after every commit of the window since it
//! was first touched in it: the entry's trend.

use std::collections::BTreeMap;

use serde::Serialize;

use super::record::Touches;

/// How many files and functions are listed.
pub const TOP: usize = 10;

/// One ranked file or function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hotspot {
    pub path: String,
    /// The function, for a function hotspot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Commits of the window that touched it.
    pub churn: u64,
    /// Cyclomatic complexity at the newest commit (a file's: the sum over its functions).
    pub complexity: u64,
    /// `churn × complexity`.
    pub score: u64,
    /// Its complexity after each commit of the window, oldest first; `null` before the window
    /// first touched it.
    pub trend: Vec<Option<u64>>,
}

/// The top files and functions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Hotspots {
    pub files: Vec<Hotspot>,
    pub functions: Vec<Hotspot>,
}

/// Churn and the complexity after each touch of one subject.
#[derive(Default)]
struct Seen {
    churn: u64,
    /// (commit index, complexity after; `None`: gone).
    after: Vec<(usize, Option<u64>)>,
}

/// Ranks the subjects of `touches` (one per commit of the window, oldest first).
pub fn rank(touches: &[Touches], top: usize) -> Hotspots {
    let mut files: BTreeMap<(String, Option<String>), Seen> = BTreeMap::new();
    let mut functions: BTreeMap<(String, Option<String>), Seen> = BTreeMap::new();
    for (i, t) in touches.iter().enumerate() {
        for (path, after) in &t.files {
            note(&mut files, (path.clone(), None), i, *after);
        }
        for (path, name, after) in &t.functions {
            let key = (path.clone(), Some(name.clone()));
            note(&mut functions, key, i, after.map(u64::from));
        }
    }
    // A function of a file deleted at the end is gone with it.
    let gone: Vec<&String> = files
        .iter()
        .filter(|(_, s)| s.after.last().is_some_and(|(_, a)| a.is_none()))
        .map(|((p, _), _)| p)
        .collect();
    functions.retain(|(p, _), _| !gone.contains(&p));
    Hotspots {
        files: ranked(&files, touches.len(), top),
        functions: ranked(&functions, touches.len(), top),
    }
}

fn note(
    seen: &mut BTreeMap<(String, Option<String>), Seen>,
    key: (String, Option<String>),
    at: usize,
    after: Option<u64>,
) {
    let s = seen.entry(key).or_default();
    // Present after the commit: a change to it. Gone: it was touched too (deleted).
    s.churn += 1;
    s.after.push((at, after));
}

/// The `top` highest scores among subjects that still exist, with their trends over `commits`.
fn ranked(
    seen: &BTreeMap<(String, Option<String>), Seen>,
    commits: usize,
    top: usize,
) -> Vec<Hotspot> {
    let mut out: Vec<Hotspot> = seen
        .iter()
        .filter_map(|((path, function), s)| {
            let complexity = s.after.last()?.1?;
            Some(Hotspot {
                path: path.clone(),
                function: function.clone(),
                churn: s.churn,
                complexity,
                score: s.churn * complexity,
                trend: Vec::new(),
            })
        })
        .filter(|h| h.score > 0)
        .collect();
    // Highest score first; ties by churn, then by name, so the order is the same on every run.
    out.sort_by(|a, b| {
        (b.score, b.churn)
            .cmp(&(a.score, a.churn))
            .then_with(|| (&a.path, &a.function).cmp(&(&b.path, &b.function)))
    });
    out.truncate(top);
    for h in &mut out {
        let s = &seen[&(h.path.clone(), h.function.clone())];
        h.trend = trend(&s.after, commits);
    }
    out
}

/// The value after each of `commits` commits, carried forward from the last touch.
fn trend(after: &[(usize, Option<u64>)], commits: usize) -> Vec<Option<u64>> {
    let mut out = vec![None; commits];
    let mut value = None;
    let mut next = after.iter().peekable();
    for (i, slot) in out.iter_mut().enumerate() {
        while let Some((at, v)) = next.peek() {
            if *at > i {
                break;
            }
            value = *v;
            next.next();
        }
        *slot = value;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(files: &[(&str, Option<u64>)], functions: &[(&str, &str, Option<u32>)]) -> Touches {
        Touches {
            files: files.iter().map(|(p, a)| (p.to_string(), *a)).collect(),
            functions: functions
                .iter()
                .map(|(p, n, a)| (p.to_string(), n.to_string(), *a))
                .collect(),
        }
    }

    #[test]
    fn churn_times_complexity_ranks_and_deleted_files_drop_out() {
        let touches = [
            touch(
                &[("a.rs", Some(10)), ("b.rs", Some(50))],
                &[("a.rs", "f", Some(4))],
            ),
            touch(
                &[("a.rs", Some(12))],
                &[("a.rs", "f", Some(6)), ("a.rs", "g", Some(2))],
            ),
            touch(
                &[("a.rs", Some(14)), ("gone.rs", Some(99))],
                &[("gone.rs", "h", Some(9))],
            ),
            touch(&[("gone.rs", None)], &[]),
        ];
        let h = rank(&touches, 10);
        let files: Vec<(&str, u64, u64)> = h
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.churn, f.score))
            .collect();
        // b: 1 × 50; a: 3 × 14; gone.rs is gone.
        assert_eq!(files, [("b.rs", 1, 50), ("a.rs", 3, 42)]);
        assert_eq!(h.files[1].trend, [Some(10), Some(12), Some(14), Some(14)]);
        assert_eq!(h.files[0].trend, [Some(50); 4]);
        let functions: Vec<(&str, u64)> = h
            .functions
            .iter()
            .map(|f| (f.function.as_deref().unwrap_or_default(), f.score))
            .collect();
        assert_eq!(functions, [("f", 12), ("g", 2)]);
        assert_eq!(h.functions[1].trend, [None, Some(2), Some(2), Some(2)]);
    }

    #[test]
    fn a_removed_function_is_no_hotspot() {
        let touches = [
            touch(&[("a.rs", Some(10))], &[("a.rs", "f", Some(10))]),
            touch(&[("a.rs", Some(1))], &[("a.rs", "f", None)]),
        ];
        assert!(rank(&touches, 10).functions.is_empty());
    }
}
