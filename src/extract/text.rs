//! Text helpers shared by the extractors: byte offset → line/column, and short excerpts.

/// Maps byte offsets of one text to 1-based lines and columns (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line of a byte offset (offsets past the end give the last line).
    pub fn line(&self, offset: usize) -> u64 {
        match self.starts.binary_search(&offset) {
            Ok(i) => i as u64 + 1,
            Err(i) => i as u64,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u64, u64) {
        let line = self.line(offset);
        let start = self.starts.get(line as usize - 1).copied().unwrap_or(0);
        let end = offset.min(self.text.len());
        let col = self
            .text
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line, col as u64 + 1)
    }

    /// Byte offset where a 1-based line starts (the end of the text past the last line).
    pub fn line_start(&self, line: u64) -> usize {
        let i = line.saturating_sub(1) as usize;
        self.starts.get(i).copied().unwrap_or(self.text.len())
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u64) -> &'a str {
        let i = line.saturating_sub(1) as usize;
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

/// Whitespace collapsed to single spaces, trimmed, at most `max` characters (with "...").
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out = String::new();
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.chars().count() > max {
        out = out.chars().take(max.saturating_sub(3)).collect::<String>() + "...";
    }
    out
}

/// The largest char boundary not above `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let t = "ab\ncé\n\nx";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(6), (2, 3)); // after the two-byte é
        assert_eq!(idx.line(7), 3);
        assert_eq!(idx.line(8), 4);
        assert_eq!(idx.line(100), 4);
        assert_eq!(idx.line_text(2), "cé");
        assert_eq!(idx.line_text(9), "");
    }

    #[test]
    fn excerpt_collapses_and_cuts() {
        assert_eq!(excerpt("  a\n  b ", 10), "a b");
        assert_eq!(excerpt("abcdefghijk", 6), "abc...");
    }
}

/// Why a file's bytes are not text we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// NUL bytes without a UTF-16 byte-order mark: a binary file.
    Binary,
    /// Not valid UTF-8 (nor UTF-16 with a byte-order mark); the byte offset of the first
    /// invalid sequence.
    InvalidUtf8 { offset: usize },
}

/// Decode a file's bytes: UTF-8 (a byte-order mark is dropped), or UTF-16 LE/BE with a
/// byte-order mark (Windows tools write requirements files so).
pub fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, DecodeError> {
    use std::borrow::Cow;
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes).map(Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes).map(Cow::Owned);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // A NUL in the first 8 KiB is how git and ripgrep tell binary files.
    if body.iter().take(8192).any(|&b| b == 0) {
        return Err(DecodeError::Binary);
    }
    std::str::from_utf8(body)
        .map(Cow::Borrowed)
        .map_err(|e| DecodeError::InvalidUtf8 {
            offset: e.valid_up_to(),
        })
}

fn utf16(b: &[u8], f: fn([u8; 2]) -> u16) -> Result<String, DecodeError> {
    let units = b.chunks_exact(2).map(|c| f([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| DecodeError::InvalidUtf8 { offset: 0 })
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    #[test]
    fn decodes_utf16_and_boms() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("torch\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&le).unwrap(), "torch\r\n");
        assert_eq!(decode(b"\xEF\xBB\xBFhi").unwrap(), "hi");
        assert_eq!(decode(b"a\0b"), Err(DecodeError::Binary));
        assert_eq!(
            decode(b"ab\xFF"),
            Err(DecodeError::InvalidUtf8 { offset: 2 })
        );
    }
}
