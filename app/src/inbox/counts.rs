//! Submission counts for the inbox tabs and the dashboard, at any volume.
//!
//! Exact counts come from `submission_counts`, one row per municipality, service and status,
//! moved in the same transaction as every insert ([`added`]) and transition ([`moved`]): a page
//! reads a few rows instead of counting a million. A view narrowed by a search or a date range has
//! no counter of its own; it counts at most [`CAP`] rows and shows "1 000+" beyond, so its cost
//! stays bounded too.

pub use super::types::{CAP, StatusCounts};
use crate::{
    db::entities::{submission, submission_count},
    domain::SubmissionStatus,
    error::AppResult,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, OnConflict, SelectStatement},
};
use std::collections::HashMap;
use uuid::Uuid;

async fn bump<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    procedure_id: Uuid,
    status: SubmissionStatus,
    delta: i64,
) -> AppResult<()> {
    let row = submission_count::ActiveModel {
        municipality_id: sea_orm::Set(municipality_id),
        procedure_id: sea_orm::Set(procedure_id),
        status: sea_orm::Set(status.as_str().to_owned()),
        count: sea_orm::Set(delta),
    };
    submission_count::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                submission_count::Column::MunicipalityId,
                submission_count::Column::ProcedureId,
                submission_count::Column::Status,
            ])
            .value(
                submission_count::Column::Count,
                Expr::col((submission_count::Entity, submission_count::Column::Count)).add(delta),
            )
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A new submission (call inside the transaction that inserts it).
pub async fn added<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    procedure_id: Uuid,
    status: SubmissionStatus,
) -> AppResult<()> {
    bump(db, municipality_id, procedure_id, status, 1).await
}

/// `n` submissions of `status` were erased (retention; call inside the deleting transaction).
pub async fn removed<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    procedure_id: Uuid,
    status: SubmissionStatus,
    n: i64,
) -> AppResult<()> {
    bump(db, municipality_id, procedure_id, status, -n).await
}

/// A submission changed status (call inside the transaction of the conditional update).
pub async fn moved<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    procedure_id: Uuid,
    from: SubmissionStatus,
    to: SubmissionStatus,
) -> AppResult<()> {
    if from != to {
        bump(db, municipality_id, procedure_id, from, -1).await?;
        bump(db, municipality_id, procedure_id, to, 1).await?;
    }
    Ok(())
}

/// Recomputes every counter from the submissions (the migration's backfill; for rows written
/// without going through the services, e.g. a bulk import or the benchmark's seed).
pub async fn rebuild(db: &sea_orm::DatabaseConnection) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    txn.execute_unprepared("DELETE FROM submission_counts")
        .await?;
    txn.execute_unprepared(
        "INSERT INTO submission_counts (municipality_id, procedure_id, status, count) \
         SELECT municipality_id, procedure_id, status, COUNT(*) FROM submissions \
         GROUP BY municipality_id, procedure_id, status",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Exact counts per service of a municipality.
pub async fn per_service<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
) -> AppResult<HashMap<Uuid, StatusCounts>> {
    let rows = submission_count::Entity::find()
        .filter(submission_count::Column::MunicipalityId.eq(municipality_id))
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, StatusCounts> = HashMap::new();
    for row in rows {
        if let Ok(status) = SubmissionStatus::parse(&row.status) {
            out.entry(row.procedure_id)
                .or_default()
                .add(status, u64::try_from(row.count).unwrap_or(0));
        }
    }
    Ok(out)
}

/// Exact counts of the municipality, or of one of its services.
pub async fn exact<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    service: Option<Uuid>,
) -> AppResult<StatusCounts> {
    let per = per_service(db, municipality_id).await?;
    let mut total = StatusCounts::default();
    for (procedure_id, counts) in per {
        if service.is_none_or(|s| s == procedure_id) {
            total.unprocessed += counts.unprocessed;
            total.processed += counts.processed;
        }
    }
    Ok(total)
}

/// Counts the rows of `select` in `status`, stopping at [`CAP`].
async fn capped_one<C: ConnectionTrait>(
    db: &C,
    select: sea_orm::Select<submission::Entity>,
    status: SubmissionStatus,
) -> AppResult<u64> {
    let mut select = select.filter(submission::Column::Status.eq(status.as_str()));
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // Without an order, PostgreSQL counts a common name with a sequential scan that stops
        // after CAP matches: fast when the town's rows happen to come first in the table, but
        // `synchronize_seqscans` starts the next scan where the last one stopped, and that one
        // walks the whole table (~250 ms at 2.2 million rows, one request in fifty). Ordered by
        // id, it walks the town's own (status, id) index instead, or the prefix indexes for a
        // rare name — bounded either way.
        select = select.order_by_desc(submission::Column::Id);
    }
    let inner = select
        .select_only()
        .column(submission::Column::Id)
        .limit(CAP)
        .into_query();
    let query = SelectStatement::new()
        .expr(Expr::cust("COUNT(*) AS n"))
        .from_subquery(inner, "capped")
        .to_owned();
    let n = match db.query_one(&query).await? {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Counts of a filtered selection, each at most [`CAP`].
pub async fn capped<C: ConnectionTrait>(
    db: &C,
    select: sea_orm::Select<submission::Entity>,
) -> AppResult<StatusCounts> {
    Ok(StatusCounts {
        unprocessed: capped_one(db, select.clone(), SubmissionStatus::Unprocessed).await?,
        processed: capped_one(db, select, SubmissionStatus::Processed).await?,
        capped: true,
    })
}
