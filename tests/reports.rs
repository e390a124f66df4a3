//! Every renderer on the bundled fixtures (snapshots, fixed as-of date), the SARIF output
//! against the official 2.1.0 schema, JUnit well-formedness, and hostile input.
//!
//! Update snapshots after a deliberate change: `INSTA_UPDATE=always cargo test --test reports`
//! (or `cargo insta review`), then read the diff before committing.

mod common;

use aiact::report::{self, Report};
use common::{FIXTURES, fixture_report, pack, rich_report};
use serde_json::Value;

fn sarif(rep: &Report, base: &str) -> String {
    report::sarif::render(rep, &pack(), base).unwrap_or_else(|e| panic!("sarif: {e}"))
}

fn html(rep: &Report, lang: &str) -> String {
    report::html::render(rep, lang).unwrap_or_else(|e| panic!("html: {e}"))
}

fn md(rep: &Report, lang: &str) -> String {
    report::markdown::render_lang(rep, lang).unwrap_or_else(|e| panic!("md: {e}"))
}

/// SARIF with the rule list cut down to ids: the full list is the whole pack (tested apart),
/// and would make every snapshot 100 kB.
fn sarif_for_snapshot(text: &str) -> String {
    let mut v: Value = serde_json::from_str(text).expect("SARIF is JSON");
    if let Some(rules) = v.pointer_mut("/runs/0/tool/driver/rules") {
        let ids: Vec<Value> = rules
            .as_array()
            .map(|a| a.iter().filter_map(|r| r.get("id").cloned()).collect())
            .unwrap_or_default();
        *rules = Value::Array(ids);
    }
    serde_json::to_string_pretty(&v).expect("serialises")
}

#[test]
fn snapshots_of_every_renderer_on_every_fixture() {
    let pack = pack();
    // The hostile fixture too: its snapshots show every payload escaped or removed.
    for name in FIXTURES.iter().chain(&["hostile"]) {
        let rep = fixture_report(&pack, name);
        let base = format!("fixtures/{name}");
        insta::assert_snapshot!(format!("{name}.md"), md(&rep, "en"));
        insta::assert_snapshot!(format!("{name}.html"), html(&rep, "en"));
        insta::assert_snapshot!(
            format!("{name}.json"),
            report::json::render(&rep).expect("json")
        );
        insta::assert_snapshot!(
            format!("{name}.sarif"),
            sarif_for_snapshot(&sarif(&rep, &base))
        );
        insta::assert_snapshot!(format!("{name}.junit.xml"), report::junit::render(&rep));
    }
}

#[test]
fn snapshots_in_french() {
    let pack = pack();
    let rep = fixture_report(&pack, "hirerank");
    insta::assert_snapshot!("hirerank.fr.md", md(&rep, "fr"));
    insta::assert_snapshot!("hirerank.fr.html", html(&rep, "fr"));
}

#[test]
fn snapshots_of_a_report_with_every_kind_of_content() {
    let pack = pack();
    let rep = rich_report(&pack);
    insta::assert_snapshot!("rich.md", md(&rep, "en"));
    insta::assert_snapshot!("rich.fr.md", md(&rep, "fr"));
    insta::assert_snapshot!("rich.html", html(&rep, "en"));
    insta::assert_snapshot!("rich.sarif", sarif_for_snapshot(&sarif(&rep, "")));
    insta::assert_snapshot!("rich.junit.xml", report::junit::render(&rep));
}

#[test]
fn every_language_renders_every_report() {
    let pack = pack();
    let mut reports: Vec<Report> = FIXTURES.iter().map(|n| fixture_report(&pack, n)).collect();
    reports.push(rich_report(&pack));
    reports.push(fixture_report(&pack, "hostile"));
    for lang in report::i18n::languages() {
        for rep in &reports {
            md(rep, lang);
            html(rep, lang);
        }
    }
}

