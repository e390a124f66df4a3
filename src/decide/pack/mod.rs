//! Rule packs: the law as data. `model` is what the engine reads, `load` builds it from YAML
//! and reports every error, `embedded` is the default pack compiled into the binary.

pub mod embedded;
pub mod load;
pub mod model;

pub use model::*;

use crate::diag::Diagnostic;
use load::{PackFile, PackSource};
use std::path::Path;

/// The default pack alone.
pub fn default_pack() -> Result<Pack, Vec<Diagnostic>> {
    load::load(&[embedded::default_source()])
}

/// The default pack plus user packs from folders, in order (later overrides earlier).
pub fn load_with(dirs: &[&Path]) -> Result<Pack, Vec<Diagnostic>> {
    let mut sources = vec![embedded::default_source()];
    let mut errors = Vec::new();
    for d in dirs {
        match read_dir_pack(d) {
            Ok(s) => sources.push(s),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    load::load(&sources)
}

/// Only the packs in the folders (for `rules validate DIR` of a standalone pack, the
/// default pack is still loaded first so a user pack may read its facts and rules).
pub fn read_dir_pack(dir: &Path) -> Result<PackSource, Vec<Diagnostic>> {
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(vec![Diagnostic::error(
            "pack.not_found",
            shown,
            0,
            0,
            "not a folder: expected a rule pack folder holding *.yaml files",
        )]);
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false).max_depth(8) {
        match entry {
            Ok(e) => {
                let p = e.path();
                let is_yaml = p.extension().is_some_and(|x| x == "yaml" || x == "yml");
                // Scanner catalogues have their own format.
                let in_evidence = p.strip_prefix(dir).ok().is_some_and(|r| {
                    r.components()
                        .next()
                        .is_some_and(|c| c.as_os_str() == "evidence")
                });
                if e.file_type().is_file() && is_yaml && !in_evidence {
                    paths.push(p.to_path_buf());
                }
            }
            Err(e) => errors.push(Diagnostic::error(
                "pack.read",
                shown.clone(),
                0,
                0,
                e.to_string(),
            )),
        }
    }
    paths.sort();
    for p in paths {
        let path = p.display().to_string();
        match std::fs::read_to_string(&p) {
            Ok(text) => files.push(PackFile { path, text }),
            Err(e) => errors.push(Diagnostic::error(
                "pack.read",
                path,
                0,
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| shown.clone());
    Ok(PackSource { name, files })
}
