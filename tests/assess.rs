//! `aiact assess` in a pseudo-terminal, driven like a person would: wait for each prompt,
//! then type. The answers come from a table keyed by fact id (not from a fixed order), so
//! the tests keep working as the rule pack grows more questions.

use aiact::assess::answers;
use aiact::decide::pack::{FactType, Pack, default_pack};
use rexpect::ReadUntil;
use rexpect::session::PtySession;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const AS_OF: &str = "2026-12-01";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_aiact")
}

fn pack() -> Pack {
    default_pack().unwrap_or_else(|e| panic!("{e:?}"))
}

/// A fresh copy of a fixture folder.
fn fixture(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for name in names {
        let to = if names.len() == 1 {
            dir.path().to_path_buf()
        } else {
            dir.path().join(name)
        };
        std::fs::create_dir_all(&to).expect("mkdir");
        for entry in std::fs::read_dir(root.join(name)).expect("fixture") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
    dir
}

/// Start `aiact assess ARGS` in a pseudo-terminal of a fixed size, without colours.
fn spawn(args: &[&str]) -> PtySession {
    spawn_with(args, &[])
}

fn spawn_with(args: &[&str], env: &[(&str, &str)]) -> PtySession {
    let mut cmd = Command::new("sh");
    cmd.envs(env.iter().copied());
    cmd.arg("-c")
        .arg("stty cols 120 rows 40; exec \"$0\" assess \"$@\"")
        .arg(bin())
        .args(args)
        .env("NO_COLOR", "1");
    rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

/// What to answer: from the table, else "no" to yes/no questions and "don't know" to
/// the others.
fn reply(table: &HashMap<&str, &str>, pack: &Pack, id: &str) -> String {
    if let Some(a) = table.get(id) {
        return a.to_string();
    }
    match pack.fact(id).map(|d| d.ty) {
        Some(FactType::Bool) => "n".into(),
        _ => "d".into(),
    }
}

/// The header line ends with the fact id. (rexpect reads bytes as Latin-1, so the `·`
/// separators are not matched literally.)
const HEADER: &str = r"Question (\d+) \([^)]*\)[^\r\n]* ([A-Za-z0-9_.]+)\r\n";
const REPORT: &str = "Write a Markdown report?";

/// Wait for the next question; `None` when the questionnaire offers the report instead.
fn next_question(p: &mut PtySession) -> Option<(usize, String)> {
    let (_, matched) = p
        .exp_any(vec![
            ReadUntil::Regex(regex::Regex::new(HEADER).expect("regex")),
            ReadUntil::String(REPORT.into()),
        ])
        .expect("a question or the report offer");
    if matched.contains(REPORT) {
        return None;
    }
    let re = regex::Regex::new(HEADER).expect("regex");
    let c = re.captures(&matched).expect("header");
    let n = c[1].parse().expect("number");
    let id = c[2].to_string();
    p.exp_string("Your answer").expect("prompt");
    Some((n, id))
}

fn send(p: &mut PtySession, text: &str) {
    p.send(text).expect("send");
    p.send("\r").expect("enter");
    p.flush().expect("flush");
}

/// Answer every question from the table; returns the ids in the order asked.
fn answer_all(p: &mut PtySession, table: &HashMap<&str, &str>, pack: &Pack) -> Vec<String> {
    let mut asked = Vec::new();
    while let Some((_, id)) = next_question(p) {
        assert!(
            asked.len() < 300,
            "the questionnaire does not end: {asked:?}"
        );
        send(p, &reply(table, pack, &id));
        asked.push(id);
    }
    asked
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn talentsift_answers() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("art3.1", "y"),
        ("art5.1", "n"),
        ("annex3", "y"),
        ("annex3.4", "y"),
        ("annex3.4.a", "yes"),
        ("profiling", "y"),
        ("outputs", "score, recommendation"),
    ])
}

