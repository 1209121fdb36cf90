//! The hot tier: decoded-value bytes kept in process, bounded in bytes, oldest insert out first.

use std::collections::{HashMap, VecDeque};

use super::key::Key;

/// Default budget: plenty for a gate run, small next to the process.
pub const DEFAULT_HOT_BYTES: usize = 32 * 1024 * 1024;

/// Encoded values by key; what it holds never exceeds `budget` bytes.
#[derive(Debug)]
pub struct Hot {
    budget: usize,
    used: usize,
    map: HashMap<Key, Vec<u8>>,
    order: VecDeque<Key>,
}

impl Hot {
    pub fn new(budget: usize) -> Self {
        Hot {
            budget,
            used: 0,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub fn get(&self, key: &Key) -> Option<&[u8]> {
        self.map.get(key).map(Vec::as_slice)
    }

    pub fn insert(&mut self, key: Key, value: Vec<u8>) {
        let size = value.len() + key.len();
        if size > self.budget || self.map.contains_key(&key) {
            return;
        }
        while self.used + size > self.budget {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(v) = self.map.remove(&old) {
                self.used -= v.len() + old.len();
            }
        }
        self.used += size;
        self.order.push_back(key);
        self.map.insert(key, value);
    }

    pub fn used_bytes(&self) -> usize {
        self.used
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_its_byte_budget() {
        let mut hot = Hot::new(1000);
        for i in 0..100u8 {
            hot.insert([i; 32], vec![0; 68]);
            assert!(hot.used_bytes() <= 1000);
        }
        assert_eq!(hot.len(), 10);
        assert!(hot.get(&[99; 32]).is_some());
        assert!(hot.get(&[0; 32]).is_none());
    }
}