#[test]
fn renders_are_deterministic() {
    let pack = pack();
    let a = rich_report(&pack);
    let b = rich_report(&pack);
    assert_eq!(html(&a, "en"), html(&b, "en"));
    assert_eq!(sarif(&a, "x"), sarif(&b, "x"));
    assert_eq!(report::junit::render(&a), report::junit::render(&b));
}

// ---------------------------------------------------------------------------------- HTML

/// The tags of an HTML page, lower-cased. Text from scanned files is escaped (`&lt;`), so
/// every literal `<` opens a tag the page really has; hostile text shown as text is fine.
fn tags(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').unwrap_or(after.len());
        out.push(after[..end].to_ascii_lowercase());
        rest = &after[end.min(after.len())..];
    }
    out
}

/// The attributes of a tag's text (after its name): `name`, `name=value`, `name="v a l"`.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let body = tag.trim_end_matches('/');
    let mut chars = body.chars().skip_while(|c| !c.is_whitespace()).peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if key.is_empty() {
            break;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            match chars.peek().copied() {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    value = std::iter::from_fn(|| chars.next_if(|c| *c != q)).collect();
                    chars.next();
                }
                _ => value = std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect(),
            }
        }
        out.push((key, value));
    }
    out
}

/// No tag that runs script, loads anything, or navigates by script.
fn assert_inert_tags(page: &str, context: &str) {
    for tag in tags(page) {
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
            .collect();
        assert!(
            ![
                "script", "iframe", "svg", "img", "object", "embed", "form", "input", "base",
                "link", "frame", "video", "audio", "source"
            ]
            .contains(&name.as_str()),
            "{context}: a <{name}> tag in the page: <{tag}>"
        );
        if name == "meta" {
            assert!(!tag.contains("refresh"), "{context}: <{tag}>");
        }
        for (key, value) in attributes(&tag) {
            assert!(
                !key.starts_with("on"),
                "{context}: event handler in <{tag}>"
            );
            assert!(
                key != "style" && key != "src" && key != "srcdoc",
                "{context}: `{key}` in <{tag}>"
            );
            if key == "href" {
                assert!(
                    value.starts_with("https://")
                        || value.starts_with("http://")
                        || value.starts_with("mailto:")
                        || value.starts_with('#'),
                    "{context}: a link to {value:?}"
                );
            }
        }
        assert!(!tag.contains("javascript:"), "{context}: <{tag}>");
        assert!(!tag.contains("tracker.invalid"), "{context}: <{tag}>");
    }
}

#[test]
fn html_is_self_contained_and_scriptless() {
    let pack = pack();
    let page = html(&rich_report(&pack), "en");
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..80]);
    assert!(page.contains("<style>") && page.contains("@media print"));
    assert!(page.contains("Content-Security-Policy"));
    let lower = page.to_ascii_lowercase();
    for bad in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=",
    ] {
        assert!(!lower.contains(bad), "the report contains `{bad}`");
    }
    // The only absolute URLs are links a reader may follow (the description's) and the
    // print style sheet's selector for them; nothing is loaded.
    for (i, _) in lower
        .match_indices("http:")
        .chain(lower.match_indices("https:"))
    {
        let before = &lower[..i];
        assert!(
            before.ends_with("href=\"") || before.ends_with("href^=\""),
            "unexpected URL at {}",
            &page[i.saturating_sub(40)..(i + 60).min(page.len())]
        );
    }
}

