//! What `explain` says about a function's past: its values at HEAD — the base a staged change is
//! judged against — and what the configured mode does with them (for `ratchet`: crossed, worse,
//! or old debt within `ratchet.length_tolerance`), and its entry in the baseline the worktree has.
//!
//! The verdicts come from the policy's own functions (`policy::flag`, `Entry::covers`), so
//! `explain` cannot say something `check` would not do.

use std::fmt::Write as _;
use std::path::Path;

use crate::analysis::{readable, Analyzer, FileMetrics, FunctionMetrics};
use crate::baseline::{identity, Baseline, FILE_NAME};
use crate::change::Repo;
use crate::config::{PolicyMode, Settings};
use crate::policy;
use crate::rules::{Metric, Reason};

/// The file's base side and the baseline, read once per `explain`.
pub(super) struct History {
    /// The file at HEAD, measured; `None` when HEAD has no such file (or there is no HEAD).
    base: Option<FileMetrics>,
    baseline: Result<Option<Baseline>, String>,
}

impl History {
    /// Reads `rel` at HEAD of the repository at `root`, and the worktree's baseline. HEAD's
    /// version is measured as `check` measures a base side — in its own language, which its own
    /// bytes decide (a `.h` file's, a script's `#!` line), and not at all when it is too large, of
    /// no language or binary, which makes every function new.
    pub(super) fn load(root: &Path, rel: &str, max_file_size: u64) -> History {
        let base = Repo::discover(root)
            .ok()
            .and_then(|repo| repo.file_at("HEAD", rel).ok().flatten())
            .and_then(|bytes| {
                let language = readable::measurable(Path::new(rel), &bytes, max_file_size).ok()?;
                Some(Analyzer::new().analyze(&bytes, language))
            });
        let baseline = Baseline::read(&root.join(FILE_NAME)).map_err(|e| e.to_string());
        History { base, baseline }
    }

    /// Each of `head`'s functions with its occurrence and its version at HEAD.
    pub(super) fn pairs<'a>(
        &'a self,
        head: &'a [FunctionMetrics],
    ) -> Vec<(usize, Option<&'a FunctionMetrics>)> {
        policy::pair_functions(head, self.base.as_ref())
    }

    /// The lines about one function: against HEAD, then the baseline.
    pub(super) fn write(
        &self,
        out: &mut String,
        settings: &Settings,
        rel: &str,
        f: &FunctionMetrics,
        (nth, before): (usize, Option<&FunctionMetrics>),
    ) -> std::fmt::Result {
        against_head(out, settings, rel, f, before)?;
        self.baseline_lines(out, settings, rel, f, nth)
    }

    fn baseline_lines(
        &self,
        out: &mut String,
        settings: &Settings,
        rel: &str,
        f: &FunctionMetrics,
        nth: usize,
    ) -> std::fmt::Result {
        let baseline = match &self.baseline {
            Ok(Some(b)) => b,
            Ok(None) => return writeln!(out, "    baseline: none ({FILE_NAME} does not exist)"),
            Err(e) => return writeln!(out, "    baseline: unusable: {e}"),
        };
        let tolerance = settings.ratchet;
        let mut any = false;
        for metric in Metric::ALL {
            let id = identity(rel, Some(&f.qualified_name), nth, metric.name());
            let Some(entry) = baseline.get(&id) else {
                continue;
            };
            if !any {
                writeln!(out, "    baseline ({}):", baseline.origin)?;
                any = true;
            }
            let value = metric.value(f);
            let verdict = if entry.covers(value, tolerance) {
                "known debt: does not fail while it is no worse"
            } else {
                "worse than the baseline: fails as usual"
            };
            writeln!(
                out,
                "      {:<12} entry {} (now {value}): {verdict}",
                metric.name(),
                entry.value
            )?;
        }
        if !any {
            writeln!(
                out,
                "    baseline ({}): no entry for this function",
                baseline.origin
            )?;
        }
        Ok(())
    }
}

