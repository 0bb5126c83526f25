//! Webhook endpoints (create with a secret shown once, enable/disable, delete), event emission
//! in the caller's transaction, replays, and the console's data. Every query carries the
//! municipality of the session; another municipality's endpoint or delivery is `NotFound`.

use super::{
    signing::WebhookSecret,
    target::{TargetPolicy, TargetUrl},
    types::{DeliveryLine, DeliveryState, EndpointLine, EventType, WebhooksConsole},
};
use crate::{
    api::tokens::FormErrors,
    auth::CurrentAdmin,
    db::entities::{submission, webhook_delivery, webhook_endpoint},
    error::{AppError, AppResult},
    inbox::service::display_time,
    state::AppState,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

/// Most endpoints per municipality.
pub const MAX_ENDPOINTS: u64 = 10;
/// Longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 200;
/// Deliveries shown in the console's log.
pub const LOG_LINES: u64 = 50;

/// The console's "new endpoint" form, parsed.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub url: TargetUrl,
    pub description: String,
    pub events: Vec<EventType>,
}

impl NewEndpoint {
    pub fn parse(
        url: &str,
        description: &str,
        events: &[&str],
        policy: TargetPolicy,
    ) -> Result<Self, FormErrors> {
        let mut errors = FormErrors::new();
        let url = TargetUrl::parse(url, policy)
            .map_err(|m| errors.push(("url".to_owned(), m)))
            .ok();
        let description = description.trim();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.push((
                "description".to_owned(),
                format!("{MAX_DESCRIPTION_CHARS} caractères au plus."),
            ));
        }
        let mut parsed: Vec<EventType> = Vec::new();
        for raw in events {
            match EventType::parse(raw) {
                Some(e) if !parsed.contains(&e) => parsed.push(e),
                Some(_) => {}
                None => {
                    errors.push(("events".to_owned(), "Événement inconnu.".to_owned()));
                    break;
                }
            }
        }
        if parsed.is_empty() && !errors.iter().any(|(k, _)| k == "events") {
            errors.push((
                "events".to_owned(),
                "Choisissez au moins un événement à recevoir.".to_owned(),
            ));
        }
        match url {
            Some(url) if errors.is_empty() => Ok(Self {
                url,
                description: description.to_owned(),
                events: parsed,
            }),
            _ => Err(errors),
        }
    }
}

fn form_error(e: impl Into<AppError>) -> FormErrors {
    vec![("form".to_owned(), e.into().to_string())]
}

/// Saves an endpoint of the admin's municipality; returns its secret, to be shown once.
pub async fn create(
    state: &AppState,
    admin: &CurrentAdmin,
    input: NewEndpoint,
) -> Result<WebhookSecret, FormErrors> {
    let policy = state.settings.webhook_targets;
    input
        .url
        .check_resolution(policy)
        .await
        .map_err(|m| vec![("url".to_owned(), m)])?;
    let existing = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::MunicipalityId.eq(admin.municipality_id))
        .count(&state.db)
        .await
        .map_err(form_error)?;
    if existing >= MAX_ENDPOINTS {
        return Err(vec![(
            "url".to_owned(),
            format!("{MAX_ENDPOINTS} adresses au plus par commune : supprimez-en une d'abord."),
        )]);
    }
    let secret = WebhookSecret::generate();
    let id = Uuid::now_v7();
    let events: Vec<&str> = input.events.iter().map(|e| e.as_str()).collect();
    webhook_endpoint::ActiveModel {
        id: Set(id),
        municipality_id: Set(admin.municipality_id),
        url: Set(input.url.as_str().to_owned()),
        description: Set(input.description),
        events: Set(json!(events)),
        secret_encrypted: Set(state.settings.secret_key.encrypt(&secret.encode())),
        enabled: Set(true),
        created_at: Set(Utc::now()),
        created_by: Set(format!("{} ({})", admin.display_name, admin.email)),
    }
    .insert(&state.db)
    .await
    .map_err(form_error)?;
    tracing::info!(webhook.id = %id, admin.id = %admin.admin_id, "webhook endpoint created");
    Ok(secret)
}

