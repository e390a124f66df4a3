//! The audit pipeline with extracted evidence: ownership by folder, model cards outside
//! every manifest as systems of their own, precedence, conflicts as findings, inventory.

use aiact::audit::{self, AuditOptions, ScanOptions};
use aiact::decide::pack;
use aiact::facts::{Origin, Value};
use std::path::Path;

#[test]
fn evidence_is_merged_into_systems() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/evidence");
    let pack = pack::load_with(&[]).expect("default pack");
    let mut g = audit::gather_with(&root, &pack, &ScanOptions::default());
    let names: Vec<_> = g
        .systems
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(names, [("ChatHelper", "system"), ("orphan-model", "model")]);

    let chat = &g.systems[0];
    // Declared wins over extracted; the disagreement is kept as a conflict.
    let os = chat.facts.get("open_source").expect("open_source");
    assert_eq!(
        (os.origin, &os.value),
        (Origin::Declared, &Value::Bool(true))
    );
    assert_eq!(chat.facts.conflicts().len(), 1);
    assert_eq!(
        chat.facts.get("license").map(|f| f.value.clone()),
        Some(Value::Str("llama3.1".into()))
    );
    assert!(chat.facts.signals().iter().any(|s| s.id == "art50.1"));

    let orbit = &g.systems[1];
    assert_eq!(
        orbit.facts.get("parameters").map(|f| f.value.clone()),
        Some(Value::Number(1.3e9))
    );
    assert_eq!(
        orbit.facts.get("training_tokens").map(|f| f.value.clone()),
        Some(Value::Number(2e12))
    );

    // The missing -r include is reported with the path the user can open.
    assert!(
        g.diagnostics
            .iter()
            .any(|d| d.code == "requirements.missing_include"
                && d.file.ends_with("chat-service/requirements.txt"))
    );

    let files: Vec<_> = g
        .evidence
        .iter()
        .map(|e| (e.file.as_str(), e.system.as_str()))
        .collect();
    assert_eq!(
        files,
        [
            ("chat-service/model/README.md", "chat-service/aiact.yaml"),
            ("chat-service/requirements.txt", "chat-service/aiact.yaml"),
            ("orphan-model/MODEL_CARD.md", "orphan-model/MODEL_CARD.md"),
            (
                "orphan-model/requirements.txt",
                "orphan-model/MODEL_CARD.md"
            ),
        ]
    );

    let opts = AuditOptions {
        as_of: "2026-12-01".parse().expect("date"),
        law: None,
        extra_packs: Vec::new(),
    };
    let rep = audit::decide(&mut g.systems, &pack, &opts, g.diagnostics.clone());
    let chat = &rep.systems[0];
    assert!(
        chat.findings
            .iter()
            .any(|f| f.code == "evidence.conflict" && f.file.ends_with("model/README.md")),
        "{:#?}",
        chat.findings
    );
}
