//! Security middleware: header-based CSRF protection and the security headers of every response.
//!
//! CSRF: a state-changing request is refused when the browser says it comes from another site
//! (`Sec-Fetch-Site: cross-site`) or when its `Origin` is not this instance. Combined with
//! `SameSite=Lax` cookies, this needs no token in every form (OWASP Fetch Metadata; the same
//! approach as Go's `CrossOriginProtection`).

use crate::state::AppState;
use axum::{
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The Content-Security-Policy. Pages carry a per-response nonce for the islands bootstrap.
pub fn csp(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "script-src 'self'".to_owned(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' http: https:"
    )
}

pub async fn csrf(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The REST API authenticates with bearer tokens only and ignores cookies, so a forged
    // cross-site request carries no credential: a server-side tool that sends an `Origin` of its
    // own must not be refused.
    let bearer_only = request.uri().path().starts_with("/api/v1/");
    if !safe && !bearer_only {
        let headers = request.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let origin_ok = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            None => true,
            Some(origin) => origin == state.settings.public_url.origin().ascii_serialization(),
        };
        if cross_site || !origin_ok {
            tracing::warn!(path = %request.uri().path(), "cross-site form post refused");
            return (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "Requête refusée : elle ne provient pas de ce site.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// Private request header carrying this request's CSP nonce to the page renderer.
pub const NONCE_HEADER: &str = "x-iclefs-csp-nonce";

/// `Server-Timing: app;dur=…`: the time the request spent in the server (routing, session,
/// queries, rendering), for browsers' developer tools and for the citizen benchmark, which
/// separates it from the time spent queueing on the client side. A duration only, no detail.
pub async fn server_timing(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let ms = started.elapsed().as_secs_f64() * 1e3;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.2}")) {
        response.headers_mut().insert("server-timing", v);
    }
    response
}

/// Headers every response gets. One CSP nonce is chosen per request (any client-sent value of
/// the private header is replaced) and used both in the header and by the page renderer.
pub async fn headers(mut request: Request, next: Next) -> Response {
    let nonce = crate::crypto::random_token(16);
    if let Ok(v) = HeaderValue::from_str(&nonce) {
        request.headers_mut().insert(NONCE_HEADER, v);
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(v) = HeaderValue::from_str(&csp(Some(&nonce)))
    {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    let is_page = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page && !h.contains_key(header::CACHE_CONTROL) {
        // Pages may show personal data: never keep them in shared or back-forward caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
