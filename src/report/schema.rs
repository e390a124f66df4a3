//! The JSON Schema of the report, generated from the report model itself so the two cannot
//! drift; docs/report.schema.json is the committed copy (a test checks it is current).

use super::model::Report;

pub fn report_schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
