//! `aiact assess --write-manifest`: put answers into aiact.yaml itself, keeping its comments,
//! order and layout. A line-based edit guided by the positions of the parsed YAML: a key
//! that exists gets its value replaced on its own line (a comment after it stays), a new key
//! goes after the last entry of `facts:` with the same indentation. The result is parsed
//! again and must give back exactly the values written, or nothing is written.

use crate::decide::pack::Pack;
use crate::extract::manifest;
use crate::facts::Value;
use crate::yaml::{self, Node, NodeValue};

/// Set `facts` (id, value rendered as YAML, value expected back) in a manifest's text.
/// `role` is a top-level key; every other id goes under `facts:`.
pub fn apply(
    text: &str,
    updates: &[(String, String, Value)],
    pack: &Pack,
) -> Result<String, String> {
    let mut doc = Doc::new(text);
    for (id, rendered, _) in updates {
        doc.set(id, rendered)?;
    }
    let out = doc.text();
    // The safety net: the edited manifest must read back with the values we meant, and
    // with no error it did not have before (a key this pack does not know stays as it was).
    let errors = |t: &str| {
        let (_, d) = manifest::parse("aiact.yaml", t, pack);
        let mut v: Vec<(String, String)> = d
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| (d.code, d.message))
            .collect();
        v.sort();
        v
    };
    let (was, now) = (errors(text), errors(&out));
    if let Some(new) = now.iter().find(|e| !was.contains(e)) {
        return Err(format!(
            "the edited manifest would not read back: {}",
            new.1
        ));
    }
    let (m, _) = manifest::parse("aiact.yaml", &out, pack);
    let Some(m) = m else {
        return Err("the edited manifest would not read back".into());
    };
    for (id, _, want) in updates {
        let got = m.facts.iter().find(|f| f.id == *id).map(|f| &f.value);
        if got != Some(want) {
            return Err(format!(
                "`{id}` would read back as {} instead of {want}",
                got.map(|v| v.to_string())
                    .unwrap_or_else(|| "nothing".into())
            ));
        }
    }
    Ok(out)
}

struct Doc {
    lines: Vec<String>,
    eol: &'static str,
}

impl Doc {
    fn new(text: &str) -> Doc {
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
            .collect::<Vec<_>>();
        // `split` gives a last empty piece for a text ending in a newline; drop it and
        // write the newline back at the end.
        let mut lines = lines;
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        Doc { lines, eol }
    }

    fn text(&self) -> String {
        let mut s = self.lines.join(self.eol);
        s.push_str(self.eol);
        s
    }

    fn root(&self) -> Result<Node, String> {
        let root = yaml::parse(&self.text()).map_err(|e| format!("invalid YAML: {e}"))?;
        match root.value {
            NodeValue::Map(_) => Ok(root),
            _ => Err("the manifest is not a mapping".into()),
        }
    }

    fn set(&mut self, id: &str, rendered: &str) -> Result<(), String> {
        let root = self.root()?;
        let top = root.as_map().unwrap_or_default();
        if id == "role" {
            return match find(top, "role") {
                Some((k, v)) => self.replace(k, v, rendered),
                None => {
                    // Before `facts:` if there is one, else at the end.
                    let at = find(top, "facts")
                        .map(|(k, _)| line_index(k))
                        .unwrap_or(self.lines.len());
                    self.lines.insert(at, format!("role: {rendered}"));
                    Ok(())
                }
            };
        }
        let Some((fk, fv)) = find(top, "facts") else {
            if self.lines.last().is_some_and(|l| !l.trim().is_empty()) {
                self.lines.push(String::new());
            }
            self.lines.push("facts:".into());
            self.lines.push(format!("  {}: {rendered}", key_text(id)));
            return Ok(());
        };
        match &fv.value {
            NodeValue::Map(entries) if fv.pos.line > fk.pos.line || entries.is_empty() => {
                if entries.is_empty() {
                    // `facts: {}` on one line: make it a block.
                    self.rewrite_value(fk, fv, "")?;
                    self.lines
                        .insert(line_index(fk) + 1, format!("  {}: {rendered}", key_text(id)));
                    return Ok(());
                }
                if let Some((k, v)) = find(entries, id) {
                    return self.replace(k, v, rendered);
                }
                let (lk, lv) = &entries[entries.len() - 1];
                let end = self.extent_end(lk, lv);
                let indent = " ".repeat(entries[0].0.pos.column.saturating_sub(1) as usize);
                self.lines
                    .insert(end + 1, format!("{indent}{}: {rendered}", key_text(id)));
                Ok(())
            }
            NodeValue::Null => {
                self.lines
                    .insert(line_index(fk) + 1, format!("  {}: {rendered}", key_text(id)));
                Ok(())
            }
            NodeValue::Map(_) => Err(
                "`facts:` is written in flow style ({ ... }); write it as a block (one fact a line) so aiact can edit it"
                    .into(),
            ),
            _ => Err(format!("`facts` is {}, not a mapping", fv.kind())),
        }
    }

