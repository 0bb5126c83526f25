//! A service as JSON in the console: export (download), import (upload, a new draft), duplicate.

use super::admin::{parse_uuid, refused_form, require_admin};
use super::{error_page, see_other};
use crate::{
    error::AppError,
    procedures::transfer::{self, ImportError},
    state::AppState,
};
use axum::{
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};

const NEW_SERVICE: &str = "/admin/services/new";

/// `GET /admin/services/{id}/export.json`.
pub async fn export(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let document = match parse_uuid(&id) {
        Ok(id) => transfer::export(&state, &admin, id).await,
        Err(e) => Err(e),
    };
    let document = match document {
        Ok(d) => d,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let name = crate::domain::Slug::from_title(&document.title)
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|_| "service".to_owned());
    let body = serde_json::to_vec_pretty(&document).unwrap_or_default();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}.json\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

async fn refused(state: &AppState, headers: &HeaderMap, error: ImportError) -> Response {
    let errors = error
        .0
        .into_iter()
        .map(|m| ("document".to_owned(), m))
        .collect();
    refused_form(state, headers, NEW_SERVICE, &[], "", errors).await
}

/// `POST /admin/services/import`: a file exported from i-CLEFS becomes a new draft service.
pub async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let unreadable = || {
        ImportError(vec![
            "Le formulaire envoyé est illisible. Réessayez.".to_owned(),
        ])
    };
    let read = match form {
        Ok(form) => super::read_multipart(form).await,
        Err(_) => Err(super::MultipartError::Unreadable),
    };
    let bytes = match read {
        Ok((_, files)) => crate::uploads::PostedFile::bytes_of(files, "document"),
        Err(super::MultipartError::TooBig) => {
            let too_big = ImportError(vec!["Le fichier dépasse 1 Mo.".to_owned()]);
            return refused(&state, &headers, too_big).await;
        }
        Err(super::MultipartError::Unreadable) => {
            return refused(&state, &headers, unreadable()).await;
        }
    };
    let result = match transfer::parse(&bytes) {
        Ok(document) => transfer::import(&state, &admin, document).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => see_other(&format!("/admin/services/{id}?importe=1")),
        Err(e) => refused(&state, &headers, e).await,
    }
}

/// `POST /admin/services/{id}/duplicate`: the same questions in a new draft service.
pub async fn duplicate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match parse_uuid(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    match transfer::duplicate(&state, &admin, id).await {
        Ok(copy) => see_other(&format!("/admin/services/{copy}")),
        Err(e) => {
            let message = e.0.join(" ");
            error_page(&state, &headers, AppError::Conflict(message)).await
        }
    }
}
