//! The questionnaire's state, without any terminal: the system's evidence, the answers in
//! the order given, and what the engine makes of them. The terminal front end (prompt.rs)
//! and the non-interactive `--answers` path both drive this, so they cannot disagree.
//!
//! The engine does the branching: after every answer the system is evaluated again and the
//! next question is the first open question not answered yet. Questions made moot by an
//! answer drop out of the open questions by themselves (their `ask_if` is false); answers
//! already given to such questions are set aside, so the answers stay consistent.

use super::answers;
use crate::audit::SystemEvidence;
use crate::decide::engine::{self, Input};
use crate::decide::logic::Tri;
use crate::decide::outcome::{OpenQuestion, Outcome};
use crate::decide::pack::{Law, Pack};
use crate::facts::{Fact, FactSet, Origin, Provenance, Value};
use jiff::civil::Date;
use std::collections::BTreeMap;

pub struct Session<'p> {
    pub pack: &'p Pack,
    pub law: Law,
    pub as_of: Date,
    /// Everything known before any answer: the manifest, extracted facts, signals.
    pub system: SystemEvidence,
    /// Where answers are recorded, relative to the scanned root (provenance of answers).
    pub answers_rel: String,
    answers: Vec<(String, Value)>,
    /// Answers made moot by a later change, kept for this run as defaults should the
    /// question come back.
    set_aside: BTreeMap<String, Value>,
    /// Ask again the questions answered "don't know" before.
    revisit_unknown: bool,
    /// Questions answered "don't know" in this run (never asked twice in one run).
    asked_now: Vec<String>,
}

impl<'p> Session<'p> {
    pub fn new(
        pack: &'p Pack,
        law: Law,
        as_of: Date,
        system: SystemEvidence,
        answers_rel: String,
    ) -> Self {
        Session {
            pack,
            law,
            as_of,
            system,
            answers_rel,
            answers: Vec::new(),
            set_aside: BTreeMap::new(),
            revisit_unknown: false,
            asked_now: Vec::new(),
        }
    }

    /// Ask again, in this run, the questions answered "don't know" earlier.
    pub fn revisit_unknown(&mut self, yes: bool) {
        self.revisit_unknown = yes;
    }

    /// Answers given earlier (an answers file), in order. Later values of an id replace
    /// earlier ones. Returns the ids set aside as moot.
    pub fn load(&mut self, facts: impl IntoIterator<Item = Fact>) -> Vec<String> {
        for f in facts {
            self.put(f.id, f.value);
        }
        self.prune()
    }

    pub fn answers(&self) -> &[(String, Value)] {
        &self.answers
    }

    pub fn answer_of(&self, id: &str) -> Option<&Value> {
        self.answers.iter().find(|(i, _)| i == id).map(|(_, v)| v)
    }

    /// The value to offer when a question is asked: the current answer, or one set aside.
    pub fn default_for(&self, id: &str) -> Option<&Value> {
        self.answer_of(id).or_else(|| self.set_aside.get(id))
    }

    /// Record an answer (replacing an earlier one in place) and set aside answers it made
    /// moot. Returns the ids set aside.
    pub fn answer(&mut self, id: &str, value: Value) -> Vec<String> {
        self.set_aside.remove(id);
        if !self.asked_now.iter().any(|a| a == id) {
            self.asked_now.push(id.to_string());
        }
        self.put(id.to_string(), value);
        self.prune()
    }

    fn put(&mut self, id: String, value: Value) {
        match self.answers.iter_mut().find(|(i, _)| *i == id) {
            Some(slot) => slot.1 = value,
            None => self.answers.push((id, value)),
        }
    }

