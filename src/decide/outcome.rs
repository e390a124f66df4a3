//! What the engine decides about one system: the data every report renders.

use crate::check::model::{EvidenceCheck, WaiverMark};
use crate::decide::pack::{Area, SourceStatus};
use crate::facts::Fact;
use jiff::civil::Date;
use serde::Serialize;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    NotAiSystem,
    OutOfScope,
    Prohibited,
    HighRisk,
    LimitedRisk,
    MinimalRisk,
    Undetermined,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::NotAiSystem => "not_ai_system",
            Tier::OutOfScope => "out_of_scope",
            Tier::Prohibited => "prohibited",
            Tier::HighRisk => "high_risk",
            Tier::LimitedRisk => "limited_risk",
            Tier::MinimalRisk => "minimal_risk",
            Tier::Undetermined => "undetermined",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Gpai {
    None,
    Gpai,
    GpaiSystemicRisk,
    Undetermined,
}

impl Gpai {
    pub fn as_str(self) -> &'static str {
        match self {
            Gpai::None => "none",
            Gpai::Gpai => "gpai",
            Gpai::GpaiSystemicRisk => "gpai_systemic_risk",
            Gpai::Undetermined => "undetermined",
        }
    }
}

/// A rule that held and decided part of the outcome, with the facts behind it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Trigger {
    /// The provision (`annex3.4.a`).
    pub id: String,
    /// The rule that fired.
    pub rule: String,
    pub title: String,
    pub summary: String,
    /// What it decided (`tier: high_risk`, `out_of_scope`, `derived` ...).
    pub decides: String,
    pub cites: Vec<String>,
    pub status: SourceStatus,
    #[schemars(with = "Option<String>")]
    pub applies_from: Option<Date>,
    /// Whether the provision applies on the as-of date.
    pub in_force: bool,
    /// Other rules this one relied on.
    pub relies_on: Vec<String>,
    pub evidence: Vec<Fact>,
    /// The waiver that covers this trigger, when one is active (set by the gate).
    pub waived: Option<WaiverMark>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObligationStatus {
    /// Applies on the as-of date.
    Applies,
    /// Applies from a later date.
    NotYetApplicable,
    /// Would apply depending on open questions.
    Conditional,
}

impl ObligationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationStatus::Applies => "applies",
            ObligationStatus::NotYetApplicable => "not_yet_applicable",
            ObligationStatus::Conditional => "conditional",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Obligation {
    /// A provision id (`art9`, `art50.1`, `art53.1.a`).
    pub id: String,
    pub title: String,
    pub summary: String,
    #[schemars(with = "Option<String>")]
    pub applies_from: Option<Date>,
    pub status: ObligationStatus,
    pub source_status: SourceStatus,
    pub cites: Vec<String>,
    /// The rules that put it there.
    pub rules: Vec<String>,
    /// For conditional obligations, and dates that hang on an answer: the facts still open.
    pub depends_on: Vec<String>,
    pub evidence: Vec<Fact>,
    /// What the evidence checks found (filled by the check stage, empty before it).
    #[serde(flatten)]
    pub check: EvidenceCheck,
}

/// A fact that is not known and would change an outcome.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OpenQuestion {
    /// The fact id.
    pub id: String,
    pub question: String,
    pub help: String,
    /// What the answer could change.
    pub impact: Area,
    pub why: String,
    /// The rules whose result hangs on it.
    pub affects: Vec<String>,
    /// What the scan saw that bears on it (signals, with file:line).
    pub signals: Vec<Fact>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Outcome {
    pub tier: Tier,
    pub gpai: Gpai,
    pub triggers: Vec<Trigger>,
    /// Obligations that apply (now or from a later date).
    pub obligations: Vec<Obligation>,
    /// Obligations that would apply depending on open questions.
    pub conditional_obligations: Vec<Obligation>,
    pub open_questions: Vec<OpenQuestion>,
    /// Facts the pack assumed because nothing said otherwise.
    pub assumptions: Vec<Fact>,
    /// Facts the engine computed (training compute from parameters and tokens).
    pub derived: Vec<Fact>,
}
