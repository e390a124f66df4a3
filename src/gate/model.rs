//! What the gate adds to the report: the waivers read (active or expired, and what each
//! covered) and the gate's verdict with every reason it failed.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaiverState {
    /// Holds on the as-of date.
    Active,
    /// Its expiry date is before the as-of date: it covers nothing and fails the gate.
    Expired,
}

impl WaiverState {
    pub fn as_str(self) -> &'static str {
        match self {
            WaiverState::Active => "active",
            WaiverState::Expired => "expired",
        }
    }
}

/// One waiver from the waiver file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WaiverEntry {
    /// The rule, provision or obligation id it covers (`art11`, `obl.art11.provider`).
    pub id: String,
    /// The system it covers: its name or its folder.
    pub system: String,
    pub reason: String,
    pub owner: String,
    /// The last day it holds (YYYY-MM-DD).
    pub expires: String,
    pub status: WaiverState,
    /// Where it is written (`aiact-waivers.yaml:4`).
    pub source: String,
    /// What it covered (`HireRank: obligation art11`); empty when it matched nothing.
    pub applied_to: Vec<String>,
}

/// The verdict of `aiact check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GateSummary {
    pub passed: bool,
    /// The conditions that fail it (`prohibited`, `undetermined`, `missing-evidence` ...).
    pub fail_on: Vec<String>,
    pub failures: Vec<GateFailure>,
}

/// One reason the gate failed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct GateFailure {
    /// The system's folder (empty for a failure of the waiver file itself).
    pub path: String,
    /// The system's name.
    pub system: String,
    /// The condition that failed (`prohibited`, `missing-evidence`, `waiver-expired` ...).
    pub condition: String,
    /// The provision, obligation or rule concerned, when there is one.
    pub id: Option<String>,
    pub message: String,
}
