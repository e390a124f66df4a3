//! `aiact assess`: the risk questionnaire that asks only what is still unknown.
//!
//! - `session`: the state (evidence, answers in order) and what the engine makes of it;
//! - `input`: reading a typed reply (numbers like `7B`, choices by number or name);
//! - `answers`: the tool-owned answers file beside the manifest;
//! - `manifest_edit`: writing answers into aiact.yaml instead, keeping its layout;
//! - `prompt`: the terminal front end (inquire);
//! - `summary`: the closing summary, before and after the answers;
//! - `catalogue`: the question catalogue as JSON for other front ends.

pub mod answers;
pub mod catalogue;
pub mod input;
pub mod manifest_edit;
pub mod prompt;
pub mod session;
pub mod summary;

use crate::audit::{self, AuditOptions};
use crate::cli::output::write_atomic_paced;
use crate::decide::pack::Pack;
use session::Session;
use std::path::{Path, PathBuf};

/// Where a session's answers go.
pub enum Store {
    /// The tool-owned answers file (the default).
    Answers(PathBuf),
    /// Into aiact.yaml itself (`--write-manifest`); `original` is the manifest as it was
    /// when the session started, so every save is the same edit of the same text.
    Manifest { path: PathBuf, original: String },
}

impl Store {
    pub fn path(&self) -> &Path {
        match self {
            Store::Answers(p) => p,
            Store::Manifest { path, .. } => path,
        }
    }

    /// Save the session's answers, atomically: a kill at any moment leaves the old file or
    /// the new one, never a torn one.
    pub fn save(&self, s: &Session) -> Result<(), String> {
        let text = match self {
            Store::Answers(_) => s.render(),
            Store::Manifest { original, .. } => {
                let updates: Vec<_> = s
                    .answers()
                    .iter()
                    .map(|(id, v)| {
                        let ty = s
                            .pack
                            .fact(id)
                            .map(|d| d.ty)
                            .unwrap_or(crate::decide::pack::FactType::String);
                        (id.clone(), answers::render_value(v, ty), v.clone())
                    })
                    .collect();
                manifest_edit::apply(original, &updates, s.pack)?
            }
        };
        // AIACT_TEST_SAVE_PACE_US slows the write down for the kill tests (tests/assess.rs).
        let pace = std::env::var("AIACT_TEST_SAVE_PACE_US")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map(std::time::Duration::from_micros);
        write_atomic_paced(self.path(), text.as_bytes(), pace)
            .map_err(|e| format!("cannot write {}: {e}", self.path().display()))
    }
}

/// The Markdown report of one system, read back from disk (manifest plus answers file) the
/// way `aiact audit` reads it, so a report written at the end of a questionnaire and one
/// written after `--answers` are the same bytes.
pub fn report_markdown(
    root: &Path,
    source: &str,
    pack: &Pack,
    opts: &AuditOptions,
) -> Result<String, String> {
    // Built exactly as `aiact audit` builds it (evidence checks included), then narrowed
    // to the chosen system: its evidence files and the unattributed ones (with a single
    // system in the tree, the same report as audit's).
    let catalogue = crate::check::catalogue::load(&[]).map_err(|errs| {
        errs.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let mut rep = audit::run(root, pack, &catalogue, opts, &audit::ScanOptions::default());
    if let Some(d) = rep.diagnostics.iter().find(|d| d.is_error()) {
        return Err(d.to_string());
    }
    if !rep.systems.iter().any(|s| s.source == source) {
        return Err(format!("{source} is no longer readable"));
    }
    rep.systems.retain(|s| s.source == source);
    rep.evidence
        .retain(|e| e.system.is_empty() || e.system == source);
    crate::report::markdown::render(&rep)
}
