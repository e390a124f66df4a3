//! Merge: read the evidence files the walk found, extract their facts, and give each file
//! to the system that owns it.
//!
//! Each aiact.yaml owns the files under its folder (the deepest manifest wins). A model
//! card or an ML-BOM outside every manifest becomes a system of its own (kind `model`),
//! one per folder; other evidence outside every manifest joins such a model system in
//! the same folder or above, and is otherwise listed in the inventory unattributed.
//! Precedence (declared > answered > extracted > signal) and conflicts are FactSet's job;
//! conflicts become findings in the report.

use crate::audit::SystemEvidence;
use crate::decide::engine::Kind;
use crate::diag::Diagnostic;
use crate::discover::{self, FoundFile};
use crate::extract::{self, Extraction, SourceKind, Tree};
use crate::facts::{FactSet, Value};
use crate::report::EvidenceFile;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Existence checks against the scanned tree (for `-r` includes), never outside it.
pub struct FsTree {
    pub root: PathBuf,
}

impl Tree for FsTree {
    fn exists(&self, rel_path: &str) -> Option<bool> {
        if rel_path.split('/').any(|c| c == "..") {
            return Some(false);
        }
        Some(self.root.join(rel_path).is_file())
    }
}

/// What reading one file gave: an extraction, nothing (binary, not evidence), or a problem.
type ReadResult = Result<Option<Extraction>, Diagnostic>;

/// Read and extract every evidence file, in parallel; results in the input order.
pub fn read_all(
    root: &Path,
    files: &[FoundFile],
    max_file_size: u64,
    threads: usize,
) -> (Vec<(String, Extraction)>, Vec<Diagnostic>) {
    let tree = FsTree {
        root: root.to_path_buf(),
    };
    let next = AtomicUsize::new(0);
    let workers = if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(8)
    };
    let mut slots: Vec<Option<ReadResult>> = Vec::new();
    slots.resize_with(files.len(), || None);
    let results: Vec<Vec<(usize, ReadResult)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        let r = discover::read_text(f, max_file_size).map(|text| {
                            text.and_then(|t| extract::extract_file_in(&f.rel, &t, &tree))
                        });
                        out.push((i, r));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    for batch in results {
        for (i, r) in batch {
            if let Some(slot) = slots.get_mut(i) {
                *slot = Some(r);
            }
        }
    }
    let mut extractions = Vec::new();
    let mut diags = Vec::new();
    for (f, slot) in files.iter().zip(slots) {
        match slot {
            Some(Ok(Some(x))) => extractions.push((f.rel.clone(), x)),
            Some(Ok(None)) | None => {}
            Some(Err(d)) => diags.push(d),
        }
    }
    (extractions, diags)
}

/// The system of the deepest folder above `rel` (up to the root, `.`) that has one.
fn deepest(by_folder: &HashMap<String, usize>, rel: &str) -> Option<usize> {
    let mut dir = rel;
    while let Some(i) = dir.rfind('/') {
        dir = &dir[..i];
        if let Some(&s) = by_folder.get(dir) {
            return Some(s);
        }
    }
    by_folder.get(".").copied()
}

/// Whether an extraction describes a model well enough to stand as a system of its own.
fn is_model_evidence(x: &Extraction) -> bool {
    match x.kind {
        SourceKind::ModelCard => true,
        SourceKind::CycloneDx => x.facts.iter().any(|f| f.id == "bom.model"),
        SourceKind::Spdx => x.facts.iter().any(|f| f.id == "spdx.ai_package"),
        _ => false,
    }
}

/// A model system's name: what the evidence calls the model, else its folder.
fn model_name(rel: &str, x: &Extraction) -> String {
    for id in ["bom.model", "spdx.ai_package"] {
        if let Some(Value::Str(s)) = x.facts.iter().find(|f| f.id == id).map(|f| &f.value) {
            return s.clone();
        }
    }
    let folder = discover::folder_of(rel);
    if folder == "." {
        extract::file_name(rel).to_string()
    } else {
        folder.rsplit('/').next().unwrap_or(&folder).to_string()
    }
}

