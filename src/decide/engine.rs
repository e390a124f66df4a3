//! The rules engine: evaluates a pack over one system's facts in three-valued logic and
//! turns the rule values into an outcome (tier, GPAI status, triggers, obligations, open
//! questions), keeping for every decision the facts it rested on.

use super::logic::Tri;
use super::outcome::*;
use super::pack::{
    Area, Condition, DateSpec, Decision, FactTest, FactType, GpaiLevel, Law, Pack, Rule, TierLevel,
};
use crate::facts::{Fact, FactSet, Origin, Provenance, Value};
use jiff::civil::Date;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whether the entry is an AI system or a model on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    System,
    Model,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::System => "system",
            Kind::Model => "model",
        }
    }
}

pub struct Input<'a> {
    pub pack: &'a Pack,
    pub facts: &'a FactSet,
    pub kind: Kind,
    pub as_of: Date,
    pub law: Law,
}

/// The value of a condition plus what it rested on.
#[derive(Debug, Clone)]
struct Ev<'a> {
    v: Tri,
    /// Known facts that decided the value.
    known: BTreeSet<&'a str>,
    /// Unknown facts that kept it unknown, read directly or through `rule:` references.
    missing: BTreeSet<&'a str>,
    /// Unknown facts reached only through `tier:` / `gpai:` references: the rules deciding
    /// those levels ask for them in their own area, so this rule does not claim them.
    level_missing: BTreeSet<&'a str>,
    /// Rules it read.
    rules: BTreeSet<&'a str>,
}

impl<'a> Ev<'a> {
    fn constant(v: Tri) -> Ev<'a> {
        Ev {
            v,
            known: BTreeSet::new(),
            missing: BTreeSet::new(),
            level_missing: BTreeSet::new(),
            rules: BTreeSet::new(),
        }
    }
}

struct Ctx<'a> {
    input: &'a Input<'a>,
    /// Facts that an outcome rested on (for the assumptions worth showing).
    relied: RefCell<BTreeSet<&'a str>>,
    /// Index of each rule in the chosen law text.
    active: HashMap<&'a str, &'a Rule>,
    /// Shared, not cloned: conditions read the same facts many times per system.
    resolved: RefCell<HashMap<String, Option<std::rc::Rc<Fact>>>>,
    memo: RefCell<HashMap<&'a str, Ev<'a>>>,
    extra: &'a FactSet,
}

/// Evaluate a pack for one system.
pub fn evaluate(input: &Input) -> Outcome {
    let (extra, derived) = prepared_facts(input);
    let ctx = Ctx::new(input, &extra);
    ctx.outcome(derived)
}

/// The value of any condition for a fact set (for example a fact's `ask_if`): the
/// questionnaire uses it to set aside answers that a later answer made moot.
pub fn condition_value(input: &Input, cond: &Condition) -> Tri {
    let (extra, _) = prepared_facts(input);
    let ctx = Ctx::new(input, &extra);
    ctx.eval(cond).v
}

/// The value of one rule's condition for a fact set: what `rules test` checks.
pub fn rule_value(input: &Input, rule_id: &str) -> Tri {
    let (extra, _) = prepared_facts(input);
    let ctx = Ctx::new(input, &extra);
    ctx.rule_ev(rule_id).v
}

/// Facts the engine adds to what was stated: derived values and the documented assumptions.
fn prepared_facts(input: &Input) -> (FactSet, Vec<Fact>) {
    let derived = derive_facts(input.facts);
    let mut extra = FactSet::new();
    for f in &derived {
        extra.insert(f.clone());
    }
    if let Some(f) = system_model_assumption(input) {
        extra.insert(f);
    }
    for f in model_purpose_assumptions(input) {
        extra.insert(f);
    }
    (extra, derived)
}

/// An AI system entry that says nothing at all about a model of its own (no general-purpose
/// AI fact stated, not even as `unknown`) is taken not to include a general-purpose AI model
/// provided by the same operator: otherwise every system would be "GPAI undetermined". The
/// assumption is shown in the report, and stating any GPAI fact (or `kind: model`) lifts it.
fn system_model_assumption(input: &Input) -> Option<Fact> {
    const MODEL_FACT: &str = "art3.63";
    if input.kind != Kind::System || input.pack.fact(MODEL_FACT).is_none() {
        return None;
    }
    let mentions_a_model = input
        .facts
        .iter()
        .any(|f| input.pack.fact(&f.id).is_some_and(|d| d.area == Area::Gpai));
    if mentions_a_model {
        return None;
    }
    Some(
        Fact::new(MODEL_FACT, Value::Bool(false), Origin::Assumed, Provenance::default()).with_note(
            "nothing about a model of your own was stated for this AI system; state `art3.63`, training compute or `kind: model` if you also provide a general-purpose AI model",
        ),
    )
}

