//! Extract: read what one scanned file says and turn it into facts with provenance.
//!
//! Every extractor is a pure function of (path, text): no file system, no network, no
//! panics. A file that cannot be read as what its name says gives a [`Diagnostic`] and
//! whatever could still be read. One module per source kind; [`extract_file`] dispatches.
//!
//! Fact ids: catalogue ids (rules/law/core.yaml) where the value is structured and
//! reliable (`parameters`, `license`, `eu_market` ...), namespaced ids (`card.*`, `bom.*`,
//! `spdx.*`, `dep.*`) for other observations; the engine ignores ids it does not know,
//! the report and the evidence checks read them. Keyword and dependency hits are
//! [`Origin::Signal`] facts that point at a provision id and never decide a tier.

pub mod cyclonedx;
pub mod json;
pub mod licenses;
pub mod manifest;
pub mod markdown;
pub mod model_card;
pub mod packages;
pub mod quantities;
pub mod signals;
pub mod spdx;
pub mod text;

use crate::diag::Diagnostic;
use crate::facts::{Fact, Origin, Provenance, Value};
use serde::Serialize;
use text::LineIndex;

/// What kind of evidence a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A model card (Hugging Face style or plain Markdown), or a README acting as one.
    ModelCard,
    /// A CycloneDX BOM (1.5/1.6, JSON) with or without machine-learning components.
    CycloneDx,
    /// An SPDX 3 JSON-LD document (AI and dataset profiles).
    Spdx,
    /// A package manifest (requirements.txt, pyproject.toml, package.json ...).
    PackageManifest,
    /// Documentation prose: only keyword signals are read from it.
    Prose,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::ModelCard => "model_card",
            SourceKind::CycloneDx => "cyclonedx",
            SourceKind::Spdx => "spdx",
            SourceKind::PackageManifest => "package_manifest",
            SourceKind::Prose => "prose",
        }
    }
}

/// What one file yielded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extraction {
    pub kind: SourceKind,
    pub facts: Vec<Fact>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the file yielded, one line each, for the report's evidence inventory.
    pub summary: Vec<String>,
}

/// What an extractor may ask about the rest of the tree (a requirements file's `-r`
/// include). The walk provides it; tests and single-file use pass [`NoTree`].
pub trait Tree {
    /// Whether a file exists, by path relative to the scanned root with `/` separators.
    fn exists(&self, rel_path: &str) -> Option<bool>;
}

/// Knows nothing about other files: includes are listed, never checked.
pub struct NoTree;

impl Tree for NoTree {
    fn exists(&self, _rel_path: &str) -> Option<bool> {
        None
    }
}

/// Files whose name says they may hold evidence. The walk reads only these (and JSON
/// files, whose kind is told by content). Cheap: a look at the name only.
/// A cheap first look at a file name, before the path is built: `false` when no file of that
/// name can be evidence ([`is_candidate`] would refuse it wherever it is). Case-insensitive,
/// and without allocating: a large tree is mostly source files.
pub fn may_be_candidate(name: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "json", "jsonld", "md", "markdown", "rst", "txt", "in", "yml", "yaml", "toml", "cfg", "mod",
    ];
    const NAMES: &[&str] = &["readme", "pipfile"];
    match name.rsplit_once('.') {
        Some((_, ext)) => EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)),
        None => NAMES.iter().any(|n| name.eq_ignore_ascii_case(n)),
    }
}

pub fn is_candidate(rel_path: &str) -> bool {
    let name = file_name(rel_path);
    let ends_with = |suffix: &str| {
        name.len() >= suffix.len()
            && name
                .get(name.len() - suffix.len()..)
                .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
    };
    // aiact's own report (the default name `aiact assess` offers) is output, not evidence:
    // read back, its quotes of the law would raise signals about the system.
    if name
        .get(..13)
        .is_some_and(|start| start.eq_ignore_ascii_case("aiact-report."))
    {
        return false;
    }
    [".json", ".jsonld", ".md", ".markdown", ".rst"]
        .iter()
        .any(|e| ends_with(e))
        || name.eq_ignore_ascii_case("readme")
        || name.eq_ignore_ascii_case("readme.txt")
        || packages::manifest_format(rel_path).is_some()
}

/// The library catalogue and the prose signals extended by `evidence/libraries.yaml` and
/// `evidence/signals.yaml` of each rule folder (`--rules DIR`); `None` where no folder has
/// such a file. Every error of every file is collected.
pub fn rule_folder_patterns(
    dirs: &[&std::path::Path],
) -> Result<
    (
        Option<packages::catalogue::Catalogue>,
        Option<signals::SignalSet>,
    ),
    Vec<Diagnostic>,
