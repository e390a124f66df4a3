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
    write_atomic_paced(path, contents, None)
}

/// [`write_atomic`], optionally writing the temporary file in small pieces with a pause
/// between them. Only the kill tests use a pace: it widens the moment a kill can land in
/// the middle of a save, so they show the target is never torn.
pub fn write_atomic_paced(
    path: &Path,
    contents: &[u8],
    pace: Option<std::time::Duration>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".aiact-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    match pace {
        None => tmp.write_all(contents)?,
        Some(pause) => {
            for chunk in contents.chunks(64) {
                tmp.write_all(chunk)?;
                tmp.flush()?;
                std::thread::sleep(pause);
            }
        }
    }
    // A temporary file is private (0600); a report is not. Keep the mode of the file being
    // replaced, else the usual 0644, so CI artefacts and shared folders can read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable only once the folder is flushed (a power cut right after
    // could otherwise bring back the old file). Not possible everywhere; best effort.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
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
