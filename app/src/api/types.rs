//! JSON documents of `/api/v1` and the data of the console's API page.
//!
//! These are the public contract: field names are English snake_case and never change meaning;
//! `docs/api/openapi.json` describes exactly these shapes. Wasm-safe (serde only), so the console
//! page can use the page types in both builds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// `GET /api/v1/services`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServiceList {
    pub data: Vec<Service>,
}

/// A service (procedure) with every published revision of its form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Service {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    /// `draft`, `online`, `online_restricted` or `closed`.
    pub state: String,
    /// Identity data asked from FranceConnect by the current revision.
    pub identity_claims: Vec<String>,
    /// Number of the revision citizens fill in today, if published.
    pub current_revision: Option<i32>,
    pub revisions: Vec<Revision>,
}

/// A frozen form: submissions are pinned to the revision they were filled in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revision {
    pub id: Uuid,
    pub number: i32,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub identity_claims: Vec<String>,
    pub fields: Vec<Field>,
    /// JSON Schema (2020-12) of this revision's answers, keyed by `stable_id` as in
    /// `Submission.answers[id].value`: generated from the rules the server checks.
    pub answers_schema: serde_json::Value,
}

/// One question. `stable_id` is the same across revisions and keys the answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub stable_id: Uuid,
    pub kind: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub options: Vec<String>,
}

/// `GET /api/v1/services/{id}/submissions`: one page, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionList {
    pub data: Vec<Submission>,
    /// Pass it as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A submission with its certified identity and its answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Submission {
    pub id: Uuid,
    pub reference: String,
    /// `unprocessed` or `processed`.
    pub status: String,
    pub service_id: Uuid,
    pub revision_id: Uuid,
    pub revision_number: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub processed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub acknowledged_at: Option<chrono::DateTime<chrono::Utc>>,
    pub identity: Identity,
    /// Keyed by the field's `stable_id`; fields left empty are absent.
    pub answers: BTreeMap<Uuid, Answer>,
}

/// The identity certified by the provider when the citizen logged in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    pub provider: String,
    /// The eIDAS level returned by the provider (`eidas1` for FranceConnect).
    pub acr: String,
    pub authenticated_at: chrono::DateTime<chrono::Utc>,
    /// Claim name (`family_name`, `birthdate`...) to value, as the provider gave it.
    pub claims: BTreeMap<String, String>,
}

/// One answer: the typed value and the label of the question it answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Answer {
    pub label: String,
    pub kind: String,
    /// A string, a number (`number`), a boolean (`yes_no`, `consent`) or the chosen options
    /// (`multiple_choice`); dates are `YYYY-MM-DD` strings, communes INSEE codes, addresses
    /// objects `{street, complement?, postcode, city}`.
    pub value: serde_json::Value,
}

/// `POST /api/v1/submissions/{id}/processed` and `…/unprocessed`: the new status only, so the
/// response kept for `Idempotency-Key` replays holds no personal data.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusChange {
    pub id: Uuid,
    pub status: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub processed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `POST /api/v1/submissions/{id}/ack`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub id: Uuid,
    pub acknowledged_at: chrono::DateTime<chrono::Utc>,
}

/// The feedback value that carries a new token's secret from the form post to the page.
pub const NEW_TOKEN_VALUE: &str = "new_token";

/// A token as the console lists it (never the secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenLine {
    pub id: Uuid,
    pub name: String,
    pub display_prefix: String,
    /// Service titles, or empty for every service.
    pub services: Vec<String>,
    pub can_write: bool,
    pub networks: Vec<String>,
    pub expires_at: String,
    pub created: String,
    pub last_used_at: Option<String>,
    /// "revoked on … by …", or `None` when active.
    pub revoked: Option<String>,
    pub expired: bool,
}

/// The console's API page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiConsole {
    pub municipality: String,
    pub public_url: String,
    pub is_owner: bool,
    pub tokens: Vec<TokenLine>,
    /// `(id, title)` of the municipality's services, for the scope checkboxes.
    pub services: Vec<(Uuid, String)>,
    /// Default expiry proposed in the form (`YYYY-MM-DD`, in 90 days).
    pub default_expiry: String,
    pub max_expiry: String,
    pub min_expiry: String,
}
