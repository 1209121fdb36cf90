//! What `trend` keeps in the store (`store::records`) per commit, and under which key.
//!
//! Two kinds of record:
//! - **figures**: a commit's [`Tally`], keyed by what decides it — the analyser fingerprint, the
//!   commit's tree, the policy's id, the commit's date (a dated suppression holds or not by it)
//!   and the `--path` globs. A second run, a longer window or another branch through the same
//!   trees reads them instead of measuring.
//! - **touches**: what a commit changed for the hotspots ([`Touches`]), keyed by the parent's tree
//!   and the commit's tree under the same policy and globs.
//!
//! Values are lz4-compressed JSON with a format number; one that does not decode is a miss.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::figures::{Figures, Tally};
use crate::change::TreeId;
use crate::store::Key;

/// Bump when a record's layout or meaning changes.
const FORMAT: u32 = 1;

/// A figures record's key.
pub fn figures_key(tree: &TreeId, policy: &[u8; 32], day: &str, paths: &[String]) -> Key {
    key(b"figures", &[tree.as_bytes()], policy, day, paths)
}

/// A touches record's key.
pub fn touches_key(
    parent: Option<&TreeId>,
    tree: &TreeId,
    policy: &[u8; 32],
    paths: &[String],
) -> Key {
    let parent = parent.map_or(&[][..], TreeId::as_bytes);
    key(b"touches", &[parent, tree.as_bytes()], policy, "", paths)
}

fn key(kind: &[u8], trees: &[&[u8]], policy: &[u8; 32], day: &str, paths: &[String]) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(b"debtgate trend record\0");
    h.update(kind);
    h.update(&FORMAT.to_le_bytes());
    h.update(crate::store::key::fingerprint());
    for t in trees {
        h.update(&(t.len() as u64).to_le_bytes());
        h.update(t);
    }
    h.update(policy);
    h.update(day.as_bytes());
    h.update(&[0]);
    for p in paths {
        h.update(p.as_bytes());
        h.update(&[0]);
    }
    *h.finalize().as_bytes()
}

/// What one commit changed, as the hotspots count it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touches {
    /// Measured files the commit added, changed or deleted: path, and the file's total
    /// cyclomatic complexity after the commit (`None`: deleted, or no longer measured).
    pub files: Vec<(String, Option<u64>)>,
    /// Functions of those files the commit added, changed or removed: path, function (its
    /// qualified name, `#n` appended for the n-th of equal names), and its cyclomatic complexity
    /// after (`None`: removed).
    pub functions: Vec<(String, String, Option<u32>)>,
}

#[derive(Serialize, Deserialize)]
struct StoredTally {
    format: u32,
    overall: Vec<u64>,
    dirs: BTreeMap<String, Vec<u64>>,
}

#[derive(Serialize, Deserialize)]
struct StoredTouches {
    format: u32,
    touches: Touches,
}

fn pack(value: &impl Serialize) -> Vec<u8> {
    let json = serde_json::to_vec(value).expect("records serialise (plain data)");
    lz4_flex::compress_prepend_size(&json)
}

fn unpack<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let json = lz4_flex::decompress_size_prepended(bytes).ok()?;
    serde_json::from_slice(&json).ok()
}

pub fn encode_tally(t: &Tally) -> Vec<u8> {
    pack(&StoredTally {
        format: FORMAT,
        overall: t.overall.to_fields(),
        dirs: t
            .dirs
            .iter()
            .map(|(d, f)| (d.clone(), f.to_fields()))
            .collect(),
    })
}

pub fn decode_tally(bytes: &[u8]) -> Option<Tally> {
    let s: StoredTally = unpack(bytes)?;
    if s.format != FORMAT {
        return None;
    }
    let mut dirs = BTreeMap::new();
    for (d, f) in s.dirs {
        dirs.insert(d, Figures::from_fields(&f)?);
    }
    Some(Tally {
        overall: Figures::from_fields(&s.overall)?,
        dirs,
    })
}

pub fn encode_touches(t: &Touches) -> Vec<u8> {
    pack(&StoredTouches {
        format: FORMAT,
        touches: t.clone(),
    })
}

pub fn decode_touches(bytes: &[u8]) -> Option<Touches> {
    let s: StoredTouches = unpack(bytes)?;
    (s.format == FORMAT).then_some(s.touches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_and_garbage_is_a_miss() {
        let mut t = Tally::default();
        let mut f = Figures {
            files: 3,
            cyclomatic: 40,
            ..Figures::default()
        };
        f.fail[1] = 2;
        f.grades[7] = 3;
        t.add("src/a.rs", &f);
        assert_eq!(decode_tally(&encode_tally(&t)), Some(t));
        let touches = Touches {
            files: vec![("a.rs".into(), Some(3)), ("b.rs".into(), None)],
            functions: vec![("a.rs".into(), "f".into(), Some(3))],
        };
        assert_eq!(decode_touches(&encode_touches(&touches)), Some(touches));
        assert_eq!(decode_tally(b"not a record"), None);
        assert_eq!(decode_touches(&encode_tally(&Tally::default())), None);
    }
}
