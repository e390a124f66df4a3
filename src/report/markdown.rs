//! Markdown, rendered from templates/report.md.j2.

use super::model::Report;
use super::templates;

pub fn render(report: &Report) -> Result<String, String> {
    render_with(report, None)
}

/// Render with the embedded template, or a user's template text.
pub fn render_with(report: &Report, user_template: Option<(&str, &str)>) -> Result<String, String> {
    let mut env = templates::environment();
    let name = match user_template {
        Some((name, text)) => {
            env.add_template_owned(name.to_string(), text.to_string())
                .map_err(|e| templates::describe_error(&e))?;
            name.to_string()
        }
        None => "report.md.j2".to_string(),
    };
    let tmpl = env
        .get_template(&name)
        .map_err(|e| templates::describe_error(&e))?;
    tmpl.render(
        minijinja::context! { report => minijinja::Value::from(minijinja::value::Serde(report)) },
    )
    .map_err(|e| templates::describe_error(&e))
}
