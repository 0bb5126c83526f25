//! Short codes, channel counters, QR codes and the HTML line.

use super::types::{ChannelLine, Distribution, PaperSize, Poster};
use crate::{
    auth::CurrentAdmin,
    crypto::random_bytes,
    db::entities::{channel_stat, procedure},
    domain::{AccentColor, Channel, reference::REFERENCE_ALPHABET},
    error::{AppError, AppResult},
    procedures::service::find_owned,
    state::AppState,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, SqlErr,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use uuid::Uuid;

/// Length of a short code: 29^6 ≈ 6·10^8 codes, typed in a few seconds.
const SHORT_CODE_LEN: usize = 6;

/// Which counter to increment.
#[derive(Debug, Clone, Copy)]
pub enum Counter {
    Visit,
    Login,
    Submission,
}

fn new_short_code() -> String {
    random_bytes::<SHORT_CODE_LEN>()
        .iter()
        .map(|b| {
            let idx = usize::from(*b) % REFERENCE_ALPHABET.len();
            REFERENCE_ALPHABET.get(idx).copied().map_or('2', char::from)
        })
        .collect()
}

/// The service's short code, assigned on first use (unique, retried on the rare collision).
pub async fn ensure_short_code<C: ConnectionTrait>(
    db: &C,
    p: &procedure::Model,
) -> AppResult<String> {
    if let Some(code) = &p.short_code {
        return Ok(code.clone());
    }
    for _ in 0..5 {
        let code = new_short_code();
        let result = procedure::Entity::update_many()
            .col_expr(procedure::Column::ShortCode, Expr::value(code.as_str()))
            .filter(procedure::Column::Id.eq(p.id))
            .filter(procedure::Column::ShortCode.is_null())
            .exec(db)
            .await;
        match result {
            Ok(r) if r.rows_affected == 1 => return Ok(code),
            Ok(_) => {
                // Assigned concurrently: read the winner.
                let fresh = procedure::Entity::find_by_id(p.id).one(db).await?;
                return fresh.and_then(|f| f.short_code).ok_or(AppError::Internal);
            }
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal)
}

/// `(municipality slug, service slug)` behind a short code; case and look-alikes forgiven.
pub async fn resolve_short<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<(String, String)> {
    let code: String = code
        .trim()
        .to_ascii_uppercase()
        .chars()
        .map(|c| match c {
            '0' | 'O' => 'Q',
            '1' | 'I' | 'L' => 'J',
            other => other,
        })
        .collect();
    if code.len() != SHORT_CODE_LEN || !code.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)) {
        return Err(AppError::NotFound);
    }
    let p = procedure::Entity::find()
        .filter(procedure::Column::ShortCode.eq(code))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = crate::db::entities::municipality::Entity::find_by_id(p.municipality_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((m.slug, p.slug))
}

/// Adds one to a counter (upsert, portable between SQLite and PostgreSQL).
pub async fn count<C: ConnectionTrait>(
    db: &C,
    procedure_id: Uuid,
    channel: Channel,
    counter: Counter,
) -> AppResult<()> {
    let column = match counter {
        Counter::Visit => channel_stat::Column::Visits,
        Counter::Login => channel_stat::Column::Logins,
        Counter::Submission => channel_stat::Column::Submissions,
    };
    let (visits, logins, submissions) = match counter {
        Counter::Visit => (1, 0, 0),
        Counter::Login => (0, 1, 0),
        Counter::Submission => (0, 0, 1),
    };
    let row = channel_stat::ActiveModel {
        procedure_id: sea_orm::Set(procedure_id),
        channel: sea_orm::Set(channel.as_str().to_owned()),
        visits: sea_orm::Set(visits),
        logins: sea_orm::Set(logins),
        submissions: sea_orm::Set(submissions),
    };
    channel_stat::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                channel_stat::Column::ProcedureId,
                channel_stat::Column::Channel,
            ])
            .value(column, Expr::col((channel_stat::Entity, column)).add(1))
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Counts without failing the citizen's request: statistics must never block a démarche.
pub async fn count_quietly<C: ConnectionTrait>(
    db: &C,
    procedure_id: Uuid,
    channel: Channel,
    counter: Counter,
) {
    if let Err(e) = count(db, procedure_id, channel, counter).await {
        tracing::warn!(error = %e, "channel counter not updated");
    }
}

/// The QR code of `url` as SVG, with error correction Q (25 %): survives a crease or a stain.
pub fn qr_svg(url: &str) -> AppResult<String> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::Q)
        .map_err(|_| AppError::Internal)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

