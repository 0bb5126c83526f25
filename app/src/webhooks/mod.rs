//! Webhooks: the municipality's business tools are told at once when a submission arrives or is
//! processed, instead of polling the API.
//!
//! Signed as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,…`,
//! HMAC-SHA256), delivered through their own outbox (rows written in the transaction of the
//! event, retried with back-off by a worker), logged with replay in the console, and sent only
//! to public addresses (see `target.rs` for the SSRF rules). Payloads carry identifiers and
//! status, never personal data: the receiver fetches the submission with its API token.
//!
//! * `types.rs`: event and delivery names, the console page's data (wasm-safe).
//! * `signing.rs`: the secret and the signature. `target.rs`: URL and address rules, the guarded
//!   HTTP client. `service.rs`: endpoints, emission, replay, console data. `worker.rs`:
//!   delivery and retries. `console.rs`: the console's form posts.

pub mod types;

#[cfg(feature = "ssr")]
pub mod console;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod signing;
#[cfg(feature = "ssr")]
pub mod target;
#[cfg(feature = "ssr")]
pub mod worker;

/// The console's webhook forms.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::state::AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/admin/webhooks", post(console::create))
        .route(
            "/admin/webhooks/{id}/{action}",
            post(console::endpoint_action),
        )
        .route(
            "/admin/webhooks/envois/{id}/renvoyer",
            post(console::replay),
        )
}
