//! Package manifests: which libraries a project depends on, matched against the catalogue
//! of AI/ML libraries in rules/evidence/libraries.yaml. A hit is a signal pointing at the
//! provisions the library's category suggests (an LLM SDK → `art50.1` ...); it never
//! decides a tier. One module per manifest format; each returns [`Dependency`] lists.

pub mod cargo;
pub mod catalogue;
pub mod conda;
pub mod gomod;
pub mod npm;
pub mod pipfile;
pub mod pyproject;
pub mod requirements;
pub mod setup_cfg;

use super::{Extraction, Sink, SourceKind, Tree};
use crate::facts::{Origin, Value};
pub use catalogue::{Catalogue, Ecosystem};

/// The manifest formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Requirements,
    Pyproject,
    SetupCfg,
    Pipfile,
    CondaEnv,
    PackageJson,
    CargoToml,
    GoMod,
}

impl Format {
    pub fn ecosystem(self) -> Ecosystem {
        match self {
            Format::Requirements | Format::Pyproject | Format::SetupCfg | Format::Pipfile => {
                Ecosystem::Pypi
            }
            Format::CondaEnv => Ecosystem::Conda,
            Format::PackageJson => Ecosystem::Npm,
            Format::CargoToml => Ecosystem::Cargo,
            Format::GoMod => Ecosystem::Go,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Requirements => "requirements",
            Format::Pyproject => "pyproject.toml",
            Format::SetupCfg => "setup.cfg",
            Format::Pipfile => "Pipfile",
            Format::CondaEnv => "conda environment",
            Format::PackageJson => "package.json",
            Format::CargoToml => "Cargo.toml",
            Format::GoMod => "go.mod",
        }
    }
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// The package name as written (normalised when matched).
    pub name: String,
    /// The line or entry as written, for provenance.
    pub spec: String,
    /// Byte offset of the entry in the file.
    pub offset: usize,
    /// Which ecosystem the name belongs to (a conda file's `pip:` list is PyPI).
    pub ecosystem: Ecosystem,
}

impl Dependency {
    /// A PyPI package named by a TOML key (Pipfile, Poetry): the key is the whole entry.
    pub fn pypi_key(name: &str, offset: usize) -> Dependency {
        Dependency {
            name: name.to_string(),
            spec: name.to_string(),
            offset,
            ecosystem: Ecosystem::Pypi,
        }
    }
}

