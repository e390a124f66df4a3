//! SARIF 2.1.0, for code-scanning annotations on a pull request. Written by hand with serde
//! (as cargo-deny and ruff do): the subset we need is small.
//!
//! What becomes a result:
//! - each trigger that decides a classification (tier, GPAI status, scope), anchored at the
//!   fact that decided it (the manifest or model card line), else at the system's manifest;
//! - each undetermined system (`aiact.undetermined`), at its manifest;
//! - each finding (`evidence.conflict`, `signal.needs_review` ...) and each input problem
//!   (`manifest.unknown_fact` ...), where it was found.
//!
//! GitHub rejects empty strings, so every optional text is omitted when empty, never "".
//! Nothing depends on the clock: fingerprints hash the system path and the rule id.

use super::model::{FindingLevel, Report, SystemReport};
use crate::decide::outcome::{Tier, Trigger};
use crate::decide::pack::Pack;
use crate::diag::Severity;
use crate::facts::Fact;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where people learn about the tool: the crate's repository when Cargo.toml names one,
/// otherwise the Regulation the rules implement (a stable, official address).
fn information_uri() -> &'static str {
    match option_env!("CARGO_PKG_REPOSITORY") {
        Some(r) if !r.is_empty() => r,
        _ => "https://eur-lex.europa.eu/eli/reg/2024/1689/oj",
    }
}

/// The rule of an undetermined classification: not a rule of the pack, a result of the engine.
pub const UNDETERMINED_RULE: &str = "aiact.undetermined";

/// Rules that aiact itself reports (not from the pack): id, short and full description.
const TOOL_RULES: &[(&str, &str, &str)] = &[
    (
        UNDETERMINED_RULE,
        "Classification undetermined",
        "The evidence does not decide the system's tier yet: answer the open questions listed in the message (in aiact.yaml or with `aiact assess`).",
    ),
    (
        "evidence.conflict",
        "Sources disagree about a fact",
        "Two sources give different values for one fact; the one with the higher precedence (declared > answered > extracted) is used.",
    ),
    (
        "signal.needs_review",
        "A signal needs review",
        "A keyword or dependency suggests a provision may apply. A signal never decides by itself: confirm or rule it out in aiact.yaml.",
    ),
];

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
    column_kind: &'static str,
    properties: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    version: String,
    semantic_version: String,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Tags>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Tags {
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u64>,
}

/// Render the report as SARIF. `base` is the scanned folder as the user named it, relative
/// to the repository root (`""` for the root): report paths are relative to the scanned
/// folder, code scanning wants them relative to the repository.
pub fn render(report: &Report, pack: &Pack, base: &str) -> Result<String, serde_json::Error> {
    let mut rules: Vec<Descriptor> = pack.rules.iter().map(pack_rule).collect();
    // A trigger always comes from a pack rule, but the report may have been decided with
    // another pack than the one given here: declare such rules from the trigger itself, so
    // every result names a declared rule.
    for s in &report.systems {
        for t in &s.triggers {
            if !rules.iter().any(|r| r.id == t.rule) {
                rules.push(trigger_rule(t));
            }
        }
    }
    for (id, short, full) in TOOL_RULES {
        rules.push(tool_rule(id, short, full, "warning"));
    }
    // Codes of findings and input problems that the table above does not describe.
    let mut extra: BTreeMap<String, &'static str> = BTreeMap::new();
    for s in &report.systems {
        for f in &s.findings {
            extra.insert(f.code.clone(), finding_level(&f.level));
        }
    }
    for d in &report.diagnostics {
        extra.insert(d.code.clone(), severity_level(d.severity));
    }
    for (code, level) in extra {
        if !rules.iter().any(|r| r.id == code) {
            let short = format!("Input problem `{code}`");
            rules.push(tool_rule(
                &code,
                &short,
                "A file could not be read or understood as written; the message says where and what was expected.",
                level,
            ));
        }
    }
    let index: BTreeMap<String, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();

    let mut results = Vec::new();
    for s in &report.systems {
        system_results(s, base, &index, &mut results);
    }
    for d in &report.diagnostics {
        let (line, column) = (d.line.max(1), (d.column > 0).then_some(d.column));
        let mut text = d.message.clone();
        if let Some(h) = d.help.as_deref().filter(|h| !h.is_empty()) {
            text = format!("{text} ({h})");
        }
        results.push(SarifResult {
            rule_id: d.code.clone(),
            rule_index: index.get(&d.code).copied(),
            level: severity_level(d.severity),
            message: Text {
                text: non_empty(text, &d.code),
            },
            // Diagnostics already name the file as the user can open it (scan root included).
            locations: vec![location("", &d.file, line, column)],
            related_locations: Vec::new(),
            partial_fingerprints: fingerprint(&[&d.file, &d.code, &line.to_string()]),
        });
    }

    let mut properties = BTreeMap::new();
    properties.insert("asOf", report.as_of.to_string());
    properties.insert("lawText", report.law.text.clone());
    properties.insert(
        "rulePack",
        format!("{} {}", report.rule_pack.name, report.rule_pack.version),
    );
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: non_empty(report.tool.name.clone(), "aiact"),
                    version: non_empty(report.tool.version.clone(), env!("CARGO_PKG_VERSION")),
                    semantic_version: env!("CARGO_PKG_VERSION").to_string(),
                    information_uri: information_uri(),
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
            properties,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log)?;
    s.push('\n');
    Ok(s)
}

