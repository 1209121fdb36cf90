//! What the client and the daemon say to each other over the socket.
//!
//! Every message is a frame: a 4-byte big-endian length, then that many bytes (at most
//! [`MAX_FRAME`]). A connection carries one request: the client's [`Request`] (JSON), the
//! daemon's [`Reply`] header (JSON), and for a measurement, one binary result frame per job as
//! each finishes (in completion order, not request order), then an end frame. A request whose
//! `protocol` or analyser `fingerprint` differs from the daemon's is refused, so a client never
//! uses measurements another build would not have made.

use serde::{Deserialize, Serialize};

use crate::store::Served;

/// Bump when any message changes shape.
pub const PROTOCOL: u32 = 1;

/// The largest frame either side accepts (a whole-tree job list of a very large repository fits).
pub const MAX_FRAME: u32 = 64 * 1024 * 1024;

/// A client's request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub protocol: u32,
    /// The analyser fingerprint (hex) of the client's build.
    pub fingerprint: String,
    #[serde(flatten)]
    pub op: Op,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    Status,
    Stop,
    /// Measure these `(path, blob id)` pairs at High priority.
    Measure {
        max_file_size: u64,
        jobs: Vec<(String, String)>,
    },
}

/// The daemon's answer header.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub ok: bool,
    pub pid: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_json::Value>,
}

/// This build's analyser fingerprint, as requests carry it.
pub fn fingerprint() -> String {
    crate::store::key::fingerprint()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The index of the end frame.
pub const END: u32 = u32::MAX;
const SKIPPED: u8 = 255;

/// One job's result as it travels.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Measured (or found in the daemon's store): see [`super::job::to_wire`].
    Measured {
        served: Served,
        value: Vec<u8>,
    },
    Skipped(String),
}

/// Encodes result frame `index`: the index (u32, little-endian), the tier that served it (or
/// 255 for skipped), then the value (or the reason).
pub fn encode_result(index: u32, result: &Answer) -> Vec<u8> {
    let mut out = index.to_le_bytes().to_vec();
    match result {
        Answer::Measured { served, value } => {
            let s = Served::ALL.iter().position(|x| x == served).unwrap_or(3);
            out.push(s as u8);
            out.extend_from_slice(value);
        }
        Answer::Skipped(reason) => {
            out.push(SKIPPED);
            out.extend_from_slice(reason.as_bytes());
        }
    }
    out
}

/// Decodes a result frame: `(index, result)`; `(END, None)` for the end frame; `None` for
/// anything malformed.
pub fn decode_result(frame: &[u8]) -> Option<(u32, Option<Answer>)> {
    let index = u32::from_le_bytes(frame.get(..4)?.try_into().ok()?);
    if index == END {
        return Some((END, None));
    }
    let (&s, value) = frame.get(4..)?.split_first()?;
    if s == SKIPPED {
        let reason = String::from_utf8_lossy(value).into_owned();
        return Some((index, Some(Answer::Skipped(reason))));
    }
    let served = *Served::ALL.get(s as usize)?;
    let value = value.to_vec();
    Some((index, Some(Answer::Measured { served, value })))
}

/// Reads one frame from a blocking stream.
pub fn read_frame(r: &mut impl std::io::Read) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len);
    if len > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit"),
        ));
    }
    let mut buf = vec![0; len as usize];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

/// Writes one frame to a blocking stream.
pub fn write_frame(w: &mut impl std::io::Write, payload: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|l| *l <= MAX_FRAME)
        .ok_or_else(|| std::io::Error::other("message too large"))?;
    let mut buf = Vec::with_capacity(payload.len() + 4);
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(payload);
    w.write_all(&buf)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_round_trip_and_garbage_is_rejected() {
        let r = Answer::Measured {
            served: Served::Warm,
            value: vec![1, 2, 3],
        };
        assert_eq!(decode_result(&encode_result(7, &r)), Some((7, Some(r))));
        let s = Answer::Skipped("binary".into());
        assert_eq!(decode_result(&encode_result(0, &s)), Some((0, Some(s))));
        assert_eq!(decode_result(&END.to_le_bytes()), Some((END, None)));
        assert_eq!(decode_result(&[1, 2]), None);
        assert_eq!(decode_result(&[0, 0, 0, 0, 9, 0]), None);
        assert_eq!(decode_result(&[0, 0, 0, 0]), None);
    }

    #[test]
    fn requests_are_tagged_json() {
        let r = Request {
            protocol: PROTOCOL,
            fingerprint: "ab".into(),
            op: Op::Measure {
                max_file_size: 10,
                jobs: vec![("a.rs".into(), "00".into())],
            },
        };
        let text = serde_json::to_string(&r).unwrap();
        assert!(text.contains(r#""op":"measure""#), "{text}");
        let back: Request = serde_json::from_str(&text).unwrap();
        assert!(matches!(back.op, Op::Measure { .. }));
        let mut buf = Vec::new();
        write_frame(&mut buf, b"hello").unwrap();
        assert_eq!(read_frame(&mut buf.as_slice()).unwrap(), b"hello");
        let huge = (MAX_FRAME + 1).to_be_bytes();
        assert!(read_frame(&mut huge.as_slice()).is_err());
    }
}
