//! Inbox actions over HTTP: exports of the current selection (streamed), bulk transitions and
//! agents' private notes. Every handler resolves the agent first: their municipality scopes all.

use super::{admin::require_admin, error_page, form_value, parse_form, rerender, see_other};
use crate::{
    domain::SubmissionStatus,
    error::AppError,
    inbox::{
        export::{self, Export},
        types::InboxQuery,
    },
    state::AppState,
    ui::Feedback,
};
use axum::{
    body::{Body, Bytes},
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use std::collections::HashMap;
use uuid::Uuid;

fn attachment(content_type: &'static str, name: &str, body: Body) -> Response {
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `GET /admin/inbox/export.{csv,xlsx,ods}?<inbox query>[&sep=pointvirgule]`
pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (query, _) = InboxQuery::from_params(|k| params.get(k).cloned());
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M");
    let export = match Export::start(
        &state,
        &admin,
        InboxQuery {
            after: None,
            ..query
        },
    )
    .await
    {
        Ok(e) => e,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    tracing::info!(admin.id = %admin.admin_id, format = %file, "inbox export");
    match file.as_str() {
        "export.csv" => {
            let separator = if params.get("sep").map(String::as_str) == Some("pointvirgule") {
                ';'
            } else {
                ','
            };
            csv(export, separator, &format!("demandes-{stamp}.csv"))
        }
        "export.xlsx" => {
            spreadsheet(
                export,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("demandes-{stamp}.xlsx"),
                true,
            )
            .await
        }
        "export.ods" => {
            spreadsheet(
                export,
                "application/vnd.oasis.opendocument.spreadsheet",
                format!("demandes-{stamp}.ods"),
                false,
            )
            .await
        }
        _ => error_page(&state, &headers, AppError::NotFound).await,
    }
}

/// Streams the CSV while it is produced (a bounded channel keeps memory flat).
fn csv(mut export: Export, separator: char, name: &str) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        // UTF-8 byte order mark: spreadsheets then read accents correctly.
        let head = format!("\u{feff}{}", export::csv_line(&export.headers, separator));
        if tx.send(Ok(Bytes::from(head))).await.is_err() {
            return;
        }
        loop {
            match export.next_page().await {
                Ok(Some(page)) => {
                    let chunk: String = page
                        .iter()
                        .map(|cells| export::csv_line(cells, separator))
                        .collect();
                    if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    tracing::error!(error = %e, "csv export");
                    // Breaks the download rather than delivering a silently truncated file.
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            }
        }
    });
    attachment(
        "text/csv; charset=utf-8",
        name,
        Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx)),
    )
}

/// Writes XLSX or ODS to a temporary file, then streams the file.
async fn spreadsheet(
    export: Export,
    content_type: &'static str,
    name: String,
    xlsx: bool,
) -> Response {
    let failed = || {
        let mut r = Response::new(Body::from("L'export a échoué. Réessayez dans un instant."));
        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        r
    };
    let Ok(dir) = tempfile::tempdir() else {
        return failed();
    };
    let path = dir.path().join(&name);
    let written = if xlsx {
        export::write_xlsx(export, path.clone()).await
    } else {
        export::write_ods(export, path.clone()).await
    };
    if written.is_err() {
        return failed();
    }
    let Ok(file) = tokio::fs::File::open(&path).await else {
        return failed();
    };
    // The file stays readable after the folder is removed (Unix); the folder goes now.
    drop(dir);
    attachment(
        content_type,
        &name,
        Body::from_stream(tokio_util::io::ReaderStream::new(file)),
    )
}

/// `POST /admin/inbox/lot`: marks the checked submissions processed or unprocessed.
pub async fn bulk(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    // Only back to the inbox: the return address is never an open redirect.
    let back = form_value(&form, "retour")
        .filter(|r| r.starts_with("/admin/inbox?") || *r == "/admin/inbox")
        .unwrap_or("/admin/inbox")
        .to_owned();
    let target = match SubmissionStatus::parse(form_value(&form, "status").unwrap_or_default()) {
        Ok(t) => t,
        Err(e) => return error_page(&state, &headers, e.into()).await,
    };
    let ids: Vec<Uuid> = form
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| Uuid::parse_str(v).ok())
        .take(crate::inbox::service::PAGE_SIZE as usize)
        .collect();
    if ids.is_empty() {
        let feedback = Feedback {
            errors: vec![(
                "form".to_owned(),
                "Cochez au moins une demande avant de choisir une action.".to_owned(),
            )],
            ..Feedback::default()
        };
        return rerender(
            &state,
            &headers,
            &back,
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match crate::inbox::service::set_status_many(&state, &admin, &ids, target).await {
        Ok(changed) => {
            let sep = if back.contains('?') { '&' } else { '?' };
            see_other(&format!("{back}{sep}traitees={changed}"))
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// `POST /admin/submissions/{id}/notes`: adds a private note.
pub async fn add_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let parsed = Uuid::parse_str(&id)
        .map_err(|_| AppError::NotFound)
        .and_then(|id| Ok((id, parse_form(&headers, &body)?)));
    let (id, form) = match parsed {
        Ok(p) => p,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let path = format!("/admin/submissions/{id}");
    let note = form_value(&form, "note").unwrap_or_default();
    match crate::inbox::service::add_note(&state, &admin, id, note).await {
        Ok(()) => see_other(&format!("{path}#notes-title")),
        Err(e @ AppError::Validation(_)) => {
            let feedback = Feedback {
                errors: vec![("note".to_owned(), e.to_string())],
                values: [("note".to_owned(), note.to_owned())].into(),
                ..Feedback::default()
            };
            rerender(
                &state,
                &headers,
                &path,
                feedback,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// `GET /admin/submissions/{id}/fichiers/{file}`: a file the citizen attached, for agents of the
/// town only. Always a download, never rendered by the browser in the console's origin.
pub async fn attached_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (Ok(id), Ok(file)) = (Uuid::parse_str(&id), Uuid::parse_str(&file)) else {
        return error_page(&state, &headers, AppError::NotFound).await;
    };
    let row = match crate::uploads::for_agent(&state.db, admin.municipality_id, id, file).await {
        Ok(row) => row,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    tracing::info!(admin.id = %admin.admin_id, submission.id = %id, upload.id = %file, "attachment downloaded");
    super::file_download(row)
}
