//! The daemon process: one per repository, found through a Unix socket under the git common
//! directory and made unique by an advisory lock on `daemon.lock` (which also holds its pid).
//!
//! Coordination runs on a single-threaded tokio runtime: accepting connections, one task per
//! connection, and a once-a-second watch that redoes the background pass when HEAD or the
//! upstream moves, writes new store entries, and ends the daemon when it has been idle for its
//! idle time, when its repository or its socket disappears, or when asked to stop. The CPU work
//! runs on the [`Scheduler`]'s worker threads.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};

use super::job::{self, Job, JobKey, Outcome};
use super::protocol::{self, Answer, Op, Reply, Request, END, MAX_FRAME, PROTOCOL};
use super::scheduler::{Config, Done, Priority, Scheduler, Work};
use super::warm;
use super::{socket, DaemonPaths};
use crate::change::{BlobId, Repo};
use crate::store::Store;

/// How the daemon runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub idle: Duration,
    /// Worker threads per priority.
    pub workers: usize,
    /// Hold background work until the first gate request (tests).
    pub hold_background: bool,
}

/// How long a connection may take to send its request.
const REQUEST_WAIT: Duration = Duration::from_secs(10);
/// How often the daemon looks at HEAD, its repository and its idle time.
const TICK: Duration = Duration::from_millis(500);
/// How often new store entries are written while work goes on.
const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// The longest a gate's client may keep the background waiting after its answers.
const GATE_HOLD: Duration = Duration::from_secs(10);
/// How often git is asked for an upstream gix cannot resolve.
const UPSTREAM_POLL: Duration = Duration::from_secs(5);
/// How long a second daemon waits for the lock before concluding that one already runs.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// The background pass as `status` shows it.
#[derive(Debug, Default)]
struct Background {
    head: Option<String>,
    upstream: Option<String>,
    base: Option<String>,
    passes: u64,
    files: usize,
    done: Arc<AtomicUsize>,
}

/// The order evidence of the last gate request.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
struct GateRecord {
    jobs: usize,
    answered: usize,
    /// Background jobs queued when the request arrived.
    low_queued_at_start: usize,
    /// Background jobs finished between the request's arrival and its last job's completion: at
    /// most the Low workers' files already in hand.
    low_done_during: u64,
    /// Background jobs still queued when its last job completed.
    low_queued_at_end: usize,
    /// Completion sequence numbers of the request's first and last job.
    first_seq: u64,
    last_seq: u64,
}

impl GateRecord {
    /// Takes in one of the request's completions; `low_before` is the Low count at its arrival.
    fn note(&mut self, done: &Done, low_before: u64) {
        if self.first_seq == 0 || done.seq < self.first_seq {
            self.first_seq = done.seq;
        }
        if done.seq >= self.last_seq {
            self.last_seq = done.seq;
            self.low_done_during = done.low_done - low_before;
            self.low_queued_at_end = done.low_queued;
        }
    }
}

type Sched = Scheduler<JobKey, Job, Outcome>;

struct Daemon {
    repo: Arc<Repo>,
    paths: DaemonPaths,
    store: Arc<RwLock<Arc<Store>>>,
    scheduler: Sched,
    workers: usize,
    started: Instant,
    idle: Duration,
    last_active: Mutex<Instant>,
    open_connections: AtomicUsize,
    requests: AtomicU64,
    background: Mutex<Background>,
    last_gate: Mutex<Option<GateRecord>>,
    /// When git was last asked for the upstream.
    upstream_probed: Mutex<Instant>,
    /// The socket file's inode: if it changes or vanishes, this daemon is unreachable and exits.
    socket_ino: u64,
}

