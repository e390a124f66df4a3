//! A small JSON parser that keeps the byte offset of every value and key.
//!
//! serde_json gives no positions per value, and every extracted fact must carry a line, so
//! the BOM extractors read JSON through this. It is strict JSON (RFC 8259), bounded in
//! nesting depth, and never panics: malformed input gives a [`JsonError`] with its offset.

use std::fmt;

/// Deeper nesting than this is refused (serde_json uses the same limit); it keeps the
/// recursive descent far from the stack limit on hostile input.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct JNode {
    pub value: JValue,
    /// Byte offset of the value's first character.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JValue {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<JNode>),
    /// Members in order of appearance, each key with its own offset.
    Object(Vec<(JKey, JNode)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JKey {
    pub name: String,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl JNode {
    pub fn get(&self, key: &str) -> Option<&JNode> {
        match &self.value {
            JValue::Object(m) => m.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key's own entry (key offset included), for provenance that points at the key.
    pub fn entry(&self, key: &str) -> Option<(&JKey, &JNode)> {
        match &self.value {
            JValue::Object(m) => m.iter().find(|(k, _)| k.name == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> &[JNode] {
        match &self.value {
            JValue::Array(a) => a,
            _ => &[],
        }
    }

    pub fn as_object(&self) -> &[(JKey, JNode)] {
        match &self.value {
            JValue::Object(m) => m,
            _ => &[],
        }
    }

    /// A scalar as text (strings as they are, numbers and booleans printed).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            JValue::Str(s) => Some(s.clone()),
            JValue::Number(n) => Some(crate::facts::value::format_number(*n)),
            JValue::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A string, or every string of an array of strings (a field that may be either).
    pub fn strings(&self) -> Vec<&str> {
        match &self.value {
            JValue::Str(s) => vec![s.as_str()],
            JValue::Array(a) => a.iter().filter_map(|n| n.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

pub fn parse(text: &str) -> Result<JNode, JsonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    // A UTF-8 byte-order mark is not JSON, but editors write it; accept it.
    if text.starts_with('\u{feff}') {
        p.i = 3;
    }
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn err(&self, m: &str) -> JsonError {
        JsonError {
            message: m.to_string(),
            offset: self.i.min(self.s.len()),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<JNode, JsonError> {
        let offset = self.i;
        let value = match self.s.get(self.i) {
            None => return Err(self.err("expected a JSON value, found the end of the file")),
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("JSON nested too deeply"));
                }
                self.object(depth)?
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.err("JSON nested too deeply"));
                }
                self.array(depth)?
            }
            Some(b'"') => JValue::Str(self.string()?),
            Some(b't') => self.literal("true", JValue::Bool(true))?,
            Some(b'f') => self.literal("false", JValue::Bool(false))?,
            Some(b'n') => self.literal("null", JValue::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(JNode { value, offset })
    }

    fn literal(&mut self, word: &str, v: JValue) -> Result<JValue, JsonError> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            Err(self.err(&format!("expected `{word}`")))
        }
    }

    fn number(&mut self) -> Result<JValue, JsonError> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("expected a digit")),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.err("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if !matches!(self.s.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.err("expected a digit in the exponent"));
            }
            self.digits();
        }
        let raw = self.text.get(start..self.i).unwrap_or("0");
        raw.parse::<f64>()
            .map(JValue::Number)
            .map_err(|_| self.err("invalid number"))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let run_start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The run holds no quote or backslash, so it ends on an ASCII byte and the
            // slice is on char boundaries.
            out.push_str(self.text.get(run_start..self.i).unwrap_or(""));
            match self.s.get(self.i) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = match self.s.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                if self.s.get(self.i) == Some(&b'\\')
                                    && self.s.get(self.i + 1) == Some(&b'u')
                                {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return Err(self.err("invalid low surrogate"));
                                    }
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    return Err(self.err("lone surrogate in \\u escape"));
                                }
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(cp).ok_or_else(|| self.err("invalid \\u escape"))?,
                            );
                            continue;
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    };
                    self.i += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err("expected four hex digits"))?;
        self.i += 4;
        Ok(h)
    }

    fn array(&mut self, depth: usize) -> Result<JValue, JsonError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(JValue::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(JValue::Array(items));
                }
                _ => return Err(self.err("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JValue, JsonError> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(JValue::Object(members));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let key_offset = self.i;
            let name = self.string()?;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.err("expected `:` after the key"));
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            members.push((
                JKey {
                    name,
                    offset: key_offset,
                },
                v,
            ));
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(JValue::Object(members));
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_offsets() {
        let t = "{\n  \"a\": [1, \"x\\u00e9\"],\n  \"b\": {\"c\": null}\n}";
        let n = parse(t).unwrap();
        let (k, v) = n.entry("a").unwrap();
        assert_eq!(k.offset, 4);
        assert_eq!(v.as_array()[1].as_str(), Some("xé"));
        assert_eq!(
            &t[n.get("b").unwrap().offset..n.get("b").unwrap().offset + 1],
            "{"
        );
    }

    #[test]
    fn rejects_bad_input_with_offset() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "tru",
            "\"abc",
            "01x",
            "{} x",
            "[\"\\x\"]",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let e = parse("{\"a\": [1, 2,, 3]}").unwrap_err();
        assert_eq!(e.offset, 12);
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).unwrap_err().message.contains("deeply"));
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&ok).is_ok());
    }

    proptest! {
        // Agrees with serde_json on what is valid JSON (within our depth limit), and
        // never panics.
        #[test]
        fn agrees_with_serde_json(s in "[\\[\\]{}\",:0-9a-z\\\\ .eE+-]{0,40}") {
            let ours = parse(&s).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(&s).is_ok();
            prop_assert_eq!(ours, theirs, "input {:?}", s);
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = parse(&s);
        }
    }
}
