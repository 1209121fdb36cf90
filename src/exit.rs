//! Typed exit status. Other tools read these numbers, so they are a contract (DESIGN.md):
//! 0 the gate passed (or analysis ran), 1 the gate failed, 2 usage, config or tool error.
//!
//! Nothing that happens to stdout changes them. A reader that stops reading early (`debtgate
//! check | head -1`) closes the pipe; every command writes its report through [`stdout`], which
//! from then on drops what is written instead of failing, so the command goes on (a check still
//! flushes its store and publishes) and ends with the status its work decided. `main` therefore
//! never has to guess a status from a broken pipe: an `EPIPE` that does reach it came from
//! somewhere else (a socket, a child process) and is a tool error like any other.
//! Messages on stderr go through `note!` (lib.rs), which a closed stderr cannot stop either.

use std::io::{self, Write};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Pass = 0,
    Fail = 1,
    Error = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

/// A writer that a closed reader ends quietly: once a write fails with `BrokenPipe`, it and every
/// later write succeed without writing anything. Other errors (a full disk behind a redirect)
/// stay errors.
#[derive(Debug)]
pub struct Quiet<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Quiet<W> {
    pub fn new(inner: W) -> Quiet<W> {
        Quiet {
            inner,
            closed: false,
        }
    }

    /// Whether the reader has gone (what was written since went nowhere).
    pub fn closed(&self) -> bool {
        self.closed
    }

    /// `Ok` in place of a broken pipe, remembering it.
    fn unless_closed<T>(&mut self, result: io::Result<T>, instead: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(instead)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.unless_closed(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.unless_closed(result, ())
    }
}

/// Stdout, locked, for a report: see [`Quiet`].
pub fn stdout() -> Quiet<io::StdoutLock<'static>> {
    Quiet::new(io::stdout().lock())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `room` bytes, then fails as a closed pipe does.
    struct Pipe {
        room: usize,
        got: Vec<u8>,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from(io::ErrorKind::BrokenPipe));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_reader_ends_the_writing_not_the_run() {
        let mut w = Quiet::new(Pipe {
            room: 4,
            got: Vec::new(),
        });
        w.write_all(b"FAIL\nmore lines")
            .expect("no error reaches the writer");
        writeln!(w, "and more").expect("still no error");
        w.flush().expect("flushing a closed pipe is no error");
        assert!(w.closed());
        assert_eq!(w.inner.got, b"FAIL");
    }

    #[test]
    fn other_errors_stay_errors() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("no space left on device"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut w = Quiet::new(Full);
        assert!(w.write_all(b"x").is_err());
        assert!(!w.closed());
    }
}
