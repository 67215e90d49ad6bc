//! Markdown from record text, rendered safely: raw HTML is shown as text, images become their
//! alternative text (no request leaves the page), and links keep only safe targets.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// True for link targets a reader can follow safely: http(s), mailto, in-page and relative.
fn safe_target(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match scheme_end {
        // No scheme before the first path character: a relative link.
        None => true,
        Some(i) if path_start.is_some_and(|p| p < i) => true,
        Some(_) => {
            cleaned.starts_with("http:")
                || cleaned.starts_with("https:")
                || cleaned.starts_with("mailto:")
        }
    }
}

/// Renders Markdown to HTML that cannot carry script, raw markup or remote images.
pub fn render(text: &str) -> String {
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut kept_links: Vec<bool> = Vec::new();
    let events = parser.filter_map(|event| match event {
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        Event::Start(Tag::Link { dest_url, .. }) if !safe_target(&dest_url) => {
            kept_links.push(false);
            None
        }
        Event::Start(link @ Tag::Link { .. }) => {
            kept_links.push(true);
            Some(Event::Start(link))
        }
        Event::End(TagEnd::Link) => {
            if kept_links.pop().unwrap_or(false) {
                Some(Event::End(TagEnd::Link))
            } else {
                None
            }
        }
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ordinary_markdown() {
        let html = render("Un *plan* avec [un lien](https://www.quebec.ca/) et\n\n- une liste");
        assert!(html.contains("<em>plan</em>"));
        assert!(html.contains("<a href=\"https://www.quebec.ca/\">un lien</a>"));
        assert!(html.contains("<li>une liste</li>"));
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("Titre <script>alert(1)</script> <img src=x onerror=alert(2)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn unsafe_links_keep_only_their_text() {
        for target in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<b>x</b>",
            "vbscript:x",
        ] {
            let html = render(&format!("[cliquez ici]({target})"));
            assert!(!html.contains("<a"), "{target}: {html}");
            assert!(html.contains("cliquez ici"), "{target}: {html}");
        }
        assert!(render("[doc](../datasets/x.csv)").contains("href=\"../datasets/x.csv\""));
        assert!(render("[écrire](mailto:a@b.c)").contains("href=\"mailto:a@b.c\""));
    }

    #[test]
    fn images_become_their_alt_text() {
        let html = render("![logo du ministère](https://example.org/logo.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("logo du ministère"));
    }
}
