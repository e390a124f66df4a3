//! Discover: which files under a root matter, in a stable order.
//!
//! Honours .gitignore (inside a git repository) and `.aiactignore` (anywhere). Walks in
//! parallel and sorts the result, so output never depends on thread timing. Symlinks are
//! followed only while they stay inside the tree; a loop or a link out of the tree is a
//! diagnostic. Hidden folders are not skipped blindly: `.github/` can hold documentation
//! that matters, `.git/` never does. Files are read under a size cap; binary files are
//! skipped, UTF-16 with a byte-order mark is decoded, other undecodable text is reported.

pub mod progress;

use crate::diag::Diagnostic;
use crate::extract::text::{self, DecodeError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct FoundFile {
    /// Relative to the root, `/`-separated.
    pub rel: String,
    pub abs: PathBuf,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<FoundFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every file seen by the walk, kept or not (for the progress line and the report).
    pub seen: usize,
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

/// Default per-file cap: model cards and manifests are small; a 90 KB BOM with an embedded
/// image is about the largest real evidence file in the corpus.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Worker threads (0: as many as the machine has).
    pub threads: usize,
    /// Show a progress line on stderr when the walk takes over a second and stderr is a
    /// terminal.
    pub progress: bool,
}

/// Every file under `root` (the lead's original entry point; keeps every file).
pub fn walk(root: &Path) -> Discovery {
    walk_with(root, &WalkOptions::default(), |_| true, |_| true)
}

/// Walk `root`, keeping only files whose name `by_name` may want and whose relative path
/// `keep` accepts (so memory follows the number of evidence files, not the size of the
/// tree). `by_name` is asked first and cheaply: most files of a large tree are source code,
/// and turning each path into text only to refuse it was a tenth of a scan. Sizes are
/// checked when a file is read ([`read_text`]), on the open file.
pub fn walk_with(
    root: &Path,
    opts: &WalkOptions,
    by_name: impl Fn(&str) -> bool + Sync,
    keep: impl Fn(&str) -> bool + Sync,
) -> Discovery {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let files: Mutex<Vec<FoundFile>> = Mutex::new(Vec::new());
    let diags: Arc<Mutex<Vec<Diagnostic>>> = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(AtomicUsize::new(0));
    let progress = opts
        .progress
        .then(|| progress::Progress::start(Arc::clone(&seen)));

    let mut builder = ignore::WalkBuilder::new(root);
    let filter_diags = Arc::clone(&diags);
    let filter_root = canonical_root.clone();
    let shown_root = root.to_path_buf();
    builder
        .hidden(false)
        .follow_links(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(false)
        .parents(false)
        .threads(opts.threads)
        .add_custom_ignore_filename(".aiactignore")
        .filter_entry(move |e| {
            // Folders only: the name of each of a tree's files need not be looked at here.
            if e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref())
            {
                return false;
            }
            // A link is followed only while its target stays inside the scanned tree.
            if e.path_is_symlink() {
                let inside = std::fs::canonicalize(e.path()).is_ok_and(|t| t.starts_with(&filter_root));
                if !inside {
                    if let Ok(mut d) = filter_diags.lock() {
                        d.push(Diagnostic::note(
                            "scan.symlink_outside",
                            relative(&shown_root, e.path()),
                            0,
                            0,
                            "symbolic link to a place outside the scanned tree (or to nothing); not followed",
                        ));
                    }
                    return false;
                }
            }
            true
        });

    builder.build_parallel().run(|| {
        let files = &files;
        let diags = Arc::clone(&diags);
        let seen = Arc::clone(&seen);
        let keep = &keep;
        let by_name = &by_name;
        Box::new(move |entry| {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        seen.fetch_add(1, Ordering::Relaxed);
                        // The name is the path's last part (cut by bytes: cheaper than
                        // parsing components, for every file of the tree).
                        let path = e.path().as_os_str().as_encoded_bytes();
                        let name = path
                            .rsplit(|&b| std::path::is_separator(char::from(b)))
                            .next()
                            .unwrap_or(path);
                        let wanted = std::str::from_utf8(name).map_or(true, by_name);
                        if wanted {
                            let rel = relative(root, e.path());
                            if keep(&rel)
                                && let Ok(mut f) = files.lock()
                            {
                                f.push(FoundFile {
                                    rel,
                                    abs: e.path().to_path_buf(),
                                });
                            }
                        }
                    }
                }
                Err(err) => {
                    if let Ok(mut d) = diags.lock() {
                        d.push(walk_error(root, &err));
                    }
                }
            }
            ignore::WalkState::Continue
        })
    });
    if let Some(p) = progress {
        p.finish();
    }
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut diagnostics = std::mem::take(&mut *diags.lock().unwrap_or_else(|p| p.into_inner()));
    diagnostics.sort();
    diagnostics.dedup();
    Discovery {
        files,
        diagnostics,
        seen: seen.load(Ordering::Relaxed),
    }
}

