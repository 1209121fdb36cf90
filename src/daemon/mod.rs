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
//!   is not supported.

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
    /// The directory (`<git common dir>/debtgate`).
    pub dir: PathBuf,
    /// The socket `check` connects to.
    pub socket: PathBuf,
    /// Held locked (flock) by the running daemon; holds its pid.
    pub lock: PathBuf,
    /// The daemon's stderr.
    pub log: PathBuf,
}

/// Unix socket paths are limited to about 104 bytes; past this the socket goes to the temp dir
/// under a name derived from the repository.
const MAX_SOCKET_PATH: usize = 100;

impl DaemonPaths {
    pub fn of(common_dir: &Path) -> DaemonPaths {
        let common = common_dir
            .canonicalize()
            .unwrap_or_else(|_| common_dir.to_path_buf());
        let dir = common.join("debtgate");
        let mut socket = dir.join("daemon.sock");
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            let id = blake3::hash(common.as_os_str().as_encoded_bytes()).to_hex();
            socket = std::env::temp_dir().join(format!("debtgate-{}.sock", &id[..16]));
        }
        DaemonPaths {
            socket,
            lock: dir.join("daemon.lock"),
            log: dir.join("daemon.log"),
            dir,
        }
    }
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
    fn a_long_repository_path_moves_the_socket_to_the_temp_dir() {
        let short = DaemonPaths::of(Path::new("/r/.git"));
        assert_eq!(short.socket, Path::new("/r/.git/debtgate/daemon.sock"));
        let long = DaemonPaths::of(&Path::new("/").join("x".repeat(120)).join(".git"));
        assert!(long.socket.starts_with(std::env::temp_dir()));
        assert!(long.lock.ends_with("debtgate/daemon.lock"));
    }
}
