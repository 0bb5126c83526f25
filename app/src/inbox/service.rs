//! Inbox queries and transitions. Every query is filtered by the admin's `municipality_id`; an id
//! from another municipality is simply "not found".

use super::types::{
    DetailLine, InboxFilter, InboxPage, InboxRow, SubmissionDetail, TransitionLine,
};
use crate::{
    auth::CurrentAdmin,
    db::entities::{field_value, procedure, procedure_revision, submission, submission_transition},
    domain::{CertifiedIdentity, SubmissionStatus},
    error::{AppError, AppResult},
    procedures::service::revision_fields,
    state::AppState,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

pub const PAGE_SIZE: u64 = 50;

/// French local display of a timestamp (Europe/Paris offset approximated by the server's zone is
/// avoided: UTC is stated explicitly).
pub fn display_time(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y %H:%M UTC").to_string()
}

pub async fn list(
    state: &AppState,
    admin: &CurrentAdmin,
    filter: InboxFilter,
    before: Option<Uuid>,
) -> AppResult<InboxPage> {
    let scoped = || {
        submission::Entity::find()
            .filter(submission::Column::MunicipalityId.eq(admin.municipality_id))
    };
    let unprocessed = scoped()
        .filter(submission::Column::Status.eq(SubmissionStatus::Unprocessed.as_str()))
        .count(&state.db)
        .await?;
    let processed = scoped()
        .filter(submission::Column::Status.eq(SubmissionStatus::Processed.as_str()))
        .count(&state.db)
        .await?;
    let mut query = scoped();
    if let Some(status) = filter.status() {
        query = query.filter(submission::Column::Status.eq(status.as_str()));
    }
    if let Some(cursor) = before {
        // Keyset pagination on the time-ordered UUIDv7: stable under inserts, O(page) cost.
        query = query.filter(submission::Column::Id.lt(cursor));
    }
    let mut rows = query
        .order_by_desc(submission::Column::Id)
        .limit(PAGE_SIZE + 1)
        .all(&state.db)
        .await?;
    let next_cursor = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let titles: HashMap<Uuid, String> = procedure::Entity::find()
        .filter(procedure::Column::MunicipalityId.eq(admin.municipality_id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    Ok(InboxPage {
        filter,
        unprocessed,
        processed,
        rows: rows
            .into_iter()
            .map(|s| InboxRow {
                id: s.id,
                procedure_title: titles.get(&s.procedure_id).cloned().unwrap_or_default(),
                citizen_name: serde_json::from_value::<CertifiedIdentity>(s.identity)
                    .map(|i| i.display_name())
                    .unwrap_or_default(),
                created_at: display_time(s.created_at),
                status: SubmissionStatus::parse(&s.status).unwrap_or(SubmissionStatus::Unprocessed),
                reference: s.reference,
            })
            .collect(),
        next_cursor,
    })
}

async fn find_owned(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> AppResult<submission::Model> {
    submission::Entity::find_by_id(id)
        .filter(submission::Column::MunicipalityId.eq(admin.municipality_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn detail(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> AppResult<SubmissionDetail> {
    let s = find_owned(state, admin, id).await?;
    let procedure = procedure::Entity::find_by_id(s.procedure_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let revision = procedure_revision::Entity::find_by_id(s.revision_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    // Answers are shown under the revision they were given with, in that revision's order.
    let fields = revision_fields(&state.db, s.revision_id).await?;
    let values: HashMap<Uuid, serde_json::Value> = field_value::Entity::find()
        .filter(field_value::Column::SubmissionId.eq(s.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|v| (v.field_stable_id, v.value))
        .collect();
    let identity: CertifiedIdentity =
        serde_json::from_value(s.identity.clone()).unwrap_or_default();
    let history = submission_transition::Entity::find()
        .filter(submission_transition::Column::SubmissionId.eq(s.id))
        .order_by_asc(submission_transition::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let deliveries = crate::notifications::service::deliveries(state, admin, s.id).await?;
    let citizen_reachable = identity
        .get(crate::domain::IdentityClaim::Email)
        .is_some_and(|e| !e.is_empty());
    let label = |raw: &str| {
        SubmissionStatus::parse(raw)
            .map(|s| s.label_fr().to_owned())
            .unwrap_or_else(|_| raw.to_owned())
    };
    Ok(SubmissionDetail {
        id: s.id,
        reference: s.reference,
        procedure_title: procedure.title,
        revision_number: revision.number,
        status: SubmissionStatus::parse(&s.status).unwrap_or(SubmissionStatus::Unprocessed),
        created_at: display_time(s.created_at),
        identity_provider: s.identity_provider,
        identity_acr: s.identity_acr,
        identity_authenticated_at: display_time(s.identity_authenticated_at),
        identity: identity
            .claims
            .keys()
            .map(|c| DetailLine {
                label: c.label_fr().to_owned(),
                value: identity.display(*c),
            })
            .collect(),
        answers: fields
            .iter()
            .map(|f| DetailLine {
                label: f.label.clone(),
                value: f.display_answer(values.get(&f.stable_id)),
            })
            .collect(),
        history: history
            .into_iter()
            .map(|t| TransitionLine {
                at: display_time(t.created_at),
                from: t.from_status.as_deref().map(label),
                to: label(&t.to_status),
                actor: t.actor_label,
            })
            .collect(),
        deliveries,
        citizen_reachable,
    })
}

/// Moves a submission to `target`, recording who did it, in one transaction.
pub async fn set_status(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    target: SubmissionStatus,
) -> AppResult<()> {
    let txn = state.db.begin().await?;
    let s = submission::Entity::find_by_id(id)
        .filter(submission::Column::MunicipalityId.eq(admin.municipality_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = SubmissionStatus::parse(&s.status)?;
    let next = current.transition_to(target)?;
    let now = Utc::now();
    // Conditional update: two agents clicking at once produce one transition, not two.
    let updated = submission::Entity::update_many()
        .col_expr(
            submission::Column::Status,
            sea_orm::sea_query::Expr::value(next.as_str()),
        )
        .col_expr(
            submission::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            submission::Column::ProcessedAt,
            sea_orm::sea_query::Expr::value((next == SubmissionStatus::Processed).then_some(now)),
        )
        .filter(submission::Column::Id.eq(s.id))
        .filter(submission::Column::Status.eq(current.as_str()))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Cette demande vient d'être modifiée par quelqu'un d'autre.".to_owned(),
        ));
    }
    submission_transition::ActiveModel {
        id: Set(Uuid::now_v7()),
        submission_id: Set(s.id),
        from_status: Set(Some(current.as_str().to_owned())),
        to_status: Set(next.as_str().to_owned()),
        actor_admin_id: Set(Some(admin.admin_id)),
        actor_label: Set(format!("{} ({})", admin.display_name, admin.email)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
