//! The transactional outbox and its delivery worker.
//!
//! * [`enqueue`] writes a rendered message in the caller's transaction: if the submission (or the
//!   agent's action) commits, the mail will go; if it rolls back, no mail exists.
//! * The worker claims one due row at a time. On PostgreSQL the claim is a row lock taken with
//!   `FOR UPDATE SKIP LOCKED` and held until the row is updated, so several instances never send the
//!   same row twice, and a crashed instance's lock vanishes with its connection. SQLite is a
//!   single-instance database: one worker per process, no lock needed.
//! * Failures: an unreachable server opens a circuit breaker (probe with back-off, no retry spent),
//!   a 4xx reply retries the message with exponential back-off (2 s … 1 h), a 5xx marks it failed.
//!   Whatever is still undelivered 72 hours after it was queued is dead-lettered. Failed and dead
//!   messages alert the municipality's admins (and stay visible on the submission's page).
//! * SMTP cannot be exactly-once (a crash between the final "." and the 250 reply resends the
//!   message); the `Message-ID` is fixed when the row is written, so such a duplicate is
//!   recognisable as the same message.

use super::{
    mailer::{Mailer, SendError},
    templates::{MailVars, render_for},
    types::{DeliveryStatus, MailKind},
};
use crate::db::entities::{admin_membership, admin_user, municipality, outbox};
use chrono::{DateTime, Utc};
use lettre::{
    Message,
    message::{Mailbox, MultiPart, SinglePart, header::ContentType},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{Expr, LockBehavior, LockType},
};
use serde::{Deserialize, Serialize};
use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// A rendered message, as stored in the outbox row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    /// The municipality's own sender; the instance's when absent.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    #[serde(default)]
    pub html: Option<String>,
}

/// The `Message-ID` of an outbox row: stable across retries and restarts.
pub fn message_id(id: Uuid, host: &str) -> String {
    format!("<{}@{}>", id.simple(), host)
}

/// Queues a message in the caller's transaction; returns the outbox row's id.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    host: &str,
    municipality_id: Option<Uuid>,
    submission_id: Option<Uuid>,
    kind: MailKind,
    mail: &OutgoingMail,
) -> Result<Uuid, DbErr> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let payload = serde_json::to_value(mail).map_err(|e| DbErr::Custom(e.to_string()))?;
    outbox::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality_id),
        kind: Set(kind.as_str().to_owned()),
        payload: Set(payload),
        status: Set(DeliveryStatus::Queued.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        message_id: Set(Some(message_id(id, host))),
        submission_id: Set(submission_id),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// When to try again and when to give up.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub first_delay: chrono::Duration,
    pub max_delay: chrono::Duration,
    pub give_up_after: chrono::Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: chrono::Duration::seconds(2),
            max_delay: chrono::Duration::hours(1),
            give_up_after: chrono::Duration::hours(72),
        }
    }
}

impl RetryPolicy {
    /// Delay before the next try after `attempts` failed ones: 2 s, 4 s, 8 s … capped at 1 h.
    pub fn delay_after(&self, attempts: i32) -> chrono::Duration {
        let exponent = attempts.saturating_sub(1).clamp(0, 20) as u32;
        let factor = 1i32 << exponent;
        self.first_delay
            .checked_mul(factor)
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

fn build_message(row: &outbox::Model, default_from: &str) -> Result<Message, SendError> {
    let invalid = |what: &str, e: &dyn std::fmt::Display| {
        SendError::Permanent(format!("message invalide ({what}) : {e}"))
    };
    let mail: OutgoingMail =
        serde_json::from_value(row.payload.clone()).map_err(|e| invalid("contenu", &e))?;
    let from: Mailbox = mail
        .from
        .as_deref()
        .unwrap_or(default_from)
        .parse()
        .map_err(|e| invalid("expéditeur", &e))?;
    let to: Mailbox = mail.to.parse().map_err(|e| invalid("destinataire", &e))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        // Already header-safe (see `templates::header_safe`); lettre encodes it as well.
        .subject(super::templates::header_safe(&mail.subject))
        .message_id(Some(
            row.message_id
                .clone()
                .unwrap_or_else(|| message_id(row.id, "iclefs.invalid")),
        ));
    if let Some(Ok(reply_to)) = mail.reply_to.as_deref().map(str::parse::<Mailbox>) {
        builder = builder.reply_to(reply_to);
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(mail.text);
    match mail.html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_HTML)
                    .body(html),
            ),
        ),
        None => builder.singlepart(text),
    }
    .map_err(|e| invalid("construction", &e))
}

