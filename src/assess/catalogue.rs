//! `aiact assess --export-questions`: the question catalogue with its branching, as JSON, so
//! other front ends (a web form, a chat bot) can be generated from the same data the
//! terminal questionnaire reads. Conditions are written in the rule pack's own syntax
//! (docs/rules.md), so one description of the format serves both.

use crate::decide::pack::{Area, Cmp, Condition, FactTest, Pack};
use crate::facts::Value;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;

/// Bump when a field changes meaning or disappears.
pub const FORMAT_VERSION: u32 = 1;

pub fn export(pack: &Pack) -> Json {
    let mut defs: Vec<_> = pack.facts.values().collect();
    defs.sort_by(|a, b| (a.area, a.order, &a.id).cmp(&(b.area, b.order, &b.id)));
    // Which questions each answer can open or close: the inverse of `ask_if`.
    let mut unlocks: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in &defs {
        for r in d.ask_if.iter().flat_map(facts_read) {
            let e = unlocks.entry(leak(pack, &r)).or_default();
            if !e.contains(&d.id.as_str()) {
                e.push(d.id.as_str());
            }
        }
    }
    let questions: Vec<Json> = defs
        .iter()
        .map(|d| {
            let mut q = Map::new();
            q.insert("id".into(), json!(d.id));
            q.insert("type".into(), json!(d.ty.as_str()));
            q.insert("area".into(), json!(d.area.as_str()));
            q.insert("question".into(), json!(d.question));
            q.insert("help".into(), json!(d.help));
            q.insert("cites".into(), json!(d.cites));
            if let Some(u) = &d.unit {
                q.insert("unit".into(), json!(u));
            }
            if !d.choices.is_empty() {
                q.insert("choices".into(), json!(d.choices));
                // Every choice fact takes one or several values (a list).
                q.insert("multiple".into(), json!(true));
            }
            if let Some(a) = &d.assume {
                q.insert("assume".into(), value(a));
            }
            q.insert("umbrella".into(), json!(d.umbrella));
            q.insert("parents".into(), json!(pack.parents_of(&d.id)));
            match &d.ask_if {
                Some(c) => {
                    q.insert("ask_if".into(), condition(c));
                    q.insert("ask_if_text".into(), json!(c.render()));
                    q.insert("depends_on".into(), json!(facts_read(c)));
                }
                None => {
                    q.insert("ask_if".into(), Json::Null);
                    q.insert("depends_on".into(), json!([] as [&str; 0]));
                }
            }
            q.insert(
                "unlocks".into(),
                json!(unlocks.get(d.id.as_str()).cloned().unwrap_or_default()),
            );
            Json::Object(q)
        })
        .collect();
    json!({
        "format": "aiact-questions",
        "format_version": FORMAT_VERSION,
        "pack": {"name": pack.name, "version": pack.version},
        "areas": Area::ALL.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        "answers": {
            "bool": "true | false",
            "number": "a number (JSON number)",
            "date": "YYYY-MM-DD",
            "string": "text",
            "choice": "a list of one or more of `choices`",
            "unknown": "the string \"unknown\" for any type: asked, not known"
        },
        "questions": questions,
    })
}

/// Fact ids a condition reads directly (not through rule, tier or GPAI references).
fn facts_read(c: &Condition) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    c.walk(&mut |c| match c {
        Condition::Fact { id, .. } if !out.contains(id) => out.push(id.clone()),
        Condition::Role(_) if !out.iter().any(|s| s == "role") => out.push("role".into()),
        _ => {}
    });
    out
}

/// A pack-owned `&str` for an id read from a condition (ids of conditions are checked
/// against the catalogue when the pack loads).
fn leak<'p>(pack: &'p Pack, id: &str) -> &'p str {
    pack.facts
        .get_key_value(id)
        .map(|(k, _)| k.as_str())
        .unwrap_or("")
}

fn value(v: &Value) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

fn cmp_key(c: Cmp) -> &'static str {
    c.as_str()
}

/// A condition in the pack's syntax (`{fact: x}`, `{all: [...]}`, ...), as JSON.
pub fn condition(c: &Condition) -> Json {
    match c {
        Condition::Const(b) => json!(b),
        Condition::Fact { id, test } => match test {
            FactTest::IsTrue => json!({ "fact": id }),
            FactTest::Equals(v) => json!({ "fact": id, "equals": value(v) }),
            FactTest::In(vs) => {
                json!({ "fact": id, "in": vs.iter().map(value).collect::<Vec<_>>() })
            }
            FactTest::Compare(cmp, v) => {
                let mut m = Map::new();
                m.insert("fact".into(), json!(id));
                m.insert(cmp_key(*cmp).into(), value(v));
                Json::Object(m)
            }
            FactTest::Exists => json!({ "fact": id, "exists": true }),
        },
        Condition::Role(r) => json!({ "role": r }),
        Condition::Rule(r) => json!({ "rule": r }),
        Condition::Tier(t) => json!({ "tier": t.as_str() }),
        Condition::Gpai(g) => json!({ "gpai": g.as_str() }),
        Condition::Kind(k) => json!({ "kind": k.as_str() }),
        Condition::AsOf(cmp, d) => {
            let mut m = Map::new();
            m.insert(cmp_key(*cmp).into(), json!(d.to_string()));
            json!({ "as_of": Json::Object(m) })
        }
        Condition::All(cs) => json!({ "all": cs.iter().map(condition).collect::<Vec<_>>() }),
        Condition::Any(cs) => json!({ "any": cs.iter().map(condition).collect::<Vec<_>>() }),
        Condition::Not(c) => json!({ "not": condition(c) }),
        Condition::FirstKnown(cs) => {
            json!({ "first_known": cs.iter().map(condition).collect::<Vec<_>>() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::pack::default_pack;

    #[test]
    fn every_fact_is_exported_with_its_branching() {
        let pack = default_pack().unwrap_or_else(|e| panic!("{e:?}"));
        let j = export(&pack);
        let qs = j["questions"].as_array().cloned().unwrap_or_default();
        assert_eq!(qs.len(), pack.facts.len());
        let ids: Vec<&str> = qs.iter().filter_map(|q| q["id"].as_str()).collect();
        // Every fact a precondition reads is itself in the catalogue, and the inverse
        // `unlocks` names the question back.
        for q in &qs {
            for dep in q["depends_on"].as_array().cloned().unwrap_or_default() {
                let dep = dep.as_str().unwrap_or_default();
                assert!(ids.contains(&dep), "{dep}");
                let back = qs
                    .iter()
                    .find(|x| x["id"] == dep)
                    .map(|x| x["unlocks"].clone());
                assert!(
                    back.and_then(|b| b.as_array().cloned())
                        .unwrap_or_default()
                        .contains(&q["id"]),
                    "{dep} should unlock {}",
                    q["id"]
                );
            }
        }
        let e1 = qs
            .iter()
            .find(|q| q["id"] == "art3.1.e1")
            .cloned()
            .unwrap_or_default();
        assert_eq!(e1["ask_if"], json!({"not": {"fact": "art3.1"}}));
        // Ordered by area, as the questionnaire asks.
        let areas: Vec<&str> = qs.iter().filter_map(|q| q["area"].as_str()).collect();
        let rank = |a: &str| Area::ALL.iter().position(|(s, _)| *s == a).unwrap_or(99);
        assert!(areas.windows(2).all(|w| rank(w[0]) <= rank(w[1])));
    }
}
