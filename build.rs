//! Embeds rules/ and templates/ in the binary: `cargo install` gives one file that works
//! anywhere. Files are listed in sorted order so builds are reproducible.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    // A new file in a sub-folder changes only that folder's mtime: watch every folder.
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn write_table(name: &str, root: &str, exts: &[&str], out_dir: &Path) {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    collect(&manifest.join(root), &mut files);
    files.retain(|p| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e))
    });
    files.sort();
    let mut code = format!("pub static {name}: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f.strip_prefix(&manifest).unwrap_or(f);
        let rel = rel.to_string_lossy().replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    let path = out_dir.join(format!("{}.rs", name.to_lowercase()));
    if let Ok(mut fh) = fs::File::create(&path) {
        let _ = fh.write_all(code.as_bytes());
    }
    println!("cargo:rerun-if-changed={root}");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
}

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    write_table("EMBEDDED_RULES", "rules", &["yaml", "yml"], &out_dir);
    write_table(
        "EMBEDDED_TEMPLATES",
        "templates",
        &["j2", "jinja", "css", "yaml"],
        &out_dir,
    );
}
