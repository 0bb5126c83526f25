//! First-run seeding: a municipality, its admin and its identity provider, so that a newcomer
//! can try the whole journey at once. Runs only when the database has no municipality.

use crate::{
    crypto::random_token,
    db::entities::{admin_membership, admin_user, identity_provider_config, municipality},
    state::Settings,
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set};
use uuid::Uuid;

/// What to seed.
#[derive(Debug, Clone)]
pub struct SeedPlan {
    pub municipality_slug: String,
    pub municipality_name: String,
    pub admin_email: String,
    /// `None`: a random password is generated and returned.
    pub admin_password: Option<String>,
    pub provider_preset: String,
    pub provider_issuer: String,
    pub provider_client_id: String,
    pub provider_client_secret: String,
}

/// What was created, to print on the console.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub admin_email: String,
    pub admin_password: String,
    pub municipality_slug: String,
}

/// Seeds when the database is empty; returns `None` when there was already data.
pub async fn seed_if_empty(
    db: &DatabaseConnection,
    settings: &Settings,
    plan: SeedPlan,
) -> Result<Option<Seeded>, DbErr> {
    if municipality::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let password = plan
        .admin_password
        .clone()
        .unwrap_or_else(|| random_token(12));
    let hash = password_auth::generate_hash(&password);
    let now = Utc::now();
    let municipality_id = Uuid::now_v7();
    let admin_id = Uuid::now_v7();
    let secret = settings.secret_key.encrypt(&plan.provider_client_secret);
    let txn = crate::db::begin_write(db).await?;
    municipality::ActiveModel {
        id: Set(municipality_id),
        slug: Set(plan.municipality_slug.clone()),
        name: Set(plan.municipality_name.clone()),
        country: Set("FR".to_owned()),
        contact_email: Set(format!("mairie@{}.iclefs.test", plan.municipality_slug)),
        notification_email: Set(format!("accueil@{}.iclefs.test", plan.municipality_slug)),
        created_at: Set(now),
        accent_color: Set(crate::domain::color::DEFAULT_ACCENT.to_owned()),
        mail_from: Set(None),
        notice_includes_answers: Set(false),
        dpo_contact: Set(None),
        retention_months: Set(24),
        logo_version: Set(None),
        logo_alt: Set(None),
    }
    .insert(&txn)
    .await?;
    admin_user::ActiveModel {
        id: Set(admin_id),
        email: Set(plan.admin_email.to_lowercase()),
        display_name: Set("Secrétariat de mairie".to_owned()),
        password_hash: Set(hash),
        created_at: Set(now),
        last_login_at: Set(None),
        proconnect_sub: Set(None),
    }
    .insert(&txn)
    .await?;
    admin_membership::ActiveModel {
        admin_user_id: Set(admin_id),
        municipality_id: Set(municipality_id),
        role: Set("owner".to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    identity_provider_config::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        preset: Set(plan.provider_preset.clone()),
        issuer: Set(plan.provider_issuer.clone()),
        client_id: Set(plan.provider_client_id.clone()),
        client_secret_encrypted: Set(secret),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(Seeded {
        admin_email: plan.admin_email,
        admin_password: password,
        municipality_slug: plan.municipality_slug,
    }))
}
