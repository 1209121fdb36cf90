//! The priority scheduler: two queues (High for the gate, Low for background warming) served by a
//! fixed pool of worker threads, with identical jobs merged.
//!
//! - **High before Low.** High workers take only High jobs. Low workers take a Low job only when
//!   no High job is queued or running; they look between files, so a gate request waits at most
//!   for the files Low workers already hold (one each). Each time a Low worker holds back for
//!   High work it counts one preemption.
//! - **Lower OS priority for background work.** Low workers lower their own scheduling priority
//!   when they start (`nice` [`LOW_NICE`] on Linux, where it is per thread); High workers keep
//!   the process's.
//! - **No job twice at once.** Jobs carry a key (the daemon's holds everything that changes an
//!   answer: blob id, language, size limit). A job submitted while one with the same key is
//!   queued or running does not run again: its waiter joins the first and gets the same result.
//!   A High submission of a key queued at Low moves that job to the High queue.
//!
//! The scheduler knows nothing of sockets or the store: it takes a work function and calls each
//! job's waiters with the result and a completion sequence number, which is what tests and
//! `daemon status` use to show the order work was done in.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// How urgent a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    /// The gate is waiting for it.
    High,
    /// Background warming.
    Low,
}

/// The nice value Low workers give themselves (Linux).
pub const LOW_NICE: i32 = 10;

/// How a job ended, for its waiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// Completion order: 1 for the first job the scheduler finished, and so on.
    pub seq: u64,
    /// The priority the job ran at.
    pub ran_at: Priority,
    /// Low jobs finished so far, this one included when it was Low.
    pub low_done: u64,
    /// Low jobs still queued when it finished.
    pub low_queued: usize,
}

/// Called once with the job's result (`None` when the work function panicked or the job was
/// dropped from the queue).
pub type Waiter<R> = Box<dyn FnOnce(Option<&R>, Done) + Send>;

/// The work function: one job in, one result out. Runs on worker threads.
pub type Work<J, R> = Arc<dyn Fn(&J) -> R + Send + Sync>;

/// Counters and queue lengths at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub queued_high: usize,
    pub queued_low: usize,
    pub running_high: usize,
    pub running_low: usize,
    pub done_high: u64,
    pub done_low: u64,
    /// Submissions that joined a job with the same key instead of running it again.
    pub deduplicated: u64,
    /// Times a Low worker held back because High work was queued or running.
    pub preemptions: u64,
    /// Jobs whose work function panicked.
    pub failed: u64,
    /// Low jobs dropped from the queue by [`Scheduler::clear_low`].
    pub dropped: u64,
    /// The nice value Low workers read back after lowering it (`None` where not supported).
    pub low_nice: Option<i32>,
}

/// Worker counts and behaviour.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub high_workers: usize,
    pub low_workers: usize,
    /// Lower Low workers' OS priority.
    pub nice_low: bool,
    /// Start with Low work held until the first High job arrives (tests use it to make a
    /// background queue that is certainly still long when the gate asks).
    pub hold_low: bool,
}

struct Task<K, J> {
    key: K,
    job: J,
}

struct Entry<R> {
    waiters: Vec<Waiter<R>>,
    priority: Priority,
    running: bool,
}

struct State<K, J, R> {
    high: VecDeque<Task<K, J>>,
    low: VecDeque<Task<K, J>>,
    entries: HashMap<K, Entry<R>>,
    stats: Stats,
    seq: u64,
    hold_low: bool,
    /// Gate requests still in progress on the client's side ([`Scheduler::gate`]).
    gates: usize,
    stop: bool,
}

struct Shared<K, J, R> {
    state: Mutex<State<K, J, R>>,
    changed: Condvar,
    work: Work<J, R>,
}

/// A running scheduler; dropping it stops the workers after their current job.
pub struct Scheduler<K, J, R> {
    shared: Arc<Shared<K, J, R>>,
    threads: Vec<JoinHandle<()>>,
}

