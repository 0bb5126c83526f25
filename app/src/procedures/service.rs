//! Builder operations, all scoped by the admin's municipality.

use super::types::{ProcedureEditor, ProcedureSummary};
use crate::{
    auth::CurrentAdmin,
    db::entities::{field_definition, procedure, procedure_revision},
    domain::{
        FieldDefinition, FieldKind, IdentityClaim, ProcedureState, Slug, claims::parse_claims,
    },
    error::{AppError, AppResult},
    state::AppState,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

pub const MAX_TITLE_CHARS: usize = 150;
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// Input of the "new service" form, already split into fields.
pub struct NewProcedure {
    pub title: String,
    pub description: String,
    pub claims: Vec<String>,
}

/// Field-level errors of the "new service" form.
pub type FormErrors = Vec<(&'static str, String)>;

/// Creates a draft procedure with an empty first revision.
pub async fn create(
    state: &AppState,
    admin: &CurrentAdmin,
    input: NewProcedure,
) -> Result<Uuid, FormErrors> {
    let mut errors = FormErrors::new();
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        errors.push(("title", "Le titre du service est obligatoire.".to_owned()));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push((
            "title",
            format!("Le titre ne peut dépasser {MAX_TITLE_CHARS} caractères."),
        ));
    }
    let description = input.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.push((
            "description",
            format!("La description ne peut dépasser {MAX_DESCRIPTION_CHARS} caractères."),
        ));
    }
    let claims = parse_claims(input.claims.iter().map(String::as_str)).unwrap_or_else(|e| {
        errors.push(("claims", e.0));
        Vec::new()
    });
    if claims.is_empty() && errors.iter().all(|(k, _)| *k != "claims") {
        errors.push((
            "claims",
            "Choisissez au moins une donnée d'identité certifiée.".to_owned(),
        ));
    }
    let base_slug = match Slug::from_title(&title) {
        Ok(s) => Some(s),
        Err(_) if !title.is_empty() => {
            errors.push((
                "title",
                "Le titre doit contenir au moins deux lettres ou chiffres.".to_owned(),
            ));
            None
        }
        Err(_) => None,
    };
    let (Some(base_slug), true) = (base_slug, errors.is_empty()) else {
        return Err(errors);
    };
    let internal = |_| vec![("form", AppError::Internal.to_string())];
    let slug = unique_slug(&state.db, admin.municipality_id, &base_slug)
        .await
        .map_err(internal)?;
    let claims_json = serde_json::to_value(&claims).unwrap_or_default();
    let now = Utc::now();
    let procedure_id = Uuid::now_v7();
    let revision_id = Uuid::now_v7();
    let municipality_id = admin.municipality_id;
    state
        .db
        .transaction::<_, (), sea_orm::DbErr>(|txn| {
            Box::pin(async move {
                procedure::ActiveModel {
                    id: Set(procedure_id),
                    municipality_id: Set(municipality_id),
                    slug: Set(slug),
                    title: Set(title),
                    description: Set(description),
                    state: Set(ProcedureState::Draft.as_str().to_owned()),
                    identity_claims: Set(claims_json.clone()),
                    draft_revision_id: Set(None),
                    published_revision_id: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    // Assigned when the distribution kit is first shown.
                    short_code: Set(None),
                }
                .insert(txn)
                .await?;
                procedure_revision::ActiveModel {
                    id: Set(revision_id),
                    procedure_id: Set(procedure_id),
                    number: Set(1),
                    identity_claims: Set(claims_json),
                    published_at: Set(None),
                    created_at: Set(now),
                }
                .insert(txn)
                .await?;
                procedure::Entity::update_many()
                    .col_expr(
                        procedure::Column::DraftRevisionId,
                        sea_orm::sea_query::Expr::value(revision_id),
                    )
                    .filter(procedure::Column::Id.eq(procedure_id))
                    .exec(txn)
                    .await?;
                Ok(())
            })
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "creating a procedure");
            vec![("form", AppError::Internal.to_string())]
        })?;
    Ok(procedure_id)
}

