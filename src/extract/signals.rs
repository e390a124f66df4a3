//! Prose signals: patterns from rules/evidence/signals.yaml read in READMEs, docs and
//! model cards. A hit is a [`Origin::Signal`] fact pointing at a provision, with file:line
//! and the matched text; it raises a question, it never decides a tier.
//! Guards (`near`, `unless`) keep common words from hitting out of context ("emotion"
//! only near workers or students for Art. 5(1)(f), "CV" only near ranking or screening).

use super::markdown::{self, Document};
use super::{Extraction, Sink, SourceKind, note};
use crate::diag::{Diagnostic, did_you_mean};
use crate::facts::{Origin, Value};
use crate::yaml::{self, Node};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use std::sync::OnceLock;

const DEFAULT: &str = include_str!("../../rules/evidence/signals.yaml");
const FILE: &str = "rules/evidence/signals.yaml";
const KEYS: &[&str] = &[
    "id",
    "provision",
    "title",
    "pattern",
    "near",
    "unless",
    "within",
    "case_sensitive",
    "tests",
];

/// A pattern checked when loaded and compiled when first needed: compiling all of them took
/// longer than most scans spend matching them (most prose hits nothing, and the prefilter
/// rules out most patterns before they run).
#[derive(Debug, Clone)]
struct LazyRegex {
    source: String,
    case_sensitive: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// `None` only if the pattern, valid when loaded, is over the size limit (the embedded
    /// patterns are all compiled by their tests).
    fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| build(&self.source, self.case_sensitive).ok())
            .as_ref()
    }
}

/// ASCII classes: the prose patterns are English, and Unicode `\w` with case folding makes
/// each pattern several times slower to compile.
fn build(source: &str, case_sensitive: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source)
        .case_insensitive(!case_sensitive)
        .unicode(false)
        .size_limit(1 << 22)
        .build()
}

#[derive(Debug, Clone)]
pub struct SignalDef {
    pub id: String,
    pub provision: String,
    pub title: String,
    pattern: LazyRegex,
    near: Option<LazyRegex>,
    unless: Option<LazyRegex>,
    within: usize,
    /// Examples that must hit / must not hit (checked by the pack's tests).
    pub hits: Vec<String>,
    pub misses: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SignalSet {
    pub defs: Vec<SignalDef>,
    /// Every main pattern in one automaton: one pass over a text says which signals can
    /// hit, so the others are never run (most prose hits nothing).
    prefilter: Option<RegexSet>,
}

/// The signals embedded in the binary (an empty set should the embedded file ever fail,
/// which its tests prevent).
pub fn default_signals() -> &'static SignalSet {
    SIGNALS.get_or_init(embedded)
}

static SIGNALS: OnceLock<SignalSet> = OnceLock::new();

fn embedded() -> SignalSet {
    SignalSet::from_yaml(FILE, DEFAULT).unwrap_or_default()
}

/// The embedded signals extended by `evidence/signals.yaml` of each rule folder, in order:
/// a signal with the id of an earlier one replaces it, new ids are added.
pub fn extended(files: &[(String, String)]) -> Result<SignalSet, Vec<Diagnostic>> {
    let mut defs = embedded().defs;
    let mut errors = Vec::new();
    for (file, text) in files {
        match SignalSet::from_yaml(file, text) {
            Ok(set) => {
                for d in set.defs {
                    match defs.iter_mut().find(|e| e.id == d.id) {
                        Some(e) => *e = d,
                        None => defs.push(d),
                    }
                }
            }
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(SignalSet::with_defs(defs))
    } else {
        Err(errors)
    }
}

/// Use `set` for every scan of this process; `false` if scanning has already begun.
pub fn install(set: SignalSet) -> bool {
    SIGNALS.set(set).is_ok()
}

/// A hit: which signal, and where in the searched text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub signal: usize,
    pub start: usize,
    pub end: usize,
}

