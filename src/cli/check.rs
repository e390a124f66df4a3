//! `aiact check`: the CI gate. Audit, check the evidence, apply waivers, judge, print one
//! line per system, exit 0 / 1 / 2.

use super::audit::{Format, LawArgs, RenderOptions, load_while_walking, render, sarif_base};
use super::output;
use super::{EXIT_ERROR, EXIT_GATE, EXIT_OK};
use crate::audit;
use crate::gate::policy::{self, Condition, Policy};
use crate::gate::waivers;
use crate::report::terminal;
use clap::Args;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

fn parse_condition(s: &str) -> Result<Condition, String> {
    Condition::parse(s.trim()).ok_or_else(|| {
        let all: Vec<&str> = Condition::ALL.iter().map(|c| c.as_str()).collect();
        format!("expected one of {}", all.join(", "))
    })
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// A folder to scan for aiact.yaml manifests, or one manifest file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Also fail on these conditions (comma-separated or repeated): prohibited,
    /// undetermined, missing-evidence, upcoming-evidence, high-risk, any-finding.
    /// prohibited and missing-evidence are always on; undetermined is on unless allowed.
    #[arg(long, value_delimiter = ',', value_parser = parse_condition, value_name = "CONDITION")]
    pub fail_on: Vec<Condition>,
    /// Do not fail on undetermined systems (a prohibited practice still fails).
    #[arg(long)]
    pub allow_undetermined: bool,
    /// The waiver file; default: aiact-waivers.yaml at PATH, when it exists.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Also write the full report in this format (to --out, or stdout: the summary then
    /// goes to stderr).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to this file (atomically); the format defaults to json.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The date (waivers expire against it too), the text of the law, extra rule packs.
    #[command(flatten)]
    pub law_args: LawArgs,
    /// Files larger than this many bytes are reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = crate::discover::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// The waiver file to read: the one given (which must exist), or the default when present.
fn waiver_file(args: &CheckArgs) -> Option<PathBuf> {
    match &args.waivers {
        Some(p) => Some(p.clone()),
        None => {
            let p = audit::base_of(&args.path).join(waivers::DEFAULT_FILE);
            p.is_file().then_some(p)
        }
    }
}

fn read_waivers(path: &Path) -> Result<Vec<waivers::Waiver>, i32> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{shown}: error[waiver.read]: cannot read the waiver file: {e}");
            return Err(EXIT_ERROR);
        }
    };
    waivers::parse(&shown, &text).map_err(|errs| {
        output::print_diagnostics(&errs);
        eprintln!(
            "aiact: the waiver file has {} error(s); the gate fails closed",
            errs.len()
        );
        EXIT_ERROR
    })
}

pub fn run(args: CheckArgs) -> i32 {
    let policy = match Policy::new(&args.fail_on, args.allow_undetermined) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("aiact: {e}");
            return EXIT_ERROR;
        }
    };
    crate::timings::begin();
    let waiver_list = match waiver_file(&args) {
        Some(p) => match read_waivers(&p) {
            Ok(w) => w,
            Err(code) => return code,
        },
        None => Vec::new(),
    };
    let opts = args.law_args.audit_options();
    let scan = audit::ScanOptions::for_command(args.max_file_size);
    let (pack, catalogue, walked) =
        match load_while_walking(&args.law_args.rules, &args.path, &scan) {
            Ok(loaded) => loaded,
            Err(code) => return code,
        };
    let mut rep = audit::run_walked(&args.path, walked, &pack, &catalogue, &opts, &scan);
    crate::timings::mark("evidence checked");
    waivers::apply(&mut rep, &waiver_list);
    let gate = policy::evaluate(&rep, &policy);
    rep.gate = Some(gate.clone());
    crate::timings::mark("waivers applied, gate decided");

    let has_errors = rep.diagnostics.iter().any(|d| d.is_error());
    output::print_diagnostics_by_position(&rep.diagnostics);
    if rep.systems.is_empty() && !has_errors {
        eprintln!(
            "aiact: warning: no aiact.yaml found under {}; nothing to check",
            args.path.display()
        );
    }

    // The report, when asked for: to --out, or to stdout (and the summary to stderr).
    let format = args.format.or(args.out.as_ref().map(|_| Format::Json));
    let report_on_stdout = format.is_some() && args.out.is_none();
    if let Some(f) = format {
        let ropts = RenderOptions {
            lang: "en",
            template: None,
            sarif_base: sarif_base(&args.path),
        };
        let text = match render(f, &rep, &pack, &ropts) {
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
    }
    crate::timings::mark("report written");
    if report_on_stdout {
        let colour = terminal::use_colour(std::io::stderr().is_terminal());
        eprint!("{}", terminal::render(&rep, &gate, colour));
    } else {
        let colour = terminal::use_colour(std::io::stdout().is_terminal());
        if let Err(e) = output::stdout(&terminal::render(&rep, &gate, colour)) {
            eprintln!("aiact: could not write the summary: {e}");
            return EXIT_ERROR;
        }
    }

    if has_errors {
        EXIT_ERROR
    } else if !gate.passed {
        EXIT_GATE
    } else {
        EXIT_OK
    }
}
