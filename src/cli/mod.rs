//! The command line: argument parsing and dispatch. Each command returns an exit code:
//! 0 success, 1 the gate failed, 2 usage or input error.

mod assess;
mod audit;
mod check;
mod diff;
mod init;
pub mod output;
mod rules;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

pub const EXIT_OK: i32 = 0;
pub const EXIT_GATE: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the compliance gate failed (policy not met)
  2  usage or input error (bad manifest, bad rule pack, unreadable file)

Examples:
  aiact audit fixtures/hirerank
  aiact check .                                   # the CI gate
  aiact diff main HEAD                            # what a change does, for a PR comment
  aiact audit . --format json --out aiact-report.json
  aiact audit . --format md,html,sarif,junit --out-dir reports/
  aiact audit . --as-of 2027-12-02 --law amended
  aiact assess fixtures/hirerank
  aiact rules explain annex3.4.a
  aiact init";

#[derive(Parser, Debug)]
#[command(
    name = "aiact",
    version,
    about = "Audit AI systems for the EU AI Act (Regulation (EU) 2024/1689): classify, explain, list obligations and deadlines.",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Find the aiact.yaml manifests under PATH, classify each system and write the report.
    #[command(after_help = "\
Examples:
  aiact audit                                 # the current folder, Markdown to stdout
  aiact audit fixtures/hirerank --format json
  aiact audit . --format md --out report.md   # written atomically
  aiact audit . --format html --out report.html --lang fr
  aiact audit . --format md,html,sarif,junit,json --out-dir reports/
  aiact audit . --template my-report.md.j2    # your own minijinja template
  aiact audit . --as-of 2027-12-02            # which obligations apply on that date
  aiact audit . --law original                # apply the 2024 text
  aiact audit . --rules ./our-policy          # add a rule pack (overrides rules by id)

Exit codes: 0 report written, 2 input error (the report still covers the valid systems).")]
    Audit(audit::AuditArgs),

    /// Answer, in a terminal, the questions the audit left open; the answers are saved
    /// after every question.
    #[command(after_help = "\
Asks only what is still unknown, most decisive first (scope, AI system, role, prohibited,
high-risk, transparency, general-purpose AI, obligations), and re-evaluates after every
answer, so questions an answer made moot are skipped. Answers are saved atomically after
every question in aiact.answers.yaml beside the manifest (or in aiact.yaml with
--write-manifest); `aiact audit` reads them. Running it again resumes where it stopped.

Keys: an answer then Enter (y / n / d = don't know; numbers like 3.1e24, 7B, 405 billion;
choices by number or name, several separated by commas) · ? help · < or Esc back (change an
earlier answer) · q or Ctrl-C stop.

Examples:
  aiact assess                                  # the system in the current folder
  aiact assess services --system cv-ranker      # one of several systems
  aiact assess . --write-manifest               # answers into aiact.yaml, comments kept
  aiact assess . --answers answers.yaml --report report.md   # no terminal needed
  aiact assess --export-questions > questions.json           # the catalogue, for other front ends

Without a terminal it exits at once with code 2: use --answers FILE.
Exit codes: 0 done or stopped (answers kept), 2 usage or input error.")]
    Assess(assess::AssessArgs),
    /// The CI gate: audit PATH, check each obligation's evidence, apply waivers, and exit
    /// 0 (passed), 1 (the gate failed) or 2 (usage or input error).
    #[command(after_help = "\
Fails on (always): a prohibited practice; missing or incomplete evidence for an obligation
that applies on the as-of date; an expired waiver. Fails on (unless --allow-undetermined): an
undetermined tier or general-purpose AI status, or a prohibited practice not yet ruled out.
--fail-on adds: upcoming-evidence (obligations that apply later or may apply), high-risk,
any-finding (every finding, open question and input warning).

Waivers (aiact-waivers.yaml at PATH, or --waivers FILE): each needs id, system, reason,
owner and expires (YYYY-MM-DD). See docs/ci.md.

Output: one line per system (PASS/FAIL, tier, what failed), coloured only on a terminal
and never when NO_COLOR is set. --format/--out also write the full report.

Examples:
  aiact check                                   # the current folder
  aiact check . --as-of 2027-12-02              # pin the date (waiver expiry too)
  aiact check . --fail-on high-risk,upcoming-evidence
  aiact check . --allow-undetermined --waivers ci/waivers.yaml
  aiact check . --format json --out aiact-report.json

Exit codes:
  0  the gate passed
  1  the gate failed (policy not met, or a waiver expired)
  2  usage or input error (bad manifest, rule pack or waiver file)")]
    Check(check::CheckArgs),

    /// Compare two versions (folders, or git revisions of the current repository) and print
    /// what changed per system, as Markdown for a pull-request comment.
    #[command(after_help = "\
Each side is a folder (or manifest file) when that path exists, otherwise a git revision.
A revision is read with git ls-tree and git cat-file into a temporary folder that is removed
afterwards; the working tree, index and worktree list are never touched.

Examples:
  aiact diff main HEAD                          # inside a git repository
  aiact diff origin/main HEAD --out aiact-diff.md
  aiact diff ./before ./after

Exit codes: 0 the diff was written, 2 usage or input error.")]
    Diff(diff::DiffArgs),

    /// Inspect, validate and test rule packs.
    #[command(subcommand)]
    Rules(rules::RulesCommand),

    /// Write a commented aiact.yaml template (never overwrites an existing file).
    #[command(after_help = "\
Examples:
  aiact init                 # ./aiact.yaml
  aiact init services/cv-ranker")]
    Init {
        /// Folder (or file path) for the manifest.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

/// Parse the process arguments and run. Returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    EXIT_OK
                }
                _ => EXIT_ERROR,
            };
            let _ = e.print();
            return code;
        }
    };
    run(cli)
}

pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Audit(args) => audit::run(args),
        Command::Assess(args) => assess::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Init { path } => init::run(&path),
    }
}
