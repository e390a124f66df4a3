//! The catalogue of AI/ML libraries (rules/evidence/libraries.yaml), loaded once.

use crate::diag::Diagnostic;
use crate::yaml::Node;
use std::collections::HashMap;
use std::sync::OnceLock;

const DEFAULT: &str = include_str!("../../../rules/evidence/libraries.yaml");
const FILE: &str = "rules/evidence/libraries.yaml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    Pypi,
    Conda,
    Npm,
    Cargo,
    Go,
}

impl Ecosystem {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pypi" => Ecosystem::Pypi,
            "conda" => Ecosystem::Conda,
            "npm" => Ecosystem::Npm,
            "cargo" => Ecosystem::Cargo,
            "go" => Ecosystem::Go,
            _ => return None,
        })
    }

    /// Names compare after the ecosystem's own normalisation.
    pub fn normalise(self, name: &str) -> String {
        let lower = name.trim().to_ascii_lowercase();
        match self {
            // PEP 503: runs of -, _ and . are equivalent.
            Ecosystem::Pypi | Ecosystem::Conda => {
                let mut out = String::with_capacity(lower.len());
                for c in lower.chars() {
                    let c = if matches!(c, '_' | '.') { '-' } else { c };
                    if !(c == '-' && out.ends_with('-')) {
                        out.push(c);
                    }
                }
                out
            }
            // Cargo treats - and _ as the same crate name.
            Ecosystem::Cargo => lower.replace('_', "-"),
            Ecosystem::Npm | Ecosystem::Go => lower,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Category {
    pub title: String,
    pub suggests: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Library {
    pub name: String,
    pub category: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    categories: HashMap<String, Category>,
    /// (ecosystem, normalised name) → library.
    by_name: HashMap<(Ecosystem, String), Library>,
    /// Go modules match by path prefix (a sub-package of a module is the module).
    go_prefixes: Vec<(String, Library)>,
}

/// The catalogue embedded in the binary. The file is ours and tested; should it ever fail
/// to load, an empty catalogue is used rather than a panic.
pub fn default_catalogue() -> &'static Catalogue {
    CATALOGUE.get_or_init(embedded)
}

static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

fn embedded() -> Catalogue {
    Catalogue::from_yaml(FILE, DEFAULT).unwrap_or_default()
}

/// The embedded catalogue extended by `evidence/libraries.yaml` of each rule folder, in
/// order: a later entry for the same package replaces an earlier one, a category may be
/// redefined, new ones are added.
pub fn extended(files: &[(String, String)]) -> Result<Catalogue, Vec<Diagnostic>> {
    let mut cat = embedded();
    let mut errors = Vec::new();
    for (file, text) in files {
        match Catalogue::parse_over(cat.clone(), file, text) {
            Ok(c) => cat = c,
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(cat)
    } else {
        Err(errors)
    }
}

/// Use `cat` for every scan of this process; `false` if scanning has already begun.
pub fn install(cat: Catalogue) -> bool {
    CATALOGUE.set(cat).is_ok()
}

impl Catalogue {
    /// Load a catalogue, collecting every error with its position.
    pub fn from_yaml(file: &str, text: &str) -> Result<Catalogue, Vec<Diagnostic>> {
        Self::parse_over(Catalogue::default(), file, text)
    }

    /// A file read on top of `base`: its libraries may use `base`'s categories.
    fn parse_over(base: Catalogue, file: &str, text: &str) -> Result<Catalogue, Vec<Diagnostic>> {
        let root = crate::decide::pack::embedded::parse_yaml(text)
            .map_err(|e| vec![e.diagnostic("evidence.yaml", file)])?;
        let mut errors = Vec::new();
        let mut cat = base;
        let err = |n: &Node, m: String| {
            Diagnostic::error("evidence.catalogue", file, n.pos.line, n.pos.column, m)
        };
        for (k, v) in root.get("categories").and_then(Node::as_map).unwrap_or(&[]) {
            let Some(id) = k.as_str() else { continue };
            let title = v
                .get("title")
                .and_then(Node::as_str)
                .unwrap_or(id)
                .to_string();
            let suggests: Vec<String> = v
                .get("suggests")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect();
            if suggests.is_empty() {
                errors.push(err(v, format!("category `{id}` suggests no provision")));
            }
            cat.categories
                .insert(id.to_string(), Category { title, suggests });
        }
        for entry in root.get("libraries").and_then(Node::as_seq).unwrap_or(&[]) {
            let Some(name) = entry.get("name").and_then(Node::scalar_text) else {
                errors.push(err(entry, "a library needs a `name`".into()));
                continue;
            };
            let Some(category) = entry.get("category").and_then(Node::as_str) else {
                errors.push(err(entry, format!("library `{name}` needs a `category`")));
                continue;
            };
            if !cat.categories.contains_key(category) {
                let known: Vec<&str> = cat.categories.keys().map(String::as_str).collect();
                let mut d = err(
                    entry,
                    format!("library `{name}`: unknown category `{category}`"),
                );
                if let Some(s) = crate::diag::did_you_mean(category, known) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                errors.push(d);
                continue;
            }
            let lib = Library {
                name: name.clone(),
                category: category.to_string(),
                note: entry.get("note").and_then(Node::as_str).map(str::to_string),
            };
            let ecosystems = entry
                .get("ecosystems")
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            if ecosystems.is_empty() {
                errors.push(err(entry, format!("library `{name}` needs `ecosystems`")));
            }
            for e in ecosystems {
                let Some(eco) = e.as_str().and_then(Ecosystem::parse) else {
                    errors.push(err(
                        e,
                        "unknown ecosystem; expected pypi, conda, npm, cargo or go".into(),
                    ));
                    continue;
                };
                if eco == Ecosystem::Go {
                    let prefix = eco.normalise(&name);
                    cat.go_prefixes.retain(|(p, _)| *p != prefix);
                    cat.go_prefixes.push((prefix, lib.clone()));
                }
                cat.by_name.insert((eco, eco.normalise(&name)), lib.clone());
            }
        }
        if errors.is_empty() {
            Ok(cat)
        } else {
            Err(errors)
        }
    }

    pub fn lookup(&self, eco: Ecosystem, name: &str) -> Option<&Library> {
        let n = eco.normalise(name);
        if let Some(l) = self.by_name.get(&(eco, n.clone())) {
            return Some(l);
        }
        match eco {
            // conda environments carry PyPI names too.
            Ecosystem::Conda => self.by_name.get(&(Ecosystem::Pypi, n)),
            Ecosystem::Go => self
                .go_prefixes
                .iter()
                .filter(|(p, _)| n.starts_with(p.as_str()) && n[p.len()..].starts_with('/'))
                // The most specific module wins, whichever file named it.
                .max_by_key(|(p, _)| p.len())
                .map(|(_, l)| l),
            _ => None,
        }
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.get(id)
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_loads() {
        let c = Catalogue::from_yaml(FILE, DEFAULT).unwrap_or_else(|e| panic!("{e:#?}"));
        assert!(c.len() > 150);
        assert_eq!(
            c.lookup(Ecosystem::Pypi, "Face_Recognition")
                .unwrap()
                .category,
            "face"
        );
        assert_eq!(
            c.lookup(Ecosystem::Conda, "pytorch").unwrap().category,
            "ml"
        );
        assert_eq!(
            c.lookup(Ecosystem::Conda, "transformers").unwrap().category,
            "ml"
        );
        assert_eq!(
            c.lookup(
                Ecosystem::Go,
                "github.com/sashabaranov/go-openai/jsonschema"
            )
            .unwrap()
            .category,
            "llm"
        );
        assert!(
            c.lookup(Ecosystem::Go, "github.com/sashabaranov/go-openaix")
                .is_none()
        );
        assert!(c.lookup(Ecosystem::Npm, "torch").is_none());
        // Every provision a category suggests is an id of the scheme.
        let id = regex::Regex::new(r"^(art\d+(\.[0-9a-z]+)*|annex\d+(\.[0-9a-z]+)*)$").unwrap();
        for cat in c.categories.values() {
            for s in &cat.suggests {
                assert!(id.is_match(s), "{s}");
            }
        }
    }

    #[test]
    fn errors_point_at_entries() {
        let e = Catalogue::from_yaml("x.yaml", "categories:\n  ml: {title: t, suggests: [art3.1]}\nlibraries:\n  - {name: a, ecosystems: [pypi], category: mll}\n").unwrap_err();
        assert_eq!(e[0].line, 4);
        assert_eq!(e[0].help.as_deref(), Some("did you mean `ml`?"));
    }
}
