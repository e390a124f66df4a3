//! The terminal questionnaire (inquire). Everything it decides comes from the session; this
//! module only shows questions, reads replies and saves after every answer.
//!
//! Keys: an answer then Enter; `?` help; `<`, `b` or Esc back; `q` or Ctrl-C stop. All text
//! goes to stderr (inquire draws there too), so stdout stays free for the summary.

use super::Store;
use super::input::{self, Reply};
use super::session::Session;
use crate::decide::outcome::{OpenQuestion, Outcome};
use crate::decide::pack::{Area, FactDef, FactType};
use crate::facts::{Fact, Origin};
use inquire::error::InquireError;
use inquire::validator::Validation;
use std::io::Write;

/// How a questionnaire ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// No question left.
    Done,
    /// The person stopped (q or Ctrl-C); answers so far are saved.
    Stopped,
}

fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
    let _ = err.flush();
}

/// Say a paragraph wrapped to the terminal (at most 100 columns, which reads better),
/// every line indented by `indent` spaces.
fn say_wrapped(text: &str, indent: usize) {
    say_tokens(text.split_whitespace(), " ", indent);
}

/// Say tokens joined by `sep`, breaking lines only between tokens.
fn say_tokens<'t>(tokens: impl Iterator<Item = &'t str>, sep: &str, indent: usize) {
    let width = crossterm::terminal::size()
        .map(|(w, _)| w as usize)
        .unwrap_or(80)
        .clamp(40, 100);
    let pad = " ".repeat(indent);
    let mut line = pad.clone();
    for token in tokens {
        let fresh = line.len() == pad.len();
        if !fresh && line.chars().count() + sep.chars().count() + token.chars().count() >= width {
            say(line.trim_end());
            line = pad.clone();
        } else if !fresh {
            line.push_str(sep);
        }
        line.push_str(token);
    }
    if line.len() > pad.len() {
        say(&line);
    }
}

/// Colours off when NO_COLOR is set (https://no-color.org).
pub fn configure() {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        inquire::set_global_render_config(inquire::ui::RenderConfig::empty());
    }
}

fn area_name(a: Area) -> &'static str {
    match a {
        Area::Scope => "scope",
        Area::AiSystem => "AI system",
        Area::Role => "role",
        Area::Prohibited => "prohibited practices",
        Area::HighRisk => "high-risk",
        Area::Transparency => "transparency",
        Area::Gpai => "general-purpose AI",
        Area::Obligations => "obligations",
    }
}

/// Run the questionnaire until no question is left or the person stops. Answers are saved
/// through `store` after every answer; a failed save stops the run with the error.
pub fn run(s: &mut Session, store: &Store) -> Result<Ending, String> {
    // Some(i): going back over answer i (in the order given); None: the next open question.
    let mut cursor: Option<usize> = None;
    loop {
        let out = s.outcome();
        let (id, number) = match cursor {
            Some(i) => match s.answers().get(i) {
                Some((id, _)) => (id.clone(), i + 1),
                None => {
                    cursor = None;
                    continue;
                }
            },
            None => match s.next(&out) {
                Some(q) => (q.id.clone(), s.answers().len() + 1),
                None => return Ok(Ending::Done),
            },
        };
        let Some(def) = s.pack.fact(&id).cloned() else {
            return Err(format!("the rule pack has no fact `{id}`"));
        };
        let open = out.open_questions.iter().find(|q| q.id == id).cloned();
        let more = s
            .remaining(&out)
            .saturating_sub(usize::from(cursor.is_none()));
        show_question(s, &def, open.as_ref(), number, more, cursor.is_some());
        loop {
            let default = s.default_for(&id).map(input::show);
            match ask(&def, default.as_deref())? {
                Reply::Help => show_help(&def, open.as_ref()),
                Reply::Stop => return Ok(Ending::Stopped),
                Reply::Back => {
                    let len = s.answers().len();
                    match cursor {
                        None if len > 0 => cursor = Some(len - 1),
                        Some(i) if i > 0 => cursor = Some(i - 1),
                        _ => {
                            say("  (this is the first question: there is nothing to go back to)");
                            continue;
                        }
                    }
                    break;
                }
                Reply::Answer(v) => {
                    let before = (out.tier, out.gpai);
                    let aside = s.answer(&id, v);
                    store.save(s)?;
                    let after = s.outcome();
                    if (after.tier, after.gpai) != before {
                        say(&format!(
                            "  -> now: tier {}, general-purpose AI {}",
                            after.tier.as_str(),
                            after.gpai.as_str()
                        ));
                    }
                    if !aside.is_empty() {
                        say(&format!(
                            "  (set aside {} answer(s) that no longer apply: {})",
                            aside.len(),
                            aside.join(", ")
                        ));
                    }
                    cursor = None;
                    break;
                }
            }
        }
    }
}

