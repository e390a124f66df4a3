//! pip requirements files (requirements*.txt, requirements/*.txt, *.in).
//! Options are skipped except `-r`/`-c` includes, which are listed and, when the walk can
//! tell, checked: a missing include is a diagnostic, not a failure.

use super::{Dependency, Ecosystem, pep508_name};
use crate::diag::Diagnostic;
use crate::extract::{Sink, Tree, parent_dir};

pub fn parse(sink: &mut Sink<'_>, text: &str, tree: &dyn Tree) -> Vec<Dependency> {
    let mut deps = Vec::new();
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_offset = offset;
        offset += raw.len();
        let line = strip_comment(raw.trim_end_matches(['\n', '\r']));
        let body = line.trim();
        let lead = line.len() - line.trim_start().len();
        if body.is_empty() {
            continue;
        }
        if let Some(target) = include_target(body) {
            check_include(sink, tree, target, line_offset + lead, body);
            continue;
        }
        if body.starts_with('-') {
            // -e/--editable URL#egg=name is a dependency; other options are not.
            let editable = body
                .strip_prefix("-e ")
                .or_else(|| body.strip_prefix("--editable "));
            if let Some(name) = editable.and_then(egg_name) {
                deps.push(dep(name, body, line_offset + lead));
            }
            continue;
        }
        // A bare URL names its package in #egg=name.
        if body.contains("://") && !body.contains(" @ ") {
            if let Some(name) = egg_name(body) {
                deps.push(dep(name, body, line_offset + lead));
            }
            continue;
        }
        if let Some(name) = pep508_name(body) {
            deps.push(dep(name, body, line_offset + lead));
        }
    }
    deps
}

fn egg_name(url: &str) -> Option<&str> {
    let egg = url.split("#egg=").nth(1)?;
    let name = egg.split(['&', ' ', '[']).next().unwrap_or("");
    (!name.is_empty()).then_some(name)
}

fn dep(name: &str, spec: &str, offset: usize) -> Dependency {
    Dependency {
        name: name.to_string(),
        spec: spec.to_string(),
        offset,
        ecosystem: Ecosystem::Pypi,
    }
}

/// A comment starts at `#` at the line start or after whitespace (a URL fragment is not one).
fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

fn include_target(body: &str) -> Option<&str> {
    for opt in ["-r", "--requirement", "-c", "--constraint"] {
        let Some(rest) = body.strip_prefix(opt) else {
            continue;
        };
        let target = if rest.starts_with([' ', '\t', '=']) {
            rest.trim_start_matches('=').trim()
        } else if opt.len() == 2 {
            // pip accepts `-rfile.txt`.
            rest.trim()
        } else {
            continue;
        };
        if !target.is_empty() {
            return Some(target);
        }
    }
    None
}

fn check_include(sink: &mut Sink<'_>, tree: &dyn Tree, target: &str, offset: usize, body: &str) {
    sink.summary.push(format!("includes {target}"));
    if target.contains("://") {
        return;
    }
    let path = join(parent_dir(sink.file), target);
    if tree.exists(&path) == Some(false) {
        let (line, col) = sink.index.line_col(offset);
        sink.diag_at(
            Diagnostic::warning(
                "requirements.missing_include",
                sink.file,
                line,
                col,
                format!("`{body}`: the included file {path} does not exist"),
            )
            .with_help("its dependencies were not read; fix the path or remove the line"),
        );
    }
}

/// Join a relative path onto a folder, resolving `.` and `..` (never above the root).
pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::NoTree;

    struct Only(&'static [&'static str]);
    impl Tree for Only {
        fn exists(&self, p: &str) -> Option<bool> {
            Some(self.0.contains(&p))
        }
    }

    fn names(text: &str) -> Vec<String> {
        let mut sink = Sink::new("requirements.txt", text);
        parse(&mut sink, text, &NoTree)
            .into_iter()
            .map(|d| d.name)
            .collect()
    }

    #[test]
    fn reads_names() {
        let t = "# c\ntorch>=1.10 # pinned\n--extra-index-url https://x\njax[cuda12-pip]==0.4.25\n-f https://y\n\
                 face_recognition @ git+https://github.com/a/b.git@d6\n-e git+https://g/x.git#egg=deepface\n\
                 onnxruntime==1.28.0; sys_platform == 'darwin'\r\n";
        assert_eq!(
            names(t),
            [
                "torch",
                "jax",
                "face_recognition",
                "deepface",
                "onnxruntime"
            ]
        );
    }

    #[test]
    fn missing_include_is_a_warning_with_line() {
        let t = "# meta\n-r _requirements_nvidia_13.txt\n-r base.txt\n";
        let mut sink = Sink::new("requirements/requirements_nvidia.txt", t);
        let deps = parse(&mut sink, t, &Only(&["requirements/base.txt"]));
        assert!(deps.is_empty());
        assert_eq!(sink.diagnostics.len(), 1);
        let d = &sink.diagnostics[0];
        assert_eq!((d.line, d.column), (2, 1));
        assert!(
            d.message
                .contains("requirements/_requirements_nvidia_13.txt"),
            "{}",
            d.message
        );
    }

    #[test]
    fn joins() {
        assert_eq!(join("a/b", "../c.txt"), "a/c.txt");
        assert_eq!(join("", "./x.txt"), "x.txt");
        assert_eq!(join("", "../../x"), "x");
    }
}
