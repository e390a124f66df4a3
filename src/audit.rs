//! The audit pipeline: discover → extract → merge → decide → report model.

use crate::assess::answers;
use crate::check::{self, catalogue::Catalogue, evidence::SystemDocs};
use crate::decide::engine::{self, Input, Kind};
use crate::decide::pack::{Law, Pack};
use crate::diag::Diagnostic;
use crate::discover;
use crate::extract;
use crate::extract::manifest::{self, Manifest};
use crate::facts::{Fact, FactSet, Value};
use crate::report::{Finding, FindingLevel, LawApplied, Report, RulePackInfo, SystemReport, Tool};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

pub struct AuditOptions {
    pub as_of: Date,
    /// `None`: the text in force on the as-of date.
    pub law: Option<Law>,
    pub extra_packs: Vec<String>,
}

/// One AI system (or model) and everything known about it, before the decision.
#[derive(Debug, Clone)]
pub struct SystemEvidence {
    pub name: String,
    pub folder: String,
    pub source: String,
    pub kind: Kind,
    pub description: String,
    pub facts: FactSet,
    /// The manifest's `evidence:` entries (kind, path as written, line), for the checks.
    pub evidence_paths: Vec<(String, String, u64)>,
}

impl SystemEvidence {
    pub fn from_manifest(m: &Manifest) -> Self {
        let mut facts = FactSet::new();
        for f in &m.facts {
            facts.insert(f.clone());
        }
        SystemEvidence {
            name: m.name.clone(),
            folder: discover::folder_of(&m.path),
            source: m.path.clone(),
            kind: m.kind,
            description: m.description.clone().unwrap_or_default(),
            facts,
            evidence_paths: m.evidence.clone(),
        }
    }
}

/// The folder paths are relative to: the root itself, or a manifest file's folder.
pub fn base_of(root: &Path) -> &Path {
    if root.is_file() {
        match root.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    } else {
        root
    }
}

/// The whole pipeline: discover, extract, merge, decide, then check the evidence of each
/// obligation.
pub fn run(
    root: &Path,
    pack: &Pack,
    catalogue: &Catalogue,
    opts: &AuditOptions,
    scan: &ScanOptions,
) -> Report {
    run_walked(root, walk(root, scan), pack, catalogue, opts, scan)
}

/// [`run`] for a tree already walked by [`walk`].
pub fn run_walked(
    root: &Path,
    walked: Walked,
    pack: &Pack,
    catalogue: &Catalogue,
    opts: &AuditOptions,
    scan: &ScanOptions,
) -> Report {
    let gathered = gather_walked(root, walked, pack, scan);
    crate::timings::mark("files read and merged into systems");
    let mut systems = gathered.systems;
    let mut report = decide(&mut systems, pack, opts, gathered.diagnostics);
    crate::timings::mark("systems decided");
    report.evidence = gathered.evidence;
    let docs: BTreeMap<String, SystemDocs<'_>> = systems
        .iter()
        .map(|s| {
            (
                s.source.clone(),
                SystemDocs {
                    folder: &s.folder,
                    manifest: &s.source,
                    overrides: &s.evidence_paths,
                },
            )
        })
        .collect();
    let base = base_of(root);
    check::evidence::apply(&mut report, &docs, base, base, catalogue, &gathered.found);
    report
}

/// How the tree is scanned.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files larger than this are reported, not read.
    pub max_file_size: u64,
    /// Show a progress line on stderr for long scans (only when stderr is a terminal).
    pub progress: bool,
    /// Worker threads for walking and reading (0: the machine's).
    pub threads: usize,
    /// Read the answers file beside each system (`aiact.answers.yaml`, origin `answered`);
    /// off for the questionnaire, which keeps its answers apart.
    pub answers: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_file_size: discover::DEFAULT_MAX_FILE_SIZE,
            progress: false,
            threads: 0,
            answers: true,
        }
    }
}

