//! Inviting agents: an owner enters an email and a name; the agent receives a single-use link
//! (7 days) to choose their password. Until then the account has no usable password.
//!
//! The token is 32 random bytes in the link and only its SHA-256 in the database; the invitation
//! mail goes through the outbox in the same transaction as the account, so an invitation either
//! exists with its mail on the way, or not at all.

use super::{CurrentAdmin, admin::open_session};
use crate::{
    crypto::{random_token, sha256_hex},
    db::entities::{admin_invitation, admin_membership, admin_user, municipality},
    error::{AppError, AppResult},
    notifications::{
        MailKind,
        outbox::{OutgoingMail, enqueue},
        service::french_date,
        templates::{MailVars, render_for},
    },
    state::AppState,
};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// How long an invitation link works.
pub const VALID_DAYS: i64 = 7;
/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// An agent of the municipality, for the settings page.
#[derive(Debug, Clone)]
pub struct Agent {
    pub email: String,
    pub display_name: String,
    pub role: String,
    /// Invited, password not chosen yet.
    pub pending: bool,
}

/// The municipality's agents, owners first.
pub async fn agents(state: &AppState, admin: &CurrentAdmin) -> AppResult<Vec<Agent>> {
    let memberships = admin_membership::Entity::find()
        .filter(admin_membership::Column::MunicipalityId.eq(admin.municipality_id))
        .all(&state.db)
        .await?;
    let mut agents = Vec::new();
    for m in memberships {
        if let Some(user) = admin_user::Entity::find_by_id(m.admin_user_id)
            .one(&state.db)
            .await?
        {
            agents.push(Agent {
                pending: user.password_hash.is_empty(),
                email: user.email,
                display_name: user.display_name,
                role: m.role,
            });
        }
    }
    agents.sort_by(|a, b| (a.role != "owner", &a.email).cmp(&(b.role != "owner", &b.email)));
    Ok(agents)
}

