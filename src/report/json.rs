//! JSON: the contract. Pretty-printed, stable field order, a trailing newline.

use super::model::{EvidenceFile, LawApplied, Report, RulePackInfo, SystemReport, Tool};
use crate::diag::Diagnostic;
use crate::gate::model::{GateSummary, WaiverEntry};
use jiff::civil::Date;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

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
    serde_json::to_writer_pretty(&mut w, &Streamed::of(report))?;
    w.write_all(b"\n")?;
    w.flush()
}

/// [`Report`] field for field (a test compares the bytes with serde's own rendering of the
/// report), but with the systems rendered in parallel.
#[derive(Serialize)]
struct Streamed<'a> {
    schema_version: &'a str,
    tool: &'a Tool,
    as_of: &'a Date,
    law: &'a LawApplied,
    rule_pack: &'a RulePackInfo,
    systems: Systems<'a>,
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
            systems,
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
            systems: Systems(systems),
            evidence,
            diagnostics,
            waivers,
            gate,
        }
    }
}

struct Systems<'a>(&'a [SystemReport]);

/// Systems per parallel batch: enough to keep every core busy, few enough that the rendered
/// text held at once is a few megabytes.
const BATCH: usize = 16;

/// Where a system sits in the report: inside the top-level object's `systems` array.
const SYSTEM_INDENT: &str = "    ";

impl Serialize for Systems<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for batch in self.0.chunks(BATCH) {
            for text in render_batch(batch) {
                let text = text.map_err(S::Error::custom)?;
                let raw = RawValue::from_string(text).map_err(S::Error::custom)?;
                seq.serialize_element(&raw)?;
            }
        }
        seq.end()
    }
}

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
    }
}
