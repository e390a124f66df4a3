//! Evidence checks per obligation: for each obligation of a system that has an evidence kind
//! in the catalogue, find the documents (the manifest's `evidence:` paths, or the defaults
//! under the system's folder), read their outlines, and say which required sections are
//! there (with file and line) and which are missing.

use super::catalogue::{Catalogue, Kind, Section};
use super::model::{EvidenceCheck, EvidenceDoc, EvidenceStatus, FoundSection, MissingSection};
use super::outline::{self, Outline};
use crate::decide::outcome::{Obligation, ObligationStatus};
use crate::diag::{Diagnostic, did_you_mean};
use crate::report::{Finding, FindingLevel, Report, SystemReport};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// A document larger than this is not read: its presence counts, its sections are unverified.
pub const MAX_DOC_BYTES: u64 = 4 * 1024 * 1024;
/// At most this many files are read from an evidence folder.
pub const MAX_FOLDER_FILES: usize = 200;
const MAX_FOLDER_DEPTH: usize = 4;
const MAX_HEADING_CHARS: usize = 120;

/// Where one system's documents are: its folder and the manifest's `evidence:` entries.
#[derive(Debug, Clone)]
pub struct SystemDocs<'a> {
    /// The system's folder relative to the root (`.` for the root).
    pub folder: &'a str,
    /// The manifest, relative to the root (for diagnostics).
    pub manifest: &'a str,
    /// `evidence:` entries: kind, path as written (relative to the folder), line.
    pub overrides: &'a [(String, String, u64)],
}

/// Run the checks for every system of a report. `docs` is keyed by the system's `source`.
/// `root` is the folder the paths are relative to; `shown_root` prefixes diagnostics.
/// Systems are independent, so a repository with hundreds of systems is checked on every
/// core; diagnostics are sorted afterwards, so the result does not depend on the split.
/// `found` holds files the scan's walk already found (relative paths; may be empty): they
/// are regular files inside the tree and are read without looking them up again.
pub fn apply(
    report: &mut Report,
    docs: &BTreeMap<String, SystemDocs<'_>>,
    root: &Path,
    shown_root: &Path,
    catalogue: &Catalogue,
    found: &HashSet<String>,
) {
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let check_part = |part: &mut [SystemReport]| {
        let mut diags = Vec::new();
        let mut ctx = Ctx {
            root,
            canon_root: &canon_root,
            shown_root,
            catalogue,
            diags: &mut diags,
            cache: BTreeMap::new(),
            listings: HashMap::new(),
            found,
        };
        for s in part {
            let Some(d) = docs.get(&s.source) else {
                continue;
            };
            ctx.cache.clear();
            ctx.check_overrides(d);
            check_system(&mut ctx, s, d);
        }
        diags
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let systems = &mut report.systems;
    let diags: Vec<Diagnostic> = if systems.len() < 16 || workers < 2 {
        check_part(systems)
    } else {
        let chunk = systems.len().div_ceil(workers);
        std::thread::scope(|scope| {
            let handles: Vec<_> = systems
                .chunks_mut(chunk)
                .map(|part| scope.spawn(|| check_part(part)))
                .collect();
            // A worker that panicked loses only its own diagnostics; its systems keep
            // whatever checks it finished.
            handles
                .into_iter()
                .filter_map(|h| h.join().ok())
                .flatten()
                .collect()
        })
    };
    report.diagnostics.extend(diags);
    report.diagnostics.sort();
    report.diagnostics.dedup();
}

struct Ctx<'a> {
    root: &'a Path,
    canon_root: &'a Path,
    shown_root: &'a Path,
    catalogue: &'a Catalogue,
    diags: &'a mut Vec<Diagnostic>,
    /// Documents read once per system, even when several obligations share them.
    cache: BTreeMap<String, Vec<Read>>,
    /// The names in each folder probed so far (`None`: no such folder). Most default paths
    /// do not exist; one listing per folder answers them all without a system call each.
    listings: HashMap<PathBuf, Option<HashSet<OsString>>>,
    found: &'a HashSet<String>,
}

/// One file as read for a kind's path.
#[derive(Debug, Clone)]
struct Read {
    rel: String,
    found: bool,
    outline: Option<Outline>,
}