    /// Set aside every answer whose question would no longer be asked (`ask_if` false),
    /// until none is left: an answer set aside can make another moot.
    fn prune(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let facts = self.facts();
            let input = self.input(&facts);
            let moot = self.answers.iter().position(|(id, _)| {
                self.pack
                    .fact(id)
                    .and_then(|d| d.ask_if.as_ref())
                    .is_some_and(|c| engine::condition_value(&input, c) == Tri::False)
            });
            let Some(i) = moot else {
                return out;
            };
            let (id, v) = self.answers.remove(i);
            self.set_aside.insert(id.clone(), v);
            out.push(id);
        }
    }

    fn input<'a>(&'a self, facts: &'a FactSet) -> Input<'a> {
        Input {
            pack: self.pack,
            facts,
            kind: self.system.kind,
            as_of: self.as_of,
            law: self.law,
        }
    }

    /// The text of the answers file for the current answers.
    pub fn render(&self) -> String {
        let about = format!("{} ({})", self.system.name, self.system.source);
        answers::render(&about, &self.answers, self.pack)
    }

    /// The answered facts as `aiact audit` will read them back from the file (same lines).
    fn answered_facts(&self) -> Vec<Fact> {
        let text = self.render();
        let (facts, diags) = answers::parse(&self.answers_rel, &self.answers_rel, &text, self.pack);
        if diags.is_empty() && facts.len() == self.answers.len() {
            return facts;
        }
        // Not expected (render and parse are tested as inverses); keep the values anyway.
        self.answers
            .iter()
            .map(|(id, v)| {
                Fact::new(
                    id,
                    v.clone(),
                    Origin::Answered,
                    Provenance {
                        file: Some(self.answers_rel.clone()),
                        ..Default::default()
                    },
                )
            })
            .collect()
    }

    /// Everything known now: the system's evidence plus the answers.
    pub fn facts(&self) -> FactSet {
        let mut facts = self.system.facts.clone();
        answers::merge(&mut facts, self.answered_facts());
        facts
    }

    pub fn outcome(&self) -> Outcome {
        let facts = self.facts();
        engine::evaluate(&self.input(&facts))
    }

    /// The outcome without any answer: the "before" of the summary.
    pub fn baseline(&self) -> Outcome {
        engine::evaluate(&self.input(&self.system.facts))
    }

    /// Whether an open question still needs asking.
    fn pending(&self, q: &OpenQuestion) -> bool {
        match self.answer_of(&q.id) {
            None => true,
            // "Don't know" keeps a question open; it is asked again only on request, and
            // never twice in one run.
            Some(v) => v.is_unknown() && self.revisit_unknown && !self.asked_now.contains(&q.id),
        }
    }

    /// The next question to ask: the first open question, by impact, not answered yet.
    pub fn next<'o>(&self, out: &'o Outcome) -> Option<&'o OpenQuestion> {
        out.open_questions.iter().find(|q| self.pending(q))
    }

    /// How many open questions are still unanswered (more may open up as answers come).
    pub fn remaining(&self, out: &Outcome) -> usize {
        out.open_questions
            .iter()
            .filter(|q| self.pending(q))
            .count()
    }

    /// Facts already known that bear on a question: the same fact from another source,
    /// its umbrella facts or parts, and the facts its `ask_if` reads.
    pub fn related(&self, id: &str) -> Vec<Fact> {
        let facts = self.facts();
        let mut ids: Vec<String> = self
            .pack
            .parents_of(id)
            .iter()
            .map(|s| s.to_string())
            .collect();
        if let Some(cond) = self.pack.fact(id).and_then(|d| d.ask_if.as_ref()) {
            cond.walk(&mut |c| {
                if let crate::decide::pack::Condition::Fact { id, .. } = c {
                    ids.push(id.clone());
                }
            });
        }
        let prefix = format!("{id}.");
        let mut out: Vec<Fact> = facts
            .iter()
            .filter(|f| f.id == id || f.id.starts_with(&prefix) || ids.contains(&f.id))
            .filter(|f| !f.value.is_unknown())
            .cloned()
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out.dedup_by(|a, b| a.id == b.id);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::engine::Kind;
    use crate::decide::outcome::Tier;
    use crate::decide::pack::default_pack;

    fn system(facts: &[(&str, Value)]) -> SystemEvidence {
        let mut set = FactSet::new();
        for (id, v) in facts {
            set.insert(Fact::new(
                *id,
                v.clone(),
                Origin::Declared,
                Provenance::at("aiact.yaml", 1, 1),
            ));
        }
        SystemEvidence {
            name: "Demo".into(),
            folder: ".".into(),
            source: "aiact.yaml".into(),
            kind: Kind::System,
            description: String::new(),
            facts: set,
            evidence_paths: Vec::new(),
        }
    }

    fn role(r: &str) -> Value {
        Value::List(vec![r.into()])
    }

    /// A provider on the EU market, nothing else answered, as of 2026-12-01.
    fn provider_session(pack: &Pack) -> Session<'_> {
        let as_of = jiff::civil::date(2026, 12, 1);
        Session::new(
            pack,
            pack.default_law(as_of),
            as_of,
            system(&[("role", role("provider")), ("eu_market", Value::Bool(true))]),
            answers::FILE_NAME.into(),
        )
    }

    #[test]
    fn answering_no_to_everything_ends() {
        let pack = default_pack().unwrap_or_else(|e| panic!("{e:?}"));
        let mut s = provider_session(&pack);
        let mut n = 0;
        loop {
            let out = s.outcome();
            let Some(q) = s.next(&out) else { break };
            let def = pack.fact(&q.id).unwrap_or_else(|| panic!("{}", q.id));
            let v = match def.ty {
                crate::decide::pack::FactType::Bool => Value::Bool(q.id == "art3.1"),
                _ => Value::Unknown,
            };
            let id = q.id.clone();
            s.answer(&id, v);
            n += 1;
            assert!(n < 200, "the questionnaire does not end");
        }
        assert_ne!(s.outcome().tier, Tier::Undetermined);
    }

    #[test]
    fn dont_know_is_asked_again_only_on_request_and_once() {
        let pack = default_pack().unwrap_or_else(|e| panic!("{e:?}"));
        let as_of = jiff::civil::date(2026, 12, 1);
        let sys = system(&[("role", role("provider")), ("eu_market", Value::Bool(true))]);
        let mut s = Session::new(
            &pack,
            pack.default_law(as_of),
            as_of,
            sys.clone(),
            "a".into(),
        );
        let first = s
            .next(&s.outcome())
            .map(|q| q.id.clone())
            .unwrap_or_default();
        let saved = vec![Fact::new(
            &first,
            Value::Unknown,
            Origin::Answered,
            Provenance::default(),
        )];
        s.load(saved.clone());
        assert_ne!(
            s.next(&s.outcome()).map(|q| q.id.clone()),
            Some(first.clone())
        );
        let mut again = Session::new(&pack, pack.default_law(as_of), as_of, sys, "a".into());
        again.revisit_unknown(true);
        again.load(saved);
        assert_eq!(
            again.next(&again.outcome()).map(|q| q.id.clone()),
            Some(first.clone())
        );
        again.answer(&first, Value::Unknown);
        assert_ne!(
            again.next(&again.outcome()).map(|q| q.id.clone()),
            Some(first)
        );
    }

    #[test]
    fn changing_an_umbrella_sets_its_parts_aside() {
        let pack = default_pack().unwrap_or_else(|e| panic!("{e:?}"));
        let mut s = provider_session(&pack);
        s.answer("art3.1", Value::Bool(false));
        s.answer("art3.1.e1", Value::Bool(true));
        assert_eq!(s.answers().len(), 2);
        // Saying it is an AI system after all makes the definition's parts moot.
        let aside = s.answer("art3.1", Value::Bool(true));
        assert_eq!(aside, vec!["art3.1.e1".to_string()]);
        assert_eq!(s.answers().len(), 1);
        assert_eq!(s.default_for("art3.1.e1"), Some(&Value::Bool(true)));
    }
}