fn system_results(
    s: &SystemReport,
    base: &str,
    index: &BTreeMap<String, usize>,
    out: &mut Vec<SarifResult>,
) {
    for t in s.triggers.iter().filter(|t| t.decides != "derived") {
        let (anchor, related) = anchor_of(t);
        let loc = match anchor {
            Some(f) => fact_location(f, base, &s.source),
            None => location(base, &s.source, 1, None),
        };
        let related_locations = related
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut l = fact_location(f, base, &s.source);
                l.id = Some(i + 1);
                l.message = Some(Text { text: fact_text(f) });
                l
            })
            .collect();
        out.push(SarifResult {
            rule_id: t.rule.clone(),
            rule_index: index.get(&t.rule).copied(),
            level: trigger_level(t, s.tier),
            message: Text {
                text: trigger_message(s, t),
            },
            locations: vec![loc],
            related_locations,
            partial_fingerprints: fingerprint(&[&s.path, &t.rule]),
        });
    }
    if s.tier == Tier::Undetermined {
        let ids: Vec<&str> = s.open_questions.iter().map(|q| q.id.as_str()).collect();
        let mut text = format!(
            "{}: the tier is undetermined; {} open question(s) decide it",
            display_name(s),
            ids.len()
        );
        if !ids.is_empty() {
            text.push_str(&format!(": {}", ids.join(", ")));
        }
        text.push_str(". Answer them in the manifest or with `aiact assess`.");
        out.push(SarifResult {
            rule_id: UNDETERMINED_RULE.to_string(),
            rule_index: index.get(UNDETERMINED_RULE).copied(),
            level: "warning",
            message: Text { text },
            locations: vec![location(base, &s.source, 1, None)],
            related_locations: Vec::new(),
            partial_fingerprints: fingerprint(&[&s.path, UNDETERMINED_RULE]),
        });
    }
    for f in &s.findings {
        let (file, line) = if f.file.is_empty() {
            (s.source.as_str(), 1)
        } else {
            (f.file.as_str(), f.line.max(1))
        };
        out.push(SarifResult {
            rule_id: f.code.clone(),
            rule_index: index.get(&f.code).copied(),
            level: finding_level(&f.level),
            message: Text {
                text: non_empty(format!("{}: {}", display_name(s), f.message), &f.code),
            },
            locations: vec![location(base, file, line, None)],
            related_locations: Vec::new(),
            // Several findings share a code: the place tells them apart.
            partial_fingerprints: fingerprint(&[&s.path, &f.code, file, &line.to_string()]),
        });
    }
}

/// The fact a trigger is best shown at: the fact named like the provision (`annex3.4.a`)
/// if it came from a file, else the first with a file. The others become related locations.
fn anchor_of(t: &Trigger) -> (Option<&Fact>, Vec<&Fact>) {
    let located: Vec<&Fact> = t
        .evidence
        .iter()
        .filter(|f| f.provenance.file.as_deref().is_some_and(|p| !p.is_empty()))
        .collect();
    let anchor = located
        .iter()
        .find(|f| f.id == t.id)
        .or_else(|| located.first())
        .copied();
    let related = located
        .into_iter()
        .filter(|f| anchor.is_none_or(|a| !std::ptr::eq(*f, a)))
        .collect();
    (anchor, related)
}

fn fact_location(f: &Fact, base: &str, fallback: &str) -> Location {
    let file = f.provenance.file.as_deref().unwrap_or(fallback);
    let line = f.provenance.line.unwrap_or(1).max(1);
    let column = f.provenance.column.filter(|c| *c > 0);
    location(base, file, line, column)
}

