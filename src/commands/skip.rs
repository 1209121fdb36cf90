//! `DEBTGATE_SKIP`: the one way to let a change through without judging it, for the rare commit
//! that must go through now. It is a person's escape hatch, not a pipeline's: in a CI run
//! ([`ci_signal`]) it is refused — the gate runs, and the report says why — unless the policy
//! that judges the change says `allow_skip_in_ci: true` (in a range, the base revision's policy,
//! so a pull request cannot allow its own skip). Where it does skip in CI it is published as
//! skipped (`verdict=skipped`, a check run concluded `skipped`, a `pending` commit status; see
//! [`crate::publish::publish_skipped`]), never as a pass.
//!
//! `commands/check.rs` asks [`decide`] before judging and [`skipped`] to end a skipped run: this
//! is the check's front-end, at the edge with it.

use anyhow::Result;

use crate::config::Settings;
use crate::exit::Exit;

/// The variable: any value other than empty or `0` asks for a skip.
pub const VAR: &str = "DEBTGATE_SKIP";

/// Whether a skip is asked for.
pub fn requested() -> bool {
    std::env::var_os(VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// What says this run is CI, if anything: `--ci`, `GITHUB_ACTIONS=true`, `GITLAB_CI` set, or
/// `CI` set to anything but empty, `0` or `false` (most CI services set `CI=true`).
pub fn ci_signal(ci_flag: bool) -> Option<String> {
    if ci_flag {
        return Some("--ci".into());
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if var("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        return Some("GITHUB_ACTIONS=true".into());
    }
    if let Some(v) = var("GITLAB_CI") {
        return Some(format!("GITLAB_CI={v}"));
    }
    var("CI")
        .filter(|v| v != "0" && !v.eq_ignore_ascii_case("false"))
        .map(|v| format!("CI={v}"))
}

/// What to do about a requested skip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Judge as usual; with a notice for the report when a skip was asked for and refused.
    Judge(Option<String>),
    /// Skip; the notice says why that was allowed.
    Skip(String),
}

/// Whether to skip: not unless asked; when asked, always outside CI, and in CI only when
/// `policy` (the settings that would judge the change, read only then) allows it.
pub fn decide(ci_flag: bool, policy: impl FnOnce() -> Result<Settings>) -> Result<Decision> {
    if !requested() {
        return Ok(Decision::Judge(None));
    }
    let Some(signal) = ci_signal(ci_flag) else {
        return Ok(Decision::Skip(format!("skipped because {VAR} is set")));
    };
    let settings = policy()?;
    if settings.allow_skip_in_ci {
        return Ok(Decision::Skip(format!(
            "skipped because {VAR} is set: this is a CI run ({signal}), and allow_skip_in_ci in \
             {} allows that",
            settings.origin
        )));
    }
    Ok(Decision::Judge(Some(format!(
        "{VAR} is set but ignored: this is a CI run ({signal}), where a skip needs \
         `allow_skip_in_ci: true` in the policy that judges the change ({}; in a range, the base \
         revision's). The gate ran.",
        settings.origin
    ))))
}

/// Ends a skipped run: the notice on stderr; in GitHub Actions (`github`) `verdict=skipped` and
/// a summary line; with `--publish`, the skip published as skipped. Exit 0: the skip was allowed.
pub fn skipped(
    notice: &str,
    github: bool,
    publish_to: Option<&crate::publish::Target>,
) -> Result<Exit> {
    note!("debtgate: {notice}");
    if github {
        crate::ci::publish_skipped(notice)?;
    }
    if let Some(target) = publish_to {
        let outcome = crate::publish::publish_skipped(target, notice)?;
        crate::publish::fall_back(&outcome, None, true)?;
    }
    Ok(Exit::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ci_flag_is_ci_whatever_the_environment() {
        assert_eq!(ci_signal(true).as_deref(), Some("--ci"));
    }
}
