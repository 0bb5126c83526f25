//! Form posts of the citizen journey and the identity provider round trip.

use super::{error_page, form_value, parse_form, rerender, see_other};
use crate::{
    auth::{CitizenSession, session},
    citizen::live,
    citizen::service::{
        self as citizen, Resolved, SaveError, SubmitOutcome, provider_config, resolve,
    },
    crypto::{random_token, sha256_hex},
    db::entities::{auth_request, municipality},
    domain::IdentityClaim,
    error::AppError,
    identity::{IdentityError, ProviderConfig},
    state::AppState,
    ui::Feedback,
};
use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use std::collections::HashMap;

/// Binds a login attempt to the browser that started it (a foreign `state` is refused).
const STATE_COOKIE: &str = "iclefs-oidc-state";
/// A login attempt must come back within this delay.
const LOGIN_MINUTES: i64 = 10;

fn redirect_uri(state: &AppState, m: &str) -> String {
    state.settings.url(&format!("/auth/{m}/callback"))
}

/// Shows the service page again with a login error, and the status that goes with it.
async fn login_failed(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    service: &str,
    error: &IdentityError,
) -> Response {
    tracing::warn!(error = %error, municipality = %m, "citizen login failed");
    let status = match error {
        IdentityError::Unavailable(_) => StatusCode::BAD_GATEWAY,
        IdentityError::Denied(_) => StatusCode::UNAUTHORIZED,
        _ => StatusCode::BAD_REQUEST,
    };
    let lang = citizen::lang_of(state, headers, m).await;
    let feedback = Feedback {
        errors: vec![("login".to_owned(), error.message(lang).to_owned())],
        ..Feedback::default()
    };
    if service.is_empty() {
        return error_page(
            state,
            headers,
            AppError::BadRequest(error.message(lang).to_owned()),
        )
        .await;
    }
    let mut response = rerender(
        state,
        headers,
        &format!("/s/{m}/{service}"),
        feedback,
        status,
    )
    .await;
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(&state.settings, STATE_COOKIE, "", 0),
    );
    response
}

/// The published service and its municipality's identity provider, or the page to show instead.
async fn service_and_provider(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    service: &str,
) -> Result<(Resolved, ProviderConfig), Response> {
    let resolved = match resolve(&state.db, m, service).await {
        Ok(r) => r,
        Err(e) => return Err(error_page(state, headers, e).await),
    };
    let Some(row) = resolved.provider.as_ref() else {
        return Err(login_failed(state, headers, m, service, &IdentityError::NotConfigured).await);
    };
    match provider_config(state, row) {
        Ok(cfg) => Ok((resolved, cfg)),
        Err(e) => Err(error_page(state, headers, e).await),
    }
}

