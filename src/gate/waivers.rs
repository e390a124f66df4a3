//! Waivers: a team's signed-off exception to the gate, with an owner and an expiry date.
//!
//! ```yaml
//! waivers:
//!   - id: art11                 # obligation, provision or rule id
//!     system: HireRank          # system name or folder
//!     reason: Annex IV documentation is being rewritten for v2
//!     owner: jane.doe@example.com
//!     expires: 2027-06-30       # last day it holds
//! ```
//!
//! Every field is required. A malformed file is an input error (exit 2); an expired waiver
//! covers nothing and fails the gate (exit 1). Waived items stay in the report, marked.

use super::model::{WaiverEntry, WaiverState};
use crate::check::model::{EvidenceStatus, WaiverMark};
use crate::decide::outcome::Tier;
use crate::diag::{Diagnostic, did_you_mean};
use crate::report::{Report, SystemReport};
use crate::yaml::{self, Node};
use jiff::civil::Date;

pub const DEFAULT_FILE: &str = "aiact-waivers.yaml";

const KEYS: &[&str] = &["id", "system", "reason", "owner", "expires"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub id: String,
    pub system: String,
    pub reason: String,
    pub owner: String,
    pub expires: Date,
    /// `file:line`.
    pub source: String,
}

impl Waiver {
    pub fn is_active(&self, as_of: Date) -> bool {
        as_of <= self.expires
    }

    fn covers_system(&self, s: &SystemReport) -> bool {
        let want = self.system.trim_end_matches('/');
        want == s.name || want == s.path || want == s.source
    }

    fn mark(&self) -> WaiverMark {
        WaiverMark {
            reason: self.reason.clone(),
            owner: self.owner.clone(),
            expires: self.expires.to_string(),
            source: self.source.clone(),
        }
    }
}

