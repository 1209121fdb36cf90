//! One file's measurement as the daemon and `debtgate warm` do it: read a blob, apply the same
//! size and binary rules as the gate, detect the language from the path and content, then look it
//! up in the store or measure it there. Also: which jobs a change needs, from the same
//! [`plan`](crate::plan::change) as `check` (so the daemon measures exactly what the gate will ask for).

use std::borrow::Cow;
use std::path::Path;

use crate::change::{BlobId, Content, Repo};
use crate::lang::Language;
use crate::plan::{FilePlan, Side};
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
pub type JobKey = (BlobId, Option<(Option<Language>, bool)>, u64);

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
            .map_err(|e| format!("{}{e}", crate::analysis::readable::UNREADABLE))
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
        language: Some(m.language),
        marks: m.marks.clone(),
        metrics: Some(m.metrics.clone()),
    })
}

/// The side a [`to_wire`] value carries; `None` when it is not one.
pub fn from_wire(value: &[u8]) -> Option<Measured> {
    let e = codec::decode(value)?;
    Some(Measured {
        language: e.language?,
        metrics: e.metrics?,
        marks: e.marks,
    })
}

/// The jobs of planned files, in their order: each file's new side, then its old side when the
/// plan names one. Only sides in the repository (blobs) can be measured by the daemon; a file
/// whose new side is in the worktree is left to the gate entirely.
pub fn for_plan(files: &[FilePlan], max_file_size: u64) -> Vec<Job> {
    let mut jobs = Vec::new();
    for planned in files {
        let Content::Blob(new) = planned.head.content else {
            continue;
        };
        jobs.push(job(planned.head.path, *new, max_file_size));
        if let Some(Side {
            path,
            content: Content::Blob(old),
        }) = planned.base
        {
            jobs.push(job(path, *old, max_file_size));
        }
    }
    jobs
}

fn job(path: &str, blob: BlobId, max_file_size: u64) -> Job {
    Job {
        path: path.to_string(),
        blob,
        max_file_size,
    }
}