/// A model on its own (`kind: model`) has no intended purpose of its own: the practices of
/// Art. 5, the high-risk uses of Art. 6 and the transparency duties of Art. 50 concern the AI
/// systems built on it. Their top-level umbrella facts are taken as false unless stated, and
/// shown as assumptions.
fn model_purpose_assumptions(input: &Input) -> Vec<Fact> {
    if input.kind != Kind::Model {
        return Vec::new();
    }
    input
        .pack
        .facts
        .values()
        .filter(|d| d.umbrella && matches!(d.area, Area::Prohibited | Area::HighRisk | Area::Transparency))
        .filter(|d| input.pack.parents_of(&d.id).is_empty())
        .filter(|d| input.facts.get(&d.id).is_none())
        .map(|d| {
            Fact::new(d.id.clone(), Value::Bool(false), Origin::Assumed, Provenance::default())
                .with_note("a model on its own has no intended purpose; this concerns the AI systems built on it")
        })
        .collect()
}

/// Training compute from parameters and tokens (6·N·D), when not stated. The estimate is
/// the usual rule of thumb for dense transformers; the note says so, so a reader can weigh it.
fn derive_facts(facts: &FactSet) -> Vec<Fact> {
    let mut out = Vec::new();
    let known = |id: &str| facts.get(id).filter(|f| !f.value.is_unknown());
    if known("training_flops").is_none()
        && let (Some(p), Some(t)) = (known("parameters"), known("training_tokens"))
        && let (Some(n), Some(d)) = (p.value.as_number(), t.value.as_number())
    {
        let flops = 6.0 * n * d;
        let where_ = |f: &Fact| {
            let loc = f.provenance.location();
            if loc.is_empty() {
                f.origin.as_str().to_string()
            } else {
                loc
            }
        };
        out.push(
            Fact::new("training_flops", Value::Number(flops), Origin::Derived, Provenance::default()).with_note(format!(
                "estimated as 6 x parameters x training tokens = 6 x {} x {} (parameters from {}, tokens from {}); the rule of thumb for dense transformers, not a measured figure",
                crate::facts::value::format_number(n),
                crate::facts::value::format_number(d),
                where_(p),
                where_(t)
            )),
        );
    }
    out
}

/// Whether a rule exists in a text of the law: its `law` field, and a date for that text.
pub fn rule_in_law(pack: &Pack, rule: &Rule, law: Law) -> bool {
    if !rule.law.includes(law) {
        return false;
    }
    match &rule.applies_from {
        None => true,
        Some(spec) => spec_has_law(pack, spec, law),
    }
}

fn spec_has_law(pack: &Pack, spec: &DateSpec, law: Law) -> bool {
    match spec {
        DateSpec::Fixed(_) => true,
        DateSpec::Named(n) => pack
            .dates
            .get(n)
            .is_some_and(|s| spec_has_law(pack, s, law)),
        DateSpec::PerLaw { original, amended } => match law {
            Law::Original => original.is_some(),
            Law::Amended => amended.is_some(),
        },
        DateSpec::Cases(cases) => cases.iter().any(|c| spec_has_law(pack, &c.date, law)),
    }
}

impl<'a> Ctx<'a> {
    fn new(input: &'a Input<'a>, extra: &'a FactSet) -> Ctx<'a> {
        // Rules outside the chosen text of the law do not exist for this run; a model on its
        // own has no risk tier (the systems built on it do).
        let active: HashMap<&str, &Rule> = input
            .pack
            .rules
            .iter()
            .filter(|r| rule_in_law(input.pack, r, input.law))
            .filter(|r| input.kind == Kind::System || !matches!(r.decides, Decision::Tier(_)))
            .map(|r| (r.id.as_str(), r))
            .collect();
        Ctx {
            input,
            relied: RefCell::new(BTreeSet::new()),
            active,
            resolved: RefCell::new(HashMap::new()),
            memo: RefCell::new(HashMap::new()),
            extra,
        }
    }

    fn pack(&self) -> &'a Pack {
        self.input.pack
    }

