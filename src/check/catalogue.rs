//! The evidence catalogue (rules/evidence/checks.yaml): which document each obligation
//! needs, where to look by default, which sections it must have. Data, not code, so a legal
//! team can change it; loaded in two steps like rule packs, every error with its position.

use crate::decide::pack::embedded;
use crate::diag::{Diagnostic, did_you_mean};
use crate::yaml::{self, Node};
use std::path::Path;

pub const DEFAULT_PATH: &str = "rules/evidence/checks.yaml";

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub kinds: Vec<Kind>,
}

#[derive(Debug, Clone)]
pub struct Kind {
    pub id: String,
    pub title: String,
    pub obligations: Vec<String>,
    pub paths: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub headings: Vec<String>,
    /// `headings` as `outline::normalise` gives them, once per catalogue, not per document.
    pub normalised_headings: Vec<String>,
    pub front_matter: Vec<String>,
    pub required: bool,
    pub obligations: Vec<String>,
}

/// `art50.4` covers `art50.4.sub1`: an obligation id matches a listed id or extends it.
pub fn covers(listed: &str, obligation: &str) -> bool {
    obligation == listed
        || (obligation.starts_with(listed) && obligation[listed.len()..].starts_with('.'))
}

impl Catalogue {
    pub fn kind(&self, id: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.id == id)
    }

    /// The kinds that evidence an obligation, in catalogue order.
    pub fn kinds_for(&self, obligation: &str) -> Vec<&Kind> {
        self.kinds
            .iter()
            .filter(|k| k.obligations.iter().any(|o| covers(o, obligation)))
            .collect()
    }

    /// Kinds of a later catalogue replace earlier ones with the same id; new ones are added.
    fn merge(&mut self, other: Catalogue) {
        for k in other.kinds {
            match self.kinds.iter_mut().find(|e| e.id == k.id) {
                Some(e) => *e = k,
                None => self.kinds.push(k),
            }
        }
    }
}

impl Section {
    pub fn applies_to(&self, obligation: &str) -> bool {
        self.obligations.is_empty() || self.obligations.iter().any(|o| covers(o, obligation))
    }
}

