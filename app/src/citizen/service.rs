//! Citizen-side operations. Each takes the municipality and service slugs from the URL and the
//! identity from the session bound to that municipality.

use super::live::{self, DraftKey, DraftValue, LiveSession};
use super::types::{
    ConfirmationPage, FormPage, IdentityLine, LandingPage, LoginBrand, Logo, RecapLine, RecapPage,
    ServiceHeader,
};
use crate::i18n::{Lang, catalogue as t};
use crate::{
    auth::{CitizenSession, session},
    crypto::random_bytes,
    db::entities::{
        draft, field_value, identity_provider_config, municipality, procedure, procedure_revision,
        submission, submission_transition,
    },
    domain::{
        FieldError, IdentityClaim, ProcedureState, SubmissionReference, SubmissionStatus,
        field::{RawAnswers, validate_answers},
    },
    error::{AppError, AppResult},
    identity::{ProviderConfig, ProviderPreset},
    notifications::service::{SubmissionMail, queue_submission_mails},
    procedures::service::{claims_of, revision_fields},
    state::{AppState, Mode},
};
use crate::{
    distribution::service::{Counter, count_quietly},
    domain::Channel,
};
use chrono::{Duration, Utc};
use http::HeaderMap;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr,
};
use std::sync::Arc;
use uuid::Uuid;

/// Drafts are kept this long after the last change, so a citizen whose identity session expired
/// can log in again and find their answers.
pub const DRAFT_DAYS: i64 = 14;

/// A published service, resolved from its URL.
pub struct Resolved {
    pub municipality: municipality::Model,
    pub procedure: procedure::Model,
    pub revision: procedure_revision::Model,
    pub state: ProcedureState,
    pub provider: Option<identity_provider_config::Model>,
    /// The published revision's fields, in order (immutable once published).
    pub fields: Vec<crate::domain::FieldDefinition>,
}

impl Resolved {
    pub fn claims(&self) -> Vec<IdentityClaim> {
        claims_of(&self.revision.identity_claims)
    }

    /// The language this municipality offers that the request asks for.
    pub fn lang(&self, headers: &HeaderMap) -> Lang {
        crate::i18n::from_headers(headers, Lang::offered(&self.municipality.country))
    }

    fn preset(&self) -> Option<ProviderPreset> {
        self.provider
            .as_ref()
            .and_then(|p| ProviderPreset::find(&p.preset))
    }

    /// The login button, and who certifies the identity.
    pub fn login(&self) -> LoginBrand {
        self.preset().map_or(LoginBrand::FranceConnect, |p| p.brand)
    }

    pub fn header(&self, settings_mode: Mode, lang: Lang) -> ServiceHeader {
        let preset = self.preset();
        ServiceHeader {
            municipality_slug: self.municipality.slug.clone(),
            municipality_name: self.municipality.name.clone(),
            contact_email: self.municipality.contact_email.clone(),
            slug: self.procedure.slug.clone(),
            title: self.procedure.title.clone(),
            description: self.procedure.description.clone(),
            state: self.state,
            // What the provider cannot certify is never asked for, so it is not announced.
            claims: self
                .claims()
                .into_iter()
                .filter(|c| preset.is_none_or(|p| p.provides(*c)))
                .collect(),
            login: self.login(),
            lang,
            langs: Lang::offered(&self.municipality.country).to_vec(),
            dpo_contact: self.municipality.dpo_contact.clone(),
            retention_months: self.municipality.retention_months,
            demo: settings_mode == Mode::Demo && preset.is_some_and(|p| p.key == "demo"),
            logo: crate::branding::logo::address(&self.municipality).map(|src| Logo {
                src,
                alt: self.municipality.logo_alt.clone().unwrap_or_default(),
            }),
        }
    }
}

