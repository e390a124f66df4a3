//! go.mod: `require` lines and blocks.

use super::{Dependency, Ecosystem};
use crate::extract::Sink;

pub fn parse(_sink: &mut Sink<'_>, text: &str) -> Vec<Dependency> {
    let mut deps = Vec::new();
    let mut in_block = false;
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_offset = offset;
        offset += raw.len();
        let line = raw.split("//").next().unwrap_or("").trim();
        let lead = raw.len() - raw.trim_start().len();
        let entry = if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("require") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        if let Some(module) = entry.split_whitespace().next() {
            let module = module.trim_matches('"');
            if module.contains('.') || module.contains('/') {
                deps.push(Dependency {
                    name: module.to_string(),
                    spec: entry.to_string(),
                    offset: line_offset + lead,
                    ecosystem: Ecosystem::Go,
                });
            }
        }
    }
    deps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires() {
        let t = "module x\n\ngo 1.22\n\nrequire github.com/a/b v1.0.0\nrequire (\n\tgithub.com/sashabaranov/go-openai v1.20.0 // indirect\n\tgolang.org/x/text v0.3.0\n)\n";
        let mut sink = Sink::new("go.mod", t);
        let d = parse(&mut sink, t);
        assert_eq!(d.len(), 3);
        assert_eq!(d[1].name, "github.com/sashabaranov/go-openai");
        assert_eq!(sink.index.line_col(d[1].offset), (7, 2));
    }
}
