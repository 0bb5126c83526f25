//! ProConnect, the optional login of agents (identity.md §2).
//!
//! Agents are invited by email, so the first ProConnect login finds the account by the
//! professional email ProConnect certifies and **binds** it to ProConnect's `sub`; from then on
//! only that `sub` opens it (an email later reassigned at the employer does not open someone
//! else's account, and an account bound to one `sub` is never re-bound by email). ProConnect
//! refuses unknown parameters: no `acr_values`, the level is asked through `claims` (see the
//! preset). The raw id_token is kept in the agent's session for the logout at ProConnect.
//! Password login keeps working: ProConnect is an addition, not a replacement.

use super::admin::open_session_with;
use crate::{
    crypto::{random_token, sha256_hex},
    db::entities::{admin_invitation, admin_user, agent_auth_request},
    domain::IdentityClaim,
    error::{AppError, AppResult},
    identity::{IdentityError, ProviderConfig},
    state::AppState,
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};

/// How long a started ProConnect login may take.
pub const LOGIN_MINUTES: i64 = 10;
/// Cookie binding the pending login to the browser that started it.
pub const STATE_COOKIE: &str = "iclefs-agent-login";
/// What the console needs to know of an agent.
const CLAIMS: [IdentityClaim; 3] = [
    IdentityClaim::Email,
    IdentityClaim::GivenName,
    IdentityClaim::FamilyName,
];

