//! `--format json`: the `debtgate.report/1` document (DESIGN.md), pretty-printed, one per run; and
//! [`parse`], which reads it back into the same [`Report`] (`debtgate publish --report FILE`
//! publishes a check that ran in an earlier step). Reading accepts only this schema id, and
//! fields added later default, so a newer writer's extras are ignored, never misread.

use std::io::{self, Write};

use serde::Deserialize;

use super::{Report, SCHEMA};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // Through a buffer: serde_json's many small writes through `dyn Write` cost more than a copy,
    // and a whole document in memory first would be tens of megabytes for 50,000 files.
    let mut buffered = io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, report)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// A report document that cannot be read back.
#[derive(Debug, thiserror::Error)]
#[error("not a debtgate report (`debtgate check --format json` or `--output json=FILE` writes one): {0}")]
pub struct ReadError(String);

/// Reads a `debtgate.report/1` document.
pub fn parse(bytes: &[u8]) -> Result<Report, ReadError> {
    serde_json::from_slice(bytes).map_err(|e| ReadError(e.to_string()))
}

/// The schema id, which must be this one.
pub(super) fn schema<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let id = String::deserialize(d)?;
    if id == SCHEMA {
        Ok(SCHEMA)
    } else {
        Err(serde::de::Error::custom(format!(
            "schema `{id}`, this debtgate reads `{SCHEMA}`"
        )))
    }
}

/// A file's change status, one of the names `change/` gives.
pub(super) fn status<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<&'static str>, D::Error> {
    const STATUSES: [&str; 4] = ["added", "modified", "renamed", "deleted"];
    let Some(name) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    STATUSES
        .into_iter()
        .find(|s| *s == name)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown file status `{name}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_schemas_and_other_json_are_refused_with_the_reason() {
        let err = parse(br#"{"schema": "debtgate.report/9"}"#).expect_err("a newer schema");
        assert!(err.to_string().contains("debtgate.report/9"), "{err}");
        let err = parse(b"[1, 2]").expect_err("not a report");
        assert!(
            err.to_string().starts_with("not a debtgate report"),
            "{err}"
        );
    }
}
