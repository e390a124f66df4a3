//! The answers file `aiact.answers.yaml`: what a person answered in `aiact assess`, kept
//! beside the manifest it belongs to. The tool owns it: it is rewritten whole (atomically)
//! after every answer, in the order the answers were given, with each question as a comment.
//!
//! Format: a YAML mapping of fact id to value, the same values a manifest's `facts:` takes
//! (`true`, `false`, `unknown`, a number, a date, a choice or a list of choices, a string).
//! No names, no timestamps: the same answers give the same bytes.

use crate::decide::pack::load::convert_value;
use crate::decide::pack::{FactType, Pack};
use crate::diag::{Diagnostic, did_you_mean};
use crate::facts::value::format_number;
use crate::facts::{Fact, FactSet, Origin, Provenance, Value};
use crate::yaml::{self, NodeValue};
use std::path::{Path, PathBuf};

/// The file name, beside `aiact.yaml`.
pub const FILE_NAME: &str = "aiact.answers.yaml";

/// Answers files are small; a bigger one is not ours.
pub const MAX_BYTES: u64 = 1 << 20;

/// The answers file that belongs to a manifest.
pub fn path_beside(manifest: &Path) -> PathBuf {
    match manifest.parent() {
        Some(p) => p.join(FILE_NAME),
        None => PathBuf::from(FILE_NAME),
    }
}

/// The answers file's path relative to the scanned root, from the manifest's folder
/// (`.` for the root), for provenance.
pub fn rel_beside(folder: &str) -> String {
    if folder == "." || folder.is_empty() {
        FILE_NAME.to_string()
    } else {
        format!("{folder}/{FILE_NAME}")
    }
}

/// Parse an answers file. `shown` names the file in diagnostics, `rel` in provenance.
/// Every fact comes back with origin `answered`; every problem is reported, none stops the
/// other answers from being read.
pub fn parse(shown: &str, rel: &str, text: &str, pack: &Pack) -> (Vec<Fact>, Vec<Diagnostic>) {
    let mut facts = Vec::new();
    let mut diags = Vec::new();
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "answers.yaml",
                    shown,
                    e.pos.line,
                    e.pos.column,
                    format!("invalid YAML: {}", e.message),
                )
                .with_help("an answers file maps fact ids to values; see docs/assess.md"),
            );
            return (facts, diags);
        }
    };
    let entries = match &root.value {
        NodeValue::Null => return (facts, diags),
        NodeValue::Map(m) => m,
        _ => {
            diags.push(Diagnostic::error(
                "answers.shape",
                shown,
                root.pos.line,
                root.pos.column,
                format!(
                    "expected a mapping of fact ids to values, found {}",
                    root.kind()
                ),
            ));
            return (facts, diags);
        }
    };
    for (k, v) in entries {
        let Some(id) = k.as_str() else {
            diags.push(Diagnostic::error(
                "answers.type",
                shown,
                k.pos.line,
                k.pos.column,
                "fact ids must be strings",
            ));
            continue;
        };
        let Some(def) = pack.fact(id) else {
            let help = match did_you_mean(id, pack.facts.keys().map(|s| s.as_str())) {
                Some(s) => format!("did you mean `{s}`? `aiact rules facts` lists every id"),
                None => "`aiact rules facts` lists every fact id".to_string(),
            };
            diags.push(
                Diagnostic::error(
                    "answers.unknown_fact",
                    shown,
                    k.pos.line,
                    k.pos.column,
                    format!("unknown fact `{id}`"),
                )
                .with_help(help),
            );
            continue;
        };
        match convert_value(v, def) {
            Ok(value) => facts.push(Fact::new(
                id,
                value.clone(),
                Origin::Answered,
                Provenance::at(rel, k.pos.line, k.pos.column)
                    .with_text(format!("{id}: {}", render_value(&value, def.ty))),
            )),
            Err(msg) => diags.push(
                Diagnostic::error(
                    "answers.type",
                    shown,
                    v.pos.line,
                    v.pos.column,
                    format!("`{id}`: {msg}"),
                )
                .with_help(format!(
                    "`{id}` is a {} fact: {}",
                    def.ty.as_str(),
                    def.question
                )),
            ),
        }
    }
    (facts, diags)
}

/// Read the answers file beside a manifest, if there is one.
pub fn read_beside(
    manifest: &Path,
    folder: &str,
    pack: &Pack,
) -> (Option<Vec<Fact>>, Vec<Diagnostic>) {
    let path = path_beside(manifest);
    read_file(&path, &rel_beside(folder), pack)
}

/// Read an answers file. `None` when it does not exist.
pub fn read_file(path: &Path, rel: &str, pack: &Pack) -> (Option<Vec<Fact>>, Vec<Diagnostic>) {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (None, Vec::new()),
        Ok(m) if m.len() > MAX_BYTES => {
            return (
                None,
                vec![Diagnostic::error(
                    "answers.too_large",
                    shown,
                    0,
                    0,
                    format!("larger than {MAX_BYTES} bytes; not an answers file"),
                )],
            );
        }
        _ => {}
    }
    let text = match std::fs::read(path) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(_) => {
                return (
                    None,
                    vec![Diagnostic::error(
                        "answers.encoding",
                        shown,
                        0,
                        0,
                        "not UTF-8 text",
                    )],
                );
            }
        },
        Err(e) => {
            return (
                None,
                vec![Diagnostic::error(
                    "answers.read",
                    shown,
                    0,
                    0,
                    format!("cannot read: {e}"),
                )],
            );
        }
    };
    let (facts, diags) = parse(&shown, rel, &text, pack);
    (Some(facts), diags)
}