/// The QR code as PNG, at least `size` pixels wide (print: 1000 px ≈ 8.5 cm at 300 dpi).
pub fn qr_png(url: &str, size: u32) -> AppResult<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::Q)
        .map_err(|_| AppError::Internal)?;
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|_| AppError::Internal)?;
    Ok(out.into_inner())
}

/// The modules of the QR code (true = dark), row by row, with its width; for the PDF poster.
pub fn qr_modules(url: &str) -> AppResult<(usize, Vec<bool>)> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::Q)
        .map_err(|_| AppError::Internal)?;
    let width = code.width();
    let modules = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Ok((width, modules))
}

fn escape_attr(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The line to paste into any CMS: one link, inline styles only (CMS editors strip `<style>`
/// and scripts), a visible focus outline kept, text and colours at more than 4.5:1 contrast.
pub fn embed_line(url: &str, title: &str, municipality: &str, accent: AccentColor) -> String {
    format!(
        r#"<a href="{url}" title="{label} – {muni} (service en ligne)" style="display:inline-block;padding:12px 20px;background:{accent};color:#ffffff;font:600 16px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;text-decoration:underline;text-underline-offset:3px;border-radius:6px;border:2px solid {accent}">{label}</a>"#,
        url = escape_attr(url),
        label = escape_attr(title),
        muni = escape_attr(municipality),
        accent = accent,
    )
}

/// The municipality's accent colour (the default one if the stored value is unusable).
pub async fn accent<C: ConnectionTrait>(db: &C, municipality_id: Uuid) -> AppResult<AccentColor> {
    let m = crate::db::entities::municipality::Entity::find_by_id(municipality_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AccentColor::parse(&m.accent_color).unwrap_or_else(|_| AccentColor::default_accent()))
}

/// Everything the console's distribution section shows.
pub async fn distribution(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> AppResult<Distribution> {
    let p = find_owned(&state.db, admin, id).await?;
    let code = ensure_short_code(&state.db, &p).await?;
    let short_url = state.settings.url(&format!("/q/{code}"));
    let qr_url = format!("{short_url}?src=qr");
    let rows = channel_stat::Entity::find()
        .filter(channel_stat::Column::ProcedureId.eq(p.id))
        .all(&state.db)
        .await?;
    let stats = Channel::ALL
        .into_iter()
        .map(|channel| {
            let row = rows.iter().find(|r| r.channel == channel.as_str());
            ChannelLine {
                channel,
                visits: row.map_or(0, |r| r.visits),
                logins: row.map_or(0, |r| r.logins),
                submissions: row.map_or(0, |r| r.submissions),
            }
        })
        .collect();
    Ok(Distribution {
        embed_html: embed_line(
            &format!("{short_url}?src=site"),
            &p.title,
            &admin.municipality_name,
            accent(&state.db, admin.municipality_id).await?,
        ),
        qr_svg: qr_svg(&qr_url)?,
        short_url,
        qr_url,
        stats,
    })
}

/// What the poster shows (page and PDF).
pub async fn poster(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    size: PaperSize,
) -> AppResult<Poster> {
    let d = distribution(state, admin, id).await?;
    let p = find_owned(&state.db, admin, id).await?;
    Ok(Poster {
        title: p.title,
        municipality: admin.municipality_name.clone(),
        short_url: d.short_url,
        qr_svg: d.qr_svg,
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> String {
        let img = image::load_from_memory(png).map(|i| i.to_luma8());
        let Ok(img) = img else { return String::new() };
        let mut prepared = rqrr::PreparedImage::prepare(img);
        prepared
            .detect_grids()
            .first()
            .and_then(|g| g.decode().ok())
            .map(|(_, content)| content)
            .unwrap_or_default()
    }

    #[test]
    fn the_png_qr_code_decodes_to_exactly_the_url() {
        let url = "https://mairie.example/q/K7QP2M?src=qr";
        let png = qr_png(url, 600).unwrap_or_default();
        assert_eq!(decode(&png), url);
    }

    #[test]
    fn the_embed_line_is_one_escaped_link_without_script() {
        let line = embed_line(
            "https://x.example/q/ABC?src=site",
            "Cantine <script>alert(1)</script> & \"repas\"",
            "Démo",
            AccentColor::default_accent(),
        );
        assert!(line.starts_with("<a ") && line.ends_with("</a>"));
        assert!(!line.to_lowercase().contains("<script"));
        assert!(line.contains("&lt;script&gt;") && line.contains("&quot;repas&quot;"));
        assert_eq!(line.matches("<a ").count(), 1);
    }

    #[test]
    fn short_codes_use_the_readable_alphabet() {
        for _ in 0..100 {
            let code = new_short_code();
            assert_eq!(code.len(), SHORT_CODE_LEN);
            assert!(code.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)));
        }
    }
}
