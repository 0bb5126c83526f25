//! The citizen's receipt as PDF: municipality, service, reference, date, certified identity and
//! every answer, in the citizen's language.
//!
//! Real text in reading order (Helvetica, WinAnsi: French, English and Dutch are covered), the
//! document title shown instead of the file name, and the language declared, so screen readers
//! read it. It is not a tagged PDF (no structure tree): the confirmation page, which is HTML,
//! stays the accessible reference, and the receipt is its printable copy.

use crate::{
    distribution::poster::{standard_fonts, win_ansi, wrap},
    i18n::{Lang, catalogue as t},
};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

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

/// A line to lay out: font (`F1` regular, `F2` bold), size, text, space before.
struct Line {
    bold: bool,
    size: f32,
    text: String,
    before: f32,
}

fn lines(r: &Receipt) -> Vec<Line> {
    let l = r.lang;
    let mut out = Vec::new();
    let mut push = |bold: bool, size: f32, before: f32, text: &str, width: usize| {
        for (i, chunk) in wrap(text, width).into_iter().enumerate() {
            out.push(Line {
                bold,
                size,
                text: chunk,
                before: if i == 0 { before } else { 2.0 },
            });
        }
    };
    push(false, 12.0, 0.0, &r.municipality, 80);
    push(true, 20.0, 14.0, t::RECEIPT_TITLE.get(l), 45);
    push(true, 14.0, 8.0, &r.service, 60);
    push(
        true,
        13.0,
        14.0,
        &t::RECEIPT_REFERENCE.with(l, &[("reference", &r.reference)]),
        70,
    );
    push(
        false,
        11.0,
        4.0,
        &t::RECEIPT_SENT_ON.with(l, &[("date", &r.sent_on)]),
        80,
    );
    push(
        true,
        13.0,
        18.0,
        &t::CERTIFIED_BY.with(l, &[("provider", &r.certified_by)]),
        70,
    );
    for (label, value) in &r.identity {
        push(false, 11.0, 4.0, &format!("{label} : {value}"), 85);
    }
    push(true, 13.0, 18.0, t::YOUR_ANSWERS.get(l), 70);
    for (question, answer) in &r.answers {
        push(true, 11.0, 8.0, question, 85);
        for paragraph in answer.lines() {
            push(false, 11.0, 2.0, paragraph, 90);
        }
    }
    push(
        false,
        9.0,
        24.0,
        &t::RECEIPT_FOOTER.with(l, &[("municipality", &r.municipality)]),
        110,
    );
    out
}

pub fn receipt_pdf(r: &Receipt) -> Vec<u8> {
    // Lay the lines out on as many A4 pages as they need.
    let mut pages: Vec<Content> = Vec::new();
    let mut c = Content::new();
    let mut y = HEIGHT - MARGIN;
    for line in lines(r) {
        let step = line.before + line.size * 1.3;
        if y - step < MARGIN {
            pages.push(std::mem::replace(&mut c, Content::new()));
            y = HEIGHT - MARGIN;
        }
        y -= step;
        c.begin_text();
        c.set_font(Name(if line.bold { b"F2" } else { b"F1" }), line.size);
        c.next_line(MARGIN, y);
        c.show(Str(&win_ansi(&line.text)));
        c.end_text();
    }
    pages.push(c);

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let (regular, bold, info) = (Ref::new(3), Ref::new(4), Ref::new(5));
    let first_page = 10;
    let page_ref = |i: usize| Ref::new(first_page + 2 * i32::try_from(i).unwrap_or(0));
    let content_ref = |i: usize| Ref::new(first_page + 1 + 2 * i32::try_from(i).unwrap_or(0));

    let mut pdf = Pdf::new();
    {
        let mut cat = pdf.catalog(catalog);
        cat.pages(tree).lang(TextStr(match r.lang {
            Lang::Fr => "fr-FR",
            Lang::En => "en",
            Lang::Nl => "nl-BE",
        }));
        cat.viewer_preferences().display_doc_title(true);
        cat.finish();
    }
    pdf.pages(tree)
        .kids((0..pages.len()).map(page_ref))
        .count(i32::try_from(pages.len()).unwrap_or(1));
    for (i, content) in pages.into_iter().enumerate() {
        let mut p = pdf.page(page_ref(i));
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .contents(content_ref(i));
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        p.finish();
        pdf.stream(content_ref(i), &content.finish());
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
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/MediaBox").count();
        assert!(pages >= 2, "{pages} page(s)");
        assert!(text.contains("(nl-BE)"));
    }
}
