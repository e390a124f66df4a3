//! Reading what a person types at a question: the answer for the fact's type, or one of
//! the navigation commands. Pure functions, so every accepted spelling is unit-tested.

use crate::decide::pack::{FactDef, FactType};
use crate::facts::Value;
use crate::facts::value::format_number;

/// What a line typed at a question means.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Answer(Value),
    Help,
    Back,
    Stop,
}

/// Words that mean "I don't know" for every type of question.
const DONT_KNOW: &[&str] = &[
    "d",
    "dk",
    "don't know",
    "dont know",
    "do not know",
    "unknown",
    "not sure",
];

/// Read one reply. `Err` carries a message saying what would have been accepted.
pub fn parse_reply(text: &str, def: &FactDef) -> Result<Reply, String> {
    let t = text.trim();
    let lower = t.to_lowercase();
    match lower.as_str() {
        "?" | "h" | "help" => return Ok(Reply::Help),
        "<" | "b" | "back" => return Ok(Reply::Back),
        "q" | "quit" | "stop" => return Ok(Reply::Stop),
        "" => return Err(format!("type an answer ({})", kinds(def))),
        _ => {}
    }
    if DONT_KNOW.contains(&lower.as_str()) || lower.replace('’', "'") == "don't know" {
        return Ok(Reply::Answer(Value::Unknown));
    }
    parse_value(t, def).map(Reply::Answer)
}

/// Read an answer of the fact's type (no commands).
pub fn parse_value(t: &str, def: &FactDef) -> Result<Value, String> {
    let lower = t.trim().to_lowercase();
    match def.ty {
        FactType::Bool => match lower.as_str() {
            "y" | "yes" | "true" => Ok(Value::Bool(true)),
            "n" | "no" | "false" => Ok(Value::Bool(false)),
            _ => Err(format!("`{t}`: answer y (yes), n (no) or d (don't know)")),
        },
        FactType::Number => parse_number(&lower, def.unit.as_deref())
            .map(Value::Number)
            .ok_or_else(|| {
                format!(
                    "`{t}` is not a number I can read: write for example 3.1e24, 7B, 405 billion or 1,000,000{}",
                    unit_suffix(def)
                )
            }),
        FactType::Date => t
            .trim()
            .parse::<jiff::civil::Date>()
            .map(Value::Date)
            .map_err(|_| format!("`{t}` is not a date: write YYYY-MM-DD, for example 2026-03-01")),
        FactType::String => Ok(Value::Str(t.trim().to_string())),
        FactType::Choice => parse_choices(t, &def.choices).map(Value::List),
    }
}

