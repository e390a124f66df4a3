//! The independent scenario suite: realistic systems written from the law (the domain
//! reference, docs in /work/shared/docs/eu-ai-act.md), not from the rules. Each folder under
//! fixtures/scenarios/ holds an `aiact.yaml` and an `expected.yaml`; this harness runs the
//! library pipeline (gather + decide, as `aiact audit` does) on each and checks every
//! expectation, reporting every mismatch of every scenario at once with the scenario's
//! `basis` (where in the law the expectation comes from).
//!
//! Scenarios the pack is known to get wrong, for reasons outside the rule files this suite may
//! fix, are listed in fixtures/scenarios/known_gaps.yaml (with the reason in KNOWN_GAPS.md).
//! The harness asserts that they still fail, so a fix makes this test ask for the entry to be
//! removed: the list cannot silently rot.

use aiact::audit::{self, AuditOptions};
use aiact::decide::outcome::ObligationStatus;
use aiact::decide::pack::{self, Law, Pack};
use aiact::report::SystemReport;
use aiact::yaml::{self, Node, NodeValue};
use jiff::civil::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/scenarios");
const MIN_SCENARIOS: usize = 60;

const TIERS: &[&str] = &[
    "not_ai_system",
    "out_of_scope",
    "prohibited",
    "high_risk",
    "limited_risk",
    "minimal_risk",
    "undetermined",
];
const GPAI: &[&str] = &["none", "gpai", "gpai_systemic_risk", "undetermined"];
const STATUSES: &[&str] = &["applies", "not_yet_applicable", "conditional"];

/// What a scenario expects. Every list is "must contain" / "must not contain".
#[derive(Debug, Default)]
struct Expected {
    as_of: Option<Date>,
    law: Option<Law>,
    tier: Option<String>,
    gpai: Option<String>,
    triggers: Vec<String>,
    not_triggers: Vec<String>,
    /// Must appear with status `applies` or `not_yet_applicable` (not merely conditional).
    obligations: Vec<String>,
    /// Must not appear at all, not even as conditional.
    not_obligations: Vec<String>,
    /// Obligation id → `applies_from`.
    dates: BTreeMap<String, Date>,
    /// Obligation id → status (`applies`, `not_yet_applicable`, `conditional`).
    status: BTreeMap<String, String>,
    open_questions: Vec<String>,
    not_open_questions: Vec<String>,
    basis: String,
}

const KEYS: &[&str] = &[
    "as_of",
    "law",
    "tier",
    "gpai",
    "triggers",
    "not_triggers",
    "obligations",
    "not_obligations",
    "dates",
    "status",
    "open_questions",
    "not_open_questions",
    "basis",
];

fn scalar(n: &Node) -> Option<String> {
    match &n.value {
        NodeValue::Seq(_) | NodeValue::Map(_) | NodeValue::Null => None,
        _ => n.scalar_text(),
    }
}

fn parse_date(n: &Node, what: &str) -> Result<Date, String> {
    let text = scalar(n).ok_or_else(|| format!("{what}: expected a date"))?;
    text.parse::<Date>()
        .map_err(|e| format!("{what}: `{text}` is not a date: {e}"))
}

fn string_list(n: &Node, key: &str) -> Result<Vec<String>, String> {
    let items = n
        .as_seq()
        .ok_or_else(|| format!("`{key}` must be a list (line {})", n.pos.line))?;
    items
        .iter()
        .map(|i| scalar(i).ok_or_else(|| format!("`{key}`: items must be scalars")))
        .collect()
}

