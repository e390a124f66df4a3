//! Diff: what a change does to the audit. Two checked reports in, per system what changed
//! in tier, general-purpose AI status, obligations (and their evidence) and open questions
//! out, rendered as Markdown for a pull-request comment. `revision` materialises a git
//! revision to audit without touching the user's working tree.

pub mod revision;

use crate::check::model::EvidenceStatus;
use crate::decide::engine::provision_order;
use crate::decide::outcome::Obligation;
use crate::report::{Report, SystemReport};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone)]
pub struct SystemDiff {
    pub name: String,
    pub path: String,
    pub change: Change,
    pub tier: (Option<String>, Option<String>),
    pub gpai: (Option<String>, Option<String>),
    /// Obligations only in head: id, title, status, evidence status.
    pub obligations_added: Vec<(String, String, String, Option<String>)>,
    pub obligations_removed: Vec<(String, String)>,
    /// id, what changed (`status applies → not yet applicable`, `evidence partial → met`).
    pub obligations_changed: Vec<(String, String)>,
    /// Open questions raised in head, and those no longer open.
    pub questions_added: Vec<(String, String)>,
    pub questions_resolved: Vec<String>,
    /// The provisions that decided the head's tier, for context.
    pub head_triggers: Vec<String>,
}

impl SystemDiff {
    pub fn is_empty(&self) -> bool {
        self.change == Change::Changed
            && self.tier.0 == self.tier.1
            && self.gpai.0 == self.gpai.1
            && self.obligations_added.is_empty()
            && self.obligations_removed.is_empty()
            && self.obligations_changed.is_empty()
            && self.questions_added.is_empty()
            && self.questions_resolved.is_empty()
    }
}

/// Systems are matched by their manifest path: a moved manifest is a removal and an addition.
pub fn compare(base: &Report, head: &Report) -> Vec<SystemDiff> {
    let index = |r: &Report| -> BTreeMap<String, SystemReport> {
        r.systems
            .iter()
            .map(|s| (s.source.clone(), s.clone()))
            .collect()
    };
    let (b, h) = (index(base), index(head));
    let keys: BTreeSet<&String> = b.keys().chain(h.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let d = system_diff(b.get(k), h.get(k));
        if let Some(d) = d.filter(|d| !d.is_empty()) {
            out.push(d);
        }
    }
    out
}

fn evidence(o: &Obligation) -> Option<String> {
    o.check
        .evidence_status
        .map(|e| e.as_str().replace('_', " "))
}

