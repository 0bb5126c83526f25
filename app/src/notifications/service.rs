//! What the rest of the product asks of mail: queue the messages of a new submission, let agents
//! edit templates, preview and send a message to a citizen, and see each message's delivery.
//! Every operation is scoped to the agent's municipality.

use super::{
    outbox::{OutgoingMail, enqueue},
    templates::{self, Answer, MailVars, TemplateError, TemplateSource, render_for},
    types::{DeliveryLine, DeliveryStatus, MailKind, MailPreview, TemplateView},
};
use crate::{
    auth::CurrentAdmin,
    db::entities::{mail_template, municipality, outbox, procedure, submission},
    domain::{CertifiedIdentity, FieldDefinition, FieldValues, IdentityClaim},
    error::{AppError, AppResult},
    i18n::Lang,
    state::{AppState, Settings},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

/// Longest free message an agent may send.
pub const MAX_MESSAGE_CHARS: usize = 5_000;

/// "22/11/2026 à 10:30 (UTC)": the time zone is stated rather than guessed.
pub fn french_date(at: DateTime<Utc>) -> String {
    date_in(at, Lang::Fr)
}

/// A date for a citizen's message, in their language (same shape, the zone stated).
pub fn date_in(at: DateTime<Utc>, lang: Lang) -> String {
    let word = match lang {
        Lang::Fr => "à",
        Lang::En => "at",
        Lang::Nl => "om",
    };
    at.format(&format!("%d/%m/%Y {word} %H:%M (UTC)"))
        .to_string()
}

/// Recipients of a municipality's notices: its notification address(es), comma-separated.
fn recipients(raw: &str) -> Vec<String> {
    raw.split([',', ';'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Checks the municipality's notice recipients (one or more addresses, comma-separated) and
/// returns them normalised.
pub fn parse_recipients(raw: &str) -> Result<String, String> {
    let list = recipients(raw);
    if list.is_empty() {
        return Err(
            "Indiquez au moins une adresse qui recevra l'avis de chaque nouvelle demande."
                .to_owned(),
        );
    }
    if list.len() > 10 {
        return Err("Au plus 10 adresses.".to_owned());
    }
    for address in &list {
        address
            .parse::<lettre::Address>()
            .map_err(|_| format!("« {address} » n'est pas une adresse électronique valide."))?;
    }
    Ok(list.join(", "))
}

/// Checks the municipality's own sender (`Mairie de X <mairie@x.fr>`); empty means the
/// instance's sender.
pub fn parse_sender(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let mailbox: lettre::message::Mailbox = raw.parse().map_err(|_| {
        "Adresse d'expédition invalide : écrivez par exemple « Mairie de Villeneuve <mairie@villeneuve.fr> ».".to_owned()
    })?;
    Ok(Some(mailbox.to_string()))
}

/// Everything about a new submission that its mails need.
pub struct SubmissionMail<'a> {
    pub municipality: &'a municipality::Model,
    pub procedure_title: &'a str,
    pub submission_id: Uuid,
    pub reference: &'a str,
    pub identity: &'a CertifiedIdentity,
    pub fields: &'a [FieldDefinition],
    pub values: &'a FieldValues,
    pub at: DateTime<Utc>,
    /// The citizen's language: their receipt is written in it (the agents' notice stays French).
    pub lang: Lang,
}

/// Queues the citizen's receipt (when their email is known) and the municipality's notice, in the
/// submission's transaction. The notice carries no personal data unless the municipality opted in.
pub async fn queue_submission_mails<C: ConnectionTrait>(
    txn: &C,
    settings: &Settings,
    s: SubmissionMail<'_>,
) -> AppResult<()> {
    let host = settings.mail_host();
    let answers_in = |lang: Lang| -> Vec<Answer> {
        s.fields
            .iter()
            .filter(|f| f.kind.takes_answer())
            .map(|f| Answer {
                libelle: f.label.clone(),
                valeur: f.display_answer_in(s.values.get(&f.stable_id), lang),
            })
            .collect()
    };
    let base = MailVars {
        commune: s.municipality.name.clone(),
        date: french_date(s.at),
        demarche: Some(s.procedure_title.to_owned()),
        reference: Some(s.reference.to_owned()),
        ..MailVars::default()
    };
    let citizen_name = s.identity.full_name();
    if let Some(to) = s
        .identity
        .get(IdentityClaim::Email)
        .filter(|e| !e.is_empty())
    {
        let vars = MailVars {
            citoyen: Some(citizen_name.clone()),
            reponses: Some(answers_in(s.lang)),
            date: date_in(s.at, s.lang),
            ..base.clone()
        };
        let mail = render_for(
            txn,
            s.municipality.id,
            MailKind::SubmissionReceipt,
            &vars,
            s.lang,
        )
        .await?;
        enqueue(
            txn,
            host,
            Some(s.municipality.id),
            Some(s.submission_id),
            MailKind::SubmissionReceipt,
            &OutgoingMail {
                to: to.to_owned(),
                from: s.municipality.mail_from.clone(),
                reply_to: Some(s.municipality.contact_email.clone()),
                subject: mail.subject,
                text: mail.text,
                html: mail.html,
            },
        )
        .await?;
    }
    let with_data = s.municipality.notice_includes_answers;
    let vars = MailVars {
        lien: Some(settings.url(&format!("/admin/submissions/{}", s.submission_id))),
        citoyen: Some(if with_data {
            citizen_name
        } else {
            String::new()
        }),
        reponses: Some(if with_data {
            answers_in(Lang::Fr)
        } else {
            Vec::new()
        }),
        ..base
    };
    let mail = render_for(
        txn,
        s.municipality.id,
        MailKind::SubmissionNotice,
        &vars,
        Lang::Fr,
    )
    .await?;
    for to in recipients(&s.municipality.notification_email) {
        enqueue(
            txn,
            host,
            Some(s.municipality.id),
            Some(s.submission_id),
            MailKind::SubmissionNotice,
            &OutgoingMail {
                to,
                from: s.municipality.mail_from.clone(),
                reply_to: None,
                subject: mail.subject.clone(),
                text: mail.text.clone(),
                html: mail.html.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

/// The messages queued about one submission, oldest first (the caller checked ownership).
pub async fn deliveries(
    state: &AppState,
    admin: &CurrentAdmin,
    submission_id: Uuid,
) -> AppResult<Vec<DeliveryLine>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::MunicipalityId.eq(admin.municipality_id))
        .filter(outbox::Column::SubmissionId.eq(submission_id))
        .order_by_asc(outbox::Column::Id)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let mail: OutgoingMail = serde_json::from_value(row.payload).ok()?;
            Some(DeliveryLine {
                kind: MailKind::parse(&row.kind)?,
                to: mail.to,
                subject: mail.subject,
                status: DeliveryStatus::parse(&row.status).unwrap_or(DeliveryStatus::Queued),
                queued_at: french_date(row.created_at),
                sent_at: row.sent_at.map(french_date),
                attempts: row.attempts,
                last_error: row.last_error,
            })
        })
        .collect())
}

/// Every editable template of the agent's municipality.
pub async fn template_views(
    state: &AppState,
    admin: &CurrentAdmin,
) -> AppResult<Vec<TemplateView>> {
    let mut views = Vec::new();
    for kind in MailKind::EDITABLE {
        views.push(template_view(state, admin, kind).await?);
    }
    Ok(views)
}

pub async fn template_view(
    state: &AppState,
    admin: &CurrentAdmin,
    kind: MailKind,
) -> AppResult<TemplateView> {
    let (source, is_default) =
        templates::effective(&state.db, admin.municipality_id, kind, Lang::Fr).await?;
    Ok(TemplateView {
        kind,
        subject: source.subject,
        text: source.text,
        html: source.html.unwrap_or_default(),
        is_default,
    })
}

/// An editable kind from the URL.
pub fn editable_kind(raw: &str) -> AppResult<MailKind> {
    MailKind::parse(raw)
        .filter(|k| MailKind::EDITABLE.contains(k))
        .ok_or(AppError::NotFound)
}

/// Renders a template being edited against sample data (nothing is saved).
pub fn preview_template(
    admin: &CurrentAdmin,
    kind: MailKind,
    source: &TemplateSource,
) -> Result<MailPreview, TemplateError> {
    let mail = templates::render(source, &MailVars::sample(kind, &admin.municipality_name))?;
    Ok(MailPreview {
        to: "destinataire@exemple.fr".to_owned(),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
    })
}

/// Saves a template after checking it renders; nothing is saved when it does not.
pub async fn save_template(
    state: &AppState,
    admin: &CurrentAdmin,
    kind: MailKind,
    source: TemplateSource,
) -> Result<(), SaveTemplateError> {
    templates::check(kind, &source).map_err(SaveTemplateError::Invalid)?;
    let txn = crate::db::begin_write(&state.db)
        .await
        .map_err(AppError::from)?;
    mail_template::Entity::delete_many()
        .filter(mail_template::Column::MunicipalityId.eq(admin.municipality_id))
        .filter(mail_template::Column::Kind.eq(kind.as_str()))
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    mail_template::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(admin.municipality_id),
        kind: Set(kind.as_str().to_owned()),
        subject: Set(source.subject),
        body_text: Set(source.text),
        body_html: Set(source.html.filter(|h| !h.trim().is_empty())),
        updated_at: Set(Utc::now()),
        updated_by: Set(admin.email.clone()),
    }
    .insert(&txn)
    .await
    .map_err(AppError::from)?;
    txn.commit().await.map_err(AppError::from)?;
    tracing::info!(admin.id = %admin.admin_id, kind = kind.as_str(), "mail template saved");
    Ok(())
}

/// Why a template was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveTemplateError {
    #[error("{0}")]
    Invalid(TemplateError),
    #[error(transparent)]
    App(#[from] AppError),
}

/// Goes back to the built-in template.
pub async fn reset_template(
    state: &AppState,
    admin: &CurrentAdmin,
    kind: MailKind,
) -> AppResult<()> {
    mail_template::Entity::delete_many()
        .filter(mail_template::Column::MunicipalityId.eq(admin.municipality_id))
        .filter(mail_template::Column::Kind.eq(kind.as_str()))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// A free message to a citizen, checked.
pub struct CitizenMessage(String);

impl CitizenMessage {
    pub fn parse(raw: &str) -> AppResult<Self> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(AppError::Validation(
                "Écrivez le message à envoyer au citoyen.".to_owned(),
            ));
        }
        if text.chars().count() > MAX_MESSAGE_CHARS {
            return Err(AppError::Validation(format!(
                "Le message est trop long (au plus {MAX_MESSAGE_CHARS} caractères)."
            )));
        }
        Ok(Self(text.to_owned()))
    }
}

