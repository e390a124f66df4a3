use super::audit::{LawArgs, load_pack, load_scan_patterns};
use super::output;
use super::{EXIT_ERROR, EXIT_OK};
use crate::assess::prompt::{self, Ending};
use crate::assess::session::Session;
use crate::assess::{self, Store, answers, catalogue, summary};
use crate::audit::{self, AuditOptions, SystemEvidence};
use crate::decide::pack::Pack;
use clap::Args;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct AssessArgs {
    /// A folder with the system's aiact.yaml (or several), or one manifest file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The system to assess when PATH holds several (its name or its folder).
    #[arg(long, value_name = "NAME")]
    pub system: Option<String>,
    /// Apply an answers file without asking anything (no terminal needed); the same format
    /// the questionnaire writes. Its answers are added to the saved ones.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Save answers into aiact.yaml (keeping its comments and layout) instead of
    /// aiact.answers.yaml beside it.
    #[arg(long)]
    pub write_manifest: bool,
    /// Ask again the questions answered "don't know" before.
    #[arg(long)]
    pub revisit: bool,
    /// Write the Markdown report here at the end (`-` for stdout). Interactively, the
    /// default offered.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print the question catalogue with its branching as JSON and exit.
    #[arg(long)]
    pub export_questions: bool,
    #[command(flatten)]
    pub law_args: LawArgs,
}

pub fn run(args: AssessArgs) -> i32 {
    if args.export_questions {
        return export(&args);
    }
    let interactive = args.answers.is_none();
    // Checked before anything else, so a script without a terminal learns at once.
    if interactive && !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        eprintln!(
            "aiact assess: asking questions needs a terminal (stdin and stderr), and this has none.\n\
             To apply answers without a terminal: aiact assess {} --answers FILE\n\
             (FILE maps fact ids to values, as aiact.answers.yaml does; see docs/assess.md)",
            args.path.display()
        );
        return EXIT_ERROR;
    }
    let pack = match load_pack(&args.law_args.rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Err(code) = load_scan_patterns(&args.law_args.rules) {
        return code;
    }
    let opts = args.law_args.audit_options();
    let as_of = opts.as_of;
    let law = opts.law.unwrap_or_else(|| pack.default_law(as_of));

    // The questionnaire keeps its answers apart from the evidence: gather without them.
    let scan = audit::ScanOptions {
        progress: true,
        answers: false,
        ..audit::ScanOptions::default()
    };
    let gathered = audit::gather_with(&args.path, &pack, &scan);
    let (systems, diags) = (gathered.systems, gathered.diagnostics);
    output::print_diagnostics(&diags);
    if diags.iter().any(|d| d.is_error()) {
        eprintln!("aiact assess: fix the errors above first");
        return EXIT_ERROR;
    }
    let system = match choose(systems, &args, interactive) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let manifest = if args.path.is_file() {
        args.path.clone()
    } else {
        args.path.join(&system.source)
    };
    let answers_path = answers::path_beside(&manifest);
    let answers_rel = answers::rel_beside(&system.folder);
    let name = system.name.clone();
    let source = system.source.clone();
    let mut session = Session::new(&pack, law, as_of, system, answers_rel.clone());
    session.revisit_unknown(args.revisit);

    // Answers saved earlier: never overwrite a file we could not read.
    let (saved, d) = answers::read_file(&answers_path, &answers_rel, &pack);
    output::print_diagnostics(&d);
    if !d.is_empty() {
        eprintln!(
            "aiact assess: {} cannot be read; fix or move it (it is never overwritten)",
            answers_path.display()
        );
        return EXIT_ERROR;
    }
    let resumed = saved.as_ref().map_or(0, |s| s.len());
    let mut aside = session.load(saved.unwrap_or_default());

    let is_manifest = manifest.file_name().is_some_and(|n| {
        crate::extract::manifest::FILE_NAMES.contains(&n.to_string_lossy().as_ref())
    });
    if args.write_manifest && !is_manifest {
        eprintln!(
            "aiact assess: {name} comes from {source}, not from an aiact.yaml, so --write-manifest has nowhere to write; run `aiact init` in its folder, or leave the answers in {}",
            answers::FILE_NAME
        );
        return EXIT_ERROR;
    }
    let store = if args.write_manifest {
        match std::fs::read_to_string(&manifest) {
            Ok(original) => Store::Manifest {
                path: manifest.clone(),
                original,
            },
            Err(e) => {
                eprintln!("aiact assess: cannot read {}: {e}", manifest.display());
                return EXIT_ERROR;
            }
        }
    } else {
        Store::Answers(answers_path.clone())
    };

    let ending = if let Some(file) = &args.answers {
        let (given, d) = answers::read_file(file, &file.display().to_string(), &pack);
        output::print_diagnostics(&d);
        let Some(given) = given.filter(|_| d.is_empty()) else {
            if d.is_empty() {
                eprintln!("aiact assess: {} not found", file.display());
            }
            return EXIT_ERROR;
        };
        aside.extend(session.load(given));
        if let Err(e) = store.save(&session) {
            eprintln!("aiact assess: {e}");
            return EXIT_ERROR;
        }
        Ending::Done
    } else {
        prompt::configure();
        eprintln!(
            "Assessing {name} ({source}) against the {} text, as of {as_of}.",
            law.as_str()
        );
        if resumed > 0 {
            eprintln!(
                "Resuming: {resumed} answer(s) read from {}.",
                answers_path.display()
            );
        }
        eprintln!(
            "Answers are saved after every question in {}. Keys: ? help · < or Esc back · q or Ctrl-C stop.",
            store.path().display()
        );
        // A first save makes the file exist from the start and drops answers set aside.
        if !aside.is_empty()
            && let Err(e) = store.save(&session)
        {
            eprintln!("aiact assess: {e}");
            return EXIT_ERROR;
        }
        match prompt::run(&mut session, &store) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("aiact assess: {e}");
                return EXIT_ERROR;
            }
        }
    };
    if !aside.is_empty() {
        eprintln!(
            "Set aside {} answer(s) that no longer apply: {}",
            aside.len(),
            aside.join(", ")
        );
    }

    let before = session.baseline();
    let after = session.outcome();
    let unknown = session
        .answers()
        .iter()
        .filter(|(_, v)| v.is_unknown())
        .count();
    let text = summary::render(&name, &before, &after, session.answers().len(), unknown);
    let to_stdout = args.report.as_deref() == Some(Path::new("-"));
    if ending == Ending::Stopped {
        eprintln!(
            "\nStopped. {} answer(s) are saved in {}; run `aiact assess {}` again to continue.",
            session.answers().len(),
            store.path().display(),
            args.path.display()
        );
    } else if session.remaining(&after) > 0 {
        eprintln!(
            "{} question(s) are still open; run `aiact assess {}` in a terminal to answer them.",
            session.remaining(&after),
            args.path.display()
        );
    }
    if to_stdout || interactive {
        eprint!("\n{text}");
    } else if output::stdout(&text).is_err() {
        return EXIT_ERROR;
    }

    // The report: given with --report, or offered at the end of a finished questionnaire.
    let default_report = manifest
        .parent()
        .unwrap_or(Path::new("."))
        .join("aiact-report.md");
    let target: Option<PathBuf> = if !interactive {
        args.report.clone()
    } else if ending == Ending::Done {
        let shown = args
            .report
            .clone()
            .unwrap_or(default_report)
            .display()
            .to_string();
        match prompt::offer_report(&shown) {
            Ok(p) => p.map(PathBuf::from),
            Err(e) => {
                eprintln!("aiact assess: {e}");
                return EXIT_ERROR;
            }
        }
    } else {
        None
    };
    if let Some(target) = target {
        return write_report(&args.path, &source, &pack, &opts, &target);
    }
    EXIT_OK
}

