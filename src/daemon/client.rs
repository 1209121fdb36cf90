//! The client side of the socket: `check`'s measurement requests and the `daemon` commands'
//! status and stop requests. It never waits long: connecting gives up after [`CONNECT_WAIT`], the
//! reply header after [`REPLY_WAIT`], and a measurement stream after [`RESULT_WAIT`] without a
//! result; the caller then carries on in-process. A measurement request under a time budget
//! also ends at the budget's deadline, whatever it has received by then: the budget bounds the
//! request as a whole, not only the waits between answers.

use std::io::{ErrorKind, Read};
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::job::Job;
use super::protocol::{self, Answer, Op, Reply, Request, END, PROTOCOL};
use super::{socket, DaemonPaths};

pub const CONNECT_WAIT: Duration = Duration::from_millis(500);
pub const REPLY_WAIT: Duration = Duration::from_millis(1000);
pub const RESULT_WAIT: Duration = Duration::from_secs(5);

/// Why no daemon answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// No socket: no daemon was started (or it exited cleanly).
    NotRunning,
    /// A socket nobody listens on: the daemon crashed or was killed.
    Stale,
    /// Something answered, or hung, but not as a usable daemon; the text says what.
    Failed(String),
    /// The time budget ran out before the daemon could be asked.
    OutOfTime,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NotRunning => f.write_str("no daemon is running"),
            Unavailable::Stale => f.write_str("the daemon's socket is stale (no daemon listens)"),
            Unavailable::Failed(why) => f.write_str(why),
            Unavailable::OutOfTime => f.write_str("the time budget ran out"),
        }
    }
}

/// Connects, waiting at most [`CONNECT_WAIT`], to a daemon of this user only: the socket and its
/// directories must be private to this user, and so must the process that answers
/// (`socket.rs`).
fn connect(paths: &DaemonPaths, deadline: Option<Instant>) -> Result<UnixStream, Unavailable> {
    let paths = &paths.refreshed();
    if !paths.socket.exists() {
        return Err(Unavailable::NotRunning);
    }
    socket::check(paths)
        .map_err(|why| Unavailable::Failed(format!("refusing its socket: {why}")))?;
    let stream = connect_within(paths, within(CONNECT_WAIT, deadline)?)?;
    match socket::peer_uid(&stream) {
        Ok(uid) if uid == socket::euid() => Ok(stream),
        Ok(uid) => Err(Unavailable::Failed(format!(
            "refusing its socket: {} is answered by a process of uid {uid}, not of uid {}",
            paths.socket.display(),
            socket::euid()
        ))),
        Err(e) => Err(Unavailable::Failed(format!(
            "refusing its socket: cannot tell who answers on {}: {e}",
            paths.socket.display()
        ))),
    }
}

/// `wait`, or less when the deadline comes first; [`Unavailable::OutOfTime`] when it has come.
fn within(wait: Duration, deadline: Option<Instant>) -> Result<Duration, Unavailable> {
    let Some(deadline) = deadline else {
        return Ok(wait);
    };
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(Unavailable::OutOfTime);
    }
    Ok(wait.min(left))
}

fn connect_within(paths: &DaemonPaths, wait: Duration) -> Result<UnixStream, Unavailable> {
    let (tx, rx) = mpsc::channel();
    let socket = paths.socket.clone();
    std::thread::spawn(move || {
        let _ = tx.send(UnixStream::connect(&socket));
    });
    match rx.recv_timeout(wait) {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) if matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::NotFound) => {
            Err(Unavailable::Stale)
        }
        Ok(Err(e)) => Err(Unavailable::Failed(format!(
            "cannot connect to the daemon: {e}"
        ))),
        Err(_) => Err(Unavailable::Failed(format!(
            "the daemon did not accept a connection within {} ms",
            wait.as_millis()
        ))),
    }
}

/// Sends `op` and reads the reply header; the stream stays open for what follows.
pub fn request(paths: &DaemonPaths, op: Op) -> Result<(Reply, UnixStream), Unavailable> {
    request_by(paths, op, None)
}