/// Give every extraction to a system; returns the evidence inventory.
pub fn merge(
    systems: &mut Vec<SystemEvidence>,
    extractions: Vec<(String, Extraction)>,
    diags: &mut Vec<Diagnostic>,
    root_name: &str,
) -> Vec<EvidenceFile> {
    // Systems by folder: the owner of a file is the deepest of its folders that has one, found
    // by walking up from the file (a scan can hold hundreds of systems and thousands of files).
    // Among manifests in one folder the last one owns, as before.
    let mut manifest_at: HashMap<String, usize> = HashMap::new();
    for (i, s) in systems.iter().enumerate() {
        manifest_at.insert(s.folder.clone(), i);
    }
    let mut model_at: HashMap<String, usize> = HashMap::new();
    let mut assigned: Vec<Option<usize>> = Vec::with_capacity(extractions.len());
    // Pass 1: manifests own what is under them; model evidence outside them stands alone.
    for (rel, x) in &extractions {
        let a = match deepest(&manifest_at, rel) {
            Some(i) => Some(i),
            None if is_model_evidence(x) => {
                let folder = discover::folder_of(rel);
                match model_at.get(&folder) {
                    Some(&j) => Some(j),
                    None => {
                        systems.push(SystemEvidence {
                            name: model_name(rel, x),
                            folder: folder.clone(),
                            source: rel.clone(),
                            kind: Kind::Model,
                            description: String::new(),
                            facts: FactSet::new(),
                            evidence_paths: Vec::new(),
                        });
                        model_at.insert(folder, systems.len() - 1);
                        Some(systems.len() - 1)
                    }
                }
            }
            None => None,
        };
        assigned.push(a);
    }
    // Pass 2: other evidence outside every manifest joins the nearest model system above it.
    for (k, (rel, _)) in extractions.iter().enumerate() {
        if assigned[k].is_none() {
            assigned[k] = deepest(&model_at, rel);
        }
    }
    // Pass 3: a repository with no manifest and no model card at its root, whose files still
    // show signs of AI (an ML dependency, a chatbot SDK, prose about face recognition), is
    // a system of its own: its tier stays open, and the signals become the questions to
    // answer. A repository with no such sign yields no system at all.
    let root_owned = systems.iter().any(|s| s.folder == ".");
    let first_hint = extractions.iter().zip(&assigned).find(|((_, x), a)| {
        a.is_none()
            && x.facts
                .iter()
                .any(|f| f.origin == crate::facts::Origin::Signal)
    });
    if !root_owned && let Some(((rel, _), _)) = first_hint {
        systems.push(SystemEvidence {
            name: root_name.to_string(),
            folder: ".".into(),
            source: rel.clone(),
            kind: Kind::System,
            description: "Found by the scan: no aiact.yaml declares this system yet (`aiact init` writes one).".into(),
            facts: FactSet::new(),
            evidence_paths: Vec::new(),
        });
        let root = systems.len() - 1;
        for a in assigned.iter_mut().filter(|a| a.is_none()) {
            *a = Some(root);
        }
    }
    let mut inventory = Vec::with_capacity(extractions.len());
    for ((rel, x), a) in extractions.into_iter().zip(assigned) {
        let signals = x
            .facts
            .iter()
            .filter(|f| f.origin == crate::facts::Origin::Signal)
            .count();
        let facts = x.facts.len() - signals;
        let system = a.map(|i| systems[i].source.clone()).unwrap_or_default();
        if let Some(i) = a {
            for f in x.facts {
                systems[i].facts.insert(f);
            }
        }
        diags.extend(x.diagnostics);
        inventory.push(EvidenceFile {
            file: rel,
            kind: x.kind.as_str().to_string(),
            system,
            summary: x.summary,
            facts,
            signals,
        });
    }
    inventory
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(folder: &str, source: &str) -> SystemEvidence {
        SystemEvidence {
            name: source.into(),
            folder: folder.into(),
            source: source.into(),
            kind: Kind::System,
            description: String::new(),
            facts: FactSet::new(),
            evidence_paths: Vec::new(),
        }
    }

    #[test]
    fn owners_and_model_systems() {
        let mut systems = vec![sys(".", "aiact.yaml"), sys("svc", "svc/aiact.yaml")];
        let x = |rel: &str, text: &str| {
            (
                rel.to_string(),
                extract::extract_file(rel, text).expect("evidence"),
            )
        };
        let ex = vec![
            x("svc/requirements.txt", "openai\n"),
            x("requirements.txt", "torch\n"),
            x("svc/sub/README.md", "# We rank CVs for recruiters\n"),
        ];
        let mut d = Vec::new();
        let inv = merge(&mut systems, ex, &mut d, "repo");
        assert_eq!(inv[0].system, "svc/aiact.yaml");
        assert_eq!(inv[1].system, "aiact.yaml");
        assert_eq!(inv[2].system, "svc/aiact.yaml");
        assert_eq!(systems[1].facts.signals().len(), 3);

        // No manifest: a model card stands alone; a requirements file beside it joins it.
        let mut systems = Vec::new();
        let ex = vec![
            x(
                "m/MODEL_CARD.md",
                "# Model card\n\n## Intended use\n\nChat.\n",
            ),
            x("m/requirements.txt", "transformers\n"),
            x("other/requirements.txt", "torch\n"),
        ];
        let inv = merge(&mut systems, ex, &mut d, "repo");
        assert_eq!(systems[0].kind, Kind::Model);
        assert_eq!(systems[0].name, "m");
        assert_eq!(inv[1].system, "m/MODEL_CARD.md");
        // The ML dependency outside the model's folder makes the repository a system of
        // its own, whose questions the signals raise.
        assert_eq!(systems.len(), 2);
        assert_eq!(
            (systems[1].name.as_str(), systems[1].folder.as_str()),
            ("repo", ".")
        );
        assert_eq!(systems[1].kind, Kind::System);
        assert_eq!(inv[2].system, "other/requirements.txt");
    }

    #[test]
    fn a_repository_without_signs_of_ai_has_no_system() {
        let mut systems = Vec::new();
        let ex = vec![(
            "README.md".to_string(),
            extract::extract_file("README.md", "# grep, but faster\n\nSearches files.\n")
                .expect("evidence"),
        )];
        let mut d = Vec::new();
        let inv = merge(&mut systems, ex, &mut d, "repo");
        assert!(systems.is_empty());
        assert_eq!(inv[0].system, "");
    }

    #[test]
    fn owners_are_by_folder_not_prefix_and_the_deepest_wins() {
        let at: HashMap<String, usize> = [("a".to_string(), 1), ("a/b".to_string(), 2)].into();
        assert_eq!(deepest(&at, "a/x.md"), Some(1));
        assert_eq!(deepest(&at, "a/b/c/x.md"), Some(2));
        assert_eq!(deepest(&at, "ab/c.md"), None);
        assert_eq!(deepest(&at, "x.md"), None);
        let with_root: HashMap<String, usize> = [(".".to_string(), 0), ("a".to_string(), 1)].into();
        assert_eq!(deepest(&with_root, "x.md"), Some(0));
        assert_eq!(deepest(&with_root, "ab/c.md"), Some(0));
        assert_eq!(deepest(&with_root, "a/c.md"), Some(1));
    }
}
