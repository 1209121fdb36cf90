//! The store on damaged and merged files, through the binary: a flipped bit in a stored value is a
//! miss and never a wrong number (issue 12, hole 6); a store a crash left needing a long repair is
//! skipped by the gate and repaired to the end by `debtgate store repair` (hole 5); `store import`
//! merges stores (issue 14, shard stores back into one cache).

use std::path::Path;

use crate::store::{branchy, POLICY};
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
