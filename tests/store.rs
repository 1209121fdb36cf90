//! The measurement store through the binary, on real redb files: served from the store on a
//! second run with the same report, survives corruption, locks, unwritable paths, SIGKILL at
//! random moments and eight concurrent runs, and round-trips through export/import.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::{commit, debtgate, git, git_repo, json, write};

/// Cyclomatic `branches + 1`.
pub(crate) fn branchy(name: &str, branches: usize, salt: usize) -> String {
    let mut s = format!("# version {salt}\ndef {name}(x):\n");
    for i in 0..branches {
        s.push_str(&format!("    if x == {i}:\n        return {i}\n"));
    }
    s.push_str("    return -1\n");
    s
}

pub(crate) const POLICY: &str =
    "version: 1\nmode: absolute\nthresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";

/// A repository with `n` staged Python files; file 0 fails the gate, the rest pass.
pub(crate) fn repo(n: usize) -> tempfile::TempDir {
    let dir = git_repo();
    commit(
        dir.path(),
        &[(".debtgate.yaml", POLICY.as_bytes())],
        "policy",
    );
    stage(dir.path(), n, 0);
    dir
}

/// Writes `n` files whose content depends on `salt` and stages them.
pub(crate) fn stage(root: &Path, n: usize, salt: usize) {
    for i in 0..n {
        let branches = if i == 0 { 12 } else { 2 };
        write(
            root,
            &format!("src/m{i}.py"),
            branchy(&format!("f{i}"), branches, salt).as_bytes(),
        );
    }
    git(root, &["add", "-A"]);
}

pub(crate) fn cmd(dir: &Path, store: Option<&Path>, args: &[&str]) -> Command {
    let mut c = debtgate();
    c.args(args).current_dir(dir).env("NO_COLOR", "1");
    match store {
        Some(p) => c.env("DEBTGATE_STORE", p),
        None => c.env_remove("DEBTGATE_STORE"),
    };
    c
}

pub(crate) fn check(dir: &Path, store: Option<&Path>) -> Output {
    cmd(dir, store, &["check", "--format", "json"])
        .output()
        .expect("debtgate runs")
}