    /// Replace the value of an existing entry, on its key's line; a value over several
    /// lines (a block list) becomes one line.
    fn replace(&mut self, k: &Node, v: &Node, rendered: &str) -> Result<(), String> {
        let end = self.extent_end(k, v);
        let first = line_index(k);
        if end > first {
            self.lines.drain(first + 1..=end);
        }
        self.rewrite_value(k, v, rendered)
    }

    /// Rewrite the key's line as `key: value` keeping indentation, key spelling and a
    /// trailing comment (at its column when there is room).
    fn rewrite_value(&mut self, k: &Node, _v: &Node, rendered: &str) -> Result<(), String> {
        let i = line_index(k);
        let line = self
            .lines
            .get(i)
            .ok_or("position outside the file")?
            .clone();
        let start = (k.pos.column.saturating_sub(1)) as usize;
        let colon = key_colon(&line, start)
            .ok_or_else(|| format!("cannot find the `:` after the key on line {}", k.pos.line))?;
        let comment = comment_start(&line, colon + 1);
        let mut out = line[..=colon].to_string();
        if !rendered.is_empty() {
            out.push(' ');
            out.push_str(rendered);
        }
        if let Some(c) = comment {
            // Keep the comment at its column when the new value leaves room for it.
            let pad = if out.len() < c { c - out.len() } else { 2 };
            out.push_str(&" ".repeat(pad));
            out.push_str(&line[c..]);
        }
        self.lines[i] = out;
        Ok(())
    }

    /// The last line (0-based) of an entry's value: its key's line plus any following
    /// line indented deeper (or a block list's `-` at the key's indentation). Trailing
    /// blank and comment lines belong to what follows.
    fn extent_end(&self, k: &Node, v: &Node) -> usize {
        let first = line_index(k);
        let indent = k.pos.column.saturating_sub(1) as usize;
        let block_seq = matches!(v.value, NodeValue::Seq(_)) && v.pos.line > k.pos.line;
        let mut end = first;
        for (j, l) in self.lines.iter().enumerate().skip(first + 1) {
            let t = l.trim_start();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let ind = l.len() - t.len();
            if ind > indent || (block_seq && ind == indent && t.starts_with('-')) {
                end = j;
            } else {
                break;
            }
        }
        end
    }
}

fn find<'a>(entries: &'a [(Node, Node)], key: &str) -> Option<(&'a Node, &'a Node)> {
    entries
        .iter()
        .find(|(k, _)| {
            k.scalar_text().as_deref() == Some(key) && !matches!(k.value, NodeValue::Null)
        })
        .map(|(k, v)| (k, v))
}

fn line_index(n: &Node) -> usize {
    n.pos.line.saturating_sub(1) as usize
}

fn key_text(id: &str) -> String {
    let plain = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if plain {
        id.to_string()
    } else {
        serde_json::to_string(id).unwrap_or_default()
    }
}

/// The byte index of the `:` ending a key that starts at `start`, outside quotes.
fn key_colon(line: &str, start: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b':'
                && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t') =>
            {
                return Some(i);
            }
            None => {}
        }
        i += 1;
    }
    None
}

