//! The default rule pack, compiled into the binary so `aiact` works with no files beside it.
//! build.rs lists every file under rules/ (see `EMBEDDED_RULES`).

use super::load::{PackFile, PackSource};
use crate::yaml::{self, Node, YamlError};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
include!(concat!(env!("OUT_DIR"), "/embedded_rules_parsed.rs"));

/// Parse a rule file's YAML. A text that is exactly one of the embedded files is read from
/// the tree the build parsed (see build.rs): every run loads the whole default pack, and
/// decoding it takes a fraction of parsing it.
pub fn parse_yaml(text: &str) -> Result<Node, YamlError> {
    EMBEDDED_RULES_PARSED
        .iter()
        .find(|(path, _)| file(path) == Some(text))
        .and_then(|(_, bytes)| yaml::decode(bytes))
        .map_or_else(|| yaml::parse(text), Ok)
}

pub fn default_source() -> PackSource {
    PackSource {
        name: "aiact-default".into(),
        files: EMBEDDED_RULES
            .iter()
            .filter(|(path, _)| !path.starts_with("rules/evidence/"))
            .map(|(path, text)| PackFile {
                path: (*path).to_string(),
                text: (*text).to_string(),
            })
            .collect(),
    }
}

/// A file of the default pack by path (`rules/evidence/libraries.yaml`).
pub fn file(path: &str) -> Option<&'static str> {
    EMBEDDED_RULES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build's trees are exactly what parsing gives, for every embedded rule file.
    #[test]
    fn parsed_at_build_time_equals_parsed_now() {
        assert_eq!(EMBEDDED_RULES_PARSED.len(), EMBEDDED_RULES.len());
        for (path, bytes) in EMBEDDED_RULES_PARSED {
            let text = file(path).expect("embedded");
            let now = yaml::parse(text).expect("the default pack parses");
            assert_eq!(yaml::decode(bytes).as_ref(), Some(&now), "{path}");
            assert_eq!(parse_yaml(text).ok(), Some(now), "{path}");
        }
        // A text that is not an embedded file is parsed.
        assert!(parse_yaml("a: [").is_err());
    }

    #[test]
    fn decoding_other_bytes_gives_nothing() {
        let mut bytes = Vec::new();
        yaml::encode(
            &yaml::parse("a: [1, 2.5, x, true, null]").expect("yaml"),
            &mut bytes,
        );
        for cut in 0..bytes.len() {
            assert!(yaml::decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        assert!(yaml::decode(&[1, 1, 99]).is_none());
    }
}
