//! Queries of `/api/v1`. Every one is scoped by the token's municipality and service scope, and a
//! submission or service outside them is `NotFound`, indistinguishable from a missing id.

use super::{
    auth::ApiClient,
    error::ApiError,
    types::{
        Acknowledgement, Answer, Field, Identity, Revision, Service, StatusChange, Submission,
    },
};
use crate::{
    db::entities::{
        field_value, procedure, procedure_revision, submission, submission_acknowledgement,
    },
    domain::{CertifiedIdentity, FieldDefinition, SubmissionStatus},
    inbox::service as inbox,
    procedures::service::{claims_of, revision_fields},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr, sea_query::Query,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 100;

/// The position after which the next page starts. Opaque to clients; any value of a documented
/// shape is a valid position, so a cursor can only be refused for its shape or its ordering.
///
/// * `c1` + 32 hex digits: the last id of a page in id order (creation order; ids are UUIDv7).
/// * `c2` + 16 hex digits + 32 hex digits: the last `(updated_at, id)` of a page in change
///   order, the order of an `updated_since` list. Reading changes in change order lets the
///   query start at `updated_since` in an index instead of walking every older submission, and
///   a submission changed again later comes back at the end of the feed, as a change feed
///   should.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    ById(Uuid),
    /// Nanoseconds since the epoch (exact on both databases) and id.
    ByChange(i64, Uuid),
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Cursor {
    pub fn encode(self) -> String {
        match self {
            Self::ById(id) => format!("c1{}", id.simple()),
            Self::ByChange(nanos, id) => format!("c2{:016x}{}", nanos, id.simple()),
        }
    }

    pub fn decode(raw: &str) -> Option<Self> {
        if let Some(hex) = raw.strip_prefix("c1") {
            return (hex.len() == 32 && is_hex(hex))
                .then(|| Uuid::try_parse(hex).ok().map(Self::ById))
                .flatten();
        }
        let hex = raw.strip_prefix("c2")?;
        if hex.len() != 48 || !is_hex(hex) {
            return None;
        }
        let (time, id) = (hex.get(..16)?, hex.get(16..)?);
        let nanos = i64::from_str_radix(time, 16).ok()?;
        Some(Self::ByChange(nanos, Uuid::try_parse(id).ok()?))
    }

    fn after(row: &submission::Model, by_change: bool) -> Self {
        match (by_change, row.updated_at.timestamp_nanos_opt()) {
            (true, Some(nanos)) => Self::ByChange(nanos, row.id),
            _ => Self::ById(row.id),
        }
    }
}

/// Where a submission sits in change order: its `updated_at`, or the time in its id when it is
/// not one of this municipality's.
async fn change_time_of(
    db: &DatabaseConnection,
    client: &ApiClient,
    id: Uuid,
) -> Result<DateTime<Utc>, ApiError> {
    let row = submission::Entity::find_by_id(id)
        .filter(submission::Column::MunicipalityId.eq(client.municipality_id))
        .one(db)
        .await?;
    Ok(match row {
        Some(r) => r.updated_at,
        None => id
            .get_timestamp()
            .map(|t| t.to_unix())
            .and_then(|(s, n)| DateTime::from_timestamp(i64::try_from(s).ok()?, n))
            .unwrap_or_default(),
    })
}

/// The smallest UUIDv7 of a millisecond: a lower bound for ids created at or after it.
fn first_id_at(at: DateTime<Utc>) -> Uuid {
    let ms = u128::try_from(at.timestamp_millis().max(0)).unwrap_or_default();
    Uuid::from_u128((ms << 80) | (0x7 << 76) | (0x2 << 62))
}

/// The filters of a submission list, parsed from the query string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub status: Option<SubmissionStatus>,
    pub created_since: Option<DateTime<Utc>>,
    pub updated_since: Option<DateTime<Utc>>,
    pub acknowledged: Option<bool>,
    pub limit: u64,
    pub cursor: Option<Cursor>,
}

