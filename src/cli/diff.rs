//! `aiact diff BASE HEAD`: audit two versions and print what changed, as Markdown for a
//! pull-request comment. Each side is a folder (or manifest) when such a path exists,
//! otherwise a git revision of the repository around the current folder.

use super::audit::{LawArgs, load_catalogue, load_pack, load_scan_patterns};
use super::output;
use super::{EXIT_ERROR, EXIT_OK};
use crate::audit;
use crate::diff::{self, revision};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The version before the change: a folder, or a git revision (`main`, `HEAD~1`).
    pub base: String,
    /// The version after the change: a folder, or a git revision (`HEAD`).
    pub head: String,
    /// The repository the revisions belong to.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Write the Markdown to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub law_args: LawArgs,
}

/// One side: a path as given, or a revision written to a temporary folder (kept alive here).
enum Side {
    Path(PathBuf),
    Revision(String, revision::Checkout),
}

impl Side {
    fn root(&self) -> &Path {
        match self {
            Side::Path(p) => p,
            Side::Revision(_, c) => c.root(),
        }
    }

    fn label(&self) -> String {
        match self {
            Side::Path(p) => p.display().to_string(),
            Side::Revision(rev, c) => {
                format!("{rev} ({})", c.commit.get(..10).unwrap_or(&c.commit))
            }
        }
    }
}

fn side(arg: &str, repo: &Path) -> Result<Side, String> {
    let p = PathBuf::from(arg);
    if p.exists() {
        return Ok(Side::Path(p));
    }
    match revision::resolve(repo, arg) {
        Some(commit) => {
            revision::checkout(repo, &commit).map(|c| Side::Revision(arg.to_string(), c))
        }
        None => Err(format!(
            "`{arg}` is neither a path nor a git revision of {}",
            repo.display()
        )),
    }
}

pub fn run(args: DiffArgs) -> i32 {
    let pack = match load_pack(&args.law_args.rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let catalogue = match load_catalogue(&args.law_args.rules) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(code) = load_scan_patterns(&args.law_args.rules) {
        return code;
    }
    let opts = args.law_args.audit_options();
    let (base, head) = match (side(&args.base, &args.repo), side(&args.head, &args.repo)) {
        (Ok(b), Ok(h)) => (b, h),
        (b, h) => {
            for e in [b.err(), h.err()].into_iter().flatten() {
                eprintln!("aiact: {e}");
            }
            return EXIT_ERROR;
        }
    };
    let scan = audit::ScanOptions::default();
    let base_rep = audit::run(base.root(), &pack, &catalogue, &opts, &scan);
    let head_rep = audit::run(head.root(), &pack, &catalogue, &opts, &scan);
    let mut has_errors = false;
    for (label, rep) in [(base.label(), &base_rep), (head.label(), &head_rep)] {
        if !rep.diagnostics.is_empty() {
            eprintln!("aiact: in {label}:");
            output::print_diagnostics_by_position(&rep.diagnostics);
        }
        has_errors |= rep.diagnostics.iter().any(|d| d.is_error());
    }
    let diffs = diff::compare(&base_rep, &head_rep);
    let text = diff::markdown(&base.label(), &head.label(), &head_rep, &diffs);
    let written = match &args.out {
        Some(path) => output::write_atomic(path, text.as_bytes()),
        None => output::stdout(&text),
    };
    if let Err(e) = written {
        eprintln!("aiact: could not write the diff: {e}");
        return EXIT_ERROR;
    }
    // The temporary folders go with `base` and `head` here.
    if has_errors { EXIT_ERROR } else { EXIT_OK }
}
