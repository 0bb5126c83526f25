//! The citizen's language on the wire: `?lang=` on any page is an explicit choice, remembered in a
//! cookie (no personal data) and, for this very request, put into the request's cookies so that
//! every loader and handler reads the language the same way (`i18n::from_headers`): cookie,
//! then `Accept-Language`, among the languages the municipality offers.

use crate::i18n::{self, Lang};
use axum::{extract::Request, middleware::Next, response::Response};
use http::{HeaderValue, header};

/// Middleware: `?lang=xx` becomes the language cookie, for this request and the next ones.
pub async fn remember_choice(mut request: Request, next: Next) -> Response {
    let chosen = request.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    });
    let Some(lang) = chosen else {
        return next.run(request).await;
    };
    let pair = format!("{}={}", i18n::COOKIE, lang.code());
    let headers = request.headers_mut();
    let others: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.starts_with(&format!("{}=", i18n::COOKIE)))
        .map(str::to_owned)
        .collect();
    let merged = others
        .into_iter()
        .chain(std::iter::once(pair.clone()))
        .collect::<Vec<_>>()
        .join("; ");
    headers.remove(header::COOKIE);
    if let Ok(v) = HeaderValue::from_str(&merged) {
        headers.insert(header::COOKIE, v);
    }
    let mut response = next.run(request).await;
    if let Ok(v) = HeaderValue::from_str(&format!("{pair}; Path=/; Max-Age=31536000; SameSite=Lax"))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
