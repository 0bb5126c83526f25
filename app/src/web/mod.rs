//! HTTP glue: the handlers of form posts and identity callbacks, the re-rendering of a page with
//! validation feedback, and the security middleware.
//!
//! Handlers stay thin: parse the body, call a service, then redirect (303, post/redirect/get) on
//! success or render the same page again with the errors and a 4xx status.

pub mod admin;
pub mod branding;
pub mod citizen;
pub mod distribution;
pub mod i18n;
pub mod inbox;
pub mod rate_limit;
pub mod security;
pub mod transfer;

use crate::{error::AppError, state::AppState, ui::Feedback};
use axum::{
    Router,
    body::{Body, Bytes},
    http::{HeaderMap, Request, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use leptos::prelude::*;

/// State and request headers inside a server function or page loader.
pub fn request_context() -> Result<(AppState, HeaderMap), AppError> {
    let state = use_context::<AppState>().ok_or(AppError::Internal)?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    Ok((state, parts.headers))
}

/// Runs a page loader's database work on its own task and waits for it.
///
/// Leptos may drop a loader's future before it completes (a suspense re-run, a render that is
/// abandoned). Dropping a future in the middle of a PostgreSQL query leaves the connection in an
/// unknown protocol state, so sqlx closes it, and the next request pays for a new connection
/// (TCP, TLS negotiation, SCRAM authentication): measured as ~110 ms on every console page. On its
/// own task the query always completes and the connection goes back to the pool; only the
/// result is dropped. Leptos context must be read before (see [`request_context`]).
pub async fn detached<T, F>(work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    to_completion(work).await.ok_or(AppError::Internal)?
}

/// Runs `work` on its own task, so that it completes even if the request is dropped (the browser
/// went away); `None` only if the task panicked.
pub async fn to_completion<T, F>(work: F) -> Option<T>
where
    T: Send + 'static,
    F: std::future::Future<Output = T> + Send + 'static,
{
    tokio::spawn(work).await.ok()
}

/// Everything a page render needs in context, for the router and for re-renders alike.
///
/// Leptos generates a new nonce each time it sets up a render context, and a response can involve
/// several; the security middleware instead picks one nonce per request, passes it in a private
/// request header, and puts it in the CSP header. Providing it here makes every inline script of
/// the page carry that same nonce.
pub fn provide_render_context(state: &AppState) {
    provide_context(state.clone());
    provide_context(state.leptos_options.clone());
    let nonce = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(security::NONCE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// Drops the published-services cache after every state-changing request of the console or the
/// API (see `citizen::published`): whatever an agent changed, the next citizen page reads it.
pub async fn invalidate_published(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let changes =
        !matches!(
            *request.method(),
            axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
        ) && (path.starts_with("/admin") || path.starts_with("/api") || path.starts_with("/_fn"));
    let response = next.run(request).await;
    if changes {
        state.published.invalidate();
    }
    response
}

/// Records every console action that succeeded in the audit log (`audit`). The agent is read
/// before the request runs (a sign-out ends the session it names).
pub async fn audit_console(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let audited = request.method() == axum::http::Method::POST
        && path.starts_with("/admin/")
        && !matches!(path.as_str(), "/admin/login" | "/admin/proconnect/login")
        && !path.starts_with("/admin/invitation/");
    let agent = if audited {
        crate::auth::admin::current(&state.db, &state.settings, request.headers())
            .await
            .ok()
    } else {
        None
    };
    let response = next.run(request).await;
    let status = response.status();
    if let Some(agent) = agent
        && (status.is_success() || status.is_redirection())
        && let Err(e) = crate::audit::record(
            &state.db,
            agent.municipality_id,
            agent.admin_id,
            &agent.display_name,
            &path,
            status.as_u16(),
        )
        .await
    {
        tracing::error!(error = %e, "audit entry not written");
    }
    response
}

/// Why a multipart form could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultipartError {
    Unreadable,
    /// A file part went past the route's body limit.
    TooBig,
}

/// Reads a whole multipart form: text fields in order, and file parts (those with a file name).
/// The one reader of the three forms that take files (logo, service import, citizen form).
pub async fn read_multipart(
    mut form: axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<crate::uploads::PostedFile>), MultipartError> {
    let (mut pairs, mut files) = (Vec::new(), Vec::new());
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| MultipartError::Unreadable)?
    {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(filename) => {
                let bytes = field.bytes().await.map_err(|_| MultipartError::TooBig)?;
                files.push(crate::uploads::PostedFile {
                    input: name,
                    filename,
                    bytes: bytes.to_vec(),
                });
            }
            None => pairs.push((
                name,
                field.text().await.map_err(|_| MultipartError::Unreadable)?,
            )),
        }
    }
    Ok((pairs, files))
}

/// A stored attachment as a download: its type, its name (RFC 6266, with an ASCII fallback) and
/// digest, never rendered by the browser. Shared by the console and the API.
pub fn file_download(row: crate::db::entities::upload::Model) -> Response {
    let mut response = Response::new(Body::from(row.bytes));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_str(&row.content_type)
            .unwrap_or_else(|_| header::HeaderValue::from_static("application/octet-stream")),
    );
    // The cleaned name has no quote or control character.
    let ascii: String = row
        .filename
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(row.filename.as_bytes()).collect();
    if let Ok(v) = header::HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        encoded.replace('+', "%20")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = header::HeaderValue::from_str(&format!("sha-256={}", row.sha256)) {
        h.insert("x-content-sha256", v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Marks the internal request of a re-render.
pub const RERENDER_HEADER: &str = "x-iclefs-rerender";

/// Renders the page at `path` again, with `feedback` in context and `status` on the response.
pub async fn rerender(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    feedback: Feedback,
    status: StatusCode,
) -> Response {
    let render_state = state.clone();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_render_context(&render_state);
            provide_context(feedback.clone());
        },
        move || crate::shell(options.clone()),
    );
    let mut request = Request::get(path).body(Body::empty()).unwrap_or_default();
    // Lets page loaders tell a re-render from a visit (statistics count visits only).
    request
        .headers_mut()
        .insert(RERENDER_HEADER, header::HeaderValue::from_static("1"));
    for name in [
        header::COOKIE,
        header::ACCEPT_LANGUAGE,
        header::USER_AGENT,
        header::ACCEPT,
    ] {
        if let Some(v) = headers.get(&name) {
            request.headers_mut().insert(name, v.clone());
        }
    }
    let mut response = handler(request).await;
    // A loader may itself have chosen a status (e.g. 404); otherwise use the caller's.
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// Renders an error page for a refused action.
pub async fn error_page(state: &AppState, headers: &HeaderMap, error: AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let feedback = Feedback {
        page_error: Some(error),
        ..Feedback::default()
    };
    rerender(state, headers, "/erreur", feedback, status).await
}

/// 303 See Other: the browser follows with a GET, so a reload never re-posts.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

/// Parses an `application/x-www-form-urlencoded` body into ordered pairs.
pub fn parse_form(headers: &HeaderMap, body: &Bytes) -> Result<Vec<(String, String)>, AppError> {
    let unreadable = || {
        AppError::BadRequest(
            "Le formulaire envoyé est illisible. Rechargez la page et réessayez.".to_owned(),
        )
    };
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(unreadable());
    }
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).map_err(|_| unreadable())
}