    /// A fact's value for the engine: stated (not a signal), else a false parent, else the
    /// pack's assumption, else unknown. A fact stated as `unknown` stays unknown.
    fn resolve(&self, id: &str) -> Option<std::rc::Rc<Fact>> {
        if let Some(r) = self.resolved.borrow().get(id) {
            return r.clone();
        }
        let r = self.resolve_uncached(id).map(std::rc::Rc::new);
        self.resolved.borrow_mut().insert(id.to_string(), r.clone());
        r
    }

    fn resolve_uncached(&self, id: &str) -> Option<Fact> {
        let stated = self.input.facts.get(id).or_else(|| self.extra.get(id));
        if let Some(f) = stated {
            return if f.value.is_unknown() {
                None
            } else {
                Some(f.clone())
            };
        }
        let def = self.pack().fact(id)?;
        if def.ty == FactType::Bool {
            for parent in self.pack().parents_of(id) {
                if let Some(pf) = self
                    .input
                    .facts
                    .get(parent)
                    .or_else(|| self.extra.get(parent))
                    && pf.value == Value::Bool(false)
                {
                    let mut f = pf.clone();
                    f.id = id.to_string();
                    f.note = Some(format!("from `{parent}: false`"));
                    return Some(f);
                }
            }
        }
        if def.umbrella {
            // A true child makes its parent true: `annex3.4.a: true` answers "is any Annex III
            // area concerned?".
            let prefix = format!("{id}.");
            if let Some(child) = self.input.facts.iter().find(|f| {
                f.id.starts_with(&prefix)
                    && f.value == Value::Bool(true)
                    && self.pack().fact(&f.id).is_some()
            }) {
                let mut f = child.clone();
                f.note = Some(format!("from `{}: true`", child.id));
                f.id = id.to_string();
                return Some(f);
            }
        }
        def.assume.as_ref().map(|v| {
            Fact::new(id, v.clone(), Origin::Assumed, Provenance::default())
                .with_note("not stated; the rule pack's assumption for a missing answer")
        })
    }