fn rfc3339(name: &str, raw: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::invalid_parameter(format!(
                "« {name} » doit être une date RFC 3339, par exemple 2026-01-31T08:00:00Z."
            ))
        })
}

impl ListQuery {
    /// Unknown parameters are ignored; a known one with a bad value is refused (422).
    pub fn parse(query: Option<&str>) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
            .map_err(|_| ApiError::invalid_parameter("Paramètres de requête illisibles."))?;
        let mut q = Self {
            limit: DEFAULT_LIMIT,
            ..Self::default()
        };
        for (name, value) in &pairs {
            match name.as_str() {
                "status" => {
                    q.status = Some(SubmissionStatus::parse(value).map_err(|_| {
                        ApiError::invalid_parameter(
                            "« status » vaut « processed » ou « unprocessed ».",
                        )
                    })?);
                }
                "created_since" => q.created_since = Some(rfc3339(name, value)?),
                "updated_since" => q.updated_since = Some(rfc3339(name, value)?),
                "acknowledged" => {
                    q.acknowledged = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(ApiError::invalid_parameter(
                                "« acknowledged » vaut « true » ou « false ».",
                            ));
                        }
                    });
                }
                "limit" => {
                    q.limit = value
                        .parse::<u64>()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| {
                            ApiError::invalid_parameter(format!(
                                "« limit » est un entier de 1 à {MAX_LIMIT}."
                            ))
                        })?;
                }
                "cursor" => {
                    q.cursor = Some(Cursor::decode(value).ok_or_else(|| {
                        ApiError::invalid_parameter(
                            "« cursor » invalide : reprenez la valeur « next_cursor » d'une réponse.",
                        )
                    })?);
                }
                _ => {}
            }
        }
        Ok(q)
    }
}

/// The services the token sees, with their published revisions.
pub async fn services(
    db: &DatabaseConnection,
    client: &ApiClient,
) -> Result<Vec<Service>, ApiError> {
    let mut query = procedure::Entity::find()
        .filter(procedure::Column::MunicipalityId.eq(client.municipality_id));
    if let super::tokens::ServiceScope::Only(ids) = &client.scope {
        query = query.filter(procedure::Column::Id.is_in(ids.clone()));
    }
    let procedures = query.order_by_asc(procedure::Column::Id).all(db).await?;
    let ids: Vec<Uuid> = procedures.iter().map(|p| p.id).collect();
    let revisions = procedure_revision::Entity::find()
        .filter(procedure_revision::Column::ProcedureId.is_in(ids))
        .filter(procedure_revision::Column::PublishedAt.is_not_null())
        .order_by_asc(procedure_revision::Column::Number)
        .all(db)
        .await?;
    let mut by_procedure: HashMap<Uuid, Vec<Revision>> = HashMap::new();
    for r in revisions {
        let fields = revision_fields(db, r.id).await?;
        by_procedure
            .entry(r.procedure_id)
            .or_default()
            .push(Revision {
                id: r.id,
                number: r.number,
                published_at: r.published_at,
                identity_claims: claim_names(&r.identity_claims),
                fields: fields.iter().map(field_dto).collect(),
                answers_schema: crate::domain::schema::answers_schema(&fields),
            });
    }
    Ok(procedures
        .into_iter()
        .map(|p| {
            let revisions = by_procedure.remove(&p.id).unwrap_or_default();
            let current_revision = p
                .published_revision_id
                .and_then(|id| revisions.iter().find(|r| r.id == id).map(|r| r.number));
            Service {
                id: p.id,
                slug: p.slug,
                title: p.title,
                state: p.state,
                identity_claims: claim_names(&p.identity_claims),
                current_revision,
                revisions,
            }
        })
        .collect())
}

fn claim_names(value: &serde_json::Value) -> Vec<String> {
    claims_of(value)
        .into_iter()
        .map(|c| c.as_str().to_owned())
        .collect()
}

