use super::output;
use super::{EXIT_ERROR, EXIT_OK};
use crate::audit::{self, AuditOptions};
use crate::decide::pack::{self, Law, Pack};
use crate::report;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown, for people.
    Md,
    /// JSON, the stable contract (see docs/report.schema.json).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LawArg {
    /// Regulation (EU) 2024/1689 as published in 2024.
    Original,
    /// As amended by Regulation (EU) 2026/1744.
    Amended,
}

impl From<LawArg> for Law {
    fn from(l: LawArg) -> Law {
        match l {
            LawArg::Original => Law::Original,
            LawArg::Amended => Law::Amended,
        }
    }
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// A folder to scan for aiact.yaml manifests, or one manifest file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The date to assess against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = output::parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Which text of the law to apply; default: the text in force on the as-of date.
    #[arg(long, value_enum)]
    pub law: Option<LawArg>,
    /// Add a rule pack folder (repeatable); its rules override the default pack's by id.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Files larger than this many bytes are reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = crate::discover::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// Load the default pack plus the user's packs, printing every error.
pub fn load_pack(dirs: &[PathBuf]) -> Result<Pack, i32> {
    let refs: Vec<&Path> = dirs.iter().map(|p| p.as_path()).collect();
    pack::load_with(&refs).map_err(|errs| {
        output::print_diagnostics(&errs);
        eprintln!("aiact: the rule pack has {} error(s)", errs.len());
        EXIT_ERROR
    })
}

pub fn run(args: AuditArgs) -> i32 {
    let pack = match load_pack(&args.rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let opts = AuditOptions {
        as_of: args.as_of.unwrap_or_else(output::today),
        law: args.law.map(Law::from),
        extra_packs: args.rules.iter().map(|p| p.display().to_string()).collect(),
    };
    let scan = audit::ScanOptions {
        max_file_size: args.max_file_size,
        progress: true,
        threads: 0,
    };
    let gathered = audit::gather_with(&args.path, &pack, &scan);
    let (systems, diags) = (gathered.systems, gathered.diagnostics);
    let has_errors = diags.iter().any(|d| d.is_error());
    output::print_diagnostics(&diags);
    if systems.is_empty() && !has_errors {
        eprintln!(
            "aiact: no aiact.yaml found under {}; run `aiact init` to write one",
            args.path.display()
        );
    }
    let mut rep = audit::decide(&systems, &pack, &opts, diags);
    rep.evidence = gathered.evidence;
    // The report holds what it needs; free the fact sets before rendering (peak memory).
    drop(systems);
    let rendered = match args.format {
        Format::Json => report::json::render(&rep).map_err(|e| e.to_string()),
        Format::Md => report::markdown::render(&rep),
    };
    let text = match rendered {
        Ok(t) => t,
        Err(e) => {
            eprintln!("aiact: could not render the report: {e}");
            return EXIT_ERROR;
        }
    };
    let written = match &args.out {
        Some(path) => output::write_atomic(path, text.as_bytes()),
        None => output::stdout(&text),
    };
    if let Err(e) = written {
        eprintln!("aiact: could not write the report: {e}");
        return EXIT_ERROR;
    }
    if has_errors { EXIT_ERROR } else { EXIT_OK }
}
