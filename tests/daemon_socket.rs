//! Who may answer as the daemon. Another local user must never be able to put measurements in
//! front of the gate: `check` uses a daemon only through a socket (and a directory) that the
//! checking user owns and nobody else can enter, and only when the process on the other end runs
//! as that user. Each attack here is made by a real process of a second user (`debtgate-other`,
//! created by `scripts/test`), a fake daemon that answers every measurement with "no functions":
//! if the gate believed it, the failing change below would pass.
//!
//! The fake daemon is this test binary run again as that user ([`fake_daemon`], an ignored test
//! that serves when `DEBTGATE_FAKE_DAEMON` names a socket).

use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::daemon::{in_process, run, start, stderr, too_complex, verdict_part};
use crate::util::{commit, git, write};

const OTHER_USER: &str = "debtgate-other";
const FAKE_VAR: &str = "DEBTGATE_FAKE_DAEMON";

/// The second user's uid and gid; `None`, with the reason printed, where no second user can act.
fn other_user() -> Option<(u32, u32)> {
    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!(
            "skipped: acting as a second user needs root (setuid); run ./scripts/test as root"
        );
        return None;
    }
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, OTHER_USER]).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    if id("-u").is_none() {
        // scripts/test creates it; a bare `cargo test` as root does too.
        let _ = Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                OTHER_USER,
            ])
            .status();
    }
    match (id("-u"), id("-g")) {
        (Some(uid), Some(gid)) => Some((uid, gid)),
        _ => {
            eprintln!("skipped: no user {OTHER_USER} and useradd could not create one");
            None
        }
    }
}

/// A fake daemon run by the second user, listening on `socket` (which it binds itself). Killed
/// when dropped.
struct Fake {
    child: Child,
    socket: PathBuf,
}

