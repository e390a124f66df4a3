//! The terminal summary of `aiact check`: one line per system with its tier and what failed,
//! then the waivers and the verdict. Colour only when asked (the caller decides: a terminal
//! and no NO_COLOR), so logs and pipes get plain text.

use super::model::Report;
use crate::decide::outcome::Tier;
use crate::gate::model::{GateSummary, WaiverState};
use std::fmt::Write as _;

#[derive(Clone, Copy)]
enum Style {
    Pass,
    Fail,
    Warn,
    Dim,
}

struct Paint(bool);

impl Paint {
    fn s(&self, style: Style, text: &str) -> String {
        if !self.0 {
            return text.to_string();
        }
        let code = match style {
            Style::Pass => "1;32",
            Style::Fail => "1;31",
            Style::Warn => "33",
            Style::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// Whether to colour a stream: only a terminal, and never when NO_COLOR is set to anything
/// (https://no-color.org).
pub fn use_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Text that came from a scanned file, made safe to print: no control characters (an escape
/// sequence in a system's name must not drive the user's terminal).
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub fn render(report: &Report, gate: &GateSummary, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let width = report
        .systems
        .iter()
        .map(|s| s.name.chars().count() + s.path.chars().count() + 3)
        .max()
        .unwrap_or(0);
    let mut failed_systems = 0;
    for s in &report.systems {
        let fails: Vec<_> = gate
            .failures
            .iter()
            .filter(|f| f.path == s.path && f.system == s.name)
            .collect();
        let verdict = if fails.is_empty() {
            p.s(Style::Pass, "PASS")
        } else {
            failed_systems += 1;
            p.s(Style::Fail, "FAIL")
        };
        let label = clean(&format!("{} ({})", s.name, s.path));
        let pad = width.saturating_sub(label.chars().count());
        let tier = s.tier.as_str();
        let tier = match s.tier {
            Tier::Prohibited => p.s(Style::Fail, tier),
            Tier::HighRisk | Tier::Undetermined => p.s(Style::Warn, tier),
            _ => tier.to_string(),
        };
        let _ = write!(out, "{verdict}  {label}{}  {tier}", " ".repeat(pad));
        if s.gpai != crate::decide::outcome::Gpai::None {
            let _ = write!(out, ", {}", s.gpai.as_str());
        }
        if !fails.is_empty() {
            // One label per condition: `missing-evidence: art9: …; art11: …`.
            let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
            for f in &fails {
                let m = clean(&f.message);
                match groups.iter_mut().find(|(c, _)| *c == f.condition) {
                    Some((_, ms)) => ms.push(m),
                    None => groups.push((&f.condition, vec![m])),
                }
            }
            let what: Vec<String> = groups
                .iter()
                .map(|(c, ms)| format!("{c}: {}", ms.join("; ")))
                .collect();
            let _ = write!(out, "  {}", what.join(" | "));
        }
        let waived = s
            .obligations
            .iter()
            .chain(&s.conditional_obligations)
            .filter(|o| o.check.waived.is_some())
            .count()
            + s.triggers.iter().filter(|t| t.waived.is_some()).count();
        if waived > 0 {
            let _ = write!(out, "  {}", p.s(Style::Dim, &format!("({waived} waived)")));
        }
        out.push('\n');
    }
    for w in &report.waivers {
        let state = match w.status {
            WaiverState::Active => p.s(Style::Dim, "waiver active"),
            WaiverState::Expired => p.s(Style::Fail, "waiver EXPIRED"),
        };
        let covers = if w.status == WaiverState::Expired {
            "covers nothing: renew it or fix the gap".to_string()
        } else if w.applied_to.is_empty() {
            "matches nothing".to_string()
        } else {
            format!("covers {}", w.applied_to.join(", "))
        };
        let _ = writeln!(
            out,
            "{state}  {} on {} until {} (owner {}, {}): {}",
            clean(&w.id),
            clean(&w.system),
            w.expires,
            clean(&w.owner),
            w.source,
            covers
        );
    }
    // Input errors are already on stderr with their positions; count them, do not repeat.
    let input_errors = gate
        .failures
        .iter()
        .filter(|f| f.condition == "input-error")
        .count();
    if input_errors > 0 {
        let _ = writeln!(
            out,
            "{}  {input_errors} input error(s), shown above: those files were not checked",
            p.s(Style::Fail, "FAIL")
        );
    }
    for f in gate.failures.iter().filter(|f| {
        f.path.is_empty() && f.condition != "waiver-expired" && f.condition != "input-error"
    }) {
        let _ = writeln!(out, "{}  {}", p.s(Style::Fail, "FAIL"), clean(&f.message));
    }
    let policy = gate.fail_on.join(", ");
    let n = report.systems.len();
    if gate.passed {
        let _ = writeln!(
            out,
            "{} {n} system(s) checked on {} (fails on: {policy})",
            p.s(Style::Pass, "gate passed:"),
            report.as_of
        );
    } else {
        let _ = writeln!(
            out,
            "{} {failed_systems} of {n} system(s), {} reason(s), as of {} (fails on: {policy})",
            p.s(Style::Fail, "gate FAILED:"),
            gate.failures.len(),
            report.as_of
        );
    }
    out
}
