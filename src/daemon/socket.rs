//! Where the daemon's socket lives, and who may be trusted through it. Answers that come through
//! the socket are put in front of the gate, so a socket another local user could bind, replace
//! or answer on would let them forge measurements (a failing change would pass).
//!
//! - The socket is `<git common dir>/debtgate/daemon.sock`, in a directory the daemon makes
//!   private (owned by its user, mode 0700), itself mode 0600.
//! - When that path is too long for a socket, the socket goes to a directory made fresh for each
//!   daemon by `mkdtemp` (`$TMPDIR/debtgate-<uid>-XXXXXX`, 0700, a random name nobody can create
//!   first), and `daemon.sock` is a symbolic link to it. The link lives in the private directory,
//!   so only its owner can point it anywhere.
//! - The client ([`check`]) uses a socket only when the directory, the socket's own directory
//!   and the socket are owned by it and open to nobody else, and ([`peer_uid`]) only when the
//!   process that answers runs as the same user (`SO_PEERCRED`, `getpeereid`). The daemon refuses
//!   connections from other users too.
//!
//! Anything refused is a reason for `check` to work in-process, never a verdict.

use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};

use super::DaemonPaths;

/// Unix socket paths are limited to about 104 bytes; a longer one goes to a private temp dir.
pub const MAX_SOCKET_PATH: usize = 100;

/// This process's effective uid: the user whose daemon it may talk to.
pub fn euid() -> u32 {
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Why `path` (a directory when `dir`, else the socket) may not be trusted, if it may not: it
/// must be what it claims (not a link), owned by this user, and open to nobody else.
fn not_private(path: &Path, dir: bool) -> Option<String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(format!("cannot inspect {}: {e}", path.display())),
    };
    let kind_ok = if dir {
        meta.is_dir()
    } else {
        meta.file_type().is_socket()
    };
    let (uid, mode, me) = (meta.uid(), meta.mode() & 0o777, euid());
    if !kind_ok {
        let what = if dir { "a directory" } else { "a socket" };
        return Some(format!("{} is not {what}", path.display()));
    }
    if uid != me || mode & 0o077 != 0 {
        let want = if dir { 0o700 } else { 0o600 };
        return Some(format!(
            "{} is not private: owned by uid {uid} with mode {mode:o}, where uid {me} with mode \
             {want:o} is required",
            path.display()
        ));
    }
    None
}

/// Whether the client may use the daemon socket of `paths`: `Err` says why not.
pub fn check(paths: &DaemonPaths) -> Result<(), String> {
    let mut dirs = vec![paths.dir.as_path()];
    if let Some(own) = paths.socket.parent().filter(|d| *d != paths.dir) {
        dirs.push(own);
    }
    for d in dirs {
        if let Some(why) = not_private(d, true) {
            return Err(why);
        }
    }
    not_private(&paths.socket, false).map_or(Ok(()), Err)
}

/// The uid of the process on the other end of a connected Unix socket.
pub fn peer_uid(socket: &impl std::os::fd::AsRawFd) -> io::Result<u32> {
    let fd = socket.as_raw_fd();
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut cred = libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: `cred` and `len` are valid for writes of the sizes given; `fd` is an open
        // socket for as long as `socket` is borrowed.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                std::ptr::from_mut(&mut cred).cast(),
                &mut len,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(cred.uid)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let (mut uid, mut gid) = (0, 0);
        // SAFETY: `uid` and `gid` are valid for writes; `fd` is an open socket.
        if unsafe { libc::getpeereid(fd, &mut uid, &mut gid) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(uid)
    }
}

