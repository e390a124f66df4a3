//! Embeds rules/ and templates/ in the binary: `cargo install` gives one file that works
//! anywhere. Files are listed in sorted order so builds are reproducible.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

// The program's own YAML reader, so the embedded rule files are parsed here exactly as at run
// time (src/yaml.rs depends on nothing else of the crate).
#[allow(dead_code)]
#[path = "src/yaml.rs"]
mod yaml;

/// Every embedded YAML file that parses, as the tree `yaml::encode` writes: loading the
/// default pack then decodes instead of parsing 300 KB of YAML on every run. A file that does
/// not parse is left out and parsed (and its error reported) at run time.
fn write_parsed(files: &[(String, PathBuf)], out_dir: &Path) {
    let mut code = String::from("pub static EMBEDDED_RULES_PARSED: &[(&str, &[u8])] = &[\n");
    for (i, (rel, path)) in files.iter().enumerate() {
        let is_yaml = rel.ends_with(".yaml") || rel.ends_with(".yml");
        let Some(node) = is_yaml
            .then(|| fs::read_to_string(path).ok())
            .flatten()
            .and_then(|text| yaml::parse(&text).ok())
        else {
            continue;
        };
        let mut bytes = Vec::new();
        yaml::encode(&node, &mut bytes);
        let bin = out_dir.join(format!("parsed-{i}.bin"));
        if fs::write(&bin, &bytes).is_ok() {
            code.push_str(&format!(
                "    ({rel:?}, include_bytes!({:?})),\n",
                bin.display().to_string()
            ));
        }
    }
    code.push_str("];\n");
    let _ = fs::write(out_dir.join("embedded_rules_parsed.rs"), code);
}

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

fn write_table(name: &str, root: &str, exts: &[&str], out_dir: &Path) -> Vec<(String, PathBuf)> {
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
    files
        .into_iter()
        .map(|f| {
            let rel = f
                .strip_prefix(&manifest)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            (rel, f)
        })
        .collect()
}

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let rules = write_table("EMBEDDED_RULES", "rules", &["yaml", "yml"], &out_dir);
    write_parsed(&rules, &out_dir);
    println!("cargo:rerun-if-changed=src/yaml.rs");
    write_table(
        "EMBEDDED_TEMPLATES",
        "templates",
        &["j2", "jinja", "css", "yaml"],
        &out_dir,
    );
}