impl<K, J, R> Scheduler<K, J, R>
where
    K: Hash + Eq + Clone + Send + 'static,
    J: Send + 'static,
    R: Send + 'static,
{
    pub fn new(config: Config, work: Work<J, R>) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                high: VecDeque::new(),
                low: VecDeque::new(),
                entries: HashMap::new(),
                stats: Stats::default(),
                seq: 0,
                hold_low: config.hold_low,
                gates: 0,
                stop: false,
            }),
            changed: Condvar::new(),
            work,
        });
        let mut threads = Vec::new();
        for (kind, n) in [
            (Priority::High, config.high_workers.max(1)),
            (Priority::Low, config.low_workers.max(1)),
        ] {
            for i in 0..n {
                let shared = Arc::clone(&shared);
                let nice = config.nice_low && kind == Priority::Low;
                let name = format!("debtgate-{}-{i}", if nice { "low" } else { "worker" });
                let handle = std::thread::Builder::new()
                    .name(name)
                    .spawn(move || {
                        if nice {
                            let read_back = lower_thread_priority();
                            lock(&shared.state).stats.low_nice = read_back;
                        }
                        worker(&shared, kind)
                    })
                    .expect("the OS starts a worker thread");
                threads.push(handle);
            }
        }
        Scheduler { shared, threads }
    }

    /// Queues `job` under `key` at `priority`; `waiter` is called with its result. A job with the
    /// same key already queued or running is not run again.
    pub fn submit(&self, key: K, job: J, priority: Priority, waiter: Waiter<R>) {
        self.submit_all(vec![(key, job, waiter)], priority);
    }

    /// Queues several jobs at once: no worker sees the queue between them, so a gate request's
    /// jobs all wait ahead of any Low job from the start.
    pub fn submit_all(&self, jobs: Vec<(K, J, Waiter<R>)>, priority: Priority) {
        let mut st = lock(&self.shared.state);
        if priority == Priority::High && !jobs.is_empty() {
            st.hold_low = false;
        }
        for (key, job, waiter) in jobs {
            enqueue(&mut st, key, job, priority, waiter);
        }
        drop(st);
        self.shared.changed.notify_all();
    }

    /// Marks a gate request in progress until the guard is dropped: Low workers hold back
    /// meanwhile, as for queued High work, so the gate's client has the machine while it judges
    /// what it was sent, not only while its jobs run.
    pub fn gate(&self) -> GateGuard<'_, K, J, R> {
        lock(&self.shared.state).gates += 1;
        GateGuard { scheduler: self }
    }

    /// Drops every queued Low job (a new background pass replaces the old one); their waiters get
    /// `None`. Returns how many were dropped.
    pub fn clear_low(&self) -> usize {
        let mut st = lock(&self.shared.state);
        let tasks: Vec<Task<K, J>> = st.low.drain(..).collect();
        let mut waiters = Vec::new();
        for t in &tasks {
            if let Some(e) = st.entries.remove(&t.key) {
                waiters.extend(e.waiters);
            }
        }
        st.stats.dropped += tasks.len() as u64;
        let done = Done {
            seq: st.seq,
            ran_at: Priority::Low,
            low_done: st.stats.done_low,
            low_queued: 0,
        };
        drop(st);
        for w in waiters {
            w(None, done);
        }
        tasks.len()
    }

    pub fn stats(&self) -> Stats {
        let st = lock(&self.shared.state);
        let mut s = st.stats.clone();
        s.queued_high = st.high.len();
        s.queued_low = st.low.len();
        s
    }

    /// Blocks until nothing is queued or running.
    pub fn wait_idle(&self) {
        let mut st = lock(&self.shared.state);
        while !st.entries.is_empty() && !st.stop {
            st = self
                .shared
                .changed
                .wait(st)
                .unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Whether nothing is queued or running.
    pub fn is_idle(&self) -> bool {
        lock(&self.shared.state).entries.is_empty()
    }
}

/// See [`Scheduler::gate`].
pub struct GateGuard<'a, K, J, R> {
    scheduler: &'a Scheduler<K, J, R>,
}

impl<K, J, R> Drop for GateGuard<'_, K, J, R> {
    fn drop(&mut self) {
        lock(&self.scheduler.shared.state).gates -= 1;
        self.scheduler.shared.changed.notify_all();
    }
}

