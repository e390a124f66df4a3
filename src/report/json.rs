//! JSON: the contract. Pretty-printed, stable field order, a trailing newline.

use super::model::Report;

pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
