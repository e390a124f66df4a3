//! Templates: embedded in the binary, strict about undefined values, escaping HTML by
//! default for `.html` templates. A user's own template (`--template`) is loaded the same way.

use minijinja::{AutoEscape, Environment, UndefinedBehavior};

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
        let name = path.trim_start_matches("templates/");
        if let Err(e) = env.add_template(name, text) {
            // Embedded templates are tested; a broken one is a build defect, reported once.
            eprintln!("aiact: internal template {name} is invalid: {e}");
        }
    }
    env.add_filter("md_cell", md_cell);
    env.add_filter("show", show);
    env
}

/// Text safe inside a Markdown table cell: no pipes or line breaks that would break the row.
fn md_cell(s: String) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
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
