//! HTML: one self-contained file (inline CSS, no script, nothing from the network), for
//! people who read and sign a report, on screen or on paper. Rendered from
//! templates/report.html.j2 with HTML auto-escaping; untrusted Markdown is sanitised
//! (untrusted.rs).

use super::model::Report;
use super::templates::{self, Source};

pub const TEMPLATE: &str = "report.html.j2";

pub fn render(report: &Report, lang: &str) -> Result<String, String> {
    templates::render(report, Source::Builtin(TEMPLATE), lang)
}