fn check_system(ctx: &mut Ctx<'_>, s: &mut SystemReport, d: &SystemDocs<'_>) {
    let mut findings = Vec::new();
    for o in s
        .obligations
        .iter_mut()
        .chain(s.conditional_obligations.iter_mut())
    {
        let kinds = ctx.catalogue.kinds_for(&o.id);
        if kinds.is_empty() {
            continue;
        }
        let mut check = EvidenceCheck::default();
        let mut kind_states = Vec::new();
        for k in kinds {
            let (from, paths) = match d.overrides.iter().find(|(key, _, _)| key == &k.id) {
                Some((_, p, _)) => ("manifest", vec![p.clone()]),
                None => ("default", k.paths.clone()),
            };
            let mut reads = Vec::new();
            for p in &paths {
                reads.extend(ctx.read(d, p, from == "manifest"));
            }
            kind_states.push(evaluate_kind(k, o, &reads, from, &mut check));
        }
        let status = if kind_states.iter().all(|s| *s == EvidenceStatus::Missing) {
            EvidenceStatus::Missing
        } else if kind_states.iter().all(|s| *s == EvidenceStatus::Met) {
            EvidenceStatus::Met
        } else {
            EvidenceStatus::Partial
        };
        check.evidence_status = Some(match o.status {
            ObligationStatus::NotYetApplicable => EvidenceStatus::NotYetApplicable,
            _ => status,
        });
        for doc in &check.evidence_checked {
            if doc.found && !doc.sections_checked {
                findings.push(Finding {
                    code: "evidence.unverified".into(),
                    level: FindingLevel::Note,
                    message: format!(
                        "`{}` counts as {} evidence for `{}`, but its sections cannot be checked (not Markdown, or larger than {} MiB)",
                        doc.path,
                        doc.kind,
                        o.id,
                        MAX_DOC_BYTES / (1024 * 1024)
                    ),
                    file: doc.path.clone(),
                    line: 0,
                    provision: Some(o.id.clone()),
                });
            }
        }
        o.check = check;
    }
    s.findings.extend(findings);
    s.findings.sort();
    s.findings.dedup();
}

/// Which sections of one kind the documents hold, for one obligation.
fn evaluate_kind(
    k: &Kind,
    o: &Obligation,
    reads: &[Read],
    from: &str,
    check: &mut EvidenceCheck,
) -> EvidenceStatus {
    let sections: Vec<_> = k.sections.iter().filter(|s| s.applies_to(&o.id)).collect();
    let mut found_any = false;
    let mut unverified = false;
    let mut found_ids = Vec::new();
    // Headings that match but are empty, to say why a section still counts as missing.
    let mut empty_at: BTreeMap<String, String> = BTreeMap::new();
    for r in reads {
        let mut doc = EvidenceDoc {
            kind: k.id.clone(),
            path: r.rel.clone(),
            found: r.found,
            from: from.to_string(),
            sections_checked: r.outline.is_some(),
            sections: Vec::new(),
        };
        if r.found {
            found_any = true;
        }
        match &r.outline {
            Some(outline) => {
                for sec in &sections {
                    if let Some(f) = find_section(sec, outline) {
                        found_ids.push(sec.id.clone());
                        doc.sections.push(f);
                    } else if let Some(h) = matching_heading(sec, outline) {
                        empty_at.entry(sec.id.clone()).or_insert_with(|| {
                            format!("heading at {}:{} has nothing under it", r.rel, h.line)
                        });
                    }
                }
            }
            None if r.found => unverified = true,
            None => {}
        }
        check.evidence_checked.push(doc);
    }
    if !found_any {
        for sec in sections.iter().filter(|s| s.required) {
            check.missing_sections.push(MissingSection {
                kind: k.id.clone(),
                id: sec.id.clone(),
                title: sec.title.clone(),
                note: None,
            });
        }
        return EvidenceStatus::Missing;
    }
    if unverified {
        // A document we cannot read may hold every section: its presence counts, and a
        // finding says the sections were not verified.
        return EvidenceStatus::Met;
    }
    let mut missing = false;
    for sec in sections.iter().filter(|s| s.required) {
        if !found_ids.contains(&sec.id) {
            missing = true;
            check.missing_sections.push(MissingSection {
                kind: k.id.clone(),
                id: sec.id.clone(),
                title: sec.title.clone(),
                note: empty_at.get(&sec.id).cloned(),
            });
        }
    }
    if missing {
        EvidenceStatus::Partial
    } else {
        EvidenceStatus::Met
    }
}

/// How well a heading matches a section: naming its id beats any keyword, a longer keyword
/// beats a shorter one ("Bias mitigation" is the better match for bias mitigation than
/// "Bias examination"). `None` when it does not match.
fn match_score(sec: &Section, h: &outline::Heading) -> Option<usize> {
    if h.is_title {
        return None;
    }
    if outline::names_id(&h.text, &sec.id) {
        return Some(usize::MAX);
    }
    sec.normalised_headings
        .iter()
        .filter(|k| h.normalised.contains(k.as_str()))
        .map(|k| k.len())
        .max()
}

