//! JUnit XML, for the test tabs of CI systems: one test suite per system, one test case for
//! its classification and one per obligation; one suite for problems in the input.
//!
//! What fails (until obligations carry an evidence status): a system whose tier is
//! undetermined or prohibited, and an input error. Obligations that apply pass; those that
//! apply only later, or hang on open questions (`conditional_obligations`), are skipped
//! with the reason.
//!
//! No timestamps or durations: the same input gives the same bytes.

use super::model::{Report, SystemReport};
use crate::decide::outcome::{Obligation, ObligationStatus, Tier};
use crate::diag::Severity;
use std::fmt::Write;

enum Outcome {
    Pass,
    Fail {
        kind: &'static str,
        message: String,
        detail: String,
    },
    Skip(String),
}

struct Case {
    name: String,
    classname: String,
    outcome: Outcome,
}

struct Suite {
    name: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
}

pub fn render(report: &Report) -> String {
    let mut suites: Vec<Suite> = report.systems.iter().map(system_suite).collect();
    let input: Vec<Case> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let loc = if d.line > 0 {
                format!("{}:{}:{}", d.file, d.line, d.column)
            } else {
                d.file.clone()
            };
            let mut detail = format!("{loc}: {}", d.message);
            if let Some(h) = &d.help {
                let _ = write!(detail, "\nhelp: {h}");
            }
            Case {
                name: format!("{loc} {}", d.code),
                classname: "aiact.input".into(),
                outcome: Outcome::Fail {
                    kind: "input_error",
                    message: d.message.clone(),
                    detail,
                },
            }
        })
        .collect();
    if !input.is_empty() {
        suites.push(Suite {
            name: "input".into(),
            properties: Vec::new(),
            cases: input,
        });
    }

    let count = |f: fn(&Outcome) -> bool| -> usize {
        suites
            .iter()
            .flat_map(|s| &s.cases)
            .filter(|c| f(&c.outcome))
            .count()
    };
    let tests = count(|_| true);
    let failures = count(|o| matches!(o, Outcome::Fail { .. }));
    let skipped = count(|o| matches!(o, Outcome::Skip(_)));

    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"aiact\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    );
    for s in &suites {
        write_suite(&mut x, s);
    }
    x.push_str("</testsuites>\n");
    x
}

fn system_suite(s: &SystemReport) -> Suite {
    let classname = format!("aiact.{}", s.name);
    let mut cases = vec![Case {
        name: "classification".into(),
        classname: classname.clone(),
        outcome: classification(s),
    }];
    for o in s.obligations.iter().chain(&s.conditional_obligations) {
        cases.push(Case {
            name: if o.title.is_empty() {
                o.id.clone()
            } else {
                format!("{}: {}", o.id, o.title)
            },
            classname: format!("{classname}.obligations"),
            outcome: obligation(o),
        });
    }
    Suite {
        name: format!("{} ({})", s.name, s.source),
        properties: vec![
            ("path", s.path.clone()),
            ("source", s.source.clone()),
            ("tier", s.tier.as_str().to_string()),
            ("gpai", s.gpai.as_str().to_string()),
        ],
        cases,
    }
}

fn classification(s: &SystemReport) -> Outcome {
    match s.tier {
        Tier::Undetermined => {
            let mut detail = String::from("Open questions that decide the tier:\n");
            for q in &s.open_questions {
                let _ = writeln!(detail, "- {}: {} ({})", q.id, q.question, q.why);
            }
            Outcome::Fail {
                kind: "undetermined",
                message: format!(
                    "the tier of {} is undetermined: {} open question(s); answer them in {} or with `aiact assess`",
                    s.name,
                    s.open_questions.len(),
                    s.source
                ),
                detail,
            }
        }
        Tier::Prohibited => {
            let mut detail = String::new();
            for t in s
                .triggers
                .iter()
                .filter(|t| t.decides == "tier: prohibited")
            {
                let _ = writeln!(detail, "- {}: {}", t.id, t.title);
                for e in &t.evidence {
                    let _ = writeln!(
                        detail,
                        "    {} = {} ({}{})",
                        e.id,
                        e.value,
                        e.origin.as_str(),
                        match e.provenance.location() {
                            l if l.is_empty() => String::new(),
                            l => format!(", {l}"),
                        }
                    );
                }
            }
            let ids: Vec<&str> = s
                .triggers
                .iter()
                .filter(|t| t.decides == "tier: prohibited")
                .map(|t| t.id.as_str())
                .collect();
            Outcome::Fail {
                kind: "prohibited",
                message: format!(
                    "{} is a prohibited practice under {} (Art. 5)",
                    s.name,
                    ids.join(", ")
                ),
                detail,
            }
        }
        _ => Outcome::Pass,
    }
}