impl SignalSet {
    /// Load signals, collecting every error with its position.
    pub fn from_yaml(file: &str, text: &str) -> Result<SignalSet, Vec<Diagnostic>> {
        let root = crate::decide::pack::embedded::parse_yaml(text)
            .map_err(|e| vec![e.diagnostic("evidence.yaml", file)])?;
        let mut errors = Vec::new();
        let mut defs = Vec::new();
        let err = |n: &Node, m: String| {
            Diagnostic::error("evidence.signal", file, n.pos.line, n.pos.column, m)
        };
        let Some(list) = root.get("signals").and_then(Node::as_seq) else {
            return Err(vec![err(&root, "expected a `signals:` list".into())]);
        };
        for entry in list {
            for (k, _) in entry.as_map().unwrap_or(&[]) {
                if let Some(key) = k.as_str()
                    && !KEYS.contains(&key)
                {
                    let mut d = err(k, format!("unknown key `{key}` in a signal"));
                    if let Some(s) = did_you_mean(key, KEYS.iter().copied()) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    errors.push(d);
                }
            }
            let text_of = |key: &str| entry.get(key).and_then(Node::scalar_text);
            let (Some(id), Some(provision), Some(pattern)) =
                (text_of("id"), text_of("provision"), entry.get("pattern"))
            else {
                errors.push(err(
                    entry,
                    "a signal needs `id`, `provision` and `pattern`".into(),
                ));
                continue;
            };
            let case_sensitive = entry
                .get("case_sensitive")
                .is_some_and(|n| n.value == yaml::NodeValue::Bool(true));
            let mut compile = |n: &Node| -> Option<LazyRegex> {
                let src = n.as_str()?;
                let checked = regex_syntax::ParserBuilder::new()
                    .case_insensitive(!case_sensitive)
                    .unicode(false)
                    .utf8(false)
                    .build()
                    .parse(src);
                match checked {
                    Ok(_) => Some(LazyRegex {
                        source: src.to_string(),
                        case_sensitive,
                        compiled: OnceLock::new(),
                    }),
                    Err(e) => {
                        let msg = e.to_string();
                        let last = msg
                            .lines()
                            .rev()
                            .find(|l| !l.trim().is_empty())
                            .unwrap_or("invalid regex")
                            .trim()
                            .to_string();
                        errors.push(err(
                            n,
                            format!("signal `{id}`: invalid regular expression: {last}"),
                        ));
                        None
                    }
                }
            };
            let Some(pattern) = compile(pattern) else {
                continue;
            };
            let near = entry.get("near").and_then(&mut compile);
            let unless = entry.get("unless").and_then(&mut compile);
            let within = match entry.get("within").map(|n| &n.value) {
                Some(yaml::NodeValue::Int(i)) if *i > 0 && *i <= 2000 => *i as usize,
                Some(_) => {
                    errors.push(err(
                        entry,
                        format!(
                            "signal `{id}`: `within` must be a number of characters from 1 to 2000"
                        ),
                    ));
                    200
                }
                None => 200,
            };
            let examples = |key: &str| -> Vec<String> {
                entry
                    .get("tests")
                    .and_then(|t| t.get(key))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::scalar_text)
                    .collect()
            };
            defs.push(SignalDef {
                title: text_of("title").unwrap_or_else(|| id.clone()),
                hits: examples("hit"),
                misses: examples("miss"),
                id,
                provision,
                pattern,
                near,
                unless,
                within,
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SignalSet::with_defs(defs))
    }

    fn with_defs(defs: Vec<SignalDef>) -> SignalSet {
        // Same flags as each pattern (case folding for all: a superset, fine for a gate);
        // should the set fail (size), scanning runs every pattern.
        let prefilter = RegexSetBuilder::new(defs.iter().map(|d| d.pattern.source.as_str()))
            .case_insensitive(true)
            .unicode(false)
            .size_limit(1 << 24)
            .build()
            .ok();
        SignalSet { defs, prefilter }
    }

    /// The `tests:` examples that do not hold (a `hit` the signal misses, a `miss` it
    /// hits), and how many examples were tried.
    pub fn example_failures(&self) -> (Vec<String>, usize) {
        let hits = |text: &str, i: usize| self.scan(text).iter().any(|h| h.signal == i);
        let mut failures = Vec::new();
        let mut tried = 0;
        for (i, d) in self.defs.iter().enumerate() {
            if d.pattern.get().is_none() {
                failures.push(format!(
                    "signal `{}`: its pattern does not compile (too large)",
                    d.id
                ));
                continue;
            }
            for h in &d.hits {
                tried += 1;
                if !hits(h, i) {
                    failures.push(format!("signal `{}` should hit {h:?}", d.id));
                }
            }
            for m in &d.misses {
                tried += 1;
                if hits(m, i) {
                    failures.push(format!("signal `{}` should not hit {m:?}", d.id));
                }
            }
        }
        (failures, tried)
    }

    /// Every guarded hit in a text.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        self.scan_among(text, &self.candidates(text))
    }

    /// The signals whose pattern may match somewhere in `text` (all, without a prefilter).
    fn candidates(&self, text: &str) -> Vec<usize> {
        match &self.prefilter {
            Some(set) => set.matches(text).into_iter().collect(),
            None => (0..self.defs.len()).collect(),
        }
    }

