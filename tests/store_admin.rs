//! The store on damaged and merged files, through the binary: a flipped bit in a stored value is a
//! miss and never a wrong number (issue 12, hole 6); a store a crash left needing a long repair is
//! skipped by the gate and repaired to the end by `debtgate store repair` (hole 5); `store import`
//! merges stores (issue 14, shard stores back into one cache).

use std::path::Path;

use crate::store::{branchy, cmd, repo, POLICY};
use crate::store::{cache, check, reference, stats_json, stderr, store_cmd, without_cache};
use crate::util::{commit, git, git_repo, write};

/// A repository with two staged files; `zebra.py` holds a function with a name found nowhere
/// else, so its bytes can be found in the store's file.
fn zebra_repo() -> tempfile::TempDir {
    let dir = git_repo();
    commit(
        dir.path(),
        &[(".debtgate.yaml", POLICY.as_bytes())],
        "policy",
    );
    write(
        dir.path(),
        "src/zebra.py",
        branchy("zebra_stripes_counter", 12, 0).as_bytes(),
    );
    write(
        dir.path(),
        "src/plain.py",
        branchy("plain", 2, 0).as_bytes(),
    );
    git(dir.path(), &["add", "-A"]);
    dir
}

/// Flips one bit of every copy of `needle` in the file at `path`, as a failing disk or memory
/// would; returns how many copies there were.
fn flip_bit_of(path: &Path, needle: &[u8]) -> usize {
    let mut bytes = std::fs::read(path).expect("the store file");
    let mut found = 0;
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(needle.len()).position(|w| w == needle) {
        // 'e' ^ 0x20 = 'E': the value still decodes as text of the same length.
        bytes[at + i] ^= 0x20;
        found += 1;
        at += i + needle.len();
    }
    std::fs::write(path, bytes).expect("the store file is writable");
    found
}

#[test]
fn a_flipped_bit_in_a_stored_value_is_a_miss_never_a_wrong_number() {
    let dir = zebra_repo();
    let root = dir.path();
    let expected = reference(root);
    assert_eq!(cache(&check(root, None)), (0, 0, 0, 2));
    let store = root.join(".git/debtgate/store.redb");
    assert!(
        flip_bit_of(&store, b"ebra_stripes_counter") >= 1,
        "the function's name is stored as it is"
    );
    let out = check(root, None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        without_cache(&out),
        expected,
        "the damaged value is not served"
    );
    assert_eq!(cache(&out), (0, 1, 0, 1), "it is a miss, measured again");
    assert_eq!(stderr(&out), "");
    let s = stats_json(root);
    assert_eq!(s["checksum_failed"], 1, "{s}");
    let text = String::from_utf8_lossy(&store_cmd(root, None, &["stats"]).stdout).into_owned();
    assert!(
        text.contains("1 stored value failed its checksum"),
        "{text}"
    );
    // The miss overwrote it: the next run is served, and right.
    let again = check(root, None);
    assert_eq!(cache(&again), (0, 2, 0, 0));
    assert_eq!(without_cache(&again), expected);
}