/// Circuit breaker for an unreachable server: probe with back-off instead of burning retries.
#[derive(Debug, Default)]
struct Breaker {
    open_until: Option<Instant>,
    backoff: Duration,
}

impl Breaker {
    const FIRST: Duration = Duration::from_millis(500);
    const MAX: Duration = Duration::from_secs(5);

    fn trip(&mut self) {
        self.backoff = if self.backoff.is_zero() {
            Self::FIRST
        } else {
            (self.backoff * 2).min(Self::MAX)
        };
        self.open_until = Some(Instant::now() + self.backoff);
    }

    fn close(&mut self) {
        self.open_until = None;
        self.backoff = Duration::ZERO;
    }
}

/// The delivery worker of one server instance.
pub struct Worker {
    db: DatabaseConnection,
    mailer: Mailer,
    default_from: String,
    host: String,
    policy: RetryPolicy,
    breaker: Breaker,
}

/// What happened to one row.
enum Outcome {
    Sent,
    Unreachable,
    Retry,
    Failed,
}

impl Worker {
    pub fn new(db: DatabaseConnection, mailer: Mailer, default_from: String, host: String) -> Self {
        Self {
            db,
            mailer,
            default_from,
            host,
            policy: RetryPolicy::default(),
            breaker: Breaker::default(),
        }
    }

    /// One pass: dead-letters expired rows, then delivers due rows (at most 50). Returns how many
    /// rows were attempted.
    pub async fn tick(&mut self) -> Result<usize, DbErr> {
        self.dead_letter_expired().await?;
        if let Some(until) = self.breaker.open_until {
            if Instant::now() < until {
                return Ok(0);
            }
            if !self.mailer.probe().await {
                self.breaker.trip();
                return Ok(0);
            }
            tracing::info!("mail server reachable again");
            self.breaker.close();
        }
        let mut handled = 0;
        while handled < 50 {
            match self.deliver_next().await? {
                None => break,
                Some(Outcome::Unreachable) => {
                    handled += 1;
                    break;
                }
                Some(_) => handled += 1,
            }
        }
        Ok(handled)
    }

