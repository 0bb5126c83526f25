//! Email through a transactional outbox.
//!
//! Mails are never sent from a request: the request writes an `outbox` row in the same
//! transaction as the submission (or the agent's action), and [`run_worker`] delivers it, retrying
//! with exponential back-off. Each message's `Message-ID` is derived from its outbox row, so a
//! retry after a crash is recognisable as the same message.

use crate::db::entities::outbox;
use chrono::Utc;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use std::{path::PathBuf, time::Duration};
use uuid::Uuid;

/// Delivery is retried for at least 72 hours before the row is dead-lettered.
pub const MAX_ATTEMPTS: i32 = 20;

/// The content of an email waiting in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmailPayload {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Where mail goes (see `Settings::mail_transport`).
#[derive(Clone)]
pub enum Mailer {
    Captured(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn captured(dir: PathBuf) -> Self {
        Self::Captured(dir)
    }

    pub fn smtp(url: &str) -> Result<Self, lettre::transport::smtp::Error> {
        Ok(Self::Smtp(
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                .timeout(Some(Duration::from_secs(10)))
                .build(),
        ))
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Self::Captured(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Self::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    }
}

/// Queues an email in the caller's transaction.
pub async fn enqueue_email<C: ConnectionTrait>(
    db: &C,
    municipality_id: Option<Uuid>,
    kind: &str,
    payload: &EmailPayload,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        kind: Set(kind.to_owned()),
        payload: Set(serde_json::to_value(payload).unwrap_or_default()),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    }
    .insert(db)
    .await
    .map(|_| ())
}

fn build_message(row: &outbox::Model, from: &str, host: &str) -> Result<Message, String> {
    let payload: EmailPayload =
        serde_json::from_value(row.payload.clone()).map_err(|e| e.to_string())?;
    // lettre's builder encodes headers itself, so CR/LF in a subject cannot add a header.
    let from: Mailbox = from
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    let to: Mailbox = payload
        .to
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(payload.subject.replace(['\r', '\n'], " "))
        .message_id(Some(format!("<{}@{}>", row.id, host)))
        .header(ContentType::TEXT_PLAIN)
        .body(payload.text)
        .map_err(|e| e.to_string())
}

/// Delivers due rows once; returns how many were handled. Called in a loop by [`run_worker`].
pub async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    from: &str,
    host: &str,
) -> Result<usize, sea_orm::DbErr> {
    let due = outbox::Entity::find()
        .filter(outbox::Column::Status.eq("pending"))
        .filter(outbox::Column::NextAttemptAt.lte(Utc::now()))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(50)
        .all(db)
        .await?;
    let count = due.len();
    for row in due {
        let result = match build_message(&row, from, host) {
            Ok(message) => mailer.send(message).await,
            Err(e) => Err(format!("invalid message: {e}")),
        };
        let attempts = row.attempts.saturating_add(1);
        let mut active: outbox::ActiveModel = row.into();
        active.attempts = Set(attempts);
        match result {
            Ok(()) => {
                active.status = Set("sent".to_owned());
                active.sent_at = Set(Some(Utc::now()));
                active.last_error = Set(None);
            }
            Err(error) => {
                tracing::warn!(attempts, %error, "email delivery failed");
                active.last_error = Set(Some(error));
                if attempts >= MAX_ATTEMPTS {
                    active.status = Set("dead".to_owned());
                } else {
                    // 30 s, 1 min, 2 min ... capped at 6 h: 20 attempts span more than 72 h.
                    let delay = 30i64
                        .saturating_mul(1i64 << attempts.clamp(0, 10))
                        .min(6 * 3600);
                    active.next_attempt_at = Set(Utc::now() + chrono::Duration::seconds(delay));
                }
            }
        }
        active.update(db).await?;
    }
    Ok(count)
}

/// Background delivery loop; runs for the life of the server.
pub async fn run_worker(db: DatabaseConnection, mailer: Mailer, from: String, host: String) {
    loop {
        match deliver_due(&db, &mailer, &from, &host).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox worker"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
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
