//! The report model: one structure that every renderer (JSON, Markdown, HTML, SARIF, JUnit,
//! terminal) reads, so they can never disagree. Its JSON form is the public contract.

use crate::decide::outcome::{Gpai, Obligation, OpenQuestion, Tier, Trigger};
use crate::diag::Diagnostic;
use crate::facts::Fact;
use crate::gate::model::{GateSummary, WaiverEntry};
use jiff::civil::Date;
use serde::Serialize;

/// Bump the major part when a field changes meaning or disappears.
/// Bump the minor part when fields are added.
pub const SCHEMA_VERSION: &str = "1.2.0";

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: String,
    pub tool: Tool,
    #[schemars(with = "String")]
    pub as_of: Date,
    pub law: LawApplied,
    pub rule_pack: RulePackInfo,
    pub systems: Vec<SystemReport>,
    /// Every evidence file read (model cards, BOMs, package manifests, prose) and what it
    /// yielded, sorted by path.
    pub evidence: Vec<EvidenceFile>,
    /// Problems with the input (files that could not be read or understood).
    pub diagnostics: Vec<Diagnostic>,
    /// The waivers read by `aiact check` (empty for `aiact audit`).
    pub waivers: Vec<WaiverEntry>,
    /// The verdict of `aiact check`; `null` for `aiact audit`.
    pub gate: Option<GateSummary>,
}

/// One evidence file of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EvidenceFile {
    /// Relative to the scanned root.
    pub file: String,
    /// `model_card`, `cyclonedx`, `spdx`, `package_manifest` or `prose`.
    pub kind: String,
    /// The source (manifest or model card) of the system its facts were added to; empty
    /// when no system owns it.
    pub system: String,
    /// What the file yielded, one line each.
    pub summary: Vec<String>,
    /// Facts extracted (signals not counted).
    pub facts: usize,
    /// Signals raised.
    pub signals: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LawApplied {
    /// `original` or `amended`.
    pub text: String,
    pub title: String,
    /// Whether the text was chosen by the user (`--law`) or by the as-of date.
    pub chosen_by: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RulePackInfo {
    pub name: String,
    pub version: String,
    pub rules: usize,
    /// Extra packs given with `--rules`.
    pub extra_packs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SystemReport {
    pub name: String,
    /// The system's folder, relative to the scanned root (`.` for the root).
    pub path: String,
    /// The manifest or model card it was declared in.
    pub source: String,
    pub kind: String,
    pub description: String,
    pub role: Vec<String>,
    pub tier: Tier,
    pub gpai: Gpai,
    pub triggers: Vec<Trigger>,
    /// Obligations that apply to the system, now or from their date.
    pub obligations: Vec<Obligation>,
    /// Obligations that would apply depending on the open questions.
    pub conditional_obligations: Vec<Obligation>,
    pub open_questions: Vec<OpenQuestion>,
    pub assumptions: Vec<Fact>,
    /// Every fact known about the system, with origin and provenance.
    pub facts: Vec<Fact>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingLevel {
    Error,
    Warning,
    Note,
}

/// Something a reviewer should look at that is not itself a classification: a conflict
/// between sources, a signal that needs review.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub code: String,
    pub level: FindingLevel,
    pub message: String,
    pub file: String,
    pub line: u64,
    /// The provision it concerns, when there is one.
    pub provision: Option<String>,
}
