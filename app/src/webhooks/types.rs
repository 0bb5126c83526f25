//! Webhook events and the console page's data (wasm-safe: no server dependency).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a webhook announces. The names are part of the public contract (docs/API.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventType {
    /// A citizen sent a submission.
    SubmissionCreated,
    /// An agent (console) or a business tool (API) marked a submission processed.
    SubmissionProcessed,
}

impl EventType {
    pub const ALL: [Self; 2] = [Self::SubmissionCreated, Self::SubmissionProcessed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubmissionCreated => "submission.created",
            Self::SubmissionProcessed => "submission.processed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == raw)
    }

    /// What the console calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::SubmissionCreated => "Nouvelle demande reçue",
            Self::SubmissionProcessed => "Demande marquée traitée",
        }
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Waiting for its first try or for a retry.
    Queued,
    /// The receiver answered 2xx.
    Delivered,
    /// Every retry failed, or the answer was a redirect: a person must look (replay is offered).
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Queued, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "En attente",
            Self::Delivered => "Reçue",
            Self::Failed => "Échec",
        }
    }
}

/// The feedback value that carries a new endpoint's secret from the form post to the page.
pub const NEW_SECRET_VALUE: &str = "new_webhook_secret";

/// A receiving endpoint as the console lists it (never its secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointLine {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub created: String,
}

/// One delivery in the console's log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryLine {
    pub id: Uuid,
    pub endpoint_url: String,
    pub message_id: String,
    pub event: String,
    pub reference: Option<String>,
    pub state: String,
    pub failed: bool,
    pub attempts: i32,
    pub created: String,
    /// "HTTP 200 le …", or the error of the last try, or `None` before the first try.
    pub last_outcome: Option<String>,
    pub next_attempt: Option<String>,
    pub is_replay: bool,
}

/// The console's webhooks page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhooksConsole {
    pub is_owner: bool,
    pub endpoints: Vec<EndpointLine>,
    pub deliveries: Vec<DeliveryLine>,
    /// Plain HTTP and private addresses are accepted on this instance.
    pub allows_private_targets: bool,
}