> {
    let mut errors = Vec::new();
    let mut read = |name: &str| -> Vec<(String, String)> {
        let mut files = Vec::new();
        for dir in dirs {
            let path = dir.join("evidence").join(name);
            if !path.is_file() {
                continue;
            }
            let shown = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => files.push((shown, text)),
                Err(e) => errors.push(Diagnostic::error(
                    "evidence.read",
                    shown,
                    0,
                    0,
                    format!("cannot read: {e}"),
                )),
            }
        }
        files
    };
    let (libraries, signal_files) = (read("libraries.yaml"), read("signals.yaml"));
    let catalogue = if libraries.is_empty() {
        None
    } else {
        packages::catalogue::extended(&libraries)
            .map_err(|e| errors.extend(e))
            .ok()
    };
    let signals = if signal_files.is_empty() {
        None
    } else {
        signals::extended(&signal_files)
            .map_err(|e| errors.extend(e))
            .ok()
    };
    if errors.is_empty() {
        Ok((catalogue, signals))
    } else {
        Err(errors)
    }
}

/// [`rule_folder_patterns`], used for every scan of this process. Call before any file is
/// extracted; without such files nothing is read or changed.
pub fn use_rule_folders(dirs: &[&std::path::Path]) -> Result<(), Vec<Diagnostic>> {
    let (catalogue, signals) = rule_folder_patterns(dirs)?;
    if let Some(c) = catalogue {
        packages::catalogue::install(c);
    }
    if let Some(s) = signals {
        signals::install(s);
    }
    Ok(())
}

/// Load the signal patterns and the library catalogue now rather than on the first file
/// (they take a moment to compile; the walk can run meanwhile).
pub fn warm_up() {
    let _ = signals::default_signals();
    let _ = packages::catalogue::default_catalogue();
}

/// Read one file. `None` when the file is not evidence of any kind (a JSON file that is
/// neither CycloneDX nor SPDX, a file of no known name).
pub fn extract_file(rel_path: &str, text: &str) -> Option<Extraction> {
    extract_file_in(rel_path, text, &NoTree)
}

/// [`extract_file`], with access to which other files exist.
pub fn extract_file_in(rel_path: &str, text: &str, tree: &dyn Tree) -> Option<Extraction> {
    let name = file_name(rel_path).to_ascii_lowercase();
    if let Some(format) = packages::manifest_format(rel_path) {
        return Some(packages::extract(format, rel_path, text, tree));
    }
    if name.ends_with(".json") || name.ends_with(".jsonld") {
        if cyclonedx::sniff(text) {
            return Some(cyclonedx::extract(rel_path, text));
        }
        if spdx::sniff(text) {
            return Some(spdx::extract(rel_path, text));
        }
        return None;
    }
    if is_markdown(&name) && is_own_report(text) {
        // Read back, a report's quotes of the law would raise signals about the system.
        let mut sink = Sink::new(rel_path, text);
        sink.summary
            .push("a Markdown report written by aiact; not read as evidence".into());
        return Some(sink.finish(SourceKind::Prose));
    }
    if is_markdown(&name) || name == "readme" || name == "readme.txt" {
        return Some(model_card::extract(rel_path, text));
    }
    if name.ends_with(".rst") {
        return Some(signals::extract_prose(rel_path, text));
    }
    None
}

/// The first line of every Markdown report aiact writes (templates/report.md.j2): a report
/// saved in the repository under any name is then known for what it is.
pub const REPORT_MARKER: &str = "<!-- Written by aiact: an audit report, not evidence. -->";

fn is_own_report(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(REPORT_MARKER)
}

fn is_markdown(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// The last path component.
pub fn file_name(rel_path: &str) -> &str {
    rel_path.rsplit(['/', '\\']).next().unwrap_or(rel_path)
}

/// The folder part of a relative path ("" at the root).
pub fn parent_dir(rel_path: &str) -> &str {
    match rel_path.rfind(['/', '\\']) {
        Some(i) => &rel_path[..i],
        None => "",
    }
}

/// Builds facts and diagnostics for one file, turning byte offsets into lines.
pub struct Sink<'a> {
    pub file: &'a str,
    pub index: LineIndex<'a>,
    pub facts: Vec<Fact>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Vec<String>,
}