/// Why an agent's ProConnect login did not open the console.
#[derive(Debug, thiserror::Error)]
pub enum AgentLoginError {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// ProConnect vouched for this email, but no account of this instance has it.
    #[error("no account for this ProConnect identity")]
    NoAccount(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl AgentLoginError {
    pub fn message_fr(&self) -> String {
        match self {
            Self::Identity(IdentityError::Denied(_)) => {
                "La connexion avec ProConnect a été annulée.".to_owned()
            }
            Self::Identity(e) => e.message_fr().to_owned(),
            Self::NoAccount(email) => format!(
                "Aucun compte i-CLEFS n'est ouvert pour {email}. Demandez au responsable de votre commune de vous inviter avec cette adresse."
            ),
            Self::App(_) => {
                "La connexion n'a pas abouti. Réessayez dans quelques minutes.".to_owned()
            }
        }
    }
}

pub fn configured(state: &AppState) -> AppResult<&ProviderConfig> {
    state.settings.proconnect.as_ref().ok_or(AppError::NotFound)
}

pub fn redirect_uri(state: &AppState) -> String {
    state.settings.url("/admin/proconnect/callback")
}

pub fn post_logout_uri(state: &AppState) -> String {
    state.settings.url("/admin/login")
}

/// Starts a login: returns the ProConnect URL and the state to put in the browser's cookie.
pub async fn start(state: &AppState) -> Result<(url::Url, String), AgentLoginError> {
    let cfg = configured(state)?;
    let oidc_state = random_token(32);
    let nonce = random_token(32);
    let url = state
        .oidc
        .authorize_url(cfg, &redirect_uri(state), &CLAIMS, &oidc_state, &nonce)
        .await?;
    let now = Utc::now();
    agent_auth_request::ActiveModel {
        state_hash: Set(sha256_hex(&oidc_state)),
        nonce: Set(nonce),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(LOGIN_MINUTES)),
    }
    .insert(&state.db)
    .await
    .map_err(AppError::from)?;
    Ok((url, oidc_state))
}

/// What came back to the callback.
pub struct Callback<'a> {
    pub state: Option<&'a str>,
    pub cookie_state: Option<&'a str>,
    pub code: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// Finishes a login: checks the state (single use, this browser, not expired) before anything
/// else, verifies everything ProConnect sent, finds or binds the account, opens the session.
pub async fn finish(
    state: &AppState,
    back: Callback<'_>,
) -> Result<(admin_user::Model, http::HeaderValue), AgentLoginError> {
    let cfg = configured(state)?;
    let returned = back
        .state
        .filter(|s| !s.is_empty())
        .ok_or(IdentityError::BadState)?;
    let hash = sha256_hex(returned);
    let pending = agent_auth_request::Entity::find_by_id(hash.clone())
        .one(&state.db)
        .await
        .map_err(AppError::from)?;
    if pending.is_some() {
        agent_auth_request::Entity::delete_by_id(hash)
            .exec(&state.db)
            .await
            .map_err(AppError::from)?;
    }
    let pending = pending
        .filter(|p| p.expires_at > Utc::now() && back.cookie_state == Some(returned))
        .ok_or(IdentityError::BadState)?;
    if let Some(error) = back.error {
        return Err(IdentityError::Denied(error.to_owned()).into());
    }
    let code = back.code.ok_or(IdentityError::BadState)?;
    let login = state
        .oidc
        .complete(cfg, &redirect_uri(state), code, &pending.nonce)
        .await?;
    let claims = cfg.preset.to_franceconnect_shape(&login.userinfo, &CLAIMS);
    let email = claims
        .get(IdentityClaim::Email.as_str())
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let user = account_for(state, &login.sub, &email).await?;
    let cookie = open_session_with(
        &state.db,
        &state.settings,
        &user,
        serde_json::json!({ "proconnect_id_token": login.id_token }),
    )
    .await?;
    tracing::info!(admin.id = %user.id, "agent logged in with ProConnect");
    Ok((user, cookie))
}

/// The account bound to `sub`, or the unbound account of `email`, bound now.
async fn account_for(
    state: &AppState,
    sub: &str,
    email: &str,
) -> Result<admin_user::Model, AgentLoginError> {
    if let Some(user) = admin_user::Entity::find()
        .filter(admin_user::Column::ProconnectSub.eq(sub))
        .one(&state.db)
        .await
        .map_err(AppError::from)?
    {
        return Ok(user);
    }
    let candidate = admin_user::Entity::find()
        .filter(admin_user::Column::Email.eq(email))
        .filter(admin_user::Column::ProconnectSub.is_null())
        .one(&state.db)
        .await
        .map_err(AppError::from)?;
    let Some(user) = candidate.filter(|_| !email.is_empty()) else {
        return Err(AgentLoginError::NoAccount(email.to_owned()));
    };
    let txn = crate::db::begin_write(&state.db)
        .await
        .map_err(AppError::from)?;
    // Conditional: two first logins at once bind once.
    let bound = admin_user::Entity::update_many()
        .col_expr(admin_user::Column::ProconnectSub, Expr::value(sub))
        .filter(admin_user::Column::Id.eq(user.id))
        .filter(admin_user::Column::ProconnectSub.is_null())
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    if bound.rows_affected != 1 {
        return Err(AgentLoginError::NoAccount(email.to_owned()));
    }
    // An agent still holding an invitation has now proved the address: the link is spent.
    admin_invitation::Entity::update_many()
        .col_expr(
            admin_invitation::Column::AcceptedAt,
            Expr::value(Utc::now()),
        )
        .filter(admin_invitation::Column::AdminUserId.eq(user.id))
        .filter(admin_invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    txn.commit().await.map_err(AppError::from)?;
    tracing::info!(admin.id = %user.id, "account bound to its ProConnect identity");
    let mut user = user;
    user.proconnect_sub = Some(sub.to_owned());
    Ok(user)
}

/// Where to send an agent who logs out: ProConnect's end_session when the session came from
/// ProConnect, `None` otherwise.
pub async fn logout_url(state: &AppState, session_data: &serde_json::Value) -> Option<url::Url> {
    let cfg = state.settings.proconnect.as_ref()?;
    let id_token = session_data.get("proconnect_id_token")?.as_str()?;
    state
        .oidc
        .logout_url(cfg, id_token, &post_logout_uri(state), &random_token(32))
        .await
        .ok()
        .flatten()
}