/// Where a `# comment` starts after `from`, outside quotes.
fn comment_start(line: &str, from: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    for i in from..bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'#' && i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => {
                // Start the kept part at the whitespace run before `#`.
                return Some(i);
            }
            None => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::answers::render_value;
    use crate::decide::pack::default_pack;

    fn set(text: &str, items: &[(&str, Value)]) -> Result<String, String> {
        let pack = default_pack().unwrap_or_else(|e| panic!("{e:?}"));
        let updates: Vec<(String, String, Value)> = items
            .iter()
            .map(|(id, v)| {
                let ty = pack
                    .fact(id)
                    .map(|d| d.ty)
                    .unwrap_or(crate::decide::pack::FactType::String);
                (id.to_string(), render_value(v, ty), v.clone())
            })
            .collect();
        apply(text, &updates, &pack)
    }

    const TEMPLATE: &str = include_str!("../../templates/aiact.yaml.template");

    #[test]
    fn replaces_in_place_and_keeps_comments() {
        let out = set(
            TEMPLATE,
            &[
                ("art5.1", Value::Bool(false)),
                ("annex3", Value::Bool(true)),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let before: Vec<&str> = TEMPLATE.lines().collect();
        let after: Vec<&str> = out.lines().collect();
        assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            if b.contains("art5.1: unknown") {
                assert_eq!(*a, "  art5.1: false");
            } else if b.contains("annex3: unknown") {
                assert_eq!(*a, "  annex3: true");
            } else {
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn trailing_comment_stays_at_its_column() {
        let text = "name: X\nfacts:\n  annex3.4.a: unknown     # recruitment\n  profiling: true\n";
        let out = set(text, &[("annex3.4.a", Value::Bool(true))]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out,
            "name: X\nfacts:\n  annex3.4.a: true        # recruitment\n  profiling: true\n"
        );
    }

    #[test]
    fn new_facts_go_after_the_last_entry_with_its_indentation() {
        let text = "name: X\nfacts:\n    eu_market: true\n    outputs:\n    - text\n    - image\n\n# the end\n";
        let out = set(
            text,
            &[
                ("profiling", Value::Bool(false)),
                ("training_flops", Value::Number(3.1e24)),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out,
            "name: X\nfacts:\n    eu_market: true\n    outputs:\n    - text\n    - image\n    profiling: false\n    training_flops: 3.1e24\n\n# the end\n"
        );
    }

    #[test]
    fn a_block_list_value_is_replaced_whole() {
        let text = "name: X\nfacts:\n  outputs:\n    - text\n    - image\n  eu_market: true\n";
        let out = set(text, &[("outputs", Value::List(vec!["code".into()]))])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, "name: X\nfacts:\n  outputs: code\n  eu_market: true\n");
    }

    #[test]
    fn role_and_missing_facts_block() {
        let text = "name: X   # the name\n";
        let out = set(
            text,
            &[
                (
                    "role",
                    Value::List(vec!["deployer".into(), "provider".into()]),
                ),
                ("eu_market", Value::Bool(true)),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out,
            "name: X   # the name\nrole: [deployer, provider]\n\nfacts:\n  eu_market: true\n"
        );
        let out = set(
            "name: X\nrole: provider # who\nfacts:\n",
            &[("role", Value::List(vec!["deployer".into()]))],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, "name: X\nrole: deployer # who\nfacts:\n");
        let out = set("name: X\nfacts:\n", &[("eu_market", Value::Bool(true))])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, "name: X\nfacts:\n  eu_market: true\n");
        let out = set("name: X\nfacts: {}\n", &[("eu_market", Value::Bool(true))])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, "name: X\nfacts:\n  eu_market: true\n");
    }

    #[test]
    fn crlf_is_kept_and_flow_style_is_refused() {
        let out = set(
            "name: X\r\nfacts:\r\n  eu_market: unknown\r\n",
            &[("eu_market", Value::Bool(false))],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, "name: X\r\nfacts:\r\n  eu_market: false\r\n");
        assert!(
            set(
                "name: X\nfacts: {eu_market: true}\n",
                &[("profiling", Value::Bool(true))]
            )
            .is_err()
        );
    }

    #[test]
    fn strings_with_hashes_and_quotes_survive() {
        let text = "name: X\nfacts:\n  license: \"MIT # or not\"  # spdx\n";
        let out = set(
            text,
            &[("license", Value::Str("Apache-2.0 # \"x\"".into()))],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out,
            "name: X\nfacts:\n  license: \"Apache-2.0 # \\\"x\\\"\"  # spdx\n"
        );
    }
}
