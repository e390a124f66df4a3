//! CLI tests: every command, its exit code and the shape of its output. Error cases are data
//! (tests/cmd/*.toml, checked by trycmd); the rest asserts on the real binary's output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn aiact(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aiact"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run aiact")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn error_cases_as_data() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}

#[test]
fn audit_hirerank_is_high_risk_with_provider_obligations_and_dates() {
    let o = aiact(&[
        "audit",
        "fixtures/hirerank",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json(&o);
    let s = &r["systems"][0];
    assert_eq!(s["name"], "HireRank");
    assert_eq!(s["tier"], "high_risk");
    let triggers: Vec<&str> = s["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    assert!(triggers.contains(&"annex3.4.a"), "{triggers:?}");
    let obligations: Vec<&str> = s["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    for id in [
        "art9", "art10", "art11", "art12", "art13", "art14", "art15", "art16", "art17", "art43",
        "art47", "art48", "art49.1", "art72", "art73",
    ] {
        assert!(obligations.contains(&id), "missing {id} in {obligations:?}");
    }
    for o in s["obligations"].as_array().unwrap() {
        if o["status"] != "conditional" {
            assert!(o["applies_from"].is_string(), "{o}");
        }
    }
    // Under the amended text, Annex III duties apply from 2 December 2027.
    let art9 = s["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "art9")
        .unwrap();
    assert_eq!(art9["applies_from"], "2027-12-02");
    assert_eq!(art9["status"], "not_yet_applicable");
    // Not a deployer: no deployer duties.
    assert!(
        !obligations.contains(&"art26") && !obligations.contains(&"art27"),
        "{obligations:?}"
    );
}

#[test]
fn audit_is_deterministic() {
    let a = aiact(&[
        "audit",
        "fixtures",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
    ]);
    let b = aiact(&[
        "audit",
        "fixtures",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let a = aiact(&["audit", "fixtures/hirerank", "--as-of", "2026-11-27"]);
    let b = aiact(&["audit", "fixtures/hirerank", "--as-of", "2026-11-27"]);
    assert_eq!(a.stdout, b.stdout);
    assert!(!a.stdout.is_empty());
}

#[test]
fn leaving_out_the_deciding_fact_gives_undetermined_and_asks_for_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aiact.yaml"),
        "name: HireRank\nrole: provider\nfacts:\n  eu_market: true\n  profiling: true\n  art5.1: false\n  art50: false\n  art6.1.a: false\n",
    )
    .unwrap();
    let o = aiact(&[
        "audit",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["systems"][0]["tier"], "undetermined");
    let qs: Vec<&str> = r["systems"][0]["open_questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["id"].as_str())
        .collect();
    assert!(qs.iter().any(|q| q.starts_with("annex3")), "{qs:?}");
}

#[test]
fn markdown_report_names_tier_triggers_and_evidence() {
    let o = aiact(&["audit", "fixtures/hirerank", "--as-of", "2026-11-27"]);
    assert_eq!(o.status.code(), Some(0));
    let md = stdout(&o);
    assert!(md.contains("**Tier: High-risk**"), "{md}");
    assert!(md.contains("`annex3.4.a`"));
    assert!(
        md.contains("aiact.yaml:6"),
        "evidence points at the manifest line"
    );
}

#[test]
fn out_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let o = aiact(&[
        "audit",
        "fixtures/hirerank",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"schema_version\""));
}

#[test]
fn json_report_validates_against_the_committed_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let o = aiact(&[
        "audit",
        "fixtures",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
    ]);
    let report = json(&o);
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn law_option_switches_the_dates() {
    let o = aiact(&[
        "audit",
        "fixtures/hirerank",
        "--format",
        "json",
        "--as-of",
        "2026-11-27",
        "--law",
        "original",
    ]);
    let r = json(&o);
    assert_eq!(r["law"]["text"], "original");
    let art9 = r["systems"][0]["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "art9")
        .cloned()
        .unwrap();
    assert_eq!(art9["applies_from"], "2026-08-02");
    assert_eq!(art9["status"], "applies");
}

#[test]
fn rules_list_and_json() {
    let o = aiact(&["rules", "list"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("annex3.4.a"));
    let o = aiact(&["rules", "list", "--format", "json"]);
    let v = json(&o);
    let first = &v.as_array().unwrap()[0];
    assert!(first["id"].is_string() && first["title"].is_string() && first["cites"].is_array());
}

#[test]
fn rules_explain_prints_everything_a_reviewer_needs() {
    let o = aiact(&["rules", "explain", "annex3.4.a"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    for part in [
        "provision:",
        "cites:",
        "summary:",
        "status:",
        "applies:",
        "condition:",
        "tests:",
    ] {
        assert!(s.contains(part), "missing {part} in\n{s}");
    }
    let o = aiact(&["rules", "explain", "annex3.4.z"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"));
}

#[test]
fn rules_validate_the_default_pack_and_a_broken_one() {
    let o = aiact(&["rules", "validate", "rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = aiact(&["rules", "validate", "fixtures/packs/bad"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    // Every error at once, each with file:line:column.
    assert!(e.contains("fixtures/packs/bad/broken.yaml:3:11"), "{e}");
    assert!(e.contains("syntax.yaml:3:"), "{e}");
    assert!(e.contains("cycle"), "{e}");
    assert!(!e.contains("panicked"));
}

#[test]
fn rules_test_runs_every_case() {
    let o = aiact(&["rules", "test"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 failed"));
}

#[test]
fn rules_test_fails_with_exit_1_on_a_failing_case() {
    let o = aiact(&["rules", "test", "fixtures/packs/failing"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL failing.rule"));
}

#[test]
fn init_writes_a_template_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().to_str().unwrap();
    let o = aiact(&["init", p]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(dir.path().join("aiact.yaml")).unwrap();
    assert!(written.contains("name:"));
    // The template itself is a valid manifest.
    let o = aiact(&["audit", p, "--format", "json", "--as-of", "2026-11-27"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(dir.path().join("aiact.yaml"), "name: mine\n").unwrap();
    let o = aiact(&["init", p]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("aiact.yaml")).unwrap(),
        "name: mine\n"
    );
}

#[test]
fn bad_input_exits_2_with_positions_and_no_panic() {
    for (dir, needle) in [
        ("fixtures/invalid/malformed-yaml", "aiact.yaml:5:"),
        ("fixtures/invalid/unknown-role", "aiact.yaml:2:7"),
        ("fixtures/invalid/wrong-type", "aiact.yaml:4:14"),
        ("fixtures/invalid/unknown-key", "did you mean `role`"),
    ] {
        let o = aiact(&["audit", dir, "--format", "json", "--as-of", "2026-11-27"]);
        assert_eq!(o.status.code(), Some(2), "{dir}");
        let e = stderr(&o);
        assert!(e.contains(needle), "{dir}: {e}");
        assert!(
            !e.contains("panicked") && !e.contains("RUST_BACKTRACE"),
            "{e}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let o = aiact(&["audit", "--as-of", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    let o = aiact(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = aiact(&["audit", "no/such/path"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_has_examples_and_exit_codes() {
    let o = aiact(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Exit codes"));
    for cmd in [
        &["audit", "--help"][..],
        &["rules", "list", "--help"],
        &["rules", "explain", "--help"],
        &["rules", "validate", "--help"],
        &["rules", "test", "--help"],
        &["init", "--help"],
    ] {
        let o = aiact(cmd);
        assert!(stdout(&o).contains("Examples"), "{cmd:?}");
    }
}

#[test]
fn a_user_pack_overrides_a_rule_by_id() {
    let o = aiact(&[
        "rules",
        "explain",
        "annex3.4.a",
        "--rules",
        "fixtures/packs/override",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("pack override"), "{}", stdout(&o));
}

#[allow(dead_code)]
fn exists(p: &Path) -> bool {
    p.exists()
}

/// `--rules DIR` extends what the scanners look for: a library in `evidence/libraries.yaml`
/// and a prose signal in `evidence/signals.yaml` are found in a repository, next to the
/// defaults; a bad entry is an error with its position, and nothing is scanned.
#[test]
fn a_rule_folder_extends_the_library_catalogue_and_the_signals() {
    let t = tempfile::tempdir().expect("tempdir");
    let pack = t.path().join("pack/evidence");
    let repo = t.path().join("repo");
    std::fs::create_dir_all(&pack).expect("mkdir");
    std::fs::create_dir_all(&repo).expect("mkdir");
    std::fs::write(
        pack.join("libraries.yaml"),
        "libraries:\n  - {name: acme-faceprint, ecosystems: [pypi], category: face}\n",
    )
    .expect("write");
    std::fs::write(
        pack.join("signals.yaml"),
        "signals:\n  - id: acme_gait\n    provision: annex3.1.a\n    title: gait identification\n    pattern: '\\bgait (?:identification|recognition)\\b'\n    tests:\n      hit: [gait recognition]\n",
    )
    .expect("write");
    std::fs::write(
        repo.join("requirements.txt"),
        "acme-faceprint==2.1\ntorch\n",
    )
    .expect("write");
    std::fs::write(
        repo.join("README.md"),
        "# Doors\n\nGait recognition at the entrance.\n",
    )
    .expect("write");
    let audit = |with_pack: bool| {
        let mut args = vec!["audit", repo.to_str().expect("utf-8"), "--format", "json"];
        if with_pack {
            args.extend([
                "--rules",
                pack.parent().and_then(Path::to_str).expect("utf-8"),
            ]);
        }
        let o = aiact(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o)
    };
    // `rules test` runs the folder's signal examples with the default ones.
    let pack_dir = pack.parent().and_then(Path::to_str).expect("utf-8");
    let o = aiact(&["rules", "test", pack_dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("examples: 0 failed"), "{}", stdout(&o));
    let (plain, extended) = (audit(false), audit(true));
    assert!(
        plain.contains("torch") && !plain.contains("acme-faceprint"),
        "{plain}"
    );
    assert!(!plain.contains("Gait recognition"));
    assert!(
        extended.contains("acme-faceprint"),
        "the library is matched"
    );
    assert!(
        extended.contains("Gait recognition"),
        "the signal is raised"
    );
    assert!(extended.contains("torch"), "the defaults stay");

    std::fs::write(
        pack.join("signals.yaml"),
        "signals:\n  - id: acme_gait\n    provision: annex3.1.a\n    pattern: '\\bgait recognition\\b'\n    tests:\n      hit: [gait identification]\n",
    )
    .expect("write");
    let o = aiact(&["rules", "test", pack_dir]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("FAIL signal `acme_gait` should hit \"gait identification\""),
        "{}",
        stdout(&o)
    );
    std::fs::write(
        pack.join("libraries.yaml"),
        "libraries:\n  - {name: acme-x, ecosystems: [pypi], category: fase}\n",
    )
    .expect("write");
    let o = aiact(&[
        "audit",
        repo.to_str().expect("utf-8"),
        "--rules",
        pack.parent().and_then(Path::to_str).expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("libraries.yaml:2:5"), "{err}");
    assert!(err.contains("did you mean `face`?"), "{err}");
    let o = aiact(&[
        "rules",
        "validate",
        pack.parent().and_then(Path::to_str).expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}

/// `AIACT_TIMINGS` prints each stage's time and peak memory on stderr, and only when set; the
/// report on stdout is the same either way.
#[test]
fn timings_go_to_stderr_only_when_asked() {
    let args = [
        "audit",
        "fixtures/hirerank",
        "--format",
        "json",
        "--as-of",
        "2026-12-01",
    ];
    let plain = aiact(&args);
    let timed = Command::new(env!("CARGO_BIN_EXE_aiact"))
        .args(args)
        .current_dir(root())
        .env("AIACT_TIMINGS", "1")
        .output()
        .expect("run aiact");
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(timed.status.code(), Some(0));
    assert!(
        !stderr(&plain).contains("aiact: timing"),
        "{}",
        stderr(&plain)
    );
    let err = stderr(&timed);
    for stage in [
        "tree walked",
        "systems decided",
        "evidence checked",
        "report written",
    ] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("aiact: timing") && l.ends_with(stage)),
            "{stage}: {err}"
        );
    }
    assert_eq!(plain.stdout, timed.stdout);
}
