//! How big a change is, per file, without keeping anything: the size of one side (from the
//! object header, never reading the blob) and the number of lines a file adds and removes (a line
//! diff of the two sides, as `git diff --numstat` counts them). The gate uses these to decide what
//! to skip (`max_file_size`) and what to analyse first under a time budget.

use super::{ChangeError, ChangedFile, Content};
use crate::change::Repo;

impl Repo {
    /// The size in bytes of one side: the object header for a blob (the blob is not read), the
    /// file's metadata in the worktree.
    pub fn size(&self, content: &Content) -> Result<u64, ChangeError> {
        match content {
            Content::Blob(id) => self.with_local(|repo| match repo.try_find_header(id.0) {
                Ok(Some(header)) => Ok(header.size()),
                Ok(None) => Err(ChangeError::MissingObject { id: id.to_hex() }),
                Err(e) => Err(ChangeError::git(format!("reading the header of {id}"))(e)),
            }),
            Content::Worktree(path) => {
                std::fs::symlink_metadata(path)
                    .map(|m| m.len())
                    .map_err(|source| ChangeError::Io {
                        path: path.clone(),
                        source,
                    })
            }
        }
    }

    /// Lines added plus lines removed by `file` (every line of an added file, none of a deleted
    /// one). `None` when a side is larger than `max` bytes: not worth reading to count.
    pub fn changed_lines(&self, file: &ChangedFile, max: u64) -> Result<Option<u64>, ChangeError> {
        let mut sides = Vec::with_capacity(2);
        for side in [&file.old, &file.new] {
            let bytes = match side {
                Some(content) if self.size(content)? > max => return Ok(None),
                Some(content) => self.read(content)?,
                None => Vec::new(),
            };
            sides.push(bytes);
        }
        let (old, new) = (sides[0].as_slice(), sides[1].as_slice());
        if old.is_empty() || new.is_empty() {
            return Ok(Some(line_count(old) + line_count(new)));
        }
        let input = gix::diff::blob::InternedInput::new(old, new);
        let diff = gix::diff::blob::Diff::compute(gix::diff::blob::Algorithm::Histogram, &input);
        Ok(Some(
            u64::from(diff.count_additions()) + u64::from(diff.count_removals()),
        ))
    }
}

/// Lines in `bytes`, a last line without a newline included.
fn line_count(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    newlines + u64::from(bytes.last().is_some_and(|b| *b != b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_with_or_without_a_last_newline() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a\nb\n"), 2);
        assert_eq!(line_count(b"a\nb"), 2);
    }
}
