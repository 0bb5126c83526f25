//! Downloads of the distribution kit (QR code, poster) and the short-link redirect.

use super::{error_page, see_other};
use crate::{
    auth::{self, CurrentAdmin},
    distribution::{
        poster::poster_pdf as render_pdf,
        service::{self as distribution, resolve_short},
        types::PaperSize,
    },
    domain::Channel,
    error::AppError,
    state::AppState,
};
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

async fn admin_and_id(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(CurrentAdmin, Uuid), Response> {
    let admin = match auth::admin::current(&state.db, &state.settings, headers).await {
        Ok(a) => a,
        Err(AppError::Unauthorized) => return Err(see_other("/admin/login")),
        Err(e) => return Err(error_page(state, headers, e).await),
    };
    match Uuid::parse_str(id) {
        Ok(id) => Ok((admin, id)),
        Err(_) => Err(error_page(state, headers, AppError::NotFound).await),
    }
}

fn download(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

pub async fn qr_svg(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (admin, id) = match admin_and_id(&state, &headers, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match distribution::distribution(&state, &admin, id).await {
        Ok(d) => download("image/svg+xml", "qr-code.svg", d.qr_svg.into_bytes()),
        Err(e) => error_page(&state, &headers, e).await,
    }
}

pub async fn qr_png(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (admin, id) = match admin_and_id(&state, &headers, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // 300 to 3000 px: from a web page to an A3 print at 300 dpi.
    let size = query
        .get("taille")
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1000)
        .clamp(300, 3000);
    let result = match distribution::distribution(&state, &admin, id).await {
        Ok(d) => distribution::qr_png(&d.qr_url, size),
        Err(e) => Err(e),
    };
    match result {
        Ok(png) => download("image/png", &format!("qr-code-{size}px.png"), png),
        Err(e) => error_page(&state, &headers, e).await,
    }
}

pub async fn poster_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (admin, id) = match admin_and_id(&state, &headers, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let size = PaperSize::parse(query.get("format").map(String::as_str));
    let result = match distribution::poster(&state, &admin, id, size).await {
        Ok(poster) => render_pdf(&poster, &format!("{}?src=qr", poster.short_url)),
        Err(e) => Err(e),
    };
    match result {
        Ok(pdf) => download(
            "application/pdf",
            &format!("affiche-{}.pdf", size.as_str()),
            pdf,
        ),
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// `/q/CODE[?src=qr|site]`: the short, stable address. Redirects to the service page with the
/// channel tag (a plain short link counts as `link`).
pub async fn short_link(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let channel = match query.get("src").map(String::as_str) {
        None => Channel::Link,
        other => Channel::parse(other),
    };
    match resolve_short(&state.db, &code).await {
        Ok((m, s)) => see_other(&format!("/s/{m}/{s}?src={}", channel.as_str())),
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// Counts a visit when a service page was served. Done here, after the response, rather than in
/// the page loader: a render may run its loaders more than once, a request runs once.
pub async fn count_visits(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let visit = (request.method() == axum::http::Method::GET
        && !request.headers().contains_key(super::RERENDER_HEADER))
    .then(|| {
        let mut parts = request.uri().path().trim_start_matches('/').split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("s"), Some(m), Some(s), None) => {
                let src = request
                    .uri()
                    .query()
                    .and_then(|q| {
                        url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "src")
                    })
                    .map(|(_, v)| v.into_owned());
                Some((m.to_owned(), s.to_owned(), Channel::parse(src.as_deref())))
            }
            _ => None,
        }
    })
    .flatten();
    let response = next.run(request).await;
    if let Some((m, s, channel)) = visit
        && response.status() == axum::http::StatusCode::OK
        && let Ok(resolved) = crate::citizen::service::published(&state, &m, &s).await
    {
        distribution::count_quietly(
            &state.db,
            resolved.procedure.id,
            channel,
            distribution::Counter::Visit,
        )
        .await;
    }
    response
}

/// `/theme/{municipality}.css`: the municipality's colours as CSS custom properties. A separate
/// stylesheet (not an inline style) keeps the strict CSP intact.
pub async fn theme_css(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let slug = file.strip_suffix(".css").unwrap_or_default();
    let municipality = crate::db::entities::municipality::Entity::find()
        .filter(crate::db::entities::municipality::Column::Slug.eq(slug))
        .one(&state.db)
        .await
        .ok()
        .flatten();
    let Some(m) = municipality else {
        return (axum::http::StatusCode::NOT_FOUND, "").into_response();
    };
    let accent = crate::domain::AccentColor::parse(&m.accent_color)
        .unwrap_or_else(|_| crate::domain::AccentColor::default_accent());
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        format!(
            ":root{{--color-accent:{accent};--color-accent-hover:{}}}\n",
            accent.darker()
        ),
    )
        .into_response()
}
