//! Retention: a processed submission is erased `retention_months` after it was processed (the
//! period each municipality announces on its service pages). Unprocessed submissions are never
//! erased: the town still owes an answer.
//!
//! Erasing removes the submission with everything that carries its personal data: answers,
//! history, acknowledgements (cascading foreign keys), agents' notes and the mails queued or sent
//! about it (the outbox keeps their text). The counters move in the same transaction. The work is
//! done in batches, so a first run after years of data does not hold a long write lock.

use super::counts;
use crate::{
    db::entities::{municipality, outbox, submission, submission_note},
    domain::SubmissionStatus,
};
use chrono::{DateTime, Months, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use std::{collections::HashMap, time::Duration};
use uuid::Uuid;

const BATCH: u64 = 500;
/// How often the server looks for expired submissions.
pub const EVERY: Duration = Duration::from_secs(3600);

/// Erases every processed submission past its municipality's retention; returns how many.
pub async fn purge(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let towns = municipality::Entity::find().all(db).await?;
    let mut erased = 0;
    for town in towns {
        let months = u32::try_from(town.retention_months.clamp(1, 120)).unwrap_or(24);
        let Some(cutoff) = now.checked_sub_months(Months::new(months)) else {
            continue;
        };
        loop {
            let expired: Vec<(Uuid, Uuid)> = submission::Entity::find()
                .select_only()
                .column(submission::Column::Id)
                .column(submission::Column::ProcedureId)
                .filter(submission::Column::MunicipalityId.eq(town.id))
                .filter(submission::Column::Status.eq(SubmissionStatus::Processed.as_str()))
                .filter(submission::Column::ProcessedAt.lt(cutoff))
                .limit(BATCH)
                .into_tuple()
                .all(db)
                .await?;
            if expired.is_empty() {
                break;
            }
            let ids: Vec<Uuid> = expired.iter().map(|(id, _)| *id).collect();
            let mut per_service: HashMap<Uuid, i64> = HashMap::new();
            for (_, procedure) in &expired {
                *per_service.entry(*procedure).or_default() += 1;
            }
            let txn = crate::db::begin_write(db).await?;
            submission_note::Entity::delete_many()
                .filter(submission_note::Column::SubmissionId.is_in(ids.clone()))
                .exec(&txn)
                .await?;
            crate::uploads::delete_for(&txn, ids.clone())
                .await
                .map_err(|e| DbErr::Custom(e.to_string()))?;
            outbox::Entity::delete_many()
                .filter(outbox::Column::SubmissionId.is_in(ids.clone()))
                .exec(&txn)
                .await?;
            let deleted = submission::Entity::delete_many()
                .filter(submission::Column::Id.is_in(ids.clone()))
                .filter(submission::Column::MunicipalityId.eq(town.id))
                .exec(&txn)
                .await?;
            for (procedure, n) in per_service {
                counts::removed(&txn, town.id, procedure, SubmissionStatus::Processed, n)
                    .await
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
            }
            txn.commit().await?;
            erased += deleted.rows_affected;
            if (expired.len() as u64) < BATCH {
                break;
            }
        }
    }
    Ok(erased)
}

/// The server's retention task: a pass at start-up, then every [`EVERY`].
pub async fn run(db: DatabaseConnection) {
    loop {
        match purge(&db, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(erased = n, "retention: processed submissions erased"),
            Err(e) => tracing::warn!(error = %e, "retention pass failed; retried later"),
        }
        match crate::citizen::live::purge_expired(&db, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                removed = n,
                "retention: expired sessions and drafts removed"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "expired sessions and drafts not purged; retried later")
            }
        }
        // Files of drafts that were never sent go with the drafts.
        let drafts_end = Utc::now() - chrono::Duration::days(crate::citizen::service::DRAFT_DAYS);
        match crate::uploads::purge_drafts(&db, drafts_end).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "retention: unsent draft files removed"),
            Err(e) => tracing::warn!(error = %e, "draft files not purged; retried later"),
        }
        tokio::time::sleep(EVERY).await;
    }
}