/// Makes the daemon's directory private (it holds the socket, or the link to it): owned by this
/// user (else an error: another user's directory cannot be made ours), mode 0700.
pub fn make_private(dir: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() || meta.uid() != euid() {
        return Err(io::Error::other(format!(
            "{} is not a directory of uid {}: the daemon will not listen there",
            dir.display(),
            euid()
        )));
    }
    if meta.mode() & 0o777 != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Binds the daemon's socket (the caller holds the daemon lock, so whatever is at its place is
/// stale): at `paths.entry` when the path fits, else in a fresh private temp dir with
/// `paths.entry` a link to it. Mode 0600. Returns the listener and the socket's path.
pub fn bind(paths: &DaemonPaths) -> io::Result<(UnixListener, PathBuf)> {
    remove(paths, None);
    let entry = &paths.entry;
    let socket = if entry.as_os_str().len() <= MAX_SOCKET_PATH {
        entry.clone()
    } else {
        fresh_private_dir()?.join("daemon.sock")
    };
    let listener = UnixListener::bind(&socket)?;
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))?;
    if socket != *entry {
        std::os::unix::fs::symlink(&socket, entry)?;
    }
    Ok((listener, socket))
}

/// Removes the socket of `paths` (only the one with inode `ino`, when given: a newer daemon's is
/// left alone), its link and its private temp dir. Returns whether a socket was removed.
pub fn remove(paths: &DaemonPaths, ino: Option<u64>) -> bool {
    let linked = std::fs::read_link(&paths.entry).ok();
    let socket = linked.clone().unwrap_or_else(|| paths.entry.clone());
    let ours = std::fs::symlink_metadata(&socket)
        .is_ok_and(|m| m.file_type().is_socket() && ino.is_none_or(|i| m.ino() == i));
    if ino.is_some() && !ours {
        return false;
    }
    let removed = ours && std::fs::remove_file(&socket).is_ok();
    if let Some(target) = linked {
        let _ = std::fs::remove_file(&paths.entry);
        // Only an (empty) directory of the kind `bind` makes, never anything else.
        if let Some(dir) = target.parent().filter(|d| is_our_temp_dir(d)) {
            let _ = std::fs::remove_dir(dir);
        }
    }
    removed
}

fn temp_prefix() -> String {
    format!("debtgate-{}-", euid())
}

/// A directory `fresh_private_dir` made for this user (wherever `TMPDIR` pointed then).
fn is_our_temp_dir(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(&temp_prefix()))
        && not_private(dir, true).is_none()
}

/// A new directory `$TMPDIR/debtgate-<uid>-XXXXXX` (mkdtemp: a random name, created exclusively,
/// mode 0700).
fn fresh_private_dir() -> io::Result<PathBuf> {
    let template = std::env::temp_dir().join(format!("{}XXXXXX", temp_prefix()));
    let mut bytes = template.into_os_string().into_vec();
    if bytes.contains(&0) {
        return Err(io::Error::other("the temp dir's path holds a NUL byte"));
    }
    bytes.push(0);
    // SAFETY: `bytes` is a NUL-terminated template ending in XXXXXX that mkdtemp may rewrite in
    // place; it lives across the call.
    let made = unsafe { libc::mkdtemp(bytes.as_mut_ptr().cast()) };
    if made.is_null() {
        return Err(io::Error::last_os_error());
    }
    bytes.pop();
    let dir = PathBuf::from(OsString::from_vec(bytes));
    match not_private(&dir, true) {
        None => Ok(dir),
        Some(why) => Err(io::Error::other(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_private_dirs_are_random_private_and_removed_with_their_socket() {
        let a = fresh_private_dir().expect("a dir");
        let b = fresh_private_dir().expect("another");
        assert_ne!(a, b);
        let meta = std::fs::metadata(&a).expect("made");
        assert_eq!((meta.uid(), meta.mode() & 0o777), (euid(), 0o700));
        assert!(is_our_temp_dir(&a));
        for d in [a, b] {
            std::fs::remove_dir(d).expect("empty");
        }
    }

    #[test]
    fn a_directory_open_to_others_is_not_private() {
        let t = tempfile::tempdir().expect("a temp dir");
        std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(not_private(t.path(), true), None);
        std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let why = not_private(t.path(), true).expect("0755 is not private");
        assert!(why.contains("mode 755"), "{why}");
        make_private(t.path()).expect("ours");
        assert!(not_private(t.path(), true).is_none());
        let file = t.path().join("f");
        std::fs::write(&file, b"").unwrap();
        assert!(not_private(&file, false)
            .expect("a file")
            .contains("not a socket"));
    }
}
