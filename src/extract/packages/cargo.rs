//! Cargo.toml: `[dependencies]`, dev and build dependencies, target-specific tables and
//! `[workspace.dependencies]`. A renamed dependency (`package = "..."`) is matched by
//! its real crate name.

use super::tomlx::{entries, str_of, table};
use super::{Dependency, Ecosystem, parse_toml};
use crate::extract::Sink;
use toml::de::{DeTable, DeValue};

const SECTIONS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

pub fn parse(sink: &mut Sink<'_>, text: &str) -> Vec<Dependency> {
    let Some(doc) = parse_toml(sink, text) else {
        return Vec::new();
    };
    let root = doc.get_ref();
    let mut deps = Vec::new();
    collect(root, &mut deps);
    if let Some(t) = table(root, "workspace").and_then(|ws| table(ws, "dependencies")) {
        from_table(t, &mut deps);
    }
    if let Some(targets) = table(root, "target") {
        for (_, _, t) in entries(targets) {
            if let DeValue::Table(t) = t.get_ref() {
                collect(t, &mut deps);
            }
        }
    }
    deps.sort_by_key(|d| d.offset);
    deps
}

fn collect(t: &DeTable<'_>, deps: &mut Vec<Dependency>) {
    for s in SECTIONS {
        if let Some(t) = table(t, s) {
            from_table(t, deps);
        }
    }
}

fn from_table(t: &DeTable<'_>, deps: &mut Vec<Dependency>) {
    for (key, offset, v) in entries(t) {
        let real = match v.get_ref() {
            DeValue::Table(spec) => spec.get("package").and_then(str_of).unwrap_or(key),
            _ => key,
        };
        deps.push(Dependency {
            name: real.to_string(),
            spec: key.to_string(),
            offset,
            ecosystem: Ecosystem::Cargo,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let t = "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\nml = { package = \"candle-core\", version = \"0.8\" }\n\
                 [workspace.dependencies]\ntch = \"0.1\"\n[target.'cfg(unix)'.dev-dependencies]\nort = \"2\"\n";
        let mut sink = Sink::new("Cargo.toml", t);
        let names: Vec<_> = parse(&mut sink, t).into_iter().map(|d| d.name).collect();
        assert_eq!(names, ["serde", "candle-core", "tch", "ort"]);
    }
}
