//! Code lines: lines holding at least one token that is not a comment. Blank lines and lines
//! that are only comments do not count; a multi-line string counts every line it spans.

/// A set of 0-based rows, as a bitset sized to the file.
#[derive(Debug, Clone)]
pub(crate) struct RowSet {
    bits: Vec<u64>,
    rows: usize,
}

impl RowSet {
    pub fn new(rows: usize) -> Self {
        RowSet {
            bits: vec![0; rows.div_ceil(64)],
            rows,
        }
    }

    /// Marks rows `first..=last`.
    pub fn insert_range(&mut self, first: usize, last: usize) {
        if self.rows == 0 {
            return;
        }
        let last = last.min(self.rows - 1);
        for row in first..=last {
            if let Some(word) = self.bits.get_mut(row / 64) {
                *word |= 1 << (row % 64);
            }
        }
    }

    pub fn contains(&self, row: usize) -> bool {
        self.bits
            .get(row / 64)
            .is_some_and(|w| w & (1 << (row % 64)) != 0)
    }

    pub fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::RowSet;

    #[test]
    fn ranges_are_inclusive_and_bounded() {
        let mut rows = RowSet::new(130);
        rows.insert_range(0, 0);
        rows.insert_range(63, 65);
        rows.insert_range(129, 500); // past the end is ignored, not a panic
        assert_eq!(rows.count(), 5);
        assert!(rows.contains(64) && !rows.contains(1) && !rows.contains(128));
    }
}