/// The best heading with content for a section (first one on a tie), else a front-matter key.
fn find_section(sec: &Section, o: &Outline) -> Option<FoundSection> {
    let mut best: Option<(usize, &outline::Heading)> = None;
    for h in o.headings.iter().filter(|h| h.has_body) {
        if let Some(score) = match_score(sec, h)
            && best.is_none_or(|(b, _)| score > b)
        {
            best = Some((score, h));
        }
    }
    if let Some((_, h)) = best {
        return Some(FoundSection {
            id: sec.id.clone(),
            line: h.line,
            heading: shorten(&h.text),
        });
    }
    for (key, line) in &o.front_matter {
        if sec.front_matter.iter().any(|k| k == key) {
            return Some(FoundSection {
                id: sec.id.clone(),
                line: *line,
                heading: format!("front matter `{key}`"),
            });
        }
    }
    None
}

fn matching_heading<'o>(sec: &Section, o: &'o Outline) -> Option<&'o outline::Heading> {
    o.headings.iter().find(|h| match_score(sec, h).is_some())
}

fn shorten(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    if s.chars().count() <= MAX_HEADING_CHARS {
        s
    } else {
        let mut t: String = s.chars().take(MAX_HEADING_CHARS - 1).collect();
        t.push('…');
        t
    }
}

