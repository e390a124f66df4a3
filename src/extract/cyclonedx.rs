//! CycloneDX BOMs (JSON, 1.5 and 1.6 ML-BOM): components of type
//! `machine-learning-model` with their model card (parameters, quantitative analysis,
//! considerations), licences and properties. Told by content (`bomFormat`), not by name.

use super::json::JNode;
use super::{Extraction, Sink, SourceKind, licenses, model_card, note};
use crate::diag::Diagnostic;
use crate::facts::{Origin, Value};
use regex::Regex;
use std::sync::LazyLock;

/// A CycloneDX JSON document names its format in `bomFormat`.
pub fn sniff(text: &str) -> bool {
    text.contains("\"bomFormat\"") && text.contains("CycloneDX")
}

/// Text that is the specification's example prose, not a statement about a model
/// (the CycloneDX test vectors and some generators leave it in).
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)goes here|^(?:who|what|how|which|are|is|does)\b.*\?$|^the (?:type|value|name|lower bound|upper bound|groups|architecture) of|^the groups or individuals at risk|^no description available$|^strategy used to|^expected (?:benefits|harms)")
        .unwrap_or_else(|e| unreachable!("{e}"))
});

pub fn extract(rel_path: &str, text: &str) -> Extraction {
    let mut sink = Sink::new(rel_path, text);
    let Some(root) = sink.parse_json(text, "BOM") else {
        return sink.finish(SourceKind::CycloneDx);
    };
    if root.get("bomFormat").and_then(JNode::as_str) != Some("CycloneDX") {
        sink.summary.push(
            "JSON mentioning CycloneDX, but `bomFormat` is not \"CycloneDX\"; not read".into(),
        );
        return sink.finish(SourceKind::CycloneDx);
    }
    let version = root
        .get("specVersion")
        .and_then(JNode::as_str)
        .unwrap_or("?")
        .to_string();
    let mut ctx = Ctx {
        sink: &mut sink,
        placeholders: Vec::new(),
        models: 0,
    };
    if let Some(meta) = root.get("metadata") {
        if let Some(props) = meta.get("properties") {
            ctx.properties(props, "bom.metadata_properties");
            for p in props.as_array() {
                if p.get("name").and_then(JNode::as_str) == Some("primaryPurpose")
                    && let Some(v) = p.get("value")
                {
                    ctx.primary_purpose(v);
                }
            }
        }
        if let Some(c) = meta.get("component") {
            ctx.component(c, 0);
        }
    }
    for c in root.get("components").map(JNode::as_array).unwrap_or(&[]) {
        ctx.component(c, 0);
    }
    let models = ctx.models;
    let placeholders = std::mem::take(&mut ctx.placeholders);
    if let Some(&(offset, ref example)) = placeholders.first() {
        let (line, col) = sink.index.line_col(offset);
        sink.diag_at(
            Diagnostic::note(
                "bom.placeholder",
                rel_path,
                line,
                col,
                format!("{} value(s) are template text, not statements (\"{example}\"); they were skipped", placeholders.len()),
            )
            .with_help("replace the example prose with what is true of the model"),
        );
    }
    sink.summary.insert(
        0,
        format!("CycloneDX {version} BOM: {models} machine-learning model component(s)"),
    );
    sink.finish(SourceKind::CycloneDx)
}

struct Ctx<'s, 'a> {
    sink: &'s mut Sink<'a>,
    placeholders: Vec<(usize, String)>,
    models: usize,
}

impl Ctx<'_, '_> {
    fn fact(&mut self, id: &str, value: Value, at: usize, text: &str) -> usize {
        self.sink.fact(id, value, Origin::Extracted, at, text);
        self.sink.facts.len() - 1
    }

    /// Strings of a field, with template prose filtered out (and remembered).
    fn clean(&mut self, items: Vec<(String, usize)>) -> Vec<String> {
        let mut out = Vec::new();
        for (s, at) in items {
            let t = s.trim();
            if t.is_empty() {
                continue;
            }
            if PLACEHOLDER.is_match(t) {
                self.placeholders.push((at, super::text::excerpt(t, 60)));
            } else {
                out.push(super::text::excerpt(t, 200));
            }
        }
        out
    }

    fn list_fact(&mut self, id: &str, at: usize, items: Vec<(String, usize)>) {
        let list = self.clean(items);
        if !list.is_empty() {
            let text = list.join("; ");
            self.fact(id, Value::List(list), at, &text);
        }
    }

