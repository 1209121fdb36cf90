//! What every command that prints a report shares: `--format` and `--output FORMAT=PATH` on the
//! command line, and writing the report to stdout and to files. The formats and their renderers
//! are `report/`'s ([`Format`], [`render`](crate::report::render)); this file only names them for
//! clap.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::builder::PossibleValue;
use clap::ValueEnum;

use crate::exit::Quiet;
use crate::report::{self, render_as, Detail, Format};

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()).help(self.help()))
    }
}

/// One `--output FORMAT=PATH`.
#[derive(Debug, Clone)]
pub struct Output {
    pub format: Format,
    pub path: PathBuf,
}

pub(crate) fn parse_output(arg: &str) -> Result<Output, String> {
    let (format, path) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}` is not FORMAT=PATH"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{format}` (one of: {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("`{arg}` names no file"));
    }
    Ok(Output {
        format,
        path: PathBuf::from(path),
    })
}

/// Writes `report` to stdout in `format`.
pub(crate) fn write_report(
    report: &report::Report,
    format: Format,
    detail: Detail,
) -> io::Result<()> {
    // Buffered: renderers make many small writes, and stdout through anstream is not buffered
    // (on a warm whole-tree run that was a sixth of the time). Streamed through the buffer, not
    // rendered whole first: a report of 50,000 files is tens of megabytes of JSON. A reader that
    // closes stdout early ends the writing, not the run (`exit::Quiet`): the check still
    // publishes and exits with its verdict.
    let stdout = io::stdout();
    if format.is_json() {
        // JSON escapes every control character, so there is nothing to strip; scanning a
        // whole-tree report for escape sequences cost a seventh of a warm run.
        let mut out = io::BufWriter::with_capacity(64 * 1024, Quiet::new(stdout.lock()));
        render_as(report, format, detail, &mut out)?;
        return out.flush();
    }
    let colour = anstream::AutoStream::auto(stdout.lock());
    let mut out = io::BufWriter::with_capacity(64 * 1024, Quiet::new(colour));
    render_as(report, format, detail, &mut out)?;
    out.flush()
}

/// Writes every `--output FORMAT=PATH` (human without colour).
pub(crate) fn write_outputs(
    report: &report::Report,
    outputs: &[Output],
    detail: Detail,
) -> Result<()> {
    for o in outputs {
        let mut buf = Vec::new();
        match o.format {
            Format::Human => {
                let mut plain = anstream::StripStream::new(&mut buf);
                render_as(report, o.format, detail, &mut plain)?;
            }
            _ => render_as(report, o.format, detail, &mut buf)?,
        }
        if let Some(parent) = o.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&o.path, buf)
            .with_context(|| format!("cannot write {}", o.path.display()))?;
    }
    Ok(())
}
