//! Coverage of the law: every Art. 5(1) point, Annex I item, Annex III point, Art. 6(3)
//! condition, Art. 50 paragraph and Chapter V provision named in the domain reference has a
//! rule that cites it (or a sub-point of it), unless it is listed below as addressed to
//! institutions rather than operators, with the reason.

use regex::Regex;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Provisions that give operators no duty and decide no classification, so no rule is due.
const NOT_OPERATOR_PROVISIONS: &[(&str, &str)] = &[
    (
        "art50.6",
        "says Art. 50 leaves other Union and national transparency rules unaffected",
    ),
    (
        "art50.7",
        "the AI Office encourages codes of practice; the Commission may adopt implementing acts",
    ),
    (
        "art51.3",
        "the Commission amends the thresholds by delegated acts",
    ),
    (
        "art52.3",
        "the Commission's decision on the provider's arguments",
    ),
    (
        "art52.4",
        "the Commission's designation procedure (the designation itself is modelled as art51.1.b)",
    ),
    (
        "art52.5",
        "the Commission reassesses a designation on request",
    ),
    (
        "art52.6",
        "the Commission publishes and updates the list of systemic-risk models",
    ),
    (
        "art53.4",
        "presumption of conformity through codes of practice (how duties may be shown, not a duty)",
    ),
    (
        "art53.5",
        "the Commission's delegated acts on the documentation annexes",
    ),
    (
        "art53.6",
        "the Commission's delegated acts on measurement and calculation",
    ),
    (
        "art53.7",
        "confidentiality of information obtained (Art. 78), addressed to authorities",
    ),
    (
        "art54.5",
        "the authorised representative's mandate ending: a duty of the representative to inform the AI Office, not modelled as the provider's",
    ),
    (
        "art55.2",
        "presumption of conformity through codes of practice",
    ),
    (
        "art55.3",
        "confidentiality of information obtained, addressed to authorities",
    ),
    ("art56", "codes of practice drawn up with the AI Office"),
    (
        "art56.1",
        "codes of practice: the AI Office encourages them",
    ),
    ("art56.2", "content of codes of practice"),
    ("art56.3", "the AI Office invites participants"),
    ("art56.5", "the AI Office ensures participants report"),
    (
        "art56.6",
        "the AI Office and the Board monitor and evaluate codes; the Commission may approve them",
    ),
    ("art56.7", "the AI Office may invite providers to adhere"),
    ("art56.8", "the AI Office encourages review of codes"),
    ("art56.9", "deadline for codes of practice (2 May 2025)"),
];

/// The ids the coverage applies to, as written in the domain reference.
const PATTERN: &str = r"`(art5\.1\.[a-z]+|annex1\.[ab]\.[0-9]+|annex3\.[0-9](\.[a-z])?|art6\.3\.[a-d]|art50\.[0-9](\.sub[0-9])?|art5[1-6](\.[0-9]+)?(\.[a-z])?)`";

/// A snapshot of the ids the domain reference names, so the test runs where ../shared is absent.
const KNOWN_IDS: &[&str] = &[
    "annex1.a.1",
    "annex1.a.2",
    "annex1.a.3",
    "annex1.a.4",
    "annex1.a.5",
    "annex1.a.6",
    "annex1.a.7",
    "annex1.a.8",
    "annex1.a.9",
    "annex1.a.10",
    "annex1.a.11",
    "annex1.a.12",
    "annex1.b.13",
    "annex1.b.14",
    "annex1.b.15",
    "annex1.b.16",
    "annex1.b.17",
    "annex1.b.18",
    "annex1.b.19",
    "annex1.b.20",
    "annex1.b.21",
    "annex3.1.a",
    "annex3.1.b",
    "annex3.1.c",
    "annex3.2",
    "annex3.3.a",
    "annex3.3.b",
    "annex3.3.c",
    "annex3.3.d",
    "annex3.4.a",
    "annex3.4.b",
    "annex3.5.a",
    "annex3.5.b",
    "annex3.5.c",
    "annex3.5.d",
    "annex3.6.a",
    "annex3.6.b",
    "annex3.6.c",
    "annex3.6.d",
    "annex3.6.e",
    "annex3.7.a",
    "annex3.7.b",
    "annex3.7.c",
    "annex3.7.d",
    "annex3.8.a",
    "annex3.8.b",
    "art5.1.a",
    "art5.1.b",
    "art5.1.ba",
    "art5.1.bb",
    "art5.1.c",
    "art5.1.d",
    "art5.1.e",
    "art5.1.f",
    "art5.1.g",
    "art5.1.h",
    "art50.1",
    "art50.2",
    "art50.3",
    "art50.4",
    "art50.4.sub1",
    "art50.4.sub2",
    "art50.5",
    "art51",
    "art51.1",
    "art51.1.a",
    "art51.1.b",
    "art51.2",
    "art52",
    "art52.1",
    "art52.2",
    "art53",
    "art53.1.a",
    "art53.1.b",
    "art53.1.c",
    "art53.1.d",
    "art53.2",
    "art53.3",
    "art54",
    "art54.1",
    "art54.2",
    "art54.3",
    "art54.3.b",
    "art54.4",
    "art54.6",
    "art55",
    "art55.1.a",
    "art55.1.b",
    "art55.1.c",
    "art55.1.d",
    "art6.3.a",
    "art6.3.b",
    "art6.3.c",
    "art6.3.d",
];

fn required_ids() -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = KNOWN_IDS.iter().map(|s| s.to_string()).collect();
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/docs/eu-ai-act.md");
    match std::fs::read_to_string(&reference) {
        Ok(text) => {
            let re = Regex::new(PATTERN).expect("pattern");
            for c in re.captures_iter(&text) {
                ids.insert(c[1].to_string());
            }
        }
        Err(_) => eprintln!(
            "note: {} not found; checking the built-in list only",
            reference.display()
        ),
    }
    let exempt: BTreeSet<&str> = NOT_OPERATOR_PROVISIONS.iter().map(|(id, _)| *id).collect();
    ids.retain(|id| !exempt.contains(id.as_str()));
    ids
}

#[test]
fn every_provision_in_scope_has_a_rule() {
    let pack = aiact::decide::pack::default_pack().expect("default pack loads");
    let cited: BTreeSet<&str> = pack
        .rules
        .iter()
        .flat_map(|r| r.cites.iter().map(|c| c.as_str()))
        .collect();
    let missing: Vec<String> = required_ids()
        .into_iter()
        .filter(|id| {
            let child = format!("{id}.");
            !cited.iter().any(|c| *c == id || c.starts_with(&child))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "provisions with no rule citing them: {missing:?}"
    );
}

#[test]
fn every_fact_a_rule_reads_has_a_question() {
    let pack = aiact::decide::pack::default_pack().expect("default pack loads");
    for f in pack.facts.values() {
        assert!(
            !f.question.trim().is_empty(),
            "fact {} has no question",
            f.id
        );
        assert!(!f.help.trim().is_empty(), "fact {} has no help text", f.id);
    }
}
