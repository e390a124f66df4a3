//! pyproject.toml: PEP 621 (`[project]` dependencies and optional dependencies), PEP 735
//! dependency groups, and Poetry (`[tool.poetry]` dependencies and groups).

use super::tomlx::{entries, strings, table};
use super::{Dependency, Ecosystem, parse_toml, pep508_name};
use crate::extract::Sink;

pub fn parse(sink: &mut Sink<'_>, text: &str) -> Vec<Dependency> {
    let Some(doc) = parse_toml(sink, text) else {
        return Vec::new();
    };
    let root = doc.get_ref();
    let mut deps = Vec::new();
    let pep508 = |list: &toml::Spanned<toml::de::DeValue<'_>>, deps: &mut Vec<Dependency>| {
        for (s, offset) in strings(list) {
            if let Some(name) = pep508_name(s) {
                deps.push(Dependency {
                    name: name.to_string(),
                    spec: s.to_string(),
                    offset,
                    ecosystem: Ecosystem::Pypi,
                });
            }
        }
    };
    if let Some(project) = table(root, "project") {
        if let Some(list) = project.get("dependencies") {
            pep508(list, &mut deps);
        }
        if let Some(opt) = table(project, "optional-dependencies") {
            for (_, _, list) in entries(opt) {
                pep508(list, &mut deps);
            }
        }
    }
    if let Some(groups) = table(root, "dependency-groups") {
        for (_, _, list) in entries(groups) {
            pep508(list, &mut deps);
        }
    }
    if let Some(poetry) = table(root, "tool").and_then(|t| table(t, "poetry")) {
        let mut tables = Vec::new();
        tables.extend(table(poetry, "dependencies"));
        tables.extend(table(poetry, "dev-dependencies"));
        if let Some(groups) = table(poetry, "group") {
            for (_, _, g) in entries(groups) {
                if let toml::de::DeValue::Table(g) = g.get_ref() {
                    tables.extend(table(g, "dependencies"));
                }
            }
        }
        for t in tables {
            for (name, offset, _) in entries(t) {
                if name.eq_ignore_ascii_case("python") {
                    continue;
                }
                deps.push(Dependency::pypi_key(name, offset));
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
    fn pep621_and_poetry() {
        let t = "[project]\nname = \"x\"\ndependencies = [\n  \"torch>=2\",\n  \"openai\",\n]\n\
                 [project.optional-dependencies]\ndev = [\"pytest\"]\n\
                 [tool.poetry.dependencies]\npython = \"^3.10\"\nlangchain = \"*\"\n\
                 [tool.poetry.group.test.dependencies]\nfer = \"1\"\n";
        let mut sink = Sink::new("pyproject.toml", t);
        let d = parse(&mut sink, t);
        let names: Vec<_> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["torch", "openai", "pytest", "langchain", "fer"]);
        assert_eq!(sink.index.line(d[0].offset), 4);
        assert_eq!(sink.index.line(d[3].offset), 11);
    }
}
