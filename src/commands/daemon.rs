//! `debtgate daemon start|stop|status`: start this repository's daemon detached (or in the
//! foreground), ask it to stop, show what it does. The daemon itself is `crate::daemon`.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Subcommand, ValueEnum};

use crate::exit::Exit;

#[derive(Debug, Subcommand)]
pub enum DaemonCommand {
    /// Start this repository's daemon (in the background), unless one runs.
    Start(StartArgs),
    /// Ask this repository's daemon to exit.
    Stop,
    /// What the daemon is doing: queues, jobs done, preemptions, cache figures, uptime.
    Status(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// Exit after this long without requests or work: seconds, or with s/m/h (default: the git
    /// config key debtgate.daemonIdleTimeout, else 30m).
    #[arg(long, value_name = "DURATION", value_parser = crate::daemon::parse_duration)]
    pub idle_timeout: Option<Duration>,
    /// Gate worker threads (default: one per core); background workers are one fewer (at least
    /// one).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Run in this process instead of detaching (logs to stderr).
    #[arg(long)]
    pub foreground: bool,
    /// Keep background work queued until the first gate request (for tests and benchmarks).
    #[arg(long, hide = true)]
    pub hold_background: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub format: StatusFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Human,
    Json,
}

pub fn run(command: DaemonCommand) -> Result<Exit> {
    imp::run(&super::current_dir()?, command)
}

/// The idle time: the flag, else the git config key, else the default.
#[cfg_attr(not(unix), allow(dead_code))]
fn idle_time(flag: Option<Duration>, root: &Path) -> Result<Duration> {
    if let Some(d) = flag {
        return Ok(d);
    }
    let out = std::process::Command::new("git")
        .args(["config", "--get", crate::daemon::IDLE_CONFIG_KEY])
        .current_dir(root)
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            crate::daemon::parse_duration(&text)
                .map_err(|e| anyhow::anyhow!("git config {}: {e}", crate::daemon::IDLE_CONFIG_KEY))
        }
        _ => Ok(Duration::from_secs(crate::daemon::DEFAULT_IDLE_SECS)),
    }
}

#[cfg(not(unix))]
mod imp {
    use super::*;

    pub fn run(_dir: &Path, _command: DaemonCommand) -> Result<Exit> {
        bail!("the daemon is not supported on this platform (it needs Unix sockets); `debtgate check` works in-process")
    }
}

#[cfg(unix)]
mod imp {
    use std::process::{Command, Stdio};
    use std::time::Instant;

    use super::*;
    use crate::change::Repo;
    use crate::daemon::client::{self, Unavailable};
    use crate::daemon::{server, DaemonPaths};

    /// How long `start` waits for a new daemon to answer, and `stop` for one to exit.
    const STARTUP_WAIT: Duration = Duration::from_secs(20);

    pub fn run(dir: &Path, command: DaemonCommand) -> Result<Exit> {
        let repo = Repo::discover(dir)?;
        let paths = DaemonPaths::of(repo.common_dir());
        match command {
            DaemonCommand::Start(args) => start(&repo, &paths, args),
            DaemonCommand::Stop => stop(&paths),
            DaemonCommand::Status(args) => status(&paths, args.format),
        }
    }

    /// Removes a socket no daemon listens on (holding the lock, so no daemon is starting).
    fn clean_stale(paths: &DaemonPaths) -> Result<bool> {
        if !paths.socket.exists() {
            return Ok(false);
        }
        match server::acquire_lock(&paths.lock, Duration::ZERO)? {
            Some(_held) => Ok(paths.remove_socket()),
            None => Ok(false),
        }
    }