impl ScanOptions {
    /// A scan run from the command line: the given size cap, progress on a terminal, answers
    /// files read.
    pub fn for_command(max_file_size: u64) -> Self {
        ScanOptions {
            max_file_size,
            progress: true,
            ..ScanOptions::default()
        }
    }
}

/// Everything read from the tree, before the decision.
#[derive(Debug, Default)]
pub struct Gathered {
    pub systems: Vec<SystemEvidence>,
    /// Every evidence file read and what it yielded.
    pub evidence: Vec<crate::report::EvidenceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every manifest and evidence file the walk found (relative paths): regular files inside
    /// the tree, which the evidence checks need not look up again.
    pub found: HashSet<String>,
}

/// A diagnostic about a file under `base` names a path the user can open, as manifest
/// diagnostics do.
fn shown_at(base: &Path, mut d: Diagnostic) -> Diagnostic {
    if !d.file.is_empty() && Path::new(&d.file).is_relative() && !base.as_os_str().is_empty() {
        d.file = base.join(&d.file).display().to_string();
    }
    d
}

fn is_manifest(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    manifest::FILE_NAMES.contains(&name)
}

/// Read the tree under `root` (or a single file) into systems, with default options.
pub fn gather(root: &Path, pack: &Pack) -> (Vec<SystemEvidence>, Vec<Diagnostic>) {
    let g = gather_with(root, pack, &ScanOptions::default());
    (g.systems, g.diagnostics)
}

/// The files under a root that may be manifests or evidence, found before the rule pack is
/// needed: the command line loads the pack while the tree is walked.
#[derive(Debug, Default)]
pub struct Walked {
    /// `None`: the root is neither a file nor a folder.
    found: Option<Vec<discover::FoundFile>>,
    diagnostics: Vec<Diagnostic>,
}

/// Find the manifests and evidence files under `root` (or `root` itself, a single file).
pub fn walk(root: &Path, scan: &ScanOptions) -> Walked {
    if root.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        return Walked {
            found: Some(vec![discover::FoundFile {
                rel: name,
                abs: root.to_path_buf(),
            }]),
            diagnostics: Vec::new(),
        };
    }
    if !root.is_dir() {
        return Walked {
            found: None,
            diagnostics: vec![Diagnostic::error(
                "input.not_found",
                root.display().to_string(),
                0,
                0,
                "no such file or folder",
            )],
        };
    }
    // Compile the evidence patterns while the tree is walked.
    std::thread::spawn(extract::warm_up);
    let opts = discover::WalkOptions {
        threads: scan.threads,
        progress: scan.progress,
    };
    // Only manifests and evidence are kept, so memory follows the evidence, not the tree.
    let d = discover::walk_with(root, &opts, extract::may_be_candidate, |rel| {
        is_manifest(rel) || extract::is_candidate(rel)
    });
    crate::timings::mark("tree walked");
    Walked {
        found: Some(d.files),
        diagnostics: d.diagnostics,
    }
}

/// Read the tree under `root` (or a single file): manifests, then every evidence file
/// (model cards, BOMs, package manifests, prose), merged into systems.
pub fn gather_with(root: &Path, pack: &Pack, scan: &ScanOptions) -> Gathered {
    gather_walked(root, walk(root, scan), pack, scan)
}

