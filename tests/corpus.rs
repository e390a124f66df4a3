//! The facts extracted from every folder of the real corpus (../shared/corpus/real),
//! snapshotted: the snapshots are what an auditor would see, reviewed by hand.

use aiact::extract::{self, Extraction, Tree};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("note: {} is absent; corpus tests skipped", p.display());
        None
    }
}

struct Folder(BTreeSet<String>);
impl Tree for Folder {
    fn exists(&self, rel: &str) -> Option<bool> {
        Some(self.0.contains(rel))
    }
}

fn files(dir: &Path, base: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, base, out);
        } else {
            out.push(p.strip_prefix(base).unwrap_or(&p).to_path_buf());
        }
    }
}

/// Every file of one corpus folder through `extract_file_in`, rendered for review.
fn render_folder(dir: &Path) -> String {
    let mut rels = Vec::new();
    files(dir, dir, &mut rels);
    let names: BTreeSet<String> = rels
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let tree = Folder(names.clone());
    let mut out = String::new();
    for rel in &names {
        let Ok(bytes) = std::fs::read(dir.join(rel)) else {
            continue;
        };
        let text = match extract::text::decode(&bytes) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(out, "== {rel}: not text ({e:?})");
                continue;
            }
        };
        let Some(x) = extract::extract_file_in(rel, &text, &tree) else {
            let _ = writeln!(out, "== {rel}: not evidence");
            continue;
        };
        render(&mut out, rel, &x);
    }
    out
}

fn render(out: &mut String, rel: &str, x: &Extraction) {
    let _ = writeln!(out, "== {rel} [{}]", x.kind.as_str());
    for s in &x.summary {
        let _ = writeln!(out, "  summary: {s}");
    }
    for d in &x.diagnostics {
        let _ = writeln!(out, "  diagnostic: {d}");
    }
    for f in &x.facts {
        let _ = writeln!(
            out,
            "  {} = {} ({}) @{}:{} {:?}",
            f.id,
            f.value,
            f.origin.as_str(),
            f.provenance.line.unwrap_or(0),
            f.provenance.column.unwrap_or(0),
            f.provenance.text.as_deref().unwrap_or("")
        );
        if let Some(n) = &f.note {
            let _ = writeln!(out, "      note: {n}");
        }
    }
}

#[test]
fn corpus_snapshots() {
    let Some(root) = corpus() else { return };
    let Ok(rd) = std::fs::read_dir(&root) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let rendered = render_folder(&dir);
        insta::assert_snapshot!(name, rendered);
    }
}