/// `a/./b/../c` → `a/c`; `None` when it climbs above the root.
pub fn normalise_rel(p: &str) -> Option<String> {
    // Most paths are already plain (`docs/x.md`): nothing to resolve.
    if !p.is_empty()
        && !p.contains(['\\', ':'])
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
    {
        return Some(p.to_string());
    }
    let mut parts: Vec<String> = Vec::new();
    for c in Path::new(p).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().to_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

impl Ctx<'_> {
    /// Unknown kinds in a manifest's `evidence:` are errors, like unknown keys.
    fn check_overrides(&mut self, d: &SystemDocs<'_>) {
        let shown = self.shown_root.join(d.manifest).display().to_string();
        for (key, path, line) in d.overrides {
            if self.catalogue.kind(key).is_none() {
                let ids = self.catalogue.kinds.iter().map(|k| k.id.as_str());
                let help = match did_you_mean(key, ids) {
                    Some(s) => format!("did you mean `{s}`? kinds are listed in docs/evidence.md"),
                    None => "evidence kinds are listed in docs/evidence.md".into(),
                };
                self.diags.push(
                    Diagnostic::error(
                        "manifest.evidence_kind",
                        shown.clone(),
                        *line,
                        0,
                        format!("unknown evidence kind `{key}`"),
                    )
                    .with_help(help),
                );
            }
            if Path::new(path).is_absolute() || normalise_rel(&join(d.folder, path)).is_none() {
                self.diags.push(Diagnostic::error(
                    "manifest.evidence_path",
                    shown.clone(),
                    *line,
                    0,
                    format!("evidence path `{path}` leaves the scanned folder: use a path relative to the manifest, inside the repository"),
                ));
            }
        }
    }

    /// Read what a path names: a file, or the files of a folder. Results are cached.
    fn read(&mut self, d: &SystemDocs<'_>, path: &str, from_manifest: bool) -> Vec<Read> {
        let joined = join(d.folder, path);
        let Some(rel) = normalise_rel(&joined).filter(|_| !Path::new(path).is_absolute()) else {
            // Reported by check_overrides.
            return vec![Read {
                rel: path.to_string(),
                found: false,
                outline: None,
            }];
        };
        if let Some(r) = self.cache.get(&rel) {
            return r.clone();
        }
        let abs = self.root.join(&rel);
        let reads = if self.found.contains(&rel) {
            vec![self.read_file(&rel, &abs)]
        } else if !self.may_exist(&abs) {
            vec![Read {
                rel: rel.clone(),
                found: false,
                outline: None,
            }]
        } else if !self.inside_root(&abs) {
            if from_manifest {
                self.diags.push(Diagnostic::error(
                    "manifest.evidence_path",
                    self.shown_root.join(d.manifest).display().to_string(),
                    0,
                    0,
                    format!("evidence path `{path}` resolves outside the scanned folder (a symbolic link?)"),
                ));
            }
            vec![Read {
                rel: rel.clone(),
                found: false,
                outline: None,
            }]
        } else if abs.is_dir() {
            self.read_folder(&rel, &abs)
        } else if abs.is_file() {
            vec![self.read_file(&rel, &abs)]
        } else {
            vec![Read {
                rel: rel.clone(),
                found: false,
                outline: None,
            }]
        };
        self.cache.insert(rel, reads.clone());
        reads
    }

    /// Whether a path's folder lists its name. `false` means it certainly does not exist; a
    /// `true` is checked in full (symbolic links, file or folder) by the caller.
    fn may_exist(&mut self, abs: &Path) -> bool {
        let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
            return true;
        };
        let listing = self
            .listings
            .entry(parent.to_path_buf())
            .or_insert_with(|| {
                std::fs::read_dir(parent).ok().map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name())
                        .collect()
                })
            });
        listing.as_ref().is_some_and(|names| names.contains(name))
    }

    fn inside_root(&self, abs: &Path) -> bool {
        match abs.canonicalize() {
            Ok(c) => c.starts_with(self.canon_root),
            // Not there: nothing to read, nothing escapes.
            Err(_) => true,
        }
    }

    fn read_folder(&mut self, rel: &str, abs: &Path) -> Vec<Read> {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(abs)
            .follow_links(false)
            .max_depth(MAX_FOLDER_DEPTH)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().to_path_buf())
            .collect();
        files.sort();
        if files.len() > MAX_FOLDER_FILES {
            self.diags.push(Diagnostic::warning(
                "evidence.folder_too_large",
                self.shown_root.join(rel).display().to_string(),
                0,
                0,
                format!("only the first {MAX_FOLDER_FILES} files of this evidence folder are read"),
            ));
            files.truncate(MAX_FOLDER_FILES);
        }
        if files.is_empty() {
            return vec![Read {
                rel: rel.to_string(),
                found: false,
                outline: None,
            }];
        }
        files
            .iter()
            .map(|f| {
                let sub = f
                    .strip_prefix(abs)
                    .map(|s| s.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                let frel = if rel.is_empty() {
                    sub
                } else {
                    format!("{rel}/{sub}")
                };
                self.read_file(&frel, f)
            })
            .collect()
    }

    fn read_file(&mut self, rel: &str, abs: &Path) -> Read {
        let is_md = abs
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        let outline = if is_md {
            match read_capped(abs) {
                Ok(Some(bytes)) => match String::from_utf8(bytes) {
                    Ok(text) => Some(outline::parse(&text)),
                    Err(_) => {
                        self.warn(
                            "evidence.encoding",
                            rel,
                            "not UTF-8 text: counted as present, its sections are not read".into(),
                        );
                        None
                    }
                },
                Ok(None) => {
                    self.warn(
                        "evidence.too_large",
                        rel,
                        format!(
                            "larger than {} MiB: counted as present, its sections are not read",
                            MAX_DOC_BYTES / (1024 * 1024)
                        ),
                    );
                    None
                }
                Err(e) => {
                    self.warn("evidence.read", rel, format!("cannot read: {e}"));
                    None
                }
            }
        } else {
            None
        };
        Read {
            rel: rel.to_string(),
            found: true,
            outline,
        }
    }

    fn warn(&mut self, code: &str, rel: &str, message: String) {
        self.diags.push(Diagnostic::warning(
            code,
            self.shown_root.join(rel).display().to_string(),
            0,
            0,
            message,
        ));
    }
}

/// A document's bytes, or `None` when it is larger than [`MAX_DOC_BYTES`].
fn read_capped(abs: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let file = std::fs::File::open(abs)?;
    let size = file.metadata()?.len();
    if size > MAX_DOC_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_DOC_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_DOC_BYTES).then_some(bytes))
}

fn join(folder: &str, path: &str) -> String {
    if folder == "." || folder.is_empty() {
        path.to_string()
    } else {
        format!("{folder}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_inside() {
        assert_eq!(normalise_rel("a/./b/../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(
            normalise_rel("svc/../shared/policy.md").as_deref(),
            Some("shared/policy.md")
        );
        assert_eq!(normalise_rel("../x.md"), None);
        assert_eq!(normalise_rel("/etc/passwd"), None);
        assert_eq!(normalise_rel("docs/x.md").as_deref(), Some("docs/x.md"));
        assert_eq!(normalise_rel("docs//x.md").as_deref(), Some("docs/x.md"));
        assert_eq!(normalise_rel("docs/x.md/").as_deref(), Some("docs/x.md"));
    }
}
