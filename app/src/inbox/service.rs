//! Inbox queries and transitions. Every query is filtered by the admin's `municipality_id`; an id
//! from another municipality is simply "not found".

use super::types::{
    DetailLine, InboxPage, InboxQuery, InboxRow, InboxSort, SubmissionDetail, TransitionLine,
};
use crate::{
    auth::CurrentAdmin,
    db::entities::{
        field_value, procedure, procedure_revision, submission, submission_note,
        submission_transition,
    },
    domain::{CertifiedIdentity, SubmissionStatus},
    error::{AppError, AppResult},
    procedures::service::revision_fields,
    state::AppState,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

pub const PAGE_SIZE: u64 = 50;

/// French local display of a timestamp (Europe/Paris offset approximated by the server's zone is
/// avoided: UTC is stated explicitly).
pub fn display_time(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y %H:%M UTC").to_string()
}

/// The smallest UUIDv7 of a millisecond: ids are time-ordered, so a date range is an id range
/// and uses the same index as the pagination.
fn uuid_floor(ms: i64) -> Uuid {
    let ms = u128::try_from(ms.max(0)).unwrap_or_default() & 0xFFFF_FFFF_FFFF;
    Uuid::from_u128((ms << 80) | (0x7 << 76) | (0x2 << 62))
}

fn day_floor(day: chrono::NaiveDate) -> Uuid {
    uuid_floor(
        day.and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_millis())
            .unwrap_or_default(),
    )
}

/// How a name or reference search is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchPlan {
    /// Through the prefix indexes: best when few rows match (they are then sorted by date).
    ByPrefixIndex,
    /// By walking the date-ordered index and testing each row: best when many rows match, as a
    /// page of 50 is found after a few hundred rows instead of sorting every match.
    ByDateOrder,
}

/// The submissions of the agent's municipality selected by `q` (status, cursor and order aside).
pub(crate) fn selection(
    backend: sea_orm::DatabaseBackend,
    admin: &CurrentAdmin,
    q: &InboxQuery,
    plan: SearchPlan,
) -> sea_orm::Select<submission::Entity> {
    use sea_orm::sea_query::Condition;
    let mut query = submission::Entity::find()
        .filter(submission::Column::MunicipalityId.eq(admin.municipality_id));
    if let Some(service) = q.service {
        query = query.filter(submission::Column::ProcedureId.eq(service));
    }
    if let Some(search) = &q.search {
        // Prefix match only (no leading wildcard), written so each database uses its index:
        // GLOB on SQLite (binary collation), LIKE on PostgreSQL (`text_pattern_ops` index).
        // Wildcards typed by the agent are dropped: no reference or name contains them.
        let cleaned: String = search
            .chars()
            .filter(|c| !matches!(c, '%' | '_' | '\\' | '*' | '?' | '[' | ']'))
            .collect();
        let (reference, name) = (cleaned.to_uppercase(), cleaned.to_lowercase());
        let condition = if backend == sea_orm::DatabaseBackend::Postgres {
            Condition::any()
                .add(submission::Column::Reference.like(format!("{reference}%")))
                .add(submission::Column::SearchName.like(format!("{name}%")))
        } else {
            use sea_orm::sea_query::Expr;
            // SQLite's unary `+` keeps a term from using an index: the planner then walks the
            // date-ordered index instead (PostgreSQL's planner makes that choice from its
            // statistics).
            let unindexed = if plan == SearchPlan::ByDateOrder {
                "+"
            } else {
                ""
            };
            Condition::any()
                .add(Expr::cust_with_values(
                    format!("{unindexed}reference GLOB ?"),
                    [format!("{reference}*")],
                ))
                .add(Expr::cust_with_values(
                    format!("{unindexed}search_name GLOB ?"),
                    [format!("{name}*")],
                ))
        };
        query = query.filter(condition);
    }
    if let Some(from) = q.from {
        query = query.filter(submission::Column::Id.gte(day_floor(from)));
    }
    if let Some(to) = q.to.and_then(|d| d.succ_opt()) {
        query = query.filter(submission::Column::Id.lt(day_floor(to)));
    }
    query
}

