//! `aiact check` and `aiact diff` as a user runs them: exit codes, terminal output, waivers,
//! reports. Fixtures live in fixtures/gate/ and run on the default rule pack.

use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2028-06-01";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiact"));
    cmd.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run aiact");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn aiact(args: &[&str]) -> Run {
    run_in(&root(), args, &[])
}

/// `aiact check FIXTURE --as-of AS_OF ...`
fn check(fixture: &str, extra: &[&str]) -> Run {
    let path = format!("fixtures/gate/{fixture}");
    let mut args = vec!["check", path.as_str(), "--as-of", AS_OF];
    args.extend_from_slice(extra);
    aiact(&args)
}

fn show(r: &Run) -> String {
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

#[test]
fn a_system_with_all_its_evidence_passes() {
    let r = check("pass", &[]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout.starts_with("PASS  RankRight (.)  high_risk\n"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout.contains("gate passed: 1 system(s)"),
        "{}",
        show(&r)
    );
}

#[test]
fn a_prohibited_practice_fails_and_cannot_be_waived() {
    let r = check("prohibited", &[]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout.contains(
            "FAIL  FaceTrawl (.)  prohibited  prohibited: art5.1.e: a prohibited practice may not be placed"
        ),
        "{}",
        show(&r)
    );

    let r = check(
        "prohibited",
        &["--waivers", "fixtures/gate/waivers/prohibited.yaml"],
    );
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stderr.contains("cannot be waived"), "{}", show(&r));
    // Even --allow-undetermined does not let it through.
    assert_eq!(check("prohibited", &["--allow-undetermined"]).code, 1);
}

#[test]
fn missing_evidence_for_an_obligation_in_force_fails_naming_the_gaps() {
    let r = check("missing-evidence", &[]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout
            .contains("art11: missing sections annex4.5, annex4.7, annex4.8, annex4.9"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout.contains("art12: no document found"),
        "{}",
        show(&r)
    );
    assert!(r.stdout.contains("art9: no document found"), "{}", show(&r));
}

#[test]
fn obligations_not_yet_in_force_fail_only_when_asked() {
    // Annex III duties apply from 2027-12-02 under the amended text.
    let before = ["--as-of", "2027-06-01"];
    let r = aiact(&[
        "check",
        "fixtures/gate/missing-evidence",
        before[0],
        before[1],
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let r = aiact(&[
        "check",
        "fixtures/gate/missing-evidence",
        before[0],
        before[1],
        "--fail-on",
        "upcoming-evidence",
    ]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout
            .contains("upcoming-evidence: art9: no document found"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout.contains("; art11: missing sections"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout.contains("from 2027-12-02, not yet applicable"),
        "{}",
        show(&r)
    );
}

#[test]
fn undetermined_fails_unless_allowed() {
    let r = check("undetermined", &[]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout.contains("undetermined: tier undetermined; answer"),
        "{}",
        show(&r)
    );
    assert_eq!(check("undetermined", &["--allow-undetermined"]).code, 0);
    let r = check(
        "undetermined",
        &["--allow-undetermined", "--fail-on", "undetermined"],
    );
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stderr.contains("contradict"), "{}", show(&r));
}

#[test]
fn fail_on_adds_conditions() {
    let r = check("pass", &["--fail-on", "high-risk"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stdout.contains("high-risk: annex3.4.a"), "{}", show(&r));
    assert!(
        r.stdout
            .contains("fails on: prohibited, undetermined, missing-evidence, high-risk")
    );
    // A chatbot with its disclosure passes the defaults; any-finding sees its open questions.
    assert_eq!(check("chatbot", &[]).code, 0);
    assert_eq!(check("gpai", &[]).code, 0);
    let r = check("gpai", &["--fail-on", "any-finding"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let r = check("pass", &["--fail-on", "sometimes"]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(
        r.stderr
            .contains("expected one of prohibited, undetermined"),
        "{}",
        show(&r)
    );
}

#[test]
fn the_default_waiver_file_covers_gaps_until_it_expires() {
    let r = check("waived", &[]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout
            .contains("PASS  ShortList (.)  high_risk  (3 waived)"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout
            .contains("waiver active  art11 on ShortList until 2028-12-31"),
        "{}",
        show(&r)
    );

    // The last day still holds; the day after, every waiver has expired: fail closed.
    let r = aiact(&["check", "fixtures/gate/waived", "--as-of", "2028-12-31"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let r = aiact(&["check", "fixtures/gate/waived", "--as-of", "2029-01-01"]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout
            .contains("waiver EXPIRED  art11 on ShortList until 2028-12-31"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout
            .contains("missing-evidence: art9: no document found; art11: missing sections"),
        "{}",
        show(&r)
    );
}

#[test]
fn an_expired_waiver_fails_even_when_the_others_hold() {
    let r = check(
        "waived",
        &["--waivers", "fixtures/gate/waivers/expired.yaml"],
    );
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout
            .contains("waiver EXPIRED  art11 on ShortList until 2028-01-31"),
        "{}",
        show(&r)
    );
    assert!(r.stdout.contains("waiver active  art12"), "{}", show(&r));

    let r = check(
        "waived",
        &[
            "--waivers",
            "fixtures/gate/waivers/expired.yaml",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
    let waivers = v["waivers"].as_array().expect("waivers");
    assert_eq!(waivers[0]["status"], "expired");
    assert_eq!(waivers[1]["status"], "active");
    let gate = &v["gate"];
    assert_eq!(gate["passed"], false);
    assert!(
        gate["failures"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["condition"] == "waiver-expired"))
    );
}

#[test]
fn a_malformed_waiver_file_is_an_input_error_with_positions() {
    let r = check(
        "waived",
        &["--waivers", "fixtures/gate/waivers/malformed.yaml"],
    );
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(
        r.stderr.contains(
            "fixtures/gate/waivers/malformed.yaml:2:5: error[waiver.malformed]: `owner` is required"
        ),
        "{}",
        show(&r)
    );
    assert!(
        r.stderr
            .contains("malformed.yaml:5:14: error[waiver.malformed]: `expires` must be a date"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout.is_empty(),
        "no verdict on a broken waiver file: {}",
        show(&r)
    );

    let r = check(
        "pass",
        &["--waivers", "fixtures/gate/waivers/no-such-file.yaml"],
    );
    assert_eq!(r.code, 2, "{}", show(&r));
}

#[test]
fn waived_items_stay_in_the_report_marked() {
    let r = check("waived", &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
    let obligations = v["systems"][0]["obligations"]
        .as_array()
        .expect("obligations");
    let art11 = obligations
        .iter()
        .find(|o| o["id"] == "art11")
        .expect("art11");
    assert_eq!(art11["evidence_status"], "waived");
    assert_eq!(art11["waived"]["owner"], "compliance@shortlist.example");
    assert_eq!(art11["waived"]["expires"], "2028-12-31");
    // The gaps are still listed.
    let missing: Vec<&str> = art11["missing_sections"]
        .as_array()
        .expect("missing")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(missing, ["annex4.5", "annex4.7", "annex4.8", "annex4.9"]);
    // The empty heading is named with its line.
    assert!(
        art11["missing_sections"][0]["note"]
            .as_str()
            .is_some_and(|n| n.contains("compliance/technical-documentation.md:15"))
    );
    // The summary went to stderr, the report to stdout.
    assert!(r.stderr.contains("PASS  ShortList"), "{}", show(&r));
    // The Markdown report shows the waivers too.
    let md = check("waived", &["--format", "md"]).stdout;
    assert!(md.contains("## Waivers"), "{md}");
    assert!(
        md.contains("| `art11` | ShortList | 2028-12-31 | compliance@shortlist.example |"),
        "{md}"
    );
    assert!(md.contains("## Gate: passed"), "{md}");
}

#[test]
fn evidence_is_reported_per_obligation_with_lines() {
    let r = check("pass", &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json report");
    let obligations = v["systems"][0]["obligations"]
        .as_array()
        .expect("obligations");
    let art15 = obligations
        .iter()
        .find(|o| o["id"] == "art15")
        .expect("art15");
    assert_eq!(art15["evidence_status"], "met");
    // Named in the manifest: only that file is read; the model-index front matter counts.
    let docs = art15["evidence_checked"].as_array().expect("docs");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["path"], "MODEL_CARD.md");
    assert_eq!(docs[0]["from"], "manifest");
    assert_eq!(docs[0]["sections"][0]["id"], "art15.3");
    assert_eq!(docs[0]["sections"][0]["line"], 3);
    let art9 = obligations
        .iter()
        .find(|o| o["id"] == "art9")
        .expect("art9");
    let found = &art9["evidence_checked"][0];
    assert_eq!(found["path"], "compliance/risk-management.md");
    assert_eq!(found["sections"][0]["id"], "art9.2.a");
    assert_eq!(found["sections"][0]["line"], 3);
}

#[test]
fn the_json_report_matches_its_schema_and_is_deterministic() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema"),
    )
    .expect("schema json");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    for fixture in ["pass", "waived", "missing-evidence", "prohibited", "gpai"] {
        let a = check(fixture, &["--format", "json"]);
        let b = check(fixture, &["--format", "json"]);
        assert_eq!(a.stdout, b.stdout, "{fixture}: two runs differ");
        let v: serde_json::Value = serde_json::from_str(&a.stdout).expect("json");
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{fixture}: {errors:?}");
    }
}

#[test]
fn the_report_can_be_written_to_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.json");
    let out_s = out.display().to_string();
    let r = check("missing-evidence", &["--out", &out_s]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stdout.contains("FAIL  ShortList"), "{}", show(&r));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("written")).expect("json");
    assert_eq!(v["gate"]["passed"], false);
}

#[test]
fn plain_text_without_a_terminal_or_with_no_color() {
    // A pipe is not a terminal: no escape codes.
    let r = check("prohibited", &[]);
    assert!(!r.stdout.contains('\x1b'), "{}", show(&r));
    // Under a pseudo-terminal (util-linux `script`), colour appears unless NO_COLOR is set.
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("skipped the terminal half: no /usr/bin/script");
        return;
    }
    let cmd = format!(
        "{} check fixtures/gate/prohibited --as-of {AS_OF}",
        env!("CARGO_BIN_EXE_aiact")
    );
    let tty = |no_color: Option<&str>| {
        let mut c = Command::new(script);
        c.args(["-qec", &cmd, "/dev/null"])
            .current_dir(root())
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let out = c.output().expect("script");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = tty(None);
    assert!(coloured.contains("\x1b[1;31mFAIL\x1b[0m"), "{coloured:?}");
    let plain = tty(Some("1"));
    assert!(plain.contains("FAIL  FaceTrawl"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

#[test]
fn evidence_paths_are_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sys = dir.path().join("svc");
    std::fs::create_dir_all(&sys).expect("mkdir");
    std::fs::write(
        sys.join("aiact.yaml"),
        "name: Svc\nrole: provider\nfacts:\n  art5.1: false\n  annex3.4.a: true\n  profiling: true\nevidence:\n  risk_managment: docs/rm.md\n  logging: ../../outside.md\n",
    )
    .expect("write");
    let d = dir.path().display().to_string();
    let r = aiact(&["check", &d, "--as-of", AS_OF]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stderr.contains("svc/aiact.yaml:8: error[manifest.evidence_kind]: unknown evidence kind `risk_managment`"), "{}", show(&r));
    assert!(
        r.stderr.contains("did you mean `risk_management`?"),
        "{}",
        show(&r)
    );
    assert!(
        r.stderr
            .contains("svc/aiact.yaml:9: error[manifest.evidence_path]"),
        "{}",
        show(&r)
    );
}

#[test]
fn audit_reports_evidence_too() {
    let r = aiact(&["audit", "fixtures/gate/missing-evidence", "--as-of", AS_OF]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(r.stdout.contains("### Evidence checks"), "{}", show(&r));
    assert!(
        r.stdout.contains("- **`art9`: evidence missing**"),
        "{}",
        show(&r)
    );
    assert!(!r.stdout.contains("## Gate"), "audit has no verdict");
}

#[test]
fn help_documents_the_exit_codes() {
    let r = aiact(&["check", "--help"]);
    assert_eq!(r.code, 0);
    for s in [
        "0  the gate passed",
        "1  the gate failed",
        "2  usage or input error",
        "--fail-on",
        "--waivers",
        "NO_COLOR",
    ] {
        assert!(r.stdout.contains(s), "missing {s:?} in\n{}", r.stdout);
    }
    assert_eq!(aiact(&["check", "--no-such-flag"]).code, 2);
    // Nothing to check is not a failure, but it is said.
    let dir = tempfile::tempdir().expect("tempdir");
    let r = aiact(&["check", &dir.path().display().to_string()]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(r.stderr.contains("no aiact.yaml found"), "{}", show(&r));
    // A path that does not exist is an input error.
    assert_eq!(aiact(&["check", "fixtures/gate/no-such-folder"]).code, 2);
}

#[test]
fn diff_of_two_folders() {
    let r = aiact(&[
        "diff",
        "fixtures/gate/diff/base",
        "fixtures/gate/diff/head",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let md = &r.stdout;
    for s in [
        "| HelpBot (`chatbot`) | changed | minimal_risk → **limited_risk** | none | +1 −0 ~0 |",
        "| OldFilter (`legacy`) | removed |",
        "| Aurora-7B (`model`) | added | **minimal_risk** (new) | **gpai** (new) |",
        "| TalentScore (`ranker`) | changed | undetermined → **high_risk** |",
        "- Tier: undetermined → **high_risk** (decided by `annex3.4.a`)",
        "- Obligations `art9`, `art10`, `art11`, `art12`, `art13`, `art14`, `art15`: status conditional → applies (evidence missing)",
        "- New obligation `art53.1.c`: Put in place a policy to comply with EU copyright law (applies, evidence met)",
        "- Removed: its manifest is gone (was minimal_risk).",
        "- Answered: `annex1`, `annex3`",
    ] {
        assert!(md.contains(s), "missing {s:?} in\n{md}");
    }
    // The same folder on both sides: nothing changed.
    let r = aiact(&[
        "diff",
        "fixtures/gate/pass",
        "fixtures/gate/pass",
        "--as-of",
        AS_OF,
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout.contains("No change in any system's tier"),
        "{}",
        show(&r)
    );
    // Neither a path nor a revision.
    let r = aiact(&[
        "diff",
        "no-such-thing",
        "fixtures/gate/pass",
        "--repo",
        "fixtures",
    ]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(
        r.stderr
            .contains("`no-such-thing` is neither a path nor a git revision"),
        "{}",
        show(&r)
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

#[test]
fn diff_of_two_git_revisions_leaves_the_working_tree_alone() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: no git");
        return;
    }
    let repo = tempfile::tempdir().expect("tempdir");
    let r = repo.path();
    git(r, &["init", "-q", "-b", "main"]);
    copy_tree(&root().join("fixtures/gate/diff/base"), r);
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "base"]);
    git(r, &["checkout", "-q", "-b", "feature"]);
    std::fs::remove_dir_all(r.join("legacy")).expect("rm");
    copy_tree(&root().join("fixtures/gate/diff/head"), r);
    git(r, &["add", "-A"]);
    git(r, &["commit", "-q", "-m", "head"]);
    // An uncommitted edit must survive, and must not be read.
    std::fs::write(r.join("ranker/aiact.yaml"), "name: Broken\nfacts: [").expect("write");
    let status_before = git(r, &["status", "--porcelain"]);
    let checkouts = || {
        std::fs::read_dir(std::env::temp_dir())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().starts_with("aiact-diff-"))
                    .count()
            })
            .unwrap_or(0)
    };
    let before = checkouts();

    let run = run_in(r, &["diff", "main", "HEAD", "--as-of", AS_OF], &[]);
    assert_eq!(run.code, 0, "{}", show(&run));
    assert!(
        run.stdout.contains("Compared `main (") && run.stdout.contains("→ `HEAD ("),
        "{}",
        show(&run)
    );
    assert!(
        run.stdout
            .contains("| TalentScore (`ranker`) | changed | undetermined → **high_risk** |"),
        "{}",
        show(&run)
    );
    assert!(
        run.stdout.contains("| OldFilter (`legacy`) | removed |"),
        "{}",
        show(&run)
    );

    // The working tree, the index and the worktree list are as they were.
    assert_eq!(git(r, &["status", "--porcelain"]), status_before);
    assert_eq!(git(r, &["worktree", "list"]).lines().count(), 1);
    assert_eq!(
        git(r, &["rev-parse", "--abbrev-ref", "HEAD"]).trim(),
        "feature"
    );

    // A revision against the working tree: the broken manifest is an input error (exit 2).
    let run = run_in(r, &["diff", "HEAD", ".", "--as-of", AS_OF], &[]);
    assert_eq!(run.code, 2, "{}", show(&run));
    // The temporary folders are gone.
    assert!(checkouts() <= before, "temporary checkouts left behind");
}

fn yaml_file(path: &str) -> aiact::yaml::Node {
    let text = std::fs::read_to_string(root().join(path)).expect("read");
    aiact::yaml::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

#[test]
fn the_pre_commit_hook_runs_the_gate() {
    let hooks = yaml_file(".pre-commit-hooks.yaml");
    let hook = hooks
        .as_seq()
        .and_then(|h| {
            h.iter()
                .find(|h| h.get("id").and_then(|i| i.as_str()) == Some("aiact-check"))
        })
        .expect("hook aiact-check");
    assert_eq!(hook.get("language").and_then(|l| l.as_str()), Some("rust"));
    assert_eq!(
        hook.get("pass_filenames").map(|p| &p.value),
        Some(&aiact::yaml::NodeValue::Bool(false))
    );
    let files = hook.get("files").and_then(|f| f.as_str()).expect("files");
    let re = regex::Regex::new(files).expect("files is a regex");
    for changed in [
        "aiact.yaml",
        "svc/aiact.yml",
        "aiact-waivers.yaml",
        "compliance/logging.md",
    ] {
        assert!(re.is_match(changed), "{changed} should trigger the hook");
    }
    assert!(!re.is_match("src/main.rs"));
    // The entry is what pre-commit runs, in the repository's root, with the hook's args.
    let entry: Vec<&str> = hook
        .get("entry")
        .and_then(|e| e.as_str())
        .expect("entry")
        .split_whitespace()
        .collect();
    assert_eq!(entry[0], "aiact");
    let date = ["--as-of", AS_OF];
    let args: Vec<&str> = entry[1..].iter().copied().chain(date).collect();
    let r = run_in(&root().join("fixtures/gate/pass"), &args, &[]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let r = run_in(&root().join("fixtures/gate/prohibited"), &args, &[]);
    assert_eq!(r.code, 1, "{}", show(&r));
}

#[test]
fn the_github_action_is_a_composite_action_that_gates_and_uploads_sarif() {
    let action = yaml_file("action.yml");
    for key in ["name", "description", "inputs", "outputs", "runs"] {
        assert!(action.get(key).is_some(), "action.yml has no `{key}`");
    }
    for input in ["path", "args", "sarif", "sarif-file"] {
        assert!(
            action.get("inputs").and_then(|i| i.get(input)).is_some(),
            "no input {input}"
        );
    }
    let runs = action.get("runs").expect("runs");
    assert_eq!(
        runs.get("using").and_then(|u| u.as_str()),
        Some("composite")
    );
    let steps = runs.get("steps").and_then(|s| s.as_seq()).expect("steps");
    let runs_of: Vec<&str> = steps
        .iter()
        .filter_map(|s| s.get("run").and_then(|r| r.as_str()))
        .collect();
    assert!(
        runs_of.iter().any(|r| r.contains("cargo install --locked")),
        "installs with cargo"
    );
    assert!(
        runs_of
            .iter()
            .any(|r| r.contains("aiact check") && r.contains("--format sarif")),
        "runs the gate with SARIF output"
    );
    let upload = steps
        .iter()
        .find(|s| {
            s.get("uses")
                .and_then(|u| u.as_str())
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("uploads SARIF");
    assert!(
        upload
            .get("if")
            .and_then(|i| i.as_str())
            .is_some_and(|i| i.contains("always()"))
    );
    // Every shell step is at least valid bash.
    for (i, script) in runs_of.iter().enumerate() {
        let out = Command::new("bash")
            .args(["-n", "-c", script])
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "step {i} is not valid bash: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The gate step as the runner would run it: the exit code is captured, not fatal.
    let gate = steps
        .iter()
        .find(|s| s.get("id").and_then(|i| i.as_str()) == Some("gate"))
        .and_then(|s| s.get("run").and_then(|r| r.as_str()))
        .expect("gate step");
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("github_output");
    let sarif = dir.path().join("aiact.sarif");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_aiact"))
        .parent()
        .expect("bin dir");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-c", gate])
        .current_dir(root())
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env("AIACT_PATH", "fixtures/gate/pass")
        .env("AIACT_ARGS", format!("--as-of {AS_OF}"))
        .env("AIACT_SARIF", &sarif)
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&output).expect("GITHUB_OUTPUT written");
    let code = written
        .trim()
        .strip_prefix("exit-code=")
        .expect("exit-code line");
    // `--format sarif` comes with the report renderers; once there, the gate passes and
    // writes the SARIF file the next step uploads.
    if code == "0" {
        assert!(sarif.is_file(), "SARIF written");
    } else {
        assert_eq!(
            code, "2",
            "only a usage error (no SARIF renderer yet) is acceptable here"
        );
    }

    // Every step that runs a shell names it (composite actions require `shell`).
    for s in steps.iter().filter(|s| s.get("run").is_some()) {
        assert_eq!(s.get("shell").and_then(|x| x.as_str()), Some("bash"));
    }
}

#[test]
fn other_formats_count_as_present_and_links_never_leave_the_tree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sys = dir.path().join("svc");
    std::fs::create_dir_all(sys.join("compliance")).expect("mkdir");
    std::fs::create_dir_all(sys.join("governance")).expect("mkdir");
    std::fs::write(
        sys.join("aiact.yaml"),
        "name: Svc\nrole: provider\nfacts:\n  eu_market: true\n  art5.1: false\n  annex3.4.a: true\n  profiling: true\nevidence:\n  technical_documentation: compliance/technical-documentation.pdf\n",
    )
    .expect("write");
    std::fs::write(
        sys.join("compliance/technical-documentation.pdf"),
        b"%PDF-1.7 \x00\x01",
    )
    .expect("write");
    let secret = dir.path().join("outside-secret.md");
    std::fs::write(
        &secret,
        "# Secret\n\n## Logged events\n\nnot for the report\n",
    )
    .expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, sys.join("compliance/logging.md")).expect("symlink");
    std::fs::write(
        sys.join("governance/risk.md"),
        "# Risk\n\n## Risks\n\nListed.\n",
    )
    .expect("write");
    // An organisation's own evidence catalogue, given with --rules: its kind replaces ours.
    let pack = dir.path().join("policy");
    std::fs::create_dir_all(pack.join("evidence")).expect("mkdir");
    std::fs::write(
        pack.join("evidence/checks.yaml"),
        "kinds:\n  - id: risk_management\n    title: Risk register (org policy)\n    obligations: [art9]\n    paths: [governance/risk.md]\n    sections:\n      - id: risks\n        title: The risks\n        headings: [risks]\n",
    )
    .expect("write");

    let scan = sys.display().to_string();
    let policy = pack.display().to_string();
    let r = aiact(&[
        "check",
        &scan,
        "--as-of",
        AS_OF,
        "--allow-undetermined",
        "--format",
        "json",
        "--rules",
        &policy,
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|_| panic!("{}", show(&r)));
    assert!(!r.stdout.contains("not for the report"));
    let obligations = v["systems"][0]["obligations"]
        .as_array()
        .expect("obligations");
    let get = |id: &str| {
        obligations
            .iter()
            .find(|o| o["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let art11 = get("art11");
    assert_eq!(art11["evidence_status"], "met");
    let pdf = art11["evidence_checked"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["found"] == true))
        .expect("pdf found");
    assert_eq!(pdf["sections_checked"], false);
    let findings = v["systems"][0]["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "evidence.unverified" && f["provision"] == "art11")
    );
    #[cfg(unix)]
    assert_eq!(
        get("art12")["evidence_status"],
        "missing",
        "a link out of the tree is not read"
    );
    let art9 = get("art9");
    assert_eq!(art9["evidence_status"], "met", "{art9}");
    assert_eq!(art9["evidence_checked"][0]["path"], "governance/risk.md");

    // A broken catalogue is an input error with its position.
    std::fs::write(
        pack.join("evidence/checks.yaml"),
        "kinds:\n  - id: x\n    titel: X\n",
    )
    .expect("write");
    let r = aiact(&["check", &scan, "--rules", &policy]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(
        r.stderr
            .contains("checks.yaml:3:5: error[evidence.catalogue]: unknown key `titel`"),
        "{}",
        show(&r)
    );
}

#[test]
fn a_trigger_waiver_lets_a_reviewed_high_risk_system_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("waivers.yaml");
    std::fs::write(
        &file,
        "waivers:\n  - id: annex3.4.a\n    system: RankRight\n    reason: High-risk status reviewed and signed off by the AI board (minutes AB-7)\n    owner: ai-board@rankright.example\n    expires: 2028-09-30\n",
    )
    .expect("write");
    let w = file.display().to_string();
    let r = check("pass", &["--fail-on", "high-risk", "--waivers", &w]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout.contains("covers RankRight: trigger annex3.4.a"),
        "{}",
        show(&r)
    );
    let md = check(
        "pass",
        &["--fail-on", "high-risk", "--waivers", &w, "--format", "md"],
    )
    .stdout;
    assert!(
        md.contains("High-risk (waived until 2028-09-30 (ai-board@rankright.example))"),
        "{md}"
    );
    let json = check(
        "pass",
        &[
            "--fail-on",
            "high-risk",
            "--waivers",
            &w,
            "--format",
            "json",
        ],
    )
    .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let t = v["systems"][0]["triggers"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == "annex3.4.a"))
        .expect("trigger");
    assert_eq!(t["waived"]["owner"], "ai-board@rankright.example");
    // After its expiry, the high-risk condition and the expired waiver both fail.
    let r = aiact(&[
        "check",
        "fixtures/gate/pass",
        "--as-of",
        "2028-10-01",
        "--fail-on",
        "high-risk",
        "--waivers",
        &w,
    ]);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stdout.contains("high-risk: annex3.4.a"), "{}", show(&r));
}

#[test]
fn junit_fails_an_obligation_in_force_without_evidence() {
    let r = aiact(&[
        "audit",
        "fixtures/gate/missing-evidence",
        "--as-of",
        AS_OF,
        "--format",
        "junit",
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let art9 = r
        .stdout
        .split("<testcase")
        .find(|c| c.contains("art9"))
        .unwrap_or_default()
        .to_string();
    assert!(art9.contains("<failure"), "{art9}");
    assert!(art9.contains("evidence is missing"), "{art9}");
}
