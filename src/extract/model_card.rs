//! Model cards: README.md, MODEL_CARD.md, model-card.md, modelcard.md (any case), with or
//! without Hugging Face YAML front matter, and READMEs acting as model cards.
//!
//! Front matter is structured, so its fields are `extracted` facts. The body is prose:
//! standard sections are recorded where they are, and quantities (parameters, training
//! tokens, compute) are read only from explicit statements. A file that does not look like
//! a model card (a library README mentioning "7B" in an example) yields its quantities as
//! signals, never as extracted facts.

use super::markdown::{self, Document};
use super::quantities::{self, Kind, Quantity};
use super::{Extraction, Sink, SourceKind, licenses, note, signals};
use crate::diag::Diagnostic;
use crate::facts::value::format_number;
use crate::facts::{Origin, Value};
use crate::yaml::{self, Node, NodeValue};
use regex::Regex;
use std::sync::LazyLock;

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| unreachable!("bad built-in pattern {s}: {e}"))
}

/// Whether a file name is a model card by name.
pub fn is_card_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let stem = n.trim_end_matches(".md").trim_end_matches(".markdown");
    stem.contains("model_card") || stem.contains("model-card") || stem.contains("modelcard")
}

/// Front matter found at the top of a file.
struct FrontMatter<'a> {
    yaml: &'a str,
    /// 1-based line of the first YAML line.
    first_line: u64,
}

/// Split off `---` front matter. Returns the front matter (if closed) and where the
/// Markdown body starts. An unclosed block gives a diagnostic and the whole file is body.
fn split_front_matter<'a>(sink: &mut Sink<'_>, text: &'a str) -> (Option<FrontMatter<'a>>, usize) {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first = rest.split_inclusive('\n').next().unwrap_or("");
    if first.trim_end() != "---" {
        return (None, 0);
    }
    let yaml_start = start + first.len();
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let fm = FrontMatter {
                yaml: &text[yaml_start..offset],
                first_line: 2,
            };
            return (Some(fm), offset + line.len());
        }
        offset += line.len();
    }
    sink.diag_at(
        Diagnostic::warning(
            "card.front_matter_unclosed",
            sink.file,
            1,
            1,
            "front matter opened with `---` on line 1 is never closed",
        )
        .with_help("close it with a line holding only `---`; the file was read as Markdown without metadata"),
    );
    (None, 0)
}

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| re(r"\{\{\s*[\w.|() ,'\x22-]+\s*\}\}|\{%.*?%\}"));

/// Keys that only a model card's metadata has.
const CARD_KEYS: &[&str] = &[
    "pipeline_tag",
    "library_name",
    "base_model",
    "model-index",
    "model_name",
    "model_type",
    "co2_eq_emissions",
    "extra_gated_prompt",
    "extra_gated_fields",
    "base_model_relation",
];
const CARD_COMPANION_KEYS: &[&str] = &[
    "language",
    "tags",
    "datasets",
    "metrics",
    "widget",
    "inference",
    "license_name",
];

pub fn extract(rel_path: &str, text: &str) -> Extraction {
    let mut sink = Sink::new(rel_path, text);
    let (fm, body_start) = split_front_matter(&mut sink, text);
    let body = &text[body_start..];

    // A card template (placeholders where values should be) is not evidence of a model.
    let fm_placeholder = fm.as_ref().is_some_and(|f| PLACEHOLDER.is_match(f.yaml));
    let body_placeholders = PLACEHOLDER.find_iter(body).take(3).count();
    if fm_placeholder || body_placeholders >= 3 {
        let line = fm.as_ref().map_or(1, |f| f.first_line);
        sink.diag_at(
            Diagnostic::note(
                "card.template",
                rel_path,
                line,
                1,
                "this is a model card template: `{{ ... }}` placeholders stand where values should be",
            )
            .with_help("a template is not evidence about a model; fill it in (or ignore the file in .aiactignore)"),
        );
        sink.summary
            .push("model card template with placeholders; nothing extracted".into());
        return sink.finish(SourceKind::ModelCard);
    }

    let meta = fm.as_ref().and_then(|f| parse_front_matter(&mut sink, f));
    let doc = markdown::parse(body, body_start);
    let sections = find_sections(&doc);
    let name = super::file_name(rel_path);
    let fm_is_card = meta.as_ref().is_some_and(|(n, _)| {
        CARD_KEYS.iter().any(|k| n.get(k).is_some())
            || (n.get("license").is_some()
                && CARD_COMPANION_KEYS.iter().any(|k| n.get(k).is_some()))
    });
    let heading_says_card = doc
        .headings
        .iter()
        .any(|h| h.text.to_ascii_lowercase().contains("model card"));
    // Evaluation and licence sections are in any project README; the others are a card's.
    let card_sections = sections
        .iter()
        .filter(|s| !matches!(s.key, "evaluation" | "license"))
        .count();
    let strong_section = sections.iter().any(|s| s.key == "model_details");
    let is_card = is_card_name(name)
        || fm_is_card
        || heading_says_card
        || strong_section
        || card_sections >= 2;

    if let Some((node, shift)) = &meta {
        front_matter_facts(&mut sink, node, *shift, is_card);
    }
    if is_card && !sink.facts.iter().any(|f| f.id == "license") {
        prose_licence(&mut sink, &doc);
    }
    if is_card {
        for s in &sections {
            let f = sink.fact(
                &format!("card.section.{}", s.key),
                Value::Bool(true),
                Origin::Extracted,
                s.offset,
                &s.heading,
            );
            note(f, format!("section \"{}\" present", s.heading));
        }
        if !sections.is_empty() {
            let keys: Vec<&str> = sections.iter().map(|s| s.key).collect();
            sink.summary.push(format!("sections: {}", keys.join(", ")));
        }
    }
    read_quantities(&mut sink, &doc, is_card);
    if !sink.facts.iter().any(|f| f.id == "outputs") {
        table_outputs(&mut sink, &doc, is_card);
    }
    if is_card {
        open_source(&mut sink, &doc);
    }
    signals::scan_document(&mut sink, &doc);
    let kind = if is_card {
        SourceKind::ModelCard
    } else {
        SourceKind::Prose
    };
    if is_card {
        sink.summary.insert(0, "model card".into());
    }
    sink.finish(kind)
}

