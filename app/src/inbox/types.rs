//! Data shown by the inbox pages.

use crate::domain::SubmissionStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which tab of the inbox is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxFilter {
    Unprocessed,
    Processed,
    All,
}

impl InboxFilter {
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            Some("processed") => Self::Processed,
            Some("all") => Self::All,
            _ => Self::Unprocessed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unprocessed => "unprocessed",
            Self::Processed => "processed",
            Self::All => "all",
        }
    }

    pub fn status(self) -> Option<SubmissionStatus> {
        match self {
            Self::Unprocessed => Some(SubmissionStatus::Unprocessed),
            Self::Processed => Some(SubmissionStatus::Processed),
            Self::All => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxRow {
    pub id: Uuid,
    pub reference: String,
    pub procedure_title: String,
    pub citizen_name: String,
    pub created_at: String,
    pub status: SubmissionStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxPage {
    pub filter: InboxFilter,
    pub unprocessed: u64,
    pub processed: u64,
    pub rows: Vec<InboxRow>,
    /// Cursor for the next page (the last row's id), when there is one.
    pub next_cursor: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DetailLine {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransitionLine {
    pub at: String,
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionDetail {
    pub id: Uuid,
    pub reference: String,
    pub procedure_title: String,
    pub revision_number: i32,
    pub status: SubmissionStatus,
    pub created_at: String,
    pub identity_provider: String,
    pub identity_acr: String,
    pub identity_authenticated_at: String,
    pub identity: Vec<DetailLine>,
    pub answers: Vec<DetailLine>,
    pub history: Vec<TransitionLine>,
    /// Every message about this submission, with its delivery state.
    pub deliveries: Vec<crate::notifications::types::DeliveryLine>,
    /// Whether the service asked for the citizen's email (they can be notified).
    pub citizen_reachable: bool,
}
