//! A git revision as a folder to audit, without touching the user's working tree, index or
//! worktree list: the tree is listed with `git ls-tree` and each file's content streamed
//! from `git cat-file --batch` into a temporary folder, removed when dropped. Neither command
//! runs hooks or attribute filters, so no code from the repository is executed and files
//! come out exactly as committed. Symbolic links and submodules are skipped (the scan never
//! follows them).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// Files larger than this are not written (the audit reads manifests and documents).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A revision written out to a temporary folder.
pub struct Checkout {
    dir: tempfile::TempDir,
    /// The full commit id.
    pub commit: String,
}

impl Checkout {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

fn git(repo: &Path) -> Command {
    let mut c = Command::new("git");
    // A repository's config could name an fsmonitor program; never run it.
    c.arg("-C")
        .arg(repo)
        .args(["-c", "core.fsmonitor=false"])
        .stdin(Stdio::null());
    c
}

/// The commit a revision names in the repository around `repo`, if it names one.
pub fn resolve(repo: &Path, rev: &str) -> Option<String> {
    if rev.starts_with('-') {
        return None;
    }
    let out = git(repo)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"))
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// Write the whole tree of `commit` to a new temporary folder.
pub fn checkout(repo: &Path, commit: &str) -> Result<Checkout, String> {
    let dir = tempfile::Builder::new()
        .prefix("aiact-diff-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let ls = git(repo)
        .args(["ls-tree", "-r", "-z", "--full-tree", "-l", commit])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !ls.status.success() {
        return Err(format!(
            "git ls-tree {commit} failed: {}",
            String::from_utf8_lossy(&ls.stderr).trim()
        ));
    }
    // `<mode> SP <type> SP <object> SP <size> TAB <path> NUL`
    let mut wanted: Vec<(String, PathBuf)> = Vec::new();
    for entry in ls.stdout.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let text = String::from_utf8_lossy(entry);
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let parts: Vec<&str> = meta.split_whitespace().collect();
        let [mode, kind, object, size] = parts.as_slice() else {
            continue;
        };
        if *kind != "blob" || !(*mode == "100644" || *mode == "100755") {
            continue;
        }
        if size.parse::<u64>().map_or(true, |s| s > MAX_FILE_BYTES) {
            continue;
        }
        let Some(rel) = safe_relative(path) else {
            continue;
        };
        wanted.push((object.to_string(), dir.path().join(rel)));
    }
    write_blobs(repo, &wanted)?;
    Ok(Checkout {
        dir,
        commit: commit.to_string(),
    })
}

/// A path from the tree as a relative path with no `..`, root or `.git` component.
fn safe_relative(p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(s) if s != ".git" => out.push(s),
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

fn write_blobs(repo: &Path, wanted: &[(String, PathBuf)]) -> Result<(), String> {
    if wanted.is_empty() {
        return Ok(());
    }
    let mut child = git(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git cat-file: {e}"))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("git cat-file: no pipes".into());
    };
    // Requests are written from another thread so neither pipe can fill up and block.
    let requests: Vec<String> = wanted.iter().map(|(o, _)| format!("{o}\n")).collect();
    let writer = std::thread::spawn(move || {
        for r in requests {
            if stdin.write_all(r.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut reader = BufReader::new(stdout);
    let result = read_blobs(&mut reader, wanted);
    drop(reader);
    // On an error git may still be writing: stop it rather than leave it behind.
    if result.is_err() {
        let _ = child.kill();
    }
    let _ = writer.join();
    let _ = child.wait();
    result
}

fn read_blobs(reader: &mut impl BufRead, wanted: &[(String, PathBuf)]) -> Result<(), String> {
    for (object, dest) in wanted {
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(|e| e.to_string())? == 0 {
            return Err(format!("git cat-file ended early at {object}"));
        }
        let parts: Vec<&str> = header.split_whitespace().collect();
        let size = match parts.as_slice() {
            [_, "blob", size] => size.parse::<u64>().map_err(|e| e.to_string())?,
            _ => {
                return Err(format!(
                    "git cat-file: unexpected answer `{}`",
                    header.trim()
                ));
            }
        };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut file = std::fs::File::create(dest).map_err(|e| e.to_string())?;
        let copied = std::io::copy(&mut reader.take(size), &mut file).map_err(|e| e.to_string())?;
        if copied != size {
            return Err(format!("git cat-file: short read for {object}"));
        }
        let mut nl = [0u8; 1];
        reader.read_exact(&mut nl).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_paths_are_kept_inside() {
        assert_eq!(safe_relative("a/b.md"), Some(PathBuf::from("a/b.md")));
        assert_eq!(safe_relative("../x"), None);
        assert_eq!(safe_relative("/etc/passwd"), None);
        assert_eq!(safe_relative("a/.git/config"), None);
    }
}
