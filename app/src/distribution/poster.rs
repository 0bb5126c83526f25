//! The printable poster as PDF: title, municipality, a large QR code drawn as vector squares
//! (sharp at any print size), the short address and one line of instructions.
//!
//! Written with `pdf-writer` and the standard Helvetica fonts (WinAnsi encoding covers French), so
//! no font file and no layout engine are needed.

use super::{
    service::qr_modules,
    types::{POSTER_INSTRUCTIONS, Poster},
};
use crate::error::AppResult;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

/// Encodes text for WinAnsiEncoding (Latin-1 plus typographic quotes); other characters become `?`.
pub(crate) fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '’' => 0x92,
            '‘' => 0x91,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            '€' => 0x80,
            'œ' => 0x9C,
            'Œ' => 0x8C,
            c if (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32)) => {
                u8::try_from(c as u32).unwrap_or(b'?')
            }
            _ => b'?',
        })
        .collect()
}

/// Declares Helvetica (`regular`) and Helvetica-Bold (`bold`) in WinAnsi encoding: the standard
/// fonts every PDF reader has, so no font file is embedded.
pub(crate) fn standard_fonts(pdf: &mut Pdf, regular: Ref, bold: Ref) {
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
}

/// Splits text into lines of at most `max` characters, on spaces.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Approximate width of Helvetica text (average glyph width ≈ 0.52 em), for centring.
fn text_width(text: &str, size: f32) -> f32 {
    text.chars().count() as f32 * size * 0.52
}

pub fn poster_pdf(poster: &Poster, qr_url: &str) -> AppResult<Vec<u8>> {
    let (width, height) = poster.size.points();
    let scale = width / 595.28;
    let (catalog, pages, page, content_id, regular, bold, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
        Ref::new(7),
    );

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages).lang(TextStr("fr-FR"));
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.parent(pages)
            .media_box(Rect::new(0.0, 0.0, width, height))
            .contents(content_id);
        p.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
    }
    standard_fonts(&mut pdf, regular, bold);
    pdf.document_info(info)
        .title(TextStr(&poster.title))
        .author(TextStr(&poster.municipality))
        .creator(TextStr("i-CLEFS"));

    let mut c = Content::new();
    let centred = |c: &mut Content, font: &[u8], size: f32, y: f32, text: &str| {
        let x = ((width - text_width(text, size)) / 2.0).max(24.0 * scale);
        c.begin_text();
        c.set_font(Name(font), size);
        c.next_line(x, y);
        c.show(Str(&win_ansi(text)));
        c.end_text();
    };

    let mut y = height - 70.0 * scale;
    centred(&mut c, b"F1", 16.0 * scale, y, &poster.municipality);
    y -= 44.0 * scale;
    for line in wrap(&poster.title, 30) {
        centred(&mut c, b"F2", 30.0 * scale, y, &line);
        y -= 36.0 * scale;
    }

    // The QR code, drawn module by module, with its quiet zone.
    let (modules_wide, modules) = qr_modules(qr_url)?;
    let qr_size = 330.0 * scale;
    let module = qr_size / (modules_wide as f32 + 8.0);
    let left = (width - qr_size) / 2.0;
    let top = y - 16.0 * scale;
    c.set_fill_gray(0.0);
    for (i, dark) in modules.iter().enumerate() {
        if *dark {
            let (row, col) = (i / modules_wide, i % modules_wide);
            let x = left + (col as f32 + 4.0) * module;
            let yy = top - (row as f32 + 5.0) * module;
            c.rect(x, yy, module, module);
        }
    }
    c.fill_nonzero();
    y = top - qr_size - 30.0 * scale;

    for line in wrap(POSTER_INSTRUCTIONS, 60) {
        centred(&mut c, b"F1", 13.0 * scale, y, &line);
        y -= 18.0 * scale;
    }
    y -= 14.0 * scale;
    centred(&mut c, b"F2", 20.0 * scale, y, &poster.short_url);
    centred(
        &mut c,
        b"F1",
        10.0 * scale,
        36.0 * scale,
        "Identité certifiée avec FranceConnect – service proposé avec i-CLEFS",
    );

    let content = c.finish();
    pdf.stream(content_id, &content);
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_encoded_for_the_standard_fonts() {
        assert_eq!(win_ansi("é’œ"), vec![0xE9, 0x92, 0x9C]);
        assert_eq!(win_ansi("字"), vec![b'?']);
        assert_eq!(
            wrap("Inscription à la bibliothèque municipale", 20),
            vec!["Inscription à la", "bibliothèque", "municipale"]
        );
    }
}