/// The format of a manifest, from its file name.
pub fn manifest_format(rel_path: &str) -> Option<Format> {
    // Compared without lowercasing copies: this runs on every candidate file of a tree.
    let name = super::file_name(rel_path);
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    let starts = |p: &str| {
        name.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    let ends = |p: &str| {
        name.len() >= p.len()
            && name
                .get(name.len() - p.len()..)
                .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    let mentions_requirements = || {
        name.as_bytes()
            .windows(12)
            .any(|w| w.eq_ignore_ascii_case(b"requirements"))
    };
    Some(if is("pyproject.toml") {
        Format::Pyproject
    } else if is("setup.cfg") {
        Format::SetupCfg
    } else if is("pipfile") {
        Format::Pipfile
    } else if is("package.json") {
        Format::PackageJson
    } else if is("cargo.toml") {
        Format::CargoToml
    } else if is("go.mod") {
        Format::GoMod
    } else if (starts("environment") || starts("conda")) && (ends(".yml") || ends(".yaml")) {
        Format::CondaEnv
    } else if (ends(".txt") && (mentions_requirements() || in_requirements_dir(rel_path)))
        || (ends(".in") && mentions_requirements())
    {
        Format::Requirements
    } else {
        return None;
    })
}

/// `requirements/base.txt`: a file directly in a folder named `requirements`.
fn in_requirements_dir(rel_path: &str) -> bool {
    let dir = super::parent_dir(rel_path);
    let last = dir.rsplit(['/', '\\']).next().unwrap_or(dir);
    last.eq_ignore_ascii_case("requirements")
}

/// Read a manifest: its dependencies, and the catalogue hits among them.
pub fn extract(format: Format, rel_path: &str, text: &str, tree: &dyn Tree) -> Extraction {
    let mut sink = Sink::new(rel_path, text);
    let deps = match format {
        Format::Requirements => requirements::parse(&mut sink, text, tree),
        Format::Pyproject => pyproject::parse(&mut sink, text),
        Format::SetupCfg => setup_cfg::parse(&mut sink, text),
        Format::Pipfile => pipfile::parse(&mut sink, text),
        Format::CondaEnv => conda::parse(&mut sink, text),
        Format::PackageJson => npm::parse(&mut sink, text),
        Format::CargoToml => cargo::parse(&mut sink, text),
        Format::GoMod => gomod::parse(&mut sink, text),
    };
    match_catalogue(&mut sink, format, &deps, catalogue::default_catalogue());
    sink.finish(SourceKind::PackageManifest)
}

/// Turn catalogue hits into signals, one per provision per file (at the first dependency
/// that suggests it, the others named in the note), and list the hits in one
/// `dep.ai_libraries` fact.
fn match_catalogue(sink: &mut Sink<'_>, format: Format, deps: &[Dependency], cat: &Catalogue) {
    // provision → (offset and spec of the first dependency, [(category title, libraries)]).
    type Why = Vec<(String, Vec<String>)>;
    let mut by_provision: Vec<(String, usize, String, Why)> = Vec::new();
    let mut hits: Vec<String> = Vec::new();
    let mut first_offset = None;
    for dep in deps {
        let Some(lib) = cat.lookup(dep.ecosystem, &dep.name) else {
            continue;
        };
        let Some(category) = cat.category(&lib.category) else {
            continue;
        };
        if !hits.contains(&lib.name) {
            hits.push(lib.name.clone());
        }
        first_offset.get_or_insert(dep.offset);
        let name = match &lib.note {
            Some(n) => format!("`{}` ({n})", lib.name),
            None => format!("`{}`", lib.name),
        };
        for provision in &category.suggests {
            let i = match by_provision.iter().position(|(p, ..)| p == provision) {
                Some(i) => i,
                None => {
                    by_provision.push((
                        provision.clone(),
                        dep.offset,
                        dep.spec.clone(),
                        Vec::new(),
                    ));
                    by_provision.len() - 1
                }
            };
            let whys = &mut by_provision[i].3;
            match whys.iter_mut().find(|(t, _)| *t == category.title) {
                Some((_, libs)) => {
                    if !libs.contains(&name) {
                        libs.push(name.clone());
                    }
                }
                None => whys.push((category.title.clone(), vec![name.clone()])),
            }
        }
    }
    for (provision, offset, spec, whys) in by_provision {
        let f = sink.fact(&provision, Value::Bool(true), Origin::Signal, offset, &spec);
        let parts: Vec<String> = whys
            .iter()
            .map(|(title, libs)| format!("{} ({title})", libs.join(", ")))
            .collect();
        super::note(
            f,
            format!(
                "declared dependencies suggest {provision}: {}; to be confirmed",
                parts.join("; ")
            ),
        );
    }
    let n = deps.len();
    if hits.is_empty() {
        sink.summary.push(format!(
            "{}: {n} dependencies, none in the AI/ML catalogue",
            format.as_str()
        ));
    } else {
        sink.summary.push(format!(
            "{}: {n} dependencies, AI/ML: {}",
            format.as_str(),
            hits.join(", ")
        ));
        let offset = first_offset.unwrap_or(0);
        let text = hits.join(", ");
        let f = sink.fact(
            "dep.ai_libraries",
            Value::List(hits),
            Origin::Extracted,
            offset,
            &text,
        );
        super::note(
            f,
            "AI/ML libraries among the declared dependencies (rules/evidence/libraries.yaml)",
        );
    }
}

/// PEP 508: the distribution name at the start of a requirement string.
pub(crate) fn pep508_name(spec: &str) -> Option<&str> {
    let s = spec.trim_start();
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let name = s[..end].trim_end_matches('.');
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(name)
}

/// TOML documents read through the span-keeping parser. Refuses nesting deeper than
/// [`crate::extract::json::MAX_DEPTH`] before parsing, because the TOML parser recurses
/// into inline arrays and tables without a limit of its own.
pub(crate) fn parse_toml<'t>(
    sink: &mut Sink<'_>,
    text: &'t str,
) -> Option<toml::Spanned<toml::de::DeTable<'t>>> {
    if let Some(offset) = too_deep(text, super::json::MAX_DEPTH) {
        let (line, col) = sink.index.line_col(offset);
        sink.diag_at(crate::diag::Diagnostic::warning(
            "toml.too_deep",
            sink.file,
            line,
            col,
            "TOML nested too deeply; the file was not read",
        ));
        return None;
    }
    match toml::de::DeTable::parse(text) {
        Ok(t) => Some(t),
        Err(e) => {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let (line, col) = sink.index.line_col(offset);
            sink.diag_at(
                crate::diag::Diagnostic::warning(
                    "toml.syntax",
                    sink.file,
                    line,
                    col,
                    format!("invalid TOML: {}", e.message().trim()),
                )
                .with_help("fix the TOML syntax; dependencies in this file were not read"),
            );
            None
        }
    }
}

