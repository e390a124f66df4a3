//! Templates: embedded in the binary, strict about undefined values, escaping HTML by
//! default for `.html` templates. A user's own template (`--template`) is loaded the same way
//! and sees the same context: `report` (the report model), `msg` (the words of the chosen
//! language, see i18n.rs) and `lang` (its code).

use super::i18n;
use super::model::Report;
use super::untrusted;
use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));

/// An environment with the embedded templates (named by their file name) and our filters.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html.j2") || name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    for (path, text) in EMBEDDED_TEMPLATES {
        // Message catalogues (i18n/*.yaml) are data, not templates.
        if !(path.ends_with(".j2") || path.ends_with(".jinja")) {
            continue;
        }
        let name = path.trim_start_matches("templates/");
        if let Err(e) = env.add_template(name, text) {
            // Embedded templates are tested; a broken one is a build defect, reported once.
            eprintln!("aiact: internal template {name} is invalid: {e}");
        }
    }
    env.add_filter("md_cell", md_cell);
    env.add_filter("md_text", md_text);
    env.add_filter("md_code", md_code);
    env.add_filter("show", show);
    env.add_filter("markdown", markdown);
    env.add_filter("code_spans", code_spans);
    env.add_filter("fill", fill);
    env.add_function("deadlines", deadlines);
    env
}

/// A template to render: one of ours by name, or a user's own (`--template`).
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Builtin(&'a str),
    /// The name shown in errors (the path as the user gave it) and the text.
    User {
        name: &'a str,
        text: &'a str,
    },
}

/// Render the report through a template in a language (`en`, `fr`, ...).
pub fn render(report: &Report, source: Source<'_>, lang: &str) -> Result<String, String> {
    render_data(report, source, lang)
}

/// Render any serialisable form of the report: the report model, or its JSON with fields a
/// later stage adds (the evidence checks of `aiact check`), which the templates render when
/// present.
pub fn render_data<T: serde::Serialize>(
    report: &T,
    source: Source<'_>,
    lang: &str,
) -> Result<String, String> {
    let msg = i18n::catalogue(lang)?;
    let mut env = environment();
    let name = match source {
        Source::Builtin(name) => name.to_string(),
        Source::User { name, text } => {
            // A user's file named like one of ours must not replace it: it may extend it.
            let name = if env.get_template(name).is_ok() {
                format!("./{name}")
            } else {
                name.to_string()
            };
            env.add_template_owned(name.clone(), text.to_string())
                .map_err(|e| describe_error(&e))?;
            name
        }
    };
    let tmpl = env.get_template(&name).map_err(|e| describe_error(&e))?;
    tmpl.render(minijinja::context! {
        report => Value::from(minijinja::value::Serde(report)),
        msg => Value::from(minijinja::value::Serde(&msg)),
        lang => lang,
    })
    .map_err(|e| describe_error(&e))
}

/// Untrusted Markdown (a description, a model card section) as sanitised HTML. Marked safe
/// so the HTML escaper leaves the sanitised markup alone; only for HTML templates.
fn markdown(text: String) -> Value {
    Value::from_safe_string(untrusted::markdown_to_safe_html(&text))
}

/// A message for HTML: escaped, then each `backticked` part set as code. Messages are ours,
/// but a filled-in value may come from a scanned file, so everything is escaped first; a
/// stray backtick in such a value can only change what is shown as code.
fn code_spans(text: String) -> Value {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, part) in text.split('`').enumerate() {
        let odd = i % 2 == 1;
        if odd {
            out.push_str("<code>");
        }
        for c in part.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#x27;"),
                c => out.push(c),
            }
        }
        if odd {
            out.push_str("</code>");
        }
    }
    Value::from_safe_string(out)
}

/// Fill a message's `{name}` placeholders: `msg.assumptions.intro | fill(source=s.source)`.
/// Named, not positional, because word order differs between languages. A placeholder
/// without a value, or a value without a placeholder, is an error (templates are strict).
fn fill(text: String, kwargs: Kwargs) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}').filter(|&end| {
            let name = &after[..end];
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match end {
            Some(end) => {
                let value: Value = kwargs.get(&after[..end])?;
                out.push_str(&value.to_string());
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    kwargs.assert_all_used()?;
    Ok(out)
}

/// The coming deadlines of one system, grouped by date: the classifications (tier or GPAI
/// status) that apply only from a date after `as_of`, its obligations, and those that hang
/// on open questions. Dates ascend; within a date, classifications come first, then the
/// obligations in the order the report lists them (the order of the Regulation).
/// Each group is `{date, items: [{id, title, kind}]}`.
fn deadlines(system: Value, as_of: Value) -> Result<Value, Error> {
    #[derive(serde::Serialize)]
    struct Item {
        id: String,
        title: String,
        kind: &'static str,
    }
    #[derive(serde::Serialize)]
    struct Group {
        date: String,
        items: Vec<Item>,
    }
    // Dates are ISO `YYYY-MM-DD`: comparing the text compares the dates.
    let as_of = as_of.to_string();
    let mut found: Vec<(String, Item)> = Vec::new();
    for (list, kind) in [
        ("triggers", "classification"),
        ("obligations", "obligation"),
        ("conditional_obligations", "conditional"),
    ] {
        let items = system.get_attr(list)?;
        // A template may be given an older or hand-made system without the list.
        if items.is_undefined() || items.is_none() {
            continue;
        }
        let iter = items.try_iter().map_err(|_| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("deadlines() expects a system with `{list}`"),
            )
        })?;
        for item in iter {
            if kind == "classification" {
                let decides = item.get_attr("decides")?.to_string();
                if !(decides.starts_with("tier:") || decides.starts_with("gpai:")) {
                    continue;
                }
            }
            let date = item.get_attr("applies_from")?;
            if date.is_none() || date.is_undefined() {
                continue;
            }
            let date = date.to_string();
            let id = item.get_attr("id")?.to_string();
            if date > as_of && !found.iter().any(|(d, i)| *d == date && i.id == id) {
                let title = item.get_attr("title")?.to_string();
                found.push((date, Item { id, title, kind }));
            }
        }
    }
    // Stable: the order within a date is the order collected above.
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut groups: Vec<Group> = Vec::new();
    for (date, item) in found {
        match groups.last_mut() {
            Some(g) if g.date == date => g.items.push(item),
            _ => groups.push(Group {
                date,
                items: vec![item],
            }),
        }
    }
    Ok(Value::from(minijinja::value::Serde(&groups)))
}