pub async fn list(
    state: &AppState,
    admin: &CurrentAdmin,
    q: InboxQuery,
    notices: Vec<String>,
) -> AppResult<InboxPage> {
    let backend = state.db.get_database_backend();
    // Exact counts come from the counters; a search or a date range counts up to a cap.
    let counts = if q.search.is_none() && q.from.is_none() && q.to.is_none() {
        super::counts::exact(&state.db, admin.municipality_id, q.service).await?
    } else {
        super::counts::capped(
            &state.db,
            selection(backend, admin, &q, SearchPlan::ByPrefixIndex),
        )
        .await?
    };
    // The capped counts tell how many rows match: sort a few, or walk the dates past many.
    let plan = if counts.capped && counts.all() >= super::counts::CAP {
        SearchPlan::ByDateOrder
    } else {
        SearchPlan::ByPrefixIndex
    };
    let mut query = selection(backend, admin, &q, plan);
    if let Some(status) = q.status {
        query = query.filter(submission::Column::Status.eq(status.as_str()));
    }
    // Keyset pagination on the time-ordered UUIDv7: stable under inserts, O(page) cost.
    query = match (q.sort, q.after) {
        (InboxSort::Newest, Some(c)) => query.filter(submission::Column::Id.lt(c)),
        (InboxSort::Oldest, Some(c)) => query.filter(submission::Column::Id.gt(c)),
        (_, None) => query,
    };
    query = match q.sort {
        InboxSort::Newest => query.order_by_desc(submission::Column::Id),
        InboxSort::Oldest => query.order_by_asc(submission::Column::Id),
    };
    let mut rows = query.limit(PAGE_SIZE + 1).all(&state.db).await?;
    let next_cursor = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let services: Vec<(Uuid, String)> = procedure::Entity::find()
        .filter(procedure::Column::MunicipalityId.eq(admin.municipality_id))
        .order_by_asc(procedure::Column::Title)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let titles: HashMap<Uuid, String> = services.iter().cloned().collect();
    Ok(InboxPage {
        query: q,
        counts,
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
        services,
        notices,
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
    // Which attached files no antivirus has seen (said beside their download). The bytes stay
    // in the database: only the two columns are read.
    let not_scanned: Vec<String> = crate::db::entities::upload::Entity::find()
        .select_only()
        .column(crate::db::entities::upload::Column::Id)
        .filter(crate::db::entities::upload::Column::SubmissionId.eq(s.id))
        .filter(crate::db::entities::upload::Column::MunicipalityId.eq(admin.municipality_id))
        .filter(crate::db::entities::upload::Column::ScanStatus.ne("clean"))
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|id| id.to_string())
        .collect();
    let history = submission_transition::Entity::find()
        .filter(submission_transition::Column::SubmissionId.eq(s.id))
        .order_by_asc(submission_transition::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let deliveries = crate::notifications::service::deliveries(state, admin, s.id).await?;
    let notes = submission_note::Entity::find()
        .filter(submission_note::Column::SubmissionId.eq(s.id))
        .filter(submission_note::Column::MunicipalityId.eq(admin.municipality_id))
        .order_by_asc(submission_note::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|n| super::types::NoteLine {
            at: display_time(n.created_at),
            author: n.author_label,
            body: n.body,
        })
        .collect();
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
                download: None,
            })
            .collect(),
        answers: fields
            .iter()
            .filter(|f| f.kind.takes_answer())
            .map(|f| {
                let value = values.get(&f.stable_id);
                let file_id = value
                    .filter(|_| f.kind == crate::domain::FieldKind::File)
                    .and_then(|v| v.get("id")?.as_str());
                let mut shown = f.display_answer(value);
                if file_id.is_some_and(|id| not_scanned.iter().any(|n| n == id)) {
                    shown.push_str(" – non analysé par un antivirus");
                }
                DetailLine {
                    label: f.label.clone(),
                    value: shown,
                    download: value
                        .filter(|_| f.kind == crate::domain::FieldKind::File)
                        .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
                        .map(|file| format!("/admin/submissions/{}/fichiers/{file}", s.id)),
                }
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
        notes,
    })
}

/// Who moves a submission, as its history records it.
#[derive(Debug, Clone)]
pub enum Actor {
    Admin {
        id: Uuid,
        label: String,
    },
    /// A business tool through `/api/v1`, identified by its token.
    ApiToken {
        id: Uuid,
        label: String,
    },
}