/// One or several choices, by number (`1,3`) or name (`provider, deployer`), a unique
/// prefix being enough (`prov`). The result is sorted and without duplicates, as a
/// manifest's choice list is.
pub fn parse_choices(t: &str, choices: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for raw in t.split(',') {
        let word = raw.trim().to_lowercase().replace([' ', '-'], "_");
        if word.is_empty() {
            continue;
        }
        if let Ok(n) = word.parse::<usize>() {
            match n.checked_sub(1).and_then(|i| choices.get(i)) {
                Some(c) => out.push(c.clone()),
                None => {
                    return Err(format!(
                        "there is no choice {n}: pick 1 to {}",
                        choices.len()
                    ));
                }
            }
            continue;
        }
        if let Some(c) = choices.iter().find(|c| **c == word) {
            out.push(c.clone());
            continue;
        }
        let matches: Vec<&String> = choices.iter().filter(|c| c.starts_with(&word)).collect();
        match matches.as_slice() {
            [one] => out.push((*one).clone()),
            [] => {
                return Err(format!(
                    "`{}` is not one of: {}",
                    raw.trim(),
                    choices.join(", ")
                ));
            }
            many => {
                return Err(format!(
                    "`{}` could be {}: type more of the name",
                    raw.trim(),
                    many.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
        }
    }
    if out.is_empty() {
        return Err("pick at least one choice, by number or name".into());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// A non-negative number as people write large ones: `3.1e24`, `7B`, `405 billion`,
/// `1,000,000`, `1.5 x 10^24`, with an optional unit word after it (`3e25 FLOP`).
pub fn parse_number(s: &str, unit: Option<&str>) -> Option<f64> {
    let mut t = s.trim().to_lowercase().replace('_', "");
    // A unit word after the number adds nothing: strip it.
    let mut units: Vec<String> = ["flop", "flops", "parameters", "params", "tokens"]
        .iter()
        .map(|u| u.to_string())
        .collect();
    if let Some(u) = unit {
        units.insert(0, u.to_lowercase());
    }
    for u in &units {
        if let Some(rest) = t.strip_suffix(u.as_str()) {
            t = rest.trim_end().to_string();
            break;
        }
    }
    // `1.5 x 10^24`, `1.5×10^24`, `10^25`.
    let t = t.replace(['×', '*'], "x");
    if let Some((mant, exp)) = t.split_once("10^") {
        let mant = mant.trim().trim_end_matches('x').trim();
        let m = if mant.is_empty() {
            1.0
        } else {
            plain_number(mant)?
        };
        let e: i32 = exp.trim().parse().ok()?;
        return finite_non_negative(m * 10f64.powi(e));
    }
    const SCALES: &[(&str, f64)] = &[
        ("thousand", 1e3),
        ("million", 1e6),
        ("billion", 1e9),
        ("trillion", 1e12),
        ("quadrillion", 1e15),
        ("bn", 1e9),
        ("mn", 1e6),
        ("tn", 1e12),
        ("k", 1e3),
        ("m", 1e6),
        ("b", 1e9),
        ("t", 1e12),
    ];
    for (word, factor) in SCALES {
        if let Some(rest) = t.strip_suffix(word) {
            let rest = rest.trim();
            // `7b` but not a bare `b`; the number part must read on its own.
            if let Some(n) = plain_number(rest) {
                return finite_non_negative(n * factor);
            }
        }
    }
    finite_non_negative(plain_number(&t)?)
}

/// A decimal number with optional exponent; commas only as thousands separators, so a
/// European `1,5` is refused rather than read as 15.
fn plain_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let cleaned = if s.contains(',') {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let groups: Vec<&str> = int.split(',').collect();
        let ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return None;
        }
        match frac {
            Some(f) => format!("{}.{f}", groups.concat()),
            None => groups.concat(),
        }
    } else {
        s.to_string()
    };
    // Rust also reads `inf` and `nan`; people do not mean those.
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-'))
    {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

fn finite_non_negative(n: f64) -> Option<f64> {
    (n.is_finite() && n >= 0.0).then_some(n)
}

fn unit_suffix(def: &FactDef) -> String {
    match &def.unit {
        Some(u) => format!(" ({u})"),
        None => String::new(),
    }
}

/// The kinds of answer a question takes, for the prompt's hint line.
pub fn kinds(def: &FactDef) -> String {
    match def.ty {
        FactType::Bool => "y = yes, n = no, d = don't know".into(),
        FactType::Number => format!(
            "a number{}, e.g. 3.1e24, 7B, 405 billion; d = don't know",
            unit_suffix(def)
        ),
        FactType::Date => "a date YYYY-MM-DD; d = don't know".into(),
        FactType::String => "text; d = don't know".into(),
        FactType::Choice => {
            "one or more numbers or names, separated by commas; d = don't know".into()
        }
    }
}

/// A value as the questionnaire shows it (and accepts it back as a default).
pub fn show(v: &Value) -> String {
    match v {
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Unknown => "don't know".into(),
        Value::Number(n) => format_number(*n),
        Value::List(items) => items.join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::pack::Area;

    fn def(ty: FactType) -> FactDef {
        FactDef {
            id: "x".into(),
            ty,
            question: "?".into(),
            help: String::new(),
            cites: Vec::new(),
            area: Area::Scope,
            unit: if ty == FactType::Number {
                Some("FLOP".into())
            } else {
                None
            },
            choices: vec![
                "provider".into(),
                "deployer".into(),
                "product_manufacturer".into(),
                "distributor".into(),
            ],
            assume: None,
            ask_if: None,
            umbrella: false,
            order: 0,
            source: Default::default(),
        }
    }

    fn num(s: &str) -> Option<f64> {
        parse_number(s, Some("FLOP"))
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(num("3.1e24"), Some(3.1e24));
        assert_eq!(num("3.1E24 FLOP"), Some(3.1e24));
        assert_eq!(num("7B"), Some(7e9));
        assert_eq!(num("7b parameters"), Some(7e9));
        assert_eq!(num("405 billion"), Some(405e9));
        assert_eq!(num("1.5 trillion"), Some(1.5e12));
        assert_eq!(num("70M"), Some(70e6));
        assert_eq!(num("1,000,000"), Some(1e6));
        assert_eq!(num("1,234.5"), Some(1234.5));
        assert_eq!(num("10^25"), Some(1e25));
        assert_eq!(num("1.5 x 10^24"), Some(1.5e24));
        assert_eq!(num("1.5×10^24"), Some(1.5e24));
        assert_eq!(num("4_800"), Some(4800.0));
        assert_eq!(num("0"), Some(0.0));
    }

    #[test]
    fn numbers_refused() {
        for bad in [
            "",
            "b",
            "seven",
            "1,5",
            "-3",
            "inf",
            "nan",
            "1e999",
            "12,34,567",
            "7 bananas",
        ] {
            assert_eq!(num(bad), None, "{bad}");
        }
    }

    #[test]
    fn commands_and_dont_know_for_every_type() {
        for ty in [
            FactType::Bool,
            FactType::Number,
            FactType::Date,
            FactType::String,
            FactType::Choice,
        ] {
            let d = def(ty);
            assert_eq!(parse_reply("?", &d), Ok(Reply::Help));
            assert_eq!(parse_reply(" B ", &d), Ok(Reply::Back));
            assert_eq!(parse_reply("<", &d), Ok(Reply::Back));
            assert_eq!(parse_reply("q", &d), Ok(Reply::Stop));
            assert_eq!(parse_reply("d", &d), Ok(Reply::Answer(Value::Unknown)));
            assert_eq!(
                parse_reply("Don’t know", &d),
                Ok(Reply::Answer(Value::Unknown))
            );
            assert!(parse_reply("", &d).is_err());
        }
    }

    #[test]
    fn bools_dates_strings() {
        let b = def(FactType::Bool);
        assert_eq!(parse_reply("Yes", &b), Ok(Reply::Answer(Value::Bool(true))));
        assert_eq!(parse_reply("n", &b), Ok(Reply::Answer(Value::Bool(false))));
        assert!(parse_reply("maybe", &b).is_err());
        let d = def(FactType::Date);
        assert_eq!(
            parse_reply("2026-03-01", &d),
            Ok(Reply::Answer(Value::Date(jiff::civil::date(2026, 3, 1))))
        );
        assert!(parse_reply("2026-13-01", &d).is_err());
        let s = def(FactType::String);
        assert_eq!(
            parse_reply(" Apache-2.0 ", &s),
            Ok(Reply::Answer(Value::Str("Apache-2.0".into())))
        );
    }

    #[test]
    fn choices_by_number_name_or_prefix() {
        let c = def(FactType::Choice);
        let list = |v: &[&str]| {
            Ok(Reply::Answer(Value::List(
                v.iter().map(|s| s.to_string()).collect(),
            )))
        };
        assert_eq!(parse_reply("1", &c), list(&["provider"]));
        assert_eq!(
            parse_reply("deployer, 1", &c),
            list(&["deployer", "provider"])
        );
        assert_eq!(
            parse_reply("product manufacturer", &c),
            list(&["product_manufacturer"])
        );
        assert_eq!(parse_reply("dep", &c), list(&["deployer"]));
        assert_eq!(parse_reply("1,1", &c), list(&["provider"]));
        // `d` alone is "don't know"; a prefix needs to be unique.
        assert!(parse_reply("pro", &c).is_err());
        assert!(parse_reply("9", &c).is_err());
        assert!(parse_reply("importer", &c).is_err());
    }
}
