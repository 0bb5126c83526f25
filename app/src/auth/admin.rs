//! Agents and administrators of a municipality: password login (argon2id) and the extractor-like
//! helper that every admin page and action goes through.

use super::session::{self, SessionKind};
use crate::{
    db::entities::{admin_membership, admin_user, municipality},
    error::{AppError, AppResult},
    state::Settings,
};
use http::HeaderMap;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The logged-in agent and the municipality they are working for. Every tenant-scoped service
/// takes `municipality_id` from here, never from the request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CurrentAdmin {
    pub admin_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub municipality_id: Uuid,
    pub municipality_slug: String,
    pub municipality_name: String,
    pub role: String,
}

/// The role that may change the municipality's settings, tokens and templates.
pub const OWNER: &str = "owner";

impl CurrentAdmin {
    pub fn is_owner(&self) -> bool {
        self.role == OWNER
    }
}

/// Checks an email and password; the same error for an unknown email and a wrong password.
pub async fn verify_credentials<C: ConnectionTrait>(
    db: &C,
    email: &str,
    password: &str,
) -> AppResult<admin_user::Model> {
    let refused =
        || AppError::Validation("Adresse électronique ou mot de passe incorrect.".to_owned());
    let email = email.trim().to_lowercase();
    let user = admin_user::Entity::find()
        .filter(admin_user::Column::Email.eq(email))
        .one(db)
        .await?;
    let Some(user) = user else {
        // Spend the same time as a real check, so response time does not reveal which emails exist.
        let _ = password_auth::verify_password(password, &DUMMY_HASH);
        return Err(refused());
    };
    password_auth::verify_password(password, &user.password_hash).map_err(|_| refused())?;
    Ok(user)
}

/// A real argon2id hash of a throw-away string, used to equalise timing.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash("timing-equaliser"));

/// Opens an admin session on the user's first municipality.
pub async fn open_session<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    user: &admin_user::Model,
) -> AppResult<http::HeaderValue> {
    open_session_with(db, settings, user, serde_json::json!({})).await
}

/// Like [`open_session`], keeping `data` with the session (the ProConnect id_token for logout).
pub async fn open_session_with<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    user: &admin_user::Model,
    data: serde_json::Value,
) -> AppResult<http::HeaderValue> {
    let membership = admin_membership::Entity::find()
        .filter(admin_membership::Column::AdminUserId.eq(user.id))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    session::create(
        db,
        settings,
        session::Owner::Admin {
            municipality_id: membership.municipality_id,
            admin_user_id: user.id,
        },
        data,
    )
    .await
    .map(|(_, cookie)| cookie)
}

/// Resolves the admin behind the request, or `Unauthorized`.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    settings: &Settings,
    headers: &HeaderMap,
) -> AppResult<CurrentAdmin> {
    let row = session::load(db, settings, headers, SessionKind::Admin)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let (Some(admin_id), Some(municipality_id)) = (row.admin_user_id, row.municipality_id) else {
        return Err(AppError::Unauthorized);
    };
    let membership = admin_membership::Entity::find_by_id((admin_id, municipality_id))
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    let user = admin_user::Entity::find_by_id(admin_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let municipality = municipality::Entity::find_by_id(municipality_id)
        .one(db)
        .await?
        .ok_or(AppError::Forbidden)?;
    Ok(CurrentAdmin {
        admin_id,
        email: user.email,
        display_name: user.display_name,
        municipality_id,
        municipality_slug: municipality.slug,
        municipality_name: municipality.name,
        role: membership.role,
    })
}