/// Add answered facts to a system's facts. Precedence stays declared > answered, with one
/// exception: an answer replaces a manifest's deliberate `unknown`, since answering what was
/// unknown is the point of the questionnaire.
pub fn merge(facts: &mut FactSet, answered: impl IntoIterator<Item = Fact>) {
    for a in answered {
        if !a.value.is_unknown()
            && let Some(existing) = facts.get(&a.id)
            && existing.value.is_unknown()
            && existing.origin < Origin::Answered
        {
            facts.remove(&a.id);
        }
        facts.insert(a);
    }
}

/// The file's text for these answers, in the order given. `about` names the system and
/// its manifest for the header comment.
pub fn render(about: &str, answers: &[(String, Value)], pack: &Pack) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# Answers for {}, written by `aiact assess`.\n",
        one_line(about)
    ));
    s.push_str("# Each entry is a fact id and its value, as under `facts:` in aiact.yaml (see\n");
    s.push_str("# docs/assess.md). `aiact audit` reads this file; aiact.yaml wins where both\n");
    s.push_str("# give a value. Apply it elsewhere with `aiact assess PATH --answers FILE`.\n");
    if answers.is_empty() {
        s.push_str("{}\n");
        return s;
    }
    for (id, value) in answers {
        s.push('\n');
        let ty = pack.fact(id).map(|d| d.ty).unwrap_or(FactType::String);
        if let Some(def) = pack.fact(id) {
            for line in wrap(&one_line(&def.question), 86) {
                s.push_str("# ");
                s.push_str(&line);
                s.push('\n');
            }
        }
        s.push_str(&key(id));
        s.push_str(": ");
        s.push_str(&render_value(value, ty));
        s.push('\n');
    }
    s
}

/// A value in YAML that reads back as the same value of the fact's type.
pub fn render_value(v: &Value, ty: FactType) -> String {
    match v {
        Value::Unknown => "unknown".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_number(*n),
        Value::Date(d) => d.to_string(),
        // Strings are always quoted: `yes`, `1.0` or `unknown` must stay strings.
        Value::Str(t) => quote(t),
        Value::List(items) if items.len() == 1 && ty == FactType::Choice => scalar(&items[0]),
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| scalar(i))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A choice name plain when it cannot be misread, quoted otherwise.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !matches!(s, "true" | "false" | "null" | "unknown");
    if plain { s.to_string() } else { quote(s) }
}

fn key(id: &str) -> String {
    let plain = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !matches!(id, "true" | "false" | "null" | "yes" | "no");
    if plain { id.to_string() } else { quote(id) }
}

/// A JSON string is a valid YAML double-quoted scalar with the same value.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::pack::default_pack;

    fn pack() -> Pack {
        default_pack().unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn render_then_parse_gives_the_same_values() {
        let p = pack();
        let answers = vec![
            ("art3.1".to_string(), Value::Bool(true)),
            ("art5.1".to_string(), Value::Unknown),
            ("role".to_string(), Value::List(vec!["provider".into()])),
            (
                "outputs".to_string(),
                Value::List(vec!["image".into(), "text".into()]),
            ),
            ("parameters".to_string(), Value::Number(7e9)),
            ("training_tokens".to_string(), Value::Number(3.1e24)),
            (
                "license".to_string(),
                Value::Str("yes: \"odd\" # name".into()),
            ),
        ];
        let text = render("Demo (aiact.yaml)", &answers, &p);
        let (facts, diags) = parse("a.yaml", "a.yaml", &text, &p);
        assert!(diags.is_empty(), "{diags:?}\n{text}");
        let back: Vec<(String, Value)> = facts
            .iter()
            .map(|f| (f.id.clone(), f.value.clone()))
            .collect();
        assert_eq!(back, answers, "{text}");
        assert!(facts.iter().all(|f| f.origin == Origin::Answered));
        // Deterministic: the same answers, the same bytes.
        assert_eq!(text, render("Demo (aiact.yaml)", &answers, &p));
        let empty = render("Demo", &[], &p);
        let (facts, diags) = parse("a", "a", &empty, &p);
        assert!(facts.is_empty() && diags.is_empty());
    }

    #[test]
    fn bad_entries_are_reported_with_positions() {
        let p = pack();
        let (facts, diags) = parse(
            "x.yaml",
            "x.yaml",
            "art3.1: true\neu_markt: true\nprofiling: 3\n",
            &p,
        );
        assert_eq!(facts.len(), 1);
        assert_eq!(diags.len(), 2);
        assert_eq!(
            (diags[0].line, diags[0].code.as_str()),
            (2, "answers.unknown_fact")
        );
        assert!(diags[0].help.as_deref().unwrap_or("").contains("eu_market"));
        assert_eq!(diags[1].line, 3);
        let (_, diags) = parse("x", "x", "[1, 2]\n", &p);
        assert_eq!(diags[0].code, "answers.shape");
    }

    #[test]
    fn an_answer_replaces_a_declared_unknown_but_not_a_declared_value() {
        let mut set = FactSet::new();
        let decl = |id: &str, v: Value| Fact::new(id, v, Origin::Declared, Provenance::default());
        let ans = |id: &str, v: Value| Fact::new(id, v, Origin::Answered, Provenance::default());
        set.insert(decl("art5.1", Value::Unknown));
        set.insert(decl("profiling", Value::Bool(true)));
        merge(
            &mut set,
            vec![
                ans("art5.1", Value::Bool(false)),
                ans("profiling", Value::Bool(false)),
            ],
        );
        assert_eq!(set.get("art5.1").map(|f| f.origin), Some(Origin::Answered));
        assert_eq!(
            set.get("profiling").map(|f| f.origin),
            Some(Origin::Declared)
        );
        assert_eq!(set.conflicts().len(), 1);
    }
}
