//! Markdown to positioned text: the blocks of prose (paragraphs, list items, headings,
//! table cells), the headings, and the tables (Markdown and raw HTML), each keeping the
//! byte offset it came from so a match can be reported at file:line.
//! Code blocks are left out: an example in a code block is not a statement.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::sync::LazyLock;

/// Parser options, set in one place.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// A run of plain text with a map back to source offsets.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub text: String,
    /// (offset in `text`, offset in the source) at the start of each segment.
    segments: Vec<(usize, usize, usize)>,
    /// The headings above this block, outermost first, joined by " / ".
    pub section: String,
    pub is_heading: bool,
}

impl Block {
    fn push(&mut self, s: &str, src_start: usize, src_end: usize) {
        self.segments.push((self.text.len(), src_start, src_end));
        self.text.push_str(s);
    }

    fn push_space(&mut self) {
        if !self.text.ends_with(' ') && !self.text.is_empty() {
            self.text.push(' ');
        }
    }

    /// The source offset of a position in `text`.
    pub fn source_offset(&self, pos: usize) -> usize {
        let i = self.segments.partition_point(|&(b, _, _)| b <= pos);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(&(b, s, e)) => (s + (pos - b)).min(e.max(s)),
            None => self.segments.first().map(|&(_, s, _)| s).unwrap_or(0),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub offset: usize,
}

/// A table: the header row's cell texts and the body rows, aligned by column
/// (rowspan and colspan resolved for HTML tables).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Option<Cell>>>,
    /// The section the table is in.
    pub section: String,
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub headings: Vec<Heading>,
    pub tables: Vec<Table>,
}

/// Read Markdown. `base` is added to every offset (the length of front matter before it).
pub fn parse(md: &str, base: usize) -> Document {
    let mut doc = Document::default();
    let mut cur = Block::default();
    let mut stack: Vec<(u8, String)> = Vec::new();
    let mut in_code = false;
    let mut code_ranges: Vec<(usize, usize)> = Vec::new();
    let mut heading: Option<(u8, usize)> = None;
    // Markdown table state.
    let mut table: Option<Table> = None;
    let mut in_head = false;
    let mut row: Vec<Option<Cell>> = Vec::new();
    let mut cell_start = 0usize;

    let section = |stack: &[(u8, String)]| {
        stack
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" / ")
    };

    for (ev, range) in Parser::new_ext(md, options()).into_offset_iter() {
        let (rs, re) = (range.start + base, range.end + base);
        match ev {
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut doc, &mut cur, &stack);
                in_code = true;
                code_ranges.push((rs, re));
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut doc, &mut cur, &stack);
                heading = Some((heading_level(level), rs));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, offset)) = heading.take() {
                    let text = cur.text.trim().to_string();
                    while stack.last().is_some_and(|(l, _)| *l >= level) {
                        stack.pop();
                    }
                    cur.is_heading = true;
                    flush(&mut doc, &mut cur, &stack);
                    doc.headings.push(Heading {
                        level,
                        text: text.clone(),
                        offset,
                    });
                    stack.push((level, text));
                }
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::BlockQuote(_) | Tag::List(_)) => {
                flush(&mut doc, &mut cur, &stack)
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_)) => {
                flush(&mut doc, &mut cur, &stack)
            }
            Event::Start(Tag::Table(_)) => {
                flush(&mut doc, &mut cur, &stack);
                table = Some(Table {
                    section: section(&stack),
                    ..Table::default()
                });
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                row.clear();
            }
            Event::Start(Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.rows.push(std::mem::take(&mut row));
                }
            }
            Event::Start(Tag::TableCell) => {
                flush(&mut doc, &mut cur, &stack);
                cell_start = rs;
            }
            Event::End(TagEnd::TableCell) => {
                let text = cur.text.trim().to_string();
                if let Some(t) = table.as_mut() {
                    if in_head {
                        t.header.push(text);
                    } else {
                        row.push(Some(Cell {
                            text,
                            offset: cell_start,
                        }));
                    }
                }
                flush(&mut doc, &mut cur, &stack);
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = table.take() {
                    doc.tables.push(t);
                }
            }
            Event::Text(t) | Event::Code(t) if !in_code => cur.push(&t, rs, re),
            Event::SoftBreak | Event::HardBreak => cur.push_space(),
            Event::InlineHtml(h) => {
                // Keep exponents readable: 10<sup>25</sup> → 10^25.
                if h.eq_ignore_ascii_case("<sup>") {
                    cur.push("^", rs, re);
                } else {
                    cur.push_space();
                }
            }
            Event::Html(h) if !in_code => {
                // Raw HTML blocks hold prose too (and the tables read below).
                flush(&mut doc, &mut cur, &stack);
                let mut b = strip_tags(&h, rs);
                b.section = section(&stack);
                if !b.text.trim().is_empty() {
                    doc.blocks.push(b);
                }
            }
            _ => {}
        }
    }
    flush(&mut doc, &mut cur, &stack);
    html_tables(md, base, &code_ranges, &doc.headings, &mut doc.tables);
    doc
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn flush(doc: &mut Document, cur: &mut Block, stack: &[(u8, String)]) {
    if !cur.text.trim().is_empty() {
        let mut b = std::mem::take(cur);
        b.section = stack
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" / ");
        doc.blocks.push(b);
    } else {
        *cur = Block::default();
    }
}

