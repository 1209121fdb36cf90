//! `--format json`: the `debtgate.report/1` document (DESIGN.md), pretty-printed, one per run.

use std::io::{self, Write};

use super::Report;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
