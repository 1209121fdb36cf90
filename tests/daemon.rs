//! `debtgate daemon` and `debtgate warm` through the binary, on real repositories, with real
//! daemon processes and the real socket. Order is proven with the scheduler's counters and
//! completion sequence numbers, never with timings; every wait is bounded and panics when the
//! bound passes, so a hang fails the test instead of stalling the suite.

#![cfg(unix)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{commit, debtgate, git, git_repo, json, write};

/// Stops the repository's daemon when the test ends, however it ends.
pub(crate) struct Daemon {
    dir: PathBuf,
    pub(crate) pid: u32,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = run(&self.dir, &["daemon", "stop"]);
        // SAFETY: kill(2) on a pid this test started; a pid that already exited is harmless.
        unsafe {
            libc::kill(self.pid as i32, libc::SIGKILL);
        }
    }
}

pub(crate) fn run(dir: &Path, args: &[&str]) -> Output {
    debtgate()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DEBTGATE_DAEMON")
        .env_remove("DEBTGATE_STORE")
        .output()
        .expect("the debtgate binary runs")
}

pub(crate) fn in_process(dir: &Path, args: &[&str]) -> Output {
    debtgate()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DEBTGATE_DAEMON", "off")
        .env("DEBTGATE_STORE", "off")
        .output()
        .expect("the debtgate binary runs")
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub(crate) fn start(dir: &Path, extra: &[&str]) -> Daemon {
    let mut args = vec!["daemon", "start", "--idle-timeout", "120", "-j", "1"];
    args.extend_from_slice(extra);
    let out = run(dir, &args);
    assert!(out.status.success(), "start failed: {}", stderr(&out));
    let pid = status(dir)["pid"]
        .as_u64()
        .expect("a running daemon has a pid") as u32;
    Daemon {
        dir: dir.to_path_buf(),
        pid,
    }
}

pub(crate) fn status(dir: &Path) -> Value {
    json(&run(dir, &["daemon", "status", "--format", "json"]))
}

/// Polls the daemon's status until `f` holds; panics after a minute.
fn wait_status(dir: &Path, what: &str, f: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = status(dir);
        if f(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "waited a minute for {what}: {s:#}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub(crate) fn wait_exit(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid) {
        assert!(Instant::now() < deadline, "daemon {pid} still runs");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(true)
}

/// The report without its `cache` section, which says where numbers came from.
pub(crate) fn verdict_part(out: &Output) -> Value {
    let mut v = json(out);
    v.as_object_mut().expect("an object").remove("cache");
    v
}

fn source(i: usize, extra: usize) -> String {
    let mut s = format!("fn base{i}(a: u32) -> u32 {{\n    if a > {i} {{ a }} else {{ 0 }}\n}}\n");
    for k in 0..extra {
        s.push_str(&format!(
            "fn f{i}_{k}(a: u32) -> u32 {{\n    match a {{ 0 => 1, 1 => {k}, _ => a }}\n}}\n"
        ));
    }
    s
}

/// A function over the default fail threshold for cyclomatic (30).
pub(crate) fn too_complex() -> String {
    let mut body = String::from("fn tangled(a: u32) -> u32 {\n    let mut n = 0;\n");
    for i in 0..32 {
        body.push_str(&format!("    if a == {i} {{ n += 1; }}\n"));
    }
    body.push_str("    n\n}\n");
    body
}

/// A repository of `n` Rust files, committed.
fn repo_with(n: usize) -> tempfile::TempDir {
    let dir = git_repo();
    for i in 0..n {
        write(dir.path(), &format!("src/m{i}.rs"), source(i, 3).as_bytes());
    }
    commit(dir.path(), &[], "files");
    dir
}

/// Stages edits of the first `n` files: a new function each, and one that fails the gate.
fn stage_change(dir: &Path, n: usize) {
    for i in 0..n {
        let mut s = source(i, 3);
        s.push_str(&format!("fn added{i}(x: u32) -> u32 {{ x + {i} }}\n"));
        if i == 0 {
            s.push_str(&too_complex());
        }
        write(dir, &format!("src/m{i}.rs"), s.as_bytes());
    }
    git(dir, &["add", "-A"]);
}

#[test]
fn start_status_stop_and_the_background_pass() {
    let repo = repo_with(12);
    let d = start(repo.path(), &[]);
    let s = wait_status(repo.path(), "the background pass", |s| {
        s["background"]["done"] == 12 && s["queue"]["low"] == 0
    });
    assert_eq!(s["running"], true);
    assert_eq!(s["background"]["files"], 12);
    assert_eq!(
        s["background"]["head"],
        git(repo.path(), &["rev-parse", "HEAD"])
    );
    assert_eq!(s["jobs_done"]["low"], 12);
    assert_eq!(s["cache"]["miss"], 12, "{s:#}");
    assert_eq!(s["workers"]["low_nice"], 10, "background workers are niced");
    let human =
        String::from_utf8_lossy(&run(repo.path(), &["daemon", "status"]).stdout).to_string();
    assert!(
        human.contains("queue") && human.contains("preemptions"),
        "{human}"
    );

    let doctor = String::from_utf8_lossy(&run(repo.path(), &["doctor"]).stdout).to_string();
    let line = doctor
        .lines()
        .find(|l| l.contains("daemon"))
        .unwrap_or_default()
        .to_string();
    assert!(
        line.starts_with("pass") && line.contains(&format!("running (pid {}", d.pid)),
        "{doctor}"
    );

    // A second start finds it; stop ends it and removes the socket.
    let again = run(repo.path(), &["daemon", "start"]);
    assert!(String::from_utf8_lossy(&again.stdout)
        .contains(&format!("already running (pid {})", d.pid)));
    let stopped = run(repo.path(), &["daemon", "stop"]);
    assert!(stopped.status.success(), "{}", stderr(&stopped));
    wait_exit(d.pid);
    assert!(!repo.path().join(".git/debtgate/daemon.sock").exists());
    assert_eq!(status(repo.path())["running"], false);
    let doctor = String::from_utf8_lossy(&run(repo.path(), &["doctor"]).stdout).to_string();
    assert!(doctor.contains("daemon       not running"), "{doctor}");
}

#[test]
fn the_verdict_is_the_same_with_and_without_the_daemon() {
    let repo = repo_with(8);
    let _d = start(repo.path(), &[]);
    stage_change(repo.path(), 4);
    for args in [
        &["check", "--format", "json"][..],
        &["check", "--all", "--format", "json"][..],
    ] {
        let before = status(repo.path())["jobs_done"]["high"].as_u64().unwrap();
        let served = run(repo.path(), args);
        let alone = in_process(repo.path(), args);
        assert_eq!(
            served.status.code(),
            alone.status.code(),
            "{}",
            stderr(&served)
        );
        assert_eq!(verdict_part(&served), verdict_part(&alone), "{args:?}");
        assert!(stderr(&served).is_empty(), "{}", stderr(&served));
        let after = status(repo.path());
        assert!(
            after["jobs_done"]["high"].as_u64().unwrap() > before,
            "{after:#}"
        );
    }
    // The staged change fails the gate either way (and a range through the daemon too).
    assert_eq!(run(repo.path(), &["check"]).status.code(), Some(1));
    git(repo.path(), &["commit", "-qm", "change"]);
    let args = ["check", "--base", "HEAD~1", "--format", "json"];
    let served = run(repo.path(), &args);
    assert_eq!(served.status.code(), Some(1));
    assert_eq!(
        verdict_part(&served),
        verdict_part(&in_process(repo.path(), &args))
    );
    assert_eq!(status(repo.path())["last_gate"]["answered"], 8);
}

/// Files without an extension through the daemon: a Python script is measured and judged, and
/// files of no language (`LICENSE`, a `#!/bin/sh` script) are listed as such, exactly as the gate
/// alone says — in the background pass's entries and in the gate's own answers.
#[test]
fn scripts_and_files_of_no_language_get_the_same_answer_through_the_daemon() {
    let dir = git_repo();
    let root = dir.path();
    let script = |n: usize| {
        format!(
            "#!/usr/bin/env python3\n{}",
            crate::util::branchy("tool", n)
        )
    };
    commit(
        root,
        &[
            ("bin/tool", script(2).as_bytes()),
            ("LICENSE", b"MIT License\n"),
            ("run", b"#!/bin/sh\necho run\n"),
        ],
        "files",
    );
    let _d = start(root, &[]);
    wait_status(root, "the background pass", |s| {
        s["background"]["done"] == 3
    });
    write(root, "bin/tool", script(40).as_bytes());
    write(root, "LICENSE", b"MIT License\n\nCopyright\n");
    write(root, "run", b"#!/bin/sh\necho run again\n");
    git(root, &["add", "-A"]);
    // The staged change (the script grown to cyclomatic 41), and HEAD whole (`--all`: the
    // script as committed, within its levels).
    for (args, code) in [
        (&["check", "--format", "json"][..], 1),
        (&["check", "--all", "--format", "json"][..], 0),
    ] {
        let served = run(root, args);
        assert_eq!(served.status.code(), Some(code), "{}", stderr(&served));
        assert!(stderr(&served).is_empty(), "{}", stderr(&served));
        assert_eq!(
            verdict_part(&served),
            verdict_part(&in_process(root, args)),
            "{args:?}"
        );
        let report = json(&served);
        assert_eq!(report["files"][0]["path"], "bin/tool", "{report}");
        assert_eq!(report["files"][0]["language"], "python", "{report}");
        let failing = (report["findings"].as_array().expect("findings").iter())
            .any(|f| f["function"] == "tool" && f["level"] == "fail");
        assert_eq!(failing, code == 1, "{report}");
        let skipped: Vec<&str> = (report["not_analysed"].as_array().expect("a list").iter())
            .filter(|f| f["reason"] == "unsupported language")
            .map(|f| f["path"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(skipped, ["LICENSE", "run"], "{report}");
    }
}

#[test]
fn gate_jobs_complete_before_the_remaining_background_queue() {
    let repo = repo_with(120);
    let _d = start(repo.path(), &["--hold-background"]);
    let s = wait_status(repo.path(), "the background queue", |s| {
        s["queue"]["low"] == 120
    });
    assert_eq!(s["jobs_done"]["low"], 0);
    stage_change(repo.path(), 10);
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = status(repo.path());
    let gate = &s["last_gate"];
    // 10 new sides and 10 old sides; the old sides were queued in the background and moved up.
    assert_eq!(gate["jobs"], 20, "{s:#}");
    assert_eq!(gate["low_queued_at_start"], 120);
    // The gate's jobs were the first 20 the scheduler finished: no background job came first.
    assert_eq!(gate["first_seq"], 1, "{s:#}");
    assert_eq!(gate["last_seq"], 20, "{s:#}");
    assert_eq!(gate["low_done_during"], 0, "{s:#}");
    assert_eq!(gate["low_queued_at_end"], 110, "{s:#}");
    assert_eq!(s["deduplicated"], 10, "{s:#}");
    // Then the background finishes; each blob was measured once.
    let s = wait_status(repo.path(), "the background pass", |s| {
        s["queue"]["low"] == 0 && s["active"]["low"] == 0
    });
    assert_eq!(
        s["jobs_done"]["high"].as_u64().unwrap() + s["jobs_done"]["low"].as_u64().unwrap(),
        130
    );
    assert_eq!(s["cache"]["miss"], 130, "{s:#}");
}

#[test]
fn identical_blobs_in_one_request_are_measured_once() {
    let repo = repo_with(2);
    let _d = start(repo.path(), &["--hold-background"]);
    wait_status(repo.path(), "the background queue", |s| {
        s["queue"]["low"] == 2
    });
    let same = too_complex();
    for i in 0..6 {
        write(repo.path(), &format!("copy{i}.rs"), same.as_bytes());
    }
    git(repo.path(), &["add", "-A"]);
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 6);
    let s = status(repo.path());
    assert_eq!(s["last_gate"]["jobs"], 6);
    assert_eq!(s["last_gate"]["answered"], 6);
    // Six requests for one blob, queued together: one analysis, five joined it.
    assert_eq!(s["jobs_done"]["high"], 1, "{s:#}");
    assert_eq!(s["deduplicated"], 5, "{s:#}");
}

#[test]
fn two_starts_at_once_make_one_daemon() {
    let repo = repo_with(3);
    let spawn = || {
        debtgate()
            .args(["daemon", "start", "--idle-timeout", "120", "-j", "1"])
            .current_dir(repo.path())
            .env_remove("DEBTGATE_DAEMON")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("debtgate starts")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{}{}",
        stderr(&a),
        stderr(&b)
    );
    let pid = status(repo.path())["pid"].as_u64().unwrap() as u32;
    let _d = Daemon {
        dir: repo.path().to_path_buf(),
        pid,
    };
    for out in [&a, &b] {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("pid {pid}")), "{text}");
    }
    // The second daemon gives up once it finds the lock held (it never listened).
    let deadline = Instant::now() + Duration::from_secs(60);
    while daemons_for(repo.path()) != vec![pid] {
        assert!(Instant::now() < deadline, "{:?}", daemons_for(repo.path()));
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = std::fs::read_to_string(repo.path().join(".git/debtgate/daemon.log")).unwrap();
    // Whichever start lost found the winner answering, or started a daemon that found the lock
    // held and exited without listening: one daemon ever started serving.
    assert_eq!(log.matches(" started for ").count(), 1, "{log}");
}

/// The pids of daemon processes whose working directory is `dir`.
fn daemons_for(dir: &Path) -> Vec<u32> {
    let want = dir.canonicalize().unwrap();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let is_daemon = String::from_utf8_lossy(&cmdline).contains("--foreground");
        let cwd = std::fs::read_link(entry.path().join("cwd")).ok();
        if is_daemon && cwd.as_deref() == Some(want.as_path()) && !is_zombie(pid) {
            pids.push(pid);
        }
    }
    pids
}

#[test]
fn garbage_and_vanishing_clients_do_not_disturb_the_daemon() {
    let repo = repo_with(4);
    let _d = start(repo.path(), &[]);
    let socket = repo.path().join(".git/debtgate/daemon.sock");
    // Garbage: refused with a reason, connection closed.
    let mut s = UnixStream::connect(&socket).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    drop(s);
    // A plausible frame that is not JSON, and a request from another protocol version.
    for body in [
        &b"\x00\x00\x00\x05hello"[..],
        &frame(br#"{"protocol":999,"fingerprint":"x","op":"status"}"#),
    ] {
        let mut s = UnixStream::connect(&socket).unwrap();
        s.write_all(body).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        assert!(text.contains(r#""ok":false"#), "{text}");
    }
    // A client that sends a large request and disappears without reading the answer.
    let jobs: Vec<String> = (0..4)
        .map(|i| {
            format!(
                r#"["src/m{i}.rs","{}"]"#,
                git(repo.path(), &["rev-parse", &format!("HEAD:src/m{i}.rs")])
            )
        })
        .collect();
    let fp = status(repo.path())["protocol"].clone();
    assert_eq!(fp, 1);
    let mut s = UnixStream::connect(&socket).unwrap();
    s.write_all(&frame(format!(r#"{{"protocol":1,"fingerprint":"{}","op":"measure","max_file_size":1000000,"jobs":[{}]}}"#, fingerprint(), jobs.join(",")).as_bytes())).unwrap();
    drop(s);
    // A real client killed while it runs.
    stage_change(repo.path(), 4);
    let mut child = debtgate()
        .args(["check"])
        .current_dir(repo.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let _ = child.kill();
    let _ = child.wait();
    // Still serving, with the right verdict.
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(
        verdict_part(&out),
        verdict_part(&in_process(repo.path(), &["check", "--format", "json"]))
    );
    assert_eq!(status(repo.path())["running"], true);
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = (body.len() as u32).to_be_bytes().to_vec();
    f.extend_from_slice(body);
    f
}

fn fingerprint() -> String {
    debtgate::daemon::protocol::fingerprint()
}

#[test]
fn a_killed_daemon_leaves_a_stale_socket_that_is_cleaned_up() {
    let repo = repo_with(4);
    let d = start(repo.path(), &[]);
    // SAFETY: kill(2) on the daemon this test started.
    unsafe {
        libc::kill(d.pid as i32, libc::SIGKILL);
    }
    wait_exit(d.pid);
    assert!(repo.path().join(".git/debtgate/daemon.sock").exists());
    stage_change(repo.path(), 2);
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    // One line about the daemon (the store may add its own warning: a process killed in the
    // middle of a commit can leave it needing a repair).
    let about_daemon: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("daemon"))
        .map(String::from)
        .collect();
    assert_eq!(about_daemon.len(), 1, "{}", stderr(&out));
    assert!(about_daemon[0].contains("stale"), "{}", stderr(&out));
    assert_eq!(
        verdict_part(&out),
        verdict_part(&in_process(repo.path(), &["check", "--format", "json"]))
    );
    let doctor = String::from_utf8_lossy(&run(repo.path(), &["doctor"]).stdout).to_string();
    assert!(doctor.contains("is stale"), "{doctor}");
    // status notices and removes it; a new daemon starts.
    assert_eq!(status(repo.path())["running"], false);
    assert!(!repo.path().join(".git/debtgate/daemon.sock").exists());
    let _d2 = start(repo.path(), &[]);
}

#[test]
fn an_unresponsive_daemon_is_given_up_on() {
    let repo = repo_with(4);
    let d = start(repo.path(), &[]);
    stage_change(repo.path(), 2);
    // SAFETY: kill(2) on the daemon this test started.
    unsafe {
        libc::kill(d.pid as i32, libc::SIGSTOP);
    }
    let out = run(repo.path(), &["check", "--format", "json"]);
    // SAFETY: as above.
    unsafe {
        libc::kill(d.pid as i32, libc::SIGCONT);
    }
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("did not answer"), "{}", stderr(&out));
    assert_eq!(
        verdict_part(&out),
        verdict_part(&in_process(repo.path(), &["check", "--format", "json"]))
    );
}

#[test]
fn the_daemon_exits_when_its_repository_is_deleted() {
    let parent = tempfile::tempdir().unwrap();
    let path = parent.path().join("r");
    std::fs::create_dir(&path).unwrap();
    git(&path, &["init", "-q"]);
    commit(&path, &[("a.rs", source(1, 2).as_bytes())], "one");
    let d = start(&path, &[]);
    // The daemon may write into .git while it goes; `rm -rf` then retries, as people do.
    for _ in 0..100 {
        if std::fs::remove_dir_all(&path).is_ok() || !path.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!path.exists());
    wait_exit(d.pid);
    // A new repository at the same place is judged correctly, without a daemon.
    std::fs::create_dir(&path).unwrap();
    git(&path, &["init", "-q"]);
    commit(&path, &[("a.rs", source(1, 2).as_bytes())], "one");
    write(&path, "b.rs", too_complex().as_bytes());
    git(&path, &["add", "-A"]);
    let out = run(&path, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_store_corrupted_under_the_daemon_does_not_change_the_verdict() {
    let repo = repo_with(6);
    let _d = start(repo.path(), &[]);
    wait_status(repo.path(), "the background pass", |s| {
        s["background"]["done"] == 6
    });
    let store = repo.path().join(".git/debtgate/store.redb");
    std::fs::write(&store, vec![0xA5; 64 * 1024]).unwrap();
    stage_change(repo.path(), 3);
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        verdict_part(&out),
        verdict_part(&in_process(repo.path(), &["check", "--format", "json"]))
    );
    // After HEAD moves the daemon reopens its store and keeps serving.
    git(repo.path(), &["commit", "-qm", "next"]);
    wait_status(repo.path(), "the second pass", |s| {
        s["background"]["passes"] == 2
    });
    write(repo.path(), "src/m5.rs", too_complex().as_bytes());
    git(repo.path(), &["add", "-A"]);
    let out = run(repo.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        verdict_part(&out),
        verdict_part(&in_process(repo.path(), &["check", "--format", "json"]))
    );
}

#[test]
fn the_background_pass_follows_head_and_the_upstream_merge_base() {
    let repo = repo_with(3);
    git(repo.path(), &["checkout", "-q", "-b", "feature"]);
    git(repo.path(), &["branch", "-q", "--set-upstream-to", "main"]);
    let base = git(repo.path(), &["rev-parse", "HEAD"]);
    commit(
        repo.path(),
        &[("src/m0.rs", too_complex().as_bytes())],
        "feature work",
    );
    let _d = start(repo.path(), &[]);
    let s = wait_status(repo.path(), "the first pass", |s| {
        s["background"]["done"] == 4
    });
    assert_eq!(s["background"]["merge_base"], base);
    assert_eq!(s["background"]["upstream"], base);
    assert_eq!(
        s["background"]["files"], 4,
        "HEAD's 3 files and main's m0.rs"
    );
    let head = commit(
        repo.path(),
        &[("src/new.rs", source(9, 1).as_bytes())],
        "more",
    );
    let s = wait_status(repo.path(), "a pass for the new HEAD", |s| {
        s["background"]["head"] == head.as_str()
    });
    assert_eq!(s["background"]["passes"], 2);
    let s = wait_status(repo.path(), "the second pass", |s| {
        s["background"]["done"] == 5
    });
    // Only the new file needed measuring.
    assert_eq!(s["cache"]["miss"], 5, "{s:#}");
    // The pre-push range is then served entirely from what the daemon stored.
    let out = run(
        repo.path(),
        &["check", "--base", "main", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json(&out)["cache"]["miss"],
        0,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_daemon_exits_after_its_idle_time() {
    let repo = repo_with(2);
    git(repo.path(), &["config", "debtgate.daemonIdleTimeout", "3s"]);
    let out = run(repo.path(), &["daemon", "start", "-j", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The pid from start's own answer: a status call could come after the daemon has gone.
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let pid: u32 = text
        .split("(pid ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no pid in {text}"));
    let _d = Daemon {
        dir: repo.path().to_path_buf(),
        pid,
    };
    wait_exit(pid);
    assert_eq!(status(repo.path())["running"], false);
    let log = std::fs::read_to_string(repo.path().join(".git/debtgate/daemon.log")).unwrap();
    assert!(log.contains("exiting: idle for 3 s"), "{log}");
    assert!(!repo.path().join(".git/debtgate/daemon.sock").exists());
}

#[test]
fn warm_fills_the_store_in_process() {
    let repo = repo_with(7);
    let out = run(repo.path(), &["warm"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warmed 7 files") && text.contains("7 measured"),
        "{text}"
    );
    // Not a terminal: no progress bar on stderr.
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let again = String::from_utf8_lossy(&run(repo.path(), &["warm"]).stdout).to_string();
    assert!(again.contains("0 measured, 7 already stored"), "{again}");
    let all = run(repo.path(), &["check", "--all", "--format", "json"]);
    let cache = &json(&all)["cache"];
    assert_eq!(cache["miss"], 0, "{cache}");
}

#[test]
fn a_range_under_a_base_policy_with_a_smaller_size_limit_is_not_merged_with_background_work() {
    // main allows 300 bytes per file; the branch raises the limit and adds a file of about 1 KB
    // with a function over the fail threshold. Judged by main's policy, the file is too large.
    let repo = git_repo();
    let dir = repo.path();
    commit(
        dir,
        &[
            (".debtgate.yaml", b"version: 1\nmax_file_size: 300\n"),
            ("src/small.rs", source(1, 1).as_bytes()),
        ],
        "base",
    );
    git(dir, &["checkout", "-q", "-b", "feature"]);
    commit(
        dir,
        &[
            (".debtgate.yaml", b"version: 1\n"),
            ("src/big.rs", too_complex().as_bytes()),
        ],
        "raise the limit, add a large file",
    );
    assert!(too_complex().len() > 300);
    // The background pass plans HEAD's files under the worktree's policy (no limit to speak of)
    // and holds them queued; the gate's request for the same blob arrives while it waits.
    let _d = start(dir, &["--hold-background"]);
    wait_status(dir, "the background queue", |s| s["queue"]["low"] == 2);
    let args = ["check", "--base", "main", "--format", "json"];
    let served = run(dir, &args);
    let alone = in_process(dir, &args);
    let report = json(&alone);
    let big = report["not_analysed"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|n| n["path"] == "src/big.rs")
        .unwrap_or_else(|| panic!("src/big.rs is analysed in-process: {report:#}"));
    assert!(
        big["reason"].as_str().unwrap_or("").contains("too large"),
        "{big}"
    );
    assert_eq!(
        verdict_part(&served),
        verdict_part(&alone),
        "the daemon answered under another size limit: {}",
        stderr(&served)
    );
    assert_eq!(served.status.code(), alone.status.code());
    assert_eq!(served.status.code(), Some(0));
}