/// The citizen's message rendered with the municipality's template, and where it would go.
async fn compose_citizen_mail<C: ConnectionTrait>(
    db: &C,
    admin: &CurrentAdmin,
    submission_id: Uuid,
    message: &CitizenMessage,
) -> AppResult<(municipality::Model, OutgoingMail)> {
    let s = submission::Entity::find_by_id(submission_id)
        .filter(submission::Column::MunicipalityId.eq(admin.municipality_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = municipality::Entity::find_by_id(admin.municipality_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let title = procedure::Entity::find_by_id(s.procedure_id)
        .one(db)
        .await?
        .map(|p| p.title)
        .unwrap_or_default();
    let identity: CertifiedIdentity = serde_json::from_value(s.identity).unwrap_or_default();
    let to = identity
        .get(IdentityClaim::Email)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            AppError::Conflict(
                "Ce service ne demande pas l'adresse électronique du citoyen : il ne peut pas être prévenu par courriel.".to_owned(),
            )
        })?
        .to_owned();
    // Written in the language the citizen used to send the request.
    let lang = Lang::parse(&s.lang).unwrap_or_default();
    let vars = MailVars {
        commune: m.name.clone(),
        date: date_in(Utc::now(), lang),
        demarche: Some(title),
        reference: Some(s.reference),
        citoyen: Some(identity.full_name()),
        message: Some(message.0.clone()),
        ..MailVars::default()
    };
    let mail = render_for(db, m.id, MailKind::CitizenNotification, &vars, lang).await?;
    let outgoing = OutgoingMail {
        to,
        from: m.mail_from.clone(),
        reply_to: Some(m.contact_email.clone()),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
    };
    Ok((m, outgoing))
}

/// What the citizen would receive (nothing is queued).
pub async fn preview_citizen_notification(
    state: &AppState,
    admin: &CurrentAdmin,
    submission_id: Uuid,
    message: &CitizenMessage,
) -> AppResult<MailPreview> {
    let (_, mail) = compose_citizen_mail(&state.db, admin, submission_id, message).await?;
    Ok(MailPreview {
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
    })
}

/// Queues the message to the citizen (delivery shows on the submission's page).
pub async fn send_citizen_notification(
    state: &AppState,
    admin: &CurrentAdmin,
    submission_id: Uuid,
    message: &CitizenMessage,
) -> AppResult<()> {
    let txn = crate::db::begin_write(&state.db).await?;
    let (m, mail) = compose_citizen_mail(&txn, admin, submission_id, message).await?;
    enqueue(
        &txn,
        state.settings.mail_host(),
        Some(m.id),
        Some(submission_id),
        MailKind::CitizenNotification,
        &mail,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(admin.id = %admin.admin_id, submission.id = %submission_id, "citizen notified");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_split_and_trimmed() {
        assert_eq!(
            recipients(" accueil@ville.fr, etat-civil@ville.fr;;"),
            vec!["accueil@ville.fr", "etat-civil@ville.fr"]
        );
        assert!(recipients(" , ").is_empty());
    }

    #[test]
    fn settings_addresses_are_checked() {
        assert_eq!(
            parse_recipients("a@ville.fr ; b@ville.fr").as_deref(),
            Ok("a@ville.fr, b@ville.fr")
        );
        assert!(parse_recipients("").is_err());
        assert!(parse_recipients("a@ville.fr, pas une adresse").is_err());
        assert!(parse_recipients("a@ville.fr\r\nBcc: x@y.fr").is_err());
        assert_eq!(parse_sender(" "), Ok(None));
        assert!(parse_sender("Mairie <mairie@ville.fr>").is_ok_and(|s| s.is_some()));
        assert!(parse_sender("Mairie <pas-une-adresse>").is_err());
    }

    #[test]
    fn citizen_messages_are_bounded() {
        assert!(CitizenMessage::parse("  ").is_err());
        assert!(CitizenMessage::parse(&"a".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert!(CitizenMessage::parse("Votre carte est prête.").is_ok());
    }
}