#[test]
fn verify_removes_a_value_whose_checksum_fails() {
    let dir = zebra_repo();
    let root = dir.path();
    check(root, None);
    let store = root.join(".git/debtgate/store.redb");
    assert!(flip_bit_of(&store, b"ebra_stripes_counter") >= 1);
    let out = store_cmd(root, None, &["verify"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1 entries read back; 1 undecodable removed (1 failed their checksum)\n"
    );
    assert_eq!(stats_json(root)["checksum_failed"], 1);
    assert_eq!(cache(&check(root, None)), (0, 1, 0, 1));
}

#[test]
fn gc_removes_the_files_moved_aside_as_corrupt() {
    let dir = zebra_repo();
    let root = dir.path();
    check(root, None);
    let store_dir = root.join(".git/debtgate");
    let aside = [
        store_dir.join("store.redb.corrupt-1700000000-12"),
        store_dir.join("store.cold.redb.corrupt-1700000001-13"),
    ];
    for f in &aside {
        std::fs::write(f, b"what a crash left").expect("writable");
    }
    let kept = store_dir.join("notes.txt");
    std::fs::write(&kept, b"not the store's").expect("writable");
    let out = store_cmd(root, None, &["gc"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("removed 2 files moved aside as corrupt"),
        "{text}"
    );
    for f in &aside {
        assert!(!f.exists(), "{} is gone", f.display());
    }
    assert!(kept.exists(), "other files are left alone");
    assert_eq!(
        cache(&check(root, None)),
        (0, 2, 0, 0),
        "the store itself is kept"
    );
}

/// `check --paths` of the files `src/m{i}.py` for `i` in `files`, with the store at `store`.
fn check_files(root: &Path, store: &Path, files: std::ops::Range<usize>) -> std::process::Output {
    let paths: Vec<String> = files.map(|i| format!("src/m{i}.py")).collect();
    let mut args = vec!["check", "--format", "json", "--paths"];
    args.extend(paths.iter().map(String::as_str));
    cmd(root, Some(store), &args)
        .output()
        .expect("debtgate runs")
}

/// `debtgate trend` over the last two commits with the store at `store`: its stderr line saying
/// where the figures came from.
fn trend_sources(root: &Path, store: &Path) -> String {
    let out = cmd(
        root,
        Some(store),
        &["trend", "--no-progress", "--commits", "2"],
    )
    .output()
    .expect("debtgate runs");
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn import_merges_stores_without_losing_either_sides_entries_or_records() {
    let dir = repo(6);
    let root = dir.path();
    git(root, &["commit", "-qm", "six files"]);
    let expected = without_cache(&check_files(root, Path::new("off"), 0..6));
    let work = tempfile::tempdir().expect("a temp dir");
    let at = |name: &str| work.path().join(name);
    let (a, b, c) = (at("a.redb"), at("b.redb"), at("c.redb"));
    // Two machines (two shards of one check), each measuring half of the files; one of them
    // also keeps `debtgate trend`'s figures of the last two commits.
    assert_eq!(cache(&check_files(root, &a, 0..3)), (0, 0, 0, 3));
    assert_eq!(cache(&check_files(root, &b, 3..6)), (0, 0, 0, 3));
    assert!(trend_sources(root, &a).contains("2 commits: 0 from the store, 2 computed"));

    // b's export merged into a, which already holds entries and records: a keeps its own.
    let b_file = at("b-export.redb");
    let out = store_cmd(root, Some(&b), &["export", b_file.to_str().expect("utf-8")]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("exported 3 entries and 0 trend"));
    let out = store_cmd(root, Some(&a), &["import", b_file.to_str().expect("utf-8")]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.starts_with("imported 3 entries (into cold) and 0 trend records"),
        "{text}"
    );
    let both = check_files(root, &a, 0..6);
    assert_eq!(
        cache(&both),
        (0, 3, 3, 0),
        "a's own from warm, b's from cold: {}",
        stderr(&both)
    );
    assert_eq!(without_cache(&both), expected);
    assert!(trend_sources(root, &a).contains("2 commits: 2 from the store, 0 computed"));

    // The combined store exported and imported into a fresh one, twice (as the CI cache goes
    // round): everything served, nothing counted twice.
    let all_file = at("all-export.redb");
    let out = store_cmd(
        root,
        Some(&a),
        &["export", all_file.to_str().expect("utf-8")],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // The four records: figures and touches of two commits. The entries: the six files as
    // `check` measured them, and whatever `trend` measured under keys of its own.
    let exported = text
        .strip_prefix("exported ")
        .and_then(|t| t.split_once(' '));
    let entries: u64 = exported.and_then(|(n, _)| n.parse().ok()).expect("a count");
    assert!(
        entries >= 6 && text.contains(" and 4 trend records"),
        "{text}"
    );
    for _ in 0..2 {
        store_cmd(
            root,
            Some(&c),
            &["import", all_file.to_str().expect("utf-8")],
        );
    }
    let out = cmd(root, Some(&c), &["store", "stats", "--format", "json"])
        .output()
        .expect("debtgate runs");
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(stats["cold"]["entries"], entries, "{stats}");
    let served = check_files(root, &c, 0..6);
    assert_eq!(cache(&served), (0, 0, 6, 0), "{}", stderr(&served));
    assert_eq!(without_cache(&served), expected);
    assert!(trend_sources(root, &c).contains("2 commits: 2 from the store, 0 computed"));
}

/// Leaves the store file at `path` as a crash leaves it when the next open must rebuild redb's
/// allocator state, page by page (the long repair): the file as it is on disk while a writer that
/// records no allocator state with its commits is still open. debtgate's own multi-writer commits
/// record it, so a killed debtgate leaves a quick repair; a store last written by a single-writer
/// redb (an older debtgate, another tool) or whose state a panic inside redb invalidated does not.
fn crash_image(path: &Path) {
    let image = path.with_extension("crash");
    {
        let db = redb::Database::create(path).expect("the store opens");
        // A real write (an entry put back as it is), so that the allocator state recorded at
        // the last clean close no longer describes the file.
        const ENTRIES: redb::TableDefinition<&[u8; 32], &[u8]> =
            redb::TableDefinition::new("entries");
        let wtx = db.begin_write().expect("a write");
        {
            let mut t = wtx.open_table(ENTRIES).expect("the entries table");
            let (k, v) = {
                use redb::ReadableTable;
                let (k, v) = t.first().expect("readable").expect("an entry");
                (*k.value(), v.value().to_vec())
            };
            t.insert(&k, v.as_slice()).expect("put back");
        }
        wtx.commit().expect("a commit");
        std::fs::copy(path, &image).expect("copied while open");
    }
    std::fs::rename(&image, path).expect("the crash image replaces the store");
    let ro = redb::Builder::new()
        .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
        .open_read_only(path);
    assert!(
        matches!(ro, Err(redb::DatabaseError::RepairAborted)),
        "the image needs a repair"
    );
}

fn moved_aside(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("the store's directory")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        })
        .count()
}

/// A run that may spend no time on a repair (`DEBTGATE_STORE_REPAIR_MS=0`): a store needing one
/// is then as a store whose repair outlasts the run's wait, on any machine.
fn impatient_check(root: &Path) -> std::process::Output {
    crate::store::cmd(root, None, &["check", "--format", "json"])
        .env("DEBTGATE_STORE_REPAIR_MS", "0")
        .output()
        .expect("debtgate runs")
}

#[test]
fn a_store_needing_a_long_repair_is_skipped_by_the_gate_and_store_repair_finishes_it() {
    let dir = zebra_repo();
    let root = dir.path();
    let expected = reference(root);
    check(root, None);
    let store = root.join(".git/debtgate/store.redb");
    crash_image(&store);
    for _ in 0..2 {
        let out = impatient_check(root);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(without_cache(&out), expected);
        assert_eq!(cache(&out), (0, 0, 0, 2), "run without the store");
        let err = stderr(&out);
        assert_eq!(err.matches("debtgate: warning").count(), 1, "{err}");
        assert!(err.contains("needs a repair"), "{err}");
        assert!(err.contains("debtgate store repair"), "{err}");
    }
    assert_eq!(
        moved_aside(store.parent().unwrap()),
        0,
        "nothing taken for corrupt"
    );
    let out = store_cmd(root, None, &["repair"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("warm: repaired after a crash"), "{text}");
    // The next gate finds it done, even one that would not repair anything.
    let done = impatient_check(root);
    assert_eq!(stderr(&done), "");
    assert_eq!(cache(&done), (0, 2, 0, 0), "served from the repaired store");
    assert_eq!(without_cache(&done), expected);
    assert_eq!(moved_aside(store.parent().unwrap()), 0);
}

#[test]
fn store_verify_runs_a_pending_repair_to_the_end() {
    let dir = zebra_repo();
    let root = dir.path();
    check(root, None);
    let store = root.join(".git/debtgate/store.redb");
    crash_image(&store);
    let out = crate::store::cmd(root, None, &["store", "verify"])
        .env("DEBTGATE_STORE_REPAIR_MS", "0")
        .output()
        .expect("debtgate runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2 entries read back; 0 undecodable removed\n"
    );
    let done = impatient_check(root);
    assert_eq!(stderr(&done), "");
    assert_eq!(cache(&done), (0, 2, 0, 0));
}