/// The daemon's life: `Ok(false)` when another daemon already holds the lock.
pub fn run(dir: &Path, opts: Options) -> Result<bool> {
    let repo = Arc::new(Repo::discover(dir)?);
    let mut paths = DaemonPaths::of(repo.common_dir());
    std::fs::create_dir_all(&paths.dir)
        .with_context(|| format!("cannot create {}", paths.dir.display()))?;
    socket::make_private(&paths.dir)
        .with_context(|| format!("cannot make {} private", paths.dir.display()))?;
    let Some(mut lock) = acquire_lock(&paths.lock, LOCK_WAIT)? else {
        return Ok(false);
    };
    lock.set_len(0)?;
    writeln!(lock, "{}", std::process::id())?;
    let (listener, socket_ino) = listen(&mut paths)?;
    let daemon = Arc::new(Daemon::new(repo, paths.clone(), opts, socket_ino));
    note!(
        "debtgate daemon {} started for {} (socket {})",
        std::process::id(),
        daemon.repo.root().display(),
        paths.socket.display()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the daemon's runtime")?;
    let why = rt.block_on(serve(Arc::clone(&daemon), listener))?;
    note!("debtgate daemon {} exiting: {why}", std::process::id());
    // Only our own socket is removed: a newer daemon may have replaced it.
    socket::remove(&paths, Some(socket_ino));
    // Writing to a deleted repository would recreate its directories.
    if daemon.repo.common_dir().exists() {
        daemon.store().flush_entries();
        let _ = lock.set_len(0);
    }
    Ok(true)
}

/// Binds the socket (replacing a stale one: the caller holds the lock) where `socket::bind`
/// puts it, usable by this user only; sets `paths.socket` to it and returns it with its inode.
fn listen(paths: &mut DaemonPaths) -> Result<(std::os::unix::net::UnixListener, u64)> {
    let (listener, at) = socket::bind(paths)
        .with_context(|| format!("cannot listen on {}", paths.entry.display()))?;
    paths.socket = at;
    listener.set_nonblocking(true)?;
    Ok((listener, std::fs::metadata(&paths.socket)?.ino()))
}

/// Takes the daemon lock, retrying for `wait`; `None` when another process keeps it.
pub fn acquire_lock(path: &Path, wait: Duration) -> Result<Option<File>> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let deadline = Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

impl Daemon {
    fn new(repo: Arc<Repo>, paths: DaemonPaths, opts: Options, socket_ino: u64) -> Daemon {
        let store = Arc::new(RwLock::new(Arc::new(open_store(&repo))));
        let work: Work<Job, Outcome> = {
            let (repo, store) = (Arc::clone(&repo), Arc::clone(&store));
            Arc::new(move |j: &Job| {
                let store = Arc::clone(&store.read().unwrap_or_else(|p| p.into_inner()));
                job::run(&repo, &store, j)
            })
        };
        let config = Config {
            high_workers: opts.workers,
            low_workers: low_workers(opts.workers),
            nice_low: true,
            hold_low: opts.hold_background,
        };
        Daemon {
            repo,
            paths,
            store,
            scheduler: Scheduler::new(config, work),
            workers: opts.workers,
            started: Instant::now(),
            idle: opts.idle,
            last_active: Mutex::new(Instant::now()),
            open_connections: AtomicUsize::new(0),
            requests: AtomicU64::new(0),
            background: Mutex::new(Background::default()),
            last_gate: Mutex::new(None),
            upstream_probed: Mutex::new(Instant::now()),
            socket_ino,
        }
    }

    fn store(&self) -> Arc<Store> {
        Arc::clone(&self.store.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn touch(&self) {
        *lock(&self.last_active) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        lock(&self.last_active).elapsed()
    }
}

/// Background workers: one fewer than the High workers (at least one), so that a core stays
/// free for the gate's own process while the background runs.
fn low_workers(workers: usize) -> usize {
    workers.saturating_sub(1).max(1)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn open_store(repo: &Repo) -> Store {
    let (paths, limits) = crate::config::store::store_near(Some(repo));
    Store::open(paths, limits)
}

/// Accepts connections until something stops the daemon; returns why.
async fn serve(d: Arc<Daemon>, listener: std::os::unix::net::UnixListener) -> Result<String> {
    let listener = UnixListener::from_std(listener)?;
    let (stop_tx, mut stop_rx) = watch::channel(String::new());
    tokio::spawn(watch_repo(Arc::clone(&d), stop_tx.clone()));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(Arc::clone(&d), stream, stop_tx.clone()));
                }
                Err(e) => {
                    note!("debtgate daemon: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stop_rx.changed() => return Ok(stop_rx.borrow().clone()),
        }
    }
}

/// Twice a second: the repository and socket still there, the background pass current, new
/// entries written, the idle time not exceeded.
async fn watch_repo(d: Arc<Daemon>, stop: watch::Sender<String>) {
    let mut tick = tokio::time::interval(TICK);
    let (mut flushed_at, mut flushed_when) = (0u64, Instant::now());
    loop {
        tick.tick().await;
        if let Some(why) = gone(&d) {
            let _ = stop.send(why);
            return;
        }
        let dd = Arc::clone(&d);
        let _ = tokio::task::spawn_blocking(move || refresh_background(&dd)).await;
        let s = d.scheduler.stats();
        let done = s.done_high + s.done_low;
        // A durable write (an fsync) now and then, not every tick: while the background runs,
        // every FLUSH_EVERY; as soon as the work is done.
        let due = flushed_when.elapsed() >= FLUSH_EVERY || d.scheduler.is_idle();
        if done != flushed_at && due && gone(&d).is_none() {
            (flushed_at, flushed_when) = (done, Instant::now());
            let store = d.store();
            let _ = tokio::task::spawn_blocking(move || store.flush_entries()).await;
        }
        let busy = d.open_connections.load(Ordering::Relaxed) > 0 || !d.scheduler.is_idle();
        if busy {
            d.touch();
        } else if d.idle_for() >= d.idle {
            let _ = stop.send(format!("idle for {} s", d.idle.as_secs()));
            return;
        }
    }
}

/// Why the daemon should end, if its repository or socket is gone.
fn gone(d: &Daemon) -> Option<String> {
    if !d.repo.common_dir().exists() {
        return Some("the repository is gone".into());
    }
    match std::fs::metadata(&d.paths.socket) {
        Ok(m) if m.ino() == d.socket_ino => None,
        _ => Some("its socket was removed or replaced".into()),
    }
}

/// HEAD and the upstream now. gix resolves HEAD and a remote-tracking upstream on every tick;
/// git itself is asked about the upstream only when HEAD moved or every [`UPSTREAM_POLL`], so an
/// idle daemon does not start a process twice a second.
fn current_tips(d: &Daemon) -> (Option<String>, Option<String>) {
    let Some(head) = d.repo.resolve("HEAD").ok() else {
        return (None, None);
    };
    let (old_head, old_upstream) = {
        let bg = lock(&d.background);
        (bg.head.clone(), bg.upstream.clone())
    };
    let mut probed = lock(&d.upstream_probed);
    let ask_git = old_head.as_ref() != Some(&head) || probed.elapsed() >= UPSTREAM_POLL;
    if ask_git {
        *probed = Instant::now();
    }
    match warm::upstream(&d.repo, ask_git) {
        Some(up) => (Some(head), Some(up)),
        None if ask_git => (Some(head), None),
        None => (Some(head), old_upstream),
    }
}

/// Starts a new background pass when HEAD or the upstream moved (or on the first tick).
fn refresh_background(d: &Daemon) {
    if gone(d).is_some() {
        return;
    }
    let tips = current_tips(d);
    {
        let bg = lock(&d.background);
        if bg.passes > 0 && (bg.head.clone(), bg.upstream.clone()) == tips {
            return;
        }
    }
    if d.store().has_warned() {
        // A store that failed (e.g. became corrupt) is reopened: a corrupt file is moved aside.
        d.store().flush_entries();
        *d.store.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(open_store(&d.repo));
    }
    let plan = match warm::plan(&d.repo) {
        Ok(p) => p,
        Err(e) => {
            note!("debtgate daemon: cannot plan the background pass: {e:#}");
            let mut bg = lock(&d.background);
            (bg.head, bg.upstream) = tips;
            bg.passes += 1;
            return;
        }
    };
    d.scheduler.clear_low();
    let done = Arc::new(AtomicUsize::new(0));
    {
        let mut bg = lock(&d.background);
        *bg = Background {
            head: plan.head.clone(),
            upstream: plan.upstream.clone(),
            base: plan.base.clone(),
            passes: bg.passes + 1,
            files: plan.jobs.len(),
            done: Arc::clone(&done),
        };
    }
    let batch = plan
        .jobs
        .into_iter()
        .map(|j| {
            let done = Arc::clone(&done);
            let waiter: super::scheduler::Waiter<Outcome> = Box::new(move |_, _| {
                done.fetch_add(1, Ordering::Relaxed);
            });
            (j.key(), j, waiter)
        })
        .collect();
    d.scheduler.submit_all(batch, Priority::Low);
}

async fn read_frame(s: &mut UnixStream) -> std::io::Result<Vec<u8>> {
    let len = s.read_u32().await?;
    if len > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit"),
        ));
    }
    let mut buf = vec![0; len as usize];
    s.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn write_frame(s: &mut UnixStream, payload: &[u8]) -> std::io::Result<()> {
    s.write_u32(payload.len() as u32).await?;
    s.write_all(payload).await
}