fn system_diff(b: Option<&SystemReport>, h: Option<&SystemReport>) -> Option<SystemDiff> {
    let any = h.or(b)?;
    let change = match (b, h) {
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        _ => Change::Changed,
    };
    let obl = |s: Option<&SystemReport>| -> BTreeMap<String, Obligation> {
        s.map(|s| {
            s.obligations
                .iter()
                .chain(&s.conditional_obligations)
                .map(|o| (o.id.clone(), o.clone()))
                .collect()
        })
        .unwrap_or_default()
    };
    let (bo, ho) = (obl(b), obl(h));
    let mut ids: Vec<&String> = ho.keys().collect();
    ids.sort_by_key(|a| provision_order(a));
    let mut d = SystemDiff {
        name: any.name.clone(),
        path: any.path.clone(),
        change,
        tier: (
            b.map(|s| s.tier.as_str().to_string()),
            h.map(|s| s.tier.as_str().to_string()),
        ),
        gpai: (
            b.map(|s| s.gpai.as_str().to_string()),
            h.map(|s| s.gpai.as_str().to_string()),
        ),
        obligations_added: Vec::new(),
        obligations_removed: Vec::new(),
        obligations_changed: Vec::new(),
        questions_added: Vec::new(),
        questions_resolved: Vec::new(),
        head_triggers: h
            .map(|s| {
                s.triggers
                    .iter()
                    .filter(|t| t.decides.starts_with("tier:"))
                    .map(|t| t.id.clone())
                    .collect()
            })
            .unwrap_or_default(),
    };
    for id in ids {
        let Some(o) = ho.get(id) else { continue };
        match bo.get(id) {
            None => d.obligations_added.push((
                id.clone(),
                o.title.clone(),
                o.status.as_str().replace('_', " "),
                evidence(o),
            )),
            Some(old) => {
                let mut what = Vec::new();
                if old.status != o.status {
                    let ev = match (
                        old.check.evidence_status == o.check.evidence_status,
                        evidence(o),
                    ) {
                        (true, Some(e)) => format!(" (evidence {e})"),
                        _ => String::new(),
                    };
                    what.push(format!(
                        "status {} → {}{ev}",
                        old.status.as_str().replace('_', " "),
                        o.status.as_str().replace('_', " ")
                    ));
                }
                if old.applies_from != o.applies_from {
                    let show = |d: Option<jiff::civil::Date>| {
                        d.map(|d| d.to_string()).unwrap_or_else(|| "none".into())
                    };
                    what.push(format!(
                        "applies from {} → {}",
                        show(old.applies_from),
                        show(o.applies_from)
                    ));
                }
                if old.check.evidence_status != o.check.evidence_status {
                    let show = |e: Option<EvidenceStatus>| {
                        e.map(|e| e.as_str().replace('_', " "))
                            .unwrap_or_else(|| "not checked".into())
                    };
                    what.push(format!(
                        "evidence {} → {}",
                        show(old.check.evidence_status),
                        show(o.check.evidence_status)
                    ));
                }
                let sections = |o: &Obligation| -> BTreeSet<String> {
                    o.check
                        .missing_sections
                        .iter()
                        .map(|m| m.id.clone())
                        .collect()
                };
                let (om, nm) = (sections(old), sections(o));
                let fixed: Vec<&String> = om.difference(&nm).collect();
                let broke: Vec<&String> = nm.difference(&om).collect();
                if !fixed.is_empty() && old.check.evidence_status == o.check.evidence_status {
                    what.push(format!(
                        "sections added: {}",
                        fixed
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if !broke.is_empty() && old.check.evidence_status == o.check.evidence_status {
                    what.push(format!(
                        "sections now missing: {}",
                        broke
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                if old.check.waived.is_some() != o.check.waived.is_some() {
                    what.push(if o.check.waived.is_some() {
                        "now waived".into()
                    } else {
                        "no longer waived".into()
                    });
                }
                if !what.is_empty() {
                    d.obligations_changed.push((id.clone(), what.join("; ")));
                }
            }
        }
    }
    for (id, o) in &bo {
        if !ho.contains_key(id) {
            d.obligations_removed.push((id.clone(), o.title.clone()));
        }
    }
    d.obligations_removed.sort_by_key(|a| provision_order(&a.0));
    let qs = |s: Option<&SystemReport>| -> BTreeMap<String, String> {
        s.map(|s| {
            s.open_questions
                .iter()
                .map(|q| (q.id.clone(), q.question.clone()))
                .collect()
        })
        .unwrap_or_default()
    };
    let (bq, hq) = (qs(b), qs(h));
    for (id, q) in &hq {
        if !bq.contains_key(id) {
            d.questions_added.push((id.clone(), q.clone()));
        }
    }
    for id in bq.keys() {
        if !hq.contains_key(id) {
            d.questions_resolved.push(id.clone());
        }
    }
    Some(d)
}

/// Text from a scanned file inside Markdown: no line breaks, pipes or HTML that would change
/// the comment's structure.
fn md(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

fn arrow(pair: &(Option<String>, Option<String>)) -> String {
    match pair {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} → **{b}**"),
        (None, Some(b)) => format!("**{b}** (new)"),
        (Some(a), None) => format!("~~{a}~~ (removed)"),
        (None, None) => String::new(),
    }
}

/// The pull-request comment.
pub fn markdown(base_label: &str, head_label: &str, head: &Report, diffs: &[SystemDiff]) -> String {
    let mut s = String::new();
    s.push_str("## aiact: EU AI Act impact of this change\n\n");
    let _ = writeln!(
        s,
        "Compared `{}` → `{}`, assessed on {} under the {} text.\n",
        md(base_label),
        md(head_label),
        head.as_of,
        head.law.text
    );
    if diffs.is_empty() {
        s.push_str("No change in any system's tier, general-purpose AI status, obligations or open questions.\n");
        return s;
    }
    s.push_str("| System | Change | Tier | General-purpose AI | Obligations | Open questions |\n|---|---|---|---|---|---|\n");
    for d in diffs {
        let change = match d.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        };
        let _ = writeln!(
            s,
            "| {} (`{}`) | {change} | {} | {} | +{} −{} ~{} | +{} −{} |",
            md(&d.name),
            md(&d.path),
            arrow(&d.tier),
            arrow(&d.gpai),
            d.obligations_added.len(),
            d.obligations_removed.len(),
            d.obligations_changed.len(),
            d.questions_added.len(),
            d.questions_resolved.len()
        );
    }
    for d in diffs {
        let _ = writeln!(s, "\n### {} (`{}`)\n", md(&d.name), md(&d.path));
        if d.change == Change::Removed {
            let _ = writeln!(
                s,
                "- Removed: its manifest is gone (was {}).",
                arrow(&(d.tier.0.clone(), d.tier.0.clone()))
            );
            continue;
        }
        if d.tier.0 != d.tier.1 {
            let why = if d.head_triggers.is_empty() {
                String::new()
            } else {
                format!(
                    " (decided by {})",
                    d.head_triggers
                        .iter()
                        .map(|t| format!("`{}`", md(t)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let _ = writeln!(s, "- Tier: {}{why}", arrow(&d.tier));
        }
        if d.gpai.0 != d.gpai.1 {
            let _ = writeln!(s, "- General-purpose AI: {}", arrow(&d.gpai));
        }
        for (id, title, status, ev) in &d.obligations_added {
            let ev = ev
                .as_ref()
                .map(|e| format!(", evidence {e}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "- New obligation `{}`: {} ({status}{ev})",
                md(id),
                md(title)
            );
        }
        for (id, title) in &d.obligations_removed {
            let _ = writeln!(
                s,
                "- Obligation no longer applies: `{}` {}",
                md(id),
                md(title)
            );
        }
        // Obligations that changed the same way share a line (a tier change moves many).
        let mut by_change: Vec<(&str, Vec<&str>)> = Vec::new();
        for (id, what) in &d.obligations_changed {
            match by_change.iter_mut().find(|(w, _)| *w == what.as_str()) {
                Some((_, ids)) => ids.push(id),
                None => by_change.push((what, vec![id])),
            }
        }
        for (what, ids) in by_change {
            let list: Vec<String> = ids.iter().map(|i| format!("`{}`", md(i))).collect();
            let noun = if ids.len() == 1 {
                "Obligation"
            } else {
                "Obligations"
            };
            let _ = writeln!(s, "- {noun} {}: {}", list.join(", "), md(what));
        }
        if !d.questions_added.is_empty() {
            // Ids only: the full questions are in the audit report.
            let ids: Vec<String> = d
                .questions_added
                .iter()
                .map(|(q, _)| format!("`{}`", md(q)))
                .collect();
            let _ = writeln!(s, "- New open questions: {}", ids.join(", "));
        }
        if !d.questions_resolved.is_empty() {
            let ids: Vec<String> = d
                .questions_resolved
                .iter()
                .map(|q| format!("`{}`", md(q)))
                .collect();
            let _ = writeln!(s, "- Answered: {}", ids.join(", "));
        }
    }
    s.push_str("\n<sub>Generated by aiact. It applies a rule pack to the facts declared; it is not legal advice.</sub>\n");
    s
}