    /// [`SignalSet::scan`] for the given signals only.
    fn scan_among(&self, text: &str, candidates: &[usize]) -> Vec<Hit> {
        let mut out = Vec::new();
        for &i in candidates {
            let Some(d) = self.defs.get(i) else { continue };
            let Some(pattern) = d.pattern.get() else {
                continue;
            };
            for m in pattern.find_iter(text) {
                let window = around(text, m.start(), m.end(), d.within);
                // A guard that cannot be compiled keeps the hit out (never a wrong hit).
                if d.near
                    .as_ref()
                    .is_some_and(|n| n.get().is_none_or(|n| !n.is_match(window)))
                {
                    continue;
                }
                if d.unless
                    .as_ref()
                    .is_some_and(|u| u.get().is_none_or(|u| u.is_match(window)))
                {
                    continue;
                }
                out.push(Hit {
                    signal: i,
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
        out
    }
}

/// The text within `n` characters either side of a match.
fn around(text: &str, start: usize, end: usize, n: usize) -> &str {
    let lo = text[..start]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    let hi = text[end..]
        .char_indices()
        .nth(n)
        .map(|(i, _)| end + i)
        .unwrap_or(text.len());
    &text[lo..hi]
}

/// Scan a parsed document; one fact per signal per file (its first hit), the count in
/// the note. Returns the number of signals that hit.
pub fn scan_document(sink: &mut Sink<'_>, doc: &Document) -> usize {
    let set = default_signals();
    let mut first: Vec<Option<(usize, String)>> = vec![None; set.defs.len()];
    let mut counts = vec![0usize; set.defs.len()];
    // One look at the whole document first: most documents match no pattern at all, and a
    // pattern that matches within a block matches the blocks joined by line breaks (the
    // patterns have no anchors, and a line break is no word character).
    let joined: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
    let candidates = set.candidates(&joined.join("\n"));
    if candidates.is_empty() {
        return 0;
    }
    for b in &doc.blocks {
        for h in set.scan_among(&b.text, &candidates) {
            counts[h.signal] += 1;
            if first[h.signal].is_none() {
                first[h.signal] =
                    Some((b.source_offset(h.start), b.text[h.start..h.end].to_string()));
            }
        }
    }
    let mut n = 0;
    for (i, f) in first.into_iter().enumerate() {
        let Some((offset, matched)) = f else { continue };
        let d = &set.defs[i];
        n += 1;
        let fact = sink.fact(
            &d.provision,
            Value::Bool(true),
            Origin::Signal,
            offset,
            &matched,
        );
        let times = if counts[i] > 1 {
            format!(" (seen {} times in this file; first here)", counts[i])
        } else {
            String::new()
        };
        note(
            fact,
            format!("signal `{}`: {}{times}; to be confirmed", d.id, d.title),
        );
    }
    n
}

/// Documentation prose that is not Markdown-specific (reStructuredText): read as text.
pub fn extract_prose(rel_path: &str, text: &str) -> Extraction {
    let mut sink = Sink::new(rel_path, text);
    let doc = markdown::parse(text, 0);
    scan_document(&mut sink, &doc);
    sink.finish(SourceKind::Prose)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        let set = default_signals();
        let mut v: Vec<String> = set
            .scan(text)
            .into_iter()
            .map(|h| set.defs[h.signal].id.clone())
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn embedded_signals_load_and_their_examples_hold() {
        let set = SignalSet::from_yaml(FILE, DEFAULT).unwrap_or_else(|e| panic!("{e:#?}"));
        assert!(set.defs.len() >= 20);
        assert!(set.prefilter.is_some(), "the prefilter compiles");
        for d in &set.defs {
            // Compiled lazily at run time: every one must compile.
            let guards = d.near.iter().chain(d.unless.iter());
            for p in std::iter::once(&d.pattern).chain(guards) {
                assert!(
                    build(&p.source, p.case_sensitive).is_ok(),
                    "{}: {}",
                    d.id,
                    p.source
                );
            }
        }
        let (failures, tried) = set.example_failures();
        assert!(failures.is_empty(), "{failures:#?}");
        assert!(tried > set.defs.len(), "{tried} examples");
        // A failing example is reported, not passed over.
        let mut broken = set.clone();
        let hit = broken.defs[0].hits[0].clone();
        broken.defs[0].misses.push(hit);
        assert_eq!(broken.example_failures().0.len(), 1);
        let mut seen = std::collections::HashSet::new();
        assert!(
            set.defs.iter().all(|d| seen.insert(d.id.clone())),
            "signal ids are unique"
        );
    }

    #[test]
    fn guards_keep_false_hits_out() {
        assert!(ids("the election was held in May").is_empty());
        assert!(ids("feature_extraction and feature-extraction pipelines").is_empty());
        assert!(ids("resume training from the last checkpoint; evaluate later").is_empty());
        assert!(ids("emotion recognition").contains(&"emotion_recognition".to_string()));
        assert!(
            !ids("emotion recognition").contains(&"emotion_recognition_work_education".to_string())
        );
        assert!(ids("selection of the best candidate model by score").is_empty());
    }

    #[test]
    fn bad_pack_errors_point_at_the_entry() {
        let e = SignalSet::from_yaml(
            "s.yaml",
            "signals:\n  - id: x\n    provision: art50.1\n    pattern: '(unclosed'\n    nera: y\n",
        )
        .unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(
            e.iter()
                .any(|d| d.line == 4 && d.message.contains("invalid regular expression"))
        );
        assert!(
            e.iter()
                .any(|d| d.line == 5 && d.help.as_deref() == Some("did you mean `near`?"))
        );
    }

    #[test]
    fn facts_have_lines() {
        let x = extract_prose(
            "docs/a.rst",
            "Title\n=====\n\nWe rank CVs for hiring managers.\n",
        );
        let f = &x.facts[0];
        assert_eq!(f.id, "annex3.4.a");
        assert_eq!(f.origin, Origin::Signal);
        assert_eq!((f.provenance.line, f.provenance.column), (Some(4), Some(9)));
    }
}
