//! SPDX 3 JSON-LD documents, AI and dataset profiles: `ai_AIPackage` and
//! `dataset_DatasetPackage` elements, with the licences their relationships declare.
//!
//! `ai_safetyRiskAssessment` is SPDX's safety-risk tier (from the EU general product safety
//! method); it is NOT the AI Act's risk tier and is never mapped to one.

use super::json::{self, JNode};
use super::{Extraction, Sink, SourceKind, licenses, note};
use crate::facts::{Origin, Value};
use std::collections::HashMap;

/// An SPDX 3 document names the SPDX 3 context (SPDX 2 has no AI profile).
pub fn sniff(text: &str) -> bool {
    text.contains("\"@context\"") && text.contains("spdx.org/rdf/3")
}

/// Element types, with or without the profile prefix (both spellings are in use).
fn is_type(e: &JNode, names: &[&str]) -> bool {
    e.get("type")
        .or(e.get("@type"))
        .and_then(JNode::as_str)
        .is_some_and(|t| names.contains(&t))
}

pub fn extract(rel_path: &str, text: &str) -> Extraction {
    let mut sink = Sink::new(rel_path, text);
    let Some(root) = sink.parse_json(text, "SPDX document") else {
        return sink.finish(SourceKind::Spdx);
    };
    let graph: Vec<&JNode> = match root.get("@graph") {
        Some(g) => g.as_array().iter().collect(),
        None => vec![&root],
    };
    // Licence elements by id, and declared/concluded licences by element id.
    let mut licence_names: HashMap<&str, String> = HashMap::new();
    let mut licensed: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &graph {
        let id = e.get("spdxId").or(e.get("@id")).and_then(JNode::as_str);
        if let (Some(id), Some(expr)) = (
            id,
            e.get("simplelicensing_licenseExpression")
                .and_then(JNode::as_str),
        ) {
            licence_names.insert(id, expr.to_string());
        }
        if is_type(e, &["expandedlicensing_CustomLicense", "CustomLicense"])
            && let Some(id) = id
        {
            let osi = e
                .get("expandedlicensing_isOsiApproved")
                .map(|v| v.value == json::JValue::Bool(true));
            licence_names.insert(
                id,
                if osi == Some(true) {
                    "custom OSI-approved licence".into()
                } else {
                    "custom licence (not OSI-approved)".into()
                },
            );
        }
        if is_type(e, &["Relationship", "LifecycleScopedRelationship"])
            && matches!(
                e.get("relationshipType").and_then(JNode::as_str),
                Some("hasDeclaredLicense" | "hasConcludedLicense")
            )
            && let Some(from) = e.get("from").and_then(JNode::as_str)
        {
            licensed
                .entry(from)
                .or_default()
                .extend(e.get("to").map(JNode::strings).unwrap_or_default());
        }
    }
    let licence_of = |id: &str| -> Option<String> {
        let tos = licensed.get(id)?;
        let mut names: Vec<String> = tos
            .iter()
            .map(|t| {
                licence_names.get(t).cloned().unwrap_or_else(|| {
                    t.trim_start_matches("https://spdx.org/licenses/")
                        .to_string()
                })
            })
            .collect();
        names.sort();
        names.dedup();
        Some(names.join(" AND "))
    };
    let (mut models, mut datasets) = (0, 0);
    for e in &graph {
        if is_type(e, &["ai_AIPackage", "AIPackage"]) {
            models += 1;
            let id = e
                .get("spdxId")
                .or(e.get("@id"))
                .and_then(JNode::as_str)
                .unwrap_or("");
            ai_package(&mut sink, e, licence_of(id));
        } else if is_type(e, &["dataset_DatasetPackage", "DatasetPackage"]) {
            datasets += 1;
            let id = e
                .get("spdxId")
                .or(e.get("@id"))
                .and_then(JNode::as_str)
                .unwrap_or("");
            dataset(&mut sink, e, licence_of(id));
        }
    }
    sink.summary.insert(
        0,
        format!("SPDX 3 document: {models} AI package(s), {datasets} dataset package(s)"),
    );
    sink.finish(SourceKind::Spdx)
}

fn key_offset(e: &JNode, key: &str) -> Option<usize> {
    e.entry(key).map(|(k, _)| k.offset)
}