fn parse_expected(text: &str) -> Result<Expected, Vec<String>> {
    let root = yaml::parse(text).map_err(|e| {
        vec![format!(
            "expected.yaml: {} at {}:{}",
            e.message, e.pos.line, e.pos.column
        )]
    })?;
    let map = root
        .as_map()
        .ok_or_else(|| vec!["expected.yaml: not a mapping".to_string()])?;
    let mut exp = Expected::default();
    let mut errors = Vec::new();
    for (k, v) in map {
        let key = k.as_str().unwrap_or_default();
        let r: Result<(), String> = (|| {
            match key {
                "as_of" => exp.as_of = Some(parse_date(v, "as_of")?),
                "law" => {
                    let s = scalar(v).unwrap_or_default();
                    exp.law = Some(
                        Law::parse(&s)
                            .ok_or_else(|| format!("law: `{s}` is not original or amended"))?,
                    );
                }
                "tier" => {
                    let s = scalar(v).unwrap_or_default();
                    if !TIERS.contains(&s.as_str()) {
                        return Err(format!("tier: `{s}` is not one of {TIERS:?}"));
                    }
                    exp.tier = Some(s);
                }
                "gpai" => {
                    let s = scalar(v).unwrap_or_default();
                    if !GPAI.contains(&s.as_str()) {
                        return Err(format!("gpai: `{s}` is not one of {GPAI:?}"));
                    }
                    exp.gpai = Some(s);
                }
                "triggers" => exp.triggers = string_list(v, key)?,
                "not_triggers" => exp.not_triggers = string_list(v, key)?,
                "obligations" => exp.obligations = string_list(v, key)?,
                "not_obligations" => exp.not_obligations = string_list(v, key)?,
                "open_questions" => exp.open_questions = string_list(v, key)?,
                "not_open_questions" => exp.not_open_questions = string_list(v, key)?,
                "dates" | "status" => {
                    let m = v
                        .as_map()
                        .ok_or_else(|| format!("`{key}` must be a mapping"))?;
                    for (ok, ov) in m {
                        let id = scalar(ok).unwrap_or_default();
                        if key == "dates" {
                            exp.dates
                                .insert(id.clone(), parse_date(ov, &format!("dates.{id}"))?);
                        } else {
                            let s = scalar(ov).unwrap_or_default();
                            if !STATUSES.contains(&s.as_str()) {
                                return Err(format!(
                                    "status.{id}: `{s}` is not one of {STATUSES:?}"
                                ));
                            }
                            exp.status.insert(id, s);
                        }
                    }
                }
                "basis" => exp.basis = scalar(v).unwrap_or_default(),
                other => {
                    return Err(format!(
                        "unknown key `{other}` (line {}); keys are {KEYS:?}",
                        k.pos.line
                    ));
                }
            }
            Ok(())
        })();
        if let Err(e) = r {
            errors.push(format!("expected.yaml: {e}"));
        }
    }
    if exp.as_of.is_none() {
        errors.push("expected.yaml: `as_of` is required".into());
    }
    if exp.basis.trim().is_empty() {
        errors.push("expected.yaml: `basis` is required (where in the law this comes from)".into());
    }
    if errors.is_empty() {
        Ok(exp)
    } else {
        Err(errors)
    }
}

fn status_str(s: ObligationStatus) -> &'static str {
    s.as_str()
}

