//! The gate's policy: which conditions fail it, and the verdict over a checked report.
//!
//! Safe by default: a prohibited practice always fails; an undetermined system fails unless
//! `--allow-undetermined`; missing evidence for an obligation already in force always fails
//! (a waiver with an owner and an expiry is the way to accept a gap); an expired waiver
//! always fails. `--fail-on` adds stricter conditions.

use super::model::{GateFailure, GateSummary, WaiverState};
use crate::check::model::{EvidenceCheck, EvidenceStatus};
use crate::decide::engine::provision_order;
use crate::decide::outcome::{Gpai, ObligationStatus, Tier};
use crate::decide::pack::Area;
use crate::report::{Report, SystemReport};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Condition {
    /// A prohibited practice (Art. 5). Always on.
    Prohibited,
    /// The tier or general-purpose AI status is undetermined, or a prohibited practice is
    /// not yet ruled out. On unless `--allow-undetermined`.
    Undetermined,
    /// Evidence missing or incomplete for an obligation that applies on the as-of date. Always on.
    MissingEvidence,
    /// Evidence missing or incomplete for an obligation that applies later, or may apply.
    UpcomingEvidence,
    /// A high-risk system (unless every high-risk trigger is waived).
    HighRisk,
    /// Anything to review: all of the above but high-risk, every finding, open question and
    /// input warning.
    AnyFinding,
}

impl Condition {
    pub const ALL: [Condition; 6] = [
        Condition::Prohibited,
        Condition::Undetermined,
        Condition::MissingEvidence,
        Condition::UpcomingEvidence,
        Condition::HighRisk,
        Condition::AnyFinding,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Prohibited => "prohibited",
            Condition::Undetermined => "undetermined",
            Condition::MissingEvidence => "missing-evidence",
            Condition::UpcomingEvidence => "upcoming-evidence",
            Condition::HighRisk => "high-risk",
            Condition::AnyFinding => "any-finding",
        }
    }

    pub fn parse(s: &str) -> Option<Condition> {
        Condition::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Failures that are not a condition a user can choose.
pub const WAIVER_EXPIRED: &str = "waiver-expired";
pub const INPUT_ERROR: &str = "input-error";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub fail_on: BTreeSet<Condition>,
}

impl Policy {
    /// The defaults plus the user's `--fail-on`, less undetermined when allowed. Asking for
    /// `undetermined` and allowing it at once is a contradiction the caller reports.
    pub fn new(extra: &[Condition], allow_undetermined: bool) -> Result<Policy, String> {
        if allow_undetermined && extra.contains(&Condition::Undetermined) {
            return Err(
                "`--fail-on undetermined` and `--allow-undetermined` contradict each other".into(),
            );
        }
        let mut fail_on: BTreeSet<Condition> = [
            Condition::Prohibited,
            Condition::Undetermined,
            Condition::MissingEvidence,
        ]
        .into_iter()
        .collect();
        fail_on.extend(extra.iter().copied());
        if fail_on.contains(&Condition::AnyFinding) {
            fail_on.insert(Condition::UpcomingEvidence);
        }
        if allow_undetermined {
            fail_on.remove(&Condition::Undetermined);
        }
        Ok(Policy { fail_on })
    }

    fn on(&self, c: Condition) -> bool {
        self.fail_on.contains(&c)
    }
}

/// A gap in the documents, whatever the obligation's date: a required section missing, or
/// no document at all.
fn has_gap(c: &EvidenceCheck) -> bool {
    c.evidence_status.is_some()
        && (!c.missing_sections.is_empty() || !c.evidence_checked.iter().any(|d| d.found))
}

