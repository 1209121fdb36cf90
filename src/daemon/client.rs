//! The client side of the socket: `check`'s measurement requests and the `daemon` commands'
//! status and stop requests. It never waits long: connecting gives up after [`CONNECT_WAIT`], the
//! reply header after [`REPLY_WAIT`], and a measurement stream after [`RESULT_WAIT`] without a
//! result; the caller then carries on in-process.

use std::io::ErrorKind;
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::time::Duration;

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
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unavailable::NotRunning => f.write_str("no daemon is running"),
            Unavailable::Stale => f.write_str("the daemon's socket is stale (no daemon listens)"),
            Unavailable::Failed(why) => f.write_str(why),
        }
    }
}

/// Connects, waiting at most [`CONNECT_WAIT`], to a daemon of this user only: the socket and its
/// directories must be private to this user, and so must the process that answers
/// (`socket.rs`).
fn connect(paths: &DaemonPaths) -> Result<UnixStream, Unavailable> {
    let paths = &paths.refreshed();
    if !paths.socket.exists() {
        return Err(Unavailable::NotRunning);
    }
    socket::check(paths)
        .map_err(|why| Unavailable::Failed(format!("refusing its socket: {why}")))?;
    let stream = connect_within(paths)?;
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

fn connect_within(paths: &DaemonPaths) -> Result<UnixStream, Unavailable> {
    let (tx, rx) = mpsc::channel();
    let socket = paths.socket.clone();
    std::thread::spawn(move || {
        let _ = tx.send(UnixStream::connect(&socket));
    });
    match rx.recv_timeout(CONNECT_WAIT) {
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) if matches!(e.kind(), ErrorKind::ConnectionRefused | ErrorKind::NotFound) => {
            Err(Unavailable::Stale)
        }
        Ok(Err(e)) => Err(Unavailable::Failed(format!(
            "cannot connect to the daemon: {e}"
        ))),
        Err(_) => Err(Unavailable::Failed(format!(
            "the daemon did not accept a connection within {} ms",
            CONNECT_WAIT.as_millis()
        ))),
    }
}

/// Sends `op` and reads the reply header; the stream stays open for what follows.
pub fn request(paths: &DaemonPaths, op: Op) -> Result<(Reply, UnixStream), Unavailable> {
    let mut stream = connect(paths)?;
    let fail = |what: &str, e: std::io::Error| {
        let why = if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) {
            format!(
                "the daemon did not answer within {} ms",
                REPLY_WAIT.as_millis()
            )
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
        .set_write_timeout(Some(REPLY_WAIT))
        .and_then(|_| stream.set_read_timeout(Some(REPLY_WAIT)))
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
    /// The connection, open: the daemon keeps its background work waiting until it is closed,
    /// so keep it while the check runs.
    pub connection: UnixStream,
}

/// Measures `jobs` in the daemon at High priority.
pub fn measure(paths: &DaemonPaths, jobs: &[Job]) -> Result<Measurement, Unavailable> {
    let max_file_size = jobs.first().map_or(0, |j| j.max_file_size);
    let op = Op::Measure {
        max_file_size,
        jobs: jobs
            .iter()
            .map(|j| (j.path.clone(), j.blob.to_hex()))
            .collect(),
    };
    let (_, mut stream) = request(paths, op)?;
    let mut answers: Vec<Option<Answer>> = vec![None; jobs.len()];
    let broke_off = read_answers(&mut stream, &mut answers).err();
    Ok(Measurement {
        answers,
        broke_off,
        connection: stream,
    })
}

/// Reads result frames into `answers` until the end frame; `Err` says why it stopped early.
fn read_answers(stream: &mut UnixStream, answers: &mut [Option<Answer>]) -> Result<(), String> {
    stream
        .set_read_timeout(Some(RESULT_WAIT))
        .map_err(|e| format!("cannot set a read timeout: {e}"))?;
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