fn field_dto(f: &FieldDefinition) -> Field {
    Field {
        stable_id: f.stable_id,
        kind: f.kind.as_str().to_owned(),
        label: f.label.clone(),
        help: f.help.clone(),
        required: f.required,
        options: f.options.clone(),
    }
}

/// A service of the token's municipality and scope, or `not_found`.
async fn visible_service(
    db: &DatabaseConnection,
    client: &ApiClient,
    id: Uuid,
) -> Result<procedure::Model, ApiError> {
    if !client.scope.contains(id) {
        return Err(ApiError::not_found());
    }
    procedure::Entity::find_by_id(id)
        .filter(procedure::Column::MunicipalityId.eq(client.municipality_id))
        .one(db)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// A submission of the token's municipality and scope, or `not_found`.
async fn visible_submission<C: ConnectionTrait>(
    db: &C,
    client: &ApiClient,
    id: Uuid,
) -> Result<submission::Model, ApiError> {
    submission::Entity::find_by_id(id)
        .filter(submission::Column::MunicipalityId.eq(client.municipality_id))
        .one(db)
        .await?
        .filter(|s| client.scope.contains(s.procedure_id))
        .ok_or_else(ApiError::not_found)
}

/// One page of a service's submissions, oldest first (keyset on the time-ordered ids).
pub async fn list_submissions(
    db: &DatabaseConnection,
    client: &ApiClient,
    service_id: Uuid,
    q: &ListQuery,
) -> Result<(Vec<Submission>, Option<String>), ApiError> {
    let service = visible_service(db, client, service_id).await?;
    let mut query = submission::Entity::find()
        .filter(submission::Column::MunicipalityId.eq(client.municipality_id))
        .filter(submission::Column::ProcedureId.eq(service.id));
    if let Some(status) = q.status {
        query = query.filter(submission::Column::Status.eq(status.as_str()));
    }
    if let Some(since) = q.created_since {
        // Ids are time-ordered: the id bound lets the index start near `since` (with a second
        // of slack, as an id is drawn just before its row's `created_at`); the exact filter
        // follows.
        query = query
            .filter(submission::Column::Id.gte(first_id_at(since - chrono::Duration::seconds(1))))
            .filter(submission::Column::CreatedAt.gte(since));
    }
    let by_change = q.updated_since.is_some();
    if let Some(since) = q.updated_since {
        query = query.filter(submission::Column::UpdatedAt.gte(since));
    }
    if let Some(acknowledged) = q.acknowledged {
        let acked = Query::select()
            .column(submission_acknowledgement::Column::SubmissionId)
            .from(submission_acknowledgement::Entity)
            .and_where(
                submission_acknowledgement::Column::MunicipalityId.eq(client.municipality_id),
            )
            .to_owned();
        query = query.filter(if acknowledged {
            submission::Column::Id.in_subquery(acked)
        } else {
            submission::Column::Id.not_in_subquery(acked)
        });
    }
    // A cursor is a position after a submission in the list's order; one taken from the other
    // ordering is converted rather than refused (any well-formed cursor is a valid position).
    match (q.cursor, by_change) {
        (None, _) => {}
        (Some(Cursor::ById(after) | Cursor::ByChange(_, after)), false) => {
            query = query.filter(submission::Column::Id.gt(after));
        }
        (Some(cursor), true) => {
            let (at, after) = match cursor {
                Cursor::ByChange(nanos, after) => (DateTime::from_timestamp_nanos(nanos), after),
                Cursor::ById(after) => (change_time_of(db, client, after).await?, after),
            };
            query = query.filter(submission::Column::UpdatedAt.gte(at)).filter(
                sea_orm::Condition::any()
                    .add(submission::Column::UpdatedAt.gt(at))
                    .add(submission::Column::Id.gt(after)),
            );
        }
    }
    if by_change {
        query = query.order_by_asc(submission::Column::UpdatedAt);
    }
    let mut rows = query
        .order_by_asc(submission::Column::Id)
        .limit(q.limit.saturating_add(1))
        .all(db)
        .await?;
    let next = if rows.len() as u64 > q.limit {
        rows.truncate(usize::try_from(q.limit).unwrap_or(usize::MAX));
        rows.last().map(|r| Cursor::after(r, by_change).encode())
    } else {
        None
    };
    Ok((to_documents(db, rows).await?, next))
}

pub async fn submission(
    db: &DatabaseConnection,
    client: &ApiClient,
    id: Uuid,
) -> Result<Submission, ApiError> {
    let row = visible_submission(db, client, id).await?;
    to_documents(db, vec![row])
        .await?
        .pop()
        .ok_or_else(ApiError::not_found)
}

/// A file attached to a submission the token can see.
pub async fn attached_file(
    db: &DatabaseConnection,
    client: &ApiClient,
    submission_id: Uuid,
    file_id: Uuid,
) -> Result<crate::db::entities::upload::Model, ApiError> {
    let row = visible_submission(db, client, submission_id).await?;
    let file = crate::uploads::for_agent(db, client.municipality_id, row.id, file_id).await?;
    tracing::info!(submission.id = %row.id, upload.id = %file.id, api_token.id = %client.token_id, "attachment fetched through the API");
    Ok(file)
}

/// Moves a submission through the inbox's one transition path, recorded with the token as actor.
pub async fn set_status(
    db: &DatabaseConnection,
    client: &ApiClient,
    id: Uuid,
    target: SubmissionStatus,
) -> Result<StatusChange, ApiError> {
    let row = visible_submission(db, client, id).await?;
    let updated =
        inbox::transition(db, client.municipality_id, row.id, target, &client.actor()).await?;
    tracing::info!(submission.id = %id, api_token.id = %client.token_id, to = target.as_str(), "status changed through the API");
    Ok(StatusChange {
        id: updated.id,
        status: updated.status,
        updated_at: updated.updated_at,
        processed_at: updated.processed_at,
    })
}

/// Marks a submission as fetched; the first acknowledgement's time is kept.
pub async fn acknowledge(
    db: &DatabaseConnection,
    client: &ApiClient,
    id: Uuid,
) -> Result<Acknowledgement, ApiError> {
    let row = visible_submission(db, client, id).await?;
    let now = Utc::now();
    let inserted = submission_acknowledgement::ActiveModel {
        submission_id: Set(row.id),
        municipality_id: Set(client.municipality_id),
        token_id: Set(Some(client.token_id)),
        acknowledged_at: Set(now),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(ack) => Ok(Acknowledgement {
            id: row.id,
            acknowledged_at: ack.acknowledged_at,
        }),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let existing = submission_acknowledgement::Entity::find_by_id(row.id)
                .one(db)
                .await?
                .ok_or_else(ApiError::internal)?;
            Ok(Acknowledgement {
                id: row.id,
                acknowledged_at: existing.acknowledged_at,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Full documents for a page of rows, in a fixed number of queries (not one per row).
async fn to_documents(
    db: &DatabaseConnection,
    rows: Vec<submission::Model>,
) -> Result<Vec<Submission>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut revision_ids: Vec<Uuid> = rows.iter().map(|r| r.revision_id).collect();
    revision_ids.sort();
    revision_ids.dedup();
    let numbers: HashMap<Uuid, i32> = procedure_revision::Entity::find()
        .filter(procedure_revision::Column::Id.is_in(revision_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.number))
        .collect();
    let mut fields: HashMap<Uuid, Vec<FieldDefinition>> = HashMap::new();
    for id in revision_ids {
        fields.insert(id, revision_fields(db, id).await?);
    }
    let mut values: HashMap<Uuid, HashMap<Uuid, serde_json::Value>> = HashMap::new();
    for v in field_value::Entity::find()
        .filter(field_value::Column::SubmissionId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        values
            .entry(v.submission_id)
            .or_default()
            .insert(v.field_stable_id, v.value);
    }
    let acks: HashMap<Uuid, DateTime<Utc>> = submission_acknowledgement::Entity::find()
        .filter(submission_acknowledgement::Column::SubmissionId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.submission_id, a.acknowledged_at))
        .collect();
    Ok(rows
        .into_iter()
        .map(|s| {
            let identity: CertifiedIdentity =
                serde_json::from_value(s.identity.clone()).unwrap_or_default();
            let given = values.remove(&s.id).unwrap_or_default();
            let answers: BTreeMap<Uuid, Answer> = fields
                .get(&s.revision_id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|f| {
                    let value = given.get(&f.stable_id)?.clone();
                    Some((
                        f.stable_id,
                        Answer {
                            label: f.label.clone(),
                            kind: f.kind.as_str().to_owned(),
                            value,
                        },
                    ))
                })
                .collect();
            Submission {
                id: s.id,
                status: s.status,
                service_id: s.procedure_id,
                revision_id: s.revision_id,
                revision_number: numbers.get(&s.revision_id).copied().unwrap_or_default(),
                created_at: s.created_at,
                updated_at: s.updated_at,
                processed_at: s.processed_at,
                acknowledged_at: acks.get(&s.id).copied(),
                identity: Identity {
                    provider: s.identity_provider,
                    acr: s.identity_acr,
                    authenticated_at: s.identity_authenticated_at,
                    claims: identity
                        .claims
                        .into_iter()
                        .map(|(c, v)| (c.as_str().to_owned(), v))
                        .collect(),
                },
                answers,
                reference: s.reference,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = Cursor::ById(Uuid::now_v7());
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert!(c.encode().starts_with("c1") && c.encode().len() == 34);
        let nanos = Utc::now().timestamp_nanos_opt().unwrap();
        let change = Cursor::ByChange(nanos, Uuid::now_v7());
        assert_eq!(Cursor::decode(&change.encode()), Some(change));
        assert!(change.encode().starts_with("c2") && change.encode().len() == 50);
        assert_eq!(
            Cursor::decode(&format!("c2{}", &change.encode()[2..49])),
            None
        );
        for bad in [
            "",
            "x",
            "c1",
            "c2018f3c2e9a3b7a4c8d9e0f1a2b3c4d5e",
            "c1018F3C2E9A3B7A4C8D9E0F1A2B3C4D5E",
            "c1018f3c2e-a3b-7a4c8d9e0f1a2b3c4d5",
        ] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_id_bound_of_a_time_is_below_every_id_drawn_at_it() {
        let at = Utc::now();
        let bound = first_id_at(at);
        assert!(bound <= Uuid::now_v7());
        assert_eq!(bound.get_version_num(), 7);
        assert!(first_id_at(at - chrono::Duration::milliseconds(1)) < bound);
    }

    #[test]
    fn list_queries_parse_or_say_what_is_wrong() {
        let q = ListQuery::parse(Some(
            "status=processed&limit=10&created_since=2026-01-31T08:00:00%2B01:00&acknowledged=false&other=1",
        ))
        .unwrap();
        assert_eq!(q.status, Some(SubmissionStatus::Processed));
        assert_eq!(q.limit, 10);
        assert_eq!(q.acknowledged, Some(false));
        assert_eq!(
            q.created_since.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-01-31T07:00:00+00:00")
        );
        assert_eq!(ListQuery::parse(None).unwrap().limit, DEFAULT_LIMIT);
        for bad in [
            "limit=0",
            "limit=101",
            "limit=abc",
            "status=done",
            "created_since=2026-01-31",
            "updated_since=yesterday",
            "cursor=zzz",
            "acknowledged=1",
        ] {
            let e = ListQuery::parse(Some(bad)).unwrap_err();
            assert_eq!(e.status.as_u16(), 422, "{bad}");
            assert_eq!(e.code, "invalid_parameter");
        }
    }
}
