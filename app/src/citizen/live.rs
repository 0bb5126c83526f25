//! What every citizen page reads — the identity session and the draft — through the memory of a
//! server alone on its database (`db::memo`, `db::instance`).
//!
//! Why here: these are the only places that read or write citizen sessions and drafts, so the
//! memory's contract ("every write is announced") is kept in one module. A server that shares its
//! database has the memory off and every call below goes to the database.

use crate::{
    auth::{CitizenSession, session},
    db::{entities, memo::Memo},
    error::AppResult,
    state::AppState,
};
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use std::sync::Arc;
use uuid::Uuid;

/// A live citizen session, its data already parsed.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub id: String,
    pub municipality_id: Option<Uuid>,
    /// The provider's subject column (absent on sessions opened before it existed).
    pub subject: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub citizen: CitizenSession,
}

impl LiveSession {
    /// A citizen session row; `None` when its data is not a citizen's.
    pub fn of(row: entities::session::Model) -> Option<Self> {
        let citizen = serde_json::from_value::<CitizenSession>(row.data).ok()?;
        Some(Self {
            id: row.id,
            municipality_id: row.municipality_id,
            subject: row.subject,
            expires_at: row.expires_at,
            citizen,
        })
    }
}

/// One citizen's draft of one service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DraftKey {
    pub municipality_id: Uuid,
    pub procedure_id: Uuid,
    pub subject: String,
}

/// A draft as the database holds it for its key: `None` when there is none.
pub type DraftValue = Option<Arc<entities::draft::Model>>;

/// Citizen sessions (by id) and drafts (by key) held by a server alone on its database.
pub struct CitizenMemory {
    pub sessions: Memo<String, Arc<LiveSession>>,
    pub drafts: Memo<DraftKey, DraftValue>,
}

/// Each map is emptied past this size (a session is ~2 KB, a draft what the citizen typed).
const MAX_ENTRIES: usize = 50_000;

impl CitizenMemory {
    pub fn new(on: bool) -> Self {
        Self {
            sessions: Memo::new(on, MAX_ENTRIES),
            drafts: Memo::new(on, MAX_ENTRIES),
        }
    }

    pub fn switch_off(&self) {
        self.sessions.switch_off();
        self.drafts.switch_off();
    }

    pub fn switch_on(&self) {
        self.sessions.switch_on();
        self.drafts.switch_on();
    }

    /// Forgets everything (rows were changed behind this process's back, e.g. by a test).
    pub fn forget_all(&self) {
        self.sessions.forget_all();
        self.drafts.forget_all();
    }
}

fn key(state: &AppState, headers: &HeaderMap) -> Option<String> {
    session::key(headers, &state.settings, session::SessionKind::Citizen)
}

/// The request's citizen session, live (not expired, its expiry slid), from memory or the
/// database. Any municipality: callers check it is theirs.
pub async fn current(state: &AppState, headers: &HeaderMap) -> AppResult<Option<Arc<LiveSession>>> {
    let Some(id) = key(state, headers) else {
        return Ok(None);
    };
    let memory = &state.citizens.sessions;
    let found = match memory.get(&id) {
        Some(found) => Some(found),
        None => {
            let ticket = memory.ticket();
            let row = session::by_key(id.clone(), session::SessionKind::Citizen)
                .one(&state.db)
                .await?;
            row.and_then(LiveSession::of).map(|live| {
                let live = Arc::new(live);
                memory.keep(id, ticket, Arc::clone(&live));
                live
            })
        }
    };
    match found {
        Some(found) => alive(state, found).await,
        None => Ok(None),
    }
}

/// A session just found (in memory or in the database): `None` once expired (the row is then
/// deleted), otherwise the session, its expiry slid forward when due.
pub async fn alive(
    state: &AppState,
    found: Arc<LiveSession>,
) -> AppResult<Option<Arc<LiveSession>>> {
    if untouched(state, &found) {
        return Ok(Some(found));
    }
    if found.expires_at <= Utc::now() {
        let _deleting = state.citizens.sessions.writing(found.id.clone());
        session::delete(&state.db, &found.id).await?;
        return Ok(None);
    }
    let kind = session::SessionKind::Citizen;
    let Some(expires_at) = session::slid_expiry(&state.settings, kind, found.expires_at) else {
        return Ok(Some(found));
    };
    let writing = state.citizens.sessions.writing(found.id.clone());
    session::slide(&state.db, &found.id, expires_at).await?;
    let slid = Arc::new(LiveSession {
        expires_at,
        ..(*found).clone()
    });
    writing.done(Arc::clone(&slid));
    Ok(Some(slid))
}

/// Whether [`alive`] would return the session as it is: not expired, its expiry not due to slide
/// (nothing to write).
pub fn untouched(state: &AppState, found: &LiveSession) -> bool {
    let kind = session::SessionKind::Citizen;
    found.expires_at > Utc::now()
        && session::slid_expiry(&state.settings, kind, found.expires_at).is_none()
}

/// Opens a citizen session for `municipality_id` in place of the request's one, if any (a new
/// login never reuses a session: no fixation). Returns the cookie to set.
pub async fn open(
    state: &AppState,
    headers: &HeaderMap,
    municipality_id: Uuid,
    citizen: &CitizenSession,
) -> AppResult<HeaderValue> {
    close(state, headers).await?;
    let (row, cookie) = session::create(
        &state.db,
        &state.settings,
        session::Owner::Citizen {
            municipality_id,
            subject: citizen.sub.clone(),
        },
        serde_json::to_value(citizen).unwrap_or_default(),
    )
    .await?;
    // Nobody can have read this session yet: its token was never given out.
    if let Some(live) = LiveSession::of(row) {
        let id = live.id.clone();
        state.citizens.sessions.writing(id).done(Arc::new(live));
    }
    Ok(cookie)
}

/// Ends the request's citizen session; returns the cookie that clears it.
pub async fn close(state: &AppState, headers: &HeaderMap) -> AppResult<HeaderValue> {
    let _deleting = key(state, headers).map(|id| state.citizens.sessions.writing(id));
    session::destroy(
        &state.db,
        &state.settings,
        headers,
        session::SessionKind::Citizen,
    )
    .await
}

/// Stores new data for a live session (the reference of what it just sent).
pub async fn update(
    state: &AppState,
    live: &LiveSession,
    citizen: CitizenSession,
) -> AppResult<()> {
    let writing = state.citizens.sessions.writing(live.id.clone());
    session::update_data(
        &state.db,
        &live.id,
        serde_json::to_value(&citizen).unwrap_or_default(),
    )
    .await?;
    writing.done(Arc::new(LiveSession {
        citizen,
        ..live.clone()
    }));
    Ok(())
}

/// The draft of `key` in memory, when known; an expired one counts as none.
pub fn remembered_draft(state: &AppState, key: &DraftKey) -> Option<DraftValue> {
    let now = Utc::now();
    state
        .citizens
        .drafts
        .get(key)
        .map(|draft| draft.filter(|d| d.expires_at > now))
}

/// Deletes expired sessions (citizens' and agents') and expired drafts: personal data kept past
/// its use. Safe behind the memory: it already treats an expired row as absent, so deleting one
/// changes nothing it shows.
pub async fn purge_expired(db: &sea_orm::DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let sessions = entities::session::Entity::delete_many()
        .filter(entities::session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    let drafts = entities::draft::Entity::delete_many()
        .filter(entities::draft::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(sessions.rows_affected + drafts.rows_affected)
}
