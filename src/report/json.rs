//! JSON: the contract. Pretty-printed, stable field order, a trailing newline.

use super::model::Report;

pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

/// The same bytes as [`render`], written as they are produced: a report of hundreds of
/// systems is tens of megabytes, and building it as one string first doubles peak memory.
pub fn write<W: std::io::Write>(report: &Report, mut w: W) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut w, report)?;
    w.write_all(b"\n")?;
    w.flush()
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
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/evidence");
        let (systems, diags) = audit::gather(&root, &pack);
        let opts = AuditOptions {
            as_of: jiff::civil::date(2026, 12, 1),
            law: None,
            extra_packs: Vec::new(),
        };
        let rep = audit::decide(&systems, &pack, &opts, diags);
        let mut streamed = Vec::new();
        assert!(super::write(&rep, &mut streamed).is_ok());
        assert_eq!(String::from_utf8(streamed).ok(), super::render(&rep).ok());
    }
}
