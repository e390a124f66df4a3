//! The words of the Markdown and HTML reports, per language, kept as data:
//! `templates/i18n/<code>.yaml`, embedded in the binary. Another language is one more file
//! with the same keys; no code changes. Templates read them as `msg` (`msg.tier.high_risk`),
//! and the environment's strict undefined turns a missing word into an error, not a blank.
//!
//! Only the report's own words are translated. The rule pack's titles, summaries and
//! questions, and the engine's messages, stay as written (English in the default pack).

use super::templates::EMBEDDED_TEMPLATES;
use crate::yaml::{self, Node, NodeValue};
use serde::Serialize;
use std::collections::BTreeMap;

pub const DEFAULT_LANG: &str = "en";
const DIR: &str = "templates/i18n/";

/// One entry of a catalogue: a text, or a group of entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Entry {
    Text(String),
    Group(BTreeMap<String, Entry>),
}

pub type Catalogue = BTreeMap<String, Entry>;

/// The language codes with a catalogue, sorted.
pub fn languages() -> Vec<&'static str> {
    let mut out: Vec<&str> = EMBEDDED_TEMPLATES
        .iter()
        .filter_map(|(path, _)| path.strip_prefix(DIR)?.strip_suffix(".yaml"))
        .collect();
    out.sort_unstable();
    out
}

/// The catalogue of a language, or an error naming the languages there are.
pub fn catalogue(lang: &str) -> Result<Catalogue, String> {
    let path = format!("{DIR}{lang}.yaml");
    let text = EMBEDDED_TEMPLATES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            format!(
                "no report language `{lang}`; available: {}",
                languages().join(", ")
            )
        })?;
    parse(&path, text)
}

/// Parse a catalogue file: a mapping whose values are texts or mappings of the same kind.
pub fn parse(path: &str, text: &str) -> Result<Catalogue, String> {
    let node =
        yaml::parse(text).map_err(|e| format!("{path}:{}:{}: {e}", e.pos.line, e.pos.column))?;
    match group(path, &node)? {
        Entry::Group(map) => Ok(map),
        Entry::Text(_) => Err(format!("{path}: expected a mapping of messages")),
    }
}

fn group(path: &str, node: &Node) -> Result<Entry, String> {
    let at = |n: &Node| format!("{path}:{}:{}", n.pos.line, n.pos.column);
    match &node.value {
        NodeValue::Str(s) if !s.trim().is_empty() => Ok(Entry::Text(s.clone())),
        NodeValue::Map(pairs) => {
            let mut map = BTreeMap::new();
            for (k, v) in pairs {
                let Some(key) = k.scalar_text() else {
                    return Err(format!("{}: a key must be a plain word", at(k)));
                };
                if map.insert(key.clone(), group(path, v)?).is_some() {
                    return Err(format!("{}: `{key}` appears twice", at(k)));
                }
            }
            Ok(Entry::Group(map))
        }
        _ => Err(format!(
            "{}: expected a non-empty text or a mapping, found {}",
            at(node),
            node.kind()
        )),
    }
}

/// Every key path of a catalogue with its text (`tier.high_risk` → `High-risk`).
pub fn flatten(cat: &Catalogue) -> BTreeMap<String, String> {
    fn walk(prefix: &str, map: &Catalogue, out: &mut BTreeMap<String, String>) {
        for (k, v) in map {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                Entry::Text(t) => {
                    out.insert(key, t.clone());
                }
                Entry::Group(g) => walk(&key, g, out),
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", cat, &mut out);
    out
}

/// The `{name}` placeholders of a message, sorted.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    out.push(name.to_string());
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_french_are_embedded() {
        let langs = languages();
        assert!(langs.contains(&"en"), "{langs:?}");
        assert!(langs.contains(&"fr"), "{langs:?}");
    }

    /// Every language has exactly the keys of English, with the same placeholders: a
    /// missing word would be an error at render time, an extra one a typo.
    #[test]
    fn every_language_has_every_key_of_english() {
        let en = flatten(&catalogue("en").expect("en parses"));
        for lang in languages() {
            let other = flatten(&catalogue(lang).unwrap_or_else(|e| panic!("{e}")));
            let missing: Vec<&String> = en.keys().filter(|k| !other.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang}.yaml lacks {missing:?}");
            let extra: Vec<&String> = other.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(
                extra.is_empty(),
                "{lang}.yaml has keys en.yaml lacks: {extra:?}"
            );
            for (k, text) in &en {
                assert_eq!(
                    placeholders(text),
                    placeholders(&other[k]),
                    "{lang}.yaml `{k}` has other placeholders than en.yaml"
                );
            }
        }
    }

    #[test]
    fn a_missing_key_is_detected() {
        let en = flatten(&catalogue("en").expect("en parses"));
        let partial =
            flatten(&parse("x.yaml", "title: Titre\ntier:\n  high_risk: Haut\n").expect("parses"));
        assert!(en.keys().any(|k| !partial.contains_key(k)));
    }

    #[test]
    fn unknown_language_lists_the_available_ones() {
        let err = catalogue("xx").expect_err("no xx");
        assert!(err.contains("en") && err.contains("fr"), "{err}");
    }

    #[test]
    fn malformed_catalogues_point_at_the_line() {
        let err = parse("de.yaml", "title: Bericht\ntier:\n  high_risk: [a, b]\n")
            .expect_err("a list is not a message");
        assert!(err.starts_with("de.yaml:3:"), "{err}");
        let err = parse("de.yaml", "title: ''\n").expect_err("empty");
        assert!(err.starts_with("de.yaml:1:"), "{err}");
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(
            placeholders("State them in {source} ({n}, {n})"),
            ["n", "source"]
        );
        assert!(placeholders("no {braces here} {}").is_empty());
    }
}
