//! Pairing: which base function each head function is a version of — by qualified name and
//! order among equal names, never by line number, so moving code does not make it new; and, for
//! functions whose qualifier alone changed (a renamed class, namespace or receiver), by their
//! tokens.

use std::collections::{HashMap, HashSet};

use crate::analysis::{FileMetrics, FunctionMetrics};

/// For each head function, its occurrence among functions of the same qualified name, and its
/// base version: the base function of the same qualified name and occurrence; failing that, an
/// otherwise unpaired base function with the same tokens. The fallback keeps a function whose code
/// did not change from counting as new when only its qualifier did: a renamed class (a Java file
/// rename renames its class), namespace or receiver type.
pub(crate) fn pair_functions<'a>(
    head: &'a [FunctionMetrics],
    base: Option<&'a FileMetrics>,
) -> Vec<(usize, Option<&'a FunctionMetrics>)> {
    let by_name = base.map(index_functions).unwrap_or_default();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut pairs: Vec<(usize, Option<&FunctionMetrics>)> = head
        .iter()
        .map(|f| {
            let nth = seen.entry(f.qualified_name.as_str()).or_insert(0);
            let key = (f.qualified_name.as_str(), *nth);
            *nth += 1;
            (key.1, by_name.get(&key).copied())
        })
        .collect();
    if pairs.iter().all(|(_, b)| b.is_some()) {
        return pairs;
    }
    let paired: HashSet<*const FunctionMetrics> = pairs
        .iter()
        .filter_map(|(_, b)| b.map(std::ptr::from_ref))
        .collect();
    // Reversed, so that `pop` hands out equal bodies in file order.
    let mut unpaired: HashMap<u64, Vec<&FunctionMetrics>> = HashMap::new();
    for b in base
        .map(|b| b.functions.as_slice())
        .unwrap_or_default()
        .iter()
        .rev()
    {
        if !paired.contains(&std::ptr::from_ref(b)) {
            unpaired.entry(b.body_hash).or_default().push(b);
        }
    }
    for ((_, before), f) in pairs.iter_mut().zip(head) {
        if before.is_none() {
            *before = unpaired.get_mut(&f.body_hash).and_then(|v| v.pop());
        }
    }
    pairs
}

/// Base functions by (qualified name, occurrence).
fn index_functions(m: &FileMetrics) -> HashMap<(&str, usize), &FunctionMetrics> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    m.functions
        .iter()
        .map(|f| {
            let nth = seen.entry(f.qualified_name.as_str()).or_insert(0);
            let key = (f.qualified_name.as_str(), *nth);
            *nth += 1;
            (key, f)
        })
        .collect()
}
