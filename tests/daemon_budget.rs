//! The time budget through the daemon: the budget bounds the daemon request as a whole, the files
//! the daemon answered are judged (never listed as not analysed), and the job list the daemon
//! works through is in the budget's riskiest-first order.
//!
//! The daemon here is a stand-in run by the test ([`SlowDaemon`]): it speaks the real protocol on
//! the repository's socket and answers honestly — it measures each blob with the real analyser —
//! but slowly, one answer every [`GAP`], which a real daemon does on a large change or a busy
//! machine. Each gap is under the client's 5 s wait between answers; only a deadline for the
//! request as a whole stops the wait before the budget has gone.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use debtgate::daemon::protocol::{self, Answer, Op, Reply, Request, END};

use crate::util::{commit, git, git_repo, json, write};

/// Between two answers of the stand-in.
const GAP: Duration = Duration::from_secs(2);

/// A daemon stand-in on `<repo>/.git/debtgate/daemon.sock`; records each request's job list.
struct SlowDaemon {
    jobs: Arc<Mutex<Vec<Vec<String>>>>,
    stop: Arc<AtomicBool>,
    socket: PathBuf,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SlowDaemon {
    fn start(repo: &Path) -> SlowDaemon {
        let dir = repo.join(".git/debtgate");
        std::fs::create_dir_all(&dir).expect("the daemon's directory");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let socket = dir.join("daemon.sock");
        let listener = UnixListener::bind(&socket).expect("bind");
        std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let jobs = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopping, repo) = (jobs.clone(), stop.clone(), repo.to_path_buf());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(s) = stream {
                    let (seen, stopping, repo) = (seen.clone(), stopping.clone(), repo.clone());
                    std::thread::spawn(move || serve(s, &repo, &seen, &stopping));
                }
            }
        });
        SlowDaemon {
            jobs,
            stop,
            socket,
            thread: Some(thread),
        }
    }

    /// The paths of the first measurement request, in the order sent.
    fn first_request(&self) -> Vec<String> {
        self.jobs
            .lock()
            .unwrap()
            .first()
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for SlowDaemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = UnixStream::connect(&self.socket);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut s: UnixStream, repo: &Path, seen: &Mutex<Vec<Vec<String>>>, stop: &AtomicBool) {
    let Ok(frame) = protocol::read_frame(&mut s) else {
        return;
    };
    let Ok(request) = serde_json::from_slice::<Request>(&frame) else {
        return;
    };
    let reply = Reply {
        ok: true,
        pid: std::process::id(),
        error: None,
        status: Some(serde_json::json!({})),
    };
    if protocol::write_frame(&mut s, &serde_json::to_vec(&reply).unwrap()).is_err() {
        return;
    }
    let Op::Measure { jobs, .. } = request.op else {
        return;
    };
    seen.lock()
        .unwrap()
        .push(jobs.iter().map(|(p, _)| p.clone()).collect());
    for (i, (path, blob)) in jobs.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(GAP);
        }
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let bytes = git(repo, &["cat-file", "blob", blob]).into_bytes();
        let language = debtgate::lang::Language::from_path(Path::new(path)).expect("a language");
        let measured = debtgate::store::Measured {
            language,
            metrics: debtgate::analysis::Analyzer::new().analyze(&bytes, language),
            marks: debtgate::analysis::marks::Marks::scan(&bytes),
        };
        let answer = Answer::Measured {
            served: debtgate::store::Served::Miss,
            value: debtgate::daemon::job::to_wire(&measured),
        };
        if protocol::write_frame(&mut s, &protocol::encode_result(i as u32, &answer)).is_err() {
            return;
        }
    }
    let _ = protocol::write_frame(&mut s, &END.to_le_bytes());
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
}

use crate::util::branchy;

fn check(dir: &Path, args: &[&str]) -> Output {
    crate::util::debtgate()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("DEBTGATE_STORE", "off")
        .env_remove("DEBTGATE_DAEMON")
        .output()
        .expect("debtgate runs")
}

#[test]
fn the_budget_bounds_the_daemon_request_and_what_it_answered_is_judged() {
    let repo = git_repo();
    let dir = repo.path();
    commit(dir, &[("README.md", b"x\n")], "base");
    // Six new files; the riskiest (most lines) fails the gate and is last by path, so only the
    // budget's order sends it first.
    for (name, branches) in [("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)] {
        write(
            dir,
            &format!("{name}.py"),
            branchy(name, branches).as_bytes(),
        );
    }
    write(dir, "z_risky.py", branchy("risky", 40).as_bytes());
    git(dir, &["add", "-A"]);
    let daemon = SlowDaemon::start(dir);
    let out = check(dir, &["check", "--budget", "3s", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = json(&out);

    // Riskiest first through the daemon: the job list is the budget's order.
    assert_eq!(
        daemon.first_request(),
        ["z_risky.py", "e.py", "d.py", "c.py", "b.py", "a.py"],
        "{stderr}"
    );
    // The daemon answered the risky file at once; it is judged, and it fails the gate.
    assert_eq!(out.status.code(), Some(1), "{stderr}\n{report:#}");
    let files: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(files.contains(&"z_risky.py"), "{report:#}");
    // The request stopped at the budget, before the daemon had answered everything (one answer
    // every 2 s, six files, a 3 s budget): the rest were not analysed, for the budget's reason.
    let not_analysed: Vec<(&str, &str)> = report["not_analysed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["path"].as_str().unwrap(), n["reason"].as_str().unwrap()))
        .collect();
    assert!(!not_analysed.is_empty(), "{report:#}");
    for (path, reason) in &not_analysed {
        assert!(reason.contains("time budget"), "{path}: {reason}");
        assert!(
            !files.contains(path),
            "{path} is both judged and not analysed"
        );
    }
    assert_eq!(files.len() + not_analysed.len(), 6, "{report:#}");
    assert_eq!(report["budget"]["exceeded"], true);
}
