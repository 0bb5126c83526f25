//! Deployment configuration: every flag is also an `ICLEFS_*` environment variable
//! (`iclefs --help` lists them). Per-municipality settings live in the database.

use clap::{Parser, ValueEnum};
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Built-in demo identity provider, captured mailbox, seeded municipality.
    Demo,
    /// Real providers and SMTP only; demo features refused.
    Production,
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "iclefs",
    about = "i-CLEFS: municipal online services with State-certified identity"
)]
pub struct Config {
    /// Demo or production.
    #[arg(long, env = "ICLEFS_MODE", value_enum, default_value = "demo")]
    pub mode: ModeArg,
    /// Address to listen on.
    #[arg(long, env = "ICLEFS_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,
    /// Public URL of the instance (used for callbacks, links and QR codes).
    #[arg(
        long,
        env = "ICLEFS_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub public_url: String,
    /// `sqlite://data/iclefs.db?mode=rwc` or `postgres://user:pass@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/iclefs.db?mode=rwc"
    )]
    pub database_url: String,
    /// Folder for local data (demo key, captured mail).
    #[arg(long, env = "ICLEFS_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// 32-byte key (URL-safe base64) encrypting secrets at rest. Required in production; in demo
    /// mode a key is generated into the data folder on first run.
    #[arg(long, env = "ICLEFS_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// SMTP relay URL (`smtp://host:25`, `smtps://user:pass@host:465`). Without it, demo mode
    /// captures mail into `<data>/mail`.
    #[arg(long, env = "ICLEFS_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "ICLEFS_MAIL_FROM",
        default_value = "i-CLEFS <ne-pas-repondre@iclefs.test>"
    )]
    pub mail_from: String,
    /// Folder of the built site (CSS, WASM, static files).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Demo seed: admin email.
    #[arg(
        long,
        env = "ICLEFS_SEED_ADMIN_EMAIL",
        default_value = "admin@demo.iclefs.test"
    )]
    pub seed_admin_email: String,
    /// Demo seed: admin password (random and printed when absent).
    #[arg(long, env = "ICLEFS_SEED_ADMIN_PASSWORD", hide_env_values = true)]
    pub seed_admin_password: Option<String>,
    /// Demo seed: use this external OpenID provider (FranceConnect v2 shaped) instead of the
    /// built-in demo provider.
    #[arg(long, env = "ICLEFS_SEED_FC_ISSUER")]
    pub seed_fc_issuer: Option<String>,
    #[arg(
        long,
        env = "ICLEFS_SEED_FC_CLIENT_ID",
        default_value = "demo-fc-client"
    )]
    pub seed_fc_client_id: String,
    #[arg(
        long,
        env = "ICLEFS_SEED_FC_CLIENT_SECRET",
        default_value = "demo-fc-secret",
        hide_env_values = true
    )]
    pub seed_fc_client_secret: String,
    /// Let webhooks go to plain-HTTP, private, loopback or link-local addresses (business tools
    /// on the instance's own network). Off by default: only public HTTPS addresses.
    #[arg(
        long,
        env = "ICLEFS_WEBHOOK_ALLOW_PRIVATE_TARGETS",
        default_value_t = false
    )]
    pub webhook_allow_private_targets: bool,
    /// Antivirus command each file a citizen attaches is piped to (standard input), e.g.
    /// `clamdscan --no-summary -`: exit 0 accepts, 1 refuses as infected, anything else refuses
    /// for now. Unset: files are kept and marked "not scanned" for agents.
    #[arg(long, env = "ICLEFS_VIRUS_SCAN_COMMAND")]
    pub virus_scan_command: Option<String>,
    /// Set on every server when several share one database (PostgreSQL behind a load balancer).
    /// Unset, a server is alone on its database: a second one refuses to start, and citizen
    /// sessions and drafts are kept in memory between pages.
    #[arg(long, env = "ICLEFS_SHARED_DATABASE", default_value_t = false)]
    pub shared_database: bool,
    /// ProConnect issuer for agents' optional login (e.g.
    /// `https://auth.agentconnect.gouv.fr/api/v2`); without it, agents use their password only.
    /// One ProConnect client serves the whole instance.
    #[arg(long, env = "ICLEFS_PROCONNECT_ISSUER")]
    pub proconnect_issuer: Option<String>,
    #[arg(long, env = "ICLEFS_PROCONNECT_CLIENT_ID", default_value = "")]
    pub proconnect_client_id: String,
    #[arg(
        long,
        env = "ICLEFS_PROCONNECT_CLIENT_SECRET",
        default_value = "",
        hide_env_values = true
    )]
    pub proconnect_client_secret: String,
}

/// The command line: the server by default, or an operator task.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "iclefs",
    about = "i-CLEFS: municipal online services with State-certified identity"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Serve the instance (the default).
    Serve,
    /// Operator tasks on the municipalities of this instance.
    #[command(subcommand)]
    Municipality(MunicipalityCommand),
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum MunicipalityCommand {
    /// Create a municipality and invite its first owner (the link is printed and mailed).
    Add(AddMunicipality),
}

#[derive(Debug, Clone, clap::Args)]
pub struct AddMunicipality {
    /// Identifier in addresses (`/s/<slug>/…`): lowercase letters, digits, hyphens.
    #[arg(long)]
    pub slug: String,
    /// Name shown to citizens, e.g. "Commune de Saint-Gilles".
    #[arg(long)]
    pub name: String,
    /// FR (FranceConnect) or BE (CSAM / FAS: eID, itsme).
    #[arg(long, default_value = "FR")]
    pub country: String,
    /// Address shown to citizens for questions, and where new submissions are announced.
    #[arg(long)]
    pub contact_email: String,
    /// The first owner's address: they receive the invitation.
    #[arg(long)]
    pub owner_email: String,
    /// The first owner's name.
    #[arg(long)]
    pub owner_name: String,
}
