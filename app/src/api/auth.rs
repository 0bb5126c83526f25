//! `ApiClient`: the bearer token behind a request, checked once per request by an axum extractor
//! (format, hash lookup, revocation, expiry, IP allow-list, per-token rate limit).
//!
//! Handlers that take an `ApiClient` argument cannot run unauthenticated, and every query they
//! make is scoped by its `municipality_id` and its service scope.

use super::{
    error::ApiError,
    tokens::{AllowList, ServiceScope, TokenSecret},
};
use crate::{
    db::entities::api_token,
    inbox::service::Actor,
    state::AppState,
    web::rate_limit::{Limit, RateKey, RateLimiter},
};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts},
};
use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, sea_query::Expr};
use std::{net::SocketAddr, sync::Arc};
use uuid::Uuid;

/// Requests per token: 600 a minute (démarches-simplifiées allows 400 a minute on its API).
pub const PER_TOKEN: Limit = Limit {
    bucket: "api-token",
    max: 600,
    window: std::time::Duration::from_secs(60),
};

/// Refused authentications per client address, so a flood of bad tokens cannot load the database.
pub const FAILURES_PER_IP: Limit = Limit {
    bucket: "api-auth-failure",
    max: 600,
    window: std::time::Duration::from_secs(60),
};

/// The limiter of the API routes, shared through a request extension.
#[derive(Clone, Default)]
pub struct ApiLimiter(pub Arc<RateLimiter>);

/// An authenticated API caller.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub token_id: Uuid,
    pub municipality_id: Uuid,
    pub name: String,
    pub scope: ServiceScope,
    pub can_write: bool,
}

impl ApiClient {
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.can_write {
            Ok(())
        } else {
            Err(ApiError::write_scope_required())
        }
    }

    /// How the submission history names this caller.
    pub fn actor(&self) -> Actor {
        Actor::ApiToken {
            id: self.token_id,
            label: format!("API – {}", self.name),
        }
    }
}

/// The secret of `Authorization: Bearer <token>` (scheme case-insensitive, RFC 6750).
fn bearer(parts: &Parts) -> Result<TokenSecret, ApiError> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or_else(ApiError::missing_token)?
        .to_str()
        .map_err(|_| ApiError::invalid_token())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(ApiError::invalid_token)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::invalid_token());
    }
    TokenSecret::parse(token.trim()).ok_or_else(ApiError::invalid_token)
}

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let limiter = parts.extensions.get::<ApiLimiter>().cloned();
        let refuse = |error: ApiError| {
            if let (Some(limiter), Some(ip)) = (&limiter, peer)
                && let Err(wait) = limiter.0.check_key(RateKey::Ip(ip), FAILURES_PER_IP)
            {
                return ApiError::rate_limited(wait);
            }
            error
        };
        let secret = bearer(parts).map_err(refuse)?;
        let token = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(secret.hash()))
            .one(&state.db)
            .await?
            .ok_or_else(|| refuse(ApiError::invalid_token()))?;
        let now = Utc::now();
        if token.revoked_at.is_some() {
            return Err(refuse(ApiError::token_revoked()));
        }
        if token.expires_at < now {
            return Err(refuse(ApiError::token_expired()));
        }
        let allowed = AllowList::from_stored(&token.allowed_networks);
        // Without a peer address (never the case behind `serve`), only an open list lets it in.
        if !peer.map_or(allowed == AllowList::default(), |ip| allowed.allows(ip)) {
            tracing::warn!(api_token.id = %token.id, "API token used from a refused address");
            return Err(ApiError::ip_not_allowed());
        }
        if let Some(limiter) = &limiter
            && let Err(wait) = limiter.0.check_key(RateKey::Token(token.id), PER_TOKEN)
        {
            tracing::warn!(api_token.id = %token.id, "API rate limit reached");
            return Err(ApiError::rate_limited(wait));
        }
        // At most one write a minute per token for the "last used" column.
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .filter(
                Condition::any()
                    .add(api_token::Column::LastUsedAt.is_null())
                    .add(api_token::Column::LastUsedAt.lt(now - chrono::Duration::seconds(60))),
            )
            .exec(&state.db)
            .await?;
        Ok(Self {
            token_id: token.id,
            municipality_id: token.municipality_id,
            scope: ServiceScope::from_stored(token.services.as_ref()),
            can_write: token.can_write,
            name: token.name,
        })
    }
}