    fn rule_ev(&self, id: &str) -> Ev<'a> {
        // A rule outside the chosen text of the law does not hold.
        let Some((key, rule)) = self.active.get_key_value(id) else {
            return Ev::constant(Tri::False);
        };
        if let Some(ev) = self.memo.borrow().get(key) {
            return ev.clone();
        }
        let mut ev = self.eval(&rule.when);
        ev.rules.insert(key);
        self.memo.borrow_mut().insert(key, ev.clone());
        ev
    }

    fn deciders(&self, pred: impl Fn(&Decision) -> bool) -> Vec<&'a Rule> {
        let mut v: Vec<&Rule> = self
            .active
            .values()
            .copied()
            .filter(|r| pred(&r.decides))
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    fn or_of(&self, rules: &[&'a Rule]) -> Ev<'a> {
        let evs: Vec<Ev<'a>> = rules.iter().map(|r| self.rule_ev(&r.id)).collect();
        combine_any(evs)
    }

    fn eval(&self, c: &'a Condition) -> Ev<'a> {
        match c {
            Condition::Const(b) => Ev::constant(Tri::from_bool(*b)),
            Condition::Fact { id, test } => self.eval_fact(id, test),
            Condition::Role(roles) => {
                let test = FactTest::In(roles.iter().map(|r| Value::Str(r.clone())).collect());
                self.eval_fact("role", &test)
            }
            Condition::Rule(id) => self.rule_ev(id),
            Condition::Tier(t) => {
                level_ev(self.or_of(&self.deciders(|d| *d == Decision::Tier(*t))))
            }
            Condition::Gpai(g) => level_ev(self.or_of(&self.deciders(|d| gpai_matches(*g, d)))),
            Condition::Kind(k) => Ev::constant(Tri::from_bool(self.input.kind == *k)),
            Condition::AsOf(cmp, d) => {
                Ev::constant(Tri::from_bool(cmp.holds(self.input.as_of.cmp(d))))
            }
            Condition::All(cs) => combine_all(cs.iter().map(|c| self.eval(c)).collect()),
            Condition::Any(cs) => combine_any(cs.iter().map(|c| self.eval(c)).collect()),
            Condition::Not(c) => {
                let mut ev = self.eval(c);
                ev.v = !ev.v;
                ev
            }
            Condition::FirstKnown(cs) => {
                let mut out = Ev::constant(Tri::Unknown);
                for c in cs {
                    let ev = self.eval(c);
                    if ev.v != Tri::Unknown {
                        return ev;
                    }
                    out.missing.extend(ev.missing);
                    out.level_missing.extend(ev.level_missing);
                    out.rules.extend(ev.rules);
                }
                out
            }
        }
    }

    fn eval_fact(&self, id: &'a str, test: &FactTest) -> Ev<'a> {
        let fact = self.resolve(id);
        let mut ev = Ev::constant(Tri::Unknown);
        let Some(fact) = fact else {
            if matches!(test, FactTest::Exists) {
                ev.v = Tri::False;
            } else {
                ev.missing.insert(id);
            }
            return ev;
        };
        ev.known.insert(id);
        ev.v = match test {
            FactTest::Exists => Tri::True,
            FactTest::IsTrue => match fact.value {
                Value::Bool(b) => Tri::from_bool(b),
                _ => Tri::Unknown,
            },
            FactTest::Equals(want) => Tri::from_bool(value_matches(&fact.value, want)),
            FactTest::In(wants) => {
                Tri::from_bool(wants.iter().any(|w| value_matches(&fact.value, w)))
            }
            FactTest::Compare(cmp, want) => match (&fact.value, want) {
                (Value::Number(a), Value::Number(b)) => match a.partial_cmp(b) {
                    Some(o) => Tri::from_bool(cmp.holds(o)),
                    None => Tri::Unknown,
                },
                (Value::Date(a), Value::Date(b)) => Tri::from_bool(cmp.holds(a.cmp(b))),
                _ => Tri::Unknown,
            },
        };
        ev
    }

    fn date_of(&self, spec: &'a DateSpec) -> (Option<Date>, BTreeSet<&'a str>) {
        let law = self.input.law;
        match spec {
            DateSpec::Fixed(d) => (Some(*d), BTreeSet::new()),
            DateSpec::Named(n) => match self.pack().dates.get(n) {
                Some(s) => self.date_of(s),
                None => (None, BTreeSet::new()),
            },
            DateSpec::PerLaw { original, amended } => (
                match law {
                    Law::Original => *original,
                    Law::Amended => *amended,
                },
                BTreeSet::new(),
            ),
            DateSpec::Cases(cases) => {
                let mut pending = BTreeSet::new();
                for case in cases {
                    let ev = match &case.when {
                        None => Ev::constant(Tri::True),
                        Some(c) => self.eval(c),
                    };
                    match ev.v {
                        Tri::False => continue,
                        Tri::True => {
                            let (d, more) = self.date_of(&case.date);
                            if d.is_none() {
                                continue;
                            }
                            pending.extend(more);
                            return (d, pending);
                        }
                        Tri::Unknown => {
                            // The date hangs on an answer: report the first candidate and
                            // the facts that would settle it.
                            let (d, more) = self.date_of(&case.date);
                            if d.is_none() {
                                continue;
                            }
                            pending.extend(ev.missing);
                            pending.extend(more);
                            return (d, pending);
                        }
                    }
                }
                (None, pending)
            }
        }
    }

    fn evidence(&self, ev: &Ev) -> Vec<Fact> {
        ev.known
            .iter()
            .filter_map(|id| self.resolve(id).map(|f| (*f).clone()))
            .collect()
    }

    fn trigger(&self, rule: &'a Rule, ev: &Ev) -> Trigger {
        let (applies_from, _) = rule
            .applies_from
            .as_ref()
            .map(|s| self.date_of(s))
            .unwrap_or((None, BTreeSet::new()));
        Trigger {
            id: rule.provision.clone(),
            rule: rule.id.clone(),
            title: rule.title.clone(),
            summary: rule.summary.clone(),
            decides: rule.decides.describe(),
            cites: rule.cites.clone(),
            status: rule.status,
            applies_from,
            in_force: applies_from.is_none_or(|d| d <= self.input.as_of),
            relies_on: ev
                .rules
                .iter()
                .filter(|r| **r != rule.id)
                .map(|r| r.to_string())
                .collect(),
            evidence: self.evidence(ev),
            waived: None,
        }
    }

    fn outcome(&self, derived: Vec<Fact>) -> Outcome {
        let not_ai_rules = self.deciders(|d| *d == Decision::NotAiSystem);
        let scope_rules = self.deciders(|d| *d == Decision::OutOfScope);
        let level_rules = |t: TierLevel| self.deciders(move |d| *d == Decision::Tier(t));
        let not_ai = self.or_of(&not_ai_rules);
        let scope = self.or_of(&scope_rules);
        let levels = [
            TierLevel::Prohibited,
            TierLevel::HighRisk,
            TierLevel::LimitedRisk,
        ];
        let level_evs: Vec<(TierLevel, Ev<'a>)> = levels
            .iter()
            .map(|t| (*t, self.or_of(&level_rules(*t))))
            .collect();

        self.rely(&not_ai);
        self.rely(&scope);
        let mut triggers = Vec::new();
        let mut questions = QuestionSet::default();
        let push_true = |rules: &[&'a Rule], triggers: &mut Vec<Trigger>| {
            for r in rules {
                let ev = self.rule_ev(&r.id);
                if ev.v == Tri::True {
                    self.rely(&ev);
                    if r.report {
                        triggers.push(self.trigger(r, &ev));
                    }
                }
            }
        };
        let ask = |rules: &[&Rule], area: Area, qs: &mut QuestionSet| {
            for r in rules {
                let ev = self.rule_ev(&r.id);
                if ev.v == Tri::Unknown {
                    for f in &ev.missing {
                        qs.add(f, area, &r.id, &r.title);
                    }
                }
            }
        };

        // Out of the Act's reach: the exclusion decides, nothing else is computed.
        let gate = if not_ai.v == Tri::True {
            Some((Tier::NotAiSystem, &not_ai_rules))
        } else if scope.v == Tri::True {
            Some((Tier::OutOfScope, &scope_rules))
        } else {
            None
        };
        if let Some((tier, rules)) = gate {
            push_true(rules, &mut triggers);
            return Outcome {
                tier,
                gpai: Gpai::None,
                triggers,
                obligations: Vec::new(),
                conditional_obligations: Vec::new(),
                open_questions: Vec::new(),
                assumptions: self.assumptions(),
                derived,
            };
        }
        ask(&not_ai_rules, Area::AiSystem, &mut questions);
        ask(&scope_rules, Area::Scope, &mut questions);

        // The headline is the most severe level that holds; levels above it that are
        // unknown become questions (they could raise it).
        let mut tier = None;
        for (t, ev) in &level_evs {
            let rules = level_rules(*t);
            let area = match t {
                TierLevel::Prohibited => Area::Prohibited,
                TierLevel::HighRisk => Area::HighRisk,
                TierLevel::LimitedRisk => Area::Transparency,
            };
            let stacks = *t == TierLevel::LimitedRisk && tier == Some(Tier::HighRisk);
            if tier.is_some() && !stacks {
                continue;
            }
            push_true(&rules, &mut triggers);
            self.rely(ev);
            if ev.v == Tri::Unknown || stacks {
                ask(&rules, area, &mut questions);
            }
            if ev.v == Tri::True && tier.is_none() {
                tier = Some(match t {
                    TierLevel::Prohibited => Tier::Prohibited,
                    TierLevel::HighRisk => Tier::HighRisk,
                    TierLevel::LimitedRisk => Tier::LimitedRisk,
                });
            }
        }
        let tier = match tier {
            Some(t) => t,
            None if self.input.kind == Kind::Model => Tier::MinimalRisk,
            None if level_evs.iter().any(|(_, e)| e.v == Tri::Unknown) => Tier::Undetermined,
            None => Tier::MinimalRisk,
        };

        // Derived results that held (a derogation, a role shift) explain the outcome too.
        let derived_rules = self.deciders(|d| *d == Decision::Derived);
        for r in &derived_rules {
            let ev = self.rule_ev(&r.id);
            if ev.v == Tri::True && tier != Tier::Prohibited && r.report {
                triggers.push(self.trigger(r, &ev));
            }
        }

        // General-purpose AI status, independent of the tier.
        let systemic_rules = self.deciders(|d| *d == Decision::Gpai(GpaiLevel::GpaiSystemicRisk));
        let gpai_rules = self.deciders(|d| *d == Decision::Gpai(GpaiLevel::Gpai));
        let systemic = self.or_of(&systemic_rules);
        let plain = self.or_of(&gpai_rules);
        self.rely(&systemic);
        self.rely(&plain);
        let gpai = if systemic.v == Tri::True {
            push_true(&systemic_rules, &mut triggers);
            Gpai::GpaiSystemicRisk
        } else if plain.v == Tri::True {
            push_true(&gpai_rules, &mut triggers);
            ask(&systemic_rules, Area::Gpai, &mut questions);
            Gpai::Gpai
        } else if systemic.v == Tri::Unknown || plain.v == Tri::Unknown {
            ask(&systemic_rules, Area::Gpai, &mut questions);
            ask(&gpai_rules, Area::Gpai, &mut questions);
            Gpai::Undetermined
        } else {
            Gpai::None
        };

        let (obligations, conditional_obligations): (Vec<Obligation>, Vec<Obligation>) =
            if tier == Tier::Prohibited {
                // A prohibited practice may not be placed on the market at all; listing the
                // duties of lawful operation would mislead.
                (Vec::new(), Vec::new())
            } else {
                self.obligations(&mut questions)
                    .into_iter()
                    .partition(|o| o.status != ObligationStatus::Conditional)
            };

        for s in self.input.facts.signals() {
            questions.signal(s, self);
        }

        Outcome {
            tier,
            gpai,
            triggers,
            obligations,
            conditional_obligations,
            open_questions: questions.finish(self),
            assumptions: self.assumptions(),
            derived,
        }
    }

    fn obligations(&self, questions: &mut QuestionSet) -> Vec<Obligation> {
        let mut by_id: BTreeMap<String, Obligation> = BTreeMap::new();
        let rules = self.deciders(|d| matches!(d, Decision::Obligation(_)));
        for r in rules {
            let Decision::Obligation(oid) = &r.decides else {
                continue;
            };
            let ev = self.rule_ev(&r.id);
            if ev.v == Tri::False {
                continue;
            }
            if ev.v == Tri::True {
                self.rely(&ev);
            }
            let (date, pending) = r
                .applies_from
                .as_ref()
                .map(|s| self.date_of(s))
                .unwrap_or((None, BTreeSet::new()));
            let status = match (ev.v, date) {
                (Tri::Unknown, _) => ObligationStatus::Conditional,
                (_, Some(d)) if d > self.input.as_of => ObligationStatus::NotYetApplicable,
                _ => ObligationStatus::Applies,
            };
            let mut depends: BTreeSet<&str> = if ev.v == Tri::Unknown {
                ev.missing.union(&ev.level_missing).copied().collect()
            } else {
                BTreeSet::new()
            };
            depends.extend(pending.iter().cloned());
            for f in &depends {
                questions.add(f, Area::Obligations, &r.id, &r.title);
            }
            let entry = Obligation {
                id: oid.clone(),
                title: r.title.clone(),
                summary: r.summary.clone(),
                applies_from: date,
                status,
                source_status: r.status,
                cites: r.cites.clone(),
                rules: vec![r.id.clone()],
                depends_on: depends.into_iter().map(String::from).collect(),
                evidence: self.evidence(&ev),
                check: Default::default(),
            };
            match by_id.get_mut(oid) {
                None => {
                    by_id.insert(oid.clone(), entry);
                }
                Some(existing) => merge_obligation(existing, entry),
            }
        }
        let mut list: Vec<Obligation> = by_id.into_values().collect();
        list.sort_by_key(|o| provision_order(&o.id));
        list
    }

    fn rely(&self, ev: &Ev<'a>) {
        self.relied.borrow_mut().extend(ev.known.iter().cloned());
    }

    /// Assumed facts that an outcome rested on: a value the pack assumed for a rule nobody
    /// looked at would only be noise.
    fn assumptions(&self) -> Vec<Fact> {
        let resolved = self.resolved.borrow();
        let relied = self.relied.borrow();
        let mut v: Vec<Fact> = resolved
            .values()
            .flatten()
            .filter(|f| f.origin == Origin::Assumed && relied.contains(f.id.as_str()))
            .map(|f| (**f).clone())
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }
}

/// Sort key for provision ids in the order of the Regulation: `art4` < `art9` < `art10` <
/// `art49.1` < `annex3.4.a` (numbers compare as numbers).
pub fn provision_order(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut num = String::new();
    for c in id.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            if !num.is_empty() || !text.is_empty() {
                key.push((std::mem::take(&mut text), num.parse().unwrap_or(0)));
                num.clear();
            }
            text.push(c);
        }
    }
    key.push((text, num.parse().unwrap_or(0)));
    key
}

/// `{gpai: gpai}` holds for either level; `{gpai: gpai_systemic_risk}` only for that one.
pub(crate) fn gpai_matches(g: GpaiLevel, d: &Decision) -> bool {
    matches!(
        (g, d),
        (GpaiLevel::Gpai, Decision::Gpai(_))
            | (
                GpaiLevel::GpaiSystemicRisk,
                Decision::Gpai(GpaiLevel::GpaiSystemicRisk)
            )
    )
}

/// Two rules giving the same obligation: keep the most binding status, the earliest date.
fn merge_obligation(existing: &mut Obligation, new: Obligation) {
    let better = |o: &Obligation| (o.status, o.applies_from);
    if better(&new) < better(existing) {
        existing.status = new.status;
        existing.applies_from = new.applies_from;
        existing.title = new.title;
        existing.summary = new.summary;
        existing.source_status = new.source_status;
        existing.depends_on = new.depends_on;
    }
    for c in new.cites {
        if !existing.cites.contains(&c) {
            existing.cites.push(c);
        }
    }
    existing.rules.extend(new.rules);
    for e in new.evidence {
        if !existing.evidence.iter().any(|x| x.id == e.id) {
            existing.evidence.push(e);
        }
    }
}

fn value_matches(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::List(items), Value::Str(w)) => items.contains(w),
        (Value::List(items), Value::List(ws)) => ws.iter().any(|w| items.contains(w)),
        (Value::Str(h), Value::List(ws)) => ws.contains(h),
        (Value::Number(a), Value::Number(b)) => a == b,
        (a, b) => a == b,
    }
}

