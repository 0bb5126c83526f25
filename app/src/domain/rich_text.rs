//! The little formatting an explanation may carry: paragraphs, bulleted lists, **bold** and
//! links — parsed into a tree the page renders as elements, so text is always text.
//!
//! Why not HTML or full Markdown: what an agent writes is shown to every citizen, and
//! sanitising HTML is a classic source of holes. Here no markup passes through: the parser only
//! recognises `**bold**`, `[text](https://…)` (or `mailto:`), lines starting with `- ` and blank
//! lines, and everything else — `<script>` included — stays literal text, escaped by the page.

/// A piece of text inside a paragraph or list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Bold(String),
    /// Only `https://` and `mailto:` targets become links.
    Link {
        text: String,
        href: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

fn safe_href(href: &str) -> bool {
    (href.starts_with("https://") || href.starts_with("mailto:"))
        && !href.contains(char::is_whitespace)
        && href.len() <= 2_000
}

/// Splits one line into text, bold and links.
pub fn inline(line: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut text = String::new();
    let mut rest = line;
    let flush = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
            && end > 0
        {
            flush(&mut text, &mut out);
            out.push(Inline::Bold(after[..end].to_owned()));
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('[')
            && let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let label = &after[..close];
            let href = &after[close + 2..close + 2 + end];
            if !label.is_empty() && safe_href(href) {
                flush(&mut text, &mut out);
                out.push(Inline::Link {
                    text: label.to_owned(),
                    href: href.to_owned(),
                });
                rest = &after[close + 2 + end + 1..];
                continue;
            }
        }
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut text, &mut out);
    out
}

/// Paragraphs (separated by a blank line) and lists (consecutive lines starting with `- `).
pub fn parse(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for chunk in source.replace("\r\n", "\n").split("\n\n") {
        let lines: Vec<&str> = chunk
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let mut paragraph: Vec<&str> = Vec::new();
        let mut items: Vec<Vec<Inline>> = Vec::new();
        let close_paragraph = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
            if !paragraph.is_empty() {
                blocks.push(Block::Paragraph(inline(&paragraph.join(" "))));
                paragraph.clear();
            }
        };
        for line in lines {
            if let Some(item) = line.strip_prefix("- ") {
                close_paragraph(&mut paragraph, &mut blocks);
                items.push(inline(item.trim()));
            } else {
                if !items.is_empty() {
                    blocks.push(Block::List(std::mem::take(&mut items)));
                }
                paragraph.push(line);
            }
        }
        close_paragraph(&mut paragraph, &mut blocks);
        if !items.is_empty() {
            blocks.push(Block::List(items));
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_links_lists_and_paragraphs() {
        let blocks = parse(
            "Apportez **votre livret de famille**.\nVoir [le règlement](https://ville.fr/r.pdf).\n\n- cantine\n- garderie\n\nFin.",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(vec![
                    Inline::Text("Apportez ".into()),
                    Inline::Bold("votre livret de famille".into()),
                    Inline::Text(". Voir ".into()),
                    Inline::Link {
                        text: "le règlement".into(),
                        href: "https://ville.fr/r.pdf".into()
                    },
                    Inline::Text(".".into()),
                ]),
                Block::List(vec![
                    vec![Inline::Text("cantine".into())],
                    vec![Inline::Text("garderie".into())]
                ]),
                Block::Paragraph(vec![Inline::Text("Fin.".into())]),
            ]
        );
    }

    #[test]
    fn markup_and_unsafe_links_stay_text() {
        assert_eq!(
            inline("<script>alert(1)</script> [x](javascript:alert(1)) [y](http://a.fr) **"),
            vec![Inline::Text(
                "<script>alert(1)</script> [x](javascript:alert(1)) [y](http://a.fr) **".into()
            )]
        );
        assert_eq!(
            inline("[écrire](mailto:mairie@ville.fr)"),
            vec![Inline::Link {
                text: "écrire".into(),
                href: "mailto:mairie@ville.fr".into()
            }]
        );
        // Unicode everywhere, never a panic on a boundary.
        assert_eq!(inline("é**"), vec![Inline::Text("é**".into())]);
    }
}