/// Parse front matter YAML; positions are shifted to lines of the whole file.
fn parse_front_matter(sink: &mut Sink<'_>, fm: &FrontMatter<'_>) -> Option<(Node, u64)> {
    let shift = fm.first_line - 1;
    match yaml::parse(fm.yaml) {
        Ok(n) => {
            match n.value {
                NodeValue::Map(_) => Some((n, shift)),
                NodeValue::Null => None,
                _ => {
                    sink.diag_at(Diagnostic::warning(
                    "card.front_matter_not_mapping",
                    sink.file,
                    n.pos.line + shift,
                    n.pos.column,
                    format!("front matter should be a mapping of keys (license, tags ...), found {}", n.kind()),
                ));
                    None
                }
            }
        }
        Err(e) => {
            let line = if e.pos.line == 0 {
                fm.first_line
            } else {
                e.pos.line + shift
            };
            sink.diag_at(
                Diagnostic::warning(
                    "yaml.syntax",
                    sink.file,
                    line,
                    e.pos.column,
                    format!("front matter is not valid YAML: {}", e.message),
                )
                .with_help(
                    "the card's metadata (license, tags ...) was not read; the Markdown body was",
                ),
            );
            None
        }
    }
}

/// Fact from a front-matter node, at its line.
fn fm_fact(
    sink: &mut Sink<'_>,
    id: &str,
    value: Value,
    node: &Node,
    shift: u64,
    text: &str,
) -> usize {
    sink.fact_at(
        id,
        value,
        Origin::Extracted,
        node.pos.line + shift,
        node.pos.column,
        text,
    );
    sink.facts.len() - 1
}

/// A string, or the strings of a list.
fn strings(n: &Node) -> Vec<String> {
    match &n.value {
        NodeValue::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
        NodeValue::Map(_) | NodeValue::Null => Vec::new(),
        _ => n.scalar_text().into_iter().collect(),
    }
}

fn expect_kind(sink: &mut Sink<'_>, key: &str, n: &Node, shift: u64, what: &str) {
    sink.diag_at(Diagnostic::warning(
        "card.metadata_type",
        sink.file,
        n.pos.line + shift,
        n.pos.column,
        format!(
            "`{key}` should be {what}, found {}; it was not read",
            n.kind()
        ),
    ));
}

fn front_matter_facts(sink: &mut Sink<'_>, root: &Node, shift: u64, is_card: bool) {
    let mut got: Vec<String> = Vec::new();
    // Licence: "other" with a license_name names the real licence.
    if let Some(lic) = root.get("license") {
        let ids = strings(lic);
        if ids.is_empty() {
            expect_kind(sink, "license", lic, shift, "a licence id");
        } else {
            let mut value = ids.join(" OR ");
            let name = root.get("license_name").and_then(Node::scalar_text);
            if value == "other"
                && let Some(n) = &name
            {
                value = n.clone();
            }
            let i = fm_fact(
                sink,
                "license",
                Value::Str(value.clone()),
                lic,
                shift,
                &format!("license: {}", ids.join(", ")),
            );
            sink.facts[i].note = Some("licence declared in the model card's metadata".into());
            got.push(format!("license {value}"));
        }
    }
    for (key, id) in [
        ("license_name", "card.license_name"),
        ("license_link", "card.license_link"),
    ] {
        if let Some(n) = root.get(key)
            && let Some(s) = n.scalar_text()
        {
            fm_fact(
                sink,
                id,
                Value::Str(s.clone()),
                n,
                shift,
                &format!("{key}: {s}"),
            );
        }
    }
    for (key, id) in [
        ("language", "card.language"),
        ("tags", "card.tags"),
        ("datasets", "card.datasets"),
        ("base_model", "card.base_model"),
        ("metrics", "card.metrics"),
    ] {
        if let Some(n) = root.get(key) {
            let list = strings(n);
            if list.is_empty() {
                if !matches!(n.value, NodeValue::Null) {
                    expect_kind(sink, key, n, shift, "a string or a list of strings");
                }
                continue;
            }
            let text = format!("{key}: {}", list.join(", "));
            fm_fact(sink, id, Value::List(list), n, shift, &text);
            got.push(key.to_string());
        }
    }
    for (key, id) in [
        ("pipeline_tag", "card.pipeline_tag"),
        ("library_name", "card.library_name"),
        ("base_model_relation", "card.base_model_relation"),
    ] {
        if let Some(n) = root.get(key) {
            match n.scalar_text() {
                Some(s) if !matches!(n.value, NodeValue::Null) => {
                    fm_fact(
                        sink,
                        id,
                        Value::Str(s.clone()),
                        n,
                        shift,
                        &format!("{key}: {s}"),
                    );
                    got.push(format!("{key} {s}"));
                }
                _ => expect_kind(sink, key, n, shift, "a string"),
            }
        }
    }
    if let Some(n) = root.get("pipeline_tag")
        && let Some(out) = n.as_str().and_then(outputs_of)
    {
        let i = fm_fact(
            sink,
            "outputs",
            Value::List(vec![out.to_string()]),
            n,
            shift,
            &format!("pipeline_tag: {}", n.as_str().unwrap_or("")),
        );
        sink.facts[i].note = Some(format!(
            "from the Hugging Face pipeline tag `{}`",
            n.as_str().unwrap_or("")
        ));
    }
    if let Some(n) = root.get("model-index") {
        let results = model_index(n);
        if !results.is_empty() {
            let text = results.join("; ");
            let i = fm_fact(
                sink,
                "card.eval_results",
                Value::List(results),
                n,
                shift,
                &text,
            );
            sink.facts[i].note = Some("evaluation results declared in model-index".into());
            got.push("model-index".into());
        }
    }
    if let Some(n) = root.get("co2_eq_emissions") {
        let (grams, extra) = match &n.value {
            NodeValue::Int(_) | NodeValue::Float(_) => (number_of(n), None),
            NodeValue::Map(_) => (
                n.get("emissions").and_then(number_of),
                n.get("hardware_used").and_then(Node::scalar_text),
            ),
            _ => (None, None),
        };
        match grams {
            Some(g) => {
                let i = fm_fact(
                    sink,
                    "card.co2_eq_emissions",
                    Value::Number(g),
                    n,
                    shift,
                    &format!("co2_eq_emissions: {}", format_number(g)),
                );
                let mut nt =
                    "training emissions in grams of CO2 equivalent (Hugging Face metadata)"
                        .to_string();
                if let Some(h) = extra {
                    nt.push_str(&format!("; hardware: {h}"));
                }
                sink.facts[i].note = Some(nt);
            }
            None => expect_kind(
                sink,
                "co2_eq_emissions",
                n,
                shift,
                "a number of grams or a mapping with `emissions`",
            ),
        }
    }
    gate(sink, root, shift);
    if !got.is_empty() {
        let what = if is_card { "metadata" } else { "front matter" };
        sink.summary.push(format!("{what}: {}", got.join(", ")));
    }
}

