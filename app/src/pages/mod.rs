//! Pages, by audience. Each page component loads its data through a server function (run in
//! place during server rendering) and renders plain HTML forms that post to the handlers in
//! `web/`.

pub mod admin;
pub mod api;
pub mod citizen;
pub mod identity_settings;
pub mod misc;
pub mod webhooks;

use crate::error::AppError;
use leptos::prelude::*;

/// Sets the HTTP status of the page being rendered (server only).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Redirects the browser (server only; the page is not shown). Pages are always plain HTML
/// navigations here (islands, no client router), so a real 302 is right whatever `Accept` says.
pub fn redirect(to: &str) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(location)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(to),
    ) {
        res.insert_header(http::header::LOCATION, location);
        res.set_status(http::StatusCode::FOUND);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = to;
}

/// The body shown when a page cannot be displayed.
#[component]
pub fn ErrorBlock(error: AppError) -> impl IntoView {
    set_status(error.status_code());
    view! {
        <h1>{error.title_fr()}</h1>
        <p class="notice notice--error">{error.to_string()}</p>
        <p><a href="/">"Retour à l'accueil"</a></p>
    }
}

/// Reads a route parameter.
pub fn param(name: &str) -> String {
    leptos_router::hooks::use_params_map()
        .read_untracked()
        .get(name)
        .unwrap_or_default()
}

/// Reads a query parameter.
pub fn query(name: &str) -> Option<String> {
    leptos_router::hooks::use_query_map()
        .read_untracked()
        .get(name)
}
