//! One file's measurement as the daemon and `debtgate warm` do it: read a blob, apply the same
//! size and binary rules as the gate, detect the language from the path and content, then look it
//! up in the store or measure it there. Also: which jobs a change needs, by the same rules as
//! `check` (so the daemon measures exactly what the gate will ask for).

use std::borrow::Cow;
use std::path::Path;

use crate::change::{BlobId, ChangeSet, Content, EntryKind, Repo};
use crate::config::{PolicyMode, Settings};
use crate::lang::Language;
use crate::store::{codec, Entry, Measured, PathClass, Served, Store};

/// One blob to measure, as the file at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub path: String,
    pub blob: BlobId,
    pub max_file_size: u64,
}

/// Jobs with the same key give the same result, so the key holds everything that changes a
/// result: the blob, how its path reads it (the store's path class: the extension's language, and
/// whether content decides), and the size limit (over it, the answer is "too large", not
/// metrics). A job merged with another under a different limit would get that one's answer.
pub type JobKey = (BlobId, Option<(Language, bool)>, u64);

/// The key of `blob` read through `path` under the size limit `max_file_size`.
pub fn key(blob: BlobId, path: &Path, max_file_size: u64) -> JobKey {
    (
        blob,
        PathClass::of(path).map(|c| (c.language, c.by_content)),
        max_file_size,
    )
}

impl Job {
    pub fn key(&self) -> JobKey {
        key(self.blob, Path::new(&self.path), self.max_file_size)
    }
}

/// What came of a job.
#[derive(Debug, Clone)]
pub enum Outcome {
    Measured {
        measured: Measured,
        served: Served,
    },
    /// Not measured, and why (too large, binary, unreadable, not a supported language).
    Skipped(String),
}

/// Runs `job` with this thread's analyzer, through the store exactly as `check` measures a side.
pub fn run(repo: &Repo, store: &Store, job: &Job) -> Outcome {
    let read = || {
        repo.read(&Content::Blob(job.blob))
            .map(Cow::Owned)
            .map_err(|e| format!("unreadable: {e}"))
    };
    let path = Path::new(&job.path);
    let r = crate::analysis::with_thread_analyzer(|a| {
        store.side_traced(a, path, Some(&job.blob), job.max_file_size, read)
    });
    match r {
        Ok((measured, served)) => Outcome::Measured { measured, served },
        Err(why) => Outcome::Skipped(why),
    }
}

/// A measured side as it travels to the client: the store's value encoding of an entry holding
/// it. The entry's size and binary facts are not filled in: the daemon has applied them already
/// (with the client's size limit), and the client reads only language, marks and metrics.
pub fn to_wire(m: &Measured) -> Vec<u8> {
    codec::encode(&Entry {
        size: 0,
        binary_at: None,
        language: m.language,
        marks: m.marks.clone(),
        metrics: Some(m.metrics.clone()),
    })
}

/// The side a [`to_wire`] value carries; `None` when it is not one.
pub fn from_wire(value: &[u8]) -> Option<Measured> {
    let e = codec::decode(value)?;
    Some(Measured {
        language: e.language,
        metrics: e.metrics?,
        marks: e.marks,
    })
}

/// The blobs `check` will measure for `changes` under `settings`: each analysable file's new
/// side, and its old side when the mode compares with it.
pub fn for_change(changes: &ChangeSet, settings: &Settings) -> Vec<Job> {
    let compare = matches!(settings.mode, PolicyMode::New | PolicyMode::Ratchet);
    let mut jobs = Vec::new();
    for file in &changes.files {
        if file.kind != EntryKind::File
            || settings.is_excluded(&file.path)
            || Language::from_path(Path::new(&file.path)).is_none()
        {
            continue;
        }
        let Some(Content::Blob(new)) = &file.new else {
            continue;
        };
        jobs.push(job(&file.path, *new, settings));
        if let (true, Some(Content::Blob(old))) = (compare, &file.old) {
            let old_path = file.old_path.as_deref().unwrap_or(&file.path);
            if Language::from_path(Path::new(old_path)).is_some() {
                jobs.push(job(old_path, *old, settings));
            }
        }
    }
    jobs
}

fn job(path: &str, blob: BlobId, settings: &Settings) -> Job {
    Job {
        path: path.to_string(),
        blob,
        max_file_size: settings.max_file_size,
    }
}
