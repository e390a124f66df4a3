//! The rule pack as the engine sees it, after loading and validation.

use crate::decide::index::PackIndex;
use crate::facts::Value;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Which text of the law a run applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Law {
    /// Regulation (EU) 2024/1689 as published.
    Original,
    /// As amended by Regulation (EU) 2026/1744.
    Amended,
}

impl Law {
    pub fn as_str(self) -> &'static str {
        match self {
            Law::Original => "original",
            Law::Amended => "amended",
        }
    }

    pub fn parse(s: &str) -> Option<Law> {
        match s {
            "original" => Some(Law::Original),
            "amended" => Some(Law::Amended),
            _ => None,
        }
    }
}

/// Where something was written: for error messages and `rules explain`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: u64,
    pub column: u64,
}

impl Source {
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    Bool,
    Number,
    Date,
    String,
    Choice,
}

impl FactType {
    pub fn as_str(self) -> &'static str {
        match self {
            FactType::Bool => "bool",
            FactType::Number => "number",
            FactType::Date => "date",
            FactType::String => "string",
            FactType::Choice => "choice",
        }
    }
}

/// The questionnaire's order of areas, also the order of open questions.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Scope,
    AiSystem,
    Role,
    Prohibited,
    HighRisk,
    Transparency,
    Gpai,
    Obligations,
}

impl Area {
    pub const ALL: [(&'static str, Area); 8] = [
        ("scope", Area::Scope),
        ("ai_system", Area::AiSystem),
        ("role", Area::Role),
        ("prohibited", Area::Prohibited),
        ("high_risk", Area::HighRisk),
        ("transparency", Area::Transparency),
        ("gpai", Area::Gpai),
        ("obligations", Area::Obligations),
    ];

    pub fn as_str(self) -> &'static str {
        Area::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map(|(s, _)| *s)
            .unwrap_or("scope")
    }
}

/// One entry of the fact catalogue: what a fact means and how to ask for it.
#[derive(Debug, Clone, Serialize)]
pub struct FactDef {
    pub id: String,
    #[serde(rename = "type")]
    pub ty: FactType,
    pub question: String,
    pub help: String,
    pub cites: Vec<String>,
    pub area: Area,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assume: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask_if: Option<Condition>,
    /// The fact stands for "any of its sub-facts" (`annex3` for every Annex III point): a
    /// false umbrella answers its sub-facts, a true sub-fact makes it true.
    pub umbrella: bool,
    /// Position in the catalogue (file order), for a stable question order.
    #[serde(skip)]
    pub order: usize,
    #[serde(skip)]
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TierLevel {
    Prohibited,
    HighRisk,
    LimitedRisk,
}

impl TierLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            TierLevel::Prohibited => "prohibited",
            TierLevel::HighRisk => "high_risk",
            TierLevel::LimitedRisk => "limited_risk",
        }
    }
    pub fn parse(s: &str) -> Option<TierLevel> {
        match s {
            "prohibited" => Some(TierLevel::Prohibited),
            "high_risk" => Some(TierLevel::HighRisk),
            "limited_risk" => Some(TierLevel::LimitedRisk),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GpaiLevel {
    Gpai,
    GpaiSystemicRisk,
}

impl GpaiLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            GpaiLevel::Gpai => "gpai",
            GpaiLevel::GpaiSystemicRisk => "gpai_systemic_risk",
        }
    }
    pub fn parse(s: &str) -> Option<GpaiLevel> {
        match s {
            "gpai" => Some(GpaiLevel::Gpai),
            "gpai_systemic_risk" => Some(GpaiLevel::GpaiSystemicRisk),
            _ => None,
        }
    }
}

/// What a rule decides when its condition holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    NotAiSystem,
    OutOfScope,
    Tier(TierLevel),
    Gpai(GpaiLevel),
    Obligation(String),
    Derived,
}

impl Decision {
    pub fn describe(&self) -> String {
        match self {
            Decision::NotAiSystem => "not_ai_system".into(),
            Decision::OutOfScope => "out_of_scope".into(),
            Decision::Tier(t) => format!("tier: {}", t.as_str()),
            Decision::Gpai(g) => format!("gpai: {}", g.as_str()),
            Decision::Obligation(o) => format!("obligation: {o}"),
            Decision::Derived => "derived".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cmp {
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Cmp {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Gt => "gt",
            Cmp::Gte => "gte",
            Cmp::Lt => "lt",
            Cmp::Lte => "lte",
        }
    }
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Gt => ord == Greater,
            Cmp::Gte => ord != Less,
            Cmp::Lt => ord == Less,
            Cmp::Lte => ord != Greater,
        }
    }
}

/// A test on one fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactTest {
    IsTrue,
    Equals(Value),
    In(Vec<Value>),
    Compare(Cmp, Value),
    Exists,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Const(bool),
    Fact {
        id: String,
        test: FactTest,
    },
    Role(Vec<String>),
    Rule(String),
    Tier(TierLevel),
    Gpai(GpaiLevel),
    /// Whether the entry is an AI system or a model on its own.
    Kind(crate::decide::engine::Kind),
    AsOf(Cmp, Date),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    FirstKnown(Vec<Condition>),
}