async fn reply(s: &mut UnixStream, r: &Reply) -> std::io::Result<()> {
    let body = serde_json::to_vec(r).expect("a reply serialises");
    write_frame(s, &body).await?;
    s.flush().await
}

fn refusal(why: impl Into<String>) -> Reply {
    Reply {
        ok: false,
        pid: std::process::id(),
        error: Some(why.into()),
        status: None,
    }
}

fn accepted(status: Option<serde_json::Value>) -> Reply {
    Reply {
        ok: true,
        pid: std::process::id(),
        error: None,
        status,
    }
}

/// One client: read its request, answer it. Anything malformed gets a refusal and the connection
/// is closed; nothing a client sends or fails to send can stop the daemon (except `stop`).
async fn connection(d: Arc<Daemon>, mut stream: UnixStream, stop: watch::Sender<String>) {
    d.open_connections.fetch_add(1, Ordering::Relaxed);
    d.touch();
    // Only our own user: the socket's directory keeps others out, this keeps them out even if
    // it did not (nobody else may stop the daemon or read what it measured).
    match stream.peer_cred().map(|c| c.uid()) {
        Ok(uid) if uid == socket::euid() => {
            let _ = handle(&d, &mut stream, &stop).await;
        }
        Ok(uid) => {
            let why = format!(
                "this daemon serves uid {} only, not uid {uid}",
                socket::euid()
            );
            let _ = reply(&mut stream, &refusal(why)).await;
        }
        Err(e) => {
            let _ = reply(
                &mut stream,
                &refusal(format!("cannot tell who connected: {e}")),
            )
            .await;
        }
    }
    d.open_connections.fetch_sub(1, Ordering::Relaxed);
    d.touch();
}