impl Actor {
    pub fn admin(admin: &CurrentAdmin) -> Self {
        Self::Admin {
            id: admin.admin_id,
            label: format!("{} ({})", admin.display_name, admin.email),
        }
    }
}

/// Moves a submission to `target`, recording who did it, in one transaction.
pub async fn set_status(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    target: SubmissionStatus,
) -> AppResult<()> {
    transition(
        &state.db,
        admin.municipality_id,
        id,
        target,
        &Actor::admin(admin),
    )
    .await
    .map(|_| ())
}

/// The one transition path of a submission (console and API): guarded by the domain rule,
/// conditional on the current status, with its history line and the inbox counters, in one
/// transaction. Returns the updated row; a submission of another municipality is `NotFound`.
pub async fn transition(
    db: &sea_orm::DatabaseConnection,
    municipality_id: Uuid,
    id: Uuid,
    target: SubmissionStatus,
    actor: &Actor,
) -> AppResult<submission::Model> {
    let s = submission::Entity::find_by_id(id)
        .filter(submission::Column::MunicipalityId.eq(municipality_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = SubmissionStatus::parse(&s.status)?;
    let next = current.transition_to(target)?;
    let now = Utc::now();
    // The transaction starts with its write: on SQLite a read-then-write transaction fails at
    // once (SQLITE_BUSY_SNAPSHOT) if another connection wrote in between, while a first write
    // waits for the lock. The conditional update re-checks the status read above.
    let txn = crate::db::begin_write(db).await?;
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
        .filter(submission::Column::MunicipalityId.eq(municipality_id))
        .filter(submission::Column::Status.eq(current.as_str()))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict(
            "Cette demande vient d'être modifiée par quelqu'un d'autre.".to_owned(),
        ));
    }
    super::counts::moved(&txn, s.municipality_id, s.procedure_id, current, next).await?;
    let (actor_admin_id, actor_api_token_id, actor_label) = match actor {
        Actor::Admin { id, label } => (Some(*id), None, label.clone()),
        Actor::ApiToken { id, label } => (None, Some(*id), label.clone()),
    };
    submission_transition::ActiveModel {
        id: Set(Uuid::now_v7()),
        submission_id: Set(s.id),
        from_status: Set(Some(current.as_str().to_owned())),
        to_status: Set(next.as_str().to_owned()),
        actor_admin_id: Set(actor_admin_id),
        actor_label: Set(actor_label),
        actor_api_token_id: Set(actor_api_token_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let updated = submission::Model {
        status: next.as_str().to_owned(),
        updated_at: now,
        processed_at: (next == SubmissionStatus::Processed).then_some(now),
        ..s
    };
    if next == SubmissionStatus::Processed {
        crate::webhooks::service::emit(
            &txn,
            municipality_id,
            crate::webhooks::types::EventType::SubmissionProcessed,
            crate::webhooks::service::submission_data(&updated),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(updated)
}

/// Moves each submission to `target`; ones already there (or not this municipality's) are
/// skipped. Returns how many changed.
pub async fn set_status_many(
    state: &AppState,
    admin: &CurrentAdmin,
    ids: &[Uuid],
    target: SubmissionStatus,
) -> AppResult<usize> {
    let mut changed = 0;
    for id in ids {
        match set_status(state, admin, *id, target).await {
            Ok(()) => changed += 1,
            Err(AppError::NotFound | AppError::Conflict(_) | AppError::Validation(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(changed)
}

/// Longest private note.
pub const MAX_NOTE_CHARS: usize = 5_000;

/// Adds an agent's private note to a submission of their municipality.
pub async fn add_note(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    body: &str,
) -> AppResult<()> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::Validation(format!(
            "Écrivez une note de 1 à {MAX_NOTE_CHARS} caractères."
        )));
    }
    let s = find_owned(state, admin, id).await?;
    submission_note::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(admin.municipality_id),
        submission_id: Set(s.id),
        author_label: Set(format!("{} ({})", admin.display_name, admin.email)),
        body: Set(body.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(&state.db)
    .await?;
    Ok(())
}
