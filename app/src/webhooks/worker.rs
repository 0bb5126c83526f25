//! The webhook delivery worker: sends queued deliveries, signed, and retries with back-off.
//!
//! * Claim: like the mail outbox, one due row at a time; on PostgreSQL under a
//!   `FOR UPDATE SKIP LOCKED` row lock held until the row is updated, so several instances never
//!   send the same row at once.
//! * Each try is signed afresh (`webhook-timestamp` is the time of the try: receivers refuse old
//!   timestamps), with the same `webhook-id`, so receivers de-duplicate retries and replays.
//! * A 2xx answer delivers. A redirect is not followed and fails the delivery at once (following
//!   it would let a receiver bounce us to an internal address). Anything else (other status,
//!   refused address, timeout, connection error) is retried after 5 s, 5 min, 30 min, 2 h, 5 h,
//!   10 h and 10 h, the schedule of the Standard Webhooks reference implementations; after the
//!   eighth try the delivery fails, stays in the log and can be replayed from the console.

use super::{
    signing::WebhookSecret,
    target::{self, TargetPolicy, TargetUrl},
    types::DeliveryState,
};
use crate::{
    crypto::SecretKey,
    db::entities::{webhook_delivery, webhook_endpoint},
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{LockBehavior, LockType},
};
use std::time::Duration;

/// Delay before try `n + 1` after `n` failed tries; `None`: give up.
pub fn retry_delay(failed_tries: i32) -> Option<chrono::Duration> {
    const SCHEDULE: [i64; 7] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
    usize::try_from(failed_tries)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| SCHEDULE.get(i))
        .map(|s| chrono::Duration::seconds(*s))
}

/// What one try gave.
#[derive(Debug)]
enum TryResult {
    Delivered(u16),
    /// Worth retrying: the status code if an answer came, and why.
    Retry(Option<u16>, String),
    /// Not worth retrying (redirect, endpoint gone or paused, unreadable secret).
    Fail(Option<u16>, String),
}

