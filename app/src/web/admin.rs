//! Form posts of the admin console.

use super::{error_page, form_value, parse_form, rerender, see_other};
use crate::{
    auth::{self, CurrentAdmin, SessionKind, session},
    domain::{FieldDefinition, SubmissionStatus},
    error::AppError,
    procedures::service::{self as procedures, NewProcedure},
    state::AppState,
    ui::Feedback,
};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub(crate) async fn require_admin(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CurrentAdmin, Response> {
    match auth::admin::current(&state.db, &state.settings, headers).await {
        Ok(admin) => Ok(admin),
        Err(AppError::Unauthorized) => Err(see_other("/admin/login")),
        Err(e) => Err(error_page(state, headers, e).await),
    }
}

/// The current admin if they own the municipality; otherwise the response refusing them.
pub(crate) async fn require_owner(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CurrentAdmin, Response> {
    let admin = require_admin(state, headers).await?;
    if !admin.is_owner() {
        return Err(error_page(state, headers, AppError::Forbidden).await);
    }
    Ok(admin)
}

/// Re-renders a console form refused with `errors`, keeping what was typed; the checked values
/// of the multi-valued field `multi` are kept joined by commas.
pub(crate) async fn refused_form(
    state: &AppState,
    headers: &HeaderMap,
    page: &str,
    form: &[(String, String)],
    multi: &str,
    errors: Vec<(String, String)>,
) -> Response {
    let mut kept: std::collections::BTreeMap<String, String> = form
        .iter()
        .filter(|(k, _)| k != multi)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let checked: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == multi)
        .map(|(_, v)| v.as_str())
        .collect();
    kept.insert(multi.to_owned(), checked.join(","));
    let feedback = Feedback {
        errors,
        values: kept,
        ..Feedback::default()
    };
    rerender(
        state,
        headers,
        page,
        feedback,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn values(form: &[(String, String)]) -> std::collections::BTreeMap<String, String> {
    form.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

pub async fn login(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let email = form_value(&form, "email").unwrap_or_default();
    let password = form_value(&form, "password").unwrap_or_default();
    let user = match auth::admin::verify_credentials(&state.db, email, password).await {
        Ok(user) => user,
        Err(AppError::Validation(message)) => {
            let feedback = Feedback {
                errors: vec![("form".to_owned(), message)],
                values: [("email".to_owned(), email.to_owned())].into(),
                ..Feedback::default()
            };
            return rerender(
                &state,
                &headers,
                "/admin/login",
                feedback,
                StatusCode::UNAUTHORIZED,
            )
            .await;
        }
        Err(e) => return error_page(&state, &headers, e).await,
    };
    match auth::admin::open_session(&state.db, &state.settings, &user).await {
        Ok(cookie) => {
            tracing::info!(admin.id = %user.id, "admin logged in");
            let mut response = see_other("/admin");
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// Ends the agent's session here, then at ProConnect when the session came from there.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let data = session::load(&state.db, &state.settings, &headers, SessionKind::Admin)
        .await
        .ok()
        .flatten()
        .map(|s| s.data);
    let provider_logout = match &data {
        Some(d) => auth::proconnect::logout_url(&state, d).await,
        None => None,
    };
    match session::destroy(&state.db, &state.settings, &headers, SessionKind::Admin).await {
        Ok(cookie) => {
            let target =
                provider_logout.map_or_else(|| "/admin/login".to_owned(), |u| u.to_string());
            let mut response = see_other(&target);
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// Refused ProConnect login: the login page again, with the reason.
async fn proconnect_refused(
    state: &AppState,
    headers: &HeaderMap,
    error: &auth::proconnect::AgentLoginError,
) -> Response {
    tracing::warn!(error = %error, "ProConnect login refused");
    let feedback = Feedback {
        errors: vec![("form".to_owned(), error.message_fr())],
        ..Feedback::default()
    };
    let status = match error {
        auth::proconnect::AgentLoginError::NoAccount(_) => StatusCode::FORBIDDEN,
        auth::proconnect::AgentLoginError::Identity(
            crate::identity::IdentityError::Unavailable(_),
        ) => StatusCode::BAD_GATEWAY,
        _ => StatusCode::BAD_REQUEST,
    };
    rerender(state, headers, "/admin/login", feedback, status).await
}

/// "S'identifier avec ProConnect": to ProConnect, with the state bound to this browser.
pub async fn proconnect_login(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.settings.proconnect.is_none() {
        return error_page(&state, &headers, AppError::NotFound).await;
    }
    match auth::proconnect::start(&state).await {
        Ok((url, oidc_state)) => {
            let mut response = see_other(url.as_str());
            response.headers_mut().append(
                header::SET_COOKIE,
                session::cookie(
                    &state.settings,
                    auth::proconnect::STATE_COOKIE,
                    &oidc_state,
                    auth::proconnect::LOGIN_MINUTES * 60,
                ),
            );
            response
        }
        Err(e) => proconnect_refused(&state, &headers, &e).await,
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ProConnectCallback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// ProConnect's redirect back.
pub async fn proconnect_callback(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<ProConnectCallback>,
    headers: HeaderMap,
) -> Response {
    if state.settings.proconnect.is_none() {
        return error_page(&state, &headers, AppError::NotFound).await;
    }
    let cookie_state = session::read_cookie(&headers, auth::proconnect::STATE_COOKIE);
    let back = auth::proconnect::Callback {
        state: query.state.as_deref(),
        cookie_state: cookie_state.as_deref(),
        code: query.code.as_deref(),
        error: query.error.as_deref(),
    };
    match auth::proconnect::finish(&state, back).await {
        Ok((_, cookie)) => {
            let mut response = see_other("/admin");
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(e) => proconnect_refused(&state, &headers, &e).await,
    }
}

pub async fn create_service(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let claims: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "claims")
        .map(|(_, v)| v.clone())
        .collect();
    let input = NewProcedure {
        title: form_value(&form, "title").unwrap_or_default().to_owned(),
        description: form_value(&form, "description")
            .unwrap_or_default()
            .to_owned(),
        claims: claims.clone(),
    };
    match procedures::create(&state, &admin, input).await {
        Ok(id) => see_other(&format!("/admin/services/{id}")),
        Err(errors) => {
            let mut values = values(&form);
            values.insert("claims".to_owned(), claims.join(","));
            let feedback = Feedback {
                errors: errors.into_iter().map(|(k, m)| (k.to_owned(), m)).collect(),
                values,
                ..Feedback::default()
            };
            rerender(
                &state,
                &headers,
                "/admin/services/new",
                feedback,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub(crate) fn parse_uuid(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

pub async fn add_field(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (id, form) = match (parse_uuid(&id), parse_form(&headers, &body)) {
        (Ok(id), Ok(form)) => (id, form),
        (Err(e), _) | (_, Err(e)) => return error_page(&state, &headers, e).await,
    };
    let parsed = FieldDefinition::parse_new(
        Uuid::now_v7(),
        form_value(&form, "kind").unwrap_or_default(),
        form_value(&form, "label").unwrap_or_default(),
        form_value(&form, "help").unwrap_or_default(),
        form_value(&form, "required").is_some(),
        form_value(&form, "options").unwrap_or_default(),
    );
    let path = format!("/admin/services/{id}");
    let field = parsed.and_then(|mut field| {
        let v = |name| form_value(&form, name).unwrap_or_default();
        let input = crate::domain::rules::RulesInput {
            min: v("min"),
            max: v("max"),
            integer: form_value(&form, "integer").is_some(),
            date_min: v("date_min"),
            date_max: v("date_max"),
            past_only: form_value(&form, "past_only").is_some(),
            min_selected: v("min_selected"),
            max_selected: v("max_selected"),
            pattern: v("pattern"),
            pattern_message: v("pattern_message"),
            max_size_mb: v("max_size_mb"),
            as_list: form_value(&form, "as_list").is_some(),
        };
        field.rules =
            crate::domain::rules::FieldRules::parse(field.kind, field.options.len(), &input)?;
        field.condition = condition_from(&form).map_err(|e| vec![("condition_field", e)])?;
        Ok(field)
    });
    let field = match field {
        Ok(f) => f,
        Err(errors) => {
            let feedback = Feedback {
                errors: errors.into_iter().map(|(k, m)| (k.to_owned(), m)).collect(),
                values: values(&form),
                ..Feedback::default()
            };
            return rerender(
                &state,
                &headers,
                &path,
                feedback,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let has_condition = field.condition.is_some();
    match procedures::add_field(&state, &admin, id, field).await {
        Ok(()) => see_other(&path),
        Err(AppError::Validation(m)) => {
            let at = if has_condition {
                "condition_field"
            } else {
                "label"
            };
            let feedback = Feedback {
                errors: vec![(at.to_owned(), m)],
                values: values(&form),
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

/// The condition typed in the builder: up to two rules joined by "et" or "ou". No question
/// picked means no condition. Whether the rules fit the earlier questions is checked by the
/// service, which knows them.
fn condition_from(
    form: &[(String, String)],
) -> Result<Option<crate::domain::rules::Condition>, String> {
    use crate::domain::rules::{Condition, ConditionOp, ConditionRule};
    let mut rules = Vec::new();
    for prefix in ["condition", "condition2"] {
        let field = form_value(form, &format!("{prefix}_field")).unwrap_or_default();
        if field.trim().is_empty() {
            continue;
        }
        let field = Uuid::parse_str(field.trim())
            .map_err(|_| "Choisissez la question dont dépend ce champ dans la liste.".to_owned())?;
        let op = form_value(form, &format!("{prefix}_op"))
            .and_then(ConditionOp::parse)
            .ok_or_else(|| "Choisissez comment comparer la réponse.".to_owned())?;
        rules.push(ConditionRule {
            field,
            op,
            value: form_value(form, &format!("{prefix}_value"))
                .unwrap_or_default()
                .trim()
                .to_owned(),
        });
    }
    Ok((!rules.is_empty()).then(|| Condition {
        any: form_value(form, "condition_join") == Some("any"),
        rules,
    }))
}

/// `POST /admin/services/{id}/fields/{stable_id}/{action}`: the builder's buttons on one field —
/// remove (`delete`, undone by `restore` until publication), move (`up`, `down`), `duplicate`.
/// Plain forms, so they work with the keyboard, the mouse and without script alike.
pub async fn field_action(
    State(state): State<AppState>,
    Path((id, stable_id, action)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (id, sid) = match (parse_uuid(&id), parse_uuid(&stable_id)) {
        (Ok(id), Ok(sid)) => (id, sid),
        (Err(e), _) | (_, Err(e)) => return error_page(&state, &headers, e).await,
    };
    let result = match action.as_str() {
        "delete" => procedures::delete_field(&state, &admin, id, sid).await,
        "restore" => procedures::restore_field(&state, &admin, id, sid).await,
        "up" => procedures::move_field(&state, &admin, id, sid, procedures::Move::Up).await,
        "down" => procedures::move_field(&state, &admin, id, sid, procedures::Move::Down).await,
        "duplicate" => procedures::duplicate_field(&state, &admin, id, sid).await,
        _ => Err(AppError::NotFound),
    };
    let path = format!("/admin/services/{id}");
    match result {
        // The anchor brings the keyboard user back to the field they acted on.
        Ok(()) if action == "delete" => see_other(&format!("{path}?retire={sid}#champs-retires")),
        Ok(()) => see_other(&format!("{path}#champ-{sid}")),
        Err(e @ AppError::Conflict(_)) => {
            let feedback = Feedback {
                errors: vec![("fields".to_owned(), e.to_string())],
                ..Feedback::default()
            };
            rerender(&state, &headers, &path, feedback, StatusCode::CONFLICT).await
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

async fn state_change(state: AppState, id: String, headers: HeaderMap, publish: bool) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match parse_uuid(&id) {
        Ok(id) => id,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let result = if publish {
        procedures::publish(&state, &admin, id).await
    } else {
        procedures::close(&state, &admin, id).await
    };
    let path = format!("/admin/services/{id}");
    match result {
        Ok(()) => see_other(&path),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::CONFLICT);
            let feedback = Feedback {
                errors: vec![("publish-title".to_owned(), e.to_string())],
                ..Feedback::default()
            };
            rerender(&state, &headers, &path, feedback, status).await
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

pub async fn publish(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    state_change(state, id, headers, true).await
}

pub async fn close(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    state_change(state, id, headers, false).await
}

pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let parsed = parse_uuid(&id).and_then(|id| {
        let form = parse_form(&headers, &body)?;
        let target = SubmissionStatus::parse(form_value(&form, "status").unwrap_or_default())?;
        Ok((id, target))
    });
    let (id, target) = match parsed {
        Ok(p) => p,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let path = format!("/admin/submissions/{id}");
    match crate::inbox::service::set_status(&state, &admin, id, target).await {
        Ok(()) => see_other(&path),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let feedback = Feedback {
                errors: vec![("form".to_owned(), e.to_string())],
                ..Feedback::default()
            };
            rerender(&state, &headers, &path, feedback, StatusCode::CONFLICT).await
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

/// Saves the municipality's settings (owners only); a colour that fails the contrast check is
/// refused with the measured ratio.
pub async fn save_settings(
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
    let mut errors = Vec::new();
    let color =
        crate::domain::AccentColor::parse(form_value(&form, "accent_color").unwrap_or_default())
            .map_err(|e| errors.push(("accent_color".to_owned(), e.0)))
            .ok();
    // The mail fields are optional in the post (a form may update only the colour).
    let mail_section = form_value(&form, "notification_email").is_some();
    let recipients = form_value(&form, "notification_email")
        .map(crate::notifications::service::parse_recipients)
        .transpose()
        .map_err(|e| errors.push(("notification_email".to_owned(), e)))
        .ok();
    let sender = form_value(&form, "mail_from")
        .map(crate::notifications::service::parse_sender)
        .transpose()
        .map_err(|e| errors.push(("mail_from".to_owned(), e)))
        .ok();
    // The privacy fields too (absent: unchanged).
    let privacy_section = form_value(&form, "retention_months").is_some();
    let retention = form_value(&form, "retention_months")
        .map(crate::domain::privacy::RetentionMonths::parse)
        .transpose()
        .map_err(|e| errors.push(("retention_months".to_owned(), e.0)))
        .ok();
    let dpo = crate::domain::privacy::DpoContact::parse(
        form_value(&form, "dpo_contact").unwrap_or_default(),
    )
    .map_err(|e| errors.push(("dpo_contact".to_owned(), e.0)))
    .ok();
    let (Some(color), Some(recipients), Some(sender), Some(retention), Some(dpo)) =
        (color, recipients, sender, retention, dpo)
    else {
        let feedback = Feedback {
            errors,
            values: values(&form),
            ..Feedback::default()
        };
        return rerender(
            &state,
            &headers,
            "/admin/settings",
            feedback,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    use crate::db::entities::municipality;
    use sea_orm::sea_query::Expr;
    let mut update = municipality::Entity::update_many().col_expr(
        municipality::Column::AccentColor,
        Expr::value(color.to_string()),
    );
    if let Some(recipients) = recipients {
        update = update.col_expr(
            municipality::Column::NotificationEmail,
            Expr::value(recipients),
        );
    }
    if let Some(sender) = sender {
        update = update.col_expr(municipality::Column::MailFrom, Expr::value(sender));
    }
    if let (true, Some(retention)) = (privacy_section, retention) {
        update = update
            .col_expr(
                municipality::Column::RetentionMonths,
                Expr::value(i32::from(retention.months())),
            )
            .col_expr(
                municipality::Column::DpoContact,
                Expr::value(dpo.map(|d| d.as_str().to_owned())),
            );
    }
    if mail_section {
        let with_answers = form_value(&form, "notice_includes_answers") == Some("1");
        update = update.col_expr(
            municipality::Column::NoticeIncludesAnswers,
            Expr::value(with_answers),
        );
    }
    let updated = update
        .filter(municipality::Column::Id.eq(admin.municipality_id))
        .exec(&state.db)
        .await;
    match updated {
        Ok(_) => see_other("/admin/settings?enregistre=1"),
        Err(e) => error_page(&state, &headers, e.into()).await,
    }
}

/// The notify form: `action=preview` shows the rendered mail; `action=send` queues it.
pub async fn notify_citizen(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::notifications::service::{self as mail, CitizenMessage};
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (id, form) = match parse_uuid(&id).and_then(|id| Ok((id, parse_form(&headers, &body)?))) {
        Ok(p) => p,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let path = format!("/admin/submissions/{id}");
    let sending = form_value(&form, "action") == Some("send");
    let result = match CitizenMessage::parse(form_value(&form, "message").unwrap_or_default()) {
        Ok(message) if sending => mail::send_citizen_notification(&state, &admin, id, &message)
            .await
            .map(|()| None),
        Ok(message) => mail::preview_citizen_notification(&state, &admin, id, &message)
            .await
            .map(Some),
        Err(e) => Err(e),
    };
    match result {
        Ok(None) => see_other(&format!("{path}?notifie=1")),
        Ok(Some(preview)) => {
            let feedback = Feedback {
                values: values(&form),
                preview: Some(preview),
                ..Feedback::default()
            };
            rerender(&state, &headers, &path, feedback, StatusCode::OK).await
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
            let feedback = Feedback {
                errors: vec![("message".to_owned(), e.to_string())],
                values: values(&form),
                ..Feedback::default()
            };
            rerender(&state, &headers, &path, feedback, status).await
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}

/// The template editor's form: preview, save (only if it renders) or reset to the default.
pub async fn template_action(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::notifications::{
        service::{self as mail, SaveTemplateError},
        templates::TemplateSource,
    };
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let parsed = mail::editable_kind(&kind).and_then(|k| Ok((k, parse_form(&headers, &body)?)));
    let (kind, form) = match parsed {
        Ok(p) => p,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let path = format!("/admin/courriels/{}", kind.as_str());
    let source = TemplateSource {
        subject: form_value(&form, "subject").unwrap_or_default().to_owned(),
        text: form_value(&form, "text").unwrap_or_default().to_owned(),
        html: form_value(&form, "html").map(str::to_owned),
    };
    let refused = |error: crate::notifications::templates::TemplateError| Feedback {
        errors: vec![(error.part.field().to_owned(), error.message)],
        values: values(&form),
        ..Feedback::default()
    };
    let action = form_value(&form, "action");
    if matches!(action, Some("reset" | "save")) && !admin.is_owner() {
        return error_page(&state, &headers, AppError::Forbidden).await;
    }
    match action {
        Some("reset") => match mail::reset_template(&state, &admin, kind).await {
            Ok(()) => see_other("/admin/courriels?enregistre=1"),
            Err(e) => error_page(&state, &headers, e).await,
        },
        Some("save") => match mail::save_template(&state, &admin, kind, source).await {
            Ok(()) => see_other("/admin/courriels?enregistre=1"),
            Err(SaveTemplateError::Invalid(error)) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                rerender(&state, &headers, &path, refused(error), status).await
            }
            Err(SaveTemplateError::App(e)) => error_page(&state, &headers, e).await,
        },
        _ => match mail::preview_template(&admin, kind, &source) {
            Ok(preview) => {
                let feedback = Feedback {
                    values: values(&form),
                    preview: Some(preview),
                    ..Feedback::default()
                };
                rerender(&state, &headers, &path, feedback, StatusCode::OK).await
            }
            Err(error) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                rerender(&state, &headers, &path, refused(error), status).await
            }
        },
    }
}

/// An owner invites an agent by email.
pub async fn invite_agent(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::auth::invitations::{self, InviteError};
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let email = form_value(&form, "invite_email").unwrap_or_default();
    let name = form_value(&form, "invite_name").unwrap_or_default();
    match invitations::invite(&state, &admin, email, name).await {
        Ok(()) => see_other("/admin/settings?invite=1"),
        Err(InviteError::Invalid(errors)) => {
            let feedback = Feedback {
                errors,
                values: values(&form),
                ..Feedback::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            rerender(&state, &headers, "/admin/settings", feedback, status).await
        }
        Err(InviteError::App(e)) => error_page(&state, &headers, e).await,
    }
}

/// The invited agent's password form.
pub async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    use crate::auth::invitations::{self, InviteError};
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    let password = form_value(&form, "password").unwrap_or_default();
    let confirm = form_value(&form, "confirm").unwrap_or_default();
    match invitations::accept(&state, &token, password, confirm).await {
        Ok(cookie) => {
            let mut response = see_other("/admin");
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(InviteError::Invalid(errors)) => {
            // Passwords are never echoed back.
            let feedback = Feedback {
                errors,
                ..Feedback::default()
            };
            let path = format!("/admin/invitation/{token}");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            rerender(&state, &headers, &path, feedback, status).await
        }
        Err(InviteError::App(e)) => error_page(&state, &headers, e).await,
    }
}

/// Saves the municipality's identity provider (owners only); a refused form comes back with its
/// errors and every value but the secret.
pub async fn save_identity(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let admin = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = match parse_form(&headers, &body) {
        Ok(f) => f,
        Err(e) => return error_page(&state, &headers, e).await,
    };
    match crate::providers::service::save(&state, &admin, &form).await {
        Ok(Ok(())) => see_other("/admin/identite?enregistre=1"),
        Ok(Err(errors)) => {
            let mut values = values(&form);
            values.remove("client_secret");
            let feedback = Feedback {
                errors,
                values,
                ..Feedback::default()
            };
            rerender(
                &state,
                &headers,
                "/admin/identite",
                feedback,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(&state, &headers, e).await,
    }
}