#[test]
fn html_shows_what_an_auditor_needs() {
    let pack = pack();
    // minijinja escapes `/` too; compare with the text a reader sees.
    let page = html(&rich_report(&pack), "en").replace("&#x2f;", "/");
    for needle in [
        "tier-high_risk",
        "gpai-gpai_systemic_risk",
        "tier-prohibited",
        "Recruitment and selection of people",
        "services/cv/aiact.yaml:6", // evidence as file:line
        "services/cv/README.md:12",
        "Risk management system", // obligations table
        "not yet applicable",
        "conditional",
        "Coming deadlines",
        "<time datetime=\"2027-12-02\">", // art26 / art27 in the timeline
        "Is the deployer a body governed by public law?",
        "evidence.conflict",
        "Assumptions",
        "Evidence inventory",
        "source-guidance", // method: guidance conclusions are named
        "aiact-default",
    ] {
        assert!(page.contains(needle), "the HTML report lacks `{needle}`");
    }
    // The timeline lists only what is still to come, in date order.
    let timeline = page
        .split("Coming deadlines")
        .nth(3)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_default();
    let art26 = timeline.find("art26");
    let art27 = timeline.find("art27");
    assert!(
        art26.is_some() && art27.is_some() && art26 < art27,
        "{timeline}"
    );
    assert!(
        !timeline.contains(">art9<"),
        "art9 already applies: {timeline}"
    );
}

#[test]
fn html_escapes_hostile_manifest_strings() {
    let pack = pack();
    let rep = fixture_report(&pack, "hostile");
    for lang in report::i18n::languages() {
        let page = html(&rep, lang);
        assert_inert_tags(&page, lang);
        assert!(
            page.contains("HostileBot &lt;script&gt;"),
            "the name is shown, escaped"
        );
    }
}

#[test]
fn markdown_from_a_model_card_is_sanitised_in_the_html_report() {
    let pack = pack();
    let mut rep = fixture_report(&pack, "hostile");
    let card = std::fs::read_to_string("fixtures/hostile/README.md").expect("card");
    rep.systems[0].description = card;
    let page = html(&rep, "en");
    assert_inert_tags(&page, "model card");
    // Text that names the payloads may remain (escaped); markup from them may not.
    assert!(
        !page.contains("position:fixed"),
        "the card's overlay style survived"
    );
    // The sanitised card is there: the payload-free parts render as Markdown.
    assert!(page.contains("A model card that tries every trick."));
    assert!(
        page.contains("<h5>Intended use</h5>"),
        "card headings sit below the report's"
    );
    assert!(
        page.contains("[benchmark chart]"),
        "images are reduced to alt text"
    );
}

// --------------------------------------------------------------------------------- SARIF

/// The official schema, committed verbatim (see tests/schemas/README.md), compiled with
/// format checks on (`uri`, `uri-reference`).
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").expect("schema");
    // The schema's BCP 47 `language` pattern has a stray `]` that is not a valid ECMA 262
    // regex, so the meta-schema check refuses the whole schema. We never write `language`;
    // the pattern is corrected in memory only, the committed file stays as published.
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}?$""#,
    );
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema compiles: {e}"))
}

fn assert_no_empty_strings(v: &Value, path: &str) {
    match v {
        Value::String(s) => assert!(!s.trim().is_empty(), "empty string at {path}"),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                assert_no_empty_strings(x, &format!("{path}[{i}]"));
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                assert!(!k.is_empty(), "empty key at {path}");
                assert_no_empty_strings(x, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let validator = sarif_validator();
    let pack = pack();
    let mut cases: Vec<(String, Report, &str)> = FIXTURES
        .iter()
        .map(|n| (n.to_string(), fixture_report(&pack, n), "fixtures/x"))
        .collect();
    cases.push(("rich".into(), rich_report(&pack), ""));
    cases.push((
        "hostile".into(),
        fixture_report(&pack, "hostile"),
        "fixtures/hostile dir#1",
    ));
    for (name, rep, base) in cases {
        let text = sarif(&rep, base);
        let v: Value = serde_json::from_str(&text).expect("SARIF is JSON");
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert_no_empty_strings(&v, &name);
    }
}

#[test]
fn the_schema_rejects_what_github_would() {
    // The validator is not vacuous: a result without a message, or a bad level, fails.
    let validator = sarif_validator();
    let bad: Value = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "aiact"}}, "results": [{"level": "fatal", "message": {}}]}]
    });
    assert!(validator.iter_errors(&bad).count() >= 2);
    let bad_uri: Value = serde_json::json!({
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "aiact"}}, "results": [{"message": {"text": "x"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b|c"}}}]}]}]
    });
    assert!(
        validator
            .iter_errors(&bad_uri)
            .any(|e| e.to_string().contains("uri-reference")),
        "format checks are on"
    );
}