pub struct Worker {
    db: DatabaseConnection,
    client: reqwest::Client,
    key: SecretKey,
    policy: TargetPolicy,
}

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        key: SecretKey,
        policy: TargetPolicy,
    ) -> reqwest::Result<Self> {
        Ok(Self {
            db,
            client: target::client(policy)?,
            key,
            policy,
        })
    }

    /// One pass: delivers due rows (at most 20). Returns how many were tried.
    pub async fn tick(&self) -> Result<usize, DbErr> {
        let mut handled = 0;
        while handled < 20 && self.deliver_next().await? {
            handled += 1;
        }
        Ok(handled)
    }

    async fn deliver_next(&self) -> Result<bool, DbErr> {
        let due = || {
            webhook_delivery::Entity::find()
                .filter(webhook_delivery::Column::Status.eq(DeliveryState::Queued.as_str()))
                .filter(webhook_delivery::Column::NextAttemptAt.lte(Utc::now()))
                .order_by_asc(webhook_delivery::Column::NextAttemptAt)
                .order_by_asc(webhook_delivery::Column::Id)
        };
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = self.db.begin().await?;
            let Some(row) = due()
                .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                .one(&txn)
                .await?
            else {
                txn.rollback().await?;
                return Ok(false);
            };
            self.attempt(&txn, row).await?;
            txn.commit().await?;
        } else {
            let Some(row) = due().one(&self.db).await? else {
                return Ok(false);
            };
            self.attempt(&self.db, row).await?;
        }
        Ok(true)
    }

    async fn attempt<C: ConnectionTrait>(
        &self,
        conn: &C,
        row: webhook_delivery::Model,
    ) -> Result<(), DbErr> {
        let endpoint = webhook_endpoint::Entity::find_by_id(row.endpoint_id)
            .filter(webhook_endpoint::Column::MunicipalityId.eq(row.municipality_id))
            .one(conn)
            .await?;
        let result = match endpoint {
            None => TryResult::Fail(None, "Adresse de réception supprimée.".to_owned()),
            Some(e) if !e.enabled => {
                TryResult::Fail(None, "Adresse de réception en pause.".to_owned())
            }
            Some(e) => self.send(&e, &row).await,
        };
        let now = Utc::now();
        let attempts = row.attempts.saturating_add(1);
        let id = row.id;
        let mut active: webhook_delivery::ActiveModel = row.into();
        active.attempts = Set(attempts);
        active.last_attempt_at = Set(Some(now));
        match result {
            TryResult::Delivered(code) => {
                active.status = Set(DeliveryState::Delivered.as_str().to_owned());
                active.last_status_code = Set(Some(i32::from(code)));
                active.last_error = Set(None);
                active.delivered_at = Set(Some(now));
            }
            TryResult::Retry(code, reason) => {
                tracing::warn!(webhook.delivery = %id, attempts, status = ?code, "webhook not accepted");
                active.last_status_code = Set(code.map(i32::from));
                active.last_error = Set(Some(reason));
                match retry_delay(attempts) {
                    Some(delay) => active.next_attempt_at = Set(now + delay),
                    None => active.status = Set(DeliveryState::Failed.as_str().to_owned()),
                }
            }
            TryResult::Fail(code, reason) => {
                tracing::warn!(webhook.delivery = %id, attempts, status = ?code, "webhook failed");
                active.last_status_code = Set(code.map(i32::from));
                active.last_error = Set(Some(reason));
                active.status = Set(DeliveryState::Failed.as_str().to_owned());
            }
        }
        active.update(conn).await.map(|_| ())
    }

    async fn send(
        &self,
        endpoint: &webhook_endpoint::Model,
        row: &webhook_delivery::Model,
    ) -> TryResult {
        // Checked again at every try: the rule may have changed since the endpoint was saved.
        let url = match TargetUrl::parse(&endpoint.url, self.policy) {
            Ok(url) => url,
            Err(reason) => return TryResult::Retry(None, reason),
        };
        let Some(secret) = self
            .key
            .decrypt(&endpoint.secret_encrypted)
            .ok()
            .and_then(|raw| WebhookSecret::parse(&raw))
        else {
            return TryResult::Fail(
                None,
                "Secret de signature illisible (clé de l'instance changée ?) : recréez l'adresse."
                    .to_owned(),
            );
        };
        let body = match serde_json::to_vec(&row.payload) {
            Ok(b) => b,
            Err(e) => return TryResult::Fail(None, format!("Contenu illisible : {e}")),
        };
        let timestamp = Utc::now().timestamp();
        let signature = secret.sign(&row.message_id, timestamp, &body);
        let sent = self
            .client
            .post(url.url().clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &row.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                let code = status.as_u16();
                if status.is_success() {
                    TryResult::Delivered(code)
                } else if status.is_redirection() {
                    TryResult::Fail(
                        Some(code),
                        "Redirection non suivie (par sécurité) : indiquez l'adresse finale."
                            .to_owned(),
                    )
                } else {
                    TryResult::Retry(Some(code), "Réponse autre que 2xx.".to_owned())
                }
            }
            Err(e) => TryResult::Retry(None, describe(&e)),
        }
    }
}

/// A transport error in the admin's words, with our resolver's refusal when that was the cause.
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "Pas de réponse dans les 10 secondes.".to_owned();
    }
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        let text = e.to_string();
        if text.starts_with("Adresse refusée") || text.starts_with("Le nom ") {
            return text;
        }
        source = e.source();
    }
    if error.is_connect() {
        "Connexion impossible au serveur de réception.".to_owned()
    } else {
        "Échec de l'envoi.".to_owned()
    }
}

/// Background delivery loop; runs for the life of the server.
pub async fn run(worker: Worker) {
    loop {
        match worker.tick().await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "webhook worker"),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_follow_the_schedule_then_stop() {
        let secs = |n| retry_delay(n).map(|d| d.num_seconds());
        assert_eq!(secs(0), None);
        assert_eq!(secs(1), Some(5));
        assert_eq!(secs(2), Some(300));
        assert_eq!(secs(7), Some(36_000));
        assert_eq!(secs(8), None, "eight tries in all");
        assert_eq!(secs(-1), None);
        let total: i64 = (1..=7).filter_map(secs).sum();
        assert!(total > 24 * 3600, "retries span more than a day: {total}");
    }
}
