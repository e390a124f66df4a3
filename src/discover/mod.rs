//! Discover: which files under a root matter, in a stable order.
//!
//! Honours .gitignore (inside a git repository) and `.aiactignore` (anywhere), never
//! follows symlinks, and does not skip hidden folders blindly: `.github/` can hold
//! documentation that matters, `.git/` never does.

use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Relative to the root, `/`-separated.
    pub rel: String,
    pub abs: PathBuf,
    pub size: u64,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<FoundFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Folders never worth reading.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    "__pycache__",
    ".venv",
    ".tox",
];

pub fn walk(root: &Path) -> Discovery {
    let mut out = Discovery::default();
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(false)
        .parents(false)
        .add_custom_ignore_filename(".aiactignore")
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.file_type().is_some_and(|t| t.is_dir()) && SKIP_DIRS.contains(&name.as_ref()))
        });
    for entry in builder.build() {
        match entry {
            Ok(e) => {
                if !e.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let abs = e.path().to_path_buf();
                let rel = relative(root, &abs);
                let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                out.files.push(FoundFile { rel, abs, size });
            }
            Err(err) => {
                out.diagnostics.push(Diagnostic::warning(
                    "scan.walk",
                    root.display().to_string(),
                    0,
                    0,
                    format!("could not read part of the tree: {err}"),
                ));
            }
        }
    }
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// `root/a/b.yaml` → `a/b.yaml`; a file given as the root itself keeps its name.
pub fn relative(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    } else {
        s
    }
}

/// The folder part of a relative path (`.` for the root).
pub fn folder_of(rel: &str) -> String {
    match rel.rfind('/') {
        Some(i) => rel[..i].to_string(),
        None => ".".to_string(),
    }
}
