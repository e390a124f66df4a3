//! Generated artefacts are committed and must be current. Run with `AIACT_UPDATE_DOCS=1` to
//! rewrite them after a deliberate change.

use std::path::Path;

fn check(path: &str, fresh: &str) {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("AIACT_UPDATE_DOCS").is_some() {
        std::fs::write(&full, fresh).expect("write generated file");
        return;
    }
    let committed = std::fs::read_to_string(&full).unwrap_or_default();
    assert!(
        committed == fresh,
        "{path} is out of date with the code: run `AIACT_UPDATE_DOCS=1 cargo test --test generated_docs` and commit it"
    );
}

#[test]
fn report_schema_is_current() {
    check(
        "docs/report.schema.json",
        &aiact::report::schema::report_schema(),
    );
}

#[test]
fn manifest_reference_is_current() {
    let pack = aiact::decide::pack::default_pack().expect("default pack loads");
    check("docs/manifest.md", &aiact::docs::manifest_reference(&pack));
}

#[test]
fn rule_reference_is_current() {
    let pack = aiact::decide::pack::default_pack().expect("default pack loads");
    check(
        "docs/rule-reference.md",
        &aiact::docs::rule_reference(&pack),
    );
}

#[test]
fn evidence_reference_is_current() {
    let cat = aiact::check::catalogue::load(&[]).expect("the evidence catalogue loads");
    check(
        "docs/evidence-reference.md",
        &aiact::docs::evidence_reference(&cat),
    );
}