fn audit(dir: &Path) -> String {
    let out = Command::new(bin())
        .args(["audit", &dir.display().to_string(), "--as-of", AS_OF])
        .output()
        .expect("audit");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn a_whole_session_reaches_high_risk_and_its_report_matches_the_answers_file() {
    let pack = pack();
    let dir = fixture(&["talentsift"]);
    let root = dir.path().display().to_string();
    let mut p = spawn(&[&root, "--as-of", AS_OF]);
    let asked = answer_all(&mut p, &talentsift_answers(), &pack);
    eprintln!("asked: {}", asked.join(" "));
    assert!(asked.contains(&"annex3.4.a".to_string()), "{asked:?}");
    // Precondition first: the area before its point.
    let pos = |id: &str| asked.iter().position(|a| a == id);
    assert!(pos("annex3.4") < pos("annex3.4.a"), "{asked:?}");
    // The report is offered; write it.
    send(&mut p, "y");
    p.exp_string("Report file").expect("report file prompt");
    // Reports go outside the scanned folders: a Markdown file in the tree is evidence.
    let reports = tempfile::tempdir().expect("tmp");
    let interactive_report = reports.path().join("interactive.md");
    send(&mut p, &interactive_report.display().to_string());
    p.exp_string("Report written").expect("written");
    p.exp_eof().expect("exit");
    let saved = dir.path().join(answers::FILE_NAME);
    let saved_text = read(&saved);
    let (facts, diags) = answers::parse("a", "a", &saved_text, &pack);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(facts.len(), asked.len(), "one answer per question asked");
    let report = read(&interactive_report);
    assert!(report.contains("**Tier: High-risk**"), "{report}");
    assert!(report.contains("answered"), "answers are reported as such");

    // The same answers applied without a terminal give the same bytes.
    let copy = tempfile::tempdir().expect("tmp");
    let answers_copy = copy.path().join("answers.yaml");
    std::fs::copy(&saved, &answers_copy).expect("copy answers");
    let fresh = fixture(&["talentsift"]);
    let twin_report = reports.path().join("twin.md");
    let out = Command::new(bin())
        .args([
            "assess",
            &fresh.path().display().to_string(),
            "--as-of",
            AS_OF,
        ])
        .arg("--answers")
        .arg(&answers_copy)
        .arg("--report")
        .arg(&twin_report)
        .stdin(Stdio::null())
        .output()
        .expect("assess --answers");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("-> high_risk"));
    assert_eq!(read(&twin_report), report, "the reports differ");
    assert_eq!(read(&fresh.path().join(answers::FILE_NAME)), saved_text);
    // And `aiact audit` reads the answers file beside the manifest.
    assert_eq!(audit(fresh.path()), report);
}

#[test]
fn going_back_changes_an_earlier_answer_and_a_stopped_run_resumes() {
    let pack = pack();
    let dir = fixture(&["talentsift"]);
    let root = dir.path().display().to_string();
    let saved = dir.path().join(answers::FILE_NAME);
    let mut p = spawn(&[&root, "--as-of", AS_OF]);
    let (n, first) = next_question(&mut p).expect("a first question");
    assert_eq!(n, 1);
    send(&mut p, &reply(&talentsift_answers(), &pack, &first));
    let (n, second) = next_question(&mut p).expect("a second question");
    assert_eq!(n, 2);
    // Back (Esc) to the first question, which shows the answer given.
    p.send("\x1b").expect("esc");
    p.flush().expect("flush");
    let (n, again) = next_question(&mut p).expect("the first question again");
    assert_eq!((n, again.as_str()), (1, first.as_str()));
    // `<` at the first answer has nowhere to go.
    send(&mut p, "<");
    p.exp_string("nothing to go back to")
        .expect("first question");
    p.exp_string("Your answer").expect("prompt");
    // Change the answer to "don't know".
    send(&mut p, "d");
    let (n, _) = next_question(&mut p).expect("the next question");
    assert_eq!(n, 2);
    let text = read(&saved);
    assert!(text.contains(&format!("{first}: unknown")), "{text}");
    // Stop with q: the answers are kept, exit 0.
    send(&mut p, "q");
    p.exp_string("Stopped.").expect("stopped");
    p.exp_eof().expect("exit");
    let _ = second;

    // Again: it resumes, asks the next open question, and the earlier answer is kept.
    let mut p = spawn(&[&root, "--as-of", AS_OF]);
    p.exp_string("Resuming: 1 answer(s)").expect("resume");
    let (n, id) = next_question(&mut p).expect("a question");
    assert_eq!(n, 2);
    assert_ne!(id, first);
    // Ctrl-C stops too, keeping the answers.
    p.send_control('c').expect("ctrl-c");
    p.exp_string("Stopped.").expect("stopped");
    p.exp_eof().expect("exit");
    assert!(read(&saved).contains(&format!("{first}: unknown")));
}

