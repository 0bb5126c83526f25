//! `Idempotency-Key` on the API's POSTs (draft-ietf-httpapi-idempotency-key-header): the same key
//! with the same request gets the first response again, even if the first reply was lost on the
//! way; the same key with another request is refused (422); a retry while the first is still
//! running gets 409. Keys are scoped per token and kept 24 hours.

use super::{auth::ApiClient, error::ApiError};
use crate::{crypto::sha256_hex, db::entities::api_idempotency_key};
use axum::{
    Json,
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
    sea_query::Expr,
};
use uuid::Uuid;

pub const HEADER: &str = "idempotency-key";
/// Marks a replayed response.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
pub const RETENTION_HOURS: i64 = 24;
pub const MAX_KEY_CHARS: usize = 255;

fn parse_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(raw) = headers.get(HEADER) else {
        return Ok(None);
    };
    let refused = || {
        ApiError::invalid_parameter(format!(
            "« Idempotency-Key » : 1 à {MAX_KEY_CHARS} caractères ASCII visibles (un UUID, par exemple)."
        ))
    };
    let key = raw.to_str().map_err(|_| refused())?.trim();
    if key.is_empty() || key.len() > MAX_KEY_CHARS || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(refused());
    }
    Ok(Some(key.to_owned()))
}

fn respond(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

/// Runs `action` at most once per (token, key, request); without a key it simply runs.
pub async fn once<F>(
    db: &DatabaseConnection,
    client: &ApiClient,
    headers: &HeaderMap,
    request: &str,
    action: F,
) -> Response
where
    F: std::future::Future<Output = Result<serde_json::Value, ApiError>>,
{
    let key = match parse_key(headers) {
        Ok(Some(key)) => key,
        Ok(None) => {
            return match action.await {
                Ok(body) => respond(StatusCode::OK, body),
                Err(e) => e.into_response(),
            };
        }
        Err(e) => return e.into_response(),
    };
    match claim(db, client, &key, request).await {
        Ok(Claim::Mine(row_id)) => {
            let (status, body, error) = match action.await {
                Ok(body) => (StatusCode::OK, body, None),
                Err(e) => (e.status, e.body(), Some(e)),
            };
            if status.is_server_error() {
                // Not a final answer: let the client retry with the same key.
                let _ = api_idempotency_key::Entity::delete_by_id(row_id)
                    .exec(db)
                    .await;
            } else {
                let stored = api_idempotency_key::Entity::update_many()
                    .col_expr(
                        api_idempotency_key::Column::StatusCode,
                        Expr::value(i32::from(status.as_u16())),
                    )
                    .col_expr(
                        api_idempotency_key::Column::Body,
                        Expr::value(body.to_string()),
                    )
                    .filter(api_idempotency_key::Column::Id.eq(row_id))
                    .exec(db)
                    .await;
                if let Err(e) = stored {
                    tracing::error!(error = %e, "storing an idempotent response");
                }
            }
            match error {
                Some(e) => e.into_response(),
                None => respond(status, body),
            }
        }
        Ok(Claim::Replay(status, body)) => {
            let mut response = (
                status,
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response();
            response
                .headers_mut()
                .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
            response
        }
        Err(e) => e.into_response(),
    }
}

enum Claim {
    /// This request runs; the row to complete.
    Mine(Uuid),
    Replay(StatusCode, String),
}

async fn claim(
    db: &DatabaseConnection,
    client: &ApiClient,
    key: &str,
    request: &str,
) -> Result<Claim, ApiError> {
    let now = Utc::now();
    let fingerprint = sha256_hex(request);
    // Expired keys (of every token) are forgotten first: nothing is kept past the retention.
    api_idempotency_key::Entity::delete_many()
        .filter(
            api_idempotency_key::Column::CreatedAt
                .lt(now - chrono::Duration::hours(RETENTION_HOURS)),
        )
        .exec(db)
        .await?;
    let id = Uuid::now_v7();
    let inserted = api_idempotency_key::ActiveModel {
        id: Set(id),
        token_id: Set(client.token_id),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.clone()),
        status_code: Set(0),
        body: Set(String::new()),
        created_at: Set(now),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(Claim::Mine(id)),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let existing = api_idempotency_key::Entity::find()
                .filter(api_idempotency_key::Column::TokenId.eq(client.token_id))
                .filter(api_idempotency_key::Column::Key.eq(key))
                .one(db)
                .await?
                // Removed in between (the first attempt failed): the client may retry.
                .ok_or_else(ApiError::idempotency_in_progress)?;
            if existing.fingerprint != fingerprint {
                return Err(ApiError::idempotency_key_reused());
            }
            let status = u16::try_from(existing.status_code)
                .ok()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .filter(|_| existing.status_code != 0);
            match status {
                Some(status) => Ok(Claim::Replay(status, existing.body)),
                None => Err(ApiError::idempotency_in_progress()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
