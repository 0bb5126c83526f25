//! Handlers of `/api/v1`: extract the token, parse the request into typed values, call
//! `service`, return JSON. Nothing else happens here.

use super::{
    auth::ApiClient,
    error::ApiError,
    idempotency,
    service::{self, ListQuery},
    types::{ServiceList, SubmissionList},
};
use crate::{domain::SubmissionStatus, state::AppState};
use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

/// An id in a path: anything that is not a UUID is simply not found.
fn id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::not_found())
}

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(|_| ApiError::internal())
}

pub async fn list_services(
    State(state): State<AppState>,
    client: ApiClient,
) -> Result<Json<ServiceList>, ApiError> {
    let data = service::services(&state.db, &client).await?;
    Ok(Json(ServiceList { data }))
}

pub async fn list_submissions(
    State(state): State<AppState>,
    client: ApiClient,
    Path(service_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<SubmissionList>, ApiError> {
    let service_id = id(&service_id)?;
    let q = ListQuery::parse(query.as_deref())?;
    let (data, next_cursor) = service::list_submissions(&state.db, &client, service_id, &q).await?;
    Ok(Json(SubmissionList { data, next_cursor }))
}

pub async fn get_submission(
    State(state): State<AppState>,
    client: ApiClient,
    Path(submission_id): Path<String>,
) -> Result<Json<super::types::Submission>, ApiError> {
    let submission_id = id(&submission_id)?;
    Ok(Json(
        service::submission(&state.db, &client, submission_id).await?,
    ))
}

/// `GET /api/v1/submissions/{id}/files/{file_id}`: the bytes of an attached file (the answer's
/// `value.id`), with its type and name.
pub async fn get_file(
    State(state): State<AppState>,
    client: ApiClient,
    Path((submission_id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (submission_id, file_id) = (id(&submission_id)?, id(&file_id)?);
    let file = service::attached_file(&state.db, &client, submission_id, file_id).await?;
    Ok(crate::web::file_download(file))
}

async fn set_status(
    state: AppState,
    client: ApiClient,
    raw_id: String,
    headers: HeaderMap,
    target: SubmissionStatus,
) -> Response {
    if let Err(e) = client.require_write() {
        return e.into_response();
    }
    let submission_id = match id(&raw_id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let request = format!("POST /submissions/{submission_id}/{}", target.as_str());
    idempotency::once(&state.db, &client, &headers, &request, async {
        json(&service::set_status(&state.db, &client, submission_id, target).await?)
    })
    .await
}

pub async fn mark_processed(
    State(state): State<AppState>,
    client: ApiClient,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    set_status(state, client, raw_id, headers, SubmissionStatus::Processed).await
}

pub async fn mark_unprocessed(
    State(state): State<AppState>,
    client: ApiClient,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    set_status(
        state,
        client,
        raw_id,
        headers,
        SubmissionStatus::Unprocessed,
    )
    .await
}

/// Acknowledging needs only read access: an export tool marks what it has fetched without being
/// able to change what the agents see.
pub async fn acknowledge(
    State(state): State<AppState>,
    client: ApiClient,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let submission_id = match id(&raw_id) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let request = format!("POST /submissions/{submission_id}/ack");
    idempotency::once(&state.db, &client, &headers, &request, async {
        json(&service::acknowledge(&state.db, &client, submission_id).await?)
    })
    .await
}

/// The OpenAPI document (public: it describes the contract, not any data).
pub async fn openapi() -> Json<serde_json::Value> {
    Json(super::openapi::document())
}

pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