impl<K, J, R> Drop for Scheduler<K, J, R> {
    fn drop(&mut self) {
        lock(&self.shared.state).stop = true;
        self.shared.changed.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn enqueue<K: Hash + Eq + Clone, J, R>(
    st: &mut State<K, J, R>,
    key: K,
    job: J,
    priority: Priority,
    waiter: Waiter<R>,
) {
    if let Some(entry) = st.entries.get_mut(&key) {
        entry.waiters.push(waiter);
        let promote = priority == Priority::High && entry.priority == Priority::Low;
        let queued = !entry.running;
        if promote {
            entry.priority = Priority::High;
        }
        st.stats.deduplicated += 1;
        if promote && queued {
            if let Some(at) = st.low.iter().position(|t| t.key == key) {
                let task = st.low.remove(at).expect("the position was just found");
                st.high.push_back(task);
            }
        }
        return;
    }
    st.entries.insert(
        key.clone(),
        Entry {
            waiters: vec![waiter],
            priority,
            running: false,
        },
    );
    let task = Task { key, job };
    match priority {
        Priority::High => st.high.push_back(task),
        Priority::Low => st.low.push_back(task),
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The next task a worker of `kind` may run, waiting for one; `None` when stopping.
fn next_task<K: Hash + Eq, J, R>(
    shared: &Shared<K, J, R>,
    kind: Priority,
) -> Option<(Task<K, J>, Priority)> {
    let mut st = lock(&shared.state);
    let mut held_back = false;
    loop {
        if st.stop {
            return None;
        }
        let high_busy = !st.high.is_empty() || st.stats.running_high > 0 || st.gates > 0;
        let task = match kind {
            Priority::High => st.high.pop_front(),
            Priority::Low if high_busy || st.hold_low => {
                if high_busy && !held_back && !st.low.is_empty() {
                    held_back = true;
                    st.stats.preemptions += 1;
                }
                None
            }
            Priority::Low => st.low.pop_front(),
        };
        if let Some(task) = task {
            let entry = st
                .entries
                .get_mut(&task.key)
                .expect("a queued task has an entry");
            entry.running = true;
            let ran_at = entry.priority;
            match kind {
                Priority::High => st.stats.running_high += 1,
                Priority::Low => st.stats.running_low += 1,
            }
            return Some((task, ran_at));
        }
        st = shared.changed.wait(st).unwrap_or_else(|p| p.into_inner());
    }
}

fn worker<K: Hash + Eq, J, R>(shared: &Shared<K, J, R>, kind: Priority) {
    while let Some((task, ran_at)) = next_task(shared, kind) {
        let work = &shared.work;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&task.job)));
        let mut st = lock(&shared.state);
        match kind {
            Priority::High => st.stats.running_high -= 1,
            Priority::Low => st.stats.running_low -= 1,
        }
        match ran_at {
            Priority::High => st.stats.done_high += 1,
            Priority::Low => st.stats.done_low += 1,
        }
        if result.is_err() {
            st.stats.failed += 1;
        }
        st.seq += 1;
        let done = Done {
            seq: st.seq,
            ran_at,
            low_done: st.stats.done_low,
            low_queued: st.low.len(),
        };
        // The entry stays until its waiters have been called, so that `wait_idle` returns only
        // after them; a waiter that joins meanwhile is served the same result.
        loop {
            let waiters = match st.entries.get_mut(&task.key) {
                Some(e) if !e.waiters.is_empty() => std::mem::take(&mut e.waiters),
                _ => break,
            };
            drop(st);
            for w in waiters {
                w(result.as_ref().ok(), done);
            }
            st = lock(&shared.state);
        }
        st.entries.remove(&task.key);
        drop(st);
        shared.changed.notify_all();
    }
}

/// Lowers the calling thread's scheduling priority and reads it back. On Linux the nice value is
/// per thread; elsewhere `setpriority` would lower the whole process, so nothing is done.
#[cfg(target_os = "linux")]
fn lower_thread_priority() -> Option<i32> {
    // SAFETY: plain syscalls on the calling thread; no memory is shared with the kernel.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        if libc::setpriority(libc::PRIO_PROCESS, tid, LOW_NICE) != 0 {
            return None;
        }
        // getpriority can legitimately return -1; clear errno first to tell the cases apart.
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, tid);
        (*libc::__errno_location() == 0).then_some(nice)
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_thread_priority() -> Option<i32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    type Log = Arc<Mutex<Vec<(String, u64)>>>;

    /// A scheduler whose jobs are names; a job named `block` waits until `release` is sent.
    fn scheduler(
        high: usize,
        low: usize,
    ) -> (Scheduler<String, String, String>, mpsc::Sender<()>, Log) {
        let (release, gate) = mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let work: Work<String, String> = Arc::new(move |job: &String| {
            if job.starts_with("block") {
                let _ = lock(&gate).recv();
            }
            if job == "panic" {
                panic!("a job that fails");
            }
            format!("done {job}")
        });
        let config = Config {
            high_workers: high,
            low_workers: low,
            nice_low: false,
            hold_low: false,
        };
        (
            Scheduler::new(config, work),
            release,
            Arc::new(Mutex::new(Vec::new())),
        )
    }

    fn record(log: &Log, name: &str) -> Waiter<String> {
        let (log, name) = (Arc::clone(log), name.to_string());
        Box::new(move |r: Option<&String>, done: Done| {
            let tag = if r.is_some() {
                name
            } else {
                format!("{name}!")
            };
            lock(&log).push((tag, done.seq));
        })
    }

    fn seq_of(log: &Log, name: &str) -> u64 {
        lock(log)
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} never completed"))
            .1
    }

    #[test]
    fn high_jobs_finish_before_the_remaining_background_queue() {
        let (s, release, log) = scheduler(1, 1);
        // The Low worker holds `block-low` while the test queues everything else.
        s.submit(
            "b0".into(),
            "block-low".into(),
            Priority::Low,
            record(&log, "b0"),
        );
        for i in 1..=50 {
            let n = format!("b{i}");
            s.submit(n.clone(), n.clone(), Priority::Low, record(&log, &n));
        }
        for i in 0..5 {
            let n = format!("g{i}");
            s.submit(n.clone(), n.clone(), Priority::High, record(&log, &n));
        }
        s.wait_until(|st| st.done_high == 5);
        release.send(()).expect("the blocked job waits");
        s.wait_idle();
        let last_gate = (0..5).map(|i| seq_of(&log, &format!("g{i}"))).max();
        let first_remaining_low = (1..=50).map(|i| seq_of(&log, &format!("b{i}"))).min();
        assert!(last_gate < first_remaining_low, "{:?}", lock(&log));
        let stats = s.stats();
        assert_eq!((stats.done_high, stats.done_low), (5, 51));
    }

    #[test]
    fn low_workers_hold_back_while_high_work_runs() {
        let (s, release, log) = scheduler(1, 2);
        s.submit(
            "g".into(),
            "block-g".into(),
            Priority::High,
            record(&log, "g"),
        );
        s.wait_until(|st| st.running_high == 1);
        for i in 0..10 {
            let n = format!("b{i}");
            s.submit(n.clone(), n.clone(), Priority::Low, record(&log, &n));
        }
        // The Low workers wake for the new jobs, see the gate's job running and hold back
        // (counted once each); nothing of the background runs while the gate's job does.
        s.wait_until(|st| st.preemptions >= 1);
        assert_eq!(s.stats().done_low, 0);
        assert_eq!(s.stats().queued_low, 10);
        release.send(()).expect("the blocked job waits");
        s.wait_idle();
        assert_eq!(seq_of(&log, "g"), 1);
        assert!(s.stats().preemptions <= 2, "once per Low worker");
    }

    #[test]
    fn identical_jobs_run_once_and_every_waiter_gets_the_result() {
        let (s, release, log) = scheduler(1, 1);
        s.submit(
            "x".into(),
            "block-x".into(),
            Priority::High,
            record(&log, "x1"),
        );
        s.wait_until(|st| st.running_high == 1);
        s.submit(
            "x".into(),
            "block-x".into(),
            Priority::High,
            record(&log, "x2"),
        );
        s.submit(
            "x".into(),
            "block-x".into(),
            Priority::Low,
            record(&log, "x3"),
        );
        release.send(()).expect("the blocked job waits");
        s.wait_idle();
        let stats = s.stats();
        assert_eq!(stats.done_high + stats.done_low, 1, "{stats:?}");
        assert_eq!(stats.deduplicated, 2);
        let seqs: Vec<u64> = ["x1", "x2", "x3"].iter().map(|n| seq_of(&log, n)).collect();
        assert_eq!(seqs, vec![1, 1, 1]);
    }

    #[test]
    fn a_high_request_for_a_queued_background_job_moves_it_ahead() {
        let (s, release, log) = scheduler(1, 1);
        s.submit(
            "b0".into(),
            "block-0".into(),
            Priority::Low,
            record(&log, "b0"),
        );
        s.wait_until(|st| st.running_low == 1);
        for i in 1..=20 {
            let n = format!("b{i}");
            s.submit(n.clone(), n.clone(), Priority::Low, record(&log, &n));
        }
        s.submit(
            "b20".into(),
            "b20".into(),
            Priority::High,
            record(&log, "gate"),
        );
        s.wait_until(|st| st.done_high == 1);
        release.send(()).expect("the blocked job waits");
        s.wait_idle();
        assert_eq!(seq_of(&log, "gate"), seq_of(&log, "b20"));
        assert!(seq_of(&log, "b20") < seq_of(&log, "b1"));
        assert_eq!(s.stats().done_high + s.stats().done_low, 21);
    }

    #[test]
    fn a_panicking_job_is_a_failure_for_its_waiters_only() {
        let (s, _release, log) = scheduler(1, 1);
        s.submit(
            "p".into(),
            "panic".into(),
            Priority::High,
            record(&log, "p"),
        );
        s.submit("ok".into(), "ok".into(), Priority::High, record(&log, "ok"));
        s.wait_idle();
        assert_eq!(s.stats().failed, 1);
        let names: Vec<String> = lock(&log).iter().map(|(n, _)| n.clone()).collect();
        assert!(names.contains(&"p!".to_string()) && names.contains(&"ok".to_string()));
    }

    #[test]
    fn an_open_gate_holds_the_background_until_it_closes() {
        let (s, _release, log) = scheduler(1, 1);
        let gate = s.gate();
        for i in 0..3 {
            let n = format!("b{i}");
            s.submit(n.clone(), n.clone(), Priority::Low, record(&log, &n));
        }
        s.submit("g".into(), "g".into(), Priority::High, record(&log, "g"));
        s.wait_until(|st| st.done_high == 1 && st.preemptions == 1);
        // The gate's job is done, but its client is still at work: nothing of the background.
        assert_eq!(s.stats().done_low, 0);
        drop(gate);
        s.wait_idle();
        assert_eq!(s.stats().done_low, 3);
        assert_eq!(seq_of(&log, "g"), 1);
    }

    #[test]
    fn held_background_starts_only_after_the_first_gate_job() {
        let work: Work<String, String> = Arc::new(|j: &String| j.clone());
        let config = Config {
            high_workers: 1,
            low_workers: 1,
            nice_low: false,
            hold_low: true,
        };
        let s: Scheduler<String, String, String> = Scheduler::new(config, work);
        let log: Log = Arc::new(Mutex::new(Vec::new()));
        for i in 0..5 {
            let n = format!("b{i}");
            s.submit(n.clone(), n.clone(), Priority::Low, record(&log, &n));
        }
        assert!(!s.is_idle());
        assert_eq!(s.stats().queued_low, 5);
        s.submit("g".into(), "g".into(), Priority::High, record(&log, "g"));
        s.wait_idle();
        assert_eq!(seq_of(&log, "g"), 1);
    }

    #[test]
    fn clearing_the_background_queue_tells_its_waiters() {
        let (s, release, log) = scheduler(1, 1);
        s.submit(
            "b0".into(),
            "block-0".into(),
            Priority::Low,
            record(&log, "b0"),
        );
        s.wait_until(|st| st.running_low == 1);
        for i in 1..=3 {
            let n = format!("b{i}");
            s.submit(n.clone(), n.clone(), Priority::Low, record(&log, &n));
        }
        assert_eq!(s.clear_low(), 3);
        release.send(()).expect("the blocked job waits");
        s.wait_idle();
        assert!(lock(&log).iter().any(|(n, _)| n == "b1!"));
        assert_eq!(s.stats().dropped, 3);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn low_workers_run_at_a_lower_os_priority() {
        let work: Work<u8, u8> = Arc::new(|j: &u8| *j);
        let config = Config {
            high_workers: 1,
            low_workers: 1,
            nice_low: true,
            hold_low: false,
        };
        let s: Scheduler<u8, u8, u8> = Scheduler::new(config, work);
        s.submit(1, 1, Priority::Low, Box::new(|_, _| {}));
        s.wait_idle();
        s.wait_until(|st| st.low_nice.is_some());
        assert!(s.stats().low_nice >= Some(LOW_NICE));
    }

    impl<K, J, R> Scheduler<K, J, R>
    where
        K: Hash + Eq + Clone + Send + 'static,
        J: Send + 'static,
        R: Send + 'static,
    {
        /// Waits (without a timeout: a bug shows as a hung test) until `f` holds.
        fn wait_until(&self, f: impl Fn(&Stats) -> bool) {
            loop {
                if f(&self.stats()) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    }
}