async fn unique_slug<C: ConnectionTrait>(
    db: &C,
    municipality_id: Uuid,
    base: &Slug,
) -> Result<String, sea_orm::DbErr> {
    for n in 1..=50u32 {
        let candidate = if n == 1 {
            base.as_str().to_owned()
        } else {
            let stem: String = base.as_str().chars().take(Slug::MAX_LEN - 4).collect();
            format!("{}-{n}", stem.trim_end_matches('-'))
        };
        let taken = procedure::Entity::find()
            .filter(procedure::Column::MunicipalityId.eq(municipality_id))
            .filter(procedure::Column::Slug.eq(candidate.as_str()))
            .count(db)
            .await?
            > 0;
        if !taken {
            return Ok(candidate);
        }
    }
    Ok(format!(
        "{}-{}",
        base.as_str().chars().take(40).collect::<String>(),
        &Uuid::now_v7().simple().to_string()[..8]
    ))
}

/// The procedure if it belongs to the admin's municipality (404 otherwise, never 403: another
/// municipality's objects must not be revealed).
pub async fn find_owned<C: ConnectionTrait>(
    db: &C,
    admin: &CurrentAdmin,
    id: Uuid,
) -> AppResult<procedure::Model> {
    procedure::Entity::find_by_id(id)
        .filter(procedure::Column::MunicipalityId.eq(admin.municipality_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The fields of a revision in form order.
pub async fn revision_fields<C: ConnectionTrait>(
    db: &C,
    revision_id: Uuid,
) -> AppResult<Vec<FieldDefinition>> {
    let rows = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(revision_id))
        .filter(field_definition::Column::RemovedAt.is_null())
        .order_by_asc(field_definition::Column::Position)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(to_definition).collect())
}

/// The fields removed from a draft that can still be brought back, most recent first.
pub async fn removed_fields<C: ConnectionTrait>(
    db: &C,
    revision_id: Uuid,
) -> AppResult<Vec<FieldDefinition>> {
    let rows = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(revision_id))
        .filter(field_definition::Column::RemovedAt.is_not_null())
        .order_by_desc(field_definition::Column::RemovedAt)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(to_definition).collect())
}

fn to_definition(row: field_definition::Model) -> Option<FieldDefinition> {
    let kind = FieldKind::parse(&row.kind).ok()?;
    let settings: StoredSettings = row
        .settings
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    Some(FieldDefinition {
        stable_id: row.stable_id,
        kind,
        label: row.label,
        help: row.help,
        required: row.required,
        options: serde_json::from_value(row.options).unwrap_or_default(),
        rules: settings.rules,
        condition: settings.condition,
    })
}

/// The `settings` column of a field: its rules and its condition.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct StoredSettings {
    #[serde(default)]
    rules: crate::domain::rules::FieldRules,
    #[serde(default)]
    condition: Option<crate::domain::rules::Condition>,
}

fn settings_of(field: &FieldDefinition) -> Option<serde_json::Value> {
    let stored = StoredSettings {
        rules: field.rules.clone(),
        condition: field.condition.clone(),
    };
    (stored.rules != crate::domain::rules::FieldRules::default() || stored.condition.is_some())
        .then(|| serde_json::to_value(&stored).ok())
        .flatten()
}

