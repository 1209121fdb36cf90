//! Which policy measures each commit of the walk: the `.debtgate.yaml` (or `.yml`) in that
//! commit's tree, else the built-in default — or one `--config` file for every commit.
//!
//! A file that is invalid at some commit (a typo someone fixed the next day, a key a later version
//! added) does not stop the walk: that commit is measured under the last valid policy before it
//! (the built-in default when there is none in the window), and one notice per invalid file
//! version says so. Each policy is read and validated once per distinct file version, and has an
//! id — the hash of the built-in default and the file's text — that keys the stored figures.

use std::path::Path;
use std::sync::Arc;

use super::TrendError;
use crate::change::{BlobId, Commit, Repo};
use crate::config::{self, ConfigOrigin, PolicyMode, Settings};

/// The policy one commit is measured under.
#[derive(Debug, Clone)]
pub struct Policy {
    /// In absolute mode, as `check --all` judges.
    pub settings: Arc<Settings>,
    /// Names what decides the figures: the built-in default and the file text that ruled.
    pub id: [u8; 32],
    /// Where it came from, for reports: `default`, `<commit>:.debtgate.yaml`, a path.
    pub origin: String,
}

impl Policy {
    fn new(text: Option<&str>, settings: Settings, origin: String) -> Policy {
        let mut h = blake3::Hasher::new();
        h.update(b"debtgate trend policy\0");
        h.update(config::DEFAULT_YAML.as_bytes());
        h.update(&[0]);
        if let Some(text) = text {
            h.update(b"F");
            h.update(text.as_bytes());
        }
        let mut settings = settings;
        settings.mode = PolicyMode::Absolute;
        Policy {
            settings: Arc::new(settings),
            id: *h.finalize().as_bytes(),
            origin,
        }
    }

    fn embedded() -> Policy {
        Policy::new(None, Settings::embedded(), "default".to_string())
    }
}

/// The policies of `commits` (oldest first), and the notices about invalid files.
pub fn resolve(
    repo: &Repo,
    commits: &[Commit],
    explicit: Option<&Path>,
) -> Result<(Vec<Policy>, Vec<String>), TrendError> {
    if let Some(path) = explicit {
        let text = std::fs::read_to_string(path).map_err(|source| TrendError::ReadConfig {
            path: path.to_path_buf(),
            source,
        })?;
        let settings = Settings::from_yaml(&text, ConfigOrigin::File(path.to_path_buf()))?;
        let one = Policy::new(Some(&text), settings, path.display().to_string());
        return Ok((vec![one; commits.len()], Vec::new()));
    }
    let mut out = Vec::with_capacity(commits.len());
    let mut notices = Vec::new();
    let mut last_valid = Policy::embedded();
    // The file version the previous commit had, and what it resolved to.
    let mut previous: Option<(Vec<(usize, BlobId)>, Policy)> = None;
    for c in commits {
        let files = config_files(repo, c)?;
        if let Some((seen, policy)) = &previous {
            if *seen == files {
                out.push(policy.clone());
                continue;
            }
        }
        let policy = match read(repo, c, &files) {
            Ok(Some(p)) => {
                last_valid = p.clone();
                p
            }
            Ok(None) => {
                last_valid = Policy::embedded();
                last_valid.clone()
            }
            Err(problem) => {
                notices.push(format!(
                    "{problem}; the figures of commit {} (and of the commits after it with the \
                     same file) use the last valid policy ({})",
                    short(&c.id),
                    last_valid.origin
                ));
                last_valid.clone()
            }
        };
        previous = Some((files, policy.clone()));
        out.push(policy);
    }
    Ok((out, notices))
}

/// The config files in a commit's tree: (index into `config::FILE_NAMES`, blob).
fn config_files(repo: &Repo, c: &Commit) -> Result<Vec<(usize, BlobId)>, TrendError> {
    let mut found = Vec::new();
    for (i, name) in config::FILE_NAMES.iter().enumerate() {
        if let Some(blob) = repo.blob_in_tree(&c.tree, name)? {
            found.push((i, blob));
        }
    }
    Ok(found)
}

/// The policy of the files found; `Ok(None)`: none, the built-in default rules; `Err`: why the
/// file does not make a policy.
fn read(repo: &Repo, c: &Commit, files: &[(usize, BlobId)]) -> Result<Option<Policy>, String> {
    let (index, blob) = match files {
        [] => return Ok(None),
        [one] => *one,
        _ => {
            return Err(format!(
                "commit {} has both {} and {}",
                short(&c.id),
                config::FILE_NAMES[0],
                config::FILE_NAMES[1]
            ))
        }
    };
    let name = config::FILE_NAMES[index];
    let label = format!("{}:{name}", short(&c.id));
    let bytes = repo
        .read(&crate::change::Content::Blob(blob))
        .map_err(|e| format!("{label} cannot be read: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let origin = ConfigOrigin::Revision {
        rev: c.id.clone(),
        path: name.to_string(),
    };
    match Settings::from_yaml(&text, origin) {
        Ok(settings) => Ok(Some(Policy::new(Some(&text), settings, label))),
        Err(e) => {
            let first = e.to_string();
            let first = first.lines().next().unwrap_or_default();
            Err(format!("{label} is invalid ({first})"))
        }
    }
}

/// The first 12 digits of a commit id, as reports show them.
pub fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}