    fn primary_purpose(&mut self, v: &JNode) {
        let Some(p) = v.as_str() else { return };
        self.fact(
            "bom.primary_purpose",
            Value::Str(p.to_string()),
            v.offset,
            &format!("primaryPurpose: {p}"),
        );
        if let Some(out) = model_card::outputs_of(p) {
            let i = self.fact(
                "outputs",
                Value::List(vec![out.into()]),
                v.offset,
                &format!("primaryPurpose: {p}"),
            );
            self.sink.facts[i].note = Some(format!(
                "from the BOM's primary purpose `{p}` (a Hugging Face task name)"
            ));
        }
    }

    fn properties(&mut self, props: &JNode, id: &str) {
        let items: Vec<(String, usize)> = props
            .as_array()
            .iter()
            .filter_map(|p| {
                let n = p.get("name")?.scalar_text()?;
                let v = p
                    .get("value")
                    .and_then(JNode::scalar_text)
                    .unwrap_or_default();
                Some((format!("{n}={v}"), p.offset))
            })
            .collect();
        self.list_fact(id, props.offset, items);
    }

    fn component(&mut self, c: &JNode, depth: usize) {
        if depth > 16 {
            return;
        }
        let kind = c.get("type").and_then(JNode::as_str).unwrap_or("");
        if kind == "machine-learning-model" {
            self.model(c);
        } else if kind == "data"
            && let Some((k, v)) = c.entry("name")
            && let Some(n) = v.as_str()
        {
            self.fact("bom.dataset", Value::Str(n.to_string()), k.offset, n);
        }
        for sub in c.get("components").map(JNode::as_array).unwrap_or(&[]) {
            self.component(sub, depth + 1);
        }
    }