/// The function against its version at HEAD under the configured mode.
fn against_head(
    out: &mut String,
    settings: &Settings,
    rel: &str,
    f: &FunctionMetrics,
    before: Option<&FunctionMetrics>,
) -> std::fmt::Result {
    let Some(b) = before else {
        return writeln!(
            out,
            "    against HEAD: a new function (no version at HEAD): judged as it is"
        );
    };
    let tolerance = settings.ratchet;
    let unchanged = if b.body_hash == f.body_hash {
        "; its code is unchanged, so a change judges it only in mode absolute"
    } else {
        ""
    };
    let with_tolerance = if settings.mode == PolicyMode::Ratchet {
        // The length tolerance always; the complexity ones when they forgive anything.
        let mut named = format!(", ratchet.length_tolerance {}", tolerance.length_tolerance);
        for metric in [Metric::Cyclomatic, Metric::Cognitive] {
            if let Some((t, key)) = tolerance.forgiving(metric) {
                named.push_str(&format!(", ratchet.{key} {t}"));
            }
        }
        named
    } else {
        String::new()
    };
    writeln!(
        out,
        "    against HEAD (mode {}{with_tolerance}){unchanged}:",
        settings.mode
    )?;
    for metric in Metric::ALL {
        let (value, base) = (metric.value(f), metric.value(b));
        let level = settings.threshold(rel, metric).level;
        let verdict =
            match policy::flag(settings.mode, metric, &level, value, Some(base), tolerance) {
                Some((s, Reason::Crossed)) => {
                    format!("crossed the {} level: {}", s.name(), loud(s))
                }
                Some((s, Reason::Worse)) => {
                    format!(
                        "already above the {} level, and worse: {}",
                        s.name(),
                        loud(s)
                    )
                }
                Some((s, _)) => loud(s).to_string(),
                None if level.check(value).is_none() => "ok".to_string(),
                // Ratchet forgives it: say how far it may go.
                None => match tolerance.tolerance(metric).map(|(t, _)| t.allowed(base)) {
                    Some(allowed) if allowed > 0.0 => format!(
                        "old debt, may grow to {} within the tolerance: ok",
                        base + allowed
                    ),
                    _ => format!("old debt, no worse than {base}: ok"),
                },
            };
        writeln!(
            out,
            "      {:<12} {base} → {value}   {verdict}",
            metric.name()
        )?;
    }
    Ok(())
}

fn loud(s: crate::rules::Severity) -> &'static str {
    match s {
        crate::rules::Severity::Fail => "FAIL",
        crate::rules::Severity::Warn => "WARN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    #[test]
    fn ratchet_says_how_far_old_debt_may_grow() {
        let settings = Settings::from_yaml(
            "mode: ratchet\nratchet: { length_tolerance: 10% }\nthresholds: { length: { fail: 10 } }\n",
            crate::config::ConfigOrigin::Embedded,
        )
        .expect("valid");
        let text = |lines: usize| {
            let mut s = String::from("def f(x):\n");
            for i in 0..lines - 2 {
                s.push_str(&format!("    x = x + {i}\n"));
            }
            s.push_str("    return x\n");
            Analyzer::new().analyze(s.as_bytes(), Language::Python)
        };
        let (base, head) = (text(40), text(43));
        let mut out = String::new();
        against_head(
            &mut out,
            &settings,
            "a.py",
            &head.functions[0],
            Some(&base.functions[0]),
        )
        .expect("writes");
        assert!(
            out.contains("(mode ratchet, ratchet.length_tolerance 10%):"),
            "{out}"
        );
        assert!(
            out.contains(
                "length       40 → 43   old debt, may grow to 44 within the tolerance: ok"
            ),
            "{out}"
        );
        let longer = text(45);
        let mut out = String::new();
        against_head(
            &mut out,
            &settings,
            "a.py",
            &longer.functions[0],
            Some(&base.functions[0]),
        )
        .expect("writes");
        assert!(
            out.contains("length       40 → 45   already above the fail level, and worse: FAIL"),
            "{out}"
        );
    }

    #[test]
    fn ratchet_names_a_complexity_tolerance_and_how_far_it_lets_a_function_go() {
        let settings = Settings::from_yaml(
            "mode: ratchet\nratchet: { cyclomatic_tolerance: 3 }\nthresholds: { cyclomatic: { fail: 2 } }\n",
            crate::config::ConfigOrigin::Embedded,
        )
        .expect("valid");
        let branchy = |ifs: usize| {
            let mut s = String::from("def f(x):\n");
            for i in 0..ifs {
                s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
            }
            s.push_str("    return x\n");
            Analyzer::new().analyze(s.as_bytes(), Language::Python)
        };
        let (base, head) = (branchy(4), branchy(5));
        let mut out = String::new();
        against_head(
            &mut out,
            &settings,
            "a.py",
            &head.functions[0],
            Some(&base.functions[0]),
        )
        .expect("writes");
        assert!(out.contains(", ratchet.cyclomatic_tolerance 3):"), "{out}");
        assert!(
            out.contains("cyclomatic   5 → 6   old debt, may grow to 8 within the tolerance: ok"),
            "{out}"
        );
    }
}