/// Every mismatch between a system's report and the expectation.
fn check(sys: &SystemReport, exp: &Expected) -> Vec<String> {
    let mut out = Vec::new();
    let tier = sys.tier.as_str();
    if let Some(t) = &exp.tier
        && t != tier
    {
        out.push(format!("tier is {tier}, expected {t}"));
    }
    let gpai = sys.gpai.as_str();
    if let Some(g) = &exp.gpai
        && g != gpai
    {
        out.push(format!("gpai is {gpai}, expected {g}"));
    }
    let trigger_ids: Vec<&str> = sys.triggers.iter().map(|t| t.id.as_str()).collect();
    for t in &exp.triggers {
        if !trigger_ids.contains(&t.as_str()) {
            out.push(format!("trigger {t} missing (triggers: {trigger_ids:?})"));
        }
    }
    for t in &exp.not_triggers {
        if let Some(tr) = sys.triggers.iter().find(|x| &x.id == t) {
            out.push(format!(
                "trigger {t} present (rule {}) but must not be",
                tr.rule
            ));
        }
    }
    let obligation = |id: &str| sys.obligations.iter().find(|o| o.id == id);
    for o in &exp.obligations {
        match obligation(o) {
            None => out.push(format!("obligation {o} missing")),
            Some(ob) if ob.status == ObligationStatus::Conditional => out.push(format!(
                "obligation {o} is only conditional (depends on {:?})",
                ob.depends_on
            )),
            Some(_) => {}
        }
    }
    for o in &exp.not_obligations {
        if let Some(ob) = obligation(o) {
            out.push(format!(
                "obligation {o} present ({}, rules {:?}) but must not be",
                status_str(ob.status),
                ob.rules
            ));
        }
    }
    for (o, d) in &exp.dates {
        match obligation(o) {
            None => out.push(format!("obligation {o} missing (expected from {d})")),
            Some(ob) if ob.applies_from != Some(*d) => out.push(format!(
                "obligation {o} applies from {}, expected {d}",
                ob.applies_from
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "no date".into())
            )),
            Some(_) => {}
        }
    }
    for (o, s) in &exp.status {
        match obligation(o) {
            None => out.push(format!("obligation {o} missing (expected status {s})")),
            Some(ob) if status_str(ob.status) != s => out.push(format!(
                "obligation {o} is {}, expected {s}",
                status_str(ob.status)
            )),
            Some(_) => {}
        }
    }
    let question_ids: Vec<&str> = sys.open_questions.iter().map(|q| q.id.as_str()).collect();
    for q in &exp.open_questions {
        if !question_ids.contains(&q.as_str()) {
            out.push(format!(
                "open question {q} missing (asked: {question_ids:?})"
            ));
        }
    }
    for q in &exp.not_open_questions {
        if question_ids.contains(&q.as_str()) {
            out.push(format!("open question {q} asked but must not be"));
        }
    }
    out
}

fn summary(sys: &SystemReport) -> String {
    let obligations: Vec<String> = sys
        .obligations
        .iter()
        .map(|o| {
            format!(
                "{}:{}{}",
                o.id,
                status_str(o.status),
                o.applies_from.map(|d| format!("@{d}")).unwrap_or_default()
            )
        })
        .collect();
    let questions: Vec<&str> = sys.open_questions.iter().map(|q| q.id.as_str()).collect();
    let triggers: Vec<&str> = sys.triggers.iter().map(|t| t.id.as_str()).collect();
    format!(
        "      got: tier {}, gpai {}\n      triggers: {triggers:?}\n      obligations: {obligations:?}\n      open questions: {questions:?}",
        sys.tier.as_str(),
        sys.gpai.as_str()
    )
}

struct Outcome {
    slug: String,
    basis: String,
    problems: Vec<String>,
    detail: String,
}

fn run_one(pack: &Pack, dir: &Path) -> Outcome {
    let slug = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut o = Outcome {
        slug,
        basis: String::new(),
        problems: Vec::new(),
        detail: String::new(),
    };
    let exp_text = match std::fs::read_to_string(dir.join("expected.yaml")) {
        Ok(t) => t,
        Err(e) => {
            o.problems.push(format!("cannot read expected.yaml: {e}"));
            return o;
        }
    };
    let exp = match parse_expected(&exp_text) {
        Ok(e) => e,
        Err(errs) => {
            o.problems = errs;
            return o;
        }
    };
    o.basis = exp.basis.clone();
    let manifest = dir.join("aiact.yaml");
    if !manifest.is_file() {
        o.problems.push("no aiact.yaml".into());
        return o;
    }
    let (mut systems, diags) = audit::gather(&manifest, pack);
    for d in diags.iter().filter(|d| d.is_error()) {
        o.problems.push(format!(
            "manifest error {}:{}:{}: {}",
            d.file, d.line, d.column, d.message
        ));
    }
    if systems.len() != 1 {
        o.problems
            .push(format!("expected one system, found {}", systems.len()));
        return o;
    }
    let opts = AuditOptions {
        as_of: exp.as_of.unwrap_or_default(),
        law: exp.law,
        extra_packs: Vec::new(),
    };
    let report = audit::decide(&mut systems, pack, &opts, diags);
    let Some(sys) = report.systems.first() else {
        o.problems.push("the report has no system".into());
        return o;
    };
    o.problems.extend(check(sys, &exp));
    o.detail = format!("      law applied: {}\n{}", report.law.text, summary(sys));
    o
}