/// A scalar or list field as a fact (lists of strings, or of DictionaryEntry key/value).
fn field(sink: &mut Sink<'_>, e: &JNode, key: &str, id: &str) -> Option<usize> {
    let (k, v) = e.entry(key)?;
    let mut items: Vec<String> = Vec::new();
    match &v.value {
        json::JValue::Array(a) => {
            for x in a {
                if let Some(s) = x.scalar_text() {
                    items.push(s);
                } else if let Some(kv) = x.get("key").and_then(JNode::scalar_text) {
                    let val = x
                        .get("value")
                        .and_then(JNode::scalar_text)
                        .unwrap_or_default();
                    items.push(format!("{kv}={val}"));
                }
            }
        }
        _ => items.extend(v.scalar_text()),
    }
    if items.is_empty() {
        return None;
    }
    // Bounded: a hyperparameter list can run to hundreds of entries.
    const MAX_ITEMS: usize = 50;
    let more = items.len().saturating_sub(MAX_ITEMS);
    let mut items: Vec<String> = items
        .iter()
        .take(MAX_ITEMS)
        .map(|s| super::text::excerpt(s, 200))
        .collect();
    if more > 0 {
        items.push(format!("... ({more} more)"));
    }
    let text = format!("{key}: {}", items.join(", "));
    let value = if matches!(v.value, json::JValue::Array(_)) {
        Value::List(items)
    } else {
        Value::Str(items.concat())
    };
    sink.fact(id, value, Origin::Extracted, k.offset, &text);
    Some(sink.facts.len() - 1)
}

fn ai_package(sink: &mut Sink<'_>, e: &JNode, licence: Option<String>) {
    let (name, at) = package_fact(sink, e, "spdx.ai_package", "ai_AIPackage");
    for (key, id) in [
        ("ai_domain", "spdx.domain"),
        ("ai_autonomyType", "spdx.autonomy_type"),
        ("ai_typeOfModel", "spdx.type_of_model"),
        (
            "ai_informationAboutApplication",
            "spdx.information_about_application",
        ),
        (
            "ai_informationAboutTraining",
            "spdx.information_about_training",
        ),
        ("ai_limitation", "spdx.limitation"),
        ("ai_hyperparameter", "spdx.hyperparameters"),
        (
            "ai_useSensitivePersonalInformation",
            "spdx.use_sensitive_personal_information",
        ),
        ("ai_standardCompliance", "spdx.standard_compliance"),
        ("ai_metric", "spdx.metrics"),
        (
            "ai_metricDecisionThreshold",
            "spdx.metric_decision_thresholds",
        ),
        ("ai_modelExplainability", "spdx.model_explainability"),
        ("ai_modelDataPreprocessing", "spdx.model_data_preprocessing"),
    ] {
        field(sink, e, key, id);
    }
    if let Some(i) = field(
        sink,
        e,
        "ai_safetyRiskAssessment",
        "spdx.safety_risk_assessment",
    ) {
        sink.facts[i].note = Some(
            "SPDX's safety risk tier (serious/high/medium/low, from the EU general product safety method): \
             it is not the AI Act's risk tier and says nothing about it"
                .into(),
        );
    }
    if let Some((k, v)) = e.entry("ai_energyConsumption") {
        let mut parts = Vec::new();
        for (phase, key) in [
            ("training", "ai_trainingEnergyConsumption"),
            ("inference", "ai_inferenceEnergyConsumption"),
            ("fine-tuning", "ai_finetuningEnergyConsumption"),
        ] {
            for q in v.get(key).map(JNode::as_array).unwrap_or(&[]) {
                let amount = q
                    .get("ai_energyQuantity")
                    .and_then(JNode::scalar_text)
                    .unwrap_or_default();
                let unit = q.get("ai_energyUnit").and_then(JNode::as_str).unwrap_or("");
                parts.push(format!("{phase}: {amount} {unit}"));
            }
        }
        if !parts.is_empty() {
            let text = parts.join("; ");
            sink.fact(
                "spdx.energy_consumption",
                Value::List(parts),
                Origin::Extracted,
                k.offset,
                &text,
            );
        }
    }
    let download = e
        .get("software_downloadLocation")
        .and_then(JNode::as_str)
        .filter(|d| !d.eq_ignore_ascii_case("NOASSERTION") && !d.eq_ignore_ascii_case("NONE"))
        .map(str::to_string);
    if let Some(l) = licence {
        sink.fact(
            "license",
            Value::Str(l.clone()),
            Origin::Extracted,
            at,
            &format!("{name}: {l}"),
        );
        if let Some(last) = sink.facts.last_mut() {
            last.note = Some(format!(
                "licence declared for the AI package {name} (hasDeclaredLicense / hasConcludedLicense)"
            ));
        }
        match licenses::classify(&l) {
            licenses::LicenceClass::Restrictive => {
                let f = sink.fact(
                    "open_source",
                    Value::Bool(false),
                    Origin::Extracted,
                    at,
                    &format!("{name}: {l}"),
                );
                note(
                    f,
                    format!(
                        "licence `{l}` restricts use: not free and open-source in the sense of Art. 2(12) and Art. 53(2)"
                    ),
                );
            }
            licenses::LicenceClass::OpenSource if download.is_some() => {
                let f = sink.fact(
                    "open_source",
                    Value::Bool(true),
                    Origin::Extracted,
                    at,
                    &format!("{name}: {l}"),
                );
                note(
                    f,
                    format!(
                        "licence `{l}` is OSI-approved and the package has a download location ({}); Art. 53(2) also needs \
                         architecture and usage information public, and no monetised component (rec. 103)",
                        download.as_deref().unwrap_or("")
                    ),
                );
            }
            _ => {}
        }
    }
    sink.summary.push(format!("AI package {name}"));
}