impl Condition {
    /// Visit every sub-condition (pre-order).
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Condition)) {
        f(self);
        match self {
            Condition::All(cs) | Condition::Any(cs) | Condition::FirstKnown(cs) => {
                for c in cs {
                    c.walk(f);
                }
            }
            Condition::Not(c) => c.walk(f),
            _ => {}
        }
    }

    /// A compact one-line rendering, for `rules explain` and reports.
    pub fn render(&self) -> String {
        match self {
            Condition::Const(b) => b.to_string(),
            Condition::Fact { id, test } => match test {
                FactTest::IsTrue => id.clone(),
                FactTest::Equals(v) => format!("{id} = {v}"),
                FactTest::In(vs) => format!(
                    "{id} in [{}]",
                    vs.iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                FactTest::Compare(c, v) => {
                    let op = match c {
                        Cmp::Gt => ">",
                        Cmp::Gte => ">=",
                        Cmp::Lt => "<",
                        Cmp::Lte => "<=",
                    };
                    format!("{id} {op} {v}")
                }
                FactTest::Exists => format!("{id} is known"),
            },
            Condition::Role(r) => format!("role in [{}]", r.join(", ")),
            Condition::Rule(r) => format!("rule {r}"),
            Condition::Tier(t) => format!("tier {}", t.as_str()),
            Condition::Gpai(g) => format!("gpai {}", g.as_str()),
            Condition::Kind(k) => format!("kind {}", k.as_str()),
            Condition::AsOf(c, d) => format!("as_of {} {d}", c.as_str()),
            Condition::All(cs) => format!(
                "all({})",
                cs.iter().map(|c| c.render()).collect::<Vec<_>>().join(", ")
            ),
            Condition::Any(cs) => format!(
                "any({})",
                cs.iter().map(|c| c.render()).collect::<Vec<_>>().join(", ")
            ),
            Condition::Not(c) => format!("not({})", c.render()),
            Condition::FirstKnown(cs) => format!(
                "first_known({})",
                cs.iter().map(|c| c.render()).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// When a rule applies from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSpec {
    /// The same date in every text.
    Fixed(Date),
    /// A named date of the pack (`annex3_chapter3`).
    Named(String),
    /// Per text of the law; a missing text means the rule is not in that text.
    PerLaw {
        original: Option<Date>,
        amended: Option<Date>,
    },
    /// The first case whose condition holds (a case without condition always holds).
    Cases(Vec<DateCase>),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateCase {
    pub when: Option<Condition>,
    pub date: DateSpec,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    Binding,
    Amended,
    Guidance,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Binding => "binding",
            SourceStatus::Amended => "amended",
            SourceStatus::Guidance => "guidance",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LawSel {
    Both,
    Original,
    Amended,
}

impl LawSel {
    pub fn includes(self, law: Law) -> bool {
        match self {
            LawSel::Both => true,
            LawSel::Original => law == Law::Original,
            LawSel::Amended => law == Law::Amended,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            LawSel::Both => "both",
            LawSel::Original => "original",
            LawSel::Amended => "amended",
        }
    }
}

/// A rule's own test case: facts in, expected outcome out.
#[derive(Debug, Clone, Serialize)]
pub struct RuleTest {
    pub name: String,
    pub facts: Vec<(String, Value)>,
    pub kind: Option<String>,
    pub as_of: Option<Date>,
    pub law: Option<Law>,
    pub expect: Option<crate::decide::logic::Tri>,
    pub tier: Option<String>,
    pub gpai: Option<String>,
    pub obligations: Vec<String>,
    pub not_obligations: Vec<String>,
    #[serde(skip)]
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub provision: String,
    pub cites: Vec<String>,
    pub summary: String,
    pub status: SourceStatus,
    pub law: LawSel,
    pub applies_from: Option<DateSpec>,
    pub when: Condition,
    pub decides: Decision,
    pub tests: Vec<RuleTest>,
    /// Whether the rule is shown as a trigger when it holds. Intermediate results (which
    /// route made a system high-risk, who counts as provider) set this to false; they still
    /// appear in the trace of the rules that read them.
    pub report: bool,
    /// Which pack the rule came from (the last pack to define an id wins).
    pub pack: String,
    #[serde(skip)]
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct LawText {
    pub id: Law,
    pub title: String,
    pub in_force: Date,
}

/// A loaded, validated rule pack (the default pack plus any user packs).
#[derive(Debug, Clone, Default)]
pub struct Pack {
    pub name: String,
    pub version: String,
    pub laws: Vec<LawText>,
    pub dates: BTreeMap<String, DateSpec>,
    pub facts: BTreeMap<String, FactDef>,
    /// In load order; ids unique.
    pub rules: Vec<Rule>,
    /// Numbers for the fact and rule ids, built on first use (a pack is not changed once
    /// loaded); see `Pack::index`.
    index: OnceLock<PackIndex>,
}

impl Pack {
    /// The numbering of the pack's ids that the engine evaluates with, built once and then
    /// shared by every system (and thread) evaluated with this pack.
    pub(crate) fn index(&self) -> &PackIndex {
        self.index.get_or_init(|| PackIndex::new(self))
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn fact(&self, id: &str) -> Option<&FactDef> {
        self.facts.get(id)
    }

    pub fn law_text(&self, law: Law) -> Option<&LawText> {
        self.laws.iter().find(|l| l.id == law)
    }

    /// The text in force on a date: the amended text once the amending act is in force.
    pub fn default_law(&self, as_of: Date) -> Law {
        match self.law_text(Law::Amended) {
            Some(t) if as_of >= t.in_force => Law::Amended,
            Some(_) => Law::Original,
            None => Law::Original,
        }
    }

    /// The umbrella facts above a fact (`annex3.4.a` → `annex3.4`, `annex3`).
    pub fn parents_of<'a>(&'a self, id: &'a str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut cur = id;
        while let Some(idx) = cur.rfind('.') {
            cur = &cur[..idx];
            if self.facts.get(cur).is_some_and(|d| d.umbrella) {
                out.push(cur);
            }
        }
        out
    }
}
