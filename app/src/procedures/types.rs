//! Data shown by the admin pages of the builder.

use crate::domain::{FieldDefinition, IdentityClaim, ProcedureState};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcedureSummary {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub state: ProcedureState,
    pub unprocessed: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcedureEditor {
    pub id: Uuid,
    pub municipality_slug: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub state: ProcedureState,
    pub claims: Vec<IdentityClaim>,
    /// The fields being edited: the draft revision if any, else the published one.
    pub fields: Vec<FieldDefinition>,
    /// Fields removed from the draft, restorable until it is published.
    pub removed: Vec<FieldDefinition>,
    pub revision_number: i32,
    pub has_unpublished_changes: bool,
    pub published_revision_number: Option<i32>,
    /// Absolute URL of the citizen page.
    pub public_url: String,
}
