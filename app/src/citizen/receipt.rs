//! The citizen's receipt as PDF: municipality, service, reference, date, certified identity and
//! every answer, in the citizen's language.
//!
//! Accessible as a document, not only as print: real text in reading order (Helvetica, WinAnsi:
//! French, English and Dutch are covered), the document title shown instead of the file name,
//! the language declared, and **tagged** — a structure tree of headings and paragraphs
//! (Document > H1, H2, H3, P) over marked content, so a screen reader can list the headings and
//! read the answers question by question (RGAA 13.3, PDF/UA's core requirements). The receipt has
//! no image, table or link, so no alternative text or table structure is needed.

use crate::{
    distribution::poster::{standard_fonts, win_ansi, wrap},
    i18n::{Lang, catalogue as t},
};
use pdf_writer::{
    Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr, types::StructRole, writers::StructTreeRoot,
};

/// What the receipt shows, already worded for its reader.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub lang: Lang,
    pub municipality: String,
    pub service: String,
    pub reference: String,
    pub sent_on: String,
    pub certified_by: String,
    /// (label, value) of the certified identity, in form order.
    pub identity: Vec<(String, String)>,
    /// (question, answer), in form order.
    pub answers: Vec<(String, String)>,
}

const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;

/// What a block of text is in the document's structure (the tags a screen reader navigates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    H1,
    H2,
    H3,
    P,
}

impl Role {
    fn tag(self) -> &'static [u8] {
        match self {
            Self::H1 => b"H1",
            Self::H2 => b"H2",
            Self::H3 => b"H3",
            Self::P => b"P",
        }
    }

    fn struct_role(self) -> StructRole {
        match self {
            Self::H1 => StructRole::H1,
            Self::H2 => StructRole::H2,
            Self::H3 => StructRole::H3,
            Self::P => StructRole::P,
        }
    }

    fn bold(self) -> bool {
        self != Self::P
    }
}

/// A line to lay out: the block it belongs to (a heading or paragraph may wrap over several
/// lines), its size, its text, the space before it.
struct Line {
    block: usize,
    role: Role,
    size: f32,
    text: String,
    before: f32,
}

fn lines(r: &Receipt) -> Vec<Line> {
    let l = r.lang;
    let mut out = Vec::new();
    let mut block = 0;
    let mut push = |role: Role, size: f32, before: f32, text: &str, width: usize| {
        for (i, chunk) in wrap(text, width).into_iter().enumerate() {
            out.push(Line {
                block,
                role,
                size,
                text: chunk,
                before: if i == 0 { before } else { 2.0 },
            });
        }
        block += 1;
    };
    push(Role::P, 12.0, 0.0, &r.municipality, 80);
    push(Role::H1, 20.0, 14.0, t::RECEIPT_TITLE.get(l), 45);
    push(Role::H2, 14.0, 8.0, &r.service, 60);
    push(
        Role::P,
        13.0,
        14.0,
        &t::RECEIPT_REFERENCE.with(l, &[("reference", &r.reference)]),
        70,
    );
    push(
        Role::P,
        11.0,
        4.0,
        &t::RECEIPT_SENT_ON.with(l, &[("date", &r.sent_on)]),
        80,
    );
    push(
        Role::H2,
        13.0,
        18.0,
        &t::CERTIFIED_BY.with(l, &[("provider", &r.certified_by)]),
        70,
    );
    for (label, value) in &r.identity {
        push(Role::P, 11.0, 4.0, &format!("{label} : {value}"), 85);
    }
    push(Role::H2, 13.0, 18.0, t::YOUR_ANSWERS.get(l), 70);
    for (question, answer) in &r.answers {
        push(Role::H3, 11.0, 8.0, question, 85);
        for paragraph in answer.lines() {
            push(Role::P, 11.0, 2.0, paragraph, 90);
        }
    }
    push(
        Role::P,
        9.0,
        24.0,
        &t::RECEIPT_FOOTER.with(l, &[("municipality", &r.municipality)]),
        110,
    );
    out
}

/// Where one laid-out line's marked content is: page, and its identifier on that page.
struct Placed {
    block: usize,
    role: Role,
    page: usize,
    mcid: i32,
}