/// [`gather_with`] for a tree already walked by [`walk`].
pub fn gather_walked(root: &Path, walked: Walked, pack: &Pack, scan: &ScanOptions) -> Gathered {
    let mut diags = walked.diagnostics;
    let mut systems = Vec::new();
    let Some(found) = walked.found else {
        return Gathered {
            systems,
            diagnostics: diags,
            ..Gathered::default()
        };
    };
    let base = base_of(root);
    let found_rels: HashSet<String> = found.iter().map(|f| f.rel.clone()).collect();
    let (manifests, evidence): (Vec<_>, Vec<_>) =
        found.into_iter().partition(|f| is_manifest(&f.rel));
    for f in manifests {
        let rel = f.rel.clone();
        let text = match discover::read_bytes(&f, scan.max_file_size) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    diags.push(Diagnostic::error(
                        "input.encoding",
                        rel,
                        0,
                        0,
                        "not UTF-8 text: save aiact.yaml as UTF-8",
                    ));
                    continue;
                }
            },
            Err(d) if d.code == "scan.too_large" => {
                diags.push(d);
                continue;
            }
            Err(d) => {
                diags.push(Diagnostic::error("input.read", rel, 0, 0, d.message));
                continue;
            }
        };
        let (m, d) = manifest::parse(&rel, &text, pack);
        // A manifest with errors is not classified: a result from half of what the team
        // wrote would look complete and be wrong. Its errors are reported instead.
        let m = if d.iter().any(|x| x.is_error()) {
            None
        } else {
            m
        };
        // Diagnostics name a path the user can open; facts keep paths relative to the root.
        let shown = base.join(&rel).display().to_string();
        diags.extend(d.into_iter().map(|mut x| {
            x.file = shown.clone();
            x
        }));
        if let Some(m) = m {
            systems.push(SystemEvidence::from_manifest(&m));
        }
    }
    systems.sort_by(|a, b| a.folder.cmp(&b.folder).then(a.source.cmp(&b.source)));
    let (extractions, read_diags) =
        crate::merge::read_all(base, &evidence, scan.max_file_size, scan.threads);
    crate::timings::mark("evidence files read and extracted");
    diags.extend(read_diags.into_iter().map(|x| shown_at(base, x)));
    let mut evidence_diags = Vec::new();
    let root_name = std::fs::canonicalize(base)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .unwrap_or_else(|| "repository".to_string());
    let inventory = crate::merge::merge(&mut systems, extractions, &mut evidence_diags, &root_name);
    crate::timings::mark("evidence merged into systems");
    diags.extend(evidence_diags.into_iter().map(|x| shown_at(base, x)));
    if scan.answers {
        // One system per folder (a manifest's, or a model card's outside every manifest),
        // so the answers file in that folder is that system's.
        for system in &mut systems {
            let folder = if system.folder == "." {
                base.to_path_buf()
            } else {
                base.join(&system.folder)
            };
            let (answered, d) = answers::read_file(
                &folder.join(answers::FILE_NAME),
                &answers::rel_beside(&system.folder),
                pack,
            );
            diags.extend(d);
            if let Some(answered) = answered {
                answers::merge(&mut system.facts, answered);
            }
        }
    }
    systems.sort_by(|a, b| a.folder.cmp(&b.folder).then(a.source.cmp(&b.source)));
    Gathered {
        systems,
        evidence: inventory,
        diagnostics: diags,
        found: found_rels,
    }
}

