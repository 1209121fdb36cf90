//! The per-repository daemon: a long-running process that owns the store, keeps it warm for HEAD
//! and the upstream's merge-base in the background, and answers the gate's measurement requests
//! ahead of that background work (docs/daemon.md).
//!
//! How it meets its neighbours:
//! - `check` measures through a [`Measurer`] ([`route`]): when a daemon with this build's protocol
//!   runs, the change's blobs are measured there at High priority; anything it cannot answer is
//!   measured in-process, so the verdict never depends on the daemon.
//! - [`job`] is one file's work (read the blob, detect the language, look up or measure through
//!   the store), shared by the daemon, `debtgate warm` and the client's job list.
//! - [`scheduler`] orders that work (High before Low, identical jobs merged).
//! - [`warm`] plans the background pass and runs it in-process for `debtgate warm`.
//! - [`server`] and [`client`] speak [`protocol`] over a Unix socket under the git common
//!   directory; they exist only on Unix. Elsewhere `check` works in-process and `daemon` says it
//!   is not supported. [`socket`] decides where it lives and whom to trust through it.

pub mod job;
pub mod route;
pub mod scheduler;
pub mod warm;

#[cfg(unix)]
pub mod client;
#[cfg(unix)]
pub mod protocol;
#[cfg(unix)]
pub mod server;
#[cfg(unix)]
pub mod socket;

use std::path::{Path, PathBuf};

pub use route::Measurer;

/// `DEBTGATE_DAEMON=off` (or `0`): `check` never asks a daemon.
pub const DAEMON_VAR: &str = "DEBTGATE_DAEMON";

/// Default time without requests or background work after which the daemon exits.
pub const DEFAULT_IDLE_SECS: u64 = 30 * 60;

/// The git configuration key for the idle time (seconds, or with an `s`/`m`/`h` suffix).
pub const IDLE_CONFIG_KEY: &str = "debtgate.daemonIdleTimeout";

/// Where one repository's daemon keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonPaths {
    /// The directory (`<git common dir>/debtgate`), private to the daemon's user.
    pub dir: PathBuf,
    /// `dir/daemon.sock`: the socket, or (when that path is too long for a socket) a link to it.
    pub entry: PathBuf,
    /// The socket `check` connects to: `entry`, or where it links to.
    pub socket: PathBuf,
    /// Held locked (flock) by the running daemon; holds its pid.
    pub lock: PathBuf,
    /// The daemon's stderr.
    pub log: PathBuf,
}

impl DaemonPaths {
    /// The paths of the daemon of the repository whose git common directory is `common_dir`.
    /// Where the socket is depends on the running daemon (`socket.rs`): the link it left, read
    /// here, is trusted only after `socket::check`.
    pub fn of(common_dir: &Path) -> DaemonPaths {
        let common = common_dir
            .canonicalize()
            .unwrap_or_else(|_| common_dir.to_path_buf());
        let dir = common.join("debtgate");
        let entry = dir.join("daemon.sock");
        DaemonPaths {
            socket: linked(&dir, &entry),
            entry,
            lock: dir.join("daemon.lock"),
            log: dir.join("daemon.log"),
            dir,
        }
    }

    /// The same paths with the socket looked up again (a daemon started since may have linked
    /// a new one).
    pub fn refreshed(&self) -> DaemonPaths {
        DaemonPaths {
            socket: linked(&self.dir, &self.entry),
            ..self.clone()
        }
    }

    /// Removes a stale socket (the caller holds the daemon lock), its link and private dir.
    #[cfg(unix)]
    pub fn remove_socket(&self) -> bool {
        socket::remove(self, None)
    }
}

/// Where `entry` links to (relative to `dir`), or `entry` itself.
fn linked(dir: &Path, entry: &Path) -> PathBuf {
    std::fs::read_link(entry)
        .map(|target| dir.join(target))
        .unwrap_or_else(|_| entry.to_path_buf())
}

/// Whether `check` may ask a daemon (the variable is not `off`/`0`).
pub fn enabled() -> bool {
    !std::env::var_os(DAEMON_VAR).is_some_and(|v| v == "off" || v == "0")
}

/// Parses a duration: seconds (`90`), or a number with `s`, `m` or `h` (`30m`).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let (num, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => t.split_at(at),
        None => (t, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 90, 90s, 30m, 2h)"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("`{text}`: the unit must be s, m or h")),
    };
    Ok(std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_and_without_units() {
        assert_eq!(parse_duration("90").unwrap().as_secs(), 90);
        assert_eq!(parse_duration("30m").unwrap().as_secs(), 1800);
        assert_eq!(parse_duration("2h").unwrap().as_secs(), 7200);
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5d").is_err());
    }

    #[test]
    fn the_socket_is_in_the_git_directory_unless_a_link_there_says_otherwise() {
        let short = DaemonPaths::of(Path::new("/r/.git"));
        assert_eq!(short.socket, Path::new("/r/.git/debtgate/daemon.sock"));
        assert_eq!(short.entry, short.socket);
        // Never a name computed from the repository in a shared directory (anyone could bind it
        // first): with no daemon's link, a long path's socket is its entry, which nothing binds.
        let long = DaemonPaths::of(&Path::new("/").join("x".repeat(120)).join(".git"));
        assert_eq!(long.socket, long.entry);
        assert!(long.lock.ends_with("debtgate/daemon.lock"));
    }
}
