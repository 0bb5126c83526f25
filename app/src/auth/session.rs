//! Server-side sessions: the cookie holds a 256-bit random token, the database holds its SHA-256
//! and the data. Idle expiry slides on each use; logging out deletes the row.

use crate::{
    crypto::{random_token, sha256_hex},
    db::entities::session,
    domain::{CertifiedIdentity, IdentityClaim},
    error::AppResult,
    state::Settings,
};
use chrono::{Duration, Utc};
use http::{HeaderMap, HeaderValue, header};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Admin,
    Citizen,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Citizen => "citizen",
        }
    }

    /// Cookie name; `__Host-` pins the cookie to this origin when served over HTTPS.
    pub fn cookie_name(self, settings: &Settings) -> &'static str {
        match (self, settings.secure_cookies()) {
            (Self::Admin, true) => "__Host-iclefs-admin",
            (Self::Admin, false) => "iclefs-admin",
            (Self::Citizen, true) => "__Host-iclefs-citizen",
            (Self::Citizen, false) => "iclefs-citizen",
        }
    }

    fn idle(self, settings: &Settings) -> Duration {
        Duration::minutes(match self {
            Self::Admin => settings.admin_idle_minutes,
            Self::Citizen => settings.citizen_idle_minutes,
        })
    }
}

/// What a citizen session remembers: the verified identity, for one municipality.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CitizenSession {
    pub provider: String,
    pub certified_by: String,
    pub sub: String,
    pub acr: String,
    pub authenticated_at: chrono::DateTime<Utc>,
    /// The claims the provider was asked for; a service needing more triggers a new login.
    pub granted: Vec<IdentityClaim>,
    pub identity: CertifiedIdentity,
    pub id_token: String,
    /// Reference of the last submission, shown on the confirmation page.
    #[serde(default)]
    pub last_reference: Option<String>,
    /// The channel the citizen came through, for the per-channel counters.
    #[serde(default = "direct")]
    pub channel: crate::domain::Channel,
}

fn direct() -> crate::domain::Channel {
    crate::domain::Channel::Direct
}

/// Reads a cookie value from request headers.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `Set-Cookie` value: HttpOnly, SameSite=Lax (Strict would drop it on the identity provider's
/// redirect back), Secure over HTTPS. `max_age` 0 deletes the cookie.
pub fn cookie(settings: &Settings, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// Who a new session belongs to.
#[derive(Debug, Clone)]
pub enum Owner {
    Admin {
        municipality_id: Uuid,
        admin_user_id: Uuid,
    },
    /// A citizen of one municipality, named by the identity provider's subject.
    Citizen {
        municipality_id: Uuid,
        subject: String,
    },
}

impl Owner {
    fn kind(&self) -> SessionKind {
        match self {
            Self::Admin { .. } => SessionKind::Admin,
            Self::Citizen { .. } => SessionKind::Citizen,
        }
    }
}

/// Creates a session; returns its row and the cookie to set.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    owner: Owner,
    data: serde_json::Value,
) -> AppResult<(session::Model, HeaderValue)> {
    let kind = owner.kind();
    let (municipality_id, admin_user_id, subject) = match owner {
        Owner::Admin {
            municipality_id,
            admin_user_id,
        } => (municipality_id, Some(admin_user_id), None),
        Owner::Citizen {
            municipality_id,
            subject,
        } => (municipality_id, None, Some(subject)),
    };
    let token = random_token(32);
    let now = Utc::now();
    let row = session::ActiveModel {
        id: Set(sha256_hex(&token)),
        kind: Set(kind.as_str().to_owned()),
        municipality_id: Set(Some(municipality_id)),
        admin_user_id: Set(admin_user_id),
        subject: Set(subject),
        data: Set(data),
        created_at: Set(now),
        expires_at: Set(now + kind.idle(settings)),
    }
    .insert(db)
    .await?;
    let cookie = cookie(
        settings,
        kind.cookie_name(settings),
        &token,
        kind.idle(settings).num_seconds(),
    );
    Ok((row, cookie))
}

/// The database key of the session of this kind named by the request's cookie, if any.
pub fn key(headers: &HeaderMap, settings: &Settings, kind: SessionKind) -> Option<String> {
    read_cookie(headers, kind.cookie_name(settings)).map(|token| sha256_hex(&token))
}

/// The query for the session of this kind named by the request's cookie (`None` without the
/// cookie). Callers may join to it; the row read must then go through [`keep_alive`].
pub fn by_cookie(
    headers: &HeaderMap,
    settings: &Settings,
    kind: SessionKind,
) -> Option<sea_orm::Select<session::Entity>> {
    key(headers, settings, kind).map(|key| by_key(key, kind))
}

/// The query for the session of this kind stored under `key` (see [`key`]).
pub fn by_key(key: String, kind: SessionKind) -> sea_orm::Select<session::Entity> {
    session::Entity::find_by_id(key).filter(session::Column::Kind.eq(kind.as_str()))
}

/// Loads the live session of this kind named by the request's cookie, sliding its expiry.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    headers: &HeaderMap,
    kind: SessionKind,
) -> AppResult<Option<session::Model>> {
    let Some(query) = by_cookie(headers, settings, kind) else {
        return Ok(None);
    };
    match query.one(db).await? {
        Some(row) => keep_alive(db, settings, kind, row).await,
        None => Ok(None),
    }
}

/// A session row just read: `None` (and the row deleted) once expired, otherwise the row, its
/// expiry slid forward when a meaningful part of the idle window has passed.
pub async fn keep_alive<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    kind: SessionKind,
    row: session::Model,
) -> AppResult<Option<session::Model>> {
    let now = Utc::now();
    if row.expires_at <= now {
        delete(db, &row.id).await?;
        return Ok(None);
    }
    if let Some(expires_at) = slid_expiry(settings, kind, row.expires_at) {
        slide(db, &row.id, expires_at).await?;
    }
    Ok(Some(row))
}

/// The new expiry of a live session, when a meaningful part of its idle window has passed (only
/// then is it written, to keep reads cheap).
pub fn slid_expiry(
    settings: &Settings,
    kind: SessionKind,
    expires_at: chrono::DateTime<Utc>,
) -> Option<chrono::DateTime<Utc>> {
    let (now, idle) = (Utc::now(), kind.idle(settings));
    (expires_at - now < idle - Duration::minutes(1)).then(|| now + idle)
}

/// Moves a session's expiry.
pub async fn slide<C: ConnectionTrait>(
    db: &C,
    id: &str,
    expires_at: chrono::DateTime<Utc>,
) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(expires_at),
        )
        .filter(session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes one session.
pub async fn delete<C: ConnectionTrait>(db: &C, id: &str) -> AppResult<()> {
    session::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces the data of a session.
pub async fn update_data<C: ConnectionTrait>(
    db: &C,
    id: &str,
    data: serde_json::Value,
) -> AppResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::Data, sea_orm::sea_query::Expr::value(data))
        .filter(session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the session named by the request's cookie and returns the cookie that clears it.
pub async fn destroy<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    headers: &HeaderMap,
    kind: SessionKind,
) -> AppResult<HeaderValue> {
    if let Some(key) = key(headers, settings, kind) {
        session::Entity::delete_by_id(key).exec(db).await?;
    }
    Ok(cookie(settings, kind.cookie_name(settings), "", 0))
}