fn number_of(n: &Node) -> Option<f64> {
    match &n.value {
        NodeValue::Int(i) => Some(*i as f64),
        NodeValue::Float(f) if f.is_finite() => Some(*f),
        NodeValue::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// "dataset: metric = value" for each result of model-index (bounded).
fn model_index(n: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for model in n.as_seq().unwrap_or(&[]) {
        for r in model.get("results").and_then(Node::as_seq).unwrap_or(&[]) {
            let dataset = r
                .get("dataset")
                .and_then(|d| d.get("name").or(d.get("type")))
                .and_then(Node::scalar_text)
                .unwrap_or_else(|| "?".into());
            for m in r.get("metrics").and_then(Node::as_seq).unwrap_or(&[]) {
                let metric = m
                    .get("name")
                    .or(m.get("type"))
                    .and_then(Node::scalar_text)
                    .unwrap_or_else(|| "?".into());
                let value = m
                    .get("value")
                    .and_then(Node::scalar_text)
                    .unwrap_or_else(|| "?".into());
                if out.len() < 50 {
                    out.push(format!("{dataset}: {metric} = {value}"));
                }
            }
        }
    }
    out
}

/// The `outputs` choice a Hugging Face pipeline tag implies.
pub fn outputs_of(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "text-generation"
        | "text2text-generation"
        | "conversational"
        | "summarization"
        | "translation"
        | "question-answering"
        | "table-question-answering"
        | "fill-mask"
        | "automatic-speech-recognition"
        | "image-to-text"
        | "image-text-to-text"
        | "visual-question-answering"
        | "document-question-answering"
        | "video-text-to-text"
        | "audio-text-to-text"
        | "any-to-any" => "text",
        "text-to-image"
        | "image-to-image"
        | "unconditional-image-generation"
        | "image-inpainting" => "image",
        "text-to-speech" | "text-to-audio" | "audio-to-audio" => "audio",
        "text-to-video" | "image-to-video" | "video-to-video" => "video",
        "text-classification"
        | "token-classification"
        | "image-classification"
        | "audio-classification"
        | "zero-shot-classification"
        | "zero-shot-image-classification"
        | "video-classification"
        | "tabular-classification" => "classification",
        "object-detection"
        | "image-segmentation"
        | "zero-shot-object-detection"
        | "depth-estimation"
        | "feature-extraction"
        | "sentence-similarity"
        | "mask-generation"
        | "keypoint-detection" => "structured",
        "tabular-regression" | "time-series-forecasting" => "score",
        "reinforcement-learning" | "robotics" => "decision",
        "text-to-3d" | "image-to-3d" => "other",
        _ => return None,
    })
}

static EU_EXCLUDED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?is)(?:not\s+(?:be\s+)?(?:available|licensed|granted|permitted|allowed|offered|authori[sz]ed|eligible)|exclud\w*|prohibit\w*|restrict\w*|may\s+not|cannot|can't|unavailable|block\w*|domiciled\s+in|located\s+in|resid\w+\s+in)[^.;]{0,120}?\b(?:EU|European\s+Union|EEA)\b|\b(?:EU|European\s+Union|EEA)\b[^.;]{0,60}?(?:exclud\w*|not\s+(?:eligible|available|permitted|allowed|supported))",
    )
});

