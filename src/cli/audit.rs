use super::output;
use super::{EXIT_ERROR, EXIT_OK};
use crate::audit::{self, AuditOptions};
use crate::check::catalogue::{self, Catalogue};
use crate::decide::pack::{self, Law, Pack};
use crate::report;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Format {
    /// Markdown, for people and pull-request comments.
    Md,
    /// HTML: one self-contained file for auditors, on screen and in print.
    Html,
    /// JSON, the stable contract (see docs/report.schema.json).
    Json,
    /// SARIF 2.1.0, for code-scanning annotations.
    Sarif,
    /// JUnit XML, for CI test tabs.
    Junit,
}

impl Format {
    /// The file written for this format in `--out-dir`.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Md => "aiact-report.md",
            Format::Html => "aiact-report.html",
            Format::Json => "aiact-report.json",
            Format::Sarif => "aiact-report.sarif",
            Format::Junit => "aiact-report.junit.xml",
        }
    }
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
    /// Output format; several, comma-separated, with --out-dir (md,html,json,sarif,junit).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "md")]
    pub format: Vec<Format>,
    /// Write the report to this file (atomically) instead of stdout; one format only.
    #[arg(long, conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// Write one file per format into this folder (aiact-report.md, .html, .json, .sarif,
    /// .junit.xml), each atomically; the folder is created if needed.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Language of the Markdown and HTML reports (en, fr; templates/i18n/*.yaml).
    #[arg(long, default_value = crate::report::i18n::DEFAULT_LANG)]
    pub lang: String,
    /// Render this minijinja template instead of the built-in one of the md or html format
    /// (HTML escaping when FILE ends in .html or .html.j2). Context: report, msg, lang.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    #[command(flatten)]
    pub law_args: LawArgs,
    /// Files larger than this many bytes are reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = crate::discover::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

/// The options every command that classifies shares: the date, the text of the law, and
/// extra rule packs.
#[derive(clap::Args, Debug, Clone)]
pub struct LawArgs {
    /// The date to assess against (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_parser = output::parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Which text of the law to apply; default: the text in force on the as-of date.
    #[arg(long, value_enum)]
    pub law: Option<LawArg>,
    /// Add a rule pack folder (repeatable); its rules override the default pack's by id, its
    /// evidence/checks.yaml the evidence kinds by id, and its evidence/libraries.yaml and
    /// evidence/signals.yaml extend what the scanners look for.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

impl LawArgs {
    pub fn audit_options(&self) -> AuditOptions {
        AuditOptions {
            as_of: self.as_of.unwrap_or_else(output::today),
            law: self.law.map(Law::from),
            extra_packs: self.rules.iter().map(|p| p.display().to_string()).collect(),
        }
    }
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

/// Load the evidence catalogue (embedded, plus `evidence/checks.yaml` of each `--rules`
/// folder), printing every error.
pub fn load_catalogue(dirs: &[PathBuf]) -> Result<Catalogue, i32> {
    let refs: Vec<&Path> = dirs.iter().map(|p| p.as_path()).collect();
    catalogue::load(&refs).map_err(|errs| {
        output::print_diagnostics(&errs);
        eprintln!("aiact: the evidence catalogue has {} error(s)", errs.len());
        EXIT_ERROR
    })
}

/// Extend what the scanners look for (`evidence/libraries.yaml`, `evidence/signals.yaml`)
/// from the `--rules` folders, before anything is scanned, printing every error.
pub fn load_scan_patterns(dirs: &[PathBuf]) -> Result<(), i32> {
    let refs: Vec<&Path> = dirs.iter().map(|p| p.as_path()).collect();
    crate::extract::use_rule_folders(&refs).map_err(|errs| {
        output::print_diagnostics(&errs);
        eprintln!("aiact: the scan patterns have {} error(s)", errs.len());
        EXIT_ERROR
    })
}

/// Load the rule pack and the evidence catalogue while the tree is walked: both take a few
/// tens of milliseconds, and neither needs the other.
pub fn load_while_walking(
    rules: &[PathBuf],
    root: &Path,
    scan: &audit::ScanOptions,
) -> Result<(Pack, Catalogue, audit::Walked), i32> {
    // What the walk's extraction looks for must be settled before it starts.
    load_scan_patterns(rules)?;
    let (loaded, walked) = std::thread::scope(|s| {
        let walking = s.spawn(|| audit::walk(root, scan));
        let loaded = load_pack(rules).and_then(|p| load_catalogue(rules).map(|c| (p, c)));
        (loaded, walking.join())
    });
    let (pack, catalogue) = loaded?;
    // A walk that panicked is walked again here, so its error reaches the user.
    let walked = walked.unwrap_or_else(|_| audit::walk(root, scan));
    Ok((pack, catalogue, walked))
}

pub fn run(args: AuditArgs) -> i32 {
    // Usage errors first: nothing is scanned for a request that cannot be written.
    let formats = match check_formats(&args) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("aiact: {e}");
            return EXIT_ERROR;
        }
    };
    if let Err(e) = report::i18n::catalogue(&args.lang) {
        eprintln!("aiact: {e}");
        return EXIT_ERROR;
    }
    let template = match &args.template {
        Some(path) => match read_template(path, &formats) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("aiact: {e}");
                return EXIT_ERROR;
            }
        },
        None => None,
    };
    crate::timings::begin();
    let opts = args.law_args.audit_options();
    let scan = audit::ScanOptions::for_command(args.max_file_size);
    let (pack, catalogue, walked) =
        match load_while_walking(&args.law_args.rules, &args.path, &scan) {
            Ok(loaded) => loaded,
            Err(code) => return code,
        };
    crate::timings::mark("rule pack and evidence catalogue loaded");
    // The process ends right after the report is written: freeing a large scan's model piece
    // by piece would only delay the exit (the operating system takes it back at once).
    let rep = std::mem::ManuallyDrop::new(audit::run_walked(
        &args.path, walked, &pack, &catalogue, &opts, &scan,
    ));
    crate::timings::mark("evidence checked");
    let has_errors = rep.diagnostics.iter().any(|d| d.is_error());
    output::print_diagnostics_by_position(&rep.diagnostics);
    if rep.systems.is_empty() && !has_errors {
        eprintln!(
            "aiact: no aiact.yaml found under {}; run `aiact init` to write one",
            args.path.display()
        );
    }
    let ropts = RenderOptions {
        lang: &args.lang,
        template: template
            .as_ref()
            .map(|(f, name, text)| (*f, name.as_str(), text.as_str())),
        sarif_base: sarif_base(&args.path),
    };
    // One JSON report to stdout is streamed (serialising the model cannot fail half-way for a
    // reason other than the pipe): the peak memory of a large scan halves.
    let json_template = ropts.template.is_some_and(|(f, _, _)| f == Format::Json);
    if args.out_dir.is_none() && args.out.is_none() && formats == [Format::Json] && !json_template {
        let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let written = report::json::write(&rep, out);
        crate::timings::mark("report written");
        return match written {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("aiact: could not write the report: {e}");
                EXIT_ERROR
            }
            _ if has_errors => EXIT_ERROR,
            _ => EXIT_OK,
        };
    }
    // Render everything before writing anything: a template error leaves no partial set.
    let mut rendered = Vec::new();
    for f in &formats {
        match render(*f, &rep, &pack, &ropts) {
            Ok(text) => rendered.push((*f, text)),
            Err(e) => {
                eprintln!(
                    "aiact: could not render the {} report: {e}",
                    format_name(*f)
                );
                return EXIT_ERROR;
            }
        }
    }
    let written = match (&args.out_dir, &args.out, rendered.as_slice()) {
        (Some(dir), _, _) => write_all(dir, &rendered),
        (None, Some(path), [(_, text)]) => output::write_atomic(path, text.as_bytes()),
        (None, None, [(_, text)]) => output::stdout(text),
        // Excluded by `check_formats`.
        _ => Ok(()),
    };
    crate::timings::mark("reports rendered and written");
    if let Err(e) = written {
        eprintln!("aiact: could not write the report: {e}");
        return EXIT_ERROR;
    }
    if has_errors { EXIT_ERROR } else { EXIT_OK }
}