/// A walk error as a diagnostic; a symlink loop gets its own code.
fn walk_error(root: &Path, err: &ignore::Error) -> Diagnostic {
    fn find_loop(err: &ignore::Error) -> Option<(&Path, &Path)> {
        match err {
            ignore::Error::Loop { ancestor, child } => Some((ancestor, child)),
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => find_loop(err),
            _ => None,
        }
    }
    if let Some((ancestor, child)) = find_loop(err) {
        return Diagnostic::warning(
            "scan.symlink_loop",
            relative(root, child),
            0,
            0,
            format!(
                "symbolic link loop back to {}; not followed",
                relative(root, ancestor)
            ),
        );
    }
    Diagnostic::warning(
        "scan.walk",
        root.display().to_string(),
        0,
        0,
        format!("could not read part of the tree: {err}"),
    )
}

/// Read a found file as text: binary files are skipped (`Ok(None)`), UTF-16 with a
/// byte-order mark is decoded, anything else undecodable is a diagnostic.
pub fn read_text(f: &FoundFile, max_file_size: u64) -> Result<Option<String>, Diagnostic> {
    let bytes = read_bytes(f, max_file_size)?;
    match text::decode(&bytes) {
        Ok(t) => Ok(Some(t.into_owned())),
        Err(DecodeError::Binary) => Ok(None),
        Err(DecodeError::InvalidUtf8 { offset }) => {
            let before = bytes.get(..offset).unwrap_or(&[]);
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Err(Diagnostic::warning(
                "scan.encoding",
                &f.rel,
                line,
                0,
                "not UTF-8 text (nor UTF-16 with a byte-order mark); not read",
            )
            .with_help("save the file as UTF-8"))
        }
    }
}

