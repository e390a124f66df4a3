//! The questionnaire's logic (no terminal) over every scenario system in fixtures/scenarios:
//! with any way of answering, it ends, never asks a question twice, never asks what is
//! known, and the answers it keeps are consistent (no kept answer's `ask_if` is false).

use aiact::assess::answers;
use aiact::assess::session::Session;
use aiact::audit::{self, ScanOptions};
use aiact::decide::engine::{self, Input};
use aiact::decide::logic::Tri;
use aiact::decide::pack::{FactType, Pack, default_pack};
use aiact::facts::Value;
use std::path::Path;

fn policy_dont_know(_: FactType, _: &str) -> Value {
    Value::Unknown
}

/// "No" to every yes/no question, "don't know" otherwise.
fn policy_no(ty: FactType, _: &str) -> Value {
    match ty {
        FactType::Bool => Value::Bool(false),
        _ => Value::Unknown,
    }
}

/// "Yes" to every yes/no question: the answers that open the most follow-up questions.
fn policy_yes(ty: FactType, _: &str) -> Value {
    match ty {
        FactType::Bool => Value::Bool(true),
        _ => Value::Unknown,
    }
}

fn run(pack: &Pack, dir: &Path, policy: fn(FactType, &str) -> Value) -> Result<usize, String> {
    let scan = ScanOptions {
        answers: false,
        ..ScanOptions::default()
    };
    let g = audit::gather_with(&dir.join("aiact.yaml"), pack, &scan);
    let Some(system) = g.systems.into_iter().next() else {
        return Err("no system".into());
    };
    let as_of = jiff::civil::date(2026, 12, 1);
    let known: Vec<String> = system
        .facts
        .iter()
        .filter(|f| !f.value.is_unknown())
        .map(|f| f.id.clone())
        .collect();
    let mut s = Session::new(
        pack,
        pack.default_law(as_of),
        as_of,
        system,
        answers::FILE_NAME.into(),
    );
    let mut asked: Vec<String> = Vec::new();
    loop {
        let out = s.outcome();
        let Some(q) = s.next(&out) else { break };
        let id = q.id.clone();
        if asked.contains(&id) {
            return Err(format!("`{id}` asked twice: {asked:?}"));
        }
        if known.contains(&id) {
            return Err(format!("`{id}` is known from the manifest, yet asked"));
        }
        if asked.len() > 250 {
            return Err("does not end".into());
        }
        let ty = pack
            .fact(&id)
            .map(|d| d.ty)
            .ok_or(format!("no fact {id}"))?;
        s.answer(&id, policy(ty, &id));
        asked.push(id);
    }
    // The kept answers form one consistent path.
    let facts = s.facts();
    let input = Input {
        pack,
        facts: &facts,
        kind: s.system.kind,
        as_of,
        law: s.law,
    };
    for (id, _) in s.answers() {
        if let Some(c) = pack.fact(id).and_then(|d| d.ask_if.as_ref())
            && engine::condition_value(&input, c) == Tri::False
        {
            return Err(format!("kept answer `{id}` is moot"));
        }
    }
    Ok(asked.len())
}

#[test]
fn every_scenario_questionnaire_ends_and_stays_consistent() {
    let pack = default_pack().unwrap_or_else(|e| panic!("{e:?}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.join("aiact.yaml").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    assert!(!dirs.is_empty());
    let mut problems = Vec::new();
    let mut most = (0, String::new());
    for dir in &dirs {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for (label, policy) in [
            (
                "don't know",
                policy_dont_know as fn(FactType, &str) -> Value,
            ),
            ("no", policy_no),
            ("yes", policy_yes),
        ] {
            match run(&pack, dir, policy) {
                Ok(n) if n > most.0 => most = (n, format!("{name} ({label})")),
                Ok(_) => {}
                Err(e) => problems.push(format!("{name} ({label}): {e}")),
            }
        }
    }
    eprintln!(
        "{} scenarios; the longest questionnaire: {} questions, {}",
        dirs.len(),
        most.0,
        most.1
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