/// Parse a waiver file; every problem is reported with file:line:column.
pub fn parse(file: &str, text: &str) -> Result<Vec<Waiver>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<Diagnostic>, n: &Node, msg: String| {
        errors.push(
            Diagnostic::error("waiver.malformed", file, n.pos.line, n.pos.column, msg)
                .with_help("each waiver needs id, system, reason, owner and expires (YYYY-MM-DD); see docs/ci.md"),
        );
    };
    let root = match yaml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            return Err(vec![Diagnostic::error(
                "waiver.malformed",
                file,
                e.pos.line,
                e.pos.column,
                format!("invalid YAML: {}", e.message),
            )]);
        }
    };
    if root.value == yaml::NodeValue::Null {
        return Ok(Vec::new());
    }
    for (k, _) in root.as_map().unwrap_or_default() {
        if k.as_str() != Some("waivers") {
            let shown = k.scalar_text().unwrap_or_default();
            err(
                &mut errors,
                k,
                format!("unknown key `{shown}`: the file holds one key, `waivers`"),
            );
        }
    }
    let items = match root.get("waivers") {
        Some(w) => match &w.value {
            yaml::NodeValue::Seq(items) => items.clone(),
            yaml::NodeValue::Null => Vec::new(),
            _ => {
                err(
                    &mut errors,
                    w,
                    format!("`waivers` must be a list, found {}", w.kind()),
                );
                Vec::new()
            }
        },
        None => {
            err(
                &mut errors,
                &root,
                "expected a mapping with a `waivers:` list".into(),
            );
            Vec::new()
        }
    };
    let mut out: Vec<Waiver> = Vec::new();
    for item in &items {
        let Some(map) = item.as_map() else {
            err(
                &mut errors,
                item,
                format!("a waiver is a mapping, found {}", item.kind()),
            );
            continue;
        };
        for (k, _) in map {
            let key = k.scalar_text().unwrap_or_default();
            if !KEYS.contains(&key.as_str()) {
                let hint = did_you_mean(&key, KEYS.iter().copied())
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                err(&mut errors, k, format!("unknown key `{key}`{hint}"));
            }
        }
        let mut field = |key: &str| -> Option<(String, Node)> {
            match item.get(key) {
                None => {
                    err(&mut errors, item, format!("`{key}` is required"));
                    None
                }
                Some(v) => match v.scalar_text() {
                    Some(s) if !s.trim().is_empty() && v.value != yaml::NodeValue::Null => {
                        Some((s.trim().to_string(), v.clone()))
                    }
                    _ => {
                        err(&mut errors, v, format!("`{key}` must be a non-empty text"));
                        None
                    }
                },
            }
        };
        let id = field("id");
        let system = field("system");
        let reason = field("reason");
        let owner = field("owner");
        let expires = field("expires").and_then(|(s, n)| match s.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                err(
                    &mut errors,
                    &n,
                    format!("`expires` must be a date YYYY-MM-DD, found `{s}`"),
                );
                None
            }
        });
        if let (Some(id), Some(system), Some(reason), Some(owner), Some(expires)) =
            (id, system, reason, owner, expires)
        {
            let w = Waiver {
                id: id.0,
                system: system.0,
                reason: reason.0,
                owner: owner.0,
                expires,
                source: format!("{file}:{}", item.pos.line),
            };
            if let Some(prev) = out.iter().find(|p| p.id == w.id && p.system == w.system) {
                let msg = format!(
                    "a second waiver for `{}` on `{}` (the first is at {}): keep one",
                    w.id, w.system, prev.source
                );
                err(&mut errors, item, msg);
                continue;
            }
            out.push(w);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Mark what each active waiver covers and list every waiver on the report. A waiver never
/// covers a prohibited practice: the practice may not be placed on the market at all.
pub fn apply(report: &mut Report, waivers: &[Waiver]) {
    let as_of = report.as_of;
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    for w in waivers {
        let status = if w.is_active(as_of) {
            WaiverState::Active
        } else {
            WaiverState::Expired
        };
        let mut applied = Vec::new();
        let mut refused = false;
        if status == WaiverState::Active {
            for s in report.systems.iter_mut().filter(|s| w.covers_system(s)) {
                for o in s
                    .obligations
                    .iter_mut()
                    .chain(s.conditional_obligations.iter_mut())
                {
                    if o.id == w.id || o.rules.contains(&w.id) {
                        o.check.waived = Some(w.mark());
                        if matches!(
                            o.check.evidence_status,
                            Some(
                                EvidenceStatus::Partial
                                    | EvidenceStatus::Missing
                                    | EvidenceStatus::NotYetApplicable
                            )
                        ) {
                            o.check.evidence_status = Some(EvidenceStatus::Waived);
                        }
                        applied.push(format!("{}: obligation {}", s.name, o.id));
                    }
                }
                for t in &mut s.triggers {
                    if t.id == w.id || t.rule == w.id {
                        if s.tier == Tier::Prohibited && t.decides == "tier: prohibited" {
                            diags.push(Diagnostic::warning(
                                "waiver.prohibited",
                                w.source.clone(),
                                0,
                                0,
                                format!(
                                    "`{}` is a prohibited practice for {}: it cannot be waived",
                                    w.id, s.name
                                ),
                            ));
                            refused = true;
                            continue;
                        }
                        t.waived = Some(w.mark());
                        applied.push(format!("{}: trigger {}", s.name, t.id));
                    }
                }
            }
            if applied.is_empty() && !refused {
                diags.push(Diagnostic::warning(
                    "waiver.unused",
                    w.source.clone(),
                    0,
                    0,
                    format!(
                        "the waiver for `{}` on `{}` matches nothing: no such system, obligation or trigger",
                        w.id, w.system
                    ),
                ));
            }
        }
        applied.sort();
        applied.dedup();
        entries.push(WaiverEntry {
            id: w.id.clone(),
            system: w.system.clone(),
            reason: w.reason.clone(),
            owner: w.owner.clone(),
            expires: w.expires.to_string(),
            status,
            source: w.source.clone(),
            applied_to: applied,
        });
    }
    report.waivers = entries;
    report.diagnostics.extend(diags);
    report.diagnostics.sort();
    report.diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_file() {
        let w = parse(
            "w.yaml",
            "waivers:\n  - id: art11\n    system: HireRank\n    reason: rewriting\n    owner: jane\n    expires: 2027-06-30\n",
        )
        .unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].source, "w.yaml:2");
        assert!(w[0].is_active(jiff::civil::date(2027, 6, 30)));
        assert!(!w[0].is_active(jiff::civil::date(2027, 7, 1)));
    }

    #[test]
    fn every_field_is_required_and_errors_have_positions() {
        let errs = parse(
            "w.yaml",
            "waivers:\n  - id: art11\n    system: HireRank\n    reson: x\n    expires: soon\n",
        )
        .unwrap_err();
        let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("w.yaml:4:5") && s.contains("did you mean `reason`")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|s| s.contains("`reason` is required")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|s| s.contains("`owner` is required")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("w.yaml:5:14") && s.contains("YYYY-MM-DD")),
            "{shown:?}"
        );
    }

    #[test]
    fn syntax_errors_and_duplicates() {
        assert!(parse("w.yaml", "waivers: [\n").is_err());
        let dup = "waivers:\n  - {id: a, system: s, reason: r, owner: o, expires: 2030-01-01}\n  - {id: a, system: s, reason: r, owner: o, expires: 2031-01-01}\n";
        let e = parse("w.yaml", dup).unwrap_err();
        assert!(e[0].to_string().contains("w.yaml:3"), "{e:?}");
        assert_eq!(parse("w.yaml", "").unwrap(), Vec::new());
    }
}