pub(crate) fn store_cmd(dir: &Path, store: Option<&Path>, args: &[&str]) -> Output {
    let mut all = vec!["store"];
    all.extend_from_slice(args);
    let out = cmd(dir, store, &all).output().expect("debtgate runs");
    assert!(
        out.status.success(),
        "debtgate store {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The report without its cache counts.
pub(crate) fn without_cache(out: &Output) -> serde_json::Value {
    let mut v = json(out);
    v.as_object_mut().expect("an object").remove("cache");
    v
}

pub(crate) fn cache(out: &Output) -> (u64, u64, u64, u64) {
    let c = &json(out)["cache"];
    let n = |k: &str| c[k].as_u64().unwrap_or_else(|| panic!("cache.{k} in {c}"));
    (n("hot"), n("warm"), n("cold"), n("miss"))
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The verdict a run without any store gives: what every run must agree with.
pub(crate) fn reference(dir: &Path) -> serde_json::Value {
    let out = check(dir, Some(Path::new("off")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let (h, w, c, _) = cache(&out);
    assert_eq!((h, w, c), (0, 0, 0), "off: every file is a miss");
    without_cache(&out)
}

#[test]
fn a_second_run_is_served_from_the_store_with_the_same_report() {
    let dir = repo(2);
    let expected = reference(dir.path());
    let first = check(dir.path(), None);
    assert_eq!(first.status.code(), Some(1));
    assert_eq!(cache(&first), (0, 0, 0, 2));
    assert_eq!(stderr(&first), "", "no warnings when the store is created");
    assert!(dir.path().join(".git/debtgate/store.redb").is_file());
    let second = check(dir.path(), None);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(cache(&second), (0, 2, 0, 0));
    assert_eq!(without_cache(&first), expected);
    assert_eq!(without_cache(&second), expected);
    assert_eq!(stderr(&second), "", "no warnings on a healthy store");
    let stats =
        String::from_utf8_lossy(&store_cmd(dir.path(), None, &["stats"]).stdout).into_owned();
    assert!(stats.starts_with("warm: 2 entries"), "{stats}");
    assert!(
        stats.contains("last 2 runs: hot 0, warm 2, cold 0, miss 2"),
        "{stats}"
    );
}

#[test]
fn a_changed_file_misses_and_an_unchanged_one_hits() {
    let dir = repo(3);
    check(dir.path(), None);
    write(dir.path(), "src/m1.py", branchy("f1", 3, 99).as_bytes());
    git(dir.path(), &["add", "-A"]);
    let out = check(dir.path(), None);
    assert_eq!(cache(&out), (0, 2, 0, 1));
    assert_eq!(without_cache(&out), reference(dir.path()));
}

/// Replaces the filled store file by `damage(its bytes)`, then checks.
fn garbage_then_check(damage: fn(Vec<u8>) -> Vec<u8>) {
    let dir = repo(2);
    let expected = reference(dir.path());
    let store = dir.path().join("s/store.redb");
    check(dir.path(), Some(&store));
    let bytes = damage(std::fs::read(&store).unwrap());
    std::fs::write(&store, bytes).unwrap();
    let out = check(dir.path(), Some(&store));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(without_cache(&out), expected);
    let err = stderr(&out);
    assert!(err.contains("debtgate: warning: store:"), "{err}");
    assert_eq!(
        err.matches("debtgate: warning").count(),
        1,
        "one warning: {err}"
    );
    let aside = std::fs::read_dir(dir.path().join("s"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".corrupt-")
        })
        .count();
    assert_eq!(aside, 1, "the corrupt file was moved aside");
    // Rebuilt: the next run fills it again and the one after is served from it.
    check(dir.path(), Some(&store));
    let again = check(dir.path(), Some(&store));
    assert_eq!(cache(&again), (0, 2, 0, 0), "{}", stderr(&again));
    assert_eq!(without_cache(&again), expected);
}

#[test]
fn a_corrupt_store_is_moved_aside_and_rebuilt() {
    garbage_then_check(|b| vec![0xA5; b.len()]);
}

#[test]
fn a_truncated_store_is_moved_aside_and_rebuilt() {
    garbage_then_check(|mut b| {
        b.truncate(b.len() / 2);
        b
    });
}

#[test]
fn a_locked_store_is_a_warning_and_the_run_carries_on() {
    let dir = repo(2);
    let expected = reference(dir.path());
    let store = dir.path().join("s/store.redb");
    check(dir.path(), Some(&store));
    // An exclusive holder (another tool, an old debtgate): the MultiWriter open cannot share it.
    let holder = redb::Database::create(&store).expect("exclusive open");
    let out = check(dir.path(), Some(&store));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(without_cache(&out), expected);
    assert_eq!(cache(&out), (0, 0, 0, 2));
    let err = stderr(&out);
    assert_eq!(err.matches("debtgate: warning: store:").count(), 1, "{err}");
    drop(holder);
    let out = check(dir.path(), Some(&store));
    assert_eq!(cache(&out), (0, 2, 0, 0), "{}", stderr(&out));
}

/// Another process stopped in the middle of a commit (Ctrl-Z, SIGSTOP, a debugger) keeps its
/// lock on the database header for as long as it is stopped; redb waits for that lock without a
/// limit, so the run must give up on its own and carry on without the store.
#[test]
fn a_store_whose_header_is_locked_for_good_is_a_warning_and_the_run_carries_on() {
    use std::os::fd::AsRawFd;
    let dir = repo(2);
    let expected = reference(dir.path());
    let store = dir.path().join("s/store.redb");
    check(dir.path(), Some(&store));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&store)
        .expect("the store file");
    // What a committing writer holds: the header (bytes from 0), exclusively.
    // SAFETY: a zeroed `flock` is a valid value; the fd is open for the whole call.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as _;
    lock.l_whence = libc::SEEK_SET as _;
    lock.l_start = 0;
    lock.l_len = 1;
    let held = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_OFD_SETLK, &mut lock) };
    assert_eq!(held, 0, "{}", std::io::Error::last_os_error());

    let mut child = cmd(dir.path(), Some(&store), &["check", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("debtgate runs");
    // A guard against hanging the suite, not a timing assertion: the run needs well under 1 s.
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!("debtgate check waited for the locked store without a limit");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(without_cache(&out), expected);
    assert_eq!(cache(&out), (0, 0, 0, 2));
    let err = stderr(&out);
    assert_eq!(err.matches("debtgate: warning: store:").count(), 1, "{err}");
    assert!(err.contains("is busy"), "{err}");
    drop(file);
    let out = check(dir.path(), Some(&store));
    assert_eq!(cache(&out), (0, 2, 0, 0), "{}", stderr(&out));
}

#[test]
fn an_unwritable_store_path_is_a_warning_and_the_run_carries_on() {
    let dir = repo(2);
    let expected = reference(dir.path());
    // Its parent is a file: nothing can be created there (root ignores read-only directories).
    let blocker = write(dir.path(), "blocker", b"x");
    let out = check(dir.path(), Some(&blocker.join("store.redb")));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(without_cache(&out), expected);
    assert_eq!(stderr(&out).matches("debtgate: warning: store:").count(), 1);
}

#[test]
fn export_then_import_serves_from_cold_and_promotes() {
    let dir = repo(3);
    let expected = reference(dir.path());
    check(dir.path(), None);
    let file = dir.path().join("exported.redb");
    let f = file.to_str().unwrap();
    store_cmd(dir.path(), None, &["export", f]);
    store_cmd(dir.path(), None, &["clear"]);
    assert_eq!(
        cache(&check(dir.path(), Some(&dir.path().join("other.redb")))).3,
        3
    );
    store_cmd(dir.path(), None, &["clear"]);
    let out = store_cmd(dir.path(), None, &["import", f]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).split(' ').nth(1),
        Some("3")
    );
    let cold = check(dir.path(), None);
    assert_eq!(cache(&cold), (0, 0, 3, 0), "{}", stderr(&cold));
    assert_eq!(without_cache(&cold), expected);
    let warm = check(dir.path(), None);
    assert_eq!(cache(&warm), (0, 3, 0, 0), "promoted to warm");
    let verify = store_cmd(dir.path(), None, &["verify"]);
    assert_eq!(
        String::from_utf8_lossy(&verify.stdout),
        "3 entries read back; 0 undecodable removed\n"
    );
}

#[test]
fn gc_moves_old_entries_to_cold_and_they_still_serve() {
    let dir = repo(2);
    check(dir.path(), None);
    store_cmd(dir.path(), None, &["gc", "--max-age", "0"]);
    let out = check(dir.path(), None);
    assert_eq!(cache(&out), (0, 0, 2, 0), "{}", stderr(&out));
}

pub(crate) fn stats_json(dir: &Path) -> serde_json::Value {
    let out = store_cmd(dir, None, &["stats", "--format", "json"]);
    serde_json::from_slice(&out.stdout).expect("stats --format json is JSON")
}

#[test]
fn stats_as_json_and_the_cold_tier_has_a_size_cap() {
    let dir = repo(3);
    check(dir.path(), None);
    check(dir.path(), None);
    let s = stats_json(dir.path());
    assert_eq!(s["warm"]["entries"], 3, "{s}");
    assert_eq!(s["cold"]["entries"], 0, "{s}");
    let stored = s["warm"]["stored_bytes"].as_u64().expect("a number");
    let raw = s["warm"]["raw_bytes"].as_u64().expect("a number");
    assert!(stored > 0 && raw > 0);
    let ratio = s["warm"]["compression_ratio"].as_f64().expect("a number");
    assert!((ratio - raw as f64 / stored as f64).abs() < 1e-9);
    assert!(s["warm"]["path"]
        .as_str()
        .expect("a path")
        .ends_with("store.redb"));
    assert_eq!(s["recent_runs"]["runs"], 2);
    assert_eq!(s["recent_runs"]["miss"], 3);
    assert_eq!(s["recent_runs"]["warm"], 3);

    // Everything to cold, under a cap it fits: nothing dropped.
    store_cmd(
        dir.path(),
        None,
        &["gc", "--max-age", "0", "--max-cold-size", "1"],
    );
    let s = stats_json(dir.path());
    assert_eq!(
        (s["warm"]["entries"].as_u64(), s["cold"]["entries"].as_u64()),
        (Some(0), Some(3))
    );
    assert_eq!(s["cold"]["stored_bytes"].as_u64(), Some(stored));
    // A cap of nothing: cold drops its least recently used entries until it fits.
    let out = store_cmd(dir.path(), None, &["gc", "--max-cold-size", "0"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("dropped 3"),
        "{out:?}"
    );
    let s = stats_json(dir.path());
    assert_eq!(s["cold"]["entries"], 0, "{s}");
    let out = check(dir.path(), None);
    assert_eq!(
        cache(&out),
        (0, 0, 0, 3),
        "dropped entries are measured again"
    );
}

/// A cheap pseudo-random number from the clock and a counter (no extra crate).
fn random(i: u64) -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let h = blake3::hash(&[t.to_le_bytes(), i.to_le_bytes()].concat());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().unwrap())
}

/// SIGKILLs `debtgate check` processes (two at a time) at random moments while they measure and
/// write fresh content, then checks that the store opens, every entry reads back, and a run served
/// from it agrees with a run without it.
#[test]
fn sigkill_at_random_moments_never_breaks_the_store() {
    const ROUNDS: usize = 60;
    const FILES: usize = 60;
    let dir = repo(FILES);
    let store: PathBuf = dir.path().join("s/store.redb");
    // How long one run takes here, to spread the kills over it.
    let t = Instant::now();
    check(dir.path(), Some(&store));
    let mut span = (t.elapsed().as_micros() as u64).max(1000) * 3 / 2;
    let (mut kills, mut alive_at_kill) = (0, 0);
    for round in 0..ROUNDS {
        stage(dir.path(), FILES, round + 1);
        let start = Instant::now();
        let mut children: Vec<_> = (0..2)
            .map(|j| {
                let child = cmd(dir.path(), Some(&store), &["check", "--format", "json"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("spawn");
                let at = Duration::from_micros(random((round * 2 + j) as u64) % span);
                (at, child)
            })
            .collect();
        children.sort_by_key(|(at, _)| *at);
        for (at, mut child) in children {
            std::thread::sleep(at.saturating_sub(start.elapsed()));
            // Adapt the window to this machine's speed right now (no timing assertion).
            if child.try_wait().unwrap().is_none() {
                alive_at_kill += 1;
                span += span / 8;
            } else {
                span = (span * 3 / 4).max(1000);
            }
            child.kill().expect("SIGKILL");
            child.wait().unwrap();
            kills += 1;
        }
    }
    eprintln!("sigkill test: {kills} kills, {alive_at_kill} while the process was running");
    assert!(alive_at_kill > 0, "some kills must hit a running process");
    // A killed writer leaves a file redb repairs: nothing was taken for corrupt and moved aside.
    let aside: Vec<_> = std::fs::read_dir(dir.path().join("s"))
        .expect("the store directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".corrupt-"))
        .collect();
    assert!(aside.is_empty(), "moved aside after kills: {aside:?}");
    let verify = store_cmd(dir.path(), Some(&store), &["verify"]);
    let text = String::from_utf8_lossy(&verify.stdout).into_owned();
    assert!(
        text.ends_with(" entries read back; 0 undecodable removed\n"),
        "{text}"
    );
    for _ in 0..2 {
        let out = check(dir.path(), Some(&store));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(without_cache(&out), reference_n(dir.path()));
    }
}

fn reference_n(dir: &Path) -> serde_json::Value {
    without_cache(&check(dir, Some(Path::new("off"))))
}

#[test]
fn eight_concurrent_checks_on_one_repository_all_give_the_right_verdict() {
    let dir = repo(20);
    let expected = reference_n(dir.path());
    for _ in 0..2 {
        let children: Vec<_> = (0..8)
            .map(|_| {
                cmd(dir.path(), None, &["check", "--format", "json"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            assert_eq!(without_cache(&out), expected);
            let (h, w, c, m) = cache(&out);
            assert_eq!(h + w + c + m, 20);
        }
    }
    let out = check(dir.path(), None);
    assert_eq!(cache(&out), (0, 20, 0, 0), "{}", stderr(&out));
}

/// Deletes the loose object files of every blob HEAD and the index name: after this, any read
/// of a blob fails.
fn delete_blobs(root: &Path) -> usize {
    // `mode type id\tpath` and `mode id stage\tpath`.
    let tree = git(root, &["ls-tree", "-r", "HEAD"]);
    let index = git(root, &["ls-files", "-s"]);
    let field = |text: &str, n: usize| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.split_whitespace().nth(n).map(str::to_string))
            .collect()
    };
    let mut ids = field(&tree, 2);
    ids.extend(field(&index, 1));
    ids.sort();
    ids.dedup();
    let mut gone = 0;
    for id in ids {
        let file = root.join(".git/objects").join(&id[..2]).join(&id[2..]);
        if std::fs::remove_file(&file).is_ok() {
            gone += 1;
        }
    }
    gone
}

#[test]
fn a_warm_run_reads_no_blob_and_keeps_suppressions_binary_and_size_facts() {
    let dir = git_repo();
    let root = dir.path();
    let policy = "version: 1\nmode: new\nmax_file_size: 2000\n\
                  thresholds:\n  cyclomatic: { warn: 5, fail: 10 }\n";
    let suppressed = format!(
        "# debtgate: allow(cyclomatic) reason=\"a table\"\n# expired:\n\
         # debtgate: allow(all) reason=\"x\" until=2001-01-01\n{}",
        branchy("table", 12, 0)
    );
    let big = format!("// {}\nfunction f() {{ return 1; }}\n", "x".repeat(3000));
    // Files without an extension: a Python script, and text of no language (remembered as such).
    let script =
        |n: usize, salt: usize| format!("#!/usr/bin/env python3\n{}", branchy("tool", n, salt));
    commit(
        root,
        &[
            (".debtgate.yaml", policy.as_bytes()),
            ("src/a.py", branchy("a", 12, 0).as_bytes()),
            ("src/s.py", suppressed.as_bytes()),
            ("src/bin.c", &[crate::util::BINARY, b"x"].concat()),
            ("src/big.js", big.as_bytes()),
            ("src/h.h", b"namespace n { int f(); }\n"),
            ("bin/tool", script(12, 0).as_bytes()),
            ("LICENSE", b"MIT License\n"),
        ],
        "base",
    );
    write(root, "src/a.py", branchy("a", 13, 1).as_bytes());
    let more = format!(
        "{suppressed}\n# debtgate: allow(cyclomatic) reason=\"new table\"\n\
         # debtgate: allow(all) reason=\"x\" until=2001-01-01\n{}",
        branchy("more", 12, 1)
    );
    write(root, "src/s.py", more.as_bytes());
    write(root, "src/bin.c", &[crate::util::BINARY, b"y"].concat());
    write(root, "src/big.js", format!("{big}// more\n").as_bytes());
    write(root, "src/h.h", b"namespace n { int f(int a); }\n");
    write(root, "src/new.py", branchy("n", 11, 2).as_bytes());
    write(root, "bin/tool", script(13, 1).as_bytes());
    write(root, "LICENSE", b"MIT License\n\nCopyright\n");
    git(root, &["add", "-A"]);

    let store = root.join("s/store.redb");
    let run = |args: &[&str], store: &Path| cmd(root, Some(store), args).output().expect("runs");
    let staged = ["check", "--format", "json"];
    let all = ["check", "--all", "--format", "json"];
    let off = Path::new("off");
    let (expected_staged, expected_all) = (run(&staged, off), run(&all, off));
    assert_eq!(
        expected_staged.status.code(),
        Some(1),
        "{}",
        stderr(&expected_staged)
    );
    let reasons = json(&expected_staged)["not_analysed"].to_string();
    assert!(
        reasons.contains("binary: NUL byte")
            && reasons.contains("too large")
            && reasons.contains(r#"{"path":"LICENSE","reason":"unsupported language"}"#),
        "{reasons}"
    );
    let findings = json(&expected_staged)["findings"].to_string();
    assert!(
        findings.contains("\"suppressed\":true") && findings.contains("expired"),
        "{findings}"
    );
    // Fill the store: every side measured once.
    run(&staged, &store);
    run(&all, &store);

    assert!(delete_blobs(root) >= 10);
    let broken = run(&staged, off);
    assert_eq!(
        broken.status.code(),
        Some(2),
        "without the blobs a run that reads them cannot judge: {}",
        stderr(&broken)
    );
    assert!(stderr(&broken).contains("is not in this repository"));
    let warm_staged = run(&staged, &store);
    let warm_all = run(&all, &store);
    assert_eq!(without_cache(&warm_staged), without_cache(&expected_staged));
    assert_eq!(without_cache(&warm_all), without_cache(&expected_all));
    assert_eq!(warm_staged.status.code(), Some(1));
    // head and base of a.py, s.py, h.h and bin/tool; head of new.py: all from warm, none
    // measured (and LICENSE known to be of no language without reading it).
    assert_eq!(cache(&warm_staged), (0, 9, 0, 0));
    assert_eq!(stderr(&warm_staged), "");
}

#[test]
fn the_policy_file_places_the_store_and_the_environment_wins() {
    let dir = repo(2);
    let root = dir.path();
    let placed = format!("{POLICY}store:\n  path: cache/s.redb\n  warm_max_mib: 64\n");
    commit(
        root,
        &[(".debtgate.yaml", placed.as_bytes())],
        "place the store",
    );
    stage(root, 2, 1);
    let first = check(root, None);
    assert_eq!(cache(&first), (0, 0, 0, 2), "{}", stderr(&first));
    assert!(root.join("cache/s.redb").is_file());
    assert!(
        !root.join(".git/debtgate").exists(),
        "not in the default place"
    );
    assert_eq!(cache(&check(root, None)), (0, 2, 0, 0));
    // `debtgate store` finds it through the same file.
    let s = stats_json(root);
    assert!(
        s["warm"]["path"]
            .as_str()
            .expect("a path")
            .ends_with("cache/s.redb"),
        "{s}"
    );
    assert_eq!(s["warm"]["entries"], 2);
    // DEBTGATE_STORE wins over the file.
    let elsewhere = root.join("env/e.redb");
    assert_eq!(cache(&check(root, Some(&elsewhere))), (0, 0, 0, 2));
    assert!(elsewhere.is_file());
    // `off` in the file turns it off.
    let off = format!("{POLICY}store:\n  path: off\n");
    commit(root, &[(".debtgate.yaml", off.as_bytes())], "no store");
    stage(root, 2, 2);
    assert_eq!(cache(&check(root, None)), (0, 0, 0, 2));
    assert_eq!(
        cache(&check(root, None)),
        (0, 0, 0, 2),
        "nothing remembered"
    );
}