/// The offset where bracket nesting first exceeds `max`, ignoring quoted strings.
pub(crate) fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' && q == b'"' {
                escaped = true;
            } else if b == q || b == b'\n' {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = Some(b),
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Helpers over the TOML span tree.
pub(crate) mod tomlx {
    use toml::Spanned;
    use toml::de::{DeTable, DeValue};

    pub fn table<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
        match t.get(key)?.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Entries of a table with the span of each key.
    pub fn entries<'a, 'i>(
        t: &'a DeTable<'i>,
    ) -> impl Iterator<Item = (&'a str, usize, &'a Spanned<DeValue<'i>>)> {
        t.iter()
            .map(|(k, v)| (k.get_ref().as_ref(), k.span().start, v))
    }

    pub fn str_of<'a>(v: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        }
    }

    /// The strings of an array value, each with its span start.
    pub fn strings<'a>(v: &'a Spanned<DeValue<'_>>) -> Vec<(&'a str, usize)> {
        match v.get_ref() {
            DeValue::Array(a) => a
                .iter()
                .filter_map(|e| match e.get_ref() {
                    DeValue::String(s) => Some((s.as_ref(), e.span().start)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name() {
        assert_eq!(
            manifest_format("a/requirements-dev.txt"),
            Some(Format::Requirements)
        );
        assert_eq!(
            manifest_format("REQUIREMENTS.txt"),
            Some(Format::Requirements)
        );
        assert_eq!(
            manifest_format("requirements/_base.txt"),
            Some(Format::Requirements)
        );
        assert_eq!(manifest_format("x/environment.yml"), Some(Format::CondaEnv));
        assert_eq!(manifest_format("Pipfile"), Some(Format::Pipfile));
        assert_eq!(manifest_format("notes.txt"), None);
        assert_eq!(manifest_format("Pipfile.lock"), None);
    }

    #[test]
    fn pep508_names() {
        assert_eq!(pep508_name("torch>=1.10"), Some("torch"));
        assert_eq!(pep508_name("jax[cuda12-pip]==0.4.25"), Some("jax"));
        assert_eq!(
            pep508_name("face_recognition @ git+https://x"),
            Some("face_recognition")
        );
        assert_eq!(pep508_name("-r x.txt"), None);
    }

    #[test]
    fn deep_toml_is_refused() {
        let t = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let x = extract(
            Format::Pyproject,
            "pyproject.toml",
            &t,
            &super::super::NoTree,
        );
        assert_eq!(x.diagnostics[0].code, "toml.too_deep");
    }

    #[test]
    fn invalid_toml_gives_a_diagnostic_with_position() {
        let x = extract(
            Format::CargoToml,
            "Cargo.toml",
            "[package]\nname = \"x\"\n[dependencies\n",
            &super::super::NoTree,
        );
        assert_eq!(x.diagnostics.len(), 1);
        assert_eq!(x.diagnostics[0].code, "toml.syntax");
        assert_eq!(x.diagnostics[0].line, 3);
    }
}
