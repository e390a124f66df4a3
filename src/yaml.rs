//! The one place YAML is parsed. Everything else works on [`Node`], a tree that keeps the
//! line and column of every value, so validation can point at file:line:column and
//! collect every error in one pass. Keeping serde-saphyr behind this module keeps the
//! choice of parser reversible. build.rs compiles this file as well (to parse the embedded
//! rule files at build time), so it uses nothing else of the crate.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A position in a source file (1-based; 0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys keep their order of appearance.
    Map(Vec<(Node, Node)>),
}

/// A YAML syntax or limit error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parse one YAML document. An empty document gives `Null`.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if text.trim().is_empty() {
        return Ok(Node {
            value: NodeValue::Null,
            pos: Pos { line: 1, column: 1 },
        });
    }
    // YAML 1.2 booleans only: `no` (Norway, a test named "no") stays a string.
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    match serde_saphyr::from_str_with_options::<Option<Node>>(text, options) {
        Ok(Some(node)) => Ok(node),
        Ok(None) => Ok(Node {
            value: NodeValue::Null,
            pos: Pos { line: 1, column: 1 },
        }),
        Err(err) => {
            let pos = err
                .location()
                .map(|l| Pos {
                    line: l.line(),
                    column: l.column(),
                })
                .unwrap_or_default();
            // The library's Display may append its own position or a snippet; keep the
            // first line, the position is reported separately.
            let full = err.to_string();
            let mut message = full.lines().next().unwrap_or("invalid YAML").trim();
            // Drop the library's own "error: line N column M:" prefix; the position is kept apart.
            message = message.strip_prefix("error: ").unwrap_or(message);
            if message.starts_with("line ")
                && let Some(idx) = message.find(": ")
            {
                message = &message[idx + 2..];
            }
            let message = message.to_string();
            Err(YamlError { message, pos })
        }
    }
}