/// `extra_gated_*`: a gate is recorded; a gate that keeps the EU out says the model is
/// not offered on the EU market.
fn gate(sink: &mut Sink<'_>, root: &Node, shift: u64) {
    let Some(map) = root.as_map() else { return };
    let mut first: Option<&Node> = None;
    let mut texts: Vec<(String, &Node)> = Vec::new();
    for (k, v) in map {
        let Some(key) = k.as_str() else { continue };
        if !key.starts_with("extra_gated") {
            continue;
        }
        first.get_or_insert(k);
        collect_text(v, &mut texts, 0);
        if let Some(kt) = k.scalar_text() {
            texts.push((kt, k));
        }
    }
    let Some(first) = first else { return };
    fm_fact(
        sink,
        "card.gated",
        Value::Bool(true),
        first,
        shift,
        "extra_gated_*",
    );
    for (t, n) in texts {
        if let Some(m) = EU_EXCLUDED.find(&t) {
            let i = fm_fact(sink, "eu_market", Value::Bool(false), n, shift, m.as_str());
            sink.facts[i].note = Some(
                "the model's access gate keeps users in the EU out, so the provider does not offer it on the EU market; \
                 check it reaches the EU through no other channel (Art. 2(1))"
                    .into(),
            );
            sink.summary.push("access gate excludes the EU".into());
            return;
        }
    }
}

fn collect_text<'n>(n: &'n Node, out: &mut Vec<(String, &'n Node)>, depth: usize) {
    if depth > 16 {
        return;
    }
    match &n.value {
        NodeValue::Str(s) => out.push((s.clone(), n)),
        NodeValue::Seq(items) => items.iter().for_each(|i| collect_text(i, out, depth + 1)),
        NodeValue::Map(m) => {
            for (k, v) in m {
                if let Some(s) = k.as_str() {
                    out.push((s.to_string(), k));
                }
                collect_text(v, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// A standard section of a model card, found by its heading.
struct Section {
    key: &'static str,
    heading: String,
    offset: usize,
}

/// Heading patterns per section, checked in order (out-of-scope before intended use).
static SECTION_PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    vec![
        (
            "out_of_scope_use",
            re(
                r"(?i)out[- ]of[- ]scope|misuse|malicious use|prohibited use|not intended|范围外|禁止",
            ),
        ),
        (
            "intended_use",
            re(
                r"(?i)intended use|direct use|downstream use|primary intended|^(?:\d+\.?\s*)?uses?$|model use|use cases?|evaluated use|用途|使用场景",
            ),
        ),
        (
            "bias_risks_limitations",
            re(
                r"(?i)limitation|\bbias|\brisks?\b|fairness|broader implications|ethical considerations|caveats|局限|偏见|风险",
            ),
        ),
        (
            "training_data",
            re(r"(?i)training data|pre-?training data|^(?:\d+\.?\s*)?data$|datasets?$|训练数据"),
        ),
        (
            "training_procedure",
            re(
                r"(?i)training (?:procedure|details|setup|regime|hyperparameters)|^(?:\d+\.?\s*)?training$|hyperparameters|训练方法|训练细节",
            ),
        ),
        (
            "evaluation",
            re(r"(?i)evaluat|performance|benchmark|results|评测|评估"),
        ),
        (
            "environmental_impact",
            re(r"(?i)environmental|carbon|emissions|energy use|training energy|环境影响"),
        ),
        (
            "model_details",
            re(
                r"(?i)model (?:details|summary|description|specifications?|information|architecture)|模型介绍|模型详情",
            ),
        ),
        ("license", re(r"(?i)licen[cs]e|许可|协议")),
    ]
});

fn find_sections(doc: &Document) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for h in &doc.headings {
        let t = h
            .text
            .trim()
            .trim_matches(|c: char| !c.is_alphanumeric() && c != ')');
        for (key, pat) in SECTION_PATTERNS.iter() {
            if pat.is_match(t) {
                if !out.iter().any(|s| s.key == *key) {
                    out.push(Section {
                        key,
                        heading: h.text.clone(),
                        offset: h.offset,
                    });
                }
                break;
            }
        }
    }
    out
}

static PARAM_COL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\W*(?:#\s*)?(?:total\s+)?(?:param(?:eter)?s?(?:\s*count)?|model size)\W*$|参数量")
});
static TOKEN_COL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\W*(?:training\s+|pre-?training\s+)?tokens?(?:\s*count)?\W*$|预训练token数")
});
static GPU_COL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)gpu[\s-]*hours|gpu time"));

struct Found {
    value: f64,
    offset: usize,
    text: String,
    /// For GPU-hours: the accelerator named near the statement.
    hardware: Option<String>,
}