pub fn claims_of(value: &serde_json::Value) -> Vec<IdentityClaim> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// Lists the municipality's services with their counts.
pub async fn list(state: &AppState, admin: &CurrentAdmin) -> AppResult<Vec<ProcedureSummary>> {
    let rows = procedure::Entity::find()
        .filter(procedure::Column::MunicipalityId.eq(admin.municipality_id))
        .order_by_desc(procedure::Column::UpdatedAt)
        .all(&state.db)
        .await?;
    let counts = crate::inbox::counts::per_service(&state.db, admin.municipality_id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for p in rows {
        let c = counts.get(&p.id).copied().unwrap_or_default();
        let (unprocessed, total) = (c.unprocessed, c.all());
        out.push(ProcedureSummary {
            id: p.id,
            slug: p.slug,
            title: p.title,
            state: ProcedureState::parse(&p.state).unwrap_or(ProcedureState::Draft),
            unprocessed,
            total,
        });
    }
    Ok(out)
}

/// Everything the builder page shows.
pub async fn editor(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> AppResult<ProcedureEditor> {
    let p = find_owned(&state.db, admin, id).await?;
    let editing = p
        .draft_revision_id
        .or(p.published_revision_id)
        .ok_or(AppError::NotFound)?;
    let revision = procedure_revision::Entity::find_by_id(editing)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let published_number = match p.published_revision_id {
        Some(rid) => procedure_revision::Entity::find_by_id(rid)
            .one(&state.db)
            .await?
            .map(|r| r.number),
        None => None,
    };
    let public_url = state
        .settings
        .url(&format!("/s/{}/{}", admin.municipality_slug, p.slug));
    Ok(ProcedureEditor {
        id: p.id,
        municipality_slug: admin.municipality_slug.clone(),
        slug: p.slug,
        title: p.title,
        description: p.description,
        state: ProcedureState::parse(&p.state).unwrap_or(ProcedureState::Draft),
        claims: claims_of(&revision.identity_claims),
        fields: revision_fields(&state.db, revision.id).await?,
        removed: if p.draft_revision_id == Some(revision.id) {
            removed_fields(&state.db, revision.id).await?
        } else {
            Vec::new()
        },
        revision_number: revision.number,
        has_unpublished_changes: p.draft_revision_id.is_some() && p.published_revision_id.is_some(),
        published_revision_number: published_number,
        public_url,
    })
}

/// The draft revision to edit, created from the published one when the service is online.
async fn draft_revision<C: ConnectionTrait>(db: &C, p: &procedure::Model) -> AppResult<Uuid> {
    if let Some(id) = p.draft_revision_id {
        return Ok(id);
    }
    let published = p.published_revision_id.ok_or(AppError::NotFound)?;
    let source = procedure_revision::Entity::find_by_id(published)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let new_id = Uuid::now_v7();
    procedure_revision::ActiveModel {
        id: Set(new_id),
        procedure_id: Set(p.id),
        number: Set(source.number.saturating_add(1)),
        identity_claims: Set(source.identity_claims.clone()),
        published_at: Set(None),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    let fields = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(published))
        .filter(field_definition::Column::RemovedAt.is_null())
        .all(db)
        .await?;
    for f in fields {
        field_definition::ActiveModel {
            id: Set(Uuid::now_v7()),
            revision_id: Set(new_id),
            stable_id: Set(f.stable_id),
            position: Set(f.position),
            kind: Set(f.kind),
            label: Set(f.label),
            help: Set(f.help),
            required: Set(f.required),
            options: Set(f.options),
            settings: Set(f.settings),
            removed_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    procedure::Entity::update_many()
        .col_expr(
            procedure::Column::DraftRevisionId,
            sea_orm::sea_query::Expr::value(new_id),
        )
        .filter(procedure::Column::Id.eq(p.id))
        .exec(db)
        .await?;
    Ok(new_id)
}

/// Adds a field at the end of the draft revision.
pub async fn add_field(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    field: FieldDefinition,
) -> AppResult<()> {
    let (txn, p, revision_id) = open_draft(state, admin, id).await?;
    let count = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(revision_id))
        .count(&txn)
        .await?;
    if count >= 200 {
        return Err(AppError::Validation(
            "Un service ne peut compter plus de 200 champs.".to_owned(),
        ));
    }
    // The new field comes last: its condition may use any field already there.
    if let Some(condition) = &field.condition {
        let earlier = revision_fields(&txn, revision_id).await?;
        condition
            .check_against(&earlier)
            .map_err(AppError::Validation)?;
    }
    let next_position = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(revision_id))
        .order_by_desc(field_definition::Column::Position)
        .one(&txn)
        .await?
        .map_or(0, |f| f.position.saturating_add(1));
    field_row(revision_id, next_position, &field)
        .insert(&txn)
        .await?;
    close_draft(txn, &p).await
}

/// Writes checked fields, in order, into the draft of a service that has none yet (an import).
pub async fn insert_fields(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    fields: &[FieldDefinition],
) -> AppResult<()> {
    let (txn, p, revision_id) = open_draft(state, admin, id).await?;
    for (position, field) in fields.iter().enumerate() {
        let position = i32::try_from(position).map_err(|_| AppError::Internal)?;
        field_row(revision_id, position, field).insert(&txn).await?;
    }
    close_draft(txn, &p).await
}

/// Removes a service created a moment ago whose import failed (never published: no submission
/// can point at it).
pub async fn delete_empty_draft(state: &AppState, admin: &CurrentAdmin, id: Uuid) -> AppResult<()> {
    let txn = crate::db::begin_write(&state.db).await?;
    let p = find_owned(&txn, admin, id).await?;
    if p.published_revision_id.is_some() {
        return Err(AppError::Conflict(
            "Ce service a déjà été publié.".to_owned(),
        ));
    }
    procedure::Entity::update_many()
        .col_expr(
            procedure::Column::DraftRevisionId,
            sea_orm::sea_query::Expr::value(None::<Uuid>),
        )
        .filter(procedure::Column::Id.eq(p.id))
        .exec(&txn)
        .await?;
    let revisions: Vec<Uuid> = procedure_revision::Entity::find()
        .filter(procedure_revision::Column::ProcedureId.eq(p.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    field_definition::Entity::delete_many()
        .filter(field_definition::Column::RevisionId.is_in(revisions.clone()))
        .exec(&txn)
        .await?;
    procedure_revision::Entity::delete_many()
        .filter(procedure_revision::Column::Id.is_in(revisions))
        .exec(&txn)
        .await?;
    procedure::Entity::delete_by_id(p.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a field from the draft revision (published revisions are never changed).
pub async fn delete_field(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    stable_id: Uuid,
) -> AppResult<()> {
    let (txn, p, revision_id) = open_draft(state, admin, id).await?;
    let fields = revision_fields(&txn, revision_id).await?;
    // A condition never points at a field that is gone.
    if let Some(dependent) = fields.iter().find(|f| {
        f.condition
            .as_ref()
            .is_some_and(|c| c.rules.iter().any(|r| r.field == stable_id))
    }) {
        let label = fields
            .iter()
            .find(|f| f.stable_id == stable_id)
            .map(|f| f.label.clone())
            .unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "« {} » n'est affiché que selon la réponse à « {label} » : retirez d'abord ce champ ou sa condition.",
            dependent.label
        )));
    }
    set_removed(&txn, revision_id, stable_id, Some(Utc::now())).await?;
    close_draft(txn, &p).await
}

/// Brings back a field removed from the draft, at its former place ("Annuler").
pub async fn restore_field(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    stable_id: Uuid,
) -> AppResult<()> {
    let (txn, p, revision_id) = open_draft(state, admin, id).await?;
    set_removed(&txn, revision_id, stable_id, None).await?;
    close_draft(txn, &p).await
}

/// Where a field goes in [`move_field`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

/// Swaps a field with its neighbour, unless that would put a condition before the question it
/// depends on.
pub async fn move_field(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    stable_id: Uuid,
    direction: Move,
) -> AppResult<()> {
    let (txn, p, revision_id) = open_draft(state, admin, id).await?;
    let rows = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(revision_id))
        .filter(field_definition::Column::RemovedAt.is_null())
        .order_by_asc(field_definition::Column::Position)
        .all(&txn)
        .await?;
    let at = rows
        .iter()
        .position(|r| r.stable_id == stable_id)
        .ok_or(AppError::NotFound)?;
    let other = match direction {
        Move::Up => at.checked_sub(1),
        Move::Down => Some(at + 1).filter(|i| *i < rows.len()),
    };
    let Some(other) = other else {
        // Already first (or last): nothing to do.
        return Ok(());
    };
    let (first, second) = (at.min(other), at.max(other));
    let (Some(a), Some(b)) = (rows.get(first), rows.get(second)) else {
        return Err(AppError::NotFound);
    };
    // After the swap `b` comes before `a`: refused if `b` depends on `a`.
    let depends = to_definition(b.clone())
        .and_then(|f| f.condition)
        .is_some_and(|c| c.rules.iter().any(|r| r.field == a.stable_id));
    if depends {
        return Err(AppError::Conflict(format!(
            "« {} » dépend de la réponse à « {} » : il doit rester après.",
            b.label, a.label
        )));
    }
    for (row, position) in [(a, b.position), (b, a.position)] {
        field_definition::Entity::update_many()
            .col_expr(
                field_definition::Column::Position,
                sea_orm::sea_query::Expr::value(position),
            )
            .filter(field_definition::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    close_draft(txn, &p).await
}

/// Copies a field right after itself, with a new stable id (a new question for the answers).
pub async fn duplicate_field(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
    stable_id: Uuid,
) -> AppResult<()> {
    let (txn, p, revision_id) = open_draft(state, admin, id).await?;
    let rows = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(revision_id))
        .order_by_asc(field_definition::Column::Position)
        .all(&txn)
        .await?;
    if rows.len() >= 200 {
        return Err(AppError::Validation(
            "Un service ne peut compter plus de 200 champs.".to_owned(),
        ));
    }
    let source = rows
        .iter()
        .find(|r| r.stable_id == stable_id && r.removed_at.is_none())
        .ok_or(AppError::NotFound)?
        .clone();
    // Make room right after the source.
    for row in rows.iter().filter(|r| r.position > source.position) {
        field_definition::Entity::update_many()
            .col_expr(
                field_definition::Column::Position,
                sea_orm::sea_query::Expr::value(row.position.saturating_add(1)),
            )
            .filter(field_definition::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    let label: String = format!("{} (copie)", source.label)
        .chars()
        .take(crate::domain::field::MAX_LABEL_CHARS)
        .collect();
    field_definition::ActiveModel {
        id: Set(Uuid::now_v7()),
        revision_id: Set(revision_id),
        stable_id: Set(Uuid::now_v7()),
        position: Set(source.position.saturating_add(1)),
        kind: Set(source.kind),
        label: Set(label),
        help: Set(source.help),
        required: Set(source.required),
        options: Set(source.options),
        settings: Set(source.settings),
        removed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    close_draft(txn, &p).await
}

/// The write transaction of a change to the draft of service `id` (created from the published
/// revision if needed): the transaction, the service and the draft revision's id.
async fn open_draft(
    state: &AppState,
    admin: &CurrentAdmin,
    id: Uuid,
) -> AppResult<(sea_orm::DatabaseTransaction, procedure::Model, Uuid)> {
    let txn = crate::db::begin_write(&state.db).await?;
    let p = find_owned(&txn, admin, id).await?;
    let revision_id = draft_revision(&txn, &p).await?;
    Ok((txn, p, revision_id))
}

/// Ends a change opened by [`open_draft`]: the service is marked as changed, then committed.
async fn close_draft(txn: sea_orm::DatabaseTransaction, p: &procedure::Model) -> AppResult<()> {
    touch(&txn, p.id).await?;
    txn.commit().await?;
    Ok(())
}

/// The row of `field` at `position` in revision `revision_id`.
fn field_row(
    revision_id: Uuid,
    position: i32,
    field: &FieldDefinition,
) -> field_definition::ActiveModel {
    field_definition::ActiveModel {
        id: Set(Uuid::now_v7()),
        revision_id: Set(revision_id),
        stable_id: Set(field.stable_id),
        position: Set(position),
        kind: Set(field.kind.as_str().to_owned()),
        label: Set(field.label.clone()),
        help: Set(field.help.clone()),
        required: Set(field.required),
        options: Set(serde_json::to_value(&field.options).unwrap_or_default()),
        settings: Set(settings_of(field)),
        removed_at: Set(None),
    }
}

/// Marks a draft field removed (`Some(when)`) or brings it back (`None`); not found if it is
/// not in that state.
async fn set_removed<C: ConnectionTrait>(
    db: &C,
    revision_id: Uuid,
    stable_id: Uuid,
    removed_at: Option<chrono::DateTime<Utc>>,
) -> AppResult<()> {
    let currently = if removed_at.is_some() {
        field_definition::Column::RemovedAt.is_null()
    } else {
        field_definition::Column::RemovedAt.is_not_null()
    };
    let changed = field_definition::Entity::update_many()
        .col_expr(
            field_definition::Column::RemovedAt,
            sea_orm::sea_query::Expr::value(removed_at),
        )
        .filter(field_definition::Column::RevisionId.eq(revision_id))
        .filter(field_definition::Column::StableId.eq(stable_id))
        .filter(currently)
        .exec(db)
        .await?;
    if changed.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

async fn touch<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<()> {
    procedure::Entity::update_many()
        .col_expr(
            procedure::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(procedure::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Freezes the draft revision and puts the service online.
pub async fn publish(state: &AppState, admin: &CurrentAdmin, id: Uuid) -> AppResult<()> {
    let txn = crate::db::begin_write(&state.db).await?;
    let p = find_owned(&txn, admin, id).await?;
    let current = ProcedureState::parse(&p.state).unwrap_or(ProcedureState::Draft);
    let Some(draft) = p.draft_revision_id else {
        if current.accepts_submissions() {
            return Err(AppError::Conflict(
                "Ce service est déjà en ligne et n'a pas de modification à publier.".to_owned(),
            ));
        }
        // A closed service without pending edits is simply reopened.
        return set_state(txn, p.id, ProcedureState::Online).await;
    };
    // What was removed from the draft is gone for good once it is frozen.
    field_definition::Entity::delete_many()
        .filter(field_definition::Column::RevisionId.eq(draft))
        .filter(field_definition::Column::RemovedAt.is_not_null())
        .exec(&txn)
        .await?;
    let field_count = field_definition::Entity::find()
        .filter(field_definition::Column::RevisionId.eq(draft))
        .count(&txn)
        .await?;
    if field_count == 0 && claims_of(&p.identity_claims).is_empty() {
        return Err(AppError::Validation(
            "Ajoutez au moins un champ avant de publier.".to_owned(),
        ));
    }
    procedure_revision::Entity::update_many()
        .col_expr(
            procedure_revision::Column::PublishedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(procedure_revision::Column::Id.eq(draft))
        .exec(&txn)
        .await?;
    procedure::Entity::update_many()
        .col_expr(
            procedure::Column::PublishedRevisionId,
            sea_orm::sea_query::Expr::value(draft),
        )
        .col_expr(
            procedure::Column::DraftRevisionId,
            sea_orm::sea_query::Expr::value(Option::<Uuid>::None),
        )
        .filter(procedure::Column::Id.eq(p.id))
        .exec(&txn)
        .await?;
    set_state(txn, p.id, ProcedureState::Online).await
}

/// Closes an online service: the page stays, new submissions are refused.
pub async fn close(state: &AppState, admin: &CurrentAdmin, id: Uuid) -> AppResult<()> {
    let txn = crate::db::begin_write(&state.db).await?;
    let p = find_owned(&txn, admin, id).await?;
    if ProcedureState::parse(&p.state) != Ok(ProcedureState::Online) {
        return Err(AppError::Conflict(
            "Seul un service en ligne peut être fermé.".to_owned(),
        ));
    }
    set_state(txn, p.id, ProcedureState::Closed).await
}

async fn set_state(
    txn: sea_orm::DatabaseTransaction,
    id: Uuid,
    target: ProcedureState,
) -> AppResult<()> {
    procedure::Entity::update_many()
        .col_expr(
            procedure::Column::State,
            sea_orm::sea_query::Expr::value(target.as_str()),
        )
        .col_expr(
            procedure::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(procedure::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
