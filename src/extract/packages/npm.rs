//! package.json: dependencies, devDependencies, peerDependencies, optionalDependencies.

use super::{Dependency, Ecosystem};
use crate::diag::Diagnostic;
use crate::extract::{Sink, json};

const SECTIONS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

pub fn parse(sink: &mut Sink<'_>, text: &str) -> Vec<Dependency> {
    let root = match json::parse(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, col) = sink.index.line_col(e.offset);
            sink.diag_at(
                Diagnostic::warning(
                    "json.syntax",
                    sink.file,
                    line,
                    col,
                    format!("invalid JSON: {}", e.message),
                )
                .with_help("dependencies in this file were not read"),
            );
            return Vec::new();
        }
    };
    let mut deps = Vec::new();
    for s in SECTIONS {
        if let Some(section) = root.get(s) {
            for (k, v) in section.as_object() {
                let spec = match v.as_str() {
                    Some(version) => format!("\"{}\": \"{version}\"", k.name),
                    None => k.name.clone(),
                };
                deps.push(Dependency {
                    name: k.name.clone(),
                    spec,
                    offset: k.offset,
                    ecosystem: Ecosystem::Npm,
                });
            }
        }
    }
    deps.sort_by_key(|d| d.offset);
    deps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_errors() {
        let t = "{\n \"name\": \"x\",\n \"dependencies\": {\n  \"openai\": \"^4\"\n },\n \"devDependencies\": {\"jest\": \"1\"}\n}";
        let mut sink = Sink::new("package.json", t);
        let d = parse(&mut sink, t);
        assert_eq!(d.len(), 2);
        assert_eq!(sink.index.line(d[0].offset), 4);
        let bad = "{\"dependencies\": {\"a\": }";
        let mut sink = Sink::new("package.json", bad);
        assert!(parse(&mut sink, bad).is_empty());
        assert_eq!(sink.diagnostics[0].code, "json.syntax");
    }
}