fn scenario_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(ROOT)
        .expect("fixtures/scenarios exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Slugs listed in known_gaps.yaml: a YAML list of slugs.
fn known_gaps() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("known_gaps.yaml"))
        .expect("fixtures/scenarios/known_gaps.yaml exists");
    let node = yaml::parse(&text).expect("known_gaps.yaml is YAML");
    match &node.value {
        NodeValue::Null => Vec::new(),
        NodeValue::Seq(items) => items
            .iter()
            .map(|i| scalar(i).expect("known_gaps.yaml: a list of slugs"))
            .collect(),
        _ => panic!("known_gaps.yaml must be a list of scenario slugs"),
    }
}

fn load_pack() -> Pack {
    match pack::default_pack() {
        Ok(p) => p,
        Err(e) => panic!("the default pack does not load: {e:?}"),
    }
}

#[test]
fn scenarios_match_the_law() {
    let pack = load_pack();
    let gaps = known_gaps();
    let mut failures = Vec::new();
    let mut fixed_gaps = Vec::new();
    let dirs = scenario_dirs();
    // AIACT_SCENARIO_DUMP=1 prints what the pack makes of every scenario, passing or not.
    let dump = std::env::var_os("AIACT_SCENARIO_DUMP").is_some();
    for dir in &dirs {
        let o = run_one(&pack, dir);
        if dump {
            eprintln!("{}  [basis: {}]\n{}", o.slug, o.basis, o.detail);
        }
        let is_gap = gaps.contains(&o.slug);
        match (o.problems.is_empty(), is_gap) {
            (true, true) => fixed_gaps.push(o.slug.clone()),
            (false, false) => failures.push(o),
            _ => {}
        }
    }
    let mut msg = String::new();
    if !failures.is_empty() {
        msg.push_str(&format!(
            "{} of {} scenarios do not match the law:\n",
            failures.len(),
            dirs.len()
        ));
        for f in &failures {
            msg.push_str(&format!("\n  {}  [basis: {}]\n", f.slug, f.basis));
            for p in &f.problems {
                msg.push_str(&format!("    - {p}\n"));
            }
            if !f.detail.is_empty() {
                msg.push_str(&f.detail);
                msg.push('\n');
            }
        }
    }
    if !fixed_gaps.is_empty() {
        msg.push_str(&format!(
            "\nthese known gaps now pass; remove them from fixtures/scenarios/known_gaps.yaml and KNOWN_GAPS.md: {fixed_gaps:?}\n"
        ));
    }
    assert!(msg.is_empty(), "{msg}");
}

#[test]
fn there_are_at_least_sixty_scenarios() {
    let n = scenario_dirs().len();
    assert!(
        n >= MIN_SCENARIOS,
        "only {n} scenarios under fixtures/scenarios, at least {MIN_SCENARIOS} wanted"
    );
}

#[test]
fn known_gaps_are_real_scenarios_and_documented() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("KNOWN_GAPS.md"))
        .expect("fixtures/scenarios/KNOWN_GAPS.md exists");
    let dirs: Vec<String> = scenario_dirs()
        .iter()
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().to_string()))
        .collect();
    let mut problems = Vec::new();
    let gaps = known_gaps();
    for g in &gaps {
        if !dirs.contains(g) {
            problems.push(format!("known gap `{g}` is not a scenario folder"));
        }
        if !doc.contains(&format!("`{g}`")) {
            problems.push(format!("known gap `{g}` is not explained in KNOWN_GAPS.md"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for g in &gaps {
        if !seen.insert(g) {
            problems.push(format!("known gap `{g}` listed twice"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_scenario_has_a_manifest_and_an_expectation() {
    let mut problems = Vec::new();
    for d in scenario_dirs() {
        for f in ["aiact.yaml", "expected.yaml"] {
            if !d.join(f).is_file() {
                problems.push(format!("{}: no {f}", d.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