impl<'a> Sink<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Sink {
            file,
            index: LineIndex::new(text),
            facts: Vec::new(),
            diagnostics: Vec::new(),
            summary: Vec::new(),
        }
    }

    /// Parse the file as JSON with positions; on a syntax error, record a diagnostic saying
    /// what was not read and return None.
    pub fn parse_json(&mut self, text: &str, what: &str) -> Option<json::JNode> {
        match json::parse(text) {
            Ok(r) => Some(r),
            Err(e) => {
                let (line, col) = self.index.line_col(e.offset);
                let d = Diagnostic::warning(
                    "json.syntax",
                    self.file,
                    line,
                    col,
                    format!("invalid JSON: {}", e.message),
                )
                .with_help(format!("the {what} was not read"));
                self.diag_at(d);
                None
            }
        }
    }

    pub fn prov(&self, offset: usize, text: &str) -> Provenance {
        let (line, col) = self.index.line_col(offset);
        Provenance::at(self.file, line, col).with_text(text::excerpt(text, 160))
    }

    /// Add a fact found at a byte offset; returns it so a note can be attached.
    pub fn fact(
        &mut self,
        id: &str,
        value: Value,
        origin: Origin,
        offset: usize,
        text: &str,
    ) -> &mut Fact {
        let prov = self.prov(offset, text);
        self.facts.push(Fact::new(id, value, origin, prov));
        let last = self.facts.len() - 1;
        &mut self.facts[last]
    }

    /// Add a fact found at a known line and column.
    pub fn fact_at(
        &mut self,
        id: &str,
        value: Value,
        origin: Origin,
        line: u64,
        column: u64,
        text: &str,
    ) -> &mut Fact {
        let prov = Provenance::at(self.file, line, column).with_text(text::excerpt(text, 160));
        self.facts.push(Fact::new(id, value, origin, prov));
        let last = self.facts.len() - 1;
        &mut self.facts[last]
    }

    pub fn diag_at(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub fn finish(self, kind: SourceKind) -> Extraction {
        let mut facts = self.facts;
        // Deterministic order: by place in the file, then id.
        facts.sort_by(|a, b| {
            (a.provenance.line, a.provenance.column, &a.id).cmp(&(
                b.provenance.line,
                b.provenance.column,
                &b.id,
            ))
        });
        Extraction {
            kind,
            facts,
            diagnostics: self.diagnostics,
            summary: self.summary,
        }
    }
}

/// Set a note on a fact returned by [`Sink::fact`].
pub fn note(f: &mut Fact, n: impl Into<String>) {
    f.note = Some(n.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cheap look at a name must never refuse a file the full test would keep: every
    /// file of the real corpus and of the fixtures, plus names that test the edges.
    #[test]
    fn the_name_test_keeps_every_candidate() {
        let mut rels: Vec<String> = [
            "requirements/base.txt",
            "Requirements/Dev.TXT",
            "requirements-dev.in",
            "environment.YML",
            "conda-env.yaml",
            "Pipfile",
            "PIPFILE",
            "README",
            "readme.txt",
            "go.mod",
            "Cargo.toml",
            "setup.cfg",
            "bom.cdx.JSON",
            "sbom.spdx.jsonld",
            "MODEL_CARD.Markdown",
            "docs/index.rst",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in [here.join("fixtures"), here.join("../shared/corpus/real")] {
            for e in walkdir::WalkDir::new(&dir)
                .into_iter()
                .filter_map(|e| e.ok())
            {
                if let Ok(rel) = e.path().strip_prefix(&dir) {
                    rels.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        assert!(
            rels.len() > 100,
            "the fixtures should be there: {}",
            rels.len()
        );
        for rel in &rels {
            if is_candidate(rel) {
                assert!(may_be_candidate(file_name(rel)), "{rel} refused by name");
            }
        }
        assert!(!may_be_candidate("main.py"));
        assert!(!may_be_candidate("lib.rs"));
        assert!(!may_be_candidate("md"));
    }

    #[test]
    fn aiact_reports_are_not_evidence() {
        assert!(!is_candidate("svc/aiact-report.md"));
        assert!(!is_candidate("aiact-report.json"));
        assert!(is_candidate("svc/README.md"));
    }

    /// A Markdown report saved under another name, in English or French, quotes the law
    /// (prohibited practices, emotion recognition...) but yields no fact and no signal.
    #[test]
    fn a_saved_markdown_report_is_known_by_its_first_line() {
        let Ok(pack) = crate::decide::pack::load_with(&[]) else {
            panic!("default pack")
        };
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let (mut systems, diags) = crate::audit::gather(&root, &pack);
        let opts = crate::audit::AuditOptions {
            as_of: jiff::civil::date(2026, 12, 1),
            law: None,
            extra_packs: Vec::new(),
        };
        let rep = crate::audit::decide(&mut systems, &pack, &opts, diags);
        for lang in ["en", "fr"] {
            let md = crate::report::markdown::render_lang(&rep, lang).expect("renders");
            assert!(md.starts_with(REPORT_MARKER), "{lang}: {}", &md[..80]);
            let x = extract_file("compliance/ai-act-audit.md", &md).expect("an extraction");
            assert!(x.facts.is_empty(), "{lang}: {:?}", x.facts);
            assert_eq!(x.kind, SourceKind::Prose);
        }
        // Without the marker, the same text is prose with signals.
        let md = crate::report::markdown::render_lang(&rep, "en").expect("renders");
        let plain = md.replacen(REPORT_MARKER, "", 1);
        let x = extract_file("compliance/ai-act-audit.md", &plain).expect("an extraction");
        assert!(
            !x.facts.is_empty(),
            "the report quotes the law: it would raise signals"
        );
    }
}
