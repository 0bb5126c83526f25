//! The console's API page form posts: create a token (shown once, on the page re-rendered for
//! this response only, never in a URL or a log) and revoke one. Owners only.

use super::{
    tokens::{self, NewToken},
    types::NEW_TOKEN_VALUE,
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

pub const PAGE: &str = "/admin/api";

pub async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match require_owner(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let services: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "services")
        .map(|(_, v)| v.as_str())
        .collect();
    let parsed = NewToken::parse(
        form_value(&form, "name").unwrap_or_default(),
        &services,
        form_value(&form, "access").unwrap_or_default(),
        form_value(&form, "expires_on").unwrap_or_default(),
        form_value(&form, "networks").unwrap_or_default(),
        chrono::Utc::now().date_naive(),
    );
    let result = match parsed {
        Ok(input) => tokens::create(&state, &admin, input).await,
        Err(errors) => Err(errors),
    };
    match result {
        Ok(secret) => {
            let feedback = Feedback {
                values: [(NEW_TOKEN_VALUE.to_owned(), secret.expose().to_owned())].into(),
                ..Feedback::default()
            };
            rerender(&state, &headers, PAGE, feedback, StatusCode::CREATED).await
        }
        Err(errors) => refused_form(&state, &headers, PAGE, &form, "services", errors).await,
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_owner(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let result = match Uuid::parse_str(&id) {
        Ok(id) => tokens::revoke(&state, &admin, id).await,
        Err(_) => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => see_other(&format!("{PAGE}?revoque=1")),
        Err(e) => error_page(&state, &headers, e).await,
    }
}