/// [`request`], giving up at `deadline` too.
fn request_by(
    paths: &DaemonPaths,
    op: Op,
    deadline: Option<Instant>,
) -> Result<(Reply, UnixStream), Unavailable> {
    let mut stream = connect(paths, deadline)?;
    let wait = within(REPLY_WAIT, deadline)?;
    let fail = |what: &str, e: std::io::Error| {
        let why = if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Unavailable::OutOfTime;
            }
            format!("the daemon did not answer within {} ms", wait.as_millis())
        } else {
            format!("{what} the daemon: {e}")
        };
        Unavailable::Failed(why)
    };
    let req = Request {
        protocol: PROTOCOL,
        fingerprint: protocol::fingerprint(),
        op,
    };
    let body = serde_json::to_vec(&req).expect("a request serialises");
    stream
        .set_write_timeout(Some(wait))
        .and_then(|_| stream.set_read_timeout(Some(wait)))
        .map_err(|e| fail("configuring the connection to", e))?;
    protocol::write_frame(&mut stream, &body).map_err(|e| fail("writing to", e))?;
    let header = protocol::read_frame(&mut stream).map_err(|e| fail("reading from", e))?;
    let reply: Reply = serde_json::from_slice(&header)
        .map_err(|e| Unavailable::Failed(format!("the daemon's reply is not understood: {e}")))?;
    if !reply.ok {
        let why = reply.error.unwrap_or_else(|| "refused".into());
        return Err(Unavailable::Failed(format!("the daemon refused: {why}")));
    }
    Ok((reply, stream))
}

/// What a measurement request brought back.
pub struct Measurement {
    /// By job index.
    pub answers: Vec<Option<Answer>>,
    /// Why the stream broke off, when it did; the caller measures the rest itself.
    pub broke_off: Option<String>,
    /// The deadline ended the stream: what was answered by then is all there is.
    pub out_of_time: bool,
    /// The connection, open: the daemon keeps its background work waiting until it is closed,
    /// so keep it while the check runs.
    pub connection: UnixStream,
}

/// Measures `jobs` in the daemon at High priority, in their order (put the riskiest first), taking
/// what has come back by `deadline` (the check's time budget) when there is one.
pub fn measure(
    paths: &DaemonPaths,
    jobs: &[Job],
    deadline: Option<Instant>,
) -> Result<Measurement, Unavailable> {
    let max_file_size = jobs.first().map_or(0, |j| j.max_file_size);
    let op = Op::Measure {
        max_file_size,
        jobs: jobs
            .iter()
            .map(|j| (j.path.clone(), j.blob.to_hex()))
            .collect(),
    };
    let (_, mut stream) = request_by(paths, op, deadline)?;
    let mut answers: Vec<Option<Answer>> = vec![None; jobs.len()];
    let mut reader = Deadlined {
        stream: &mut stream,
        deadline,
    };
    let broke_off = read_answers(&mut reader, &mut answers).err();
    let out_of_time = broke_off.is_some() && deadline.is_some_and(|d| Instant::now() >= d);
    Ok(Measurement {
        answers,
        broke_off: broke_off.filter(|_| !out_of_time),
        out_of_time,
        connection: stream,
    })
}

/// The stream, each read waiting at most [`RESULT_WAIT`] and never past the deadline, so that
/// neither a silent daemon nor a slow one holds the check longer than its budget.
struct Deadlined<'a> {
    stream: &'a mut UnixStream,
    deadline: Option<Instant>,
}

impl Read for Deadlined<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let wait = within(RESULT_WAIT, self.deadline)
            .map_err(|_| std::io::Error::from(ErrorKind::TimedOut))?;
        self.stream.set_read_timeout(Some(wait))?;
        self.stream.read(buf)
    }
}

/// Reads result frames into `answers` until the end frame; `Err` says why it stopped early.
fn read_answers(stream: &mut impl Read, answers: &mut [Option<Answer>]) -> Result<(), String> {
    loop {
        let frame = protocol::read_frame(stream).map_err(|e| match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                format!("the daemon sent nothing for {} s", RESULT_WAIT.as_secs())
            }
            _ => format!("the daemon's answer broke off: {e}"),
        })?;
        match protocol::decode_result(&frame) {
            Some((END, None)) => return Ok(()),
            Some((i, answer)) if (i as usize) < answers.len() => answers[i as usize] = answer,
            _ => return Err("the daemon sent a malformed result".into()),
        }
    }
}

/// The daemon's status document.
pub fn status(paths: &DaemonPaths) -> Result<Reply, Unavailable> {
    request(paths, Op::Status).map(|(reply, _)| reply)
}

/// Asks the daemon to exit; returns its pid.
pub fn stop(paths: &DaemonPaths) -> Result<u32, Unavailable> {
    request(paths, Op::Stop).map(|(reply, _)| reply.pid)
}
