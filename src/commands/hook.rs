//! `debtgate hook install | uninstall`: where the hooks go, what was done, said on stderr
//! (stdout stays empty). The installing itself is [`crate::hooks`]'.

use std::path::Path;

use anyhow::{Context, Result};

use super::current_dir;
use crate::exit::Exit;
use crate::hooks::Uninstalled;
use crate::hooks::{hooks_dir, install, shared_hooks_path_note, uninstall, Installed, Kind};

#[derive(Debug, clap::Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub action: HookAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum HookAction {
    /// Install the git hook where git runs it (core.hooksPath honoured). A hook already there is
    /// kept and runs first; see docs/hooks.md.
    Install(InstallArgs),
    /// Remove debtgate's hook and put back the one it chained to or replaced, if any.
    Uninstall(Which),
}

#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    #[command(flatten)]
    pub which: Which,
    /// Replace a hook that is not debtgate's instead of chaining to it. It is kept as
    /// `<hook>.debtgate-backup` (no longer run) and `uninstall` puts it back.
    #[arg(long)]
    pub force: bool,
}

/// Which hooks: pre-commit when neither flag is given.
#[derive(Debug, clap::Args)]
pub struct Which {
    /// The pre-commit hook (the default).
    #[arg(long)]
    pub pre_commit: bool,
    /// The pre-push hook (`debtgate check --base <remote> --head <local>` per pushed ref).
    #[arg(long)]
    pub pre_push: bool,
}

impl Which {
    pub fn kinds(&self) -> Vec<Kind> {
        let mut kinds = Vec::new();
        if self.pre_commit || !self.pre_push {
            kinds.push(Kind::PreCommit);
        }
        if self.pre_push {
            kinds.push(Kind::PrePush);
        }
        kinds
    }
}

/// `debtgate hook …` from the command line. Messages go to stderr; stdout stays empty.
pub fn run(args: &HookArgs) -> Result<Exit> {
    let cwd = current_dir()?;
    let dir = hooks_dir(&cwd)?;
    match &args.action {
        HookAction::Install(install_args) => {
            let binary = std::env::current_exe()
                .context("cannot find the path of the running debtgate binary")?;
            if let Some(note) = shared_hooks_path_note(&cwd) {
                note!("debtgate: {note}");
            }
            for kind in install_args.which.kinds() {
                let outcome = install(&dir, kind, install_args.force, &binary)?;
                note!("debtgate: {}", describe_install(&dir, kind, &outcome));
            }
        }
        HookAction::Uninstall(which) => {
            for kind in which.kinds() {
                let hook = dir.join(kind.name());
                let message = match uninstall(&dir, kind)? {
                    Uninstalled::Absent => format!(
                        "no {} hook at {}; nothing to do",
                        kind.name(),
                        hook.display()
                    ),
                    Uninstalled::Foreign => {
                        format!("{} is not debtgate's hook; left alone", hook.display())
                    }
                    Uninstalled::Removed => format!("removed {}", hook.display()),
                    Uninstalled::Restored(from) => format!(
                        "removed debtgate's hook; the hook it had kept as {} is back at {}",
                        from.display(),
                        hook.display()
                    ),
                };
                note!("debtgate: {message}");
            }
        }
    }
    Ok(Exit::Pass)
}

fn describe_install(dir: &Path, kind: Kind, outcome: &Installed) -> String {
    let hook = dir.join(kind.name());
    let what = match kind {
        Kind::PreCommit => "commit",
        Kind::PrePush => "push",
    };
    match outcome {
        Installed::Fresh => format!("installed {}", hook.display()),
        Installed::Updated => format!("{} was debtgate's already; rewritten", hook.display()),
        Installed::Chained(aside) => format!(
            "installed {}; the hook that was there is now {} and runs first (if it fails, the \
             {what} stops before debtgate runs). `debtgate hook uninstall` puts it back.",
            hook.display(),
            aside.display()
        ),
        Installed::Replaced(aside) => format!(
            "installed {}; the hook that was there is kept as {} and no longer runs. \
             `debtgate hook uninstall` puts it back.",
            hook.display(),
            aside.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_commit_is_the_default() {
        let which = |pre_commit, pre_push| Which {
            pre_commit,
            pre_push,
        };
        assert_eq!(which(false, false).kinds(), [Kind::PreCommit]);
        assert_eq!(which(false, true).kinds(), [Kind::PrePush]);
        assert_eq!(which(true, true).kinds(), [Kind::PreCommit, Kind::PrePush]);
    }
}
