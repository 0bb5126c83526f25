//! The logo: upload and removal in the console (owners only), and the image served to pages.

use super::admin::{refused_form, require_owner};
use super::{error_page, see_other};
use crate::{branding::logo, error::AppError, state::AppState};
use axum::{
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sea_orm::EntityTrait;

const SETTINGS: &str = "/admin/settings";

/// What the logo form sent: the file's bytes (empty when none was chosen) and the alternative.
struct Upload {
    file: Vec<u8>,
    alt: String,
}

/// Reads the two fields of the form; other fields are ignored.
async fn read_upload(form: Multipart) -> Result<Upload, String> {
    let (pairs, files) = super::read_multipart(form).await.map_err(|e| match e {
        super::MultipartError::TooBig => {
            "Le fichier dépasse 2 Mo : enregistrez une image plus légère.".to_owned()
        }
        super::MultipartError::Unreadable => {
            "Le formulaire envoyé est illisible. Réessayez.".to_owned()
        }
    })?;
    Ok(Upload {
        file: crate::uploads::PostedFile::bytes_of(files, "logo"),
        alt: super::form_value(&pairs, "logo_alt")
            .unwrap_or_default()
            .to_owned(),
    })
}

/// `POST /admin/settings/logo`: a new logo and/or its text alternative.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let admin = match require_owner(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let refused = |field: &str, message: String, alt: &str| {
        let form = vec![("logo_alt".to_owned(), alt.to_owned())];
        let errors = vec![(field.to_owned(), message)];
        let state = state.clone();
        let headers = headers.clone();
        async move { refused_form(&state, &headers, SETTINGS, &form, "", errors).await }
    };
    let upload = match form {
        Ok(form) => read_upload(form).await,
        Err(_) => Err("Le formulaire envoyé est illisible. Réessayez.".to_owned()),
    };
    let upload = match upload {
        Ok(u) => u,
        Err(message) => return refused("logo", message, "").await,
    };
    let alt = match logo::parse_alt(&upload.alt) {
        Ok(alt) => alt,
        Err(e) => return refused("logo_alt", e.0, &upload.alt).await,
    };
    let saved = if upload.file.is_empty() {
        // No new file: only the alternative changes, and only if there is a logo to describe.
        let has_logo = crate::db::entities::municipality::Entity::find_by_id(admin.municipality_id)
            .one(&state.db)
            .await
            .ok()
            .flatten()
            .is_some_and(|m| m.logo_version.is_some());
        if !has_logo {
            return refused(
                "logo",
                "Choisissez un fichier image (PNG ou JPEG).".to_owned(),
                &upload.alt,
            )
            .await;
        }
        logo::save_alt(&state.db, admin.municipality_id, alt).await
    } else {
        let image = upload.file;
        // Decoding and scaling is CPU work: off the request threads.
        let checked = tokio::task::spawn_blocking(move || logo::Logo::from_upload(&image)).await;
        let checked = match checked {
            Ok(Ok(l)) => l,
            Ok(Err(e)) => return refused("logo", e.0, &upload.alt).await,
            Err(_) => return error_page(&state, &headers, AppError::Internal).await,
        };
        logo::save(&state.db, admin.municipality_id, &checked, alt).await
    };
    match saved {
        Ok(()) => {
            tracing::info!(admin.id = %admin.admin_id, municipality.id = %admin.municipality_id, "logo changed");
            see_other("/admin/settings?enregistre=1")
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// `POST /admin/settings/logo/supprimer`.
pub async fn remove(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let admin = match require_owner(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match logo::remove(&state.db, admin.municipality_id).await {
        Ok(()) => {
            tracing::info!(admin.id = %admin.admin_id, municipality.id = %admin.municipality_id, "logo removed");
            see_other("/admin/settings?enregistre=1")
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// `GET /logo/{town}/{version}.png`: immutable under its address (the version is its digest).
pub async fn image(
    State(state): State<AppState>,
    Path((town, file)): Path<(String, String)>,
) -> Response {
    let Some(version) = file.strip_suffix(".png") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match logo::load(&state.db, &town, version).await {
        Ok(row) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            row.bytes,
        )
            .into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
