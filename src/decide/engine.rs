//! The rules engine: evaluates a pack over one system's facts in three-valued logic and
//! turns the rule values into an outcome (tier, GPAI status, triggers, obligations, open
//! questions), keeping for every decision the facts it rested on.

use super::index::{Bits, Group, PackIndex};
use super::logic::Tri;
use super::outcome::*;
use super::pack::{
    Area, Condition, DateSpec, Decision, FactDef, FactTest, FactType, GpaiLevel, Law, Pack, Rule,
    TierLevel,
};
use crate::facts::{Fact, FactSet, Origin, Provenance, Value};
use jiff::civil::Date;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

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

/// The value of a condition plus what it rested on. Facts and rules are kept by their
/// numbers (see `index`), so joining the sets of two parts is a word-wise OR.
#[derive(Debug, Clone)]
struct Ev {
    v: Tri,
    /// Known facts that decided the value.
    known: Bits,
    /// Unknown facts that kept it unknown, read directly or through `rule:` references.
    missing: Bits,
    /// Unknown facts reached only through `tier:` / `gpai:` references: the rules deciding
    /// those levels ask for them in their own area, so this rule does not claim them.
    level_missing: Bits,
    /// Rules it read.
    rules: Bits,
}

impl Ev {
    fn constant(v: Tri) -> Ev {
        Ev {
            v,
            known: Bits::default(),
            missing: Bits::default(),
            level_missing: Bits::default(),
            rules: Bits::default(),
        }
    }

    /// Take in every set of another part.
    fn join(&mut self, e: &Ev) {
        self.known.union_with(&e.known);
        self.missing.union_with(&e.missing);
        self.level_missing.union_with(&e.level_missing);
        self.rules.union_with(&e.rules);
    }
}

/// A fact as the engine resolved it. One taken from another fact (a sub-fact answered by
/// its false umbrella, an umbrella by a true sub-fact) is written out as a fact of its own
/// only when a report shows it: evaluating needs only its value.
#[derive(Clone, Copy)]
enum Resolved<'a> {
    /// Stated, or the pack's assumption.
    Fact(&'a Fact),
    /// `id` takes the value of `from`, its false umbrella (`parent`) or a true sub-fact.
    From {
        id: &'a str,
        from: &'a Fact,
        parent: bool,
    },
}

impl<'a> Resolved<'a> {
    fn source(self) -> &'a Fact {
        match self {
            Resolved::Fact(f) | Resolved::From { from: f, .. } => f,
        }
    }

    fn value(self) -> &'a Value {
        &self.source().value
    }

    fn origin(self) -> Origin {
        self.source().origin
    }

    fn to_fact(self) -> Fact {
        match self {
            Resolved::Fact(f) => f.clone(),
            Resolved::From { id, from, parent } => {
                let mut f = from.clone();
                let shown = if parent { "false" } else { "true" };
                f.note = Some(format!("from `{}: {shown}`", from.id));
                f.id = id.to_string();
                f
            }
        }
    }
}

struct Ctx<'a> {
    input: &'a Input<'a>,
    index: &'a PackIndex,
    /// Facts that an outcome rested on (for the assumptions worth showing).
    relied: RefCell<Bits>,
    /// Fact ids outside the pack's catalogue that a condition read, numbered after the
    /// catalogue's facts (a condition not from the pack may name any id).
    foreign: RefCell<Vec<&'a str>>,
    /// The catalogue by fact number, and the stated facts by number: resolving reads a
    /// slot instead of searching maps.
    defs: Vec<&'a FactDef>,
    stated: Vec<Option<&'a Fact>>,
    /// By fact number. Shared, not cloned: conditions read the same facts many times.
    resolved: RefCell<Vec<Option<Option<Resolved<'a>>>>>,
    /// By rule number.
    memo: RefCell<Vec<Option<Ev>>>,
    /// The value of each group of rules taken together, as `tier:` and `gpai:` read it.
    groups: RefCell<[Option<Ev>; Group::COUNT]>,
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
    ctx.rule_ev_of(rule_id).v
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

