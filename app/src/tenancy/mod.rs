//! Municipalities on a shared instance.
//!
//! A "centre de gestion" runs one i-CLEFS for its small towns: the operator creates each town
//! (from the command line, `iclefs municipality add`), and the town's first owner receives an
//! invitation link to choose a password. From then on the town configures itself (identity
//! provider, services, agents) and sees nothing of the others. Everything is created in one
//! transaction: a town exists with its owner and the invitation mail on the way, or not at all.

use crate::{
    auth::invitations::{self, Inviter},
    db::entities::{admin_user, municipality},
    domain::{Slug, color::DEFAULT_ACCENT},
    error::AppError,
    state::AppState,
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

/// The country decides which identity provider families fit (FranceConnect or FAS/CSAM) and the
/// languages offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    France,
    Belgium,
}

impl Country {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "FR" => Ok(Self::France),
            "BE" => Ok(Self::Belgium),
            other => Err(format!(
                "Pays « {other} » inconnu : indiquez FR (France) ou BE (Belgique)."
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::France => "FR",
            Self::Belgium => "BE",
        }
    }
}

/// What the operator types, unchecked.
#[derive(Debug, Clone, Default)]
pub struct NewMunicipality {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub contact_email: String,
    pub owner_email: String,
    pub owner_name: String,
}

/// What was created.
#[derive(Debug, Clone)]
pub struct Created {
    pub municipality_id: Uuid,
    pub slug: String,
    /// Single-use link for the owner (also mailed to them).
    pub invitation_link: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TenancyError {
    /// Every problem of the input, one sentence each; nothing was written.
    #[error("{}", .0.join(" "))]
    Invalid(Vec<String>),
    #[error(transparent)]
    App(#[from] AppError),
}

fn email(raw: &str, what: &str, errors: &mut Vec<String>) -> String {
    let email = raw.trim().to_lowercase();
    if email.parse::<lettre::Address>().is_err() {
        errors.push(format!(
            "{what} : adresse électronique invalide (« {} »).",
            raw.trim()
        ));
    }
    email
}

/// Creates a municipality, its owner (no password yet) and the owner's invitation.
pub async fn create(state: &AppState, input: &NewMunicipality) -> Result<Created, TenancyError> {
    let mut errors = Vec::new();
    let slug = Slug::parse(input.slug.trim())
        .map_err(|e| errors.push(format!("Identifiant de la commune : {e}")))
        .ok();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push("Nom de la commune : de 1 à 120 caractères.".to_owned());
    }
    let country = Country::parse(&input.country)
        .map_err(|e| errors.push(e))
        .ok();
    let contact = email(&input.contact_email, "Adresse de contact", &mut errors);
    let owner = email(&input.owner_email, "Adresse du responsable", &mut errors);
    let owner_name = input.owner_name.trim();
    if owner_name.is_empty() || owner_name.chars().count() > 100 {
        errors.push("Nom du responsable : de 1 à 100 caractères.".to_owned());
    }
    let (Some(slug), Some(country), true) = (slug, country, errors.is_empty()) else {
        return Err(TenancyError::Invalid(errors));
    };

    let txn = crate::db::begin_write(&state.db)
        .await
        .map_err(AppError::from)?;
    let taken = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(slug.as_str()))
        .count(&txn)
        .await
        .map_err(AppError::from)?;
    if taken > 0 {
        errors.push(format!(
            "L'identifiant « {} » est déjà celui d'une autre commune.",
            slug.as_str()
        ));
    }
    let account = admin_user::Entity::find()
        .filter(admin_user::Column::Email.eq(&owner))
        .count(&txn)
        .await
        .map_err(AppError::from)?;
    if account > 0 {
        errors.push(format!(
            "L'adresse {owner} a déjà un compte sur la plateforme."
        ));
    }
    if !errors.is_empty() {
        return Err(TenancyError::Invalid(errors));
    }
    let now = Utc::now();
    let m = municipality::ActiveModel {
        id: Set(Uuid::now_v7()),
        slug: Set(slug.as_str().to_owned()),
        name: Set(name.to_owned()),
        country: Set(country.code().to_owned()),
        contact_email: Set(contact.clone()),
        notification_email: Set(contact),
        created_at: Set(now),
        accent_color: Set(DEFAULT_ACCENT.to_owned()),
        mail_from: Set(None),
        notice_includes_answers: Set(false),
        dpo_contact: Set(None),
        retention_months: Set(24),
        logo_version: Set(None),
        logo_alt: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(AppError::from)?;
    let user_id = invitations::pending_account(&txn, m.id, &owner, owner_name, "owner").await?;
    let link = invitations::issue(
        &txn,
        state,
        &m,
        user_id,
        &owner,
        Inviter {
            email: &state.settings.mail_from,
            name: "L'exploitant de la plateforme",
        },
    )
    .await?;
    txn.commit().await.map_err(AppError::from)?;
    tracing::info!(municipality.id = %m.id, owner.id = %user_id, "municipality created");
    Ok(Created {
        municipality_id: m.id,
        slug: m.slug,
        invitation_link: link,
    })
}