/// Judge a checked (and waiver-marked) report.
pub fn evaluate(report: &Report, policy: &Policy) -> GateSummary {
    let mut failures = Vec::new();
    for s in &report.systems {
        system_failures(s, policy, &mut failures);
    }
    for w in report
        .waivers
        .iter()
        .filter(|w| w.status == WaiverState::Expired)
    {
        failures.push(GateFailure {
            path: String::new(),
            system: w.system.clone(),
            condition: WAIVER_EXPIRED.into(),
            id: Some(w.id.clone()),
            message: format!(
                "the waiver for `{}` on `{}` ({}, owner {}) expired on {}: renew it or fix the gap",
                w.id, w.system, w.source, w.owner, w.expires
            ),
        });
    }
    // A manifest that could not be read is a system that was not checked: never a pass.
    for d in report.diagnostics.iter().filter(|d| d.is_error()) {
        failures.push(GateFailure {
            path: String::new(),
            system: String::new(),
            condition: INPUT_ERROR.into(),
            id: Some(d.code.clone()),
            message: d.to_string(),
        });
    }
    if policy.on(Condition::AnyFinding) {
        for d in report.diagnostics.iter().filter(|d| !d.is_error()) {
            failures.push(GateFailure {
                path: String::new(),
                system: String::new(),
                condition: Condition::AnyFinding.as_str().into(),
                id: Some(d.code.clone()),
                message: d.to_string(),
            });
        }
    }
    // Per system, in the order of the Regulation (`art9` before `art10`).
    failures.sort_by(|a, b| {
        // Conditions in order of severity (the order of `Condition`), then the others.
        let rank = |c: &str| {
            Condition::ALL
                .iter()
                .position(|x| x.as_str() == c)
                .unwrap_or(Condition::ALL.len())
        };
        let key = |f: &GateFailure| {
            (
                f.path.clone(),
                f.system.clone(),
                rank(&f.condition),
                f.condition.clone(),
                f.id.as_deref().map(provision_order),
                f.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    failures.dedup();
    GateSummary {
        passed: failures.is_empty(),
        fail_on: policy
            .fail_on
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        failures,
    }
}

fn system_failures(s: &SystemReport, policy: &Policy, out: &mut Vec<GateFailure>) {
    let mut fail = |c: &str, id: Option<&str>, message: String| {
        out.push(GateFailure {
            path: s.path.clone(),
            system: s.name.clone(),
            condition: c.to_string(),
            id: id.map(str::to_string),
            message,
        });
    };
    if s.tier == Tier::Prohibited {
        let ids: Vec<&str> = s
            .triggers
            .iter()
            .filter(|t| t.decides == "tier: prohibited")
            .map(|t| t.id.as_str())
            .collect();
        fail(
            Condition::Prohibited.as_str(),
            ids.first().copied(),
            format!(
                "{}: a prohibited practice may not be placed on the market or used",
                ids.join(", ")
            ),
        );
    }
    if policy.on(Condition::Undetermined) {
        let questions = |area: Option<Area>| -> String {
            let ids: Vec<&str> = s
                .open_questions
                .iter()
                .filter(|q| area.is_none_or(|a| q.impact == a))
                .map(|q| q.id.as_str())
                .take(5)
                .collect();
            if ids.is_empty() {
                String::new()
            } else {
                format!("; answer {}", ids.join(", "))
            }
        };
        if s.tier == Tier::Undetermined {
            fail(
                Condition::Undetermined.as_str(),
                None,
                format!("tier undetermined{}", questions(None)),
            );
        } else if s.tier != Tier::Prohibited
            && s.open_questions
                .iter()
                .any(|q| q.impact == Area::Prohibited)
        {
            fail(
                Condition::Undetermined.as_str(),
                None,
                format!(
                    "a prohibited practice is not ruled out{}",
                    questions(Some(Area::Prohibited))
                ),
            );
        }
        if s.gpai == Gpai::Undetermined {
            fail(
                Condition::Undetermined.as_str(),
                None,
                format!(
                    "general-purpose AI status undetermined{}",
                    questions(Some(Area::Gpai))
                ),
            );
        }
    }
    for o in s.obligations.iter().chain(&s.conditional_obligations) {
        if o.check.waived.is_some() {
            continue;
        }
        let gap = has_gap(&o.check);
        let in_force = o.status == ObligationStatus::Applies;
        let what = || {
            let status = o.check.evidence_status.map(|e| e.as_str()).unwrap_or("");
            let mut m = match o.check.evidence_status {
                Some(EvidenceStatus::Missing) => "no document found".to_string(),
                _ if !o.check.evidence_checked.iter().any(|d| d.found) => {
                    "no document found".to_string()
                }
                _ => {
                    let ids: Vec<&str> = o
                        .check
                        .missing_sections
                        .iter()
                        .map(|m| m.id.as_str())
                        .collect();
                    format!("missing sections {}", ids.join(", "))
                }
            };
            if status == "not_yet_applicable" || o.status == ObligationStatus::Conditional {
                let when = o
                    .applies_from
                    .map(|d| format!(" from {d}"))
                    .unwrap_or_default();
                m.push_str(&format!(
                    " (applies{when}, {})",
                    o.status.as_str().replace('_', " ")
                ));
            }
            m
        };
        if gap && in_force && policy.on(Condition::MissingEvidence) {
            fail(
                Condition::MissingEvidence.as_str(),
                Some(&o.id),
                format!("{}: {}", o.id, what()),
            );
        } else if gap && !in_force && policy.on(Condition::UpcomingEvidence) {
            fail(
                Condition::UpcomingEvidence.as_str(),
                Some(&o.id),
                format!("{}: {}", o.id, what()),
            );
        }
    }
    if policy.on(Condition::HighRisk) && s.tier == Tier::HighRisk {
        let open: Vec<&str> = s
            .triggers
            .iter()
            .filter(|t| t.decides == "tier: high_risk" && t.waived.is_none())
            .map(|t| t.id.as_str())
            .collect();
        if !open.is_empty() {
            fail(
                Condition::HighRisk.as_str(),
                open.first().copied(),
                open.join(", "),
            );
        }
    }
    if policy.on(Condition::AnyFinding) {
        for f in &s.findings {
            fail(
                Condition::AnyFinding.as_str(),
                Some(&f.code),
                format!("{}: {}", f.code, f.message),
            );
        }
        for q in &s.open_questions {
            fail(
                Condition::AnyFinding.as_str(),
                Some(&q.id),
                format!("open question `{}`: {}", q.id, q.question),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_safe_and_fail_on_adds() {
        let p = Policy::new(&[], false).unwrap();
        let on: Vec<&str> = p.fail_on.iter().map(|c| c.as_str()).collect();
        assert_eq!(on, ["prohibited", "undetermined", "missing-evidence"]);
        let p = Policy::new(&[Condition::HighRisk], true).unwrap();
        let on: Vec<&str> = p.fail_on.iter().map(|c| c.as_str()).collect();
        assert_eq!(on, ["prohibited", "missing-evidence", "high-risk"]);
        assert!(Policy::new(&[Condition::Undetermined], true).is_err());
        for c in Condition::ALL {
            assert_eq!(Condition::parse(c.as_str()), Some(c));
        }
    }
}