async fn handle(
    d: &Arc<Daemon>,
    stream: &mut UnixStream,
    stop: &watch::Sender<String>,
) -> std::io::Result<()> {
    let frame = match tokio::time::timeout(REQUEST_WAIT, read_frame(stream)).await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return reply(stream, &refusal(format!("bad request: {e}"))).await,
        Err(_) => return reply(stream, &refusal("no request within 10 s")).await,
    };
    let req: Request = match serde_json::from_slice(&frame) {
        Ok(r) => r,
        Err(e) => return reply(stream, &refusal(format!("not a debtgate request: {e}"))).await,
    };
    if req.protocol != PROTOCOL || req.fingerprint != protocol::fingerprint() {
        let why = format!(
            "protocol mismatch: this daemon speaks protocol {PROTOCOL} with analyser {}, \
             the client {} with {}; restart it with `debtgate daemon stop` and `start`",
            &protocol::fingerprint()[..12],
            req.protocol,
            req.fingerprint.get(..12).unwrap_or(&req.fingerprint)
        );
        return reply(stream, &refusal(why)).await;
    }
    d.requests.fetch_add(1, Ordering::Relaxed);
    match req.op {
        Op::Status => reply(stream, &accepted(Some(status(d)))).await,
        Op::Stop => {
            reply(stream, &accepted(None)).await?;
            let _ = stop.send("asked to stop".into());
            Ok(())
        }
        Op::Measure {
            max_file_size,
            jobs,
        } => measure(d, stream, max_file_size, jobs).await,
    }
}