#[test]
fn sarif_rules_come_from_the_pack_and_results_point_at_files() {
    let pack = pack();
    let rep = rich_report(&pack);
    let v: Value = serde_json::from_str(&sarif(&rep, "repo")).expect("json");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in &pack.rules {
        assert!(
            rules.iter().any(|x| x["id"] == r.id.as_str()),
            "rule {} missing",
            r.id
        );
    }
    let help = rules
        .iter()
        .find(|x| x["id"] == "annex3.4.a")
        .and_then(|x| x["help"]["text"].as_str())
        .unwrap_or_default();
    assert!(help.contains("Cites: annex3.4.a"), "{help}");
    assert!(run["tool"]["driver"]["informationUri"].as_str().is_some());

    let results = run["results"].as_array().expect("results");
    let find = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("no result for {rule}"))
    };
    let hr = find("annex3.4.a");
    assert_eq!(hr["level"], "warning");
    let loc = &hr["locations"][0]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "repo/services/cv/aiact.yaml"
    );
    assert_eq!(loc["region"]["startLine"], 6);
    assert_eq!(
        hr["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "repo/services/cv/README.md"
    );
    assert_eq!(find("art5.1.e")["level"], "error");
    assert_eq!(find("art51.2")["level"], "note");
    // A trigger with no located evidence falls back to the system's manifest, line 1.
    let fallback = &find("art51.2")["locations"][0]["physicalLocation"];
    assert_eq!(
        fallback["artifactLocation"]["uri"],
        "repo/models/aurora/aiact.yaml"
    );
    assert_eq!(fallback["region"]["startLine"], 1);
    let und = find("aiact.undetermined");
    assert_eq!(und["level"], "warning");
    assert_eq!(find("evidence.conflict")["level"], "warning");
    // Every result's rule is declared, at the index it names.
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(
            r["partialFingerprints"]["aiactSystemRule/v1"]
                .as_str()
                .is_some_and(|s| s.len() == 16)
        );
    }
}

#[test]
fn sarif_fingerprints_do_not_depend_on_the_date_or_the_order() {
    let pack = pack();
    let a = rich_report(&pack);
    let mut b = rich_report(&pack);
    b.as_of = jiff::civil::date(2030, 1, 1);
    b.systems.reverse();
    let prints = |rep: &Report| {
        let v: Value = serde_json::from_str(&sarif(rep, "")).expect("json");
        let mut p: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| format!("{}={}", r["ruleId"], r["partialFingerprints"]))
            .collect();
        p.sort();
        p
    };
    assert_eq!(prints(&a), prints(&b));
}

// --------------------------------------------------------------------------------- JUnit

