//! The default rule pack, compiled into the binary so `aiact` works with no files beside it.
//! build.rs lists every file under rules/ (see `EMBEDDED_RULES`).

use super::load::{PackFile, PackSource};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

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