fn obligation(o: &Obligation) -> Outcome {
    use crate::check::model::EvidenceStatus;
    if o.check.waived.is_some() {
        return Outcome::Skip("waived".into());
    }
    match o.status {
        // An obligation in force whose evidence is missing or incomplete is what a CI test
        // tab should show red; the message names what is missing.
        ObligationStatus::Applies => match o.check.evidence_status {
            Some(EvidenceStatus::Missing) | Some(EvidenceStatus::Partial) => {
                let missing: Vec<String> = o
                    .check
                    .missing_sections
                    .iter()
                    .map(|m| format!("{} {}", m.id, m.title))
                    .collect();
                let looked: Vec<&str> = o
                    .check
                    .evidence_checked
                    .iter()
                    .map(|d| d.path.as_str())
                    .collect();
                Outcome::Fail {
                    kind: "evidence",
                    message: format!(
                        "{} applies and its evidence is {}",
                        o.id,
                        o.check
                            .evidence_status
                            .map(|s| s.as_str())
                            .unwrap_or("missing")
                    ),
                    detail: format!(
                        "looked at: {}\nmissing: {}",
                        looked.join(", "),
                        missing.join("; ")
                    ),
                }
            }
            _ => Outcome::Pass,
        },
        ObligationStatus::NotYetApplicable => Outcome::Skip(match o.applies_from {
            Some(d) => format!("applies from {d}"),
            None => "not yet applicable".into(),
        }),
        ObligationStatus::Conditional => Outcome::Skip(if o.depends_on.is_empty() {
            "conditional".into()
        } else {
            format!("depends on open questions: {}", o.depends_on.join(", "))
        }),
    }
}

fn write_suite(x: &mut String, s: &Suite) {
    let failures = s
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Fail { .. }))
        .count();
    let skipped = s
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Skip(_)))
        .count();
    let _ = writeln!(
        x,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        attr(&s.name),
        s.cases.len()
    );
    if !s.properties.is_empty() {
        x.push_str("    <properties>\n");
        for (k, v) in &s.properties {
            let _ = writeln!(
                x,
                "      <property name=\"{}\" value=\"{}\"/>",
                attr(k),
                attr(v)
            );
        }
        x.push_str("    </properties>\n");
    }
    for c in &s.cases {
        let open = format!(
            "    <testcase name=\"{}\" classname=\"{}\"",
            attr(&c.name),
            attr(&c.classname)
        );
        match &c.outcome {
            Outcome::Pass => {
                let _ = writeln!(x, "{open}/>");
            }
            Outcome::Skip(why) => {
                let _ = writeln!(x, "{open}>");
                let _ = writeln!(x, "      <skipped message=\"{}\"/>", attr(why));
                x.push_str("    </testcase>\n");
            }
            Outcome::Fail {
                kind,
                message,
                detail,
            } => {
                let _ = writeln!(x, "{open}>");
                let _ = writeln!(
                    x,
                    "      <failure message=\"{}\" type=\"{kind}\">{}</failure>",
                    attr(message),
                    text(detail)
                );
                x.push_str("    </testcase>\n");
            }
        }
    }
    x.push_str("  </testsuite>\n");
}

/// A character XML 1.0 allows at all, even escaped. A scanned file may hold control
/// characters; they become U+FFFD rather than making the document unreadable.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escape for element content.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Escape for an attribute value in double quotes. Line breaks and tabs are written as
/// character references: a parser would otherwise normalise them to spaces.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            attr("a<b>&\"c' \n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos; &#10;\u{FFFD}"
        );
        assert_eq!(
            text("]]> <x> & \u{0}\u{FFFE}"),
            "]]&gt; &lt;x&gt; &amp; \u{FFFD}\u{FFFD}"
        );
    }
}