    async fn deliver_next(&mut self) -> Result<Option<Outcome>, DbErr> {
        let due = || {
            outbox::Entity::find()
                .filter(outbox::Column::Status.eq(DeliveryStatus::Queued.as_str()))
                .filter(outbox::Column::NextAttemptAt.lte(Utc::now()))
                .order_by_asc(outbox::Column::NextAttemptAt)
                .order_by_asc(outbox::Column::Id)
        };
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = self.db.begin().await?;
            let Some(row) = due()
                .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                .one(&txn)
                .await?
            else {
                return Ok(None);
            };
            let outcome = self.attempt(&txn, row).await?;
            txn.commit().await?;
            Ok(Some(outcome))
        } else {
            let Some(row) = due().one(&self.db).await? else {
                return Ok(None);
            };
            let db = self.db.clone();
            Ok(Some(self.attempt(&db, row).await?))
        }
    }

    async fn attempt<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        row: outbox::Model,
    ) -> Result<Outcome, DbErr> {
        let result = match build_message(&row, &self.default_from) {
            Ok(message) => self.mailer.send(message).await,
            Err(e) => Err(e),
        };
        let attempts = row.attempts.saturating_add(1);
        let now = Utc::now();
        let kind = MailKind::parse(&row.kind);
        let municipality_id = row.municipality_id;
        let mut active: outbox::ActiveModel = row.into();
        active.attempts = Set(attempts);
        let outcome = match result {
            Ok(()) => {
                active.status = Set(DeliveryStatus::Sent.as_str().to_owned());
                active.sent_at = Set(Some(now));
                active.last_error = Set(None);
                Outcome::Sent
            }
            Err(SendError::Unreachable(reason)) => {
                tracing::warn!(attempts, error = %reason, "mail server unreachable");
                active.last_error = Set(Some(format!(
                    "Serveur de messagerie injoignable : {reason}"
                )));
                self.breaker.trip();
                Outcome::Unreachable
            }
            Err(SendError::Temporary(reason)) => {
                tracing::warn!(attempts, error = %reason, "mail temporarily refused");
                active.last_error = Set(Some(reason));
                active.next_attempt_at = Set(now + self.policy.delay_after(attempts));
                Outcome::Retry
            }
            Err(SendError::Permanent(reason)) => {
                tracing::error!(attempts, error = %reason, "mail refused for good");
                active.status = Set(DeliveryStatus::Failed.as_str().to_owned());
                active.last_error = Set(Some(reason));
                Outcome::Failed
            }
        };
        active.update(conn).await?;
        if matches!(outcome, Outcome::Failed)
            && kind != Some(MailKind::DeliveryAlert)
            && let Some(m) = municipality_id
        {
            alert_admins(conn, &self.host, m).await?;
        }
        Ok(outcome)
    }

    /// Rows still undelivered after the retry window become dead letters; their municipalities'
    /// admins are alerted (once per sweep).
    async fn dead_letter_expired(&self) -> Result<(), DbErr> {
        let cutoff: DateTime<Utc> = Utc::now() - self.policy.give_up_after;
        let expired = outbox::Entity::find()
            .filter(outbox::Column::Status.eq(DeliveryStatus::Queued.as_str()))
            .filter(outbox::Column::CreatedAt.lt(cutoff))
            .limit(500)
            .all(&self.db)
            .await?;
        if expired.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        let mut to_alert = BTreeSet::new();
        for row in &expired {
            let changed = outbox::Entity::update_many()
                .col_expr(
                    outbox::Column::Status,
                    Expr::value(DeliveryStatus::Dead.as_str()),
                )
                .filter(outbox::Column::Id.eq(row.id))
                .filter(outbox::Column::Status.eq(DeliveryStatus::Queued.as_str()))
                .exec(&txn)
                .await?;
            if changed.rows_affected == 1
                && row.kind != MailKind::DeliveryAlert.as_str()
                && let Some(m) = row.municipality_id
            {
                to_alert.insert(m);
            }
        }
        tracing::error!(
            count = expired.len(),
            "mail dead-lettered after the retry window"
        );
        for m in to_alert {
            alert_admins(&txn, &self.host, m).await?;
        }
        txn.commit().await
    }
}

