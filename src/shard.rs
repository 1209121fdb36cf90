//! Shards: one check split over N machines. `check --all --shard K/N` (or `--base … --shard K/N`)
//! judges part K of N of the change's files; `debtgate report merge` (`report::merge`) puts the N
//! reports back together into the report of the whole change.
//!
//! The shards of one run never talk to each other, so each must compute the same split on its
//! own: the split is a function of the change set, the policy and N alone — never of the machine,
//! its store, its threads or its clock. Every file of the change (planned or set aside) goes to
//! exactly one shard:
//!
//! 1. Files are put in the order of a hash of their path (blake3), which scatters directories
//!    over the shards and keeps a file in the same shard from one run to the next while its path
//!    stays.
//! 2. Each file weighs what measuring it costs: [`FILE_COST`] plus the size of each side the
//!    [`crate::plan`] measures, read from the git object header. The store also knows sizes, but
//!    only of what that machine happened to measure before; the object header says the same thing
//!    on every machine that has the commits, so the weights — and the split — cannot depend on
//!    which cache a job restored. A side over `max_file_size` is never read and weighs nothing; a
//!    file set aside by the plan weighs one.
//! 3. That line of weights is cut into N equal lengths; a file belongs to the piece its midpoint
//!    falls in. Each shard's weight is within one file's weight of the mean, and a file whose size
//!    changes moves only the files near a cut.
//!
//! What identifies one run, so that `report merge` refuses reports that do not belong together:
//! [`change_digest`] (the change set: source, commits, every path and blob id) and
//! [`policy_digest`] (the effective settings), both in the report's `shard` section.

use std::fmt;
use std::str::FromStr;

use crate::change::{ChangeSet, ChangedFile, Content, Repo};
use crate::config::Settings;
use crate::fan_out;
use crate::plan::{FilePlan, Plan};

/// What one file costs to judge beyond its bytes, in bytes: finding its blob, a parser's set-up,
/// judging its functions, its entry in the report. An estimate, not a fitted figure; with it the
/// four shards of 200,000 generated files took within 2 % of each other's CPU time
/// (docs/performance.md, "Splitting a check over machines").
pub const FILE_COST: u64 = 1024;

/// Part `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not K/N with 1 ≤ K ≤ N (for example 2/4)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = match (k.trim().parse(), n.trim().parse()) {
            (Ok(k), Ok(n)) => (k, n),
            _ => return Err(bad()),
        };
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One file as the split sees it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub path: &'a str,
    pub old_path: Option<&'a str>,
    pub weight: u64,
}

/// The shard (0-based) of each item, in the items' order: the cut described in the module
/// documentation.
pub fn assign(items: &[Item], count: usize) -> Vec<usize> {
    let count = count.max(1);
    let mut order: Vec<(u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (position(item.path), i))
        .collect();
    // Ties (a hash collision, two renames onto one path) by path, then old path: total and the
    // same on every machine.
    order.sort_unstable_by(|&(ha, a), &(hb, b)| {
        let (a, b) = (&items[a], &items[b]);
        (ha, a.path, a.old_path).cmp(&(hb, b.path, b.old_path))
    });
    let total: u128 = items.iter().map(|i| u128::from(i.weight)).sum();
    let mut shards = vec![0; items.len()];
    let mut before: u128 = 0;
    for (_, i) in order {
        let weight = u128::from(items[i].weight);
        // The midpoint, doubled to stay in whole numbers: (before + weight / 2) / total × count.
        let mid = 2 * before + weight;
        let shard = (mid * count as u128)
            .checked_div(2 * total)
            .unwrap_or(0)
            .min(count as u128 - 1);
        shards[i] = shard as usize;
        before += weight;
    }
    shards
}

/// Where a path sits on the line: the first 8 bytes of its blake3 hash.
fn position(path: &str) -> u64 {
    let hash = blake3::hash(path.as_bytes());
    let mut first = [0; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_be_bytes(first)
}

/// The part of `plan` (a plan of the whole change) that `shard` judges: its files to measure and
/// its files set aside, each in the plan's order.
pub fn select<'a>(repo: &Repo, settings: &Settings, plan: Plan<'a>, shard: Shard) -> Plan<'a> {
    let weights = fan_out::map(&plan.files, |p| weight(repo, settings.max_file_size, p));
    let item = |file: &'a ChangedFile, weight| Item {
        path: &file.path,
        old_path: file.old_path.as_deref(),
        weight,
    };
    let items: Vec<Item> = (plan.files.iter().zip(weights))
        .map(|(p, w)| item(p.file, w))
        .chain(plan.skipped.iter().map(|(file, _)| item(file, 1)))
        .collect();
    let shards = assign(&items, shard.count);
    let (of_files, of_skipped) = shards.split_at(plan.files.len());
    let mine = |s: &usize| s + 1 == shard.index;
    Plan {
        files: (plan.files.into_iter().zip(of_files))
            .filter_map(|(p, s)| mine(s).then_some(p))
            .collect(),
        skipped: (plan.skipped.into_iter().zip(of_skipped))
            .filter_map(|(f, s)| mine(s).then_some(f))
            .collect(),
    }
}

