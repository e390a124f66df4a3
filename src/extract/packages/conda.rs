//! Conda environment files (environment.yml): `dependencies` holds conda specs
//! (`pytorch=2.1`, `conda-forge::numpy`) and a `pip:` list of PyPI requirements.

use super::{Dependency, Ecosystem, pep508_name};
use crate::diag::Diagnostic;
use crate::extract::Sink;
use crate::yaml::{self, Node};

pub fn parse(sink: &mut Sink<'_>, text: &str) -> Vec<Dependency> {
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            sink.diag_at(
                Diagnostic::warning(
                    "yaml.syntax",
                    sink.file,
                    e.pos.line,
                    e.pos.column,
                    format!("invalid YAML: {}", e.message),
                )
                .with_help("dependencies in this file were not read"),
            );
            return Vec::new();
        }
    };
    let mut deps = Vec::new();
    for item in root
        .get("dependencies")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        if let Some(spec) = item.as_str() {
            // channel::name=version[=build]
            let s = spec.rsplit("::").next().unwrap_or(spec);
            let name = s.split(['=', '<', '>', '!', ' ', '[']).next().unwrap_or("");
            if !name.is_empty() {
                deps.push(at(sink, name, spec, item, Ecosystem::Conda));
            }
        } else if let Some(pip) = item.get("pip").and_then(Node::as_seq) {
            for p in pip {
                if let Some(spec) = p.as_str()
                    && let Some(name) = pep508_name(spec)
                {
                    deps.push(at(sink, name, spec, p, Ecosystem::Pypi));
                }
            }
        }
    }
    deps
}

fn at(sink: &Sink<'_>, name: &str, spec: &str, node: &Node, ecosystem: Ecosystem) -> Dependency {
    // The YAML tree keeps line and column; turn them into the byte offset the sink expects.
    let offset = line_col_offset(sink, node.pos.line, node.pos.column);
    Dependency {
        name: name.to_string(),
        spec: spec.to_string(),
        offset,
        ecosystem,
    }
}

fn line_col_offset(sink: &Sink<'_>, line: u64, column: u64) -> usize {
    let text = sink.index.line_text(line);
    let line_start = sink.index.line_start(line);
    let col_bytes: usize = text
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    line_start + col_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conda_and_pip() {
        let t = "name: x\nchannels: [pytorch]\ndependencies:\n  - python=3.10\n  - pytorch::pytorch=2.1\n  - pip:\n    - openai>=1\n";
        let mut sink = Sink::new("environment.yml", t);
        let d = parse(&mut sink, t);
        let names: Vec<_> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["python", "pytorch", "openai"]);
        assert_eq!(sink.index.line_col(d[2].offset), (7, 7));
    }
}
