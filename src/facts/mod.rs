//! Facts: what is known about a system, where it came from, and how sure we are.
//!
//! A fact is `(id, value, origin, provenance)`. Ids are provision ids of the law where a
//! provision decides them (`annex3.4.a`), plain snake_case otherwise (`eu_market`).
//! The catalogue of valid ids, their types and their questions is data (rules/facts.yaml).

pub mod value;

pub use value::Value;

use serde::Serialize;
use std::collections::BTreeMap;

/// Where a fact came from, in order of precedence (declared wins).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written in an aiact.yaml manifest.
    Declared,
    /// Given in the questionnaire or an answers file.
    Answered,
    /// Read from structured metadata (model-card front matter, BOM fields).
    Extracted,
    /// Computed by the engine from other facts (for example training compute from
    /// parameters and tokens); the note says how.
    Derived,
    /// A keyword or dependency hit. Never decides a tier by itself.
    Signal,
    /// Not known; the pack's documented assumption for a missing fact.
    Assumed,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Declared => "declared",
            Origin::Answered => "answered",
            Origin::Extracted => "extracted",
            Origin::Derived => "derived",
            Origin::Signal => "signal",
            Origin::Assumed => "assumed",
        }
    }

    /// Signals only raise questions; the engine never reads them as facts.
    pub fn decides(self) -> bool {
        !matches!(self, Origin::Signal)
    }
}

/// Where in a file a fact was found.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema,
)]
pub struct Provenance {
    /// Path relative to the scanned root, with `/` separators.
    pub file: Option<String>,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// The text that was matched or the key that was read, short.
    pub text: Option<String>,
}

impl Provenance {
    pub fn at(file: impl Into<String>, line: u64, column: u64) -> Self {
        Provenance {
            file: Some(file.into()),
            line: Some(line),
            column: Some(column),
            text: None,
        }
    }

    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        let mut t: String = text.into();
        if t.chars().count() > 160 {
            t = t.chars().take(157).collect::<String>() + "...";
        }
        self.text = Some(t);
        self
    }

    /// `file:line:column`, or as much of it as is known.
    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) if c > 0 => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), _) => format!("{f}:{l}"),
            (Some(f), None, _) => f.clone(),
            _ => String::new(),
        }
    }
}

/// One fact about a system.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Fact {
    pub id: String,
    pub value: Value,
    pub origin: Origin,
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Why the value is what it is, where that is not obvious (a derivation, an assumption).
    pub note: Option<String>,
}

impl Fact {
    pub fn new(
        id: impl Into<String>,
        value: Value,
        origin: Origin,
        provenance: Provenance,
    ) -> Self {
        Fact {
            id: id.into(),
            value,
            origin,
            provenance,
            note: None,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The facts of one system: at most one winning fact per id, chosen by origin precedence;
/// losers that disagree are kept as conflicts so the report can show them.
#[derive(Debug, Clone, Default)]
pub struct FactSet {
    facts: BTreeMap<String, Fact>,
    conflicts: Vec<(Fact, Fact)>,
    signals: Vec<Fact>,
}

impl FactSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a fact. A signal is kept aside (it never decides). Otherwise the fact with the
    /// higher-precedence origin wins; on a tie the first one stays. A loser whose value
    /// differs is recorded as a conflict.
    pub fn insert(&mut self, fact: Fact) {
        if fact.origin == Origin::Signal {
            self.signals.push(fact);
            return;
        }
        match self.facts.get(&fact.id) {
            None => {
                self.facts.insert(fact.id.clone(), fact);
            }
            Some(existing) => {
                let (winner, loser) = if fact.origin < existing.origin {
                    (fact, existing.clone())
                } else {
                    (existing.clone(), fact)
                };
                if winner.value != loser.value {
                    self.conflicts.push((winner.clone(), loser));
                }
                self.facts.insert(winner.id.clone(), winner);
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&Fact> {
        self.facts.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fact> {
        self.facts.values()
    }

    /// The facts, by value, in the order of [`FactSet::iter`].
    pub fn into_facts(self) -> impl Iterator<Item = Fact> {
        self.facts.into_values()
    }

    /// The facts whose id starts with `prefix`, in id order: one range of the sorted map,
    /// not a walk over every fact.
    pub fn starting_with<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = &'s Fact> {
        let from = (
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded,
        );
        self.facts
            .range::<str, _>(from)
            .take_while(move |(id, _)| id.starts_with(prefix))
            .map(|(_, f)| f)
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    pub fn conflicts(&self) -> &[(Fact, Fact)] {
        &self.conflicts
    }

    pub fn signals(&self) -> &[Fact] {
        &self.signals
    }

    /// Remove a fact (used by the questionnaire to take an answer back).
    pub fn remove(&mut self, id: &str) -> Option<Fact> {
        self.facts.remove(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: &str, v: bool, origin: Origin) -> Fact {
        Fact::new(id, Value::Bool(v), origin, Provenance::default())
    }

    #[test]
    fn declared_beats_extracted_and_conflict_is_kept() {
        let mut set = FactSet::new();
        set.insert(fact("open_source", false, Origin::Extracted));
        set.insert(fact("open_source", true, Origin::Declared));
        assert_eq!(set.get("open_source").unwrap().origin, Origin::Declared);
        assert_eq!(set.conflicts().len(), 1);
    }

    #[test]
    fn signals_never_become_facts() {
        let mut set = FactSet::new();
        set.insert(fact("art50.1", true, Origin::Signal));
        assert!(set.get("art50.1").is_none());
        assert_eq!(set.signals().len(), 1);
    }

    #[test]
    fn same_value_is_no_conflict() {
        let mut set = FactSet::new();
        set.insert(fact("x", true, Origin::Extracted));
        set.insert(fact("x", true, Origin::Declared));
        assert!(set.conflicts().is_empty());
    }
}