    fn start(repo: &Repo, paths: &DaemonPaths, args: StartArgs) -> Result<Exit> {
        let idle = idle_time(args.idle_timeout, repo.root())?;
        let workers = args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1);
        if args.foreground {
            let opts = server::Options {
                idle,
                workers,
                hold_background: args.hold_background,
            };
            if !server::run(repo.root(), opts)? {
                note!("debtgate: a daemon already runs for this repository");
            }
            return Ok(Exit::Pass);
        }
        if let Ok(reply) = client::status(paths) {
            out!("debtgate daemon already running (pid {})", reply.pid)?;
            return Ok(Exit::Pass);
        }
        if clean_stale(paths)? {
            note!("debtgate: removed a stale daemon socket");
        }
        let mut child = spawn(repo, paths, idle, workers, args.hold_background)?;
        let deadline = Instant::now() + STARTUP_WAIT;
        loop {
            if let Ok(reply) = client::status(paths) {
                out!(
                    "debtgate daemon running (pid {}), socket {}",
                    reply.pid,
                    paths.socket.display()
                )?;
                return Ok(Exit::Pass);
            }
            let exited = child.try_wait()?.is_some();
            if exited && !paths.socket.exists() || Instant::now() > deadline {
                bail!(
                    "the daemon did not start; its log is {}:\n{}",
                    paths.log.display(),
                    tail(&paths.log)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts `debtgate daemon start --foreground` detached: its own process group, no stdin or
    /// stdout, stderr appended to the log.
    fn spawn(
        repo: &Repo,
        paths: &DaemonPaths,
        idle: Duration,
        workers: usize,
        hold: bool,
    ) -> Result<std::process::Child> {
        use std::os::unix::process::CommandExt;
        std::fs::create_dir_all(&paths.dir)
            .with_context(|| format!("cannot create {}", paths.dir.display()))?;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&paths.log)
            .with_context(|| format!("cannot open {}", paths.log.display()))?;
        let exe = std::env::current_exe().context("cannot find the debtgate executable")?;
        let mut cmd = Command::new(exe);
        cmd.args(["daemon", "start", "--foreground"])
            .arg(format!("--idle-timeout={}", idle.as_secs()))
            .arg(format!("--jobs={workers}"))
            .current_dir(repo.root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .process_group(0);
        if hold {
            cmd.arg("--hold-background");
        }
        cmd.spawn().context("cannot start the daemon")
    }

    fn tail(log: &Path) -> String {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }

    fn stop(paths: &DaemonPaths) -> Result<Exit> {
        let pid = match client::stop(paths) {
            Ok(pid) => pid,
            Err(Unavailable::NotRunning) => {
                out!("no daemon is running")?;
                return Ok(Exit::Pass);
            }
            Err(Unavailable::Stale) => {
                clean_stale(paths)?;
                out!("no daemon is running (removed a stale socket)")?;
                return Ok(Exit::Pass);
            }
            Err(e) => bail!("{e}"),
        };
        // Stopped once its lock is free.
        let deadline = Instant::now() + STARTUP_WAIT;
        while server::acquire_lock(&paths.lock, Duration::ZERO)?.is_none() {
            if Instant::now() > deadline {
                bail!("the daemon (pid {pid}) was asked to stop but still runs");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        out!("debtgate daemon stopped (pid {pid})")?;
        Ok(Exit::Pass)
    }

    fn status(paths: &DaemonPaths, format: StatusFormat) -> Result<Exit> {
        let reply = match client::status(paths) {
            Ok(r) => r,
            Err(why) => {
                if why == Unavailable::Stale && clean_stale(paths)? {
                    note!("debtgate: removed a stale daemon socket");
                }
                match format {
                    StatusFormat::Json => out!(
                        "{}",
                        serde_json::json!({"schema": "debtgate.daemon-status/1", "running": false, "reason": why.to_string()})
                    )?,
                    StatusFormat::Human => out!("not running: {why}")?,
                }
                return Ok(Exit::Pass);
            }
        };
        let mut s = reply.status.unwrap_or_default();
        s["running"] = true.into();
        match format {
            StatusFormat::Json => out!("{}", serde_json::to_string_pretty(&s)?)?,
            StatusFormat::Human => {
                std::io::Write::write_all(&mut crate::exit::stdout(), human(&s).as_bytes())?
            }
        }
        Ok(Exit::Pass)
    }

    fn human(s: &serde_json::Value) -> String {
        let n = |p: &str| s.pointer(p).cloned().unwrap_or_default();
        let mut out = String::new();
        let mut line = |k: &str, v: String| out.push_str(&format!("{k:<12} {v}\n"));
        line(
            "daemon",
            format!("pid {} for {}", n("/pid"), n("/repository")),
        );
        line(
            "uptime",
            format!(
                "{} s (idle {} s of {} s)",
                n("/uptime_secs"),
                n("/idle_secs"),
                n("/idle_timeout_secs")
            ),
        );
        line(
            "queue",
            format!("high {}, low {}", n("/queue/high"), n("/queue/low")),
        );
        line(
            "running",
            format!("high {}, low {}", n("/active/high"), n("/active/low")),
        );
        line(
            "jobs done",
            format!("high {}, low {}", n("/jobs_done/high"), n("/jobs_done/low")),
        );
        line(
            "preemptions",
            format!(
                "{} (deduplicated {}, failed {})",
                n("/preemptions"),
                n("/deduplicated"),
                n("/failed")
            ),
        );
        line(
            "background",
            format!(
                "pass {}: {}/{} files of HEAD {} and merge-base {}",
                n("/background/passes"),
                n("/background/done"),
                n("/background/files"),
                n("/background/head"),
                n("/background/merge_base")
            ),
        );
        line(
            "cache",
            format!(
                "hot {}, warm {}, cold {}, miss {}",
                n("/cache/hot"),
                n("/cache/warm"),
                n("/cache/cold"),
                n("/cache/miss")
            ),
        );
        line("requests", n("/requests").to_string());
        out
    }
}
