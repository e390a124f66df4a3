//! Runs the test cases that rules carry (`aiact rules test`).

use super::engine::{self, Input, Kind};
use super::logic::Tri;
use super::pack::{Pack, Rule, RuleTest};
use crate::facts::{Fact, FactSet, Origin, Provenance};
use jiff::civil::Date;

#[derive(Debug, Clone, serde::Serialize)]
pub struct TestFailure {
    pub rule: String,
    pub test: String,
    pub location: String,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TestSummary {
    pub rules: usize,
    pub cases: usize,
    pub passed: usize,
    pub failures: Vec<TestFailure>,
    /// Rules that carry no test case.
    pub untested: Vec<String>,
}

/// The date rule tests run on unless they say otherwise: fixed, so results never drift.
pub fn default_test_date() -> Date {
    Date::constant(2028, 9, 1)
}

pub fn run(pack: &Pack, filter: Option<&str>) -> TestSummary {
    let mut summary = TestSummary::default();
    for rule in &pack.rules {
        if filter.is_some_and(|f| !rule.id.starts_with(f)) {
            continue;
        }
        summary.rules += 1;
        if rule.tests.is_empty() {
            summary.untested.push(rule.id.clone());
        }
        for t in &rule.tests {
            summary.cases += 1;
            let problems = run_case(pack, rule, t);
            if problems.is_empty() {
                summary.passed += 1;
            } else {
                summary.failures.push(TestFailure {
                    rule: rule.id.clone(),
                    test: t.name.clone(),
                    location: t.source.location(),
                    problems,
                });
            }
        }
    }
    summary
}

fn run_case(pack: &Pack, rule: &Rule, t: &RuleTest) -> Vec<String> {
    let mut facts = FactSet::new();
    for (id, v) in &t.facts {
        facts.insert(Fact::new(
            id.clone(),
            v.clone(),
            Origin::Declared,
            Provenance::default(),
        ));
    }
    let as_of = t.as_of.unwrap_or_else(default_test_date);
    let law = t.law.unwrap_or_else(|| pack.default_law(as_of));
    let kind = match t.kind.as_deref() {
        Some("model") => Kind::Model,
        _ => Kind::System,
    };
    let input = Input {
        pack,
        facts: &facts,
        kind,
        as_of,
        law,
    };
    let mut problems = Vec::new();
    if let Some(want) = t.expect {
        if !engine::rule_in_law(pack, rule, law) {
            if want != Tri::False {
                problems.push(format!(
                    "the rule is not in the {} text of the law, so it cannot be {}",
                    law.as_str(),
                    want.as_str()
                ));
            }
        } else {
            let got = engine::rule_value(&input, &rule.id);
            if got != want {
                problems.push(format!(
                    "expected the rule to be {}, it is {}",
                    want.as_str(),
                    got.as_str()
                ));
            }
        }
    }
    if t.tier.is_some()
        || t.gpai.is_some()
        || !t.obligations.is_empty()
        || !t.not_obligations.is_empty()
    {
        let out = engine::evaluate(&input);
        if let Some(tier) = &t.tier
            && out.tier.as_str() != tier
        {
            problems.push(format!("expected tier {tier}, got {}", out.tier.as_str()));
        }
        if let Some(g) = &t.gpai
            && out.gpai.as_str() != g
        {
            problems.push(format!("expected gpai {g}, got {}", out.gpai.as_str()));
        }
        let have: Vec<&str> = out
            .obligations
            .iter()
            .filter(|o| o.status != super::outcome::ObligationStatus::Conditional)
            .map(|o| o.id.as_str())
            .collect();
        for o in &t.obligations {
            if !have.contains(&o.as_str()) {
                problems.push(format!(
                    "expected obligation {o}; got [{}]",
                    have.join(", ")
                ));
            }
        }
        for o in &t.not_obligations {
            if out.obligations.iter().any(|x| &x.id == o) {
                problems.push(format!("obligation {o} must not appear"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pack_rule_tests_pass() {
        let pack = match crate::decide::pack::default_pack() {
            Ok(p) => p,
            Err(errs) => {
                let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                panic!("default pack does not load:\n{}", msgs.join("\n"));
            }
        };
        let summary = run(&pack, None);
        let msgs: Vec<String> = summary
            .failures
            .iter()
            .map(|f| {
                format!(
                    "{} [{}] at {}: {}",
                    f.rule,
                    f.test,
                    f.location,
                    f.problems.join("; ")
                )
            })
            .collect();
        assert!(
            msgs.is_empty(),
            "{} rule test(s) failed:\n{}",
            msgs.len(),
            msgs.join("\n")
        );
        assert!(
            summary.untested.is_empty(),
            "rules without tests: {:?}",
            summary.untested
        );
    }
}