/// Queues a delivery alert to every admin of the municipality.
async fn alert_admins<C: ConnectionTrait>(
    conn: &C,
    host: &str,
    municipality_id: Uuid,
) -> Result<(), DbErr> {
    let Some(m) = municipality::Entity::find_by_id(municipality_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let admin_ids: Vec<Uuid> = admin_membership::Entity::find()
        .filter(admin_membership::Column::MunicipalityId.eq(municipality_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.admin_user_id)
        .collect();
    let admins = admin_user::Entity::find()
        .filter(admin_user::Column::Id.is_in(admin_ids))
        .all(conn)
        .await?;
    let vars = MailVars {
        commune: m.name.clone(),
        date: super::service::french_date(Utc::now()),
        ..MailVars::default()
    };
    let rendered = render_for(
        conn,
        municipality_id,
        MailKind::DeliveryAlert,
        &vars,
        crate::i18n::Lang::Fr,
    )
    .await?;
    for admin in admins {
        let mail = OutgoingMail {
            to: admin.email,
            from: m.mail_from.clone(),
            reply_to: None,
            subject: rendered.subject.clone(),
            text: rendered.text.clone(),
            html: rendered.html.clone(),
        };
        enqueue(
            conn,
            host,
            Some(municipality_id),
            None,
            MailKind::DeliveryAlert,
            &mail,
        )
        .await?;
    }
    Ok(())
}

/// Background delivery loop; runs for the life of the server.
pub async fn run_worker(mut worker: Worker) {
    loop {
        match worker.tick().await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox worker"),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A captured message, for the demo mailbox page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CapturedMail {
    pub file: String,
    pub raw: String,
}

/// Reads the captured `.eml` files, newest first (demo mode only).
pub async fn read_captured(dir: &std::path::Path) -> Vec<CapturedMail> {
    let mut mails = Vec::new();
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return mails;
    };
    let mut files = Vec::new();
    while let Ok(Some(entry)) = entries.next_entry().await {
        let modified = entry.metadata().await.and_then(|m| m.modified()).ok();
        files.push((modified, entry.path()));
    }
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, path) in files.into_iter().take(50) {
        if let Ok(raw) = tokio::fs::read_to_string(&path).await {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            mails.push(CapturedMail { file, raw });
        }
    }
    mails
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_then_caps_and_spans_the_window() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_after(1), chrono::Duration::seconds(2));
        assert_eq!(p.delay_after(2), chrono::Duration::seconds(4));
        assert_eq!(p.delay_after(5), chrono::Duration::seconds(32));
        assert_eq!(p.delay_after(30), chrono::Duration::hours(1));
        assert_eq!(p.delay_after(i32::MAX), chrono::Duration::hours(1));
        // Retries never stop before the 72 h window: the cap is far below it.
        assert!(p.max_delay * 10 < p.give_up_after);
    }

    #[test]
    fn message_id_is_derived_from_the_row() {
        let id = Uuid::now_v7();
        assert_eq!(message_id(id, "mairie.fr"), message_id(id, "mairie.fr"));
        assert!(message_id(id, "mairie.fr").starts_with('<'));
        assert!(message_id(id, "mairie.fr").ends_with("@mairie.fr>"));
    }

    #[test]
    fn messages_are_multipart_with_the_stored_message_id() {
        let id = Uuid::now_v7();
        let row = outbox::Model {
            id,
            municipality_id: None,
            kind: "submission_receipt".to_owned(),
            payload: serde_json::to_value(OutgoingMail {
                to: "Camille <camille@example.org>".to_owned(),
                from: Some("Mairie <mairie@ville.fr>".to_owned()),
                reply_to: Some("accueil@ville.fr".to_owned()),
                subject: "Objet\r\nBcc: x@example.org".to_owned(),
                text: "Bonjour".to_owned(),
                html: Some("<p>Bonjour</p>".to_owned()),
            })
            .expect("json"),
            status: "pending".to_owned(),
            attempts: 0,
            next_attempt_at: Utc::now(),
            last_error: None,
            created_at: Utc::now(),
            sent_at: None,
            message_id: Some(message_id(id, "ville.fr")),
            submission_id: None,
        };
        let raw = String::from_utf8(
            build_message(&row, "i-CLEFS <x@iclefs.test>")
                .expect("message")
                .formatted(),
        )
        .expect("utf8");
        assert!(raw.contains(&format!("Message-ID: {}", message_id(id, "ville.fr"))));
        assert!(raw.contains("From: Mairie <mairie@ville.fr>"));
        assert!(raw.contains("multipart/alternative"));
        assert!(!raw.contains("\r\nBcc:"));
        let bad = outbox::Model {
            payload: serde_json::json!({"to": "not an address", "subject": "s", "text": "t"}),
            ..row
        };
        assert!(matches!(
            build_message(&bad, "x@iclefs.test"),
            Err(SendError::Permanent(_))
        ));
    }
}
