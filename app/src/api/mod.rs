//! The business REST API (`/api/v1`): lets a municipality's business tools (GRC, ERP, document
//! management) read its services and submissions and mark them processed, with a bearer token
//! created in the console.
//!
//! Plain axum routes, separate from the Leptos server functions (which are internal and may
//! change at any release): this is the one public, versioned contract, described by
//! `docs/api/openapi.json`. Bearer tokens only, never cookies, so cross-site request forgery does
//! not apply and the CSRF middleware lets these routes through.
//!
//! * `types.rs`: the JSON documents (and the console page's data), wasm-safe.
//! * `tokens.rs`: token secrets, CIDR allow-lists, expiry; create/list/revoke in the console.
//! * `auth.rs`: the `ApiClient` extractor (lookup, expiry, revocation, IP, rate limit).
//! * `service.rs`: tenant- and scope-filtered queries, keyset pagination, acknowledgements.
//! * `idempotency.rs`: `Idempotency-Key` replays.
//! * `error.rs`: `ApiError` and its JSON envelope. `openapi.rs`: the document.
//! * `console.rs`: the console's form posts (create, revoke).

pub mod types;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod console;
#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod idempotency;
#[cfg(feature = "ssr")]
pub mod openapi;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod tokens;

/// The API's routes and the console's token forms.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    use axum::{
        Extension, Router,
        http::{HeaderValue, header},
        routing::{any, get, post},
    };
    use handlers as h;
    use tower_http::set_header::SetResponseHeaderLayer;
    let api = Router::new()
        .route(
            "/api/v1/openapi.json",
            get(h::openapi).fallback(h::method_not_allowed),
        )
        .route(
            "/api/v1/services",
            get(h::list_services).fallback(h::method_not_allowed),
        )
        .route(
            "/api/v1/services/{id}/submissions",
            get(h::list_submissions).fallback(h::method_not_allowed),
        )
        .route(
            "/api/v1/submissions/{id}",
            get(h::get_submission).fallback(h::method_not_allowed),
        )
        .route(
            "/api/v1/submissions/{id}/files/{file_id}",
            get(h::get_file).fallback(h::method_not_allowed),
        )
        .route(
            "/api/v1/submissions/{id}/processed",
            post(h::mark_processed).fallback(h::method_not_allowed),
        )
        .route(
            "/api/v1/submissions/{id}/unprocessed",
            post(h::mark_unprocessed).fallback(h::method_not_allowed),
        )
        .route(
            "/api/v1/submissions/{id}/ack",
            post(h::acknowledge).fallback(h::method_not_allowed),
        )
        .route("/api/v1", any(h::not_found))
        .route("/api/v1/", any(h::not_found))
        .route("/api/v1/{*rest}", any(h::not_found))
        .layer(Extension(auth::ApiLimiter::default()))
        // Responses carry personal data: never cached, by browsers or proxies.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .route("/admin/api/tokens", post(console::create_token))
        .route("/admin/api/tokens/{id}/revoke", post(console::revoke_token))
        .merge(api)
}