pub fn form_value<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The routes handled outside Leptos (form posts, identity flow, health).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/admin/login", post(admin::login))
        .route("/admin/logout", post(admin::logout))
        .route("/admin/proconnect/login", post(admin::proconnect_login))
        .route(
            "/admin/proconnect/callback",
            get(admin::proconnect_callback),
        )
        .route("/admin/services", post(admin::create_service))
        .route("/admin/services/{id}/fields", post(admin::add_field))
        .route(
            "/admin/services/{id}/fields/{stable_id}/{action}",
            post(admin::field_action),
        )
        .route("/admin/services/{id}/publish", post(admin::publish))
        .route("/admin/services/{id}/export.json", get(transfer::export))
        .route("/admin/services/{id}/duplicate", post(transfer::duplicate))
        .route("/admin/services/{id}/close", post(admin::close))
        .route("/admin/submissions/{id}/status", post(admin::set_status))
        .route("/admin/services/{id}/qr.svg", get(distribution::qr_svg))
        .route("/admin/services/{id}/qr.png", get(distribution::qr_png))
        .route(
            "/admin/services/{id}/affiche.pdf",
            get(distribution::poster_pdf),
        )
        .route("/q/{code}", get(distribution::short_link))
        .route("/theme/{file}", get(distribution::theme_css))
        .route("/admin/settings", post(admin::save_settings))
        .route("/admin/settings/logo/supprimer", post(branding::remove))
        .route("/logo/{town}/{file}", get(branding::image))
        .route(
            "/admin/submissions/{id}/fichiers/{file}",
            get(inbox::attached_file),
        )
        .route("/admin/identite", post(admin::save_identity))
        .route("/admin/courriels/{kind}", post(admin::template_action))
        .route("/admin/agents", post(admin::invite_agent))
        .route("/admin/inbox/lot", post(inbox::bulk))
        .route("/admin/inbox/{file}", get(inbox::export))
        .route("/admin/submissions/{id}/notes", post(inbox::add_note))
        .route("/admin/invitation/{token}", post(admin::accept_invitation))
        .route(
            "/admin/submissions/{id}/notifier",
            post(admin::notify_citizen),
        )
        .route("/auth/{m}/login", post(citizen::login))
        .route("/auth/{m}/callback", get(citizen::callback))
        .route("/auth/{m}/logout", post(citizen::logout))
        .route("/auth/{m}/logout-callback", get(citizen::logout_callback))
        .route("/s/{m}/{s}/envoyer", post(citizen::submit))
        .route("/s/{m}/{s}/abandonner", post(citizen::discard))
        .route("/s/{m}/{s}/recepisse.pdf", get(citizen::receipt))
}

/// The routes that take a file, each with its own body limit (every other route keeps the
/// server's small one: it is applied before these are merged).
pub fn upload_routes() -> Router<AppState> {
    fn limited(router: Router<AppState>, limit: usize) -> Router<AppState> {
        router
            .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
            .layer(axum::extract::DefaultBodyLimit::max(limit))
    }
    let margin = 64 * 1024;
    let logo = Router::new().route("/admin/settings/logo", post(branding::upload));
    let import = Router::new().route("/admin/services/import", post(transfer::import));
    // The citizen form may carry files: up to 10 MB each, a little more for the rest.
    let form = Router::new().route("/s/{m}/{s}/formulaire", post(citizen::save_form));
    limited(logo, crate::branding::logo::MAX_UPLOAD_BYTES + margin)
        .merge(limited(
            import,
            crate::procedures::transfer::MAX_DOCUMENT_BYTES + margin,
        ))
        .merge(limited(form, 12 * 1024 * 1024))
}