fn location(base: &str, file: &str, line: u64, column: Option<u64>) -> Location {
    Location {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(base, file),
            },
            region: Region {
                start_line: line.max(1),
                start_column: column,
            },
        },
        message: None,
    }
}

/// A relative URI for `base/file`: `/` separators, no `./`, reserved bytes percent-encoded.
pub fn uri(base: &str, file: &str) -> String {
    let file = file.replace('\\', "/");
    let base = base.replace('\\', "/");
    let base = base.trim_start_matches("./").trim_end_matches('/');
    let joined = if base.is_empty() || base == "." || file.starts_with('/') {
        file.clone()
    } else {
        format!("{base}/{file}")
    };
    let joined = joined.trim_start_matches("./");
    let mut out = String::with_capacity(joined.len());
    for b in joined.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        // Never an empty string (GitHub rejects them); the system's folder itself.
        out.push('.');
    }
    out
}

fn trigger_level(t: &Trigger, tier: Tier) -> &'static str {
    let decided = t.decides.strip_prefix("tier: ").unwrap_or("");
    let level = match decided {
        "prohibited" => Tier::Prohibited,
        "high_risk" => Tier::HighRisk,
        "" => tier,
        _ => Tier::LimitedRisk,
    };
    match level {
        Tier::Prohibited => "error",
        Tier::HighRisk | Tier::Undetermined => "warning",
        _ => "note",
    }
}

fn trigger_message(s: &SystemReport, t: &Trigger) -> String {
    let what = match t.decides.as_str() {
        d if d.starts_with("tier: ") => format!("is {}", words(&d[6..])),
        d if d.starts_with("gpai: ") => format!("is a {}", words(&d[6..])),
        d if d.starts_with("obligation: ") => format!("has the obligation {}", &d[12..]),
        "out_of_scope" => "is outside the scope of the AI Act".to_string(),
        "not_ai_system" => "is not an AI system under Art. 3(1)".to_string(),
        d => format!("is decided `{d}`"),
    };
    let mut text = format!("{} {what} under {}", display_name(s), t.id);
    if !t.title.is_empty() {
        text.push_str(&format!(" ({})", t.title));
    }
    text.push('.');
    if !t.evidence.is_empty() {
        let ev: Vec<String> = t.evidence.iter().map(fact_text).collect();
        text.push_str(&format!(" Evidence: {}.", ev.join("; ")));
    }
    if let Some(d) = t.applies_from {
        if t.in_force {
            text.push_str(&format!(" Applies since {d}."));
        } else {
            text.push_str(&format!(" Applies from {d}."));
        }
    }
    if t.status != crate::decide::pack::SourceStatus::Binding {
        text.push_str(&format!(
            " Rests on {} text, not the binding Regulation alone.",
            t.status.as_str()
        ));
    }
    text
}

fn fact_text(f: &Fact) -> String {
    let mut s = format!("{} = {} ({}", f.id, f.value, f.origin.as_str());
    let loc = f.provenance.location();
    if !loc.is_empty() {
        s.push_str(&format!(", {loc}"));
    }
    s.push(')');
    s
}

fn words(id: &str) -> String {
    match id {
        "high_risk" => "high-risk".into(),
        "limited_risk" => "limited-risk (transparency duties)".into(),
        "minimal_risk" => "minimal-risk".into(),
        "prohibited" => "a prohibited practice".into(),
        "gpai" => "general-purpose AI model".into(),
        "gpai_systemic_risk" => "general-purpose AI model with systemic risk".into(),
        other => other.replace('_', " "),
    }
}

fn display_name(s: &SystemReport) -> String {
    if s.name.trim().is_empty() {
        s.source.clone()
    } else {
        s.name.clone()
    }
}

fn pack_rule(r: &crate::decide::pack::Rule) -> Descriptor {
    let level = match &r.decides {
        crate::decide::pack::Decision::Tier(t) => match t.as_str() {
            "prohibited" => "error",
            "high_risk" => "warning",
            _ => "note",
        },
        _ => "note",
    };
    let cites = r.cites.join(", ");
    let mut help = String::new();
    if !r.summary.is_empty() {
        help.push_str(&r.summary);
        help.push_str("\n\n");
    }
    if !cites.is_empty() {
        help.push_str(&format!("Cites: {cites} (Regulation (EU) 2024/1689). "));
    }
    help.push_str(&format!(
        "Basis: {}. Run `aiact rules explain {}` for the condition, dates and test cases.",
        r.status.as_str(),
        r.id
    ));
    let mut tags = vec!["eu-ai-act".to_string(), r.status.as_str().to_string()];
    tags.dedup();
    Descriptor {
        id: r.id.clone(),
        name: pascal(&r.title),
        short_description: some_text(&r.title),
        full_description: some_text(if r.summary.is_empty() {
            &r.title
        } else {
            &r.summary
        }),
        help: Some(Help { text: help }),
        default_configuration: Configuration { level },
        properties: Some(Tags { tags }),
    }
}

