//! Where the two tiers live. The store does not decide it: its caller does (`config::store`, from
//! `DEBTGATE_STORE`, the policy file's `store.path` and the repository), and hands the store a
//! [`StorePaths`], or `None` for a run without one.

use std::path::{Path, PathBuf};

/// The warm tier's file and the cold tier's next to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorePaths {
    pub warm: PathBuf,
    pub cold: PathBuf,
    /// A directory that must already exist for the store's directories to be made below it: the
    /// git common directory, for the default place. A store written after its repository was
    /// deleted (a daemon finishing its work, a run racing `rm -rf`) must not bring the
    /// repository's directory back. `None`: make whatever is missing.
    pub inside: Option<PathBuf>,
}

impl StorePaths {
    /// The default place for a repository whose git common directory is `common_dir` (shared by
    /// all its linked worktrees): `<common dir>/debtgate/store.redb`.
    pub fn under(common_dir: &Path) -> StorePaths {
        StorePaths {
            inside: Some(common_dir.to_path_buf()),
            ..StorePaths::beside(common_dir.join("debtgate").join("store.redb"))
        }
    }

    /// `warm` and its cold sibling (`x.redb` → `x.cold.redb`).
    pub fn beside(warm: PathBuf) -> StorePaths {
        let stem = warm
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "store".into());
        let cold = warm.with_file_name(format!("{stem}.cold.redb"));
        StorePaths {
            warm,
            cold,
            inside: None,
        }
    }

    /// The run log, next to the warm tier.
    pub fn run_log(&self) -> PathBuf {
        self.warm.with_file_name("runs.log")
    }

    /// Both tier files.
    pub fn tiers(&self) -> [&Path; 2] {
        [&self.warm, &self.cold]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cold_sits_beside_warm() {
        let p = StorePaths::under(Path::new("/r/.git"));
        assert_eq!(p.warm, Path::new("/r/.git/debtgate/store.redb"));
        assert_eq!(p.cold, Path::new("/r/.git/debtgate/store.cold.redb"));
        assert_eq!(p.run_log(), Path::new("/r/.git/debtgate/runs.log"));
        assert_eq!(p.inside.as_deref(), Some(Path::new("/r/.git")));
        let q = StorePaths::beside(PathBuf::from("/x/cache.redb"));
        assert_eq!(q.cold, Path::new("/x/cache.cold.redb"));
        assert_eq!(q.inside, None);
    }
}