/// Invites an agent (owners only). Returns field errors as `(input, message)`.
pub async fn invite(
    state: &AppState,
    admin: &CurrentAdmin,
    email: &str,
    name: &str,
) -> Result<(), InviteError> {
    if !admin.is_owner() {
        return Err(AppError::Forbidden.into());
    }
    let mut errors = Vec::new();
    let email = email.trim().to_lowercase();
    if email.parse::<lettre::Address>().is_err() {
        errors.push((
            "invite_email".to_owned(),
            "Indiquez l'adresse électronique de l'agent, par exemple prenom.nom@mairie.fr."
                .to_owned(),
        ));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push((
            "invite_name".to_owned(),
            "Indiquez le nom de l'agent (100 caractères au plus).".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return Err(InviteError::Invalid(errors));
    }
    let txn = crate::db::begin_write(&state.db)
        .await
        .map_err(AppError::from)?;
    let existing = admin_user::Entity::find()
        .filter(admin_user::Column::Email.eq(&email))
        .one(&txn)
        .await
        .map_err(AppError::from)?;
    if existing.is_some() {
        // One account per email across the instance; say so without telling which municipality.
        return Err(InviteError::Invalid(vec![(
            "invite_email".to_owned(),
            "Cette adresse a déjà un compte sur la plateforme.".to_owned(),
        )]));
    }
    let user_id = pending_account(&txn, admin.municipality_id, &email, name, "agent").await?;
    let m = municipality::Entity::find_by_id(admin.municipality_id)
        .one(&txn)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    issue(
        &txn,
        state,
        &m,
        user_id,
        &email,
        Inviter {
            email: &admin.email,
            name: &admin.display_name,
        },
    )
    .await?;
    txn.commit().await.map_err(AppError::from)?;
    tracing::info!(admin.id = %admin.admin_id, invited.id = %user_id, "agent invited");
    Ok(())
}

/// An account without a usable password (until its invitation is accepted) and its membership,
/// in the caller's transaction. Returns the account id.
pub(crate) async fn pending_account<C: sea_orm::ConnectionTrait>(
    txn: &C,
    municipality_id: Uuid,
    email: &str,
    name: &str,
    role: &str,
) -> AppResult<Uuid> {
    let now = Utc::now();
    let user_id = Uuid::now_v7();
    admin_user::ActiveModel {
        id: Set(user_id),
        email: Set(email.to_owned()),
        display_name: Set(name.to_owned()),
        password_hash: Set(String::new()),
        created_at: Set(now),
        last_login_at: Set(None),
        proconnect_sub: Set(None),
    }
    .insert(txn)
    .await?;
    admin_membership::ActiveModel {
        admin_user_id: Set(user_id),
        municipality_id: Set(municipality_id),
        role: Set(role.to_owned()),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(user_id)
}

/// Who sends an invitation (shown in the mail, and its reply address).
pub(crate) struct Inviter<'a> {
    pub email: &'a str,
    pub name: &'a str,
}

/// Creates the single-use link of an account that has no password yet and queues its mail, in
/// the caller's transaction. Returns the link.
pub(crate) async fn issue<C: sea_orm::ConnectionTrait>(
    txn: &C,
    state: &AppState,
    m: &municipality::Model,
    user_id: Uuid,
    email: &str,
    by: Inviter<'_>,
) -> AppResult<String> {
    let now = Utc::now();
    let token = random_token(32);
    admin_invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(m.id),
        admin_user_id: Set(user_id),
        token_hash: Set(sha256_hex(&token)),
        invited_by: Set(by.email.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(VALID_DAYS)),
        accepted_at: Set(None),
    }
    .insert(txn)
    .await?;
    let link = state.settings.url(&format!("/admin/invitation/{token}"));
    let vars = MailVars {
        commune: m.name.clone(),
        date: french_date(now),
        lien: Some(link.clone()),
        invite_par: Some(by.name.to_owned()),
        ..MailVars::default()
    };
    let mail = render_for(
        txn,
        m.id,
        MailKind::AdminInvitation,
        &vars,
        crate::i18n::Lang::Fr,
    )
    .await?;
    enqueue(
        txn,
        state.settings.mail_host(),
        Some(m.id),
        None,
        MailKind::AdminInvitation,
        &OutgoingMail {
            to: email.to_owned(),
            from: m.mail_from.clone(),
            reply_to: Some(by.email.to_owned()),
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
        },
    )
    .await?;
    Ok(link)
}

/// Why an invitation was not sent.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("invalid invitation")]
    Invalid(Vec<(String, String)>),
    #[error(transparent)]
    App(#[from] AppError),
}

/// The pending invitation behind a link, with its municipality's name; expired, used or unknown
/// links are all "not found".
pub async fn pending(
    state: &AppState,
    token: &str,
) -> AppResult<(admin_invitation::Model, String)> {
    let invitation = admin_invitation::Entity::find()
        .filter(admin_invitation::Column::TokenHash.eq(sha256_hex(token)))
        .one(&state.db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > Utc::now())
        .ok_or(AppError::NotFound)?;
    let name = municipality::Entity::find_by_id(invitation.municipality_id)
        .one(&state.db)
        .await?
        .map(|m| m.name)
        .unwrap_or_default();
    Ok((invitation, name))
}

/// Accepts an invitation: sets the password, consumes the link, opens a session.
pub async fn accept(
    state: &AppState,
    token: &str,
    password: &str,
    confirm: &str,
) -> Result<http::HeaderValue, InviteError> {
    let (invitation, _) = pending(state, token).await?;
    let mut errors = Vec::new();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push((
            "password".to_owned(),
            format!("Le mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères."),
        ));
    } else if password != confirm {
        errors.push((
            "confirm".to_owned(),
            "Les deux mots de passe ne sont pas identiques.".to_owned(),
        ));
    }
    if !errors.is_empty() {
        return Err(InviteError::Invalid(errors));
    }
    let hash = password_auth::generate_hash(password);
    let txn = crate::db::begin_write(&state.db)
        .await
        .map_err(AppError::from)?;
    // Conditional update: a link used twice at once is accepted once.
    let consumed = admin_invitation::Entity::update_many()
        .col_expr(
            admin_invitation::Column::AcceptedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(admin_invitation::Column::Id.eq(invitation.id))
        .filter(admin_invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    if consumed.rows_affected != 1 {
        return Err(AppError::NotFound.into());
    }
    let user = admin_user::Entity::find_by_id(invitation.admin_user_id)
        .one(&txn)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let mut active: admin_user::ActiveModel = user.into();
    active.password_hash = Set(hash);
    let user = active.update(&txn).await.map_err(AppError::from)?;
    txn.commit().await.map_err(AppError::from)?;
    tracing::info!(admin.id = %user.id, "invitation accepted");
    Ok(open_session(&state.db, &state.settings, &user).await?)
}
