//! JSON: the contract. Pretty-printed, stable field order, a trailing newline.

use super::model::{EvidenceFile, LawApplied, Report, RulePackInfo, SystemReport, Tool};
use crate::diag::Diagnostic;
use crate::gate::model::{GateSummary, WaiverEntry};
use jiff::civil::Date;
use serde::Serialize;
use serde::ser::Error as _;

pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    write(report, &mut out).map_err(serde_json::Error::custom)?;
    String::from_utf8(out).map_err(serde_json::Error::custom)
}

/// The report as pretty JSON with a trailing newline, written as it is produced: a report
/// of hundreds of systems is tens of megabytes, and building it as one string first doubles
/// peak memory. Systems are rendered on every core, a batch at a time, so memory stays
/// bounded by the batch.
pub fn write<W: std::io::Write>(report: &Report, mut w: W) -> std::io::Result<()> {
    // Everything but the systems, with `"systems": []` where they go.
    let head = serde_json::to_vec_pretty(&Streamed::of(report))?;
    let at = find(&head, SYSTEMS_MARKER).filter(|_| !report.systems.is_empty());
    let Some(at) = at else {
        w.write_all(&head)?;
        w.write_all(b"\n")?;
        return w.flush();
    };
    let open = at + SYSTEMS_MARKER.len() - 1; // just after `[`
    w.write_all(&head[..open])?;
    let mut first = true;
    for batch in report.systems.chunks(BATCH) {
        for part in render_batch(batch) {
            let part = part?;
            // Every element comes with its leading comma; the list's first has none.
            let part = if first {
                part.get(1..).unwrap_or(&[])
            } else {
                &part[..]
            };
            w.write_all(part)?;
            first = false;
        }
    }
    w.write_all(b"\n  ")?;
    w.write_all(&head[open..])?;
    w.write_all(b"\n")?;
    w.flush()
}

/// The top-level `systems` key with an empty list, as pretty JSON writes it: top-level keys
/// are indented by two spaces, and no string holds a raw line break, so it occurs once.
const SYSTEMS_MARKER: &[u8] = b"\n  \"systems\": []";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// [`Report`] field for field (a test compares the bytes with serde's own rendering of the
/// report), with the systems left out to be written in parallel.
#[derive(Serialize)]
struct Streamed<'a> {
    schema_version: &'a str,
    tool: &'a Tool,
    as_of: &'a Date,
    law: &'a LawApplied,
    rule_pack: &'a RulePackInfo,
    systems: [(); 0],
    evidence: &'a [EvidenceFile],
    diagnostics: &'a [Diagnostic],
    waivers: &'a [WaiverEntry],
    gate: &'a Option<GateSummary>,
}

impl<'a> Streamed<'a> {
    fn of(r: &'a Report) -> Self {
        let Report {
            schema_version,
            tool,
            as_of,
            law,
            rule_pack,
            systems: _,
            evidence,
            diagnostics,
            waivers,
            gate,
        } = r;
        Streamed {
            schema_version,
            tool,
            as_of,
            law,
            rule_pack,
            systems: [],
            evidence,
            diagnostics,
            waivers,
            gate,
        }
    }
}

/// Systems per parallel batch: enough to keep every core busy, few enough that the rendered
/// text held at once stays small.
const BATCH: usize = 32;

/// Where a system sits in the report: inside the top-level object's `systems` array.
const SYSTEM_INDENT: &[u8] = b"    ";

/// The systems of a batch as elements of the report's `systems` list: each one after a
/// comma, a line break and its indentation, split among the cores in order.
fn render_batch(batch: &[SystemReport]) -> Vec<std::io::Result<Vec<u8>>> {
    let render = |part: &[SystemReport]| -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        for s in part {
            out.extend_from_slice(b",\n");
            out.extend_from_slice(SYSTEM_INDENT);
            let mut ser = serde_json::Serializer::with_formatter(&mut out, Indented::default());
            s.serialize(&mut ser)?;
        }
        Ok(out)
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if workers < 2 || batch.len() < 2 {
        return vec![render(batch)];
    }
    let chunk = batch.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(chunk)
            .map(|part| scope.spawn(move || render(part)))
            .collect();
        handles
            .into_iter()
            .zip(batch.chunks(chunk))
            // A worker that panicked: its part is rendered here instead.
            .map(|(h, part)| h.join().unwrap_or_else(|_| render(part)))
            .collect()
    })
}

/// serde_json's pretty layout (two spaces a level), for a value that sits inside the
/// report's `systems` list: every line after the first starts with [`SYSTEM_INDENT`].
#[derive(Default)]
struct Indented {
    level: usize,
    has_value: bool,
}

type IoResult = std::io::Result<()>;

/// Arrays and objects open, take entries and close alike; only their brackets differ.
impl Indented {
    fn new_line<W: ?Sized + std::io::Write>(&self, w: &mut W) -> IoResult {
        w.write_all(b"\n")?;
        w.write_all(SYSTEM_INDENT)?;
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> IoResult {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> IoResult {
        self.level -= 1;
        if self.has_value {
            self.new_line(w)?;
        }
        w.write_all(bracket)
    }

    fn entry<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> IoResult {
        if !first {
            w.write_all(b",")?;
        }
        self.new_line(w)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> IoResult {
        self.entry(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> IoResult {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> IoResult {
        self.entry(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> IoResult {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::audit::{self, AuditOptions};
    use crate::decide::pack;
    use std::path::Path;

    #[test]
    fn write_gives_the_bytes_of_render() {
        let Ok(pack) = pack::load_with(&[]) else {
            panic!("default pack")
        };
        // The whole fixtures folder: well over one batch of systems.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let (mut systems, diags) = audit::gather(&root, &pack);
        let opts = AuditOptions {
            as_of: jiff::civil::date(2026, 12, 1),
            law: None,
            extra_packs: Vec::new(),
        };
        let rep = audit::decide(&mut systems, &pack, &opts, diags);
        assert!(
            rep.systems.len() > super::BATCH,
            "{} systems",
            rep.systems.len()
        );
        let mut streamed = Vec::new();
        assert!(super::write(&rep, &mut streamed).is_ok());
        let serde_pretty = serde_json::to_string_pretty(&rep).map(|s| s + "\n").ok();
        assert_eq!(String::from_utf8(streamed).ok(), serde_pretty);
        assert_eq!(super::render(&rep).ok(), serde_pretty);
        // No system: the list stays `[]`.
        let empty = audit::decide(&mut [], &pack, &opts, Vec::new());
        let serde_pretty = serde_json::to_string_pretty(&empty).map(|s| s + "\n").ok();
        assert_eq!(super::render(&empty).ok(), serde_pretty);
    }
}