    fn model(&mut self, c: &JNode) {
        self.models += 1;
        let name = c.get("name").and_then(JNode::as_str).unwrap_or("(unnamed)");
        let full = match (
            c.get("group").and_then(JNode::as_str),
            c.get("version").and_then(JNode::scalar_text),
        ) {
            (Some(g), Some(v)) => format!("{g}/{name}@{v}"),
            (Some(g), None) => format!("{g}/{name}"),
            (None, Some(v)) => format!("{name}@{v}"),
            (None, None) => name.to_string(),
        };
        let at = c.entry("name").map(|(k, _)| k.offset).unwrap_or(c.offset);
        self.fact(
            "bom.model",
            Value::Str(full.clone()),
            at,
            &format!("machine-learning-model {full}"),
        );
        if let Some(d) = c.get("description").and_then(JNode::as_str) {
            let cleaned = self.clean(vec![(
                d.to_string(),
                c.get("description").map_or(at, |n| n.offset),
            )]);
            if let Some(d) = cleaned.into_iter().next() {
                self.fact("bom.description", Value::Str(d.clone()), at, &d);
            }
        }
        self.licences(c, &full);
        if let Some(p) = c.get("properties") {
            self.properties(p, "bom.properties");
        }
        let Some(card) = c.get("modelCard") else {
            self.sink.summary.push(format!("{full}: no modelCard"));
            return;
        };
        let mut parts = Vec::new();
        if let Some(mp) = card.get("modelParameters") {
            parts.push("modelParameters");
            if let Some(t) = mp.get("task")
                && let Some(task) = self
                    .clean(vec![(t.scalar_text().unwrap_or_default(), t.offset)])
                    .pop()
            {
                self.fact(
                    "bom.task",
                    Value::Str(task.clone()),
                    t.offset,
                    &format!("task: {task}"),
                );
                if let Some(out) = model_card::outputs_of(&task) {
                    let i = self.fact(
                        "outputs",
                        Value::List(vec![out.into()]),
                        t.offset,
                        &format!("task: {task}"),
                    );
                    self.sink.facts[i].note = Some(format!("from the model card task `{task}`"));
                }
            }
            for (key, id) in [
                ("architectureFamily", "bom.architecture_family"),
                ("modelArchitecture", "bom.model_architecture"),
            ] {
                if let Some(v) = mp.get(key)
                    && let Some(s) = self
                        .clean(vec![(v.scalar_text().unwrap_or_default(), v.offset)])
                        .pop()
                {
                    self.fact(id, Value::Str(s.clone()), v.offset, &format!("{key}: {s}"));
                }
            }
            if let Some(a) = mp.get("approach").and_then(|a| a.get("type"))
                && let Some(s) = a.as_str()
            {
                self.fact(
                    "bom.approach",
                    Value::Str(s.to_string()),
                    a.offset,
                    &format!("approach: {s}"),
                );
            }
            if let Some(ds) = mp.get("datasets") {
                let items = ds
                    .as_array()
                    .iter()
                    .filter_map(|d| {
                        let n = d
                            .get("name")
                            .or(d.get("ref"))
                            .and_then(JNode::scalar_text)?;
                        let class = d.get("classification").and_then(JNode::as_str);
                        Some((class.map_or(n.clone(), |c| format!("{n} ({c})")), d.offset))
                    })
                    .collect();
                self.list_fact("bom.datasets", ds.offset, items);
            }
            for (key, id) in [("inputs", "bom.inputs"), ("outputs", "bom.outputs")] {
                if let Some(io) = mp.get(key) {
                    let items = io
                        .as_array()
                        .iter()
                        .filter_map(|f| Some((f.get("format")?.scalar_text()?, f.offset)))
                        .collect();
                    self.list_fact(id, io.offset, items);
                }
            }
        }
        if let Some(qa) = card.get("quantitativeAnalysis") {
            parts.push("quantitativeAnalysis");
            // `graphics` carries base64 images: never read into facts.
            if let Some(pm) = qa.get("performanceMetrics") {
                let items = pm
                    .as_array()
                    .iter()
                    .filter_map(|m| {
                        let t = m.get("type")?.scalar_text()?;
                        let v = m
                            .get("value")
                            .and_then(JNode::scalar_text)
                            .unwrap_or_default();
                        let text = match m.get("slice").and_then(JNode::as_str) {
                            Some(s) => format!("{t} = {v} ({s})"),
                            None => format!("{t} = {v}"),
                        };
                        // A metric whose type is example prose is a placeholder as a whole.
                        Some((if PLACEHOLDER.is_match(&t) { t } else { text }, m.offset))
                    })
                    .collect();
                self.list_fact("bom.performance_metrics", pm.offset, items);
            }
        }
        if let Some(cons) = card.get("considerations") {
            parts.push("considerations");
            for (key, id) in [
                ("users", "bom.users"),
                ("useCases", "bom.use_cases"),
                ("technicalLimitations", "bom.technical_limitations"),
                ("performanceTradeoffs", "bom.performance_tradeoffs"),
            ] {
                if let Some(v) = cons.get(key) {
                    let items = v
                        .as_array()
                        .iter()
                        .filter_map(|s| Some((s.as_str()?.to_string(), s.offset)))
                        .collect();
                    self.list_fact(id, v.offset, items);
                }
            }
            if let Some(v) = cons.get("ethicalConsiderations") {
                let items = v
                    .as_array()
                    .iter()
                    .filter_map(|e| {
                        let n = e.get("name")?.scalar_text()?;
                        Some((
                            match e.get("mitigationStrategy").and_then(JNode::as_str) {
                                Some(m) if !PLACEHOLDER.is_match(&n) => {
                                    format!("{n} (mitigation: {m})")
                                }
                                _ => n,
                            },
                            e.offset,
                        ))
                    })
                    .collect();
                self.list_fact("bom.ethical_considerations", v.offset, items);
            }
            if let Some(v) = cons.get("fairnessAssessments") {
                let items = v
                    .as_array()
                    .iter()
                    .filter_map(|e| Some((e.get("groupAtRisk")?.scalar_text()?, e.offset)))
                    .collect();
                self.list_fact("bom.fairness_assessments", v.offset, items);
            }
            if let Some(env) = cons.get("environmentalConsiderations") {
                self.environment(env);
            }
        }
        if let Some(p) = card.get("properties") {
            self.properties(p, "bom.model_card_properties");
        }
        self.sink.summary.push(format!(
            "{full}: modelCard with {}",
            if parts.is_empty() {
                "no sections".into()
            } else {
                parts.join(", ")
            }
        ));
    }

    fn environment(&mut self, env: &JNode) {
        let mut items = Vec::new();
        for e in env
            .get("energyConsumptions")
            .map(JNode::as_array)
            .unwrap_or(&[])
        {
            let activity = e.get("activity").and_then(JNode::as_str).unwrap_or("?");
            let mut s = format!("{activity}:");
            if let Some(c) = e.get("activityEnergyCost") {
                s.push_str(&format!(
                    " {} {}",
                    c.get("value")
                        .and_then(JNode::scalar_text)
                        .unwrap_or_default(),
                    c.get("unit").and_then(JNode::as_str).unwrap_or("")
                ));
            }
            if let Some(c) = e.get("co2CostEquivalent") {
                s.push_str(&format!(
                    ", {} {}",
                    c.get("value")
                        .and_then(JNode::scalar_text)
                        .unwrap_or_default(),
                    c.get("unit").and_then(JNode::as_str).unwrap_or("")
                ));
            }
            items.push((s, e.offset));
        }
        if items.is_empty() {
            items.push((
                "environmental considerations present".to_string(),
                env.offset,
            ));
        }
        self.list_fact("bom.environmental_considerations", env.offset, items);
    }

