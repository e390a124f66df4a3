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
        for text in render_batch(batch) {
            // Pretty JSON puts each array element on a new line, indented, after a comma.
            w.write_all(if first { b"\n" } else { b",\n" })?;
            w.write_all(SYSTEM_INDENT.as_bytes())?;
            w.write_all(text?.as_bytes())?;
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
const BATCH: usize = 16;

/// Where a system sits in the report: inside the top-level object's `systems` array.
const SYSTEM_INDENT: &str = "    ";

/// Each system as pretty JSON, indented for its place in the report (strings never hold a
/// raw line break in JSON, so indenting every line after the first is exact).
fn render_batch(batch: &[SystemReport]) -> Vec<Result<String, serde_json::Error>> {
    let one = |s: &SystemReport| {
        serde_json::to_string_pretty(s)
            .map(|text| text.replace('\n', &format!("\n{SYSTEM_INDENT}")))
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if workers < 2 || batch.len() < 2 {
        return batch.iter().map(one).collect();
    }
    let chunk = batch.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .zip(batch.chunks(chunk))
            .flat_map(|(h, part)| {
                // A worker that panicked: render its part here instead.
                h.join().unwrap_or_else(|_| part.iter().map(one).collect())
            })
            .collect()
    })
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