/// Text of an HTML fragment without its tags, entities decoded, offsets kept.
pub fn strip_tags(h: &str, base: usize) -> Block {
    let mut b = Block::default();
    let mut i = 0;
    let bytes = h.as_bytes();
    while i < h.len() {
        if bytes[i] == b'<' {
            let end = h[i..].find('>').map(|e| i + e + 1).unwrap_or(h.len());
            let tag = &h[i..end];
            // `get`: the fifth byte may fall inside a multi-byte character (`<?b𑍐`).
            if tag
                .get(..5)
                .is_some_and(|t| t.eq_ignore_ascii_case("<sup>"))
            {
                b.push("^", base + i, base + end);
            } else {
                b.push_space();
            }
            i = end;
            continue;
        }
        if bytes[i] == b'&'
            && let Some(semi) = h[i..].find(';').filter(|&s| s <= 8)
        {
            let ent = &h[i..i + semi + 1];
            let rep = match ent {
                "&amp;" => "&",
                "&lt;" => "<",
                "&gt;" => ">",
                "&quot;" => "\"",
                "&nbsp;" => " ",
                _ => " ",
            };
            b.push(rep, base + i, base + i + semi + 1);
            i += semi + 1;
            continue;
        }
        let next = h[i..].find(['<', '&']).map(|n| i + n).unwrap_or(h.len());
        let next = if next == i {
            i + h[i..].chars().next().map_or(1, char::len_utf8)
        } else {
            next
        };
        b.push(&h[i..next], base + i, base + next);
        i = next;
    }
    b
}

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<(/?)(table|tr|td|th)\b([^>]*)>").unwrap_or_else(|e| unreachable!("{e}"))
});
static SPAN_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(rowspan|colspan)\s*=\s*["']?(\d+)"#)
        .unwrap_or_else(|e| unreachable!("{e}"))
});

/// Tables written in raw HTML (model cards often use them), outside code blocks.
/// Rowspan and colspan are resolved so a column holds one attribute for every row.
fn html_tables(
    md: &str,
    base: usize,
    code: &[(usize, usize)],
    headings: &[Heading],
    out: &mut Vec<Table>,
) {
    // Raw cells per row: (text, offset, rowspan, colspan).
    type RawRow = Vec<(String, usize, usize, usize)>;
    let mut rows: Vec<RawRow> = Vec::new();
    let mut in_table = false;
    let mut table_offset = 0usize;
    let mut cell: Option<(usize, usize, usize)> = None; // (content start, rowspan, colspan)
    let mut row: Option<RawRow> = None;
    let finish_cell =
        |cell: &mut Option<(usize, usize, usize)>, row: &mut Option<RawRow>, end: usize| {
            if let (Some((start, rs, cs)), Some(r)) = (cell.take(), row.as_mut()) {
                let content = md.get(start..end).unwrap_or("");
                let text = crate::extract::text::excerpt(&strip_tags(content, 0).text, 200);
                r.push((text, base + start, rs, cs));
            }
        };
    for m in TAG.captures_iter(md) {
        let Some(all) = m.get(0) else { continue };
        let at = base + all.start();
        if code.iter().any(|&(s, e)| at >= s && at < e) {
            continue;
        }
        let closing = !m[1].is_empty();
        let name = m[2].to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("table", false) => {
                in_table = true;
                table_offset = at;
                rows.clear();
            }
            ("table", true) if in_table => {
                finish_cell(&mut cell, &mut row, all.start());
                if let Some(r) = row.take() {
                    rows.push(r);
                }
                in_table = false;
                let section = headings
                    .iter()
                    .rev()
                    .find(|h| h.offset < table_offset)
                    .map(|h| h.text.clone())
                    .unwrap_or_default();
                out.push(grid(std::mem::take(&mut rows), section));
            }
            ("tr", false) if in_table => {
                finish_cell(&mut cell, &mut row, all.start());
                if let Some(r) = row.take() {
                    rows.push(r);
                }
                row = Some(Vec::new());
            }
            ("tr", true) if in_table => {
                finish_cell(&mut cell, &mut row, all.start());
                if let Some(r) = row.take() {
                    rows.push(r);
                }
            }
            ("td" | "th", false) if in_table => {
                finish_cell(&mut cell, &mut row, all.start());
                if row.is_none() {
                    row = Some(Vec::new());
                }
                let (mut rs, mut cs) = (1, 1);
                for a in SPAN_ATTR.captures_iter(&m[3]) {
                    let n: usize = a[2].parse().unwrap_or(1).clamp(1, 1000);
                    if a[1].eq_ignore_ascii_case("rowspan") {
                        rs = n;
                    } else {
                        cs = n;
                    }
                }
                cell = Some((all.end(), rs, cs));
            }
            ("td" | "th", true) if in_table => finish_cell(&mut cell, &mut row, all.start()),
            _ => {}
        }
    }
}