/// The pack's assumption for a fact nobody stated, as a fact (the same for every system,
/// so the pack's index keeps it).
pub(crate) fn assumed_fact(def: &FactDef) -> Option<Fact> {
    let v = def.assume.as_ref()?;
    let f = Fact::new(
        def.id.as_str(),
        v.clone(),
        Origin::Assumed,
        Provenance::default(),
    );
    Some(f.with_note("not stated; the rule pack's assumption for a missing answer"))
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
        let index = input.pack.index();
        let mut stated = vec![None; index.fact_count()];
        // A stated fact wins over the engine's additions of the same id.
        for f in extra.iter().chain(input.facts.iter()) {
            if let Some(n) = index.fact_number(&f.id) {
                stated[n] = Some(f);
            }
        }
        Ctx {
            input,
            index,
            relied: RefCell::new(Bits::default()),
            foreign: RefCell::new(Vec::new()),
            defs: input.pack.facts.values().collect(),
            stated,
            resolved: RefCell::new(vec![None; index.fact_count()]),
            memo: RefCell::new(vec![None; index.rule_count()]),
            groups: RefCell::new(Default::default()),
            extra,
        }
    }

    fn pack(&self) -> &'a Pack {
        self.input.pack
    }

    fn rule(&self, n: usize) -> &'a Rule {
        self.index.rule(self.input.pack, n)
    }

    /// Rules outside the chosen text of the law do not exist for this run; a model on its
    /// own has no risk tier (the systems built on it do).
    fn active(&self, n: usize) -> bool {
        self.index
            .active(n, self.input.law, self.input.kind == Kind::Model)
    }

    /// The number of a fact id: its place in the catalogue, or a place after the catalogue
    /// for an id it lacks.
    fn fact_number(&self, id: &'a str) -> usize {
        if let Some(n) = self.index.fact_number(id) {
            return n;
        }
        let mut foreign = self.foreign.borrow_mut();
        let pos = match foreign.iter().position(|f| *f == id) {
            Some(pos) => pos,
            None => {
                foreign.push(id);
                foreign.len() - 1
            }
        };
        self.index.fact_count() + pos
    }

    fn fact_id(&self, n: usize) -> &'a str {
        match n.checked_sub(self.index.fact_count()) {
            None => self.index.fact_id(n),
            Some(k) => self.foreign.borrow().get(k).copied().unwrap_or_default(),
        }
    }

    /// The members of a fact set in id order.
    fn in_id_order(&self, set: &Bits) -> Vec<usize> {
        let mut ns: Vec<usize> = set.iter().collect();
        // Numbers follow id order, except foreign ids numbered after the catalogue.
        if !self.foreign.borrow().is_empty() {
            ns.sort_by_key(|n| self.fact_id(*n));
        }
        ns
    }

    /// The fact ids of a set, in id order.
    fn fact_ids(&self, set: &Bits) -> Vec<&'a str> {
        let ns = self.in_id_order(set);
        ns.into_iter().map(|n| self.fact_id(n)).collect()
    }

    /// A fact's value for the engine: stated (not a signal), else a false parent, else the
    /// pack's assumption, else unknown. A fact stated as `unknown` stays unknown.
    fn resolve(&self, n: usize) -> Option<Resolved<'a>> {
        if let Some(Some(r)) = self.resolved.borrow().get(n) {
            return *r;
        }
        let r = self.resolve_uncached(n);
        let mut resolved = self.resolved.borrow_mut();
        if n >= resolved.len() {
            resolved.resize(n + 1, None);
        }
        resolved[n] = Some(r);
        r
    }

    /// The fact as stated (a derived or assumed entry only where nothing was stated).
    fn stated(&self, n: usize) -> Option<&'a Fact> {
        match self.stated.get(n) {
            Some(f) => *f,
            None => {
                let id = self.fact_id(n);
                self.input.facts.get(id).or_else(|| self.extra.get(id))
            }
        }
    }

    fn resolve_uncached(&self, n: usize) -> Option<Resolved<'a>> {
        let id = self.fact_id(n);
        if let Some(f) = self.stated(n) {
            return if f.value.is_unknown() {
                None
            } else {
                Some(Resolved::Fact(f))
            };
        }
        let def = self.defs.get(n)?;
        if def.ty == FactType::Bool {
            for &p in self.index.parents(n) {
                if let Some(from) = self.stated(p)
                    && from.value == Value::Bool(false)
                {
                    return Some(Resolved::From {
                        id,
                        from,
                        parent: true,
                    });
                }
            }
        }
        if def.umbrella {
            // A true child makes its parent true: `annex3.4.a: true` answers "is any Annex III
            // area concerned?".
            let is_child = |c: &str| c.strip_prefix(id).is_some_and(|rest| rest.starts_with('.'));
            if let Some(child) = self.input.facts.starting_with(id).find(|f| {
                is_child(&f.id) && f.value == Value::Bool(true) && self.pack().fact(&f.id).is_some()
            }) {
                return Some(Resolved::From {
                    id,
                    from: child,
                    parent: false,
                });
            }
        }
        self.index.assumed(n).map(Resolved::Fact)
    }

    fn rule_ev(&self, n: usize) -> Ev {
        // A rule outside the chosen text of the law does not hold.
        if !self.active(n) {
            return Ev::constant(Tri::False);
        }
        if let Some(Some(ev)) = self.memo.borrow().get(n) {
            return ev.clone();
        }
        let mut ev = self.eval(&self.rule(n).when);
        ev.rules.insert(n);
        if let Some(slot) = self.memo.borrow_mut().get_mut(n) {
            *slot = Some(ev.clone());
        }
        ev
    }

    /// A rule by id; an id the pack lacks does not hold.
    fn rule_ev_of(&self, id: &str) -> Ev {
        match self.index.rule_number(id) {
            Some(n) => self.rule_ev(n),
            None => Ev::constant(Tri::False),
        }
    }

    /// The active rules of a group, in id order.
    fn deciders(&self, g: Group) -> Vec<usize> {
        let rules = self.index.group(g).iter().copied();
        rules.filter(|n| self.active(*n)).collect()
    }

    /// Whether any rule of a group holds. Kept per run: `tier:` and `gpai:` conditions read
    /// the same groups again and again.
    fn group_ev(&self, g: Group) -> Ev {
        if let Some(ev) = &self.groups.borrow()[g as usize] {
            return ev.clone();
        }
        let ev = combine(
            self.deciders(g).into_iter().map(|n| self.rule_ev(n)),
            Tri::True,
        );
        self.groups.borrow_mut()[g as usize] = Some(ev.clone());
        ev
    }

    fn eval(&self, c: &'a Condition) -> Ev {
        match c {
            Condition::Const(b) => Ev::constant(Tri::from_bool(*b)),
            Condition::Fact { id, test } => {
                let exists = matches!(test, FactTest::Exists);
                self.eval_fact(id, exists, |v| fact_test(v, test))
            }
            Condition::Role(roles) => self.eval_fact("role", false, |v| {
                Tri::from_bool(roles.iter().any(|r| match v {
                    Value::List(items) => items.contains(r),
                    Value::Str(s) => s == r,
                    _ => false,
                }))
            }),
            Condition::Rule(id) => self.rule_ev_of(id),
            Condition::Tier(t) => level_ev(self.group_ev(Group::tier(*t))),
            Condition::Gpai(g) => level_ev(self.group_ev(Group::gpai(*g))),
            Condition::Kind(k) => Ev::constant(Tri::from_bool(self.input.kind == *k)),
            Condition::AsOf(cmp, d) => {
                Ev::constant(Tri::from_bool(cmp.holds(self.input.as_of.cmp(d))))
            }
            Condition::All(cs) => combine(cs.iter().map(|c| self.eval(c)), Tri::False),
            Condition::Any(cs) => combine(cs.iter().map(|c| self.eval(c)), Tri::True),
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
                    out.missing.union_with(&ev.missing);
                    out.level_missing.union_with(&ev.level_missing);
                    out.rules.union_with(&ev.rules);
                }
                out
            }
        }
    }

    /// A test on one fact. `exists` asks only whether the fact is known, so an unknown fact
    /// makes it false rather than missing.
    fn eval_fact(&self, id: &'a str, exists: bool, test: impl FnOnce(&Value) -> Tri) -> Ev {
        let n = self.fact_number(id);
        let mut ev = Ev::constant(Tri::Unknown);
        let Some(fact) = self.resolve(n) else {
            if exists {
                ev.v = Tri::False;
            } else {
                ev.missing.insert(n);
            }
            return ev;
        };
        ev.known.insert(n);
        ev.v = test(fact.value());
        ev
    }

    fn date_of(&self, spec: &'a DateSpec) -> (Option<Date>, Bits) {
        let law = self.input.law;
        match spec {
            DateSpec::Fixed(d) => (Some(*d), Bits::default()),
            DateSpec::Named(n) => match self.pack().dates.get(n) {
                Some(s) => self.date_of(s),
                None => (None, Bits::default()),
            },
            DateSpec::PerLaw { original, amended } => (
                match law {
                    Law::Original => *original,
                    Law::Amended => *amended,
                },
                Bits::default(),
            ),
            DateSpec::Cases(cases) => {
                let mut pending = Bits::default();
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
                            pending.union_with(&more);
                            return (d, pending);
                        }
                        Tri::Unknown => {
                            // The date hangs on an answer: report the first candidate and
                            // the facts that would settle it.
                            let (d, more) = self.date_of(&case.date);
                            if d.is_none() {
                                continue;
                            }
                            pending.union_with(&ev.missing);
                            pending.union_with(&more);
                            return (d, pending);
                        }
                    }
                }
                (None, pending)
            }
        }
    }

    fn evidence(&self, ev: &Ev) -> Vec<Fact> {
        let ns = self.in_id_order(&ev.known);
        ns.into_iter()
            .filter_map(|n| self.resolve(n).map(Resolved::to_fact))
            .collect()
    }

    fn trigger(&self, n: usize, ev: &Ev) -> Trigger {
        let rule = self.rule(n);
        let applies_from = rule.applies_from.as_ref().and_then(|s| self.date_of(s).0);
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
                .filter(|r| *r != n)
                .map(|r| self.rule(r).id.clone())
                .collect(),
            evidence: self.evidence(ev),
            waived: None,
        }
    }

    fn outcome(&self, derived: Vec<Fact>) -> Outcome {
        let not_ai_rules = self.deciders(Group::NotAiSystem);
        let scope_rules = self.deciders(Group::OutOfScope);
        let level_rules = |t: TierLevel| self.deciders(Group::tier(t));
        let not_ai = self.group_ev(Group::NotAiSystem);
        let scope = self.group_ev(Group::OutOfScope);
        let levels = [
            TierLevel::Prohibited,
            TierLevel::HighRisk,
            TierLevel::LimitedRisk,
        ];
        let level_evs: Vec<(TierLevel, Ev)> = levels
            .iter()
            .map(|t| (*t, self.group_ev(Group::tier(*t))))
            .collect();

        self.rely(&not_ai);
        self.rely(&scope);
        let mut triggers = Vec::new();
        let mut questions: QuestionSet<'a> = QuestionSet::default();
        let push_true = |rules: &[usize], triggers: &mut Vec<Trigger>| {
            for &n in rules {
                let ev = self.rule_ev(n);
                if ev.v == Tri::True {
                    self.rely(&ev);
                    if self.rule(n).report {
                        triggers.push(self.trigger(n, &ev));
                    }
                }
            }
        };
        let ask = |rules: &[usize], area: Area, qs: &mut QuestionSet<'a>| {
            for &n in rules {
                let ev = self.rule_ev(n);
                if ev.v == Tri::Unknown {
                    let r = self.rule(n);
                    for f in self.fact_ids(&ev.missing) {
                        qs.add(f, area, &r.id);
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
        for n in self.deciders(Group::Derived) {
            let ev = self.rule_ev(n);
            if ev.v == Tri::True && tier != Tier::Prohibited && self.rule(n).report {
                triggers.push(self.trigger(n, &ev));
            }
        }

        // General-purpose AI status, independent of the tier.
        let systemic_rules = self.deciders(Group::GpaiSystemicRisk);
        let gpai_rules = self.deciders(Group::GpaiPlain);
        let systemic = self.group_ev(Group::GpaiSystemicRisk);
        let plain = self.group_ev(Group::GpaiPlain);
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

    fn obligations(&self, questions: &mut QuestionSet<'a>) -> Vec<Obligation> {
        let mut by_id: BTreeMap<String, Obligation> = BTreeMap::new();
        for n in self.deciders(Group::Obligation) {
            let r = self.rule(n);
            let Decision::Obligation(oid) = &r.decides else {
                continue;
            };
            let ev = self.rule_ev(n);
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
                .unwrap_or_default();
            let status = match (ev.v, date) {
                (Tri::Unknown, _) => ObligationStatus::Conditional,
                (_, Some(d)) if d > self.input.as_of => ObligationStatus::NotYetApplicable,
                _ => ObligationStatus::Applies,
            };
            let mut depends = pending;
            if ev.v == Tri::Unknown {
                depends.union_with(&ev.missing);
                depends.union_with(&ev.level_missing);
            }
            let depends = self.fact_ids(&depends);
            for f in &depends {
                questions.add(f, Area::Obligations, &r.id);
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
        list.sort_by(|a, b| provision_cmp(&a.id, &b.id));
        list
    }

    fn rely(&self, ev: &Ev) {
        self.relied.borrow_mut().union_with(&ev.known);
    }

    /// Assumed facts that an outcome rested on: a value the pack assumed for a rule nobody
    /// looked at would only be noise.
    fn assumptions(&self) -> Vec<Fact> {
        let resolved = self.resolved.borrow();
        let relied = self.relied.borrow();
        // A resolved fact carries the id it was resolved for, so its number is its slot.
        let mut v: Vec<Fact> = resolved
            .iter()
            .enumerate()
            .filter_map(|(n, r)| Some((n, r.as_ref()?.as_ref()?)))
            .filter(|(n, f)| f.origin() == Origin::Assumed && relied.contains(*n))
            .map(|(_, f)| f.to_fact())
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }
}

/// Sort key for provision ids in the order of the Regulation: `art4` < `art9` < `art10` <
/// `art49.1` < `annex3.4.a` (numbers compare as numbers).
pub fn provision_order(id: &str) -> Vec<(String, u64)> {
    provision_parts(id)
        .map(|(text, num)| (text.to_string(), num))
        .collect()
}

/// Two provision ids in the order of `provision_order`, without building the keys.
fn provision_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    provision_parts(a).cmp(provision_parts(b))
}

/// The parts of a provision id: each character that is not a digit with the number right
/// after it (`art49.1` → a, r, t 49, . 1), and a leading number (or an empty id) as a part
/// with no text.
fn provision_parts(id: &str) -> impl Iterator<Item = (&str, u64)> {
    let mut rest = id;
    let mut first = true;
    std::iter::from_fn(move || {
        let digit = |c: char| c.is_ascii_digit();
        let text = if first && (rest.is_empty() || rest.starts_with(digit)) {
            ""
        } else {
            let len = rest.chars().next()?.len_utf8();
            let (text, after) = rest.split_at(len);
            rest = after;
            text
        };
        first = false;
        let digits = rest.len() - rest.trim_start_matches(digit).len();
        let (num, after) = rest.split_at(digits);
        rest = after;
        // A number too large for u64 counts as 0, as it always has.
        Some((text, num.parse().unwrap_or(0)))
    })
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
fn level_ev(mut ev: Ev) -> Ev {
    let direct = std::mem::take(&mut ev.missing);
    ev.level_missing.union_with(&direct);
    ev
}

/// Kleene `all` (`decisive` is false) or `any` (`decisive` is true) of the parts, in order.
/// One decisive part settles the value, and then only the decisive parts explain it (all of
/// them, for the trace); otherwise every part does.
fn combine(parts: impl Iterator<Item = Ev>, decisive: Tri) -> Ev {
    let mut out = Ev::constant(!decisive);
    let mut settled: Option<Ev> = None;
    for e in parts {
        if e.v == decisive {
            let s = settled.get_or_insert_with(|| Ev::constant(decisive));
            s.known.union_with(&e.known);
            s.rules.union_with(&e.rules);
        } else if settled.is_none() {
            // The other parts are the non-decisive value or unknown.
            if e.v == Tri::Unknown {
                out.v = Tri::Unknown;
            }
            out.join(&e);
        }
    }
    settled.unwrap_or(out)
}

/// A test on a known fact's value.
fn fact_test(have: &Value, test: &FactTest) -> Tri {
    match test {
        FactTest::Exists => Tri::True,
        FactTest::IsTrue => match have {
            Value::Bool(b) => Tri::from_bool(*b),
            _ => Tri::Unknown,
        },
        FactTest::Equals(want) => Tri::from_bool(value_matches(have, want)),
        FactTest::In(wants) => Tri::from_bool(wants.iter().any(|w| value_matches(have, w))),
        FactTest::Compare(cmp, want) => match (have, want) {
            (Value::Number(a), Value::Number(b)) => match a.partial_cmp(b) {
                Some(o) => Tri::from_bool(cmp.holds(o)),
                None => Tri::Unknown,
            },
            (Value::Date(a), Value::Date(b)) => Tri::from_bool(cmp.holds(a.cmp(b))),
            _ => Tri::Unknown,
        },
    }
}

/// Open questions, each fact once, at the highest impact it has.
/// Ids are borrowed from the pack and the facts: most questions are set aside or merged,
/// so only the ones reported are copied.
#[derive(Default)]
struct QuestionSet<'a> {
    /// fact id → (highest impact, rules waiting on it, signals about it)
    items: BTreeMap<&'a str, QuestionEntry<'a>>,
}

type QuestionEntry<'a> = (Area, Vec<&'a str>, Vec<Fact>);

impl<'a> QuestionSet<'a> {
    fn add(&mut self, fact: &'a str, area: Area, rule: &'a str) {
        let e = self
            .items
            .entry(fact)
            .or_insert((area, Vec::new(), Vec::new()));
        if area < e.0 {
            e.0 = area;
        }
        if !e.1.contains(&rule) {
            e.1.push(rule);
        }
    }

    /// A signal raises its fact as a question when the fact is still unknown.
    fn signal(&mut self, s: &'a Fact, ctx: &Ctx<'a>) {
        let Some(def) = ctx.pack().fact(&s.id) else {
            return;
        };
        if ctx.resolve(ctx.fact_number(&s.id)).is_some() {
            return;
        }
        let e = self
            .items
            .entry(&s.id)
            .or_insert((def.area, Vec::new(), Vec::new()));
        e.2.push(s.clone());
    }

    fn finish(self, ctx: &Ctx<'a>) -> Vec<OpenQuestion> {
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
                let missing = ctx.fact_ids(&pre.missing);
                for m in missing.into_iter().chain(ctx.fact_ids(&pre.level_missing)) {
                    if !items.contains_key(m) && ctx.pack().fact(m).is_some() {
                        added.push((m, (*area, rules.clone(), Vec::new())));
                    }
                }
            }
            if added.is_empty() {
                break;
            }
            for (k, v) in added {
                items.entry(k).or_insert(v);
            }
        }
        let mut out: Vec<(Area, usize, OpenQuestion)> = Vec::new();
        let asked: BTreeSet<&str> = items.keys().copied().collect();
        // A deferred question hands what the scan saw to the question it waits on, so a hint
        // about `annex3.1.a` is shown beside "Does the system process biometric data?".
        let waits_on = |id: &str| -> Option<&'a str> {
            let cond = ctx.pack().fact(id)?.ask_if.as_ref()?;
            let pre = ctx.eval(cond);
            if pre.v != Tri::Unknown {
                return None;
            }
            let missing = ctx.fact_ids(&pre.missing);
            missing
                .into_iter()
                .chain(ctx.fact_ids(&pre.level_missing))
                .find(|m| asked.contains(*m))
        };
        for _ in 0..8 {
            let moves: Vec<(&str, &str)> = items
                .iter()
                .filter(|(_, e)| !e.2.is_empty())
                .filter_map(|(id, _)| waits_on(id).map(|to| (*id, to)))
                .collect();
            if moves.is_empty() {
                break;
            }
            for (from, to) in moves {
                let moved = items
                    .get_mut(from)
                    .map(|e| std::mem::take(&mut e.2))
                    .unwrap_or_default();
                if let Some(e) = items.get_mut(to) {
                    e.2.extend(moved);
                }
            }
        }
        for (id, (area, rules, signals)) in items {
            let Some(def) = ctx.pack().fact(id) else {
                continue;
            };
            if let Some(cond) = &def.ask_if {
                let pre = ctx.eval(cond);
                let missing = ctx.fact_ids(&pre.missing);
                let waits = missing
                    .into_iter()
                    .chain(ctx.fact_ids(&pre.level_missing))
                    .any(|m| asked.contains(m));
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
                let names = &rules[..rules.len().min(4)];
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
                    id: id.to_string(),
                    question: def.question.clone(),
                    help: def.help.clone(),
                    impact: area,
                    why,
                    affects: rules.into_iter().map(String::from).collect(),
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
