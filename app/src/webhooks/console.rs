//! The console's webhooks page form posts: add an endpoint (its secret shown once, on the page
//! re-rendered for this response only), pause/resume, delete, replay a delivery. Owners only.

use super::{
    service::{self, NewEndpoint},
    types::NEW_SECRET_VALUE,
};
use crate::{
    error::AppError,
    state::AppState,
    ui::Feedback,
    web::{
        admin::{refused_form, require_owner},
        error_page, form_value, parse_form, rerender, see_other,
    },
};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use uuid::Uuid;

pub const PAGE: &str = "/admin/webhooks";

pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let admin = match require_owner(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let events: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "events")
        .map(|(_, v)| v.as_str())
        .collect();
    let parsed = NewEndpoint::parse(
        form_value(&form, "url").unwrap_or_default(),
        form_value(&form, "description").unwrap_or_default(),
        &events,
        state.settings.webhook_targets,
    );
    let result = match parsed {
        Ok(input) => service::create(&state, &admin, input).await,
        Err(errors) => Err(errors),
    };
    match result {
        Ok(secret) => {
            let feedback = Feedback {
                values: [(NEW_SECRET_VALUE.to_owned(), secret.encode())].into(),
                ..Feedback::default()
            };
            rerender(&state, &headers, PAGE, feedback, StatusCode::CREATED).await
        }
        Err(errors) => refused_form(&state, &headers, PAGE, &form, "events", errors).await,
    }
}

/// `POST /admin/webhooks/{id}/{action}` with `action` = `pause`, `resume` or `delete`.
pub async fn endpoint_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_owner(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page(&state, &headers, AppError::NotFound).await;
    };
    let (result, done) = match action.as_str() {
        "pause" => (
            service::set_enabled(&state, &admin, id, false).await,
            "pause",
        ),
        "resume" => (
            service::set_enabled(&state, &admin, id, true).await,
            "reprise",
        ),
        "delete" => (service::delete(&state, &admin, id).await, "supprimee"),
        _ => (Err(AppError::NotFound), ""),
    };
    match result {
        Ok(()) => see_other(&format!("{PAGE}?fait={done}")),
        Err(e) => error_page(&state, &headers, e).await,
    }
}

pub async fn replay(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_owner(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let result = match Uuid::parse_str(&id) {
        Ok(id) => service::replay(&state, &admin, id).await,
        Err(_) => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => see_other(&format!("{PAGE}?fait=renvoi")),
        Err(e) => error_page(&state, &headers, e).await,
    }
}
