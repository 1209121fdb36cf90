//! Reads any bytes as a connection's stream, from both ends: the daemon reading a request frame
//! (JSON, then each job's blob id and key), and the client reading the reply header and result
//! frames up to the end frame, each measured value decoded as the gate would use it. Every
//! result that decodes must encode back to itself, so what the client uses is what was sent.
#![no_main]

use std::io::Cursor;
use std::path::Path;

use debtgate::change::BlobId;
use debtgate::daemon::job;
use debtgate::daemon::protocol::{self, Answer, Op, Reply, Request, END};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The daemon's side: one request frame.
    let mut stream = Cursor::new(data);
    if let Ok(frame) = protocol::read_frame(&mut stream) {
        if let Ok(Request {
            op: Op::Measure {
                max_file_size,
                jobs,
            },
            ..
        }) = serde_json::from_slice::<Request>(&frame)
        {
            for (path, hex) in &jobs {
                if let Some(blob) = BlobId::from_hex(hex) {
                    let _ = job::key(blob, Path::new(path), max_file_size);
                }
            }
        }
    }

    // The client's side: the reply header, then results until the end frame.
    let mut stream = Cursor::new(data);
    let Ok(header) = protocol::read_frame(&mut stream) else {
        return;
    };
    let _ = serde_json::from_slice::<Reply>(&header);
    while let Ok(frame) = protocol::read_frame(&mut stream) {
        match protocol::decode_result(&frame) {
            Some((END, None)) => break,
            Some((index, Some(answer))) => {
                let again = protocol::encode_result(index, &answer);
                assert_eq!(
                    protocol::decode_result(&again),
                    Some((index, Some(answer.clone())))
                );
                if let Answer::Measured { value, .. } = &answer {
                    if let Some(measured) = job::from_wire(value) {
                        // Compared as text: a crafted score may be NaN, never equal to itself.
                        let again = job::from_wire(&job::to_wire(&measured));
                        assert_eq!(format!("{again:?}"), format!("{:?}", Some(measured)));
                    }
                }
            }
            Some((_, None)) => unreachable!("only the end frame has no answer"),
            None => break,
        }
    }
});
