//! Reference documents generated from the rule pack (docs/manifest.md, docs/rule-reference.md),
//! so the docs say exactly what the code accepts.

use crate::decide::pack::{Area, DateSpec, Pack};
use std::fmt::Write as _;

fn area_title(a: Area) -> &'static str {
    match a {
        Area::Scope => "Scope (Art. 2)",
        Area::AiSystem => "Is it an AI system (Art. 3(1))",
        Area::Role => "Role and establishment",
        Area::Prohibited => "Prohibited practices (Art. 5)",
        Area::HighRisk => "High-risk (Art. 6, Annex I, Annex III)",
        Area::Transparency => "Transparency (Art. 50)",
        Area::Gpai => "General-purpose AI models (Chapter V)",
        Area::Obligations => "Obligations and dates",
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn manifest_reference(pack: &Pack) -> String {
    let mut s = String::new();
    s.push_str("<!-- Generated from the rule pack by `AIACT_UPDATE_DOCS=1 cargo test --test generated_docs`; do not edit by hand. -->\n");
    s.push_str("# aiact.yaml reference\n\n");
    s.push_str(
        "An `aiact.yaml` declares one AI system (or model). A repository may hold several, one per folder; \
each owns the files under its folder. `aiact init` writes a commented template.\n\n",
    );
    s.push_str("```yaml\nname: HireRank\ndescription: Ranks job applicants' CVs for recruiters.\nrole: provider\nfacts:\n  eu_market: true\n  annex3.4.a: true\n  profiling: true\n```\n\n");
    s.push_str("## Top-level keys\n\n| key | required | meaning |\n|---|---|---|\n");
    s.push_str("| `name` | yes | the system's name, as reports show it |\n");
    s.push_str("| `description` | no | one sentence on what it does and for whom |\n");
    let roles = pack
        .fact("role")
        .map(|d| d.choices.join(", "))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "| `role` | no (asked if missing) | your role for this system, or a list of roles: {roles} |"
    );
    s.push_str("| `kind` | no | `system` (default) or `model` (a model on its own: its tier is not assessed, its general-purpose AI status is) |\n");
    s.push_str("| `facts` | no | what you know about the system, keyed by fact id (below) |\n");
    s.push_str(
        "| `evidence` | no | where documents reviewers ask for live, document kind → path |\n\n",
    );
    s.push_str("Unknown keys and values of the wrong type are errors (exit 2) naming the file, line and column, with a suggestion.\n\n");
    s.push_str("## Values\n\n");
    s.push_str("- `bool`: `true` or `false` (YAML 1.2: `yes`/`no` are strings, not booleans).\n");
    s.push_str("- `number`: `7000000000`, `3.1e24` (a quoted `\"1,000\"` is read too).\n");
    s.push_str("- `date`: `2026-08-02`.\n- `string`: any text.\n- `choice`: one of the listed values, or a list of them.\n");
    s.push_str(
        "- Any fact may be `unknown`: it is then asked, and never replaced by an assumption.\n\n",
    );
    s.push_str("A `false` parent answers its children: `annex3: false` says no Annex III area applies, `art5.1: false` that no prohibited practice does.\n\n");
    s.push_str("## Facts\n");
    for (_, area) in Area::ALL {
        let mut defs: Vec<_> = pack.facts.values().filter(|d| d.area == area).collect();
        if defs.is_empty() {
            continue;
        }
        defs.sort_by_key(|d| d.order);
        let _ = write!(
            s,
            "\n### {}\n\n| fact | type | question | notes |\n|---|---|---|---|\n",
            area_title(area)
        );
        for d in defs {
            let mut ty = d.ty.as_str().to_string();
            if let Some(u) = &d.unit {
                ty.push_str(&format!(" ({u})"));
            }
            if !d.choices.is_empty() {
                ty.push_str(&format!(": {}", d.choices.join(", ")));
            }
            let mut notes = cell(&d.help);
            if let Some(a) = &d.assume {
                notes.push_str(&format!(
                    " Assumed `{a}` when not stated (shown as an assumption)."
                ));
            }
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                d.id,
                cell(&ty),
                cell(&d.question),
                notes
            );
        }
    }
    s
}