fn as_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The receipt as a tagged PDF: every line is marked content belonging to a heading or a
/// paragraph of one structure tree (Document > H1, H2, H3, P), in reading order.
pub fn receipt_pdf(r: &Receipt) -> Vec<u8> {
    // Lay the lines out on as many A4 pages as they need, each in its own marked content.
    let mut pages: Vec<Content> = Vec::new();
    let mut placed: Vec<Placed> = Vec::new();
    let mut c = Content::new();
    let mut mcid = 0;
    let mut y = HEIGHT - MARGIN;
    for line in lines(r) {
        let step = line.before + line.size * 1.3;
        if y - step < MARGIN {
            pages.push(std::mem::replace(&mut c, Content::new()));
            y = HEIGHT - MARGIN;
            mcid = 0;
        }
        y -= step;
        c.begin_marked_content_with_properties(Name(line.role.tag()))
            .properties()
            .identify(mcid);
        c.begin_text();
        c.set_font(
            Name(if line.role.bold() { b"F2" } else { b"F1" }),
            line.size,
        );
        c.next_line(MARGIN, y);
        c.show(Str(&win_ansi(&line.text)));
        c.end_text();
        c.end_marked_content();
        placed.push(Placed {
            block: line.block,
            role: line.role,
            page: pages.len(),
            mcid,
        });
        mcid += 1;
    }
    pages.push(c);

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let (regular, bold, info) = (Ref::new(3), Ref::new(4), Ref::new(5));
    let (struct_root, document) = (Ref::new(6), Ref::new(7));
    let first_page = 10;
    let page_ref = |i: usize| Ref::new(first_page + 2 * as_i32(i));
    let content_ref = |i: usize| Ref::new(first_page + 1 + 2 * as_i32(i));
    // After the pages: one parent-tree array per page, then one element per block.
    let after_pages = first_page + 2 * as_i32(pages.len());
    let parents_ref = |page: usize| Ref::new(after_pages + as_i32(page));
    let blocks = placed.last().map_or(0, |p| p.block + 1);
    let page_count = pages.len();
    let element_ref = |block: usize| Ref::new(after_pages + as_i32(page_count + block));

    let mut pdf = Pdf::new();
    {
        let mut cat = pdf.catalog(catalog);
        cat.pages(tree).lang(TextStr(match r.lang {
            Lang::Fr => "fr-FR",
            Lang::En => "en",
            Lang::Nl => "nl-BE",
        }));
        cat.viewer_preferences().display_doc_title(true);
        cat.mark_info().marked(true);
        cat.pair(Name(b"StructTreeRoot"), struct_root);
        cat.finish();
    }
    pdf.pages(tree)
        .kids((0..pages.len()).map(page_ref))
        .count(as_i32(pages.len()));
    for (i, content) in pages.into_iter().enumerate() {
        let mut p = pdf.page(page_ref(i));
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .contents(content_ref(i))
            .struct_parents(as_i32(i));
        // Tab order follows the structure (PDF/UA).
        p.pair(Name(b"Tabs"), Name(b"S"));
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        p.finish();
        pdf.stream(content_ref(i), &content.finish());
    }

    // The structure tree: root > Document > one element per block, each pointing at its lines.
    {
        let mut root = pdf.indirect(struct_root).start::<StructTreeRoot>();
        root.child(document);
        let mut tree = root.parent_tree();
        let mut nums = tree.nums();
        for page in 0..page_count {
            nums.insert(as_i32(page), parents_ref(page));
        }
        nums.finish();
        tree.finish();
        root.parent_tree_next_key(as_i32(page_count));
    }
    {
        let mut doc = pdf.struct_element(document);
        doc.kind(StructRole::Document).parent(struct_root);
        doc.children().items((0..blocks).map(element_ref));
    }
    for page in 0..page_count {
        // Indexed by MCID: the element each marked content on this page belongs to.
        pdf.indirect(parents_ref(page)).array().items(
            placed
                .iter()
                .filter(|p| p.page == page)
                .map(|p| element_ref(p.block)),
        );
    }
    for block in 0..blocks {
        let parts: Vec<&Placed> = placed.iter().filter(|p| p.block == block).collect();
        let Some(first) = parts.first() else {
            continue;
        };
        let mut element = pdf.struct_element(element_ref(block));
        element
            .kind(first.role.struct_role())
            .parent(document)
            .page(page_ref(first.page));
        let mut children = element.children();
        for part in &parts {
            children
                .marked_content_ref()
                .page(page_ref(part.page))
                .marked_content_id(part.mcid);
        }
    }
    standard_fonts(&mut pdf, regular, bold);
    pdf.document_info(info)
        .title(TextStr(&format!(
            "{} – {} – {}",
            t::RECEIPT_TITLE.get(r.lang),
            r.service,
            r.reference
        )))
        .author(TextStr(&r.municipality))
        .creator(TextStr("i-CLEFS"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_receipt_runs_over_several_pages() {
        let r = Receipt {
            lang: Lang::Nl,
            municipality: "Gemeente Gent".into(),
            service: "Bibliotheekkaart".into(),
            reference: "ABCD-2345".into(),
            sent_on: "02/12/2026 10:00 UTC".into(),
            certified_by: "CSAM".into(),
            identity: vec![("Geboortenaam".into(), "Peeters".into())],
            answers: (0..80)
                .map(|i| (format!("Vraag {i}"), "Een antwoord".into()))
                .collect(),
        };
        let pdf = receipt_pdf(&r);
        if let Ok(dir) = std::env::var("ICLEFS_DUMP_RECEIPT") {
            std::fs::write(format!("{dir}/receipt.pdf"), &pdf).expect("dump");
        }
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/MediaBox").count();
        assert!(pages >= 2, "{pages} page(s)");
        assert!(text.contains("(nl-BE)"));
        // Tagged: marked content under a structure tree, one parent array per page.
        assert!(text.contains("/StructTreeRoot") && text.contains("/Marked true"));
        assert_eq!(text.matches("/StructParents").count(), pages);
        assert!(text.contains("/H3 <<\n  /MCID"), "questions are headings");
    }
}