/// Lay raw rows out on a grid, honouring rowspan and colspan. The first row is the header.
fn grid(rows: Vec<Vec<(String, usize, usize, usize)>>, section: String) -> Table {
    const MAX_COLS: usize = 64;
    let mut table = Table {
        section,
        ..Table::default()
    };
    // For each column, how many more rows a cell above still covers, and that cell.
    let mut carry: Vec<(usize, Option<Cell>)> = Vec::new();
    for (i, raw) in rows.into_iter().enumerate() {
        let mut out: Vec<Option<Cell>> = Vec::new();
        let mut cells = raw.into_iter();
        let mut col = 0;
        loop {
            if col >= MAX_COLS {
                break;
            }
            if carry.len() <= col {
                carry.resize(col + 1, (0, None));
            }
            if carry[col].0 > 0 {
                carry[col].0 -= 1;
                out.push(carry[col].1.clone());
                col += 1;
                continue;
            }
            let Some((text, offset, rs, cs)) = cells.next() else {
                break;
            };
            let c = Cell { text, offset };
            for k in 0..cs.min(MAX_COLS - col) {
                if carry.len() <= col + k {
                    carry.resize(col + k + 1, (0, None));
                }
                carry[col + k] = (rs - 1, Some(c.clone()));
                out.push(Some(c.clone()));
            }
            col += cs.min(MAX_COLS - col).max(1);
        }
        if i == 0 {
            table.header = out
                .into_iter()
                .map(|c| c.map(|c| c.text).unwrap_or_default())
                .collect();
        } else {
            table.rows.push(out);
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_cut_inside_a_character_does_not_panic() {
        // Found by tests/extract_robustness.rs: `<?` then a 4-byte character.
        let _ = strip_tags("<?𑍐", 0);
        let _ = strip_tags("<?b𑍐", 0);
    }

    #[test]
    fn blocks_keep_offsets_and_skip_code() {
        let md = "# Title\n\nSome **39.3**M GPU hours.\n\n```\n7B params\n```\n\n- item one\n";
        let d = parse(md, 10);
        let texts: Vec<_> = d.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Title", "Some 39.3M GPU hours.", "item one"]);
        let b = &d.blocks[1];
        let pos = b.text.find("GPU").unwrap();
        assert_eq!(&md[b.source_offset(pos) - 10..][..3], "GPU");
        assert_eq!(b.section, "Title");
        assert_eq!(d.headings[0].offset, 10);
    }

    #[test]
    fn markdown_tables() {
        let md = "|| Params | Tokens |\n|---|---|---|\n|Llama 2|7B|2.0T|\n|Llama 2|70B|2.0T|\n";
        let d = parse(md, 0);
        assert_eq!(d.tables.len(), 1);
        assert_eq!(d.tables[0].header, ["", "Params", "Tokens"]);
        let c = d.tables[0].rows[1][1].as_ref().unwrap();
        assert_eq!(c.text, "70B");
    }

    #[test]
    fn html_tables_resolve_rowspan() {
        let md = "<table>\n<tr><td></td><td><strong>Params</strong></td><td>Tokens</td></tr>\n\
                  <tr><td rowspan=\"2\">L</td><td>8B</td><td rowspan=\"2\">15T+</td></tr>\n\
                  <tr><td>405B</td></tr>\n</table>\n";
        let d = parse(md, 0);
        let t = &d.tables[0];
        assert_eq!(t.header, ["", "Params", "Tokens"]);
        assert_eq!(t.rows[1][1].as_ref().unwrap().text, "405B");
        assert_eq!(t.rows[1][2].as_ref().unwrap().text, "15T+");
    }

    #[test]
    fn strip_tags_decodes() {
        let b = strip_tags("<td>3.0 x 10<sup>-4</sup> &amp; more</td>", 0);
        assert_eq!(
            crate::extract::text::excerpt(&b.text, 100),
            "3.0 x 10^-4 & more"
        );
    }
}
