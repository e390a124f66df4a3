//! The outline of a Markdown document: its headings (with line numbers and whether anything
//! is written under them) and the top-level keys of its YAML front matter. That is all the
//! evidence checks read: a document's content is untrusted and never rendered from here.

use crate::yaml;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// 1-based.
    pub line: u64,
    /// Something other than a placeholder is written under it (sub-sections included).
    pub has_body: bool,
    /// The document's title: its one top-level heading, above all the others. A title names
    /// the whole document, not one of its sections.
    pub is_title: bool,
    /// `text` as [`normalise`] gives it, once: every section of every kind is matched
    /// against it.
    pub normalised: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub headings: Vec<Heading>,
    /// Top-level front-matter keys and their lines.
    pub front_matter: Vec<(String, u64)>,
}

/// Words that mark a section as not written yet.
const PLACEHOLDERS: &[&str] = &["todo", "tbd", "tba", "fixme", "xxx", "wip", "placeholder"];

/// Parser options, set in one place.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

enum Item {
    Heading(u8, String, u64),
    Text(String),
}

pub fn parse(text: &str) -> Outline {
    let mut out = Outline::default();
    // Front matter: `---` on the first line up to the next `---` or `...` line. It is blanked
    // (newlines kept) before the Markdown parse so line numbers stay those of the file.
    let mut body = text.to_string();
    if let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    {
        let mut offset = text.len() - rest.len();
        let mut end = None;
        for line in rest.split_inclusive('\n') {
            let t = line.trim_end();
            if t == "---" || t == "..." {
                end = Some((offset, offset + line.len()));
                break;
            }
            offset += line.len();
        }
        if let Some((fm_end, close_end)) = end {
            let fm = &text[text.len() - rest.len()..fm_end];
            if let Ok(node) = yaml::parse(fm) {
                for (k, _) in node.as_map().unwrap_or_default() {
                    if let Some(key) = k.scalar_text() {
                        // +1: the opening `---` line.
                        out.front_matter.push((key, k.pos.line + 1));
                    }
                }
            }
            body = text[..close_end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' })
                .collect::<String>()
                + &text[close_end..];
        }
    }

    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |off: usize| line_starts.partition_point(|&s| s <= off) as u64;

    let mut items = Vec::new();
    let mut in_heading: Option<(u8, String, u64)> = None;
    for (ev, range) in Parser::new_ext(&body, options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((level as u8, String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((l, t, line)) = in_heading.take() {
                    items.push(Item::Heading(l, t.trim().to_string(), line));
                }
            }
            Event::Text(t) | Event::Code(t) => match &mut in_heading {
                Some((_, h, _)) => h.push_str(&t),
                None => items.push(Item::Text(t.to_string())),
            },
            // An HTML comment (`<!-- fill in -->`) is not content.
            Event::Html(t) | Event::InlineHtml(t)
                if in_heading.is_none() && !t.trim_start().starts_with("<!--") =>
            {
                items.push(Item::Text(t.to_string()));
            }
            _ => {}
        }
    }

    for (i, it) in items.iter().enumerate() {
        let Item::Heading(level, text, line) = it else {
            continue;
        };
        let mut has_body = false;
        for next in &items[i + 1..] {
            match next {
                Item::Heading(l, _, _) if l <= level => break,
                Item::Heading(..) => {}
                Item::Text(t) => {
                    if is_content(t) {
                        has_body = true;
                        break;
                    }
                }
            }
        }
        out.headings.push(Heading {
            level: *level,
            text: text.clone(),
            line: *line,
            has_body,
            is_title: false,
            normalised: normalise(text),
        });
    }
    if let Some(first) = out.headings.first()
        && out.headings.len() > 1
        && out.headings[1..].iter().all(|h| h.level > first.level)
        && let Some(h) = out.headings.first_mut()
    {
        h.is_title = true;
    }
    out
}

fn is_content(t: &str) -> bool {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| !PLACEHOLDERS.contains(&w.to_lowercase().as_str()))
}

/// Lower-case words separated by single spaces, padded, so `contains` matches whole words.
pub fn normalise(s: &str) -> String {
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    format!(" {} ", words.join(" "))
}

/// Does a heading name a provision id (`annex4.5`, `Art13.3.b`) as a whole token?
pub fn names_id(heading: &str, id: &str) -> bool {
    // Every provision id has a number; most headings have none, and need no lowercasing.
    if !heading.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let h = heading.to_lowercase();
    let id = id.to_lowercase();
    let bytes = h.as_bytes();
    let mut from = 0;
    while let Some(i) = h[from..].find(&id) {
        let start = from + i;
        let end = start + id.len();
        let before_ok =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'.');
        let after_ok = match bytes.get(end) {
            None => true,
            Some(b'.') => !bytes
                .get(end + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric()),
            Some(b) => !b.is_ascii_alphanumeric(),
        };
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_with_lines_and_bodies() {
        let md = "---\nlicense: mit\nmodel-index:\n  - name: x\n---\n# Card\n\n## Training data\n\nCrawled pages.\n\n## Bias\n\nTODO\n\n## Evaluation\n\n### Results\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let o = parse(md);
        assert_eq!(
            o.front_matter,
            vec![("license".to_string(), 2), ("model-index".to_string(), 3)]
        );
        let h: Vec<(&str, u64, bool)> = o
            .headings
            .iter()
            .map(|h| (h.text.as_str(), h.line, h.has_body))
            .collect();
        assert!(o.headings[0].is_title && !o.headings[1].is_title);
        assert_eq!(
            h,
            vec![
                ("Card", 6, true),
                ("Training data", 8, true),
                ("Bias", 12, false),
                ("Evaluation", 16, true),
                ("Results", 18, true),
            ]
        );
    }

    #[test]
    fn headings_in_code_blocks_do_not_count() {
        let o = parse("```\n# not a heading\n```\n\nSetext heading\n===\n\ntext\n");
        assert_eq!(o.headings.len(), 1);
        assert_eq!(o.headings[0].text, "Setext heading");
        assert_eq!(o.headings[0].line, 5);
    }

    #[test]
    fn unterminated_front_matter_is_markdown() {
        let o = parse("---\n# Title\n\ntext\n");
        assert!(o.front_matter.is_empty());
        assert_eq!(o.headings.len(), 1);
    }

    #[test]
    fn ids_match_as_tokens() {
        assert!(names_id("5. Risk management (annex4.5)", "annex4.5"));
        assert!(names_id("Annex4.5. Risk", "annex4.5"));
        assert!(!names_id("annex4.50", "annex4.5"));
        assert!(!names_id("annex4.5.a", "annex4.5"));
        assert!(
            normalise("Post-Market Monitoring!").contains(&normalise("post market monitoring"))
        );
    }
}