/// The embedded catalogue, then `evidence/checks.yaml` of each `--rules` folder in order.
pub fn load(rule_dirs: &[&Path]) -> Result<Catalogue, Vec<Diagnostic>> {
    let text = embedded::file(DEFAULT_PATH).unwrap_or("");
    let mut cat = parse(DEFAULT_PATH, text)?;
    let mut errors = Vec::new();
    for d in rule_dirs {
        let p = d.join("evidence").join("checks.yaml");
        if !p.is_file() {
            continue;
        }
        let shown = p.display().to_string();
        match std::fs::read_to_string(&p) {
            Ok(t) => match parse(&shown, &t) {
                Ok(c) => cat.merge(c),
                Err(e) => errors.extend(e),
            },
            Err(e) => errors.push(Diagnostic::error(
                "evidence.read",
                shown,
                0,
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(cat)
    } else {
        Err(errors)
    }
}

const KIND_KEYS: &[&str] = &["id", "title", "obligations", "paths", "sections"];
const SECTION_KEYS: &[&str] = &[
    "id",
    "title",
    "headings",
    "front_matter",
    "required",
    "obligations",
];

struct Parser<'a> {
    file: &'a str,
    errors: Vec<Diagnostic>,
}

impl Parser<'_> {
    fn err(&mut self, n: &Node, msg: impl Into<String>) {
        self.errors.push(Diagnostic::error(
            "evidence.catalogue",
            self.file,
            n.pos.line,
            n.pos.column,
            msg,
        ));
    }

    fn keys(&mut self, n: &Node, allowed: &[&str], what: &str) {
        for (k, _) in n.as_map().unwrap_or_default() {
            let Some(key) = k.as_str() else {
                self.err(k, "keys must be strings");
                continue;
            };
            if !allowed.contains(&key) {
                let help = match did_you_mean(key, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`? "),
                    None => String::new(),
                };
                let msg = format!(
                    "unknown key `{key}` in {what}; {help}keys are: {}",
                    allowed.join(", ")
                );
                self.err(k, msg);
            }
        }
    }

    fn string(&mut self, n: &Node, key: &str, required: bool) -> String {
        match n.get(key) {
            Some(v) => match v.as_str() {
                Some(s) if !s.trim().is_empty() => s.trim().to_string(),
                _ => {
                    self.err(v, format!("`{key}` must be a non-empty string"));
                    String::new()
                }
            },
            None => {
                if required {
                    self.err(n, format!("`{key}` is required"));
                }
                String::new()
            }
        }
    }

    fn list(&mut self, n: &Node, key: &str) -> Vec<String> {
        let Some(v) = n.get(key) else {
            return Vec::new();
        };
        let Some(items) = v.as_seq() else {
            self.err(v, format!("`{key}` must be a list of strings"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in items {
            match i.as_str() {
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                _ => self.err(i, format!("`{key}` must hold non-empty strings")),
            }
        }
        out
    }

    fn section(&mut self, n: &Node) -> Option<Section> {
        if n.as_map().is_none() {
            self.err(
                n,
                "a section is a mapping with `id`, `title` and `headings`",
            );
            return None;
        }
        self.keys(n, SECTION_KEYS, "a section");
        let required = match n.get("required") {
            None => true,
            Some(v) => match v.value {
                yaml::NodeValue::Bool(b) => b,
                _ => {
                    self.err(v, "`required` must be true or false");
                    true
                }
            },
        };
        let headings = self.list(n, "headings");
        let s = Section {
            id: self.string(n, "id", true),
            title: self.string(n, "title", true),
            normalised_headings: headings
                .iter()
                .map(|h| super::outline::normalise(h))
                .collect(),
            headings,
            front_matter: self.list(n, "front_matter"),
            required,
            obligations: self.list(n, "obligations"),
        };
        if s.headings.is_empty() && s.front_matter.is_empty() {
            self.err(
                n,
                "a section needs `headings` or `front_matter` to be found by",
            );
        }
        Some(s)
    }

    fn kind(&mut self, n: &Node) -> Option<Kind> {
        if n.as_map().is_none() {
            self.err(
                n,
                "a kind is a mapping with `id`, `title`, `obligations`, `paths`, `sections`",
            );
            return None;
        }
        self.keys(n, KIND_KEYS, "an evidence kind");
        let id = self.string(n, "id", true);
        let title = self.string(n, "title", true);
        let obligations = self.list(n, "obligations");
        if obligations.is_empty() {
            self.err(
                n,
                format!("kind `{id}` needs `obligations`: the ids it evidences"),
            );
        }
        let paths = self.list(n, "paths");
        for p in &paths {
            if Path::new(p).is_absolute() || p.split(['/', '\\']).any(|c| c == "..") {
                let pos = n.get("paths").unwrap_or(n).clone();
                self.err(
                    &pos,
                    format!(
                        "default path `{p}` must be relative to the system's folder, without `..`"
                    ),
                );
            }
        }
        let mut sections = Vec::new();
        match n.get("sections") {
            None => {}
            Some(v) => match v.as_seq() {
                Some(items) => {
                    for i in items {
                        if let Some(s) = self.section(i) {
                            if sections.iter().any(|e: &Section| e.id == s.id) {
                                self.err(
                                    i,
                                    format!("duplicate section id `{}` in kind `{id}`", s.id),
                                );
                            }
                            sections.push(s);
                        }
                    }
                }
                None => self.err(v, "`sections` must be a list"),
            },
        }
        Some(Kind {
            id,
            title,
            obligations,
            paths,
            sections,
        })
    }
}

/// Parse one catalogue file, collecting every error.
pub fn parse(file: &str, text: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    let root = crate::decide::pack::embedded::parse_yaml(text)
        .map_err(|e| vec![e.diagnostic("evidence.catalogue", file)])?;
    let mut p = Parser {
        file,
        errors: Vec::new(),
    };
    let mut cat = Catalogue::default();
    if root.value != yaml::NodeValue::Null {
        p.keys(&root, &["kinds"], "the evidence catalogue");
        match root.get("kinds").map(|k| (k, k.as_seq())) {
            Some((_, Some(items))) => {
                for i in items {
                    if let Some(k) = p.kind(i) {
                        if cat.kinds.iter().any(|e| e.id == k.id) {
                            p.err(i, format!("duplicate kind id `{}`", k.id));
                        }
                        cat.kinds.push(k);
                    }
                }
            }
            Some((k, None)) => p.err(k, "`kinds` must be a list"),
            None => p.err(&root, "expected a mapping with `kinds:`"),
        }
    }
    if p.errors.is_empty() {
        Ok(cat)
    } else {
        Err(p.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalogue_loads() {
        let cat = load(&[]).expect("embedded catalogue is valid");
        for id in [
            "art9",
            "art10",
            "art11",
            "art12",
            "art13",
            "art14",
            "art15",
            "art53.1.c",
            "art53.1.d",
            "art50.1",
            "art50.2",
            "art50.4.sub1",
        ] {
            assert!(!cat.kinds_for(id).is_empty(), "no evidence kind for {id}");
        }
        assert!(cat.kinds_for("art26").is_empty());
    }

    #[test]
    fn errors_have_positions_and_suggestions() {
        let text = "kinds:\n  - id: x\n    title: X\n    obligations: [art9]\n    paths: [../up.md]\n    sections:\n      - id: s\n        title: S\n        headngs: [a]\n";
        let errs = parse("c.yaml", text).unwrap_err();
        let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            shown
                .iter()
                .any(|s| s.contains("c.yaml:5:") && s.contains("..")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.contains("c.yaml:9:9") && s.contains("did you mean `headings`")),
            "{shown:?}"
        );
    }

    #[test]
    fn obligation_ids_cover_their_sub_points() {
        assert!(covers("art50.4", "art50.4.sub1"));
        assert!(covers("art9", "art9"));
        assert!(!covers("art5", "art50.1"));
        assert!(!covers("art50.1", "art50"));
    }
}