/// Check well-formedness with quick-xml (matching end tags, valid attributes, known entity
/// and character references) plus the XML 1.0 character set, which quick-xml leaves to the
/// caller. Return (test cases, failures, skipped) as counted from the elements.
fn parse_junit(xml: &str) -> (usize, usize, usize) {
    use quick_xml::Reader;
    use quick_xml::XmlVersion;
    use quick_xml::events::Event;
    for c in xml.chars() {
        let ok = matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
        assert!(ok, "character {:?} is not allowed in XML 1.0", c);
    }
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let (mut cases, mut failures, mut skipped) = (0, 0, 0);
    let mut depth = 0i32;
    let check_attrs = |e: &quick_xml::events::BytesStart<'_>| {
        for a in e.attributes() {
            let a = a.unwrap_or_else(|err| panic!("bad attribute: {err}"));
            a.normalized_value(XmlVersion::Implicit1_0)
                .unwrap_or_else(|err| panic!("bad attribute value: {err}"));
        }
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                match e.name().as_ref() {
                    "testcase" => cases += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
                check_attrs(&e);
            }
            Ok(Event::Empty(e)) => {
                match e.name().as_ref() {
                    "testcase" => cases += 1,
                    "skipped" => skipped += 1,
                    _ => {}
                }
                check_attrs(&e);
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::GeneralRef(r)) => {
                if r.is_char_ref() {
                    assert!(
                        matches!(r.resolve_char_ref(), Ok(Some(_))),
                        "bad character reference"
                    );
                } else {
                    let name = r.xml10_content();
                    assert!(
                        ["amp", "lt", "gt", "quot", "apos"].contains(&name.as_ref()),
                        "undefined entity &{name};"
                    );
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    (cases, failures, skipped)
}

#[test]
fn junit_is_well_formed_and_counts_agree() {
    let pack = pack();
    let mut reports: Vec<(String, Report)> = FIXTURES
        .iter()
        .map(|n| (n.to_string(), fixture_report(&pack, n)))
        .collect();
    reports.push(("rich".into(), rich_report(&pack)));
    reports.push(("hostile".into(), fixture_report(&pack, "hostile")));
    for (name, rep) in reports {
        let xml = report::junit::render(&rep);
        let (cases, failures, skipped) = parse_junit(&xml);
        let head = xml.lines().nth(1).unwrap_or_default();
        assert!(
            head.contains(&format!("tests=\"{cases}\""))
                && head.contains(&format!("failures=\"{failures}\""))
                && head.contains(&format!("skipped=\"{skipped}\"")),
            "{name}: {head} vs {cases}/{failures}/{skipped}"
        );
    }
}

#[test]
fn junit_fails_prohibited_and_undetermined_systems_and_skips_later_duties() {
    let pack = pack();
    let xml = report::junit::render(&rich_report(&pack));
    // Classification per system (4) + one case per obligation (4 + 1).
    assert_eq!(parse_junit(&xml), (9, 2, 2));
    assert!(xml.contains("type=\"prohibited\""));
    assert!(xml.contains("type=\"undetermined\""));
    assert!(xml.contains("<skipped message=\"applies from 2027-12-02\"/>"));
    assert!(xml.contains("depends on open questions: public_authority"));
}

#[test]
fn junit_survives_control_characters_and_markup() {
    let pack = pack();
    let mut rep = rich_report(&pack);
    rep.systems[0].name = "bad\u{1}\u{8}name <x> & \"q\" ]]> \u{FFFE}".into();
    let xml = report::junit::render(&rep);
    parse_junit(&xml);
    assert!(!xml.contains('\u{1}'));
}

// ------------------------------------------------------------------------------ Markdown

#[test]
fn markdown_neutralises_hostile_strings() {
    let pack = pack();
    let text = md(&fixture_report(&pack, "hostile"), "en");
    assert!(!text.contains("<script"), "raw HTML passed into Markdown");
    assert!(!text.contains("<img"), "raw HTML passed into Markdown");
    assert!(
        !text.contains("](javascript:") || text.contains("\\](javascript:"),
        "a live javascript: link"
    );
    assert!(
        !text
            .replace("\\](javascript:", "")
            .contains("](javascript:"),
        "a live javascript: link"
    );
    // Table rows keep their shape: the pipe in the name is escaped.
    for line in text.lines().filter(|l| l.starts_with("| HostileBot")) {
        assert!(line.contains("\\|"), "{line}");
    }
}

// ------------------------------------------------------------- evidence checks and gate

/// The rich report in JSON form with the fields `aiact check` adds (evidence status, the
/// documents checked, missing sections, waivers, the verdict), some of them hostile: the
/// templates render them when present, before and after the gate's stage is merged.
fn checked_report_json() -> Value {
    let pack = pack();
    let mut v = serde_json::to_value(rich_report(&pack)).expect("json");
    let cv = v["systems"]
        .as_array_mut()
        .and_then(|a| a.iter_mut().find(|s| s["name"] == "CV Ranker"))
        .expect("CV Ranker");
    for (i, o) in cv["obligations"]
        .as_array_mut()
        .expect("list")
        .iter_mut()
        .enumerate()
    {
        let status = ["missing", "partial", "met"][i % 3];
        o["evidence_status"] = status.into();
        o["evidence_checked"] = serde_json::json!([
            {"kind": "risk_management", "path": "docs/risk.md", "found": status != "missing",
             "from": "default", "sections_checked": true,
             "sections": [{"id": "art9.2.a", "line": 12, "heading": "Risks"}]},
            {"kind": "risk_management", "path": "docs/<script>alert(1)</script>.md", "found": false,
             "from": "manifest", "sections_checked": false, "sections": []}
        ]);
        o["missing_sections"] = serde_json::json!([
            {"kind": "risk_management", "id": "art9.2.b", "title": "Estimate and evaluate risks",
             "note": "empty section at line 20"}
        ]);
        o["waived"] = if status == "met" {
            serde_json::json!({"reason": "<img src=x onerror=alert(1)>", "owner": "Ana <ana@example.org>",
                               "expires": "2027-01-31", "source": "aiact-waivers.yaml:4"})
        } else {
            Value::Null
        };
    }
    for o in cv["conditional_obligations"].as_array_mut().expect("list") {
        o["evidence_status"] = Value::Null;
        o["evidence_checked"] = serde_json::json!([]);
        o["missing_sections"] = serde_json::json!([]);
        o["waived"] = Value::Null;
    }
    v["waivers"] = serde_json::json!([
        {"id": "art11", "system": "services/cv", "reason": "docs move <b>next</b> sprint",
         "owner": "Ana", "expires": "2027-01-31", "status": "active", "source": "aiact-waivers.yaml:4",
         "applied_to": ["art11"]}
    ]);
    v["gate"] = serde_json::json!({
        "passed": false,
        "fail_on": ["prohibited", "missing_evidence"],
        "failures": [{"path": "services/cv", "system": "CV Ranker", "condition": "missing_evidence",
                      "id": "art9", "message": "no risk management document <script>"}]
    });
    v
}

#[test]
fn evidence_checks_and_the_gate_render_when_present() {
    use aiact::report::templates::{Source, render_data};
    let v = checked_report_json();
    for lang in report::i18n::languages() {
        let page = render_data(&v, Source::Builtin("report.html.j2"), lang)
            .unwrap_or_else(|e| panic!("{lang}: {e}"));
        assert_inert_tags(&page, lang);
        let md = render_data(&v, Source::Builtin("report.md.j2"), lang)
            .unwrap_or_else(|e| panic!("{lang}: {e}"));
        // Inside code spans `<` is literal text (CommonMark); outside them none may remain.
        let prose: String = md
            .lines()
            .map(|l| l.split('`').step_by(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !prose.contains("<script") && !prose.contains("<img") && !prose.contains("<b>"),
            "{lang}: raw HTML in Markdown"
        );
        if lang == "en" {
            let page = page.replace("&#x2f;", "/");
            for needle in [
                "Gate: failed",
                "evidence missing",
                "evidence partial",
                "docs/risk.md",
                "art9.2.b",
                "empty section at line 20",
                "waived until 2027-01-31",
                "Waivers",
                "docs move &lt;b&gt;next&lt;/b&gt; sprint",
            ] {
                assert!(page.contains(needle), "HTML lacks `{needle}`");
            }
            for needle in [
                "## Gate: failed",
                "### Evidence checks",
                "**evidence missing**",
                "## Waivers",
            ] {
                assert!(md.contains(needle), "Markdown lacks `{needle}`");
            }
        }
    }
}
