//! Text that came from a scanned file (a manifest, a model card) is untrusted: it may carry
//! `<script>`, event handlers, `javascript:` links, iframes or remote images, written by
//! whoever wrote the scanned repository. Plain strings are escaped by the template engine;
//! Markdown (a model card section) goes through here: pulldown-cmark renders it, then
//! ammonia keeps only an allow-list of tags and attributes.
//!
//! Escaping alone is not enough for Markdown: pulldown-cmark passes raw HTML through and turns
//! `[x](javascript:...)` into a live link, so the rendered HTML is sanitised as a whole.

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// A model card is a few kilobytes; past this, the rest is cut so a hostile repository costs
/// bounded time (pulldown-cmark and ammonia are linear, but the report stays readable too).
pub const MAX_MARKDOWN_BYTES: usize = 64 * 1024;

/// Headings of embedded Markdown start this many levels down: the report's own headings
/// are h1 (report), h2 (system), h3 (section), so a card's `# Title` becomes an h4.
const HEADING_SHIFT: usize = 3;

/// The parser options, set in one place (mdBook's habit): GitHub-style tables and
/// strikethrough, which model cards use. Task lists stay off: they emit `<input>` elements.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Render untrusted Markdown to HTML that is safe to embed in the report.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    let text = truncate(markdown, MAX_MARKDOWN_BYTES);
    let parser = Parser::new_ext(text, options()).map(|ev| match ev {
        // Images would load from the network (or track the reader): keep only the alt text,
        // which follows as ordinary text events, in brackets.
        Event::Start(Tag::Image { .. }) => Event::Text("[".into()),
        Event::End(TagEnd::Image) => Event::Text("]".into()),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shift(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    sanitize_html(&html)
}

/// Keep only harmless markup: no script, no event handlers, no style, no iframes or
/// objects, no images, and links only to http, https and mailto.
pub fn sanitize_html(html: &str) -> String {
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
    .into_iter()
    .collect();
    let mut tag_attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    tag_attributes.insert("a", ["href", "title"].into_iter().collect());
    tag_attributes.insert("abbr", ["title"].into_iter().collect());
    // Whatever else a card writes is dropped with its content: a script's source or a
    // stylesheet shown as text would only confuse the reader.
    let clean_content: HashSet<&str> = [
        "script", "style", "iframe", "object", "embed", "svg", "math", "template", "noscript",
        "textarea", "select", "title",
    ]
    .into_iter()
    .collect();
    Builder::empty()
        .tags(tags)
        .clean_content_tags(clean_content)
        .tag_attributes(tag_attributes)
        .generic_attributes(["lang"].into_iter().collect())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // A relative link points into the scanned repository, which the reader of a
        // stand-alone report does not have; it would also resolve against file:// paths.
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true)
        .clean(html)
        .to_string()
}

fn shift(level: HeadingLevel) -> HeadingLevel {
    let n = level as usize + HEADING_SHIFT;
    match n {
        0..=4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No executable or loading construct survives, whatever the input.
    fn assert_inert(html: &str) {
        let lower = html.to_ascii_lowercase();
        for bad in [
            "<script",
            "<iframe",
            "<svg",
            "<img",
            "<object",
            "<embed",
            "<style",
            "<form",
            "<input",
            "<meta",
            "<link",
            "<base",
            "javascript:",
            "vbscript:",
            "data:",
            "onerror",
            "onload",
            "onclick",
            "onmouseover",
            "style=",
            "srcdoc",
            "src=",
        ] {
            assert!(!lower.contains(bad), "`{bad}` survived in: {html}");
        }
    }

    #[test]
    fn script_tags_are_removed_with_their_content() {
        let out = markdown_to_safe_html("Hello <script>document.title='pwned'</script> world");
        assert_inert(&out);
        assert!(!out.contains("pwned"), "{out}");
        assert!(out.contains("Hello"));
    }

    #[test]
    fn event_handlers_are_removed() {
        let out = markdown_to_safe_html(
            "<img src=x onerror=\"document.title='pwned'\">\n\n<div onmouseover=\"alert(1)\">hover</div>\n\n<p onclick=alert(1)>click</p>",
        );
        assert_inert(&out);
        assert!(out.contains("hover"));
        assert!(out.contains("click"));
    }

    #[test]
    fn javascript_links_lose_their_href() {
        for md in [
            "[click me](javascript:alert(1))",
            "[click me](JaVaScRiPt:alert(1))",
            "[click me](  javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">click me</a>",
            "<a href=\"jav&#x09;ascript:alert(1)\">click me</a>",
            "[click me](vbscript:msgbox)",
            "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        ] {
            let out = markdown_to_safe_html(md);
            assert_inert(&out);
            assert!(out.contains("click me"), "{md} -> {out}");
        }
    }

    #[test]
    fn web_links_stay_and_cannot_reach_the_opener() {
        let out = markdown_to_safe_html("[the paper](https://example.org/paper)");
        assert!(out.contains("href=\"https://example.org/paper\""), "{out}");
        assert!(out.contains("noopener"), "{out}");
    }

    #[test]
    fn relative_links_lose_their_href() {
        let out = markdown_to_safe_html("[licence](LICENSE) and [up](../../etc/passwd)");
        assert!(!out.contains("href"), "{out}");
        assert!(out.contains("licence"));
    }

    #[test]
    fn iframes_objects_and_forms_are_removed() {
        let out = markdown_to_safe_html(
            "<iframe src=\"https://evil.example/\"></iframe>\n\n<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>\n\n<object data=\"x.swf\"></object><embed src=\"x\">\n\n<form action=\"https://evil.example\"><input name=q></form>\n\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">\n\n<base href=\"https://evil.example/\">",
        );
        assert_inert(&out);
    }

    #[test]
    fn svg_with_onload_is_removed() {
        let out = markdown_to_safe_html(
            "<svg onload=\"document.title='pwned'\"><script>alert(1)</script></svg>\n\n<svg><animate onbegin=alert(1) attributeName=x /></svg>",
        );
        assert_inert(&out);
        assert!(!out.contains("pwned"));
    }

    #[test]
    fn remote_images_are_reduced_to_their_alt_text() {
        let out = markdown_to_safe_html(
            "![benchmark chart](http://tracker.example/pixel.png)\n\n<img src=\"http://tracker.example/pixel.gif\" alt=\"pixel\">",
        );
        assert_inert(&out);
        assert!(out.contains("[benchmark chart]"), "{out}");
        assert!(!out.contains("tracker.example"), "{out}");
    }

    #[test]
    fn style_attributes_and_elements_are_removed() {
        let out = markdown_to_safe_html(
            "<p style=\"background:url(http://tracker.example/x)\">styled</p>\n\n<style>body{display:none}</style>\n\n| a | b |\n|:--|--:|\n| 1 | 2 |",
        );
        assert_inert(&out);
        assert!(out.contains("styled"));
        assert!(out.contains("<table>"), "{out}");
    }

    #[test]
    fn markdown_renders_and_headings_move_below_the_report_headings() {
        let out = markdown_to_safe_html(
            "# Model card\n\n## Intended use\n\n**Bold** and `code`, a list:\n\n- one\n- two\n",
        );
        assert!(out.contains("<h4>Model card</h4>"), "{out}");
        assert!(out.contains("<h5>Intended use</h5>"), "{out}");
        assert!(out.contains("<strong>Bold</strong>"));
        assert!(out.contains("<code>code</code>"));
        assert!(out.contains("<li>one</li>"));
    }

    #[test]
    fn html_comments_and_entities_cannot_smuggle_markup() {
        let out = markdown_to_safe_html(
            "<!-- <script>alert(1)</script> -->\n\n&lt;script&gt;alert(1)&lt;/script&gt;\n\n<scr<script>ipt>alert(1)</script>",
        );
        assert_inert(&out);
    }

    #[test]
    fn very_long_input_is_cut_on_a_character_boundary() {
        let md = "é".repeat(MAX_MARKDOWN_BYTES);
        let out = markdown_to_safe_html(&md);
        assert!(out.len() < MAX_MARKDOWN_BYTES + 64);
        assert!(out.starts_with("<p>é"));
    }
}
