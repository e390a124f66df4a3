//! Reports shared by the renderer tests: the bundled fixtures audited on a fixed date, and a
//! hand-built report that exercises what the default pack cannot yet produce (obligations
//! of every status, guidance conclusions, findings, GPAI, a prohibited practice).
#![allow(dead_code)]

use aiact::audit::{self, AuditOptions};
use aiact::decide::outcome::{Gpai, Obligation, ObligationStatus, OpenQuestion, Tier, Trigger};
use aiact::decide::pack::{Area, Pack, SourceStatus};
use aiact::diag::Diagnostic;
use aiact::facts::{Fact, Origin, Provenance, Value};
use aiact::report::{EvidenceFile, Finding, FindingLevel, Report, SystemReport};
use jiff::civil::{Date, date};
use std::path::Path;

/// The as-of date of every snapshot: after the amended text entered into force, before
/// most high-risk duties apply, so reports show both applying and coming obligations.
pub const AS_OF: Date = date(2026, 12, 1);

pub const FIXTURES: &[&str] = &[
    "hirerank",
    "support-chatbot",
    "spam-filter",
    "open-weights-llm",
];

pub fn pack() -> Pack {
    aiact::decide::pack::default_pack().unwrap_or_else(|e| panic!("default pack: {e:?}"))
}

/// Audit `fixtures/<name>` as `aiact audit fixtures/<name> --as-of 2026-12-01` would.
pub fn fixture_report(pack: &Pack, name: &str) -> Report {
    let root = format!("fixtures/{name}");
    let mut g = audit::gather_with(Path::new(&root), pack, &audit::ScanOptions::default());
    let opts = AuditOptions {
        as_of: AS_OF,
        law: None,
        extra_packs: Vec::new(),
    };
    let mut rep = audit::decide(&mut g.systems, pack, &opts, g.diagnostics);
    rep.evidence = g.evidence;
    rep
}

fn fact(id: &str, value: Value, origin: Origin, file: &str, line: u64) -> Fact {
    let prov = if file.is_empty() {
        Provenance::default()
    } else {
        Provenance::at(file, line, 3).with_text(format!("{id}: {value}"))
    };
    Fact::new(id, value, origin, prov)
}

fn trigger(
    id: &str,
    title: &str,
    decides: &str,
    status: SourceStatus,
    evidence: Vec<Fact>,
) -> Trigger {
    Trigger {
        id: id.into(),
        rule: id.into(),
        title: title.into(),
        summary: format!("Why {id} holds, in plain words."),
        decides: decides.into(),
        cites: vec![id.into()],
        status,
        applies_from: Some(date(2026, 8, 2)),
        in_force: true,
        relies_on: Vec::new(),
        evidence,
        waived: None,
    }
}

fn obligation(
    id: &str,
    title: &str,
    status: ObligationStatus,
    applies_from: Date,
    source_status: SourceStatus,
) -> Obligation {
    Obligation {
        id: id.into(),
        title: title.into(),
        summary: format!("What {id} asks of the provider."),
        applies_from: Some(applies_from),
        status,
        source_status,
        cites: vec![id.into()],
        rules: vec![id.into()],
        depends_on: if status == ObligationStatus::Conditional {
            vec!["public_authority".into()]
        } else {
            Vec::new()
        },
        evidence: vec![fact(
            "risk_management",
            Value::Str("docs/risk.md".into()),
            Origin::Declared,
            "services/cv/aiact.yaml",
            14,
        )],
        check: Default::default(),
    }
}

fn system(name: &str, path: &str, tier: Tier, gpai: Gpai) -> SystemReport {
    SystemReport {
        name: name.into(),
        path: path.into(),
        source: format!("{path}/aiact.yaml"),
        kind: "system".into(),
        description: String::new(),
        role: vec!["provider".into()],
        tier,
        gpai,
        triggers: Vec::new(),
        obligations: Vec::new(),
        conditional_obligations: Vec::new(),
        open_questions: Vec::new(),
        assumptions: Vec::new(),
        facts: Vec::new(),
        findings: Vec::new(),
    }
}

