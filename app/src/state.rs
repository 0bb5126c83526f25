//! Application state shared by every handler and server function (server only).

use crate::{crypto::SecretKey, identity::OidcClients, notifications::Mailer};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::{path::PathBuf, sync::Arc};
use url::Url;

/// How the instance runs. Demo mode enables the built-in identity provider, the captured mailbox
/// and the seeded municipality; production refuses all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Demo,
    Production,
}

/// Where outgoing email goes.
#[derive(Debug, Clone)]
pub enum MailTransport {
    /// `.eml` files in a folder, readable at `/dev/mailbox` (demo mode only).
    Captured(PathBuf),
    /// A real SMTP relay, e.g. `smtp://127.0.0.1:1025` or `smtps://user:pass@host:465`.
    Smtp(String),
}

/// Typed configuration, parsed once at start-up (see `server/src/config.rs`).
#[derive(Debug, Clone)]
pub struct Settings {
    /// The URL citizens and identity providers reach this instance at (no trailing slash).
    pub public_url: Url,
    pub mode: Mode,
    pub secret_key: SecretKey,
    pub mail_transport: MailTransport,
    pub mail_from: String,
    /// How long a citizen stays logged in without activity (FranceConnect: 30 minutes).
    pub citizen_idle_minutes: i64,
    /// How long an agent stays logged in without activity.
    pub admin_idle_minutes: i64,
    /// Where webhooks may be sent (public HTTPS only unless explicitly widened).
    pub webhook_targets: crate::webhooks::target::TargetPolicy,
    /// The instance's ProConnect client for agents, when configured.
    pub proconnect: Option<crate::identity::ProviderConfig>,
    /// The antivirus command citizens' files are piped to (`uploads::scan`), if any.
    pub virus_scan_command: Option<String>,
}

impl Settings {
    /// Absolute URL for a path of this instance.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }

    /// The domain of the `Message-ID`s of this instance's mail.
    pub fn mail_host(&self) -> &str {
        self.public_url.host_str().unwrap_or("iclefs.invalid")
    }

    /// Cookies get the `Secure` flag and the `__Host-` prefix whenever the instance is served
    /// over HTTPS; plain-HTTP loopback development keeps working without them.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

/// Everything a request needs, cheap to clone.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub oidc: OidcClients,
    pub mailer: Mailer,
    /// Published services read by citizen pages (`citizen::published`).
    pub published: Arc<crate::citizen::published::PublishedCache>,
    /// Citizen sessions and drafts, in memory when this server is alone on its database
    /// (`citizen::live`, `db::instance`).
    pub citizens: Arc<crate::citizen::live::CitizenMemory>,
}