fn show_question(
    s: &Session,
    def: &FactDef,
    open: Option<&OpenQuestion>,
    number: usize,
    more: usize,
    revisit: bool,
) {
    let progress = if revisit {
        "going back".to_string()
    } else if more == 0 {
        "the last one for now".to_string()
    } else {
        format!("about {more} more")
    };
    // The area the answer matters for now (a biometrics question can decide a prohibited
    // practice), else the fact's own area.
    let area = open.map(|q| q.impact).unwrap_or(def.area);
    say("");
    say(&format!(
        "Question {number} ({progress}) · {} · {}",
        area_name(area),
        def.id
    ));
    say_wrapped(&def.question, 0);
    if def.ty == FactType::Choice {
        let list: Vec<String> = def
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} {c}", i + 1))
            .collect();
        say("  Choices:");
        say_tokens(list.iter().map(|s| s.as_str()), " · ", 4);
    }
    if let Some(q) = open
        && !q.signals.is_empty()
    {
        say("  The scan found:");
        for sig in &q.signals {
            say_wrapped(&describe(sig), 4);
        }
    }
    let related: Vec<Fact> = s
        .related(&def.id)
        .into_iter()
        .filter(|f| !(f.id == def.id && f.origin == Origin::Answered))
        .collect();
    if !related.is_empty() {
        say("  Already known:");
        for f in &related {
            say_wrapped(
                &format!("{} = {} ({})", f.id, f.value, describe_origin(f)),
                4,
            );
        }
    }
    if let Some(v) = s.answer_of(&def.id) {
        say(&format!(
            "  Your answer so far: {} (Enter keeps it)",
            input::show(v)
        ));
    }
}

/// A signal as `file:line: matched text (what it suggests)`.
fn describe(f: &Fact) -> String {
    let loc = f.provenance.location();
    let text = f
        .provenance
        .text
        .as_ref()
        .map(|t| format!("`{t}`"))
        .unwrap_or_default();
    let mut out = match (loc.is_empty(), text.is_empty()) {
        (false, false) => format!("{loc}: {text}"),
        (false, true) => loc,
        (true, false) => text,
        (true, true) => f.id.clone(),
    };
    if let Some(note) = &f.note {
        out.push_str(&format!(" ({note})"));
    }
    out
}

fn describe_origin(f: &Fact) -> String {
    let loc = f.provenance.location();
    if loc.is_empty() {
        f.origin.as_str().to_string()
    } else {
        format!("{}, {loc}", f.origin.as_str())
    }
}

fn show_help(def: &FactDef, open: Option<&OpenQuestion>) {
    say_wrapped(&format!("[{}] {}", def.cites.join(", "), def.help), 2);
    if let Some(q) = open {
        say_wrapped(&format!("Why it is asked: {}", q.why), 2);
    }
    if let Some(u) = &def.unit {
        say(&format!("  Unit: {u}"));
    }
    say_wrapped(
        "Keys: an answer then Enter · ? help · < or Esc back · q or Ctrl-C stop (answers are saved)",
        2,
    );
}

/// One prompt. Invalid input is refused in place with the reason.
fn ask(def: &FactDef, default: Option<&str>) -> Result<Reply, String> {
    let hint = format!("{} · ? help · < back · q stop", input::kinds(def));
    let d = def.clone();
    let validator = move |text: &str| match input::parse_reply(text, &d) {
        Ok(_) => Ok(Validation::Valid),
        Err(msg) => Ok(Validation::Invalid(msg.into())),
    };
    let mut prompt = inquire::Text::new("Your answer")
        .with_help_message(&hint)
        .with_validator(validator);
    if let Some(d) = default {
        prompt = prompt.with_default(d);
    }
    match prompt.prompt() {
        Ok(text) => input::parse_reply(&text, def),
        Err(InquireError::OperationCanceled) => Ok(Reply::Back),
        Err(InquireError::OperationInterrupted) => Ok(Reply::Stop),
        Err(e) => Err(format!("the terminal prompt failed: {e}")),
    }
}

/// Pick one of several systems. `None` when the person cancels.
pub fn pick(options: &[String]) -> Result<Option<usize>, String> {
    match inquire::Select::new("Which system?", options.to_vec())
        .with_help_message("type to filter · ↑↓ to move · Enter to choose · Esc to cancel")
        .raw_prompt()
    {
        Ok(choice) => Ok(Some(choice.index)),
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => Ok(None),
        Err(e) => Err(format!("the terminal prompt failed: {e}")),
    }
}

/// Ask whether to write the report, and where. `None`: not wanted.
pub fn offer_report(default: &str) -> Result<Option<String>, String> {
    let yes = match inquire::Confirm::new("Write a Markdown report?")
        .with_default(true)
        .prompt()
    {
        Ok(b) => b,
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => false,
        Err(e) => return Err(format!("the terminal prompt failed: {e}")),
    };
    if !yes {
        return Ok(None);
    }
    match inquire::Text::new("Report file")
        .with_default(default)
        .prompt()
    {
        Ok(p) if !p.trim().is_empty() => Ok(Some(p.trim().to_string())),
        Ok(_) => Ok(None),
        Err(InquireError::OperationCanceled | InquireError::OperationInterrupted) => Ok(None),
        Err(e) => Err(format!("the terminal prompt failed: {e}")),
    }
}

/// A one-line account of the outcome, for the end of a stopped run.
pub fn outcome_line(out: &Outcome) -> String {
    format!(
        "tier {}, general-purpose AI {}, {} open question(s)",
        out.tier.as_str(),
        out.gpai.as_str(),
        out.open_questions.len()
    )
}