/// "S'identifier avec FranceConnect": stores state and nonce, then redirects to the provider
/// asking only for the claims this service needs.
pub async fn login(
    State(state): State<AppState>,
    Path(m): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let service = form_value(&form, "service").unwrap_or_default().to_owned();
    let (resolved, cfg) = match service_and_provider(&state, &headers, &m, &service).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let oidc_state = random_token(32);
    let nonce = random_token(32);
    let url = match state
        .oidc
        .authorize_url(
            &cfg,
            &redirect_uri(&state, &m),
            &resolved.claims(),
            &oidc_state,
            &nonce,
        )
        .await
    {
        Ok(url) => url,
        Err(e) => return login_failed(&state, &headers, &m, &service, &e).await,
    };
    let now = Utc::now();
    let stored = auth_request::ActiveModel {
        state_hash: Set(sha256_hex(&oidc_state)),
        municipality_id: Set(resolved.municipality.id),
        procedure_slug: Set(service),
        nonce: Set(nonce),
        pkce_verifier: Set(None),
        acr_requested: Set(cfg.preset.acr_value.unwrap_or_default().to_owned()),
        channel: Set(Some(
            crate::domain::Channel::parse(form_value(&form, "src"))
                .as_str()
                .to_owned(),
        )),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(LOGIN_MINUTES)),
    }
    .insert(&state.db)
    .await;
    if let Err(e) = stored {
        return error_page(&state, &headers, e.into()).await;
    }
    let mut response = see_other(url.as_str());
    response.headers_mut().append(
        header::SET_COOKIE,
        session::cookie(
            &state.settings,
            STATE_COOKIE,
            &oidc_state,
            LOGIN_MINUTES * 60,
        ),
    );
    response
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// The provider's redirect back: state checked before anything else, then code exchange and
/// verification; only then is a citizen session created.
pub async fn callback(
    State(state): State<AppState>,
    Path(m): Path<String>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(returned_state) = query.state.clone().filter(|s| !s.is_empty()) else {
        return login_failed(&state, &headers, &m, "", &IdentityError::BadState).await;
    };
    // Consume the pending login whatever happens next: a state is single use.
    let pending = auth_request::Entity::find_by_id(sha256_hex(&returned_state))
        .one(&state.db)
        .await;
    let pending = match pending {
        Ok(p) => p,
        Err(e) => return error_page(&state, &headers, e.into()).await,
    };
    if let Some(p) = &pending
        && let Err(e) = auth_request::Entity::delete_by_id(p.state_hash.clone())
            .exec(&state.db)
            .await
    {
        return error_page(&state, &headers, e.into()).await;
    }
    let service = pending
        .as_ref()
        .map(|p| p.procedure_slug.clone())
        .unwrap_or_default();
    let municipality = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(m.as_str()))
        .one(&state.db)
        .await
        .ok()
        .flatten();
    let cookie_state = session::read_cookie(&headers, STATE_COOKIE);
    let valid = match (&pending, &municipality) {
        (Some(p), Some(muni)) => {
            p.municipality_id == muni.id
                && p.expires_at > Utc::now()
                && cookie_state.as_deref() == Some(returned_state.as_str())
        }
        _ => false,
    };
    if !valid {
        return login_failed(&state, &headers, &m, &service, &IdentityError::BadState).await;
    }
    if let Some(error) = query.error {
        let detail = format!("{error}: {}", query.error_description.unwrap_or_default());
        return login_failed(
            &state,
            &headers,
            &m,
            &service,
            &IdentityError::Denied(detail),
        )
        .await;
    }
    let (Some(code), Some(pending)) = (query.code, pending) else {
        return login_failed(&state, &headers, &m, &service, &IdentityError::BadState).await;
    };
    let (resolved, cfg) = match service_and_provider(&state, &headers, &m, &service).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let login = match state
        .oidc
        .complete(&cfg, &redirect_uri(&state, &m), &code, &pending.nonce)
        .await
    {
        Ok(l) => l,
        Err(e) => return login_failed(&state, &headers, &m, &service, &e).await,
    };
    let granted: Vec<IdentityClaim> = resolved.claims();
    let data = CitizenSession {
        provider: cfg.preset.key.to_owned(),
        certified_by: cfg.preset.certified_by.to_owned(),
        sub: login.sub,
        acr: login.acr,
        authenticated_at: login.authenticated_at,
        identity: crate::domain::CertifiedIdentity::from_userinfo(
            &cfg.preset.to_franceconnect_shape(&login.userinfo, &granted),
            &granted,
        ),
        granted,
        id_token: login.id_token,
        last_reference: None,
        channel: crate::domain::Channel::parse(pending.channel.as_deref()),
    };
    crate::distribution::service::count_quietly(
        &state.db,
        resolved.procedure.id,
        data.channel,
        crate::distribution::service::Counter::Login,
    )
    .await;
    // A new login replaces any previous citizen session (session fixation). Run to completion:
    // a browser that goes away must not leave the session half replaced.
    let opened = {
        let (state, headers, id) = (state.clone(), headers.clone(), resolved.municipality.id);
        super::detached(async move { live::open(&state, &headers, id, &data).await }).await
    };
    let cookie = match opened {
        Ok(c) => c,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let mut response = see_other(&format!("/s/{m}/{service}/formulaire"));
    let h = response.headers_mut();
    h.append(header::SET_COOKIE, cookie);
    h.append(
        header::SET_COOKIE,
        session::cookie(&state.settings, STATE_COOKIE, "", 0),
    );
    response
}

/// Ends the local session and, when possible, the provider's (RP-initiated logout).
pub async fn logout(
    State(state): State<AppState>,
    Path(m): Path<String>,
    headers: HeaderMap,
) -> Response {
    let done = format!("/deconnexion/{m}");
    let municipality = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(m.as_str()))
        .one(&state.db)
        .await
        .ok()
        .flatten();
    let Some(muni) = municipality else {
        return error_page(&state, &headers, AppError::NotFound).await;
    };
    let current = live::current(&state, &headers)
        .await
        .ok()
        .flatten()
        .filter(|s| s.municipality_id == Some(muni.id));
    let closed = {
        let (state, headers) = (state.clone(), headers.clone());
        super::detached(async move { live::close(&state, &headers).await }).await
    };
    let clear = match closed {
        Ok(c) => c,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let provider = crate::db::entities::identity_provider_config::Entity::find()
        .filter(crate::db::entities::identity_provider_config::Column::MunicipalityId.eq(muni.id))
        .one(&state.db)
        .await
        .ok()
        .flatten();
    let mut target = done;
    if let (Some(current), Some(row)) = (current, provider)
        && let Ok(cfg) = provider_config(&state, &row)
    {
        let logout_state = random_token(32);
        let back = state.settings.url(&format!("/auth/{m}/logout-callback"));
        if let Ok(Some(url)) = state
            .oidc
            .logout_url(&cfg, &current.citizen.id_token, &back, &logout_state)
            .await
        {
            target = url.to_string();
        }
    }
    let mut response = see_other(&target);
    response.headers_mut().append(header::SET_COOKIE, clear);
    response
}