#[test]
fn a_kill_at_any_moment_leaves_a_valid_answers_file() {
    let pack = pack();
    let dir = fixture(&["talentsift"]);
    let root = dir.path().display().to_string();
    let saved = dir.path().join(answers::FILE_NAME);
    let temp_files = || {
        std::fs::read_dir(dir.path())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".aiact-"))
                    .count()
            })
            .unwrap_or(0)
    };
    let mut previous: Vec<(String, String)> = Vec::new();
    let (mut before, mut during, mut after) = (0, 0, 0);
    for i in 0..30u64 {
        // Each 64-byte piece of the save waits 400 µs, so a save of a few kilobytes takes
        // some 20 ms: kills land before, during and after it.
        let mut p = spawn_with(
            &[&root, "--as-of", AS_OF],
            &[("AIACT_TEST_SAVE_PACE_US", "400")],
        );
        if next_question(&mut p).is_none() {
            // Every question answered: start again from no answers.
            p.send_control('c').expect("ctrl-c");
            p.exp_eof().expect("exit");
            std::fs::remove_file(&saved).expect("remove");
            previous.clear();
            continue;
        }
        let temps = temp_files();
        // "don't know" is a valid answer to every question. Then kill after a delay that
        // walks across the time the answer takes to save.
        send(&mut p, "d");
        std::thread::sleep(Duration::from_micros((i * 1_500) % 45_000));
        p.process_mut()
            .kill(rexpect::process::Signal::SIGKILL)
            .expect("kill");
        let now: Vec<(String, String)> = if saved.exists() {
            let text = read(&saved);
            let (facts, diags) = answers::parse("a", "a", &text, &pack);
            assert!(
                diags.is_empty(),
                "torn answers file after a kill at {i}: {diags:?}\n{text}"
            );
            facts
                .into_iter()
                .map(|f| (f.id, f.value.to_string()))
                .collect()
        } else {
            Vec::new()
        };
        // Either the old answers, or the old ones plus the new one.
        assert!(
            now.len() == previous.len() || now.len() == previous.len() + 1,
            "{i}"
        );
        assert_eq!(now[..previous.len()], previous[..], "{i}");
        if now.len() > previous.len() {
            after += 1;
        } else if temp_files() > temps {
            // A temporary file left behind: the kill landed in the middle of the save.
            during += 1;
        } else {
            before += 1;
        }
        previous = now;
    }
    eprintln!("kills: {before} before the save, {during} during it, {after} after it");
    assert!(after > 0, "no save ever completed");
    assert!(during > 0, "no kill landed during a save");
}

#[test]
fn several_systems_let_the_person_pick_one() {
    let dir = fixture(&["hirerank", "talentsift"]);
    let root = dir.path().display().to_string();
    let mut p = spawn(&[&root, "--as-of", AS_OF]);
    p.exp_string("Which system?").expect("pick");
    p.send("Talent").expect("filter");
    p.send("\r").expect("enter");
    p.flush().expect("flush");
    p.exp_string("Assessing TalentSift")
        .expect("the chosen one");
    send(&mut p, "q");
    let _ = p.exp_string("Your answer");
    p.send_control('c').expect("ctrl-c");
    p.exp_eof().expect("exit");
}

#[test]
fn without_a_terminal_it_exits_at_once_naming_answers() {
    let dir = fixture(&["talentsift"]);
    let start = Instant::now();
    let out = Command::new(bin())
        .arg("assess")
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("run");
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(2));
    assert!(took < Duration::from_secs(1), "took {took:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--answers"), "{err}");
    assert!(!dir.path().join(answers::FILE_NAME).exists());
}

#[test]
fn answers_with_a_bad_entry_are_refused_and_nothing_is_written() {
    let dir = fixture(&["talentsift"]);
    let bad = dir.path().join("given.yaml");
    std::fs::write(&bad, "art3.1: true\nart5.1: perhaps\n").expect("write");
    let out = Command::new(bin())
        .arg("assess")
        .arg(dir.path())
        .arg("--answers")
        .arg(&bad)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("given.yaml:2:9"), "{err}");
    assert!(!dir.path().join(answers::FILE_NAME).exists());
}

#[test]
fn write_manifest_keeps_comments_and_audit_reads_the_answers() {
    let dir = fixture(&["talentsift"]);
    let given = dir.path().join("given.yaml");
    std::fs::write(&given, "art3.1: true\nannex3.4.a: true\nprofiling: true\n").expect("write");
    let manifest: PathBuf = dir.path().join("aiact.yaml");
    let before = read(&manifest);
    let out = Command::new(bin())
        .arg("assess")
        .arg(dir.path())
        .args(["--as-of", AS_OF, "--write-manifest", "--answers"])
        .arg(&given)
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = read(&manifest);
    assert!(
        after.starts_with(&before),
        "the manifest was rewritten:\n{after}"
    );
    assert!(
        after.ends_with("  art3.1: true\n  annex3.4.a: true\n  profiling: true\n"),
        "{after}"
    );
    assert!(!dir.path().join(answers::FILE_NAME).exists());
    assert!(audit(dir.path()).contains("**Tier: High-risk**"));
}