fn read_quantities(sink: &mut Sink<'_>, doc: &Document, is_card: bool) {
    let mut found: [Vec<Found>; 4] = Default::default();
    let slot = |k: Kind| match k {
        Kind::Parameters => 0,
        Kind::TrainingTokens => 1,
        Kind::TrainingFlops => 2,
        Kind::GpuHours => 3,
    };
    // The accelerator the card names anywhere near compute, for tables that give hours only.
    let doc_hw = doc
        .blocks
        .iter()
        .filter(|b| {
            let l = b.text.to_ascii_lowercase();
            l.contains("gpu") || l.contains("hardware") || l.contains("hours")
        })
        .find_map(|b| quantities::hardware(&b.text));
    for b in &doc.blocks {
        let mut qs: Vec<Quantity> = quantities::parameters(&b.text);
        if quantities::mentions_tokens(&b.text) {
            let context = format!("{} {}", b.section, b.text);
            qs.extend(quantities::training_tokens(&b.text, &context));
        }
        qs.extend(quantities::training_flops(&b.text));
        qs.extend(quantities::gpu_hours(&b.text));
        for q in qs {
            let hardware = (q.kind == Kind::GpuHours)
                .then(|| quantities::hardware(&b.text).or_else(|| doc_hw.clone()))
                .flatten();
            found[slot(q.kind)].push(Found {
                value: q.value,
                offset: b.source_offset(q.start),
                text: b.text[q.start..q.end].to_string(),
                hardware,
            });
        }
    }
    for t in &doc.tables {
        for (col, h) in t.header.iter().enumerate() {
            let kind = if PARAM_COL.is_match(h) && !h.to_ascii_lowercase().contains("activ") {
                Kind::Parameters
            } else if TOKEN_COL.is_match(h) {
                Kind::TrainingTokens
            } else if GPU_COL.is_match(h) {
                Kind::GpuHours
            } else {
                continue;
            };
            for row in &t.rows {
                let Some(Some(cell)) = row.get(col) else {
                    continue;
                };
                let Some(v) = quantities::cell_size(&cell.text, kind != Kind::GpuHours) else {
                    continue;
                };
                // A token column of a table with no training context could be anything
                // ("max tokens"); the header pattern is strict, so accept it.
                found[slot(kind)].push(Found {
                    value: v,
                    offset: cell.offset,
                    text: format!("{h}: {}", cell.text),
                    hardware: (kind == Kind::GpuHours).then(|| doc_hw.clone()).flatten(),
                });
            }
        }
    }
    let origin = if is_card {
        Origin::Extracted
    } else {
        Origin::Signal
    };
    let doubt = if is_card {
        ""
    } else {
        "; this file does not look like a model card, so the figure is a signal to confirm, not a fact"
    };
    if let Some((best, others)) = largest(&found[0]) {
        stated(
            sink,
            "parameters",
            best,
            &others,
            origin,
            "parameter count",
            doubt,
        );
        sink.summary.push(format!(
            "parameters: {}{}",
            human(best.value),
            if is_card { "" } else { " (signal)" }
        ));
    }
    if let Some((best, others)) = largest(&found[1]) {
        stated(
            sink,
            "training_tokens",
            best,
            &others,
            origin,
            "training tokens",
            doubt,
        );
        sink.summary.push(format!(
            "training tokens: {}{}",
            human(best.value),
            if is_card { "" } else { " (signal)" }
        ));
    }
    let stated_flops = largest(&found[2]);
    if let Some((best, others)) = &stated_flops {
        stated(
            sink,
            "training_flops",
            best,
            others,
            origin,
            "training compute",
            doubt,
        );
        sink.summary.push(format!(
            "training compute: {} FLOP",
            format_number(best.value)
        ));
    }
    if let Some((best, others)) = largest(&found[3]) {
        let hw = best.hardware.clone();
        let f = sink.fact(
            "card.gpu_hours",
            Value::Number(best.value),
            origin,
            best.offset,
            &best.text,
        );
        let on = hw
            .as_deref()
            .map(|h| format!(" on {h}"))
            .unwrap_or_default();
        note(
            f,
            format!(
                "accelerator hours used for training{on}{}{doubt}",
                several(&others)
            ),
        );
        if stated_flops.is_none()
            && let Some((hw, peak)) = hw
                .as_deref()
                .and_then(|h| quantities::peak_flops(h).map(|p| (h, p)))
        {
            let est = best.value * 3600.0 * peak * quantities::ASSUMED_UTILISATION;
            let (lo, hi) = quantities::UTILISATION_RANGE;
            let (low, high) = (
                best.value * 3600.0 * peak * lo,
                best.value * 3600.0 * peak * hi,
            );
            // A range across a threshold of the Act means the estimate cannot settle it.
            let straddle = [
                (1e25, "the 10^25 FLOP presumption of Art. 51(2)"),
                (
                    1e23,
                    "the 10^23 FLOP indicative criterion of the GPAI guidelines",
                ),
            ]
            .iter()
            .find(|(t, _)| low < *t && high > *t)
            .map(|(_, what)| format!("; the range straddles {what}, so state the real figure"))
            .unwrap_or_default();
            let origin = if is_card {
                Origin::Derived
            } else {
                Origin::Signal
            };
            let f = sink.fact(
                "training_flops",
                Value::Number(round3(est)),
                origin,
                best.offset,
                &best.text,
            );
            note(
                f,
                format!(
                    "estimate, not stated: {} {hw} GPU-hours x 3600 s x {} TFLOP/s ({hw} peak dense 16-bit) x {:.0}% assumed utilisation; \
                         at {:.0}-{:.0}% utilisation the range is {} to {} FLOP{straddle}{doubt}",
                    human(best.value),
                    format_number(peak / 1e12),
                    quantities::ASSUMED_UTILISATION * 100.0,
                    lo * 100.0,
                    hi * 100.0,
                    format_number(round3(best.value * 3600.0 * peak * lo)),
                    format_number(round3(best.value * 3600.0 * peak * hi)),
                ),
            );
            sink.summary.push(format!(
                "training compute: about {} FLOP (estimate from {} {hw} GPU-hours){}",
                format_number(round3(est)),
                human(best.value),
                if is_card { "" } else { " (signal)" }
            ));
        }
    }
}

