//! Pipfile (pipenv): `[packages]` and `[dev-packages]`.

use super::tomlx::{entries, table};
use super::{Dependency, parse_toml};
use crate::extract::Sink;

pub fn parse(sink: &mut Sink<'_>, text: &str) -> Vec<Dependency> {
    let Some(doc) = parse_toml(sink, text) else {
        return Vec::new();
    };
    let mut deps = Vec::new();
    for section in ["packages", "dev-packages"] {
        if let Some(t) = table(doc.get_ref(), section) {
            for (name, offset, _) in entries(t) {
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
    fn packages() {
        let t = "[[source]]\nurl = \"x\"\n[packages]\ntransformers = \"*\"\n[dev-packages]\nblack = \"*\"\n";
        let mut sink = Sink::new("Pipfile", t);
        let d = parse(&mut sink, t);
        assert_eq!(d.len(), 2);
        assert_eq!(sink.index.line(d[0].offset), 4);
    }
}