/// A report with every kind of content a renderer must show.
pub fn rich_report(pack: &Pack) -> Report {
    let mut rep = fixture_report(pack, "hirerank");
    rep.systems.clear();

    let mut cv = system("CV Ranker", "services/cv", Tier::HighRisk, Gpai::None);
    cv.description =
        "Ranks **applicants** for recruiters; see [the design](https://example.org/design).".into();
    cv.role = vec!["provider".into(), "deployer".into()];
    let a34 = fact(
        "annex3.4.a",
        Value::Bool(true),
        Origin::Declared,
        "services/cv/aiact.yaml",
        6,
    );
    let prof = fact(
        "profiling",
        Value::Bool(true),
        Origin::Extracted,
        "services/cv/README.md",
        12,
    );
    cv.triggers = vec![
        trigger(
            "annex3.4.a",
            "Recruitment and selection of people",
            "tier: high_risk",
            SourceStatus::Binding,
            vec![a34.clone(), prof.clone()],
        ),
        trigger(
            "art50.1",
            "People interact with the system directly",
            "tier: limited_risk",
            SourceStatus::Guidance,
            vec![],
        ),
    ];
    cv.obligations = vec![
        obligation(
            "art9",
            "Risk management system",
            ObligationStatus::Applies,
            date(2026, 8, 2),
            SourceStatus::Binding,
        ),
        obligation(
            "art26",
            "Obligations of deployers",
            ObligationStatus::NotYetApplicable,
            date(2027, 12, 2),
            SourceStatus::Amended,
        ),
        obligation(
            "art4",
            "AI literacy",
            ObligationStatus::Applies,
            date(2025, 2, 2),
            SourceStatus::Guidance,
        ),
    ];
    cv.conditional_obligations = vec![obligation(
        "art27",
        "Fundamental rights impact assessment",
        ObligationStatus::Conditional,
        date(2027, 12, 2),
        SourceStatus::Binding,
    )];
    cv.open_questions = vec![OpenQuestion {
        id: "public_authority".into(),
        question: "Is the deployer a body governed by public law?".into(),
        help: "Art. 27(1).".into(),
        impact: Area::Obligations,
        why: "decides whether a fundamental rights impact assessment is due (art27)".into(),
        affects: vec!["art27".into()],
        signals: vec![fact(
            "public_authority",
            Value::Bool(true),
            Origin::Signal,
            "services/cv/README.md",
            40,
        )],
    }];
    cv.assumptions = vec![
        fact("art2.6", Value::Bool(false), Origin::Assumed, "", 0)
            .with_note("not stated; the rule pack's assumption for a missing answer"),
    ];
    cv.facts = vec![
        a34,
        fact(
            "eu_market",
            Value::Bool(true),
            Origin::Declared,
            "services/cv/aiact.yaml",
            5,
        ),
        prof,
        fact(
            "role",
            Value::List(vec!["provider".into(), "deployer".into()]),
            Origin::Declared,
            "services/cv/aiact.yaml",
            3,
        ),
    ];
    cv.findings = vec![
        Finding {
            code: "evidence.conflict".into(),
            level: FindingLevel::Warning,
            message: "`profiling` is true (extracted) but services/cv/model.yaml:2 says false"
                .into(),
            file: "services/cv/model.yaml".into(),
            line: 2,
            provision: Some("profiling".into()),
        },
        Finding {
            code: "signal.needs_review".into(),
            level: FindingLevel::Note,
            message: "needs review: `municipality` suggests `public_authority`".into(),
            file: "services/cv/README.md".into(),
            line: 40,
            provision: Some("public_authority".into()),
        },
    ];

    let mut face = system("FaceScrape", "tools/face", Tier::Prohibited, Gpai::None);
    face.triggers = vec![trigger(
        "art5.1.e",
        "Untargeted scraping of facial images",
        "tier: prohibited",
        SourceStatus::Binding,
        vec![fact(
            "art5.1.e",
            Value::Bool(true),
            Origin::Declared,
            "tools/face/aiact.yaml",
            7,
        )],
    )];

    let mut llm = system(
        "Aurora-70B",
        "models/aurora",
        Tier::MinimalRisk,
        Gpai::GpaiSystemicRisk,
    );
    llm.kind = "model".into();
    llm.triggers = vec![trigger(
        "art51.2",
        "Presumed systemic risk (training compute above 10^25 FLOP)",
        "gpai: gpai_systemic_risk",
        SourceStatus::Binding,
        vec![
            fact(
                "training_flops",
                Value::Number(3.1e25),
                Origin::Derived,
                "",
                0,
            )
            .with_note("6 x parameters x training tokens"),
        ],
    )];
    llm.obligations = vec![obligation(
        "art55.1.a",
        "Model evaluation and adversarial testing",
        ObligationStatus::Applies,
        date(2025, 8, 2),
        SourceStatus::Binding,
    )];

    let unsure = system(
        "Unsure",
        "apps/unsure",
        Tier::Undetermined,
        Gpai::Undetermined,
    );

    rep.systems = vec![unsure, llm, cv, face];
    rep.systems.sort_by(|a, b| a.path.cmp(&b.path));
    rep.evidence = vec![
        EvidenceFile {
            file: "services/cv/README.md".into(),
            kind: "model_card".into(),
            system: "services/cv/aiact.yaml".into(),
            summary: vec![
                "front matter: license, tags".into(),
                "profiling = true".into(),
            ],
            facts: 1,
            signals: 1,
        },
        EvidenceFile {
            file: "vendor/bom.cdx.json".into(),
            kind: "cyclonedx".into(),
            system: String::new(),
            summary: Vec::new(),
            facts: 0,
            signals: 2,
        },
        EvidenceFile {
            file: "docs/empty.md".into(),
            kind: "prose".into(),
            system: String::new(),
            summary: Vec::new(),
            facts: 0,
            signals: 0,
        },
    ];
    rep.diagnostics = vec![Diagnostic::warning(
        "scan.too_large",
        "data/huge.bin",
        0,
        0,
        "skipped: larger than 1 MiB",
    )];
    rep
}