static OUTPUT_COL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\W*output(?:s|\s+modalit(?:y|ies)|\s+types?)?\W*$"));

/// `outputs` from an "Output modalities" table column (the Llama cards): the kinds named in
/// its cells, in the catalogue's words.
fn table_outputs(sink: &mut Sink<'_>, doc: &Document, is_card: bool) {
    const KINDS: [(&str, &str); 6] = [
        ("text", "text"),
        ("code", "code"),
        ("image", "image"),
        ("audio", "audio"),
        ("speech", "audio"),
        ("video", "video"),
    ];
    for t in &doc.tables {
        let Some(col) = t.header.iter().position(|h| OUTPUT_COL.is_match(h)) else {
            continue;
        };
        let mut kinds: Vec<String> = Vec::new();
        let mut first: Option<(usize, String)> = None;
        for row in &t.rows {
            let Some(Some(cell)) = row.get(col) else {
                continue;
            };
            let lower = cell.text.to_lowercase();
            for (word, kind) in KINDS {
                if lower
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == word || w == format!("{word}s"))
                    && !kinds.iter().any(|k| k == kind)
                {
                    kinds.push(kind.to_string());
                    first.get_or_insert((cell.offset, format!("{}: {}", t.header[col], cell.text)));
                }
            }
        }
        if let Some((offset, text)) = first {
            let origin = if is_card {
                Origin::Extracted
            } else {
                Origin::Signal
            };
            let f = sink.fact("outputs", Value::List(kinds), origin, offset, &text);
            note(f, "from the output modalities the card's table states");
            return;
        }
    }
}

/// The largest value, and the distinct other values (a family card lists several models).
/// A figure the text states, as a fact whose note says so (and lists the other figures).
fn stated(
    sink: &mut Sink<'_>,
    id: &str,
    best: &Found,
    others: &[f64],
    origin: Origin,
    what: &str,
    doubt: &str,
) {
    let f = sink.fact(
        id,
        Value::Number(best.value),
        origin,
        best.offset,
        &best.text,
    );
    note(
        f,
        format!("{what} stated in the text{}{doubt}", several(others)),
    );
}

fn largest(v: &[Found]) -> Option<(&Found, Vec<f64>)> {
    let best = v.iter().fold(None::<&Found>, |b, f| match b {
        Some(b) if b.value >= f.value => Some(b),
        _ => Some(f),
    })?;
    let mut others: Vec<f64> = v
        .iter()
        .map(|f| f.value)
        .filter(|x| *x != best.value)
        .collect();
    others.sort_by(|a, b| a.total_cmp(b));
    others.dedup();
    Some((best, others))
}

fn several(others: &[f64]) -> String {
    if others.is_empty() {
        return String::new();
    }
    let list: Vec<String> = others.iter().map(|v| human(*v)).collect();
    format!(
        "; the text also states {}: the largest is taken (a card for a family of models, or total against partial figures)",
        list.join(", ")
    )
}

/// 405e9 → "405B", 2.788e6 → "2.788M".
pub fn human(v: f64) -> String {
    let (d, s) = if v >= 1e12 {
        (1e12, "T")
    } else if v >= 1e9 {
        (1e9, "B")
    } else if v >= 1e6 {
        (1e6, "M")
    } else if v >= 1e3 {
        (1e3, "K")
    } else {
        (1.0, "")
    };
    let x = (v / d * 1000.0).round() / 1000.0;
    format!("{}{s}", format_number(x))
}

/// Three significant digits: an estimate should not look precise.
fn round3(v: f64) -> f64 {
    // Through the decimal form, so 5.6e25 stays 5.6e25 rather than 5.5999999999999995e25.
    format!("{v:.2e}").parse().unwrap_or(v)
}

/// Licence names a card's prose may state, as they are written ("Apache 2.0 license", "the
/// Llama 3.1 Community License", "CreativeML OpenRAIL-M").
static LICENCE_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bApache(?:\s+License)?,?\s*(?:Version\s*|v)?2(?:\.0)?\b|\bMIT(?:\s+License)?\b|\bBSD[- ][23][- ]Clause\b|\b(?:A|L)?GPL[- ]?v?[23](?:\.0)?\b|\b(?:Llama|LLaMA)\s*\d(?:\.\d)?\s+Community\s+License\b|\b(?:CreativeML\s+)?Open\s?RAIL(?:\+\+)?(?:-[MS])?(?:\s+License)?|\bGemma\s+Terms\s+of\s+Use\b|\bCC[- ]BY(?:-NC)?(?:-SA|-ND)?[- ]\d\.\d\b",
    )
});
/// A statement about the code, not the model: code licences say nothing of the weights.
static ABOUT_CODE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:code|source files?|repository|repo|library|software|package)\b")
});
static ABOUT_MODEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:models?|weights?|checkpoints?|parameters)\b"));