async fn owned_endpoint(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> AppResult<webhook_endpoint::Model> {
    webhook_endpoint::Entity::find_by_id(id)
        .filter(webhook_endpoint::Column::MunicipalityId.eq(admin.municipality_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Pauses or resumes an endpoint: a paused one receives no new event (nothing is queued for it).
pub async fn set_enabled(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    enabled: bool,
) -> AppResult<()> {
    let endpoint = owned_endpoint(state, admin, id).await?;
    webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Enabled, Expr::value(enabled))
        .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
        .filter(webhook_endpoint::Column::MunicipalityId.eq(admin.municipality_id))
        .exec(&state.db)
        .await?;
    tracing::info!(webhook.id = %id, admin.id = %admin.admin_id, enabled, "webhook endpoint changed");
    Ok(())
}

/// Deletes an endpoint and its delivery log.
pub async fn delete(state: &AppState, admin: &CurrentAdmin, id: Uuid) -> AppResult<()> {
    let endpoint = owned_endpoint(state, admin, id).await?;
    let txn = crate::db::begin_write(&state.db).await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id))
        .exec(&txn)
        .await?;
    webhook_endpoint::Entity::delete_many()
        .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
        .filter(webhook_endpoint::Column::MunicipalityId.eq(admin.municipality_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(webhook.id = %id, admin.id = %admin.admin_id, "webhook endpoint deleted");
    Ok(())
}

/// Queues a new delivery of the same message (same `webhook-id`, same body, signed afresh).
pub async fn replay(state: &AppState, admin: &CurrentAdmin, delivery_id: Uuid) -> AppResult<()> {
    let original = webhook_delivery::Entity::find_by_id(delivery_id)
        .filter(webhook_delivery::Column::MunicipalityId.eq(admin.municipality_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let endpoint = owned_endpoint(state, admin, original.endpoint_id).await?;
    if !endpoint.enabled {
        return Err(AppError::Conflict(
            "Cette adresse est en pause : réactivez-la avant de renvoyer une notification."
                .to_owned(),
        ));
    }
    let now = Utc::now();
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        replay_of: Set(Some(original.id)),
        status: Set(DeliveryState::Queued.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_attempt_at: Set(None),
        last_status_code: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
        municipality_id: Set(original.municipality_id),
        endpoint_id: Set(original.endpoint_id),
        message_id: Set(original.message_id),
        event_type: Set(original.event_type),
        payload: Set(original.payload),
    }
    .insert(&state.db)
    .await?;
    tracing::info!(webhook.delivery = %delivery_id, admin.id = %admin.admin_id, "webhook replay queued");
    Ok(())
}

/// The `data` of a submission event: identifiers, status and times, never personal data (the
/// receiver fetches the submission through the API, with a token, if it needs more).
pub fn submission_data(s: &submission::Model) -> Value {
    json!({
        "id": s.id,
        "service_id": s.procedure_id,
        "reference": s.reference,
        "status": s.status,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "processed_at": s.processed_at,
    })
}

/// Announces an event to the municipality's enabled endpoints that asked for it, in the caller's
/// transaction. Returns how many deliveries were queued.
pub async fn emit<C: ConnectionTrait>(
    conn: &C,
    municipality_id: Uuid,
    event: EventType,
    data: Value,
    at: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::MunicipalityId.eq(municipality_id))
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .all(conn)
        .await?;
    let wanted: Vec<_> = endpoints
        .into_iter()
        .filter(|e| {
            e.events
                .as_array()
                .is_some_and(|list| list.iter().any(|v| v.as_str() == Some(event.as_str())))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    let message_id = format!("msg_{}", Uuid::now_v7().simple());
    let payload = json!({ "type": event.as_str(), "timestamp": at, "data": data });
    for endpoint in &wanted {
        webhook_delivery::ActiveModel {
            id: Set(Uuid::now_v7()),
            municipality_id: Set(municipality_id),
            endpoint_id: Set(endpoint.id),
            message_id: Set(message_id.clone()),
            event_type: Set(event.as_str().to_owned()),
            payload: Set(payload.clone()),
            status: Set(DeliveryState::Queued.as_str().to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(at),
            last_attempt_at: Set(None),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(at),
            delivered_at: Set(None),
            replay_of: Set(None),
        }
        .insert(conn)
        .await?;
    }
    Ok(wanted.len())
}

fn delivery_line(d: webhook_delivery::Model, urls: &HashMap<Uuid, String>) -> DeliveryLine {
    let state = DeliveryState::parse(&d.status);
    let last_outcome = d
        .last_attempt_at
        .map(|at| match (d.last_status_code, &d.last_error) {
            (Some(code), None) => format!("HTTP {code}, le {}", display_time(at)),
            (Some(code), Some(e)) => format!("HTTP {code} : {e} (le {})", display_time(at)),
            (None, Some(e)) => format!("{e} (le {})", display_time(at)),
            (None, None) => format!("Essai le {}", display_time(at)),
        });
    DeliveryLine {
        id: d.id,
        endpoint_url: urls.get(&d.endpoint_id).cloned().unwrap_or_default(),
        reference: d
            .payload
            .pointer("/data/reference")
            .and_then(Value::as_str)
            .map(str::to_owned),
        event: EventType::parse(&d.event_type)
            .map_or_else(|| d.event_type.clone(), |e| e.as_str().to_owned()),
        state: state.map_or("?", DeliveryState::label).to_owned(),
        failed: state == Some(DeliveryState::Failed),
        attempts: d.attempts,
        created: display_time(d.created_at),
        next_attempt: (state == Some(DeliveryState::Queued))
            .then(|| display_time(d.next_attempt_at)),
        is_replay: d.replay_of.is_some(),
        message_id: d.message_id,
        last_outcome,
    }
}

/// The console's webhooks page data.
pub async fn console(state: &AppState, admin: &CurrentAdmin) -> AppResult<WebhooksConsole> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::MunicipalityId.eq(admin.municipality_id))
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(&state.db)
        .await?;
    let urls: HashMap<Uuid, String> = endpoints.iter().map(|e| (e.id, e.url.clone())).collect();
    let deliveries = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::MunicipalityId.eq(admin.municipality_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(LOG_LINES)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|d| delivery_line(d, &urls))
        .collect();
    Ok(WebhooksConsole {
        is_owner: admin.is_owner(),
        allows_private_targets: state.settings.webhook_targets == TargetPolicy::AllowPrivate,
        endpoints: endpoints
            .into_iter()
            .map(|e| EndpointLine {
                id: e.id,
                events: e
                    .events
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(Value::as_str)
                            .filter_map(EventType::parse)
                            .map(|ev| ev.as_str().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
                url: e.url,
                description: e.description,
                enabled: e.enabled,
                created: format!("{} par {}", display_time(e.created_at), e.created_by),
            })
            .collect(),
        deliveries,
    })
}
