use super::audit::{load_pack, load_scan_patterns};
use super::output;
use super::{EXIT_ERROR, EXIT_GATE, EXIT_OK};
use crate::decide::pack::{self, DateSpec, Pack, Rule, load};
use crate::decide::test_runner;
use clap::{Subcommand, ValueEnum};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// List every rule: id, title and the provisions it cites.
    #[command(
        after_help = "Examples:\n  aiact rules list\n  aiact rules list --format json | jq '.[].id'"
    )]
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
        /// Add a rule pack folder (repeatable).
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Explain one rule: summary, citation, condition, status, dates and test cases.
    #[command(
        after_help = "Examples:\n  aiact rules explain annex3.4.a\n  aiact rules explain art5.1.f"
    )]
    Explain {
        /// A rule id, or a provision id (all rules for it are shown).
        id: String,
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Check a rule pack folder: every error with file:line:column (exit 2 if any).
    #[command(
        after_help = "Examples:\n  aiact rules validate rules\n  aiact rules validate ./our-policy"
    )]
    Validate {
        /// The pack folder (loaded on top of the default pack).
        dir: PathBuf,
    },
    /// Run the test cases that rules carry and the prose signals' examples (default pack, plus
    /// DIR if given). Exit 1 if any fails.
    #[command(
        after_help = "Examples:\n  aiact rules test\n  aiact rules test ./our-policy\n  aiact rules test --only annex3"
    )]
    Test {
        /// A pack folder to add before testing.
        dir: Option<PathBuf>,
        /// Only rules whose id starts with this.
        #[arg(long)]
        only: Option<String>,
    },
    /// List the fact catalogue: every fact id a manifest may set, with its type and question.
    #[command(after_help = "Examples:\n  aiact rules facts\n  aiact rules facts --format json")]
    Facts {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
}

pub fn run(cmd: RulesCommand) -> i32 {
    match cmd {
        RulesCommand::List { format, rules } => match load_pack(&rules) {
            Ok(p) => list(&p, format),
            Err(c) => c,
        },
        RulesCommand::Explain { id, rules } => match load_pack(&rules) {
            Ok(p) => explain(&p, &id),
            Err(c) => c,
        },
        RulesCommand::Validate { dir } => validate(&dir),
        RulesCommand::Test { dir, only } => {
            let dirs: Vec<PathBuf> = dir.into_iter().collect();
            match load_pack(&dirs) {
                Ok(p) => match load_scan_patterns(&dirs) {
                    Ok(()) => test(&p, only.as_deref()),
                    Err(c) => c,
                },
                Err(c) => c,
            }
        }
        RulesCommand::Facts { format } => match load_pack(&[]) {
            Ok(p) => facts(&p, format),
            Err(c) => c,
        },
    }
}

fn list(p: &Pack, format: ListFormat) -> i32 {
    let text = match format {
        ListFormat::Json => {
            let items: Vec<serde_json::Value> = p
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "title": r.title,
                        "provision": r.provision,
                        "cites": r.cites,
                        "decides": r.decides.describe(),
                        "status": r.status.as_str(),
                        "law": r.law.as_str(),
                        "pack": r.pack,
                    })
                })
                .collect();
            match serde_json::to_string_pretty(&items) {
                Ok(s) => s + "\n",
                Err(e) => {
                    eprintln!("aiact: {e}");
                    return EXIT_ERROR;
                }
            }
        }
        ListFormat::Text => {
            let width = p.rules.iter().map(|r| r.id.len()).max().unwrap_or(10);
            let mut s = String::new();
            for r in &p.rules {
                let _ = writeln!(s, "{:width$}  {}  [{}]", r.id, r.title, r.cites.join(", "));
            }
            s
        }
    };
    print_or_fail(&text)
}

fn print_or_fail(text: &str) -> i32 {
    match output::stdout(text) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("aiact: {e}");
            EXIT_ERROR
        }
    }
}

