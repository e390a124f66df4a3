//! setup.cfg (setuptools): `install_requires` in `[options]` and every key of
//! `[options.extras_require]`. INI values continue on indented lines.

use super::{Dependency, Ecosystem, pep508_name};
use crate::extract::Sink;

pub fn parse(_sink: &mut Sink<'_>, text: &str) -> Vec<Dependency> {
    let mut deps = Vec::new();
    let mut section = String::new();
    // Whether the current key's values are requirements.
    let mut collecting = false;
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_offset = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let lead = line.len() - line.trim_start().len();
        if !indented && trimmed.starts_with('[') {
            section = trimmed.trim_matches(['[', ']']).trim().to_ascii_lowercase();
            collecting = false;
            continue;
        }
        let value = if indented && collecting {
            trimmed
        } else if !indented {
            let Some((key, value)) = trimmed.split_once(['=', ':']) else {
                collecting = false;
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            collecting = (section == "options"
                && (key == "install_requires" || key == "setup_requires"))
                || section == "options.extras_require";
            if !collecting {
                continue;
            }
            value.trim()
        } else {
            continue;
        };
        // A value may hold several requirements separated by `;`-free commas on one line
        // only in old files; the common form is one per line.
        if let Some(name) = pep508_name(value) {
            let at = line_offset + lead + line.trim_start().find(value).unwrap_or(0);
            deps.push(Dependency {
                name: name.to_string(),
                spec: value.to_string(),
                offset: at,
                ecosystem: Ecosystem::Pypi,
            });
        }
    }
    deps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_requires_and_extras() {
        let t = "[metadata]\nname = x\n[options]\ninstall_requires =\n    numpy\n    torch>=2\npython_requires = >=3.8\n\
                 [options.extras_require]\nllm = openai\n";
        let mut sink = Sink::new("setup.cfg", t);
        let d = parse(&mut sink, t);
        let names: Vec<_> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["numpy", "torch", "openai"]);
        assert_eq!(sink.index.line_col(d[1].offset), (6, 5));
        assert_eq!(sink.index.line(d[2].offset), 9);
    }
}
