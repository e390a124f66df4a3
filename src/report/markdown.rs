//! Markdown, rendered from templates/report.md.j2.

use super::model::Report;
use super::templates::{self, Source};

pub const TEMPLATE: &str = "report.md.j2";

/// The Markdown report in English.
pub fn render(report: &Report) -> Result<String, String> {
    render_lang(report, super::i18n::DEFAULT_LANG)
}

pub fn render_lang(report: &Report, lang: &str) -> Result<String, String> {
    templates::render(report, Source::Builtin(TEMPLATE), lang)
}