/// Decide every system and build the report model. Each system's facts move into its report
/// (a large scan holds them once, not twice); the systems keep their names and places.
pub fn decide(
    systems: &mut [SystemEvidence],
    pack: &Pack,
    opts: &AuditOptions,
    diagnostics: Vec<Diagnostic>,
) -> Report {
    let (law, chosen_by) = match opts.law {
        Some(l) => (l, "option --law".to_string()),
        None => (
            pack.default_law(opts.as_of),
            "the text in force on the as-of date".to_string(),
        ),
    };
    let title = pack
        .law_text(law)
        .map(|t| t.title.clone())
        .unwrap_or_default();
    let mut reports = decide_all(systems, pack, law, opts.as_of);
    reports.sort_by(|a, b| a.path.cmp(&b.path).then(a.source.cmp(&b.source)));
    let mut diagnostics = diagnostics;
    diagnostics.sort();
    diagnostics.dedup();
    Report {
        schema_version: crate::report::model::SCHEMA_VERSION.to_string(),
        tool: Tool {
            name: "aiact".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        as_of: opts.as_of,
        law: LawApplied {
            text: law.as_str().to_string(),
            title,
            chosen_by,
        },
        rule_pack: RulePackInfo {
            name: pack.name.clone(),
            version: pack.version.clone(),
            rules: pack.rules.len(),
            extra_packs: opts.extra_packs.clone(),
        },
        systems: reports,
        // The caller adds the inventory from [`Gathered`]; a decision alone has none.
        evidence: Vec::new(),
        diagnostics,
        waivers: Vec::new(),
        gate: None,
    }
}

/// Decide every system; systems are independent, so a repository with hundreds of model
/// cards is decided on every core. The order of the result is the order of `systems`.
fn decide_all(
    systems: &mut [SystemEvidence],
    pack: &Pack,
    law: Law,
    as_of: Date,
) -> Vec<SystemReport> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if systems.len() < 16 || workers < 2 {
        return systems
            .iter_mut()
            .map(|s| decide_one(s, pack, law, as_of))
            .collect();
    }
    let chunk = systems.len().div_ceil(workers);
    let count = systems.len();
    std::thread::scope(|scope| {
        let handles: Vec<_> = systems
            .chunks_mut(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter_mut()
                        .map(|s| decide_one(s, pack, law, as_of))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(count);
        for h in handles {
            // A panic is a bug: it is raised here, never answered with a partial report.
            match h.join() {
                Ok(r) => out.extend(r),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Decide one system; its facts move into the report.
pub fn decide_one(s: &mut SystemEvidence, pack: &Pack, law: Law, as_of: Date) -> SystemReport {
    let input = Input {
        pack,
        facts: &s.facts,
        kind: s.kind,
        as_of,
        law,
    };
    let out = engine::evaluate(&input);
    let role = match s.facts.get("role").map(|f| &f.value) {
        Some(Value::List(l)) => l.clone(),
        Some(Value::Str(r)) => vec![r.clone()],
        _ => Vec::new(),
    };

    let mut findings = Vec::new();
    for (winner, loser) in s.facts.conflicts() {
        findings.push(Finding {
            code: "evidence.conflict".into(),
            level: FindingLevel::Warning,
            message: format!(
                "`{}` is {} ({}, {}) but {} says {}; the {} value is used",
                winner.id,
                winner.value,
                winner.origin.as_str(),
                winner.provenance.location(),
                loser.provenance.location(),
                loser.value,
                winner.origin.as_str()
            ),
            file: loser.provenance.file.clone().unwrap_or_default(),
            line: loser.provenance.line.unwrap_or(0),
            provision: pack.fact(&winner.id).and_then(|d| d.cites.first().cloned()),
        });
    }
    for sig in s.facts.signals() {
        let text = sig.provenance.text.clone().unwrap_or_default();
        findings.push(Finding {
            code: "signal.needs_review".into(),
            level: FindingLevel::Note,
            message: format!(
                "needs review: `{text}` suggests `{}`; a signal never decides by itself",
                sig.id
            ),
            file: sig.provenance.file.clone().unwrap_or_default(),
            line: sig.provenance.line.unwrap_or(0),
            provision: Some(sig.id.clone()),
        });
    }
    findings.sort();
    findings.dedup();
    let mut facts: Vec<Fact> = std::mem::take(&mut s.facts).into_facts().collect();
    facts.extend(out.derived);
    facts.sort_by(|a, b| a.id.cmp(&b.id));
    SystemReport {
        name: s.name.clone(),
        path: s.folder.clone(),
        source: s.source.clone(),
        kind: s.kind.as_str().to_string(),
        description: s.description.clone(),
        role,
        tier: out.tier,
        gpai: out.gpai,
        triggers: out.triggers,
        obligations: out.obligations,
        conditional_obligations: out.conditional_obligations,
        open_questions: out.open_questions,
        assumptions: out.assumptions,
        facts,
        findings,
    }
}