fn date_text(pack: &Pack, spec: &DateSpec) -> String {
    match spec {
        DateSpec::Fixed(d) => d.to_string(),
        DateSpec::Named(n) => pack
            .dates
            .get(n)
            .map(|d| date_text(pack, d))
            .unwrap_or_else(|| n.clone()),
        DateSpec::PerLaw { original, amended } => match (original, amended) {
            (Some(o), Some(a)) if o == a => o.to_string(),
            (o, a) => format!(
                "{} (2024 text) / {} (amended)",
                o.map(|d| d.to_string()).unwrap_or_else(|| "n/a".into()),
                a.map(|d| d.to_string()).unwrap_or_else(|| "n/a".into())
            ),
        },
        DateSpec::Cases(cases) => cases
            .iter()
            .map(|c| match &c.when {
                Some(w) => format!("{} if {}", date_text(pack, &c.date), w.render()),
                None => date_text(pack, &c.date),
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

pub fn rule_reference(pack: &Pack) -> String {
    let mut s = String::new();
    s.push_str("<!-- Generated from the rule pack by `AIACT_UPDATE_DOCS=1 cargo test --test generated_docs`; do not edit by hand. -->\n");
    let _ = writeln!(s, "# Rule reference: {} {}\n", pack.name, pack.version);
    let _ = writeln!(
        s,
        "{} rules. `aiact rules explain ID` shows one with its condition and test cases.\n",
        pack.rules.len()
    );
    s.push_str("| rule | title | decides | cites | status | text | applies from |\n|---|---|---|---|---|---|---|\n");
    for r in &pack.rules {
        let dates = r
            .applies_from
            .as_ref()
            .map(|d| date_text(pack, d))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            r.id,
            cell(&r.title),
            r.decides.describe(),
            r.cites.join(", "),
            r.status.as_str(),
            r.law.as_str(),
            cell(&dates)
        );
    }
    s
}

/// docs/evidence.md: what each evidence check looks for (from rules/evidence/checks.yaml).
pub fn evidence_reference(cat: &crate::check::catalogue::Catalogue) -> String {
    let mut s = String::new();
    s.push_str("<!-- Generated from rules/evidence/checks.yaml by `AIACT_UPDATE_DOCS=1 cargo test --test generated_docs`; do not edit by hand. -->\n");
    s.push_str("# Evidence checks reference\n\n");
    s.push_str(
        "For every obligation of a system that has an evidence kind below, `aiact check` and \
`aiact audit` look for the document a reviewer would ask for and the sections it must have. \
How the checks work, and the report fields they fill, are in [evidence.md](evidence.md#how-a-document-is-checked).\n\n",
    );
    s.push_str(
        "| kind | evidences | default paths (relative to the system's folder) |\n|---|---|---|\n",
    );
    for k in &cat.kinds {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            k.id,
            k.obligations
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", "),
            k.paths
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for k in &cat.kinds {
        let _ = write!(
            s,
            "\n## `{}`: {}\n\n| section | what a reviewer looks for | found by | required |\n|---|---|---|---|\n",
            k.id,
            cell(&k.title)
        );
        for sec in &k.sections {
            let mut by: Vec<String> = sec
                .headings
                .iter()
                .map(|h| format!("\"{}\"", cell(h)))
                .collect();
            by.extend(
                sec.front_matter
                    .iter()
                    .map(|f| format!("front matter `{f}`")),
            );
            let mut req = if sec.required {
                "yes".to_string()
            } else {
                "where applicable".to_string()
            };
            if !sec.obligations.is_empty() {
                req.push_str(&format!(" (for {})", sec.obligations.join(", ")));
            }
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                sec.id,
                cell(&sec.title),
                by.join(", "),
                req
            );
        }
    }
    s
}
