//! The system manifest `aiact.yaml`: one AI system, declared by the people who build or use it.
//! Every key is checked against the fact catalogue; unknown keys and wrong types are errors
//! with file:line:column and a suggestion, never silently ignored.

use crate::decide::engine::Kind;
use crate::decide::pack::Pack;
use crate::decide::pack::load::convert_value;
use crate::diag::{Diagnostic, did_you_mean};
use crate::facts::{Fact, Origin, Provenance};
use crate::yaml::{self, Node, NodeValue};

pub const FILE_NAMES: &[&str] = &["aiact.yaml", "aiact.yml"];

const KEYS: &[&str] = &["name", "description", "role", "kind", "facts", "evidence"];

/// A parsed manifest. Its facts carry their positions in the file.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Path of the manifest relative to the scanned root.
    pub path: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: Kind,
    pub facts: Vec<Fact>,
    /// Where the team keeps the documents reviewers ask for (key → path), checked by the
    /// evidence checks; kept as written.
    pub evidence: Vec<(String, String, u64)>,
}

/// Parse a manifest. Returns the manifest when it is usable, and every problem found.
/// Problems with single keys do not stop the rest of the file from being read.
pub fn parse(path: &str, text: &str, pack: &Pack) -> (Option<Manifest>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(e.diagnostic("manifest.yaml", path).with_help(
                "aiact.yaml is YAML; see docs/manifest.md or run `aiact init` for a template",
            ));
            return (None, diags);
        }
    };
    let Some(map) = root.as_map() else {
        diags.push(Diagnostic::error(
            "manifest.shape",
            path,
            root.pos.line,
            root.pos.column,
            format!(
                "expected a mapping with `name`, `role` and `facts`, found {}",
                root.kind()
            ),
        ));
        return (None, diags);
    };
    let err =
        |diags: &mut Vec<Diagnostic>, n: &Node, code: &str, msg: String, help: Option<String>| {
            let mut d = Diagnostic::error(code, path, n.pos.line, n.pos.column, msg);
            if let Some(h) = help {
                d = d.with_help(h);
            }
            diags.push(d);
        };

    for (k, _) in map {
        match k.as_str() {
            Some(key) if KEYS.contains(&key) => {}
            Some(key) => {
                // A fact written at the top level is a common slip: say where it belongs.
                let help = if pack.fact(key).is_some() {
                    format!("`{key}` is a fact: put it under `facts:`")
                } else {
                    match did_you_mean(key, KEYS.iter().copied()) {
                        Some(s) => format!(
                            "did you mean `{s}`? top-level keys are: {}",
                            KEYS.join(", ")
                        ),
                        None => format!("top-level keys are: {}", KEYS.join(", ")),
                    }
                };
                err(
                    &mut diags,
                    k,
                    "manifest.unknown_key",
                    format!("unknown key `{key}`"),
                    Some(help),
                );
            }
            None => err(
                &mut diags,
                k,
                "manifest.unknown_key",
                "keys must be strings".into(),
                None,
            ),
        }
    }

    let name = match root.get("name") {
        Some(n) => match n.as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => {
                err(
                    &mut diags,
                    n,
                    "manifest.type",
                    format!("`name` must be a non-empty string, found {}", n.kind()),
                    None,
                );
                None
            }
        },
        None => {
            err(
                &mut diags,
                &root,
                "manifest.missing",
                "`name` is required: the AI system's name".into(),
                None,
            );
            None
        }
    };
    let description = match root.get("description") {
        None => None,
        Some(n) => match n.as_str() {
            Some(s) => Some(s.trim().to_string()),
            None => {
                err(
                    &mut diags,
                    n,
                    "manifest.type",
                    format!("`description` must be a string, found {}", n.kind()),
                    None,
                );
                None
            }
        },
    };
    let kind = match root.get("kind") {
        None => Kind::System,
        Some(n) => match n.as_str() {
            Some("system") => Kind::System,
            Some("model") => Kind::Model,
            _ => {
                let shown = n.scalar_text().unwrap_or_else(|| n.kind().into());
                err(
                    &mut diags,
                    n,
                    "manifest.type",
                    format!("`kind` must be `system` or `model`, found `{shown}`"),
                    None,
                );
                Kind::System
            }
        },
    };

    let mut facts = Vec::new();
    let mut fact_from =
        |key_node: &Node, id: &str, value_node: &Node, diags: &mut Vec<Diagnostic>| {
            let Some(def) = pack.fact(id) else {
                let help = match did_you_mean(id, pack.facts.keys().map(|s| s.as_str())) {
                    Some(s) => {
                        format!("did you mean `{s}`? every key is listed in docs/manifest.md")
                    }
                    None => "every fact id is listed in docs/manifest.md (or `aiact rules facts`)"
                        .into(),
                };
                err(
                    diags,
                    key_node,
                    "manifest.unknown_fact",
                    format!("unknown fact `{id}`"),
                    Some(help),
                );
                return;
            };
            match convert_value(value_node, def) {
                Ok(value) => {
                    let shown = value_node
                        .scalar_text()
                        .unwrap_or_else(|| value.to_string());
                    facts.push(Fact::new(
                        id,
                        value,
                        Origin::Declared,
                        Provenance::at(path, key_node.pos.line, key_node.pos.column)
                            .with_text(format!("{id}: {shown}")),
                    ));
                }
                Err(msg) => err(
                    diags,
                    value_node,
                    "manifest.type",
                    format!("`{id}`: {msg}"),
                    Some(format!(
                        "`{id}` is a {} fact: {}",
                        def.ty.as_str(),
                        def.question
                    )),
                ),
            }
        };

    if let Some(role) = root.get("role") {
        fact_from(&root_key(&root, "role"), "role", role, &mut diags);
    }
    if let Some(f) = root.get("facts") {
        match &f.value {
            NodeValue::Map(entries) => {
                for (k, v) in entries {
                    match k.scalar_text() {
                        Some(id) if !matches!(k.value, NodeValue::Null) => {
                            if id == "role" {
                                err(
                                    &mut diags,
                                    k,
                                    "manifest.unknown_fact",
                                    "`role` is a top-level key".into(),
                                    Some("write `role: provider` at the top level".into()),
                                );
                                continue;
                            }
                            fact_from(k, &id, v, &mut diags);
                        }
                        _ => err(
                            &mut diags,
                            k,
                            "manifest.type",
                            "fact ids must be strings".into(),
                            None,
                        ),
                    }
                }
            }
            NodeValue::Null => {}
            _ => err(
                &mut diags,
                f,
                "manifest.type",
                format!(
                    "`facts` must be a mapping of fact ids to values, found {}",
                    f.kind()
                ),
                None,
            ),
        }
    }

    let mut evidence = Vec::new();
    if let Some(e) = root.get("evidence") {
        match e.as_map() {
            Some(entries) => {
                for (k, v) in entries {
                    match (k.as_str(), v.as_str()) {
                        (Some(key), Some(p)) => {
                            evidence.push((key.to_string(), p.to_string(), k.pos.line))
                        }
                        _ => err(
                            &mut diags,
                            v,
                            "manifest.type",
                            "`evidence` maps a document kind to a path (string)".into(),
                            None,
                        ),
                    }
                }
            }
            None => err(
                &mut diags,
                e,
                "manifest.type",
                "`evidence` must be a mapping of document kinds to paths".into(),
                None,
            ),
        }
    }

    let Some(name) = name else {
        return (None, diags);
    };
    (
        Some(Manifest {
            path: path.to_string(),
            name,
            description,
            kind,
            facts,
            evidence,
        }),
        diags,
    )
}

fn root_key(root: &Node, key: &str) -> Node {
    root.as_map()
        .and_then(|m| {
            m.iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k.clone())
        })
        .unwrap_or_else(|| root.clone())
}