/// A card without a licence in its metadata may state one in its text: under a "License"
/// heading or on a "License:" line. Read conservatively: the sentence must name a known
/// licence, and a sentence about the code alone (a library under MIT, the repository under
/// Apache 2.0) says nothing about the model's own licence.
fn prose_licence(sink: &mut Sink<'_>, doc: &Document) {
    let under_heading = |b: &markdown::Block| {
        b.section
            .rsplit(" / ")
            .next()
            .is_some_and(|h| h.to_ascii_lowercase().contains("licen"))
    };
    let labelled = |b: &markdown::Block| {
        let t = b.text.trim_start().to_ascii_lowercase();
        t.starts_with("license:") || t.starts_with("licence:")
    };
    for b in doc
        .blocks
        .iter()
        .filter(|b| !b.is_heading && (under_heading(b) || labelled(b)))
    {
        let mut start = 0;
        for sentence in b.text.split_inclusive(". ") {
            let at = start;
            start += sentence.len();
            if ABOUT_CODE.is_match(sentence) && !ABOUT_MODEL.is_match(sentence) {
                continue;
            }
            let Some(m) = LICENCE_NAME.find(sentence) else {
                continue;
            };
            let name = m.as_str().trim();
            if licenses::classify(name) == licenses::LicenceClass::Unknown {
                continue;
            }
            let offset = b.source_offset(at + m.start());
            let f = sink.fact(
                "license",
                Value::Str(name.to_string()),
                Origin::Extracted,
                offset,
                sentence.trim(),
            );
            note(
                f,
                "licence stated in the card's text (no `license` in its metadata)",
            );
            sink.summary.push(format!("license {name} (from the text)"));
            return;
        }
    }
}

static WEIGHTS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)open[- ]weights?|(?:download|release[sd]?|publish(?:ed)?|available)\b[^.\n]{0,40}\bweights|\bweights\b[^.\n]{0,40}\b(?:available|released|download|hugging ?face)|huggingface\.co/[\w-]+/[\w.-]+",
    )
});

/// `open_source`: false for a licence that restricts use; true only for an OSI licence
/// together with a statement that the weights are published.
fn open_source(sink: &mut Sink<'_>, doc: &Document) {
    let Some(lic) = sink
        .facts
        .iter()
        .find(|f| f.id == "license" && f.origin == Origin::Extracted)
        .cloned()
    else {
        return;
    };
    let Value::Str(l) = &lic.value else { return };
    let line = lic.provenance.line.unwrap_or(1);
    let col = lic.provenance.column.unwrap_or(1);
    match licenses::classify(l) {
        licenses::LicenceClass::Restrictive => {
            let f = sink.fact_at(
                "open_source",
                Value::Bool(false),
                Origin::Extracted,
                line,
                col,
                &format!("license: {l}"),
            );
            note(
                f,
                format!(
                    "licence `{l}` restricts use (use-based restrictions, field of use or user limits): not a free and \
                     open-source licence in the sense of Art. 2(12) and Art. 53(2) (rec. 102-104)"
                ),
            );
        }
        licenses::LicenceClass::OpenSource => {
            let weights = doc
                .blocks
                .iter()
                .find_map(|b| WEIGHTS.find(&b.text).map(|m| (b, m)));
            match weights {
                Some((b, m)) => {
                    let at = b.source_offset(m.start());
                    let (wl, _) = sink.index.line_col(at);
                    let f = sink.fact_at("open_source", Value::Bool(true), Origin::Extracted, line, col, &format!("license: {l}"));
                    note(
                        f,
                        format!(
                            "licence `{l}` is OSI-approved and the card says the weights are published (line {wl}: \"{}\"); \
                             Art. 53(2) also needs the architecture and usage information public, and no monetised component (rec. 103)",
                            super::text::excerpt(m.as_str(), 60)
                        ),
                    );
                }
                None => sink.summary.push(format!(
                    "licence {l} is open source, but the card does not say the weights are published: open_source not inferred"
                )),
            }
        }
        licenses::LicenceClass::Unknown => {}
    }
}

#[cfg(test)]
mod tests {

    fn licence_of(card: &str) -> Option<(String, Option<bool>)> {
        let x = extract("MODEL_CARD.md", card);
        let lic = x.facts.iter().find(|f| f.id == "license")?;
        let open = x
            .facts
            .iter()
            .find(|f| f.id == "open_source")
            .map(|f| f.value == Value::Bool(true));
        Some((lic.value.to_string(), open))
    }