pub async fn logout_callback(
    Path(m): Path<String>,
    Query(_q): Query<HashMap<String, String>>,
) -> Response {
    see_other(&format!("/deconnexion/{m}"))
}

/// Reads a posted form: URL-encoded, or multipart when the form has a file input.
async fn read_form(
    state: &AppState,
    headers: &HeaderMap,
    request: axum::extract::Request,
) -> Result<(Vec<(String, String)>, Vec<crate::uploads::PostedFile>), AppError> {
    use axum::extract::FromRequest;
    let unreadable = || {
        AppError::BadRequest(
            "Le formulaire envoyé est illisible. Rechargez la page et réessayez.".to_owned(),
        )
    };
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| unreadable())?;
        return Ok((parse_form(headers, &body)?, Vec::new()));
    }
    let form = axum::extract::Multipart::from_request(request, state)
        .await
        .map_err(|_| unreadable())?;
    super::read_multipart(form).await.map_err(|e| match e {
        // Past the route's limit the stream fails.
        super::MultipartError::TooBig => AppError::BadRequest(
            "Le fichier envoyé est trop volumineux (10 Mo au plus).".to_owned(),
        ),
        super::MultipartError::Unreadable => unreadable(),
    })
}

pub async fn save_form(
    State(state): State<AppState>,
    Path((m, s)): Path<(String, String)>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Response {
    let (form, files) = match read_form(&state, &headers, request).await {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    // Writes run to completion even if the browser goes away (see `citizen::live`).
    let saved = {
        let (state, headers, m, s) = (state.clone(), headers.clone(), m.clone(), s.clone());
        super::to_completion(async move {
            citizen::save_form(&state, &headers, &m, &s, &form, files).await
        })
        .await
        .unwrap_or(Err(SaveError::Other(AppError::Internal)))
    };
    match saved {
        Ok(()) => see_other(&format!("/s/{m}/{s}/recapitulatif")),
        Err(SaveError::Invalid(errors)) => {
            let feedback = Feedback {
                field_errors: errors,
                ..Feedback::default()
            };
            rerender(
                &state,
                &headers,
                &format!("/s/{m}/{s}/formulaire"),
                feedback,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(SaveError::Other(AppError::Unauthorized)) => see_other(&format!("/s/{m}/{s}")),
        Err(SaveError::Other(e)) => error_page(&state, &headers, e).await,
    }
}

pub async fn submit(
    State(state): State<AppState>,
    Path((m, s)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let sent = {
        let (state, headers, m, s) = (state.clone(), headers.clone(), m.clone(), s.clone());
        super::detached(async move { citizen::submit(&state, &headers, &m, &s).await }).await
    };
    match sent {
        Ok(SubmitOutcome::Created(_)) => see_other(&format!("/s/{m}/{s}/confirmation")),
        Ok(SubmitOutcome::AlreadySent(reference)) => {
            let lang = citizen::lang_of(&state, &headers, &m).await;
            let feedback = Feedback {
                errors: vec![(
                    "form".to_owned(),
                    crate::i18n::catalogue::DUPLICATE_SEND.with(lang, &[("reference", &reference)]),
                )],
                ..Feedback::default()
            };
            rerender(
                &state,
                &headers,
                &format!("/s/{m}/{s}/confirmation"),
                feedback,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(AppError::Unauthorized) => see_other(&format!("/s/{m}/{s}")),
        Err(e) => error_page(&state, &headers, e).await,
    }
}

pub async fn discard(
    State(state): State<AppState>,
    Path((m, s)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let discarded = {
        let (state, headers, m, s) = (state.clone(), headers.clone(), m.clone(), s.clone());
        super::detached(async move { citizen::discard(&state, &headers, &m, &s).await }).await
    };
    match discarded {
        Ok(()) => {
            let lang = citizen::lang_of(&state, &headers, &m).await;
            let feedback = Feedback {
                errors: vec![(
                    "notice".to_owned(),
                    crate::i18n::catalogue::DISCARDED.get(lang).to_owned(),
                )],
                ..Feedback::default()
            };
            // Shown with the notice style of the landing page.
            rerender(
                &state,
                &headers,
                &format!("/s/{m}/{s}"),
                feedback,
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Unauthorized) => see_other(&format!("/s/{m}/{s}")),
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// The receipt of the request just sent (PDF download).
pub async fn receipt(
    State(state): State<AppState>,
    Path((m, s)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    match citizen::receipt(&state, &headers, &m, &s).await {
        Ok((filename, pdf)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            pdf,
        )
            .into_response(),
        Err(AppError::Unauthorized) => see_other(&format!("/s/{m}/{s}")),
        Err(e) => error_page(&state, &headers, e).await,
    }
}