/// What measuring the planned sides of one file costs, in bytes (see [`FILE_COST`]).
fn weight(repo: &Repo, max_file_size: u64, planned: &FilePlan) -> u64 {
    let side = |content: &Content| match repo.size(content) {
        // Over the limit: the header is read, never the blob.
        Ok(size) if size > max_file_size => 0,
        Ok(size) => size,
        // A side whose header cannot be read cannot be measured either; the check says why. Such a
        // repository differs from the other shards' (a missing object), and `report merge`
        // refuses shards that did not split alike.
        Err(_) => 0,
    };
    let base = planned.base.map_or(0, |b| side(b.content));
    FILE_COST + side(planned.head.content) + base
}

/// A short digest naming the change set: its source, commits and every file (path, old path,
/// status, kind, blob ids), in order.
pub fn change_digest(changes: &ChangeSet) -> String {
    let mut h = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(format!("{:?}", changes.source).as_bytes());
    for commit in [&changes.base, &changes.head, &changes.base_tip] {
        field(commit.as_deref().unwrap_or("-").as_bytes());
    }
    for f in &changes.files {
        field(f.path.as_bytes());
        field(f.old_path.as_deref().unwrap_or("\0").as_bytes());
        field(f.status.as_str().as_bytes());
        field(format!("{:?}", f.kind).as_bytes());
        for side in [&f.old, &f.new] {
            let id = side.as_ref().and_then(Content::blob_id);
            field(id.as_ref().map_or(&[][..], |id| id.as_bytes()));
        }
    }
    short(h.finalize())
}

/// A short digest of the effective settings (as `debtgate config show` writes them, without the
/// line saying where they came from: the same policy read from another place is the same policy).
pub fn policy_digest(settings: &Settings) -> String {
    let yaml = serde_yaml::to_string(&settings.to_raw())
        .expect("the settings serialize (plain maps, lists, strings and numbers)");
    short(blake3::hash(yaml.as_bytes()))
}

fn short(hash: blake3::Hash) -> String {
    hash.to_hex()[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(weights: &[u64]) -> Vec<(String, u64)> {
        weights
            .iter()
            .enumerate()
            .map(|(i, w)| (format!("src/dir{}/file{i}.rs", i % 7), *w))
            .collect()
    }

    fn view(owned: &[(String, u64)]) -> Vec<Item<'_>> {
        owned
            .iter()
            .map(|(path, weight)| Item {
                path,
                old_path: None,
                weight: *weight,
            })
            .collect()
    }

    #[test]
    fn shards_are_k_of_n() {
        assert_eq!("2/5".parse(), Ok(Shard { index: 2, count: 5 }));
        assert_eq!(
            "1/1".parse::<Shard>().map(|s| s.to_string()),
            Ok("1/1".into())
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", ""] {
            let err = bad.parse::<Shard>().expect_err(bad);
            assert!(err.contains("K/N"), "{err}");
        }
    }

    #[test]
    fn every_file_lands_in_exactly_one_shard_and_the_shards_balance() {
        // Weights as varied as a real tree: many small files, a few large ones.
        let weights: Vec<u64> = (0..3000u64)
            .map(|i| FILE_COST + (i * 7919 % 4000) + if i % 97 == 0 { 90_000 } else { 0 })
            .collect();
        let owned = items(&weights);
        let all = view(&owned);
        let largest = *weights.iter().max().expect("files") as f64;
        for count in 1..=9 {
            let shards = assign(&all, count);
            assert_eq!(shards.len(), all.len());
            let mut load = vec![0u64; count];
            for (s, w) in shards.iter().zip(&weights) {
                assert!(*s < count);
                load[*s] += w;
            }
            let mean = weights.iter().sum::<u64>() as f64 / count as f64;
            for l in load {
                assert!(
                    (l as f64 - mean).abs() <= largest,
                    "{count} shards: {l} vs {mean}"
                );
            }
        }
    }

    #[test]
    fn the_split_does_not_depend_on_the_order_files_come_in() {
        let owned = items(&(0..500).map(|i| 100 + i * 3).collect::<Vec<_>>());
        let all = view(&owned);
        let mut reversed = all.clone();
        reversed.reverse();
        let mut back = assign(&reversed, 4);
        back.reverse();
        assert_eq!(assign(&all, 4), back);
    }

    #[test]
    fn a_file_that_grows_moves_only_files_near_a_cut() {
        let mut weights: Vec<u64> = vec![2000; 1000];
        let before = assign(&view(&items(&weights)), 4);
        weights[500] += 10_000;
        let after = assign(&view(&items(&weights)), 4);
        let moved = before.iter().zip(&after).filter(|(a, b)| a != b).count();
        assert!(moved <= 3 * 6, "{moved} files moved");
    }

    #[test]
    fn empty_and_weightless_changes_still_split() {
        assert!(assign(&[], 3).is_empty());
        let owned = items(&[0, 0, 0]);
        assert_eq!(assign(&view(&owned), 2).len(), 3);
    }
}
