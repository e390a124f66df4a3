//! Writing results: stdout (a closed pipe is not an error), files (atomically), and
//! diagnostics on stderr.

use crate::diag::Diagnostic;
use std::io::{self, Write};
use std::path::Path;

/// Write to stdout. A reader that went away (`aiact ... | head`) is not a failure.
pub fn stdout(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Write a file so that a reader never sees half of it and a crash never leaves a torn
/// file: write a temporary file beside it, flush it to disk, then rename over the target.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".aiact-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Diagnostics in the order a reader goes through the files: by file, then position (the
/// report keeps its own, by severity).
pub fn print_diagnostics_by_position(diags: &[Diagnostic]) {
    let mut d = diags.to_vec();
    d.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code).cmp(&(&b.file, b.line, b.column, &b.code))
    });
    print_diagnostics(&d);
}

pub fn print_diagnostics(diags: &[Diagnostic]) {
    let mut err = io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{d}");
    }
}

/// Today's date (UTC): the default as-of date. Reports contain no clock time.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// Parse `--as-of`.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.trim()
        .parse::<jiff::civil::Date>()
        .map_err(|_| format!("expected a date YYYY-MM-DD, found `{s}`"))
}