    /// Cards without metadata state their licence in the text; only a sentence about the
    /// model (or its weights) with a known licence counts, never one about the code alone.
    #[test]
    fn licence_from_the_text() {
        /// The licence read, and `open_source` if it was inferred.
        type Read = (&'static str, Option<bool>);
        let card = "# Model Card\n\n## Model Details\n\nA model.\n\n";
        let grok = "## License\n\nThe code and associated weights in this release are licensed under the Apache 2.0 license.\n";
        let llama = "**License:** A custom commercial license, the Llama 3.1 Community License, is available at: https://example.com/LICENSE\n";
        // (what the card says after its details, the licence read, open_source if inferred)
        let cases: &[(String, Option<Read>)] = &[
            (llama.into(), Some(("Llama 3.1 Community License", Some(false)))),
            // A licence alone does not say the weights are published.
            (grok.into(), Some(("Apache 2.0", None))),
            (
                format!("{grok}\nThe weights are available on Hugging Face.\n"),
                Some(("Apache 2.0", Some(true))),
            ),
            (
                "License: CreativeML Open RAIL++-M License\n".into(),
                Some(("CreativeML Open RAIL++-M License", Some(false))),
            ),
            (
                "## License\n\nThis code repository and the model weights are licensed under the MIT License.\n".into(),
                Some(("MIT License", None)),
            ),
            // The code's licence is not the model's.
            ("## License\n\nThis library is licensed under the Apache 2.0 License.\n".into(), None),
            (
                "## License\n\nThis code repository is licensed under the MIT License. The use of the models is subject to the Model License.\n".into(),
                None,
            ),
            // A licence not named is not guessed.
            ("## License\n\nA custom commercial license is available on request.\n".into(), None),
            // Elsewhere in the card, a licence name is not a statement of the card's licence.
            (
                "## Training Data\n\nWe trained on text under the MIT License and other licences.\n".into(),
                None,
            ),
        ];
        for (text, want) in cases {
            let got = licence_of(&format!("{card}{text}"));
            let want = want.map(|(l, open)| (l.to_string(), open));
            assert_eq!(got, want, "{text}");
        }
        // The metadata's licence wins; the text is not read for one.
        let meta = format!(
            "---\nlicense: mit\n---\n{card}## License\n\nThe model is under the Llama 2 Community License.\n"
        );
        assert_eq!(licence_of(&meta).map(|l| l.0), Some("mit".into()));
    }
    use super::*;

    fn get<'a>(x: &'a Extraction, id: &str) -> Option<&'a crate::facts::Fact> {
        x.facts.iter().find(|f| f.id == id)
    }

    #[test]
    fn front_matter_fields_with_lines() {
        let t = "---\nlicense: apache-2.0\npipeline_tag: text-generation\ntags:\n  - llm\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Model\n\n## Intended uses\n\nChat. Weights are available on Hugging Face.\n";
        let x = extract("README.md", t);
        assert_eq!(x.kind, SourceKind::ModelCard);
        let l = get(&x, "license").unwrap();
        assert_eq!(l.value, Value::Str("apache-2.0".into()));
        assert_eq!(l.provenance.line, Some(2));
        assert_eq!(
            get(&x, "outputs").unwrap().value,
            Value::List(vec!["text".into()])
        );
        assert_eq!(get(&x, "card.tags").unwrap().provenance.line, Some(5));
        assert_eq!(
            get(&x, "card.section.intended_use")
                .unwrap()
                .provenance
                .line,
            Some(10)
        );
        assert_eq!(get(&x, "open_source").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn restrictive_licence_is_not_open_source() {
        let t = "---\nlicense: other\nlicense_name: llama3.1\nlicense_link: LICENSE\nlibrary_name: transformers\n---\n# x\n";
        let x = extract("README.md", t);
        assert_eq!(
            get(&x, "license").unwrap().value,
            Value::Str("llama3.1".into())
        );
        assert_eq!(get(&x, "open_source").unwrap().value, Value::Bool(false));
    }

    #[test]
    fn gate_excluding_the_eu() {
        let t = "---\nlicense: other\nextra_gated_prompt: >-\n  The rights granted are not being granted to you if you are domiciled in the European Union.\nextra_gated_fields:\n  Country: country\n---\n";
        let x = extract("README.md", t);
        let f = get(&x, "eu_market").unwrap();
        assert_eq!(f.value, Value::Bool(false));
        assert_eq!(f.origin, Origin::Extracted);
        assert_eq!(f.provenance.line, Some(4));
        let t = "---\nextra_gated_prompt: You agree to share your contact information.\n---\n";
        assert!(get(&extract("README.md", t), "eu_market").is_none());
    }

    #[test]
    fn hostile_front_matter() {
        let x = extract("README.md", "---\nlicense: mit\n# never closed\n");
        assert_eq!(x.diagnostics[0].code, "card.front_matter_unclosed");
        let x = extract(
            "modelcard_template.md",
            "---\n{{ card_data }}\n---\n# Model Card for {{ model_id }}\n",
        );
        assert_eq!(x.diagnostics[0].code, "card.template");
        assert!(x.facts.is_empty());
        let deep = format!(
            "---\na: {}{}\n---\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        let x = extract("README.md", &deep);
        assert_eq!(x.diagnostics[0].code, "yaml.syntax");
        let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let p = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            ));
        }
        bomb.push_str("---\n");
        let x = extract("README.md", &bomb);
        assert_eq!(x.diagnostics[0].code, "yaml.syntax");
        let x = extract("README.md", "---\nlicense: [a: b]: c\n---\n");
        assert!(!x.diagnostics.is_empty());
    }

    #[test]
    fn library_readme_numbers_are_signals() {
        let t = "# mylib\n\n## Usage\n\nRun a 7B model:\n\n```\nmylib run llama-7b\n```\n\nWorks with 70 billion parameters models too.\n";
        let x = extract("README.md", t);
        assert_eq!(x.kind, SourceKind::Prose);
        let p = get(&x, "parameters").unwrap();
        assert_eq!(p.origin, Origin::Signal);
        assert_eq!(p.value, Value::Number(70e9));
    }

    #[test]
    fn gpu_hours_give_an_estimate_with_the_assumption() {
        let t = "# Model Card\n\n## Training\n\nTraining used 2.788M H800 GPU hours.\n";
        let x = extract("MODEL_CARD.md", t);
        let f = get(&x, "training_flops").unwrap();
        assert_eq!(f.origin, Origin::Derived);
        assert!(f.note.as_deref().unwrap().contains("assumed utilisation"));
        assert_eq!(f.value, Value::Number(3.97e24));
    }

    #[test]
    fn names() {
        assert!(is_card_name("MODEL_CARD.md"));
        assert!(is_card_name("Stable_Diffusion_v1_Model_Card.md"));
        assert!(is_card_name("modelcard.md"));
        assert!(!is_card_name("README.md"));
        assert_eq!(human(405e9), "405B");
        assert_eq!(human(2.788e6), "2.788M");
    }
}