/// The fact that a package element is there, named, at its `name` key; returns the name and
/// that offset (the package's other facts without a key of their own point there too).
fn package_fact(sink: &mut Sink<'_>, e: &JNode, id: &str, element: &str) -> (String, usize) {
    let name = e
        .get("name")
        .and_then(JNode::as_str)
        .unwrap_or("(unnamed)")
        .to_string();
    let at = key_offset(e, "name").unwrap_or(e.offset);
    sink.fact(
        id,
        Value::Str(name.clone()),
        Origin::Extracted,
        at,
        &format!("{element} {name}"),
    );
    (name, at)
}

fn dataset(sink: &mut Sink<'_>, e: &JNode, licence: Option<String>) {
    let (name, at) = package_fact(sink, e, "spdx.dataset", "dataset_DatasetPackage");
    for (key, id) in [
        ("dataset_datasetType", "spdx.dataset_type"),
        (
            "dataset_hasSensitivePersonalInformation",
            "spdx.dataset_sensitive_personal_information",
        ),
        (
            "dataset_confidentialityLevel",
            "spdx.dataset_confidentiality",
        ),
        (
            "dataset_dataCollectionProcess",
            "spdx.dataset_collection_process",
        ),
        ("dataset_intendedUse", "spdx.dataset_intended_use"),
        ("dataset_knownBias", "spdx.dataset_known_bias"),
    ] {
        field(sink, e, key, id);
    }
    if let Some(l) = licence {
        sink.fact(
            "spdx.dataset_license",
            Value::Str(l.clone()),
            Origin::Extracted,
            at,
            &format!("{name}: {l}"),
        );
    }
    sink.summary.push(format!("dataset {name}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ai_package_and_licence() {
        let t = r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
 {"type": "ai_AIPackage", "spdxId": "urn:m", "name": "m",
  "software_downloadLocation": "https://x/m.zip",
  "ai_safetyRiskAssessment": "high",
  "ai_domain": ["recruitment"],
  "ai_autonomyType": "yes"},
 {"type": "Relationship", "relationshipType": "hasDeclaredLicense", "from": "urn:m", "to": ["https://spdx.org/licenses/MIT"]}
]}"#;
        assert!(sniff(t));
        let x = extract("sbom.spdx3.json", t);
        let get = |id: &str| x.facts.iter().find(|f| f.id == id).unwrap();
        assert_eq!(
            get("spdx.safety_risk_assessment").value,
            Value::Str("high".into())
        );
        assert!(
            get("spdx.safety_risk_assessment")
                .note
                .as_deref()
                .unwrap()
                .contains("not the AI Act")
        );
        assert_eq!(get("license").value, Value::Str("MIT".into()));
        assert_eq!(get("open_source").value, Value::Bool(true));
        assert_eq!(get("spdx.domain").provenance.line, Some(5));
        // No fact says anything about a tier.
        assert!(
            x.facts
                .iter()
                .all(|f| !f.id.contains("tier") && f.id != "high_risk")
        );
    }
}