/// Finds a service that has been published at least once (drafts are invisible to citizens).
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    municipality_slug: &str,
    service_slug: &str,
) -> AppResult<Resolved> {
    let municipality = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(municipality_slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let procedure = procedure::Entity::find()
        .filter(procedure::Column::MunicipalityId.eq(municipality.id))
        .filter(procedure::Column::Slug.eq(service_slug))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let revision_id = procedure.published_revision_id.ok_or(AppError::NotFound)?;
    let revision = procedure_revision::Entity::find_by_id(revision_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let state = ProcedureState::parse(&procedure.state).unwrap_or(ProcedureState::Closed);
    let provider = identity_provider_config::Entity::find()
        .filter(identity_provider_config::Column::MunicipalityId.eq(municipality.id))
        .one(db)
        .await?;
    let fields = revision_fields(db, revision.id).await?;
    Ok(Resolved {
        municipality,
        procedure,
        revision,
        state,
        provider,
        fields,
    })
}

/// [`resolve`], through the in-memory cache of published services (`citizen::published`): what
/// citizen pages use. Sending a request reads the database itself.
pub async fn published(state: &AppState, m: &str, s: &str) -> AppResult<Arc<Resolved>> {
    if let Some(found) = state.published.get(m, s) {
        return Ok(found);
    }
    let generation = state.published.generation();
    let found = Arc::new(resolve(&state.db, m, s).await?);
    state.published.put(m, s, generation, Arc::clone(&found));
    Ok(found)
}

/// The municipality's provider with its secret decrypted.
pub fn provider_config(
    state: &AppState,
    row: &identity_provider_config::Model,
) -> AppResult<ProviderConfig> {
    let preset = ProviderPreset::find(&row.preset).ok_or(AppError::Internal)?;
    if preset.key == "demo" && state.settings.mode != Mode::Demo {
        // The demo provider must never certify anyone in production.
        return Err(AppError::Unavailable(
            "Le fournisseur d'identité de démonstration est désactivé sur cette instance."
                .to_owned(),
        ));
    }
    let client_secret = state.settings.secret_key.decrypt(&row.client_secret_encrypted).map_err(|e| {
        tracing::error!(error = %e, municipality.id = %row.municipality_id, "client secret unreadable");
        AppError::Internal
    })?;
    Ok(ProviderConfig {
        preset,
        issuer: row.issuer.clone(),
        client_id: row.client_id.clone(),
        client_secret,
    })
}

/// The request's language for municipality `m` (for messages built outside a page's data).
pub async fn lang_of(state: &AppState, headers: &HeaderMap, m: &str) -> Lang {
    let country = municipality::Entity::find()
        .filter(municipality::Column::Slug.eq(m))
        .one(&state.db)
        .await
        .ok()
        .flatten()
        .map(|row| row.country)
        .unwrap_or_default();
    crate::i18n::from_headers(headers, Lang::offered(&country))
}

pub async fn landing(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
    channel: Channel,
) -> AppResult<LandingPage> {
    let r = published(state, m, s).await?;
    let logged_in = citizen_of(state, headers, &r).await?.is_some();
    Ok(LandingPage {
        service: r.header(state.settings.mode, r.lang(headers)),
        logged_in,
        identity_configured: r.provider.is_some(),
        channel,
    })
}

fn identity_lines(
    citizen: &CitizenSession,
    claims: &[IdentityClaim],
    lang: Lang,
) -> Vec<IdentityLine> {
    claims
        .iter()
        .map(|c| IdentityLine {
            claim: *c,
            label: c.label(lang).to_owned(),
            value: citizen.identity.display_in(*c, lang),
        })
        .collect()
}

/// The request's live citizen session, if it was opened for this municipality: each citizen
/// session is bound to its municipality, another town's is ignored.
async fn citizen_of(
    state: &AppState,
    headers: &HeaderMap,
    r: &Resolved,
) -> AppResult<Option<Arc<LiveSession>>> {
    Ok(live::current(state, headers)
        .await?
        .filter(|s| s.municipality_id == Some(r.municipality.id)))
}

/// A citizen allowed to fill this service: logged in for this municipality, with every claim
/// the service needs. Anything else sends them back to the service page to log in.
pub async fn require_citizen(
    state: &AppState,
    headers: &HeaderMap,
    r: &Resolved,
) -> AppResult<Arc<LiveSession>> {
    allowed(citizen_of(state, headers, r).await?, r)
}

fn allowed(found: Option<Arc<LiveSession>>, r: &Resolved) -> AppResult<Arc<LiveSession>> {
    let found = found.ok_or(AppError::Unauthorized)?;
    if found.municipality_id != Some(r.municipality.id)
        || r.claims()
            .iter()
            .any(|c| !found.citizen.granted.contains(c))
    {
        return Err(AppError::Unauthorized);
    }
    Ok(found)
}

fn draft_key(r: &Resolved, subject: &str) -> DraftKey {
    DraftKey {
        municipality_id: r.municipality.id,
        procedure_id: r.procedure.id,
        subject: subject.to_owned(),
    }
}

/// [`require_citizen`] and the citizen's live draft of this service. The form, the recap and the
/// final send all need both: from memory when this server is alone on its database (no query at
/// all), otherwise in one query — the session row joined to `drafts` by the provider's subject
/// (`sessions.subject`); on SQLite each query is a round trip to the connection's thread, the
/// largest cost of these pages. A session opened before the column existed has no subject and
/// takes a second query for its draft.
pub async fn require_citizen_and_draft(
    state: &AppState,
    headers: &HeaderMap,
    r: &Resolved,
) -> AppResult<(Arc<LiveSession>, DraftValue)> {
    let id = session::key(headers, &state.settings, session::SessionKind::Citizen)
        .ok_or(AppError::Unauthorized)?;
    let (found, draft) = match state.citizens.sessions.get(&id) {
        Some(found) => (found, None),
        None => session_and_draft(state, id, r).await?,
    };
    let found = allowed(live::alive(state, found).await?, r)?;
    let draft = match draft {
        Some(joined) => joined,
        None => find_draft(state, r, &found.citizen.sub).await?,
    };
    Ok((found, draft))
}

/// Reads the session stored under `id` joined to its draft of this service, and keeps both in
/// memory. The draft is `None` when the session has no subject to join on.
async fn session_and_draft(
    state: &AppState,
    id: String,
    r: &Resolved,
) -> AppResult<(Arc<LiveSession>, Option<DraftValue>)> {
    use crate::db::entities::session as session_row;
    use sea_orm::{JoinType, QuerySelect, RelationDef};
    let query = session::by_key(id, session::SessionKind::Citizen);
    let scope = DraftScope::of(r);
    let to_draft: RelationDef = session_row::Entity::belongs_to(draft::Entity)
        .from(session_row::Column::Subject)
        .to(draft::Column::IdentitySub)
        .on_condition(move |_, d| scope.on(d))
        .into();
    let tickets = (
        state.citizens.sessions.ticket(),
        state.citizens.drafts.ticket(),
    );
    let (row, joined) = query
        .select_also(draft::Entity)
        .join(JoinType::LeftJoin, to_draft)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let found = Arc::new(LiveSession::of(row).ok_or(AppError::Unauthorized)?);
    state
        .citizens
        .sessions
        .keep(found.id.clone(), tickets.0, Arc::clone(&found));
    let draft = found.subject.as_deref().map(|subject| {
        let draft: DraftValue = joined.map(Arc::new);
        state
            .citizens
            .drafts
            .keep(draft_key(r, subject), tickets.1, draft.clone());
        draft
    });
    Ok((found, draft))
}

fn ensure_open(r: &Resolved, headers: &HeaderMap) -> AppResult<()> {
    if r.state.accepts_submissions() {
        Ok(())
    } else {
        Err(AppError::Conflict(
            t::CLOSED_NOTICE.get(r.lang(headers)).to_owned(),
        ))
    }
}

/// What makes a draft count for this service: its municipality, its service, not expired. The
/// citizen (`identity_sub`) is added by each reader: a filter, or the session join.
#[derive(Clone, Copy)]
struct DraftScope {
    municipality_id: Uuid,
    procedure_id: Uuid,
    now: chrono::DateTime<Utc>,
}

impl DraftScope {
    fn of(r: &Resolved) -> Self {
        Self {
            municipality_id: r.municipality.id,
            procedure_id: r.procedure.id,
            now: Utc::now(),
        }
    }

    /// The scope on the `drafts` table named `table` (its alias in a join).
    fn on(self, table: sea_orm::sea_query::DynIden) -> sea_orm::Condition {
        use sea_orm::sea_query::{Expr, ExprTrait};
        sea_orm::Condition::all()
            .add(Expr::col((table.clone(), draft::Column::MunicipalityId)).eq(self.municipality_id))
            .add(Expr::col((table.clone(), draft::Column::ProcedureId)).eq(self.procedure_id))
            .add(Expr::col((table, draft::Column::ExpiresAt)).gt(self.now))
    }
}

/// The citizen's live draft of this service, from memory or from the database (then kept).
async fn find_draft(state: &AppState, r: &Resolved, sub: &str) -> AppResult<DraftValue> {
    let key = draft_key(r, sub);
    if let Some(draft) = live::remembered_draft(state, &key) {
        return Ok(draft);
    }
    let ticket = state.citizens.drafts.ticket();
    let draft: DraftValue = read_draft(&state.db, r, sub).await?.map(Arc::new);
    state.citizens.drafts.keep(key, ticket, draft.clone());
    Ok(draft)
}

async fn read_draft<C: ConnectionTrait>(
    db: &C,
    r: &Resolved,
    sub: &str,
) -> AppResult<Option<draft::Model>> {
    use sea_orm::sea_query::IntoIden;
    Ok(draft::Entity::find()
        .filter(DraftScope::of(r).on(draft::Entity.into_iden()))
        .filter(draft::Column::IdentitySub.eq(sub))
        .one(db)
        .await?)
}

fn raw_answers(d: &draft::Model) -> RawAnswers {
    serde_json::from_value(d.values.clone()).unwrap_or_default()
}

pub async fn form(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
    errors: Vec<FieldError>,
) -> AppResult<FormPage> {
    let r = published(state, m, s).await?;
    ensure_open(&r, headers)?;
    let (found, draft) = require_citizen_and_draft(state, headers, &r).await?;
    Ok(form_of(state, headers, &r, &found.citizen, draft, errors))
}

/// The form page when everything it needs is in memory and nothing needs writing (the session's
/// expiry is not due to slide): no query, no await. `None` sends the caller to [`form`], on its
/// own task. Why: each await that waits on another task puts the request back in the queue
/// behind every other request; a page computed in place is done in one go.
pub fn form_in_memory(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
) -> Option<AppResult<FormPage>> {
    let r = state.published.get(m, s)?;
    if let Err(closed) = ensure_open(&r, headers) {
        return Some(Err(closed));
    }
    let kind = session::SessionKind::Citizen;
    let id = session::key(headers, &state.settings, kind)?;
    let found = state
        .citizens
        .sessions
        .get(&id)
        .filter(|found| live::untouched(state, found))?;
    let found = match allowed(Some(found), &r) {
        Ok(found) => found,
        Err(refused) => return Some(Err(refused)),
    };
    let draft = live::remembered_draft(state, &draft_key(&r, &found.citizen.sub))?;
    Some(Ok(form_of(
        state,
        headers,
        &r,
        &found.citizen,
        draft,
        Vec::new(),
    )))
}

fn form_of(
    state: &AppState,
    headers: &HeaderMap,
    r: &Resolved,
    citizen: &CitizenSession,
    draft: DraftValue,
    errors: Vec<FieldError>,
) -> FormPage {
    let answers = draft
        // A draft made under an older revision is kept: answers are keyed by stable id.
        .map(|d| raw_answers(&d))
        .unwrap_or_default();
    let lang = r.lang(headers);
    FormPage {
        identity: identity_lines(citizen, &r.claims(), lang),
        fields: r.fields.clone(),
        service: r.header(state.settings.mode, lang),
        answers,
        errors,
        preview: false,
    }
}

/// The form of the revision being edited, exactly as the citizen page draws it, for the agent
/// building it: the identity block shows what will be certified, and nothing can be sent.
pub async fn preview(
    state: &AppState,
    admin: &crate::auth::CurrentAdmin,
    id: Uuid,
) -> AppResult<FormPage> {
    let procedure = crate::procedures::service::find_owned(&state.db, admin, id).await?;
    let editing = procedure
        .draft_revision_id
        .or(procedure.published_revision_id)
        .ok_or(AppError::NotFound)?;
    let revision = procedure_revision::Entity::find_by_id(editing)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let municipality = municipality::Entity::find_by_id(admin.municipality_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let provider = identity_provider_config::Entity::find()
        .filter(identity_provider_config::Column::MunicipalityId.eq(municipality.id))
        .one(&state.db)
        .await?;
    let r = Resolved {
        fields: revision_fields(&state.db, revision.id).await?,
        state: ProcedureState::parse(&procedure.state).unwrap_or(ProcedureState::Draft),
        municipality,
        procedure,
        revision,
        provider,
    };
    let lang = Lang::Fr;
    Ok(FormPage {
        identity: r
            .claims()
            .into_iter()
            .map(|c| IdentityLine {
                claim: c,
                label: c.label(lang).to_owned(),
                value: "(valeur certifiée)".to_owned(),
            })
            .collect(),
        fields: r.fields.clone(),
        service: r.header(state.settings.mode, lang),
        answers: std::collections::BTreeMap::new(),
        errors: Vec::new(),
        preview: true,
    })
}

/// Why a posted form was refused.
pub enum SaveError {
    /// Answers invalid: the draft was saved anyway; show these errors.
    Invalid(Vec<FieldError>),
    Other(AppError),
}

impl From<AppError> for SaveError {
    fn from(e: AppError) -> Self {
        Self::Other(e)
    }
}

impl From<sea_orm::DbErr> for SaveError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Other(e.into())
    }
}

/// Checks and stores the file posted for `field`: its reference for the draft, or why it was
/// refused (in the citizen's language).
async fn take_file(
    state: &AppState,
    r: &Resolved,
    sub: &str,
    field: &crate::domain::FieldDefinition,
    file: crate::uploads::PostedFile,
    lang: Lang,
) -> Result<String, SaveError> {
    let max = field.rules.max_file_bytes();
    let refuse = |message: String| {
        SaveError::Invalid(vec![FieldError {
            stable_id: field.stable_id,
            label: field.label.clone(),
            message,
        }])
    };
    if file.bytes.len() > max {
        let mb = (max / (1024 * 1024)).to_string();
        return Err(refuse(t::FILE_TOO_BIG.with(lang, &[("max", &mb)])));
    }
    let Some(content_type) = crate::uploads::sniff(&file.bytes) else {
        return Err(refuse(t::FILE_BAD_TYPE.get(lang).to_owned()));
    };
    let scan =
        crate::uploads::scan(state.settings.virus_scan_command.as_deref(), &file.bytes).await;
    match scan {
        crate::uploads::Scan::Infected => {
            tracing::warn!(municipality.id = %r.municipality.id, "an attached file was refused by the antivirus");
            return Err(refuse(t::FILE_INFECTED.get(lang).to_owned()));
        }
        crate::uploads::Scan::Unavailable => {
            return Err(refuse(t::FILE_SCAN_UNAVAILABLE.get(lang).to_owned()));
        }
        crate::uploads::Scan::Clean | crate::uploads::Scan::NotScanned => {}
    }
    let owner = crate::uploads::Owner {
        municipality_id: r.municipality.id,
        procedure_id: r.procedure.id,
        identity_sub: sub,
        field_stable_id: field.stable_id,
    };
    let reference = crate::uploads::store(
        &state.db,
        &owner,
        &file.filename,
        content_type,
        file.bytes,
        scan,
    )
    .await?;
    Ok(reference.to_string())
}

/// Saves what was posted as the draft, then validates it. Files are checked and stored first;
/// a refused file leaves the field's former file (if any) in the draft, and every other answer
/// is saved all the same.
pub async fn save_form(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
    posted: &[(String, String)],
    files: Vec<crate::uploads::PostedFile>,
) -> Result<(), SaveError> {
    let r = published(state, m, s).await?;
    ensure_open(&r, headers)?;
    let (found, draft) = require_citizen_and_draft(state, headers, &r).await?;
    let citizen = &found.citizen;
    // The identity is certified: a post that tries to carry identity values is tampering.
    if posted
        .iter()
        .any(|(k, _)| k.starts_with("identity") || IdentityClaim::parse(k).is_ok())
    {
        return Err(SaveError::Other(AppError::Validation(
            "Les données d'identité certifiées ne peuvent pas être modifiées dans le formulaire."
                .to_owned(),
        )));
    }
    let fields = &r.fields;
    let lang = r.lang(headers);
    let previous = draft.map(|d| raw_answers(&d)).unwrap_or_default();
    let mut files = files;
    let mut file_errors: Vec<FieldError> = Vec::new();
    let mut raw = RawAnswers::new();
    for field in fields {
        let name = field.input_name();
        if field.kind == crate::domain::FieldKind::File {
            // Never typed: a new file replaces the draft's, otherwise the draft's stays.
            let posted_file = files
                .iter()
                .position(|f| f.input == name && !f.bytes.is_empty())
                .map(|i| files.swap_remove(i));
            let kept = previous.get(&field.stable_id).cloned();
            let value = match posted_file {
                Some(file) => match take_file(state, &r, &citizen.sub, field, file, lang).await {
                    Ok(reference) => Some(reference),
                    Err(SaveError::Invalid(mut errors)) => {
                        file_errors.append(&mut errors);
                        kept
                    }
                    Err(other) => return Err(other),
                },
                None => kept,
            };
            if let Some(value) = value {
                raw.insert(field.stable_id, value);
            }
            continue;
        }
        // Checkboxes post one value each: kept together, one per line.
        let values: Vec<&str> = posted
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if !values.is_empty() {
            raw.insert(field.stable_id, values.join("\n"));
        }
    }
    upsert_draft(state, &r, &citizen.sub, &raw).await?;
    let checked = validate_answers(fields, &raw, lang);
    // A refused file speaks for its field, before "required".
    match checked {
        Ok(_) if file_errors.is_empty() => Ok(()),
        Ok(_) => Err(SaveError::Invalid(file_errors)),
        Err(errors) => {
            let others: Vec<FieldError> = errors
                .into_iter()
                .filter(|e| !file_errors.iter().any(|f| f.stable_id == e.stable_id))
                .collect();
            let mut all = file_errors;
            all.extend(others);
            // In form order, as the error summary lists them.
            let at = |id: Uuid| fields.iter().position(|f| f.stable_id == id);
            all.sort_by_key(|e| at(e.stable_id));
            Err(SaveError::Invalid(all))
        }
    }
}

async fn upsert_draft(
    state: &AppState,
    r: &Resolved,
    sub: &str,
    raw: &RawAnswers,
) -> AppResult<()> {
    let writing = state.citizens.drafts.writing(draft_key(r, sub));
    let saved = write_draft(&state.db, r, sub, raw).await?;
    writing.done(Some(Arc::new(saved)));
    Ok(())
}

async fn write_draft<C: ConnectionTrait>(
    db: &C,
    r: &Resolved,
    sub: &str,
    raw: &RawAnswers,
) -> AppResult<draft::Model> {
    let now = Utc::now();
    let values = serde_json::to_value(raw).unwrap_or_default();
    Ok(match read_draft(db, r, sub).await? {
        Some(existing) => {
            let mut active: draft::ActiveModel = existing.into();
            active.values = Set(values);
            active.revision_id = Set(r.revision.id);
            active.updated_at = Set(now);
            active.expires_at = Set(now + Duration::days(DRAFT_DAYS));
            active.update(db).await?
        }
        None => {
            // An expired draft with the same owner would violate the unique index.
            draft::Entity::delete_many()
                .filter(draft::Column::MunicipalityId.eq(r.municipality.id))
                .filter(draft::Column::ProcedureId.eq(r.procedure.id))
                .filter(draft::Column::IdentitySub.eq(sub))
                .exec(db)
                .await?;
            draft::ActiveModel {
                id: Set(Uuid::now_v7()),
                municipality_id: Set(r.municipality.id),
                procedure_id: Set(r.procedure.id),
                revision_id: Set(r.revision.id),
                identity_sub: Set(sub.to_owned()),
                values: Set(values),
                updated_at: Set(now),
                expires_at: Set(now + Duration::days(DRAFT_DAYS)),
            }
            .insert(db)
            .await?
        }
    })
}

/// The recap shows the saved, valid draft; an invalid or missing draft goes back to the form.
pub async fn recap(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
) -> AppResult<RecapPage> {
    let r = published(state, m, s).await?;
    ensure_open(&r, headers)?;
    let (found, draft) = require_citizen_and_draft(state, headers, &r).await?;
    let citizen = &found.citizen;
    let fields = &r.fields;
    let d = draft.ok_or(AppError::NotFound)?;
    let lang = r.lang(headers);
    let values =
        validate_answers(fields, &raw_answers(&d), lang).map_err(|_| AppError::NotFound)?;
    Ok(RecapPage {
        identity: identity_lines(citizen, &r.claims(), lang),
        answers: fields
            .iter()
            .filter(|f| f.kind.takes_answer())
            .map(|f| RecapLine {
                stable_id: f.stable_id,
                label: f.label.clone(),
                value: f.display_answer_in(values.get(&f.stable_id), lang),
            })
            .collect(),
        service: r.header(state.settings.mode, lang),
    })
}

/// Outcome of the final "send" click.
pub enum SubmitOutcome {
    Created(String),
    /// A replay (double click, resent post): nothing new was stored.
    AlreadySent(String),
}

/// Turns the draft into a submission, atomically with its history line and its emails.
pub async fn submit(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
) -> AppResult<SubmitOutcome> {
    let r = resolve(&state.db, m, s).await?;
    ensure_open(&r, headers)?;
    let (found, draft) = require_citizen_and_draft(state, headers, &r).await?;
    let mut citizen = found.citizen.clone();
    let lang = r.lang(headers);
    let fields = &r.fields;
    let Some(d) = draft else {
        return match citizen.last_reference.clone() {
            Some(reference) => Ok(SubmitOutcome::AlreadySent(reference)),
            None => Err(AppError::Validation(t::NO_DRAFT.get(lang).to_owned())),
        };
    };
    let values = validate_answers(fields, &raw_answers(&d), lang).map_err(|errors| {
        AppError::Validation(t::FORM_HAS_ERRORS.with(lang, &[("count", &errors.len().to_string())]))
    })?;

    let reference = SubmissionReference::from_random(random_bytes());
    let submission_id = Uuid::now_v7();
    let now = Utc::now();
    let identity_json = serde_json::to_value(&citizen.identity).unwrap_or_default();
    // The draft becomes the submission: gone from memory too once committed.
    let consuming = state.citizens.drafts.writing(draft_key(&r, &citizen.sub));
    let txn = crate::db::begin_write(&state.db).await?;
    let inserted = submission::ActiveModel {
        id: Set(submission_id),
        municipality_id: Set(r.municipality.id),
        procedure_id: Set(r.procedure.id),
        revision_id: Set(r.revision.id),
        reference: Set(reference.as_str().to_owned()),
        status: Set(SubmissionStatus::Unprocessed.as_str().to_owned()),
        // One draft yields at most one submission: a concurrent second click hits this key.
        idempotency_key: Set(d.id.to_string()),
        identity: Set(identity_json),
        identity_provider: Set(citizen.provider.clone()),
        identity_sub: Set(citizen.sub.clone()),
        identity_acr: Set(citizen.acr.clone()),
        identity_authenticated_at: Set(citizen.authenticated_at),
        created_at: Set(now),
        updated_at: Set(now),
        processed_at: Set(None),
        channel: Set(Some(citizen.channel.as_str().to_owned())),
        search_name: Set(Some(crate::inbox::types::search_name(&citizen.identity))),
        lang: Set(lang.code().to_owned()),
    }
    .insert(&txn)
    .await;
    let inserted = match inserted {
        Ok(row) => row,
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            let existing = submission::Entity::find()
                .filter(submission::Column::IdempotencyKey.eq(d.id.to_string()))
                .one(&state.db)
                .await?
                .ok_or(AppError::Internal)?;
            return Ok(SubmitOutcome::AlreadySent(existing.reference));
        }
        Err(e) => return Err(e.into()),
    };
    crate::uploads::attach(
        &txn,
        r.municipality.id,
        r.procedure.id,
        &citizen.sub,
        submission_id,
        crate::uploads::referenced(&values),
    )
    .await?;
    for (stable_id, value) in &values {
        field_value::ActiveModel {
            submission_id: Set(submission_id),
            field_stable_id: Set(*stable_id),
            value: Set(value.clone()),
        }
        .insert(&txn)
        .await?;
    }
    submission_transition::ActiveModel {
        id: Set(Uuid::now_v7()),
        submission_id: Set(submission_id),
        from_status: Set(None),
        to_status: Set(SubmissionStatus::Unprocessed.as_str().to_owned()),
        actor_admin_id: Set(None),
        actor_label: Set("Citoyen (dépôt en ligne)".to_owned()),
        actor_api_token_id: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    crate::inbox::counts::added(
        &txn,
        r.municipality.id,
        r.procedure.id,
        SubmissionStatus::Unprocessed,
    )
    .await?;
    draft::Entity::delete_by_id(d.id).exec(&txn).await?;
    crate::webhooks::service::emit(
        &txn,
        r.municipality.id,
        crate::webhooks::types::EventType::SubmissionCreated,
        crate::webhooks::service::submission_data(&inserted),
        now,
    )
    .await?;
    queue_submission_mails(
        &txn,
        &state.settings,
        SubmissionMail {
            municipality: &r.municipality,
            procedure_title: &r.procedure.title,
            submission_id,
            reference: reference.as_str(),
            identity: &citizen.identity,
            fields,
            values: &values,
            at: now,
            lang,
        },
    )
    .await?;
    txn.commit().await?;
    consuming.done(None);
    count_quietly(
        &state.db,
        r.procedure.id,
        citizen.channel,
        Counter::Submission,
    )
    .await;

    citizen.last_reference = Some(reference.as_str().to_owned());
    live::update(state, &found, citizen).await?;
    tracing::info!(submission.id = %submission_id, municipality.id = %r.municipality.id, "submission received");
    Ok(SubmitOutcome::Created(reference.as_str().to_owned()))
}

/// Discards the draft ("Abandonner").
pub async fn discard(state: &AppState, headers: &HeaderMap, m: &str, s: &str) -> AppResult<()> {
    let r = published(state, m, s).await?;
    let found = require_citizen(state, headers, &r).await?;
    let sub = found.citizen.sub.as_str();
    let discarding = state.citizens.drafts.writing(draft_key(&r, sub));
    draft::Entity::delete_many()
        .filter(draft::Column::MunicipalityId.eq(r.municipality.id))
        .filter(draft::Column::ProcedureId.eq(r.procedure.id))
        .filter(draft::Column::IdentitySub.eq(sub))
        .exec(&state.db)
        .await?;
    discarding.done(None);
    Ok(())
}

pub async fn confirmation(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
) -> AppResult<ConfirmationPage> {
    let r = published(state, m, s).await?;
    let (citizen, sent) = last_sent(state, headers, &r).await?;
    Ok(ConfirmationPage {
        service: r.header(state.settings.mode, r.lang(headers)),
        reference: sent.reference,
        email_sent_to: citizen
            .identity
            .get(IdentityClaim::Email)
            .map(str::to_owned)
            .filter(|e| !e.is_empty()),
    })
}

/// The submission this browser's session last sent, if it belongs to this service (the
/// confirmation page and the receipt show nothing else).
async fn last_sent(
    state: &AppState,
    headers: &HeaderMap,
    r: &Resolved,
) -> AppResult<(CitizenSession, submission::Model)> {
    let citizen = citizen_of(state, headers, r)
        .await?
        .ok_or(AppError::Unauthorized)?
        .citizen
        .clone();
    let reference = citizen.last_reference.clone().ok_or(AppError::NotFound)?;
    let sent = submission::Entity::find()
        .filter(submission::Column::MunicipalityId.eq(r.municipality.id))
        .filter(submission::Column::ProcedureId.eq(r.procedure.id))
        .filter(submission::Column::Reference.eq(reference.as_str()))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((citizen, sent))
}

/// The citizen's receipt of the request they just sent on this service (PDF), in their
/// language; only for the session that sent it.
pub async fn receipt(
    state: &AppState,
    headers: &HeaderMap,
    m: &str,
    s: &str,
) -> AppResult<(String, Vec<u8>)> {
    let r = published(state, m, s).await?;
    let (_, row) = last_sent(state, headers, &r).await?;
    let lang = r.lang(headers);
    let fields = revision_fields(&state.db, row.revision_id).await?;
    let values: std::collections::HashMap<Uuid, serde_json::Value> = field_value::Entity::find()
        .filter(field_value::Column::SubmissionId.eq(row.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|v| (v.field_stable_id, v.value))
        .collect();
    let identity: crate::domain::CertifiedIdentity =
        serde_json::from_value(row.identity.clone()).unwrap_or_default();
    let receipt = super::receipt::Receipt {
        lang,
        municipality: r.municipality.name.clone(),
        service: r.procedure.title.clone(),
        reference: row.reference.clone(),
        sent_on: crate::inbox::service::display_time(row.created_at),
        certified_by: r.login().name(lang).to_owned(),
        identity: identity
            .claims
            .keys()
            .map(|c| (c.label(lang).to_owned(), identity.display_in(*c, lang)))
            .collect(),
        answers: fields
            .iter()
            .filter(|f| f.kind.takes_answer())
            .map(|f| {
                (
                    f.label.clone(),
                    f.display_answer_in(values.get(&f.stable_id), lang),
                )
            })
            .collect(),
    };
    Ok((
        format!("recepisse-{}.pdf", row.reference),
        super::receipt::receipt_pdf(&receipt),
    ))
}