    fn licences(&mut self, c: &JNode, model: &str) {
        let Some(ls) = c.get("licenses") else { return };
        let mut ids = Vec::new();
        for l in ls.as_array() {
            if let Some(e) = l.get("expression").and_then(JNode::as_str) {
                ids.push(e.to_string());
            } else if let Some(lic) = l.get("license")
                && let Some(id) = lic.get("id").or(lic.get("name")).and_then(JNode::as_str)
            {
                ids.push(id.to_string());
            }
        }
        if ids.is_empty() {
            return;
        }
        let value = ids.join(" AND ");
        let i = self.fact(
            "license",
            Value::Str(value.clone()),
            ls.offset,
            &format!("licenses: {value}"),
        );
        self.sink.facts[i].note = Some(format!("licence of the model component {model}"));
        let distributed = c
            .get("externalReferences")
            .map(JNode::as_array)
            .unwrap_or(&[])
            .iter()
            .find(|r| {
                matches!(
                    r.get("type").and_then(JNode::as_str),
                    Some("distribution" | "distribution-intake")
                )
            })
            .and_then(|r| r.get("url").and_then(JNode::as_str).map(str::to_string));
        let all = |class| ids.iter().all(|i| licenses::classify(i) == class);
        if ids
            .iter()
            .any(|i| licenses::classify(i) == licenses::LicenceClass::Restrictive)
        {
            let f = self.sink.fact(
                "open_source",
                Value::Bool(false),
                Origin::Extracted,
                ls.offset,
                &format!("licenses: {value}"),
            );
            note(
                f,
                format!(
                    "licence `{value}` restricts use: not a free and open-source licence in the sense of Art. 2(12) and Art. 53(2) (rec. 102-104)"
                ),
            );
        } else if all(licenses::LicenceClass::OpenSource)
            && let Some(url) = distributed
        {
            let f = self.sink.fact(
                "open_source",
                Value::Bool(true),
                Origin::Extracted,
                ls.offset,
                &format!("licenses: {value}"),
            );
            note(
                f,
                format!(
                    "licence `{value}` is OSI-approved and the BOM gives a distribution reference for the model ({url}); Art. 53(2) also needs architecture and usage information public, and no monetised component (rec. 103)"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert!(sniff(
            "{\"specVersion\": \"1.6\", \"bomFormat\": \"CycloneDX\"}"
        ));
        assert!(!sniff("{\"name\": \"x\"}"));
    }

    #[test]
    fn model_component_with_lines() {
        let t = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "components": [
    {
      "type": "machine-learning-model",
      "name": "m",
      "licenses": [{"license": {"id": "Apache-2.0"}}],
      "externalReferences": [{"type": "distribution", "url": "https://huggingface.co/o/m"}],
      "modelCard": {
        "modelParameters": {"task": "text-generation", "datasets": [{"name": "web"}]},
        "considerations": {"useCases": ["Who is it for?", "chat"], "technicalLimitations": ["hallucinates"]}
      }
    }
  ]
}"#;
        let x = extract("bom.json", t);
        let get = |id: &str| x.facts.iter().find(|f| f.id == id).unwrap();
        assert_eq!(get("bom.model").provenance.line, Some(7));
        assert_eq!(get("license").value, Value::Str("Apache-2.0".into()));
        assert_eq!(get("open_source").value, Value::Bool(true));
        assert_eq!(get("outputs").value, Value::List(vec!["text".into()]));
        assert_eq!(get("bom.use_cases").value, Value::List(vec!["chat".into()]));
        assert_eq!(get("bom.task").provenance.line, Some(11));
        assert_eq!(x.diagnostics[0].code, "bom.placeholder");
    }

    #[test]
    fn invalid_json_is_a_diagnostic() {
        let x = extract(
            "bom.json",
            "{\"bomFormat\": \"CycloneDX\", \"components\": [}",
        );
        assert_eq!(x.diagnostics[0].code, "json.syntax");
        assert_eq!(x.diagnostics[0].line, 1);
    }
}