fn trigger_rule(t: &Trigger) -> Descriptor {
    let mut help = t.summary.clone();
    if !t.cites.is_empty() {
        if !help.is_empty() {
            help.push_str("\n\n");
        }
        help.push_str(&format!(
            "Cites: {} (Regulation (EU) 2024/1689).",
            t.cites.join(", ")
        ));
    }
    Descriptor {
        id: t.rule.clone(),
        name: pascal(&t.title),
        short_description: some_text(&t.title),
        full_description: some_text(if t.summary.is_empty() {
            &t.title
        } else {
            &t.summary
        }),
        help: (!help.trim().is_empty()).then_some(Help { text: help }),
        default_configuration: Configuration {
            level: trigger_level(t, Tier::MinimalRisk),
        },
        properties: Some(Tags {
            tags: vec!["eu-ai-act".to_string(), t.status.as_str().to_string()],
        }),
    }
}

fn tool_rule(id: &str, short: &str, full: &str, level: &'static str) -> Descriptor {
    Descriptor {
        id: id.to_string(),
        name: pascal(short),
        short_description: some_text(short),
        full_description: some_text(full),
        help: Some(Help {
            text: full.to_string(),
        }),
        default_configuration: Configuration { level },
        properties: Some(Tags {
            tags: vec!["eu-ai-act".to_string()],
        }),
    }
}

fn some_text(s: &str) -> Option<Text> {
    let t = s.trim();
    (!t.is_empty()).then(|| Text {
        text: t.to_string(),
    })
}

/// `Recruitment and selection of people` → `RecruitmentAndSelectionOfPeople`.
fn pascal(s: &str) -> Option<String> {
    let out: String = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

fn non_empty(s: String, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

fn finding_level(l: &FindingLevel) -> &'static str {
    match l {
        FindingLevel::Error => "error",
        FindingLevel::Warning => "warning",
        FindingLevel::Note => "note",
    }
}

fn severity_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A stable fingerprint: FNV-1a (64 bit) over the parts, separated by NUL. Written out here
/// rather than taken from std's hasher, whose output may change between Rust releases.
fn fingerprint(parts: &[&str]) -> BTreeMap<&'static str, String> {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    let mut h = OFFSET;
    for (i, p) in parts.iter().enumerate() {
        let sep: &[u8] = if i > 0 { &[0] } else { &[] };
        for b in sep.iter().chain(p.as_bytes()) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    }
    let mut m = BTreeMap::new();
    m.insert("aiactSystemRule/v1", format!("{h:016x}"));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_to_the_repository_and_encoded() {
        assert_eq!(uri("", "aiact.yaml"), "aiact.yaml");
        assert_eq!(uri(".", "aiact.yaml"), "aiact.yaml");
        assert_eq!(
            uri("./fixtures/hirerank/", "aiact.yaml"),
            "fixtures/hirerank/aiact.yaml"
        );
        assert_eq!(uri("a b", "c#d.yaml"), "a%20b/c%23d.yaml");
        assert_eq!(uri("x", "dir\\f.yaml"), "x/dir/f.yaml");
        assert_eq!(uri("", ""), ".");
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(&["services/cv", "annex3.4.a"]);
        assert_eq!(a, fingerprint(&["services/cv", "annex3.4.a"]));
        assert_ne!(a, fingerprint(&["services/cv", "annex3.4.b"]));
        // The separator keeps `ab|c` and `a|bc` apart.
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        // Pinned: a change here changes every alert's identity on GitHub.
        assert_eq!(
            fingerprint(&["", ""])
                .get("aiactSystemRule/v1")
                .map(String::as_str),
            Some("af63bd4c8601b7df")
        );
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(
            pascal("Recruitment and selection of people").as_deref(),
            Some("RecruitmentAndSelectionOfPeople")
        );
        assert_eq!(pascal(" - "), None);
    }
}
