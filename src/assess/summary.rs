//! The closing summary of a questionnaire: tier, GPAI status, obligations with their dates,
//! and what the answers changed (before: the manifest alone; after: with the answers).

use crate::decide::outcome::{Obligation, ObligationStatus, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub fn render(
    name: &str,
    before: &Outcome,
    after: &Outcome,
    answered: usize,
    unknown: usize,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Result for {name}");
    let change = |a: &str, b: &str| {
        if a == b {
            format!("{b} (unchanged)")
        } else {
            format!("{a} -> {b}")
        }
    };
    let _ = writeln!(
        s,
        "  Tier:                {}",
        change(before.tier.as_str(), after.tier.as_str())
    );
    let _ = writeln!(
        s,
        "  General-purpose AI:  {}",
        change(before.gpai.as_str(), after.gpai.as_str())
    );
    let _ = writeln!(
        s,
        "  Open questions:      {}",
        change(
            &before.open_questions.len().to_string(),
            &after.open_questions.len().to_string()
        )
    );
    let _ = writeln!(
        s,
        "  Answers:             {answered} ({unknown} \"don't know\")"
    );
    if after.obligations.is_empty() {
        let _ = writeln!(s, "  Obligations:         none");
    } else {
        let _ = writeln!(s, "  Obligations ({}):", after.obligations.len());
        let old: BTreeMap<&str, &Obligation> = before
            .obligations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        for o in &after.obligations {
            let mark = match old.get(o.id.as_str()) {
                None => "new",
                Some(b) if b.status != o.status || b.applies_from != o.applies_from => "changed",
                Some(_) => "",
            };
            // Fits 90 columns: id, date, the title cut short, what changed.
            let _ = writeln!(
                s,
                "    {:<10} {:<24} {}{}",
                o.id,
                when(o),
                clip(&o.title, 40),
                if mark.is_empty() {
                    String::new()
                } else {
                    format!(" [{mark}]")
                }
            );
        }
    }
    if !after.conditional_obligations.is_empty() {
        let ids: Vec<&str> = after
            .conditional_obligations
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        let _ = writeln!(
            s,
            "  Depending on open questions ({}): {}",
            ids.len(),
            clip(&ids.join(", "), 200)
        );
    }
    let gone: Vec<&str> = before
        .obligations
        .iter()
        .filter(|b| !after.obligations.iter().any(|a| a.id == b.id))
        .map(|b| b.id.as_str())
        .collect();
    if !gone.is_empty() {
        let _ = writeln!(s, "  No longer applicable: {}", gone.join(", "));
    }
    s
}

fn when(o: &Obligation) -> String {
    let date = o
        .applies_from
        .map(|d| d.to_string())
        .unwrap_or_else(|| "no date".into());
    match o.status {
        ObligationStatus::Applies => format!("applies since {date}"),
        ObligationStatus::NotYetApplicable => format!("applies from {date}"),
        ObligationStatus::Conditional => {
            format!("from {date} if: {}", o.depends_on.join(", "))
        }
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(3)).collect();
        t.push_str("...");
        t
    }
}