/// Text safe inside a Markdown table cell: no pipes or line breaks that would break the row.
fn md_cell(s: String) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// Untrusted text (from a scanned file) as plain Markdown text: on one line, inside a table
/// cell or not, with no emphasis, no link, no code span and no raw HTML. Markdown renderers
/// differ in what HTML they let through; escaping it here does not depend on them.
fn md_text(s: String) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text inside a `code span`: nothing is interpreted there but a backtick ends
/// it, a line break breaks the row, and GitHub tables split cells on `|` even in code.
fn md_code(s: String) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .map(|c| match c {
            '`' => "'".to_string(),
            '\n' => " ".to_string(),
            '|' => "\\|".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A fact value as a person reads it: `true`, `3.1e24`, `provider, deployer`.
fn show(v: minijinja::Value) -> String {
    use minijinja::value::ValueKind;
    match v.kind() {
        ValueKind::Bool => {
            if v.is_true() {
                "true".into()
            } else {
                "false".into()
            }
        }
        ValueKind::Number => match f64::try_from(v.clone()) {
            Ok(n) => crate::facts::value::format_number(n),
            Err(_) => v.to_string(),
        },
        ValueKind::Seq => v
            .try_iter()
            .map(|it| it.map(show).collect::<Vec<_>>().join(", "))
            .unwrap_or_default(),
        ValueKind::None | ValueKind::Undefined => String::new(),
        _ => v.to_string(),
    }
}

/// Render a minijinja error with its template line, for `--template` users.
pub fn describe_error(err: &minijinja::Error) -> String {
    let mut msg = err.to_string();
    if let (Some(name), Some(line)) = (err.name(), err.line()) {
        msg = format!("{name}:{line}: {msg}");
    }
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_str(template: &str, ctx: Value) -> Result<String, String> {
        let mut env = environment();
        env.add_template_owned("t.html.j2".to_string(), template.to_string())
            .map_err(|e| describe_error(&e))?;
        env.get_template("t.html.j2")
            .and_then(|t| t.render(ctx))
            .map_err(|e| describe_error(&e))
    }

    #[test]
    fn code_spans_escape_before_marking_code() {
        let out = code_spans("run `aiact <x>` & see `a\"b".into()).to_string();
        assert_eq!(
            out,
            "run <code>aiact &lt;x&gt;</code> &amp; see <code>a&quot;b</code>"
        );
        // An unmatched backtick sets the rest as code; tags always balance.
        let out = code_spans("<script>alert(1)</script>".into()).to_string();
        assert_eq!(out, "&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    #[test]
    fn fill_is_strict_about_placeholders() {
        let ok = render_str(
            "{{ 'In {where}, {n} x' | fill(where=w, n=2) }}",
            minijinja::context! { w => "<b>" },
        );
        assert_eq!(ok.as_deref(), Ok("In &lt;b&gt;, 2 x"));
        let missing = render_str("{{ 'In {where}' | fill(n=2) }}", minijinja::context! {});
        assert!(missing.is_err(), "{missing:?}");
        let unused = render_str(
            "{{ 'In {where}' | fill(where=1, n=2) }}",
            minijinja::context! {},
        );
        assert!(unused.is_err(), "{unused:?}");
        // Braces that are not placeholders stay as written.
        let plain = render_str("{{ 'a {} {not one} b' | fill() }}", minijinja::context! {});
        assert_eq!(plain.as_deref(), Ok("a {} {not one} b"));
    }

    #[test]
    fn md_text_leaves_no_markup_and_md_code_no_way_out() {
        assert_eq!(
            md_text("<img src=x> [a](javascript:x) *b* | c\nd `e`".into()),
            "&lt;img src=x&gt; \\[a\\](javascript:x) \\*b\\* \\| c d \\`e\\`"
        );
        assert_eq!(md_code("a`b|c\nd\u{7}".into()), "a'b\\|c d");
    }
}