/// Queues the request's jobs at High priority and streams each answer as it completes.
async fn measure(
    d: &Arc<Daemon>,
    stream: &mut UnixStream,
    max_file_size: u64,
    jobs: Vec<(String, String)>,
) -> std::io::Result<()> {
    reply(stream, &accepted(None)).await?;
    // Background work waits until the client is done with the answers (it closes the
    // connection when its check ends), or GATE_HOLD at most.
    let _gate = d.scheduler.gate();
    let before = d.scheduler.stats();
    let mut record = GateRecord {
        jobs: jobs.len(),
        low_queued_at_start: before.queued_low,
        ..GateRecord::default()
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<(u32, Vec<u8>, Option<Done>)>();
    let mut batch = Vec::with_capacity(jobs.len());
    for (i, (path, hex)) in jobs.into_iter().enumerate() {
        let i = i as u32;
        let Some(blob) = BlobId::from_hex(&hex) else {
            let frame = protocol::encode_result(i, &Answer::Skipped("not a blob id".into()));
            let _ = tx.send((i, frame, None));
            continue;
        };
        let job = Job {
            path,
            blob,
            max_file_size,
        };
        let tx = tx.clone();
        let waiter = Box::new(move |o: Option<&Outcome>, done: Done| {
            let answer = match o {
                Some(Outcome::Measured { measured, served }) => Answer::Measured {
                    served: *served,
                    value: job::to_wire(measured),
                },
                Some(Outcome::Skipped(why)) => Answer::Skipped(why.clone()),
                None => Answer::Skipped("the analysis failed".into()),
            };
            let _ = tx.send((i, protocol::encode_result(i, &answer), Some(done)));
        });
        batch.push((job.key(), job, waiter as super::scheduler::Waiter<Outcome>));
    }
    d.scheduler.submit_all(batch, Priority::High);
    drop(tx);
    let mut result = Ok(());
    while let Some((_, frame, done)) = rx.recv().await {
        if let Some(done) = done {
            record.note(&done, before.done_low);
        }
        record.answered += 1;
        if result.is_ok() {
            // A client that went away stops the stream, not the work: the answers still go
            // to the store.
            result = write_frame(stream, &frame).await;
        }
    }
    *lock(&d.last_gate) = Some(record);
    result?;
    write_frame(stream, &END.to_le_bytes()).await?;
    stream.flush().await?;
    let mut rest = [0u8; 64];
    let until_closed = async { while matches!(stream.read(&mut rest).await, Ok(n) if n > 0) {} };
    let _ = tokio::time::timeout(GATE_HOLD, until_closed).await;
    Ok(())
}

/// The `daemon status` document.
fn status(d: &Daemon) -> serde_json::Value {
    let s = d.scheduler.stats();
    let bg = lock(&d.background);
    json!({
        "schema": "debtgate.daemon-status/1",
        "pid": std::process::id(),
        "version": env!("CARGO_PKG_VERSION"),
        "protocol": PROTOCOL,
        "repository": d.repo.root().display().to_string(),
        "socket": d.paths.socket.display().to_string(),
        "uptime_secs": d.started.elapsed().as_secs(),
        "idle_secs": d.idle_for().as_secs(),
        "idle_timeout_secs": d.idle.as_secs(),
        "workers": {"high": d.workers, "low": low_workers(d.workers), "low_nice": s.low_nice},
        "queue": {"high": s.queued_high, "low": s.queued_low},
        "active": {"high": s.running_high, "low": s.running_low},
        "jobs_done": {"high": s.done_high, "low": s.done_low},
        "deduplicated": s.deduplicated,
        "preemptions": s.preemptions,
        "failed": s.failed,
        "requests": d.requests.load(Ordering::Relaxed),
        "background": {
            "head": bg.head, "upstream": bg.upstream, "merge_base": bg.base,
            "passes": bg.passes, "files": bg.files,
            "done": bg.done.load(Ordering::Relaxed),
        },
        "cache": d.store().counts(),
        "last_gate": *lock(&d.last_gate),
    })
}