/// Compact binary form of a parsed tree (build.rs parses the embedded rule files once; the
/// program reads them back far faster than it could parse the YAML again). Every node is its
/// position, a tag, then its payload; numbers are LEB128.
pub fn encode(node: &Node, out: &mut Vec<u8>) {
    put_uint(out, node.pos.line);
    put_uint(out, node.pos.column);
    match &node.value {
        NodeValue::Null => out.push(0),
        NodeValue::Bool(b) => out.push(if *b { 2 } else { 1 }),
        NodeValue::Int(i) => {
            out.push(3);
            out.extend_from_slice(&i.to_le_bytes());
        }
        NodeValue::Float(f) => {
            out.push(4);
            out.extend_from_slice(&f.to_bits().to_le_bytes());
        }
        NodeValue::Str(s) => {
            out.push(5);
            put_uint(out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        NodeValue::Seq(items) => {
            out.push(6);
            put_uint(out, items.len() as u64);
            for n in items {
                encode(n, out);
            }
        }
        NodeValue::Map(pairs) => {
            out.push(7);
            put_uint(out, pairs.len() as u64);
            for (k, v) in pairs {
                encode(k, out);
                encode(v, out);
            }
        }
    }
}

/// Deeper than any rule file nests; bounds the decoder's recursion.
const MAX_DEPTH: usize = 256;

/// The tree [`encode`] wrote; `None` for bytes it did not write.
pub fn decode(bytes: &[u8]) -> Option<Node> {
    let mut r = Reader { bytes, at: 0 };
    let node = r.node(0)?;
    (r.at == bytes.len()).then_some(node)
}

fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn uint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    fn node(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let pos = Pos {
            line: self.uint()?,
            column: self.uint()?,
        };
        let value = match self.byte()? {
            0 => NodeValue::Null,
            1 => NodeValue::Bool(false),
            2 => NodeValue::Bool(true),
            3 => NodeValue::Int(i64::from_le_bytes(self.take(8)?.try_into().ok()?)),
            4 => NodeValue::Float(f64::from_bits(u64::from_le_bytes(
                self.take(8)?.try_into().ok()?,
            ))),
            5 => {
                let n = self.len()?;
                NodeValue::Str(String::from_utf8(self.take(n)?.to_vec()).ok()?)
            }
            6 => {
                let n = self.len()?;
                // Every node takes at least three bytes: no allocation beyond the input.
                let mut items = Vec::with_capacity(n.min(self.bytes.len() / 3));
                for _ in 0..n {
                    items.push(self.node(depth + 1)?);
                }
                NodeValue::Seq(items)
            }
            7 => {
                let n = self.len()?;
                let mut pairs = Vec::with_capacity(n.min(self.bytes.len() / 6));
                for _ in 0..n {
                    pairs.push((self.node(depth + 1)?, self.node(depth + 1)?));
                }
                NodeValue::Map(pairs)
            }
            _ => return None,
        };
        Some(Node { value, pos })
    }
}

impl Node {
    pub fn kind(&self) -> &'static str {
        match &self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a number",
            NodeValue::Str(_) => "a string",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            NodeValue::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// Look a key up in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// The scalar as text (for keys and messages).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            NodeValue::Str(s) => Some(s.clone()),
            NodeValue::Bool(b) => Some(b.to_string()),
            NodeValue::Int(i) => Some(i.to_string()),
            NodeValue::Float(f) => Some(f.to_string()),
            NodeValue::Null => Some("null".into()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<NodeValue>::deserialize(d)?;
        Ok(Node {
            value: spanned.value,
            pos: Pos {
                line: spanned.referenced.line(),
                column: spanned.referenced.column(),
            },
        })
    }
}

impl<'de> Deserialize<'de> for NodeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = NodeValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<NodeValue, E> {
        Ok(NodeValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeValue, D::Error> {
        NodeValue::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<NodeValue, E> {
        Ok(NodeValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<NodeValue, E> {
        Ok(NodeValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<NodeValue, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => NodeValue::Int(i),
            Err(_) => NodeValue::Float(v as f64),
        })
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<NodeValue, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => NodeValue::Int(i),
            Err(_) => NodeValue::Float(v as f64),
        })
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<NodeValue, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => NodeValue::Int(i),
            Err(_) => NodeValue::Float(v as f64),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<NodeValue, E> {
        Ok(NodeValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<NodeValue, E> {
        Ok(NodeValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NodeValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(NodeValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NodeValue, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(NodeValue::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = parse("name: x\nfacts:\n  annex3.4.a: true\n  flops: 3.1e24\n").unwrap();
        let facts = n.get("facts").unwrap().as_map().unwrap();
        assert_eq!(facts[0].0.as_str(), Some("annex3.4.a"));
        assert_eq!(facts[0].0.pos.line, 3);
        assert_eq!(facts[0].1.value, NodeValue::Bool(true));
        assert_eq!(facts[1].1.value, NodeValue::Float(3.1e24));
        assert_eq!(facts[1].1.pos.line, 4);
    }

    #[test]
    fn syntax_error_has_position() {
        let e = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.pos.line >= 1, "{e:?}");
    }

    #[test]
    fn alias_bomb_and_depth_are_bounded() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&deep).is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse(&bomb).is_err());
    }

    #[test]
    fn only_yaml_1_2_booleans() {
        let n = parse("a: no\nb: yes\nc: true\nd: False\n").unwrap();
        assert_eq!(n.get("a").unwrap().value, NodeValue::Str("no".into()));
        assert_eq!(n.get("b").unwrap().value, NodeValue::Str("yes".into()));
        assert_eq!(n.get("c").unwrap().value, NodeValue::Bool(true));
        assert_eq!(n.get("d").unwrap().value, NodeValue::Bool(false));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        assert!(parse("a: 1\na: 2\n").is_err());
    }

    #[test]
    fn empty_is_null() {
        assert_eq!(parse("").unwrap().value, NodeValue::Null);
        assert_eq!(parse("# only a comment\n").unwrap().value, NodeValue::Null);
    }
}