impl Fake {
    fn start(socket: &Path, (uid, gid): (u32, u32)) -> Fake {
        let child = Command::new(std::env::current_exe().expect("the test binary"))
            .args([
                "daemon_socket::fake_daemon",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(FAKE_VAR, socket)
            .uid(uid)
            .gid(gid)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the test binary runs as the second user");
        let fake = Fake {
            child,
            socket: socket.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while UnixStream::connect(&fake.socket).is_err() {
            assert!(Instant::now() < deadline, "the fake daemon never listened");
            std::thread::sleep(Duration::from_millis(20));
        }
        fake
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// The fake daemon's life (in the second user's process): answer every request as a daemon
/// would, every measurement with a forged side that has no functions.
#[test]
#[ignore = "a helper the other tests run as a second user"]
fn fake_daemon() {
    let Some(socket) = std::env::var_os(FAKE_VAR) else {
        return;
    };
    let listener = UnixListener::bind(&socket).expect("the fake daemon binds");
    // As open as a careless or hostile user makes it.
    let _ = std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o777));
    for stream in listener.incoming().take(50).flatten() {
        let _ = forge(stream);
    }
}

fn forge(mut s: UnixStream) -> std::io::Result<()> {
    use debtgate::daemon::protocol::{self, Answer, Op, Reply, Request, END};
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let request: Request =
        serde_json::from_slice(&protocol::read_frame(&mut s)?).map_err(std::io::Error::other)?;
    let reply = Reply {
        ok: true,
        pid: std::process::id(),
        error: None,
        status: Some(serde_json::json!({"pid": std::process::id()})),
    };
    protocol::write_frame(&mut s, &serde_json::to_vec(&reply)?)?;
    if let Op::Measure { jobs, .. } = request.op {
        for (i, (path, _)) in jobs.iter().enumerate() {
            let language = debtgate::lang::Language::from_path(Path::new(path))
                .unwrap_or(debtgate::lang::Language::Rust);
            let forged = debtgate::store::Measured {
                language,
                metrics: debtgate::analysis::Analyzer::new().analyze(b"", language),
                marks: debtgate::analysis::marks::Marks::default(),
            };
            let answer = Answer::Measured {
                served: debtgate::store::Served::Warm,
                value: debtgate::daemon::job::to_wire(&forged),
            };
            protocol::write_frame(&mut s, &protocol::encode_result(i as u32, &answer))?;
        }
        protocol::write_frame(&mut s, &END.to_le_bytes())?;
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
    }
    s.flush()
}

/// A repository in a directory the second user may enter, with a staged function over the
/// default fail threshold: the gate fails it, unless it believes a forged answer.
fn failing_change(parent: &Path, name: &str) -> PathBuf {
    let dir = parent.join(name);
    std::fs::create_dir_all(&dir).expect("the repository's directory");
    git(&dir, &["init", "-q"]);
    commit(&dir, &[("src/a.rs", b"fn a() {}\n")], "base");
    write(&dir, "src/a.rs", too_complex().as_bytes());
    git(&dir, &["add", "-A"]);
    dir
}

/// A temp dir the second user may enter and write into.
fn open_tempdir() -> tempfile::TempDir {
    let t = tempfile::tempdir().expect("a temp dir");
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
    t
}

/// The gate on `dir` exits 1 with the in-process report: no forged answer was used.
fn assert_judged_in_process(dir: &Path) -> Output {
    let args = ["check", "--format", "json"];
    let out = run(dir, &args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate believed the fake daemon: {}",
        stderr(&out)
    );
    assert_eq!(verdict_part(&out), verdict_part(&in_process(dir, &args)));
    out
}

#[test]
fn a_socket_squatted_at_the_predictable_temp_name_is_never_used() {
    let Some(other) = other_user() else { return };
    // A repository whose socket path would be too long for the git directory: the socket used
    // to go to `$TMPDIR/debtgate-<hash of the git dir>.sock`, a name anyone can compute and bind
    // first.
    let parent = open_tempdir();
    let dir = failing_change(parent.path(), &"x".repeat(110));
    let common = dir.join(".git").canonicalize().expect("the git dir");
    let id = blake3::hash(common.as_os_str().as_encoded_bytes()).to_hex();
    let squatted = std::env::temp_dir().join(format!("debtgate-{}.sock", &id[..16]));
    let _ = std::fs::remove_file(&squatted);
    let _fake = Fake::start(&squatted, other);
    let out = assert_judged_in_process(&dir);
    assert!(!stderr(&out).contains("daemon"), "{}", stderr(&out));
}

#[test]
fn a_socket_of_another_user_in_the_repository_is_refused() {
    let Some(other) = other_user() else { return };
    // A repository others may write into (a shared checkout): the second user puts its own
    // daemon where the real one would listen.
    let parent = open_tempdir();
    let dir = failing_change(parent.path(), "shared");
    let sockets = dir.join(".git/debtgate");
    std::fs::create_dir_all(&sockets).expect("the daemon's directory");
    std::fs::set_permissions(&sockets, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let _fake = Fake::start(&sockets.join("daemon.sock"), other);
    let out = assert_judged_in_process(&dir);
    let err = stderr(&out);
    assert!(
        err.contains("daemon not used") && err.contains("not private"),
        "{err}"
    );
}

#[test]
fn a_daemon_answering_as_another_user_is_refused_even_through_our_own_socket() {
    let Some(other) = other_user() else { return };
    // The socket file and its directory are ours and private, but the process listening on it
    // is not: the second user bound it elsewhere and it was moved (and chowned) into place.
    let parent = open_tempdir();
    let dir = failing_change(parent.path(), "moved");
    let theirs = open_tempdir();
    let fake = Fake::start(&theirs.path().join("fake.sock"), other);
    let sockets = dir.join(".git/debtgate");
    std::fs::create_dir_all(&sockets).expect("the daemon's directory");
    std::fs::set_permissions(&sockets, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let ours = sockets.join("daemon.sock");
    std::fs::rename(&fake.socket, &ours).expect("the socket moves into place");
    std::os::unix::fs::chown(&ours, Some(0), Some(0)).expect("chown");
    std::fs::set_permissions(&ours, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let meta = std::fs::metadata(&ours).expect("the socket");
    assert_eq!((meta.uid(), meta.mode() & 0o777), (0, 0o600));
    let out = assert_judged_in_process(&dir);
    let err = stderr(&out);
    assert!(
        err.contains("daemon not used") && err.contains(&format!("uid {}", other.0)),
        "{err}"
    );
}

#[test]
fn a_long_repository_path_gets_a_private_socket_directory() {
    let parent = tempfile::tempdir().expect("a temp dir");
    let dir = failing_change(parent.path(), &"y".repeat(110));
    let d = start(&dir, &[]);
    let entry = dir.join(".git/debtgate/daemon.sock");
    let link = std::fs::symlink_metadata(&entry).expect("the socket's entry");
    assert!(link.file_type().is_symlink(), "{link:?}");
    let socket = std::fs::read_link(&entry).expect("a link");
    let private = socket
        .parent()
        .expect("the socket's directory")
        .to_path_buf();
    let meta = std::fs::symlink_metadata(&private).expect("the private directory");
    // SAFETY: geteuid(2) has no preconditions.
    let me = unsafe { libc::geteuid() };
    assert!(meta.is_dir());
    assert_eq!((meta.uid(), meta.mode() & 0o777), (me, 0o700));
    assert!(private.starts_with(std::env::temp_dir()));
    let name = private.file_name().unwrap().to_string_lossy().to_string();
    assert!(name.starts_with(&format!("debtgate-{me}-")), "{name}");
    assert_ne!(
        name,
        format!("debtgate-{me}-"),
        "the name has a random part"
    );
    // The daemon serves through it, with the same verdict as in-process.
    let out = assert_judged_in_process(&dir);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(crate::daemon::status(&dir)["last_gate"]["jobs"], 2);
    // Stopping removes the socket, its directory and the link.
    let stopped = run(&dir, &["daemon", "stop"]);
    assert!(stopped.status.success(), "{}", stderr(&stopped));
    crate::daemon::wait_exit(d.pid);
    assert!(!private.exists());
    assert!(std::fs::symlink_metadata(&entry).is_err());
}
