//! Diagnostics: problems found in the user's input (a manifest, a rule pack, a scanned file).
//! One model for all of them, so every front end prints them the same way.

use serde::Serialize;
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The input cannot be used; the command exits 2.
    Error,
    /// The input was used, but part of it was skipped or looks wrong.
    Warning,
    /// Worth knowing (an oversized file skipped, a binary file ignored).
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code (`manifest.unknown_key`, `yaml.syntax`, `scan.too_large` ...).
    pub code: String,
    /// Path relative to the scanned root (or as given on the command line).
    pub file: String,
    /// 1-based; 0 when the whole file is meant.
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// What would have been valid, or a "did you mean" suggestion.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: &str,
        file: impl Into<String>,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code: code.to_string(),
            file: file.into(),
            line,
            column,
            message: message.into(),
            help: None,
        }
    }

    pub fn error(
        code: &str,
        file: impl Into<String>,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, code, file, line, column, message)
    }

    pub fn warning(
        code: &str,
        file: impl Into<String>,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, file, line, column, message)
    }

    pub fn note(
        code: &str,
        file: impl Into<String>,
        line: u64,
        column: u64,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Note, code, file, line, column, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `file:line:column: severity[code]: message` then `  = help: ...`, the shape compilers use,
/// so editors and CI logs can jump to the place.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file)?,
            (l, 0) => write!(f, "{}:{l}", self.file)?,
            (l, c) => write!(f, "{}:{l}:{c}", self.file)?,
        }
        write!(
            f,
            ": {}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// The closest candidate by edit distance, for "did you mean" help.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_l = input.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = levenshtein(&input_l, &c.to_lowercase());
        let limit = (c.chars().count().max(input.chars().count()) / 3).max(2);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl crate::yaml::YamlError {
    /// The error as a diagnostic on a file, with its position.
    pub fn diagnostic(&self, code: &str, file: &str) -> Diagnostic {
        Diagnostic::error(
            code,
            file,
            self.pos.line,
            self.pos.column,
            format!("invalid YAML: {}", self.message),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("eu_markt", ["eu_market", "profiling"]),
            Some("eu_market")
        );
        assert_eq!(
            did_you_mean("provder", ["provider", "deployer"]),
            Some("provider")
        );
        assert_eq!(did_you_mean("zzzzzz", ["provider"]), None);
    }

    #[test]
    fn display_has_location() {
        let d = Diagnostic::error("yaml.syntax", "a/aiact.yaml", 3, 7, "bad").with_help("fix");
        assert_eq!(
            d.to_string(),
            "a/aiact.yaml:3:7: error[yaml.syntax]: bad\n  = help: fix"
        );
    }
}