fn write_report(root: &Path, source: &str, pack: &Pack, opts: &AuditOptions, target: &Path) -> i32 {
    let text = match assess::report_markdown(root, source, pack, opts) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("aiact assess: could not build the report: {e}");
            return EXIT_ERROR;
        }
    };
    let written = if target == Path::new("-") {
        output::stdout(&text)
    } else {
        output::write_atomic(target, text.as_bytes())
    };
    match written {
        Ok(()) => {
            if target != Path::new("-") {
                eprintln!("Report written to {}", target.display());
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("aiact assess: could not write {}: {e}", target.display());
            EXIT_ERROR
        }
    }
}

/// The system to assess: `--system`, the only one, or the person's pick.
fn choose(
    systems: Vec<SystemEvidence>,
    args: &AssessArgs,
    interactive: bool,
) -> Result<SystemEvidence, i32> {
    if systems.is_empty() {
        eprintln!(
            "aiact assess: no aiact.yaml found under {}; run `aiact init` to write one",
            args.path.display()
        );
        return Err(EXIT_ERROR);
    }
    let label = |s: &SystemEvidence| format!("{} ({})", s.name, s.source);
    if let Some(want) = &args.system {
        let w = want.trim().trim_end_matches('/');
        let found: Vec<&SystemEvidence> = systems
            .iter()
            .filter(|s| s.name.eq_ignore_ascii_case(w) || s.folder == w || s.source == w)
            .collect();
        return match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => {
                eprintln!(
                    "aiact assess: no system `{want}` under {}; there are: {}",
                    args.path.display(),
                    systems.iter().map(label).collect::<Vec<_>>().join(", ")
                );
                Err(EXIT_ERROR)
            }
            _ => {
                eprintln!("aiact assess: several systems match `{want}`: name it by its folder");
                Err(EXIT_ERROR)
            }
        };
    }
    if systems.len() == 1 {
        return systems.into_iter().next().ok_or(EXIT_ERROR);
    }
    let labels: Vec<String> = systems.iter().map(label).collect();
    if !interactive {
        eprintln!(
            "aiact assess: {} holds several systems; choose one with --system NAME: {}",
            args.path.display(),
            labels.join(", ")
        );
        return Err(EXIT_ERROR);
    }
    match prompt::pick(&labels) {
        Ok(Some(i)) => systems.into_iter().nth(i).ok_or(EXIT_ERROR),
        Ok(None) => Err(EXIT_OK),
        Err(e) => {
            eprintln!("aiact assess: {e}");
            Err(EXIT_ERROR)
        }
    }
}

fn export(args: &AssessArgs) -> i32 {
    let pack = match load_pack(&args.law_args.rules) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let json = catalogue::export(&pack);
    match serde_json::to_string_pretty(&json) {
        Ok(mut text) => {
            text.push('\n');
            if output::stdout(&text).is_err() {
                return EXIT_ERROR;
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("aiact assess: {e}");
            EXIT_ERROR
        }
    }
}