/// The value of a tier or GPAI level read by another rule: its unknowns belong to the level.
fn level_ev(mut ev: Ev<'_>) -> Ev<'_> {
    let direct = std::mem::take(&mut ev.missing);
    ev.level_missing.extend(direct);
    ev
}

fn combine_all(evs: Vec<Ev<'_>>) -> Ev<'_> {
    let mut out = Ev::constant(Tri::True);
    let falses: Vec<&Ev<'_>> = evs.iter().filter(|e| e.v == Tri::False).collect();
    if !falses.is_empty() {
        out.v = Tri::False;
        // One false part is enough to explain; keep them all for the trace.
        for e in falses {
            out.known.extend(e.known.iter().cloned());
            out.rules.extend(e.rules.iter().cloned());
        }
        return out;
    }
    for e in &evs {
        out.v = out.v.and(e.v);
        out.known.extend(e.known.iter().cloned());
        out.missing.extend(e.missing.iter().cloned());
        out.level_missing.extend(e.level_missing.iter().cloned());
        out.rules.extend(e.rules.iter().cloned());
    }
    out
}

fn combine_any(evs: Vec<Ev<'_>>) -> Ev<'_> {
    let mut out = Ev::constant(Tri::False);
    let trues: Vec<&Ev<'_>> = evs.iter().filter(|e| e.v == Tri::True).collect();
    if !trues.is_empty() {
        out.v = Tri::True;
        for e in trues {
            out.known.extend(e.known.iter().cloned());
            out.rules.extend(e.rules.iter().cloned());
        }
        return out;
    }
    for e in &evs {
        out.v = out.v.or(e.v);
        out.known.extend(e.known.iter().cloned());
        out.missing.extend(e.missing.iter().cloned());
        out.level_missing.extend(e.level_missing.iter().cloned());
        out.rules.extend(e.rules.iter().cloned());
    }
    out
}

/// Open questions, each fact once, at the highest impact it has.
#[derive(Default)]
struct QuestionSet {
    /// fact id → (highest impact, rules waiting on it (id, title), signals about it)
    items: BTreeMap<String, QuestionEntry>,
}

type QuestionEntry = (Area, Vec<(String, String)>, Vec<Fact>);

impl QuestionSet {
    fn add(&mut self, fact: &str, area: Area, rule: &str, title: &str) {
        let e = self
            .items
            .entry(fact.to_string())
            .or_insert((area, Vec::new(), Vec::new()));
        if area < e.0 {
            e.0 = area;
        }
        if !e.1.iter().any(|(r, _)| r == rule) {
            e.1.push((rule.to_string(), title.to_string()));
        }
    }

    /// A signal raises its fact as a question when the fact is still unknown.
    fn signal(&mut self, s: &Fact, ctx: &Ctx) {
        let Some(def) = ctx.pack().fact(&s.id) else {
            return;
        };
        if ctx.resolve(&s.id).is_some() {
            return;
        }
        let e = self
            .items
            .entry(s.id.clone())
            .or_insert((def.area, Vec::new(), Vec::new()));
        e.2.push(s.clone());
    }

    fn finish(self, ctx: &Ctx) -> Vec<OpenQuestion> {
        let mut items = self.items;
        // A question whose precondition (`ask_if`) is still unknown waits: its precondition
        // is asked first ("Is it used in employment?" before "Does it rank applicants?").
        loop {
            let mut added = Vec::new();
            for (id, (area, rules, _)) in &items {
                let Some(cond) = ctx.pack().fact(id).and_then(|d| d.ask_if.as_ref()) else {
                    continue;
                };
                let pre = ctx.eval(cond);
                if pre.v != Tri::Unknown {
                    continue;
                }
                for m in pre.missing.iter().chain(pre.level_missing.iter()) {
                    if !items.contains_key(*m) && ctx.pack().fact(m).is_some() {
                        added.push((*m, (*area, rules.clone(), Vec::new())));
                    }
                }
            }
            if added.is_empty() {
                break;
            }
            for (k, v) in added {
                items.entry(k.to_string()).or_insert(v);
            }
        }
        let mut out: Vec<(Area, usize, OpenQuestion)> = Vec::new();
        let asked: BTreeSet<String> = items.keys().cloned().collect();
        // A deferred question hands what the scan saw to the question it waits on, so a hint
        // about `annex3.1.a` is shown beside "Does the system process biometric data?".
        let waits_on = |id: &str| -> Option<String> {
            let cond = ctx.pack().fact(id)?.ask_if.as_ref()?;
            let pre = ctx.eval(cond);
            if pre.v != Tri::Unknown {
                return None;
            }
            pre.missing
                .iter()
                .chain(pre.level_missing.iter())
                .find(|m| asked.contains(**m))
                .map(|m| m.to_string())
        };
        for _ in 0..8 {
            let moves: Vec<(String, String)> = items
                .iter()
                .filter(|(_, e)| !e.2.is_empty())
                .filter_map(|(id, _)| waits_on(id).map(|to| (id.clone(), to)))
                .collect();
            if moves.is_empty() {
                break;
            }
            for (from, to) in moves {
                let moved = items
                    .get_mut(&from)
                    .map(|e| std::mem::take(&mut e.2))
                    .unwrap_or_default();
                if let Some(e) = items.get_mut(&to) {
                    e.2.extend(moved);
                }
            }
        }
        for (id, (area, rules, signals)) in items {
            let Some(def) = ctx.pack().fact(&id) else {
                continue;
            };
            if let Some(cond) = &def.ask_if {
                let pre = ctx.eval(cond);
                let waits = pre
                    .missing
                    .iter()
                    .chain(pre.level_missing.iter())
                    .any(|m| asked.contains(*m));
                if pre.v == Tri::False || (pre.v == Tri::Unknown && waits) {
                    continue;
                }
            }
            let why = if rules.is_empty() {
                "the scan found a hint of it (see signals); a signal never decides by itself"
                    .to_string()
            } else {
                let effect = match area {
                    Area::Scope => "whether the Act applies at all",
                    Area::AiSystem => "whether this is an AI system at all",
                    Area::Role => "which duties are yours",
                    Area::Prohibited => "whether the system is a prohibited practice",
                    Area::HighRisk => "whether the system is high-risk",
                    Area::Transparency => "the transparency duties of Art. 50",
                    Area::Gpai => "the general-purpose AI model status",
                    Area::Obligations => "which obligations apply and from when",
                };
                let names: Vec<String> = rules.iter().take(4).map(|(r, _)| r.clone()).collect();
                let more = if rules.len() > 4 {
                    format!(" and {} more", rules.len() - 4)
                } else {
                    String::new()
                };
                format!("decides {effect} ({}{more})", names.join(", "))
            };
            out.push((
                area,
                def.order,
                OpenQuestion {
                    id: id.clone(),
                    question: def.question.clone(),
                    help: def.help.clone(),
                    impact: area,
                    why,
                    affects: rules.into_iter().map(|(r, _)| r).collect(),
                    signals,
                },
            ));
        }
        out.sort_by(|a, b| (a.0, a.1, &a.2.id).cmp(&(b.0, b.1, &b.2.id)));
        out.into_iter().map(|(_, _, q)| q).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::provision_order;

    #[test]
    fn provisions_sort_in_the_order_of_the_regulation() {
        let mut ids = vec![
            "art10",
            "art9",
            "art49.1",
            "art4",
            "art49.5",
            "art50.4.sub2",
            "art50.1",
            "art5.1.f",
        ];
        ids.sort_by_key(|a| provision_order(a));
        assert_eq!(
            ids,
            [
                "art4",
                "art5.1.f",
                "art9",
                "art10",
                "art49.1",
                "art49.5",
                "art50.1",
                "art50.4.sub2"
            ]
        );
    }
}