/// How the renderers are asked to work, beyond the report itself.
pub struct RenderOptions<'a> {
    pub lang: &'a str,
    /// A user's template: the format it replaces, its name (for errors) and its text.
    pub template: Option<(Format, &'a str, &'a str)>,
    /// The scanned folder relative to the working folder, for SARIF's repository paths.
    pub sarif_base: String,
}

/// Render one format of the report.
pub fn render(
    format: Format,
    rep: &report::Report,
    pack: &Pack,
    opts: &RenderOptions<'_>,
) -> Result<String, String> {
    use report::templates::{self, Source};
    match (format, opts.template) {
        (f, Some((tf, name, text))) if f == tf => {
            templates::render(rep, Source::User { name, text }, opts.lang)
        }
        (Format::Md, _) => {
            templates::render(rep, Source::Builtin(report::markdown::TEMPLATE), opts.lang)
        }
        (Format::Html, _) => report::html::render(rep, opts.lang),
        (Format::Json, _) => report::json::render(rep).map_err(|e| e.to_string()),
        (Format::Sarif, _) => {
            report::sarif::render(rep, pack, &opts.sarif_base).map_err(|e| e.to_string())
        }
        (Format::Junit, _) => Ok(report::junit::render(rep)),
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Md => "Markdown",
        Format::Html => "HTML",
        Format::Json => "JSON",
        Format::Sarif => "SARIF",
        Format::Junit => "JUnit",
    }
}

/// The formats asked for, each once, in a fixed order; or why the request does not work.
fn check_formats(args: &AuditArgs) -> Result<Vec<Format>, String> {
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();
    if formats.len() > 1 && args.out_dir.is_none() {
        return Err(format!(
            "{} formats need --out-dir DIR (one file each); --out and stdout take one",
            formats.len()
        ));
    }
    if args.template.is_some() && formats.contains(&Format::Md) && formats.contains(&Format::Html) {
        return Err("--template replaces the md or the html report, not both: ask for one".into());
    }
    if args.template.is_some()
        && !formats
            .iter()
            .any(|f| matches!(f, Format::Md | Format::Html))
    {
        return Err("--template goes with --format md or --format html".into());
    }
    Ok(formats)
}

/// Read a user's template; it replaces the md or html format, whichever was asked for.
fn read_template(path: &Path, formats: &[Format]) -> Result<(Format, String, String), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the template {}: {e}", path.display()))?;
    let format = if formats.contains(&Format::Html) {
        Format::Html
    } else {
        Format::Md
    };
    Ok((format, path.display().to_string(), text))
}

fn write_all(dir: &Path, rendered: &[(Format, String)]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (f, text) in rendered {
        output::write_atomic(&dir.join(f.file_name()), text.as_bytes())?;
    }
    Ok(())
}

/// The scanned folder as a path relative to the working folder, `/`-separated: SARIF
/// locations must be relative to the repository root, where CI runs aiact.
pub(crate) fn sarif_base(path: &Path) -> String {
    let folder = if path.is_file() {
        path.parent().unwrap_or(Path::new(""))
    } else {
        path
    };
    let rel = match std::env::current_dir() {
        Ok(cwd) if folder.is_absolute() => folder.strip_prefix(&cwd).unwrap_or(folder),
        _ => folder,
    };
    rel.to_string_lossy().replace('\\', "/")
}
