//! What the evidence checks find for one obligation. The engine leaves these empty; the
//! check stage fills them, the gate marks waivers, and every renderer reads them.

use serde::Serialize;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceStatus {
    /// Every required section was found.
    Met,
    /// A document was found but required sections are missing (see `missing_sections`).
    Partial,
    /// No document was found.
    Missing,
    /// The obligation applies from a later date; what was found is still listed.
    NotYetApplicable,
    /// An active waiver covers it (see `waived`).
    Waived,
}

impl EvidenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceStatus::Met => "met",
            EvidenceStatus::Partial => "partial",
            EvidenceStatus::Missing => "missing",
            EvidenceStatus::NotYetApplicable => "not_yet_applicable",
            EvidenceStatus::Waived => "waived",
        }
    }
}

/// The evidence fields of an obligation, flattened into it in the JSON report.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct EvidenceCheck {
    /// `null` when no evidence check is defined for the obligation.
    pub evidence_status: Option<EvidenceStatus>,
    /// The documents looked at, found or not, in the order they were tried.
    pub evidence_checked: Vec<EvidenceDoc>,
    /// Required sections that no checked document has.
    pub missing_sections: Vec<MissingSection>,
    /// The waiver that covers this obligation, when one is active.
    pub waived: Option<WaiverMark>,
}

/// One document tried for an evidence kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct EvidenceDoc {
    /// The evidence kind (`technical_documentation`).
    pub kind: String,
    /// Relative to the scanned root, `/`-separated.
    pub path: String,
    pub found: bool,
    /// `manifest` when `aiact.yaml`'s `evidence:` names it, `default` otherwise.
    pub from: String,
    /// False for documents whose sections cannot be read (not Markdown, too large): their
    /// presence counts, their sections are not verified.
    pub sections_checked: bool,
    /// The required sections found in this document.
    pub sections: Vec<FoundSection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FoundSection {
    /// The section id from the catalogue (`annex4.5`).
    pub id: String,
    /// 1-based line of the heading (or front-matter key) that holds it; 0 when unverified.
    pub line: u64,
    /// The heading as written (shortened), or the front-matter key.
    pub heading: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MissingSection {
    pub kind: String,
    pub id: String,
    pub title: String,
    /// Why it does not count when a heading was there (`empty section at line 12`).
    pub note: Option<String>,
}

/// A waiver applied to an obligation or trigger: who accepted what, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WaiverMark {
    pub reason: String,
    pub owner: String,
    /// The last day the waiver holds (YYYY-MM-DD).
    pub expires: String,
    /// Where it is written (`aiact-waivers.yaml:4`).
    pub source: String,
}
