use super::output;
use super::{EXIT_ERROR, EXIT_OK};
use std::path::Path;

const TEMPLATE: &str = include_str!("../../templates/aiact.yaml.template");

pub fn run(path: &Path) -> i32 {
    let target = if path.is_dir() || path.extension().is_none() {
        path.join("aiact.yaml")
    } else {
        path.to_path_buf()
    };
    if target.exists() {
        eprintln!(
            "aiact: {} already exists; not overwriting it (edit it, or remove it first)",
            target.display()
        );
        return EXIT_ERROR;
    }
    if let Some(parent) = target.parent()
        && !parent.as_os_str().is_empty()
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        eprintln!("aiact: cannot create {}: {e}", parent.display());
        return EXIT_ERROR;
    }
    // create_new: if another process made the file meanwhile, we still never overwrite it.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target);
    match file {
        Ok(mut f) => {
            use std::io::Write;
            if let Err(e) = f.write_all(TEMPLATE.as_bytes()).and_then(|_| f.sync_all()) {
                eprintln!("aiact: cannot write {}: {e}", target.display());
                return EXIT_ERROR;
            }
        }
        Err(e) => {
            eprintln!("aiact: cannot create {}: {e}", target.display());
            return EXIT_ERROR;
        }
    }
    let _ = output::stdout(&format!(
        "wrote {}: fill in what you know, leave the rest as `unknown`, then run `aiact audit`\n",
        target.display()
    ));
    EXIT_OK
}