/// A found file's bytes, under the size cap (an oversized file is a diagnostic, not read).
pub fn read_bytes(f: &FoundFile, max_file_size: u64) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    let file = std::fs::File::open(&f.abs)
        .map_err(|e| Diagnostic::warning("scan.read", &f.rel, 0, 0, format!("cannot read: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > max_file_size {
        return Err(too_large(
            &f.rel,
            format!("{size} bytes, over the {max_file_size} byte cap; not read"),
        ));
    }
    // The size the file had when opened is read, and no more: no probing read, no read only to
    // meet the end (a file growing meanwhile is read as it was). A size of 0 may be a file
    // system that does not tell sizes: such a file is read to its end, under the cap.
    let limit = if size == 0 {
        max_file_size.saturating_add(1)
    } else {
        size
    };
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::warning("scan.read", &f.rel, 0, 0, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max_file_size {
        return Err(too_large(
            &f.rel,
            format!("over the {max_file_size} byte cap; not read"),
        ));
    }
    Ok(bytes)
}

fn too_large(rel: &str, message: String) -> Diagnostic {
    Diagnostic::note("scan.too_large", rel, 0, 0, message)
        .with_help("raise the cap with --max-file-size if this file is evidence")
}

/// `root/a/b.yaml` → `a/b.yaml`; a file given as the root itself keeps its name.
pub fn relative(root: &Path, p: &Path) -> String {
    // The walk's paths are `root` joined with names: cutting the bytes is enough, and far
    // cheaper than comparing component by component for each of a tree's files.
    let fast = p
        .as_os_str()
        .as_encoded_bytes()
        .strip_prefix(root.as_os_str().as_encoded_bytes())
        .and_then(|rest| rest.strip_prefix(b"/"))
        .and_then(|rest| std::str::from_utf8(rest).ok());
    if let Some(rel) = fast
        && is_plain(rel)
    {
        return rel.to_string();
    }
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

/// A relative path with nothing to resolve: no `.` or `..` part, no empty part, no backslash.
/// (Names that merely start with a dot, as `.github`, are resolved the slow way: still right.)
fn is_plain(rel: &str) -> bool {
    let b = rel.as_bytes();
    !b.is_empty()
        && b[0] != b'.'
        && b[0] != b'/'
        && b[b.len() - 1] != b'/'
        && !b.windows(2).any(|w| w == b"/." || w == b"//")
        && !b.contains(&b'\\')
}

/// The folder part of a relative path (`.` for the root).
pub fn folder_of(rel: &str) -> String {
    match rel.rfind('/') {
        Some(i) => rel[..i].to_string(),
        None => ".".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree() -> tempfile::TempDir {
        let t = tempfile::tempdir().expect("tempdir");
        let p = t.path();
        fs::create_dir_all(p.join(".github/workflows")).ok();
        fs::create_dir_all(p.join(".git/objects")).ok();
        fs::create_dir_all(p.join("a/node_modules/x")).ok();
        fs::create_dir_all(p.join("b")).ok();
        fs::write(p.join(".github/README.md"), "# docs").ok();
        fs::write(p.join(".git/objects/README.md"), "no").ok();
        fs::write(p.join("a/node_modules/x/package.json"), "{}").ok();
        fs::write(p.join("a/README.md"), "# a").ok();
        fs::write(p.join("b/big.md"), "x".repeat(2000)).ok();
        fs::write(p.join(".aiactignore"), "ignored/\n").ok();
        fs::create_dir_all(p.join("ignored")).ok();
        fs::write(p.join("ignored/README.md"), "# no").ok();
        t
    }

    #[test]
    fn relative_paths_are_slash_separated_and_never_empty() {
        let r = Path::new("/tmp/repo");
        assert_eq!(relative(r, Path::new("/tmp/repo/a/b.md")), "a/b.md");
        assert_eq!(
            relative(Path::new("/tmp/repo/"), Path::new("/tmp/repo/a/b.md")),
            "a/b.md"
        );
        assert_eq!(relative(Path::new("."), Path::new("./a/b.md")), "a/b.md");
        assert_eq!(relative(r, Path::new("/tmp/repo")), "repo");
        assert_eq!(
            relative(r, Path::new("/tmp/repository/x.md")),
            "/tmp/repository/x.md"
        );
        assert_eq!(relative(r, Path::new("/tmp/repo/./a.md")), "a.md");
    }

    #[test]
    fn walks_sorted_skipping_git_and_ignored() {
        let t = tree();
        let d = walk_with(
            t.path(),
            &WalkOptions::default(),
            |_| true,
            |rel| rel.ends_with(".md") || rel.ends_with(".json"),
        );
        let rels: Vec<_> = d.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, [".github/README.md", "a/README.md", "b/big.md"]);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        // The size cap is applied when a file is read.
        let big = d.files.iter().find(|f| f.rel == "b/big.md").expect("found");
        let e = read_text(big, 1000).expect_err("over the cap");
        assert_eq!(e.code, "scan.too_large");
        assert!(e.message.starts_with("2000 bytes"), "{}", e.message);
        assert!(read_text(big, 2000).is_ok());
        // A file refused by name is never turned into a path.
        let d = walk_with(
            t.path(),
            &WalkOptions::default(),
            |name| name != "big.md",
            |_| true,
        );
        assert!(!d.files.iter().any(|f| f.rel == "b/big.md"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_loops_and_escapes_are_diagnostics() {
        let t = tree();
        let outside = tempfile::tempdir().expect("tempdir");
        fs::write(outside.path().join("README.md"), "# outside").ok();
        std::os::unix::fs::symlink(outside.path(), t.path().join("escape")).ok();
        std::os::unix::fs::symlink(t.path().join("a"), t.path().join("a/loop")).ok();
        std::os::unix::fs::symlink(t.path().join("a/README.md"), t.path().join("b/inside.md")).ok();
        let d = walk_with(
            t.path(),
            &WalkOptions::default(),
            |_| true,
            |rel| rel.ends_with(".md"),
        );
        let rels: Vec<_> = d.files.iter().map(|f| f.rel.as_str()).collect();
        assert!(rels.contains(&"b/inside.md"), "{rels:?}");
        assert!(!rels.iter().any(|r| r.starts_with("escape")), "{rels:?}");
        let codes: Vec<_> = d.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"scan.symlink_outside"), "{codes:?}");
        assert!(codes.contains(&"scan.symlink_loop"), "{codes:?}");
    }

    #[test]
    fn reads_utf16_skips_binary_reports_bad_text() {
        let t = tempfile::tempdir().expect("tempdir");
        let mk = |name: &str, bytes: &[u8]| {
            let abs = t.path().join(name);
            fs::write(&abs, bytes).ok();
            FoundFile {
                rel: name.into(),
                abs,
            }
        };
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("torch\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(
            read_text(&mk("r.txt", &utf16), 100).unwrap().as_deref(),
            Some("torch\n")
        );
        assert_eq!(read_text(&mk("b.md", b"\x89PNG\0\0"), 100).unwrap(), None);
        let e = read_text(&mk("l.md", b"ok\nbad \xff\n"), 100).unwrap_err();
        assert_eq!((e.code.as_str(), e.line), ("scan.encoding", 2));
        assert_eq!(
            read_text(&mk("big.md", &[b'x'; 200]), 100)
                .unwrap_err()
                .code,
            "scan.too_large"
        );
    }
}