fn date_text(p: &Pack, spec: &DateSpec) -> String {
    match spec {
        DateSpec::Fixed(d) => d.to_string(),
        DateSpec::Named(n) => match p.dates.get(n) {
            Some(inner) => format!("{n} ({})", date_text(p, inner)),
            None => n.clone(),
        },
        DateSpec::PerLaw { original, amended } => {
            let o = original
                .map(|d| d.to_string())
                .unwrap_or_else(|| "not in this text".into());
            let a = amended
                .map(|d| d.to_string())
                .unwrap_or_else(|| "not in this text".into());
            format!("original text: {o}; amended text: {a}")
        }
        DateSpec::Cases(cases) => cases
            .iter()
            .map(|c| match &c.when {
                Some(w) => format!("if {}: {}", w.render(), date_text(p, &c.date)),
                None => format!("otherwise: {}", date_text(p, &c.date)),
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn explain_rule(p: &Pack, r: &Rule) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}: {}", r.id, r.title);
    let _ = writeln!(s, "  provision:  {}", r.provision);
    let _ = writeln!(s, "  cites:      {}", r.cites.join(", "));
    if !r.summary.is_empty() {
        let _ = writeln!(s, "  summary:    {}", r.summary);
    }
    let _ = writeln!(s, "  decides:    {}", r.decides.describe());
    let _ = writeln!(
        s,
        "  status:     {} (law text: {})",
        r.status.as_str(),
        r.law.as_str()
    );
    let dates = r
        .applies_from
        .as_ref()
        .map(|d| date_text(p, d))
        .unwrap_or_else(|| "not dated".into());
    let _ = writeln!(s, "  applies:    {dates}");
    let _ = writeln!(s, "  condition:  {}", r.when.render());
    let _ = writeln!(s, "  defined at: {} (pack {})", r.source.location(), r.pack);
    if r.tests.is_empty() {
        let _ = writeln!(s, "  tests:      none");
    } else {
        let _ = writeln!(s, "  tests:");
        for t in &r.tests {
            let facts: Vec<String> = t.facts.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let mut expect = Vec::new();
            if let Some(e) = t.expect {
                expect.push(format!("rule {}", e.as_str()));
            }
            if let Some(tier) = &t.tier {
                expect.push(format!("tier {tier}"));
            }
            if let Some(g) = &t.gpai {
                expect.push(format!("gpai {g}"));
            }
            for o in &t.obligations {
                expect.push(format!("obligation {o}"));
            }
            for o in &t.not_obligations {
                expect.push(format!("no obligation {o}"));
            }
            let _ = writeln!(
                s,
                "    - {}: {{{}}} => {}",
                t.name,
                facts.join(", "),
                expect.join(", ")
            );
        }
    }
    s
}

fn explain(p: &Pack, id: &str) -> i32 {
    let matches: Vec<&Rule> = match p.rule(id) {
        Some(r) => vec![r],
        None => p
            .rules
            .iter()
            .filter(|r| r.provision == id || r.cites.iter().any(|c| c == id))
            .collect(),
    };
    if matches.is_empty() {
        let ids = p.rules.iter().map(|r| r.id.as_str());
        match crate::diag::did_you_mean(id, ids) {
            Some(s) => eprintln!(
                "aiact: no rule `{id}`; did you mean `{s}`? (`aiact rules list` shows all)"
            ),
            None => eprintln!("aiact: no rule `{id}` (`aiact rules list` shows all)"),
        }
        return EXIT_ERROR;
    }
    let mut text = String::new();
    for (i, r) in matches.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&explain_rule(p, r));
    }
    if let Some(f) = p.fact(id) {
        let _ = write!(
            text,
            "\nfact {}: {} ({})\n  help: {}\n",
            f.id,
            f.question,
            f.ty.as_str(),
            f.help
        );
    }
    print_or_fail(&text)
}

fn validate(dir: &std::path::Path) -> i32 {
    let src = match pack::read_dir_pack(dir) {
        Ok(s) => s,
        Err(errs) => {
            output::print_diagnostics(&errs);
            return EXIT_ERROR;
        }
    };
    // A folder that *is* the default pack is validated on its own; any other folder on top
    // of the default pack, so it may read the default facts and rules.
    let is_default = dir.join("pack.yaml").is_file() && dir.join("law").is_dir();
    let sources = if is_default {
        vec![src]
    } else {
        vec![pack::embedded::default_source(), src]
    };
    let files: usize = sources.iter().map(|s| s.files.len()).sum();
    // The folder's additions to what the scanners look for are checked too.
    if let Err(errs) = crate::extract::rule_folder_patterns(&[dir]) {
        output::print_diagnostics(&errs);
        eprintln!("aiact: {} error(s)", errs.len());
        return EXIT_ERROR;
    }
    match load::load(&sources) {
        Ok(p) => {
            let untested = p.rules.iter().filter(|r| r.tests.is_empty()).count();
            let mut msg = format!(
                "ok: {} rules, {} facts, {} named dates in {} files\n",
                p.rules.len(),
                p.facts.len(),
                p.dates.len(),
                files
            );
            if untested > 0 {
                msg.push_str(&format!("note: {untested} rule(s) carry no test case\n"));
            }
            print_or_fail(&msg)
        }
        Err(errs) => {
            output::print_diagnostics(&errs);
            eprintln!("aiact: {} error(s)", errs.len());
            EXIT_ERROR
        }
    }
}

fn test(p: &Pack, only: Option<&str>) -> i32 {
    let summary = test_runner::run(p, only);
    let mut s = String::new();
    for f in &summary.failures {
        let _ = writeln!(s, "FAIL {} [{}] at {}", f.rule, f.test, f.location);
        for problem in &f.problems {
            let _ = writeln!(s, "     {problem}");
        }
    }
    for r in &summary.untested {
        let _ = writeln!(s, "warn {r}: no test case");
    }
    let _ = writeln!(
        s,
        "{} rules, {} cases: {} passed, {} failed",
        summary.rules,
        summary.cases,
        summary.passed,
        summary.failures.len()
    );
    // The prose signals' examples (the default ones and a folder's `evidence/signals.yaml`),
    // unless only some rules were asked for.
    let mut signal_failures = Vec::new();
    if only.is_none() {
        let signals = crate::extract::signals::default_signals();
        let (failures, tried) = signals.example_failures();
        for f in &failures {
            let _ = writeln!(s, "FAIL {f}");
        }
        let _ = writeln!(
            s,
            "{} signals, {tried} examples: {} failed",
            signals.defs.len(),
            failures.len()
        );
        signal_failures = failures;
    }
    let code = print_or_fail(&s);
    if code != EXIT_OK {
        return code;
    }
    if summary.failures.is_empty() && signal_failures.is_empty() {
        EXIT_OK
    } else {
        EXIT_GATE
    }
}

fn facts(p: &Pack, format: ListFormat) -> i32 {
    let mut defs: Vec<_> = p.facts.values().collect();
    defs.sort_by_key(|d| (d.area, d.order));
    let text = match format {
        ListFormat::Json => match serde_json::to_string_pretty(&defs) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("aiact: {e}");
                return EXIT_ERROR;
            }
        },
        ListFormat::Text => {
            let mut s = String::new();
            for d in defs {
                let _ = writeln!(
                    s,
                    "{} ({}, {}): {}",
                    d.id,
                    d.ty.as_str(),
                    d.area.as_str(),
                    d.question
                );
            }
            s
        }
    };
    print_or_fail(&text)
}
