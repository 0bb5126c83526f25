//! The mail transport and how its failures are read.
//!
//! The worker reacts differently to three kinds of failure, so they are told apart here:
//! the server cannot be reached (nothing is wrong with the message: wait and probe, without
//! spending the message's retries), a temporary refusal (4xx: retry this message later), and a
//! permanent refusal (5xx: the address or the content is refused; retrying would not help).

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    transport::smtp::PoolConfig,
};
use std::{path::PathBuf, time::Duration};

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The SMTP server could not be reached or the connection broke.
    Unreachable(String),
    /// A 4xx reply: try again later.
    Temporary(String),
    /// A 5xx reply: refused for good.
    Permanent(String),
}

impl SendError {
    pub fn reason(&self) -> &str {
        match self {
            Self::Unreachable(r) | Self::Temporary(r) | Self::Permanent(r) => r,
        }
    }
}

/// Where mail goes (see `Settings::mail_transport`).
#[derive(Clone)]
pub enum Mailer {
    /// `.eml` files in a folder (demo mode only).
    Captured(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn captured(dir: PathBuf) -> Self {
        Self::Captured(dir)
    }

    /// An SMTP relay from its URL: `smtp://host:25` (plain, loopback relays),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465` (TLS).
    pub fn smtp(url: &str) -> Result<Self, lettre::transport::smtp::Error> {
        Ok(Self::Smtp(
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                .timeout(Some(Duration::from_secs(10)))
                .pool_config(PoolConfig::new().max_size(4))
                .build(),
        ))
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Captured(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| SendError::Temporary(e.to_string()))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError::Temporary(e.to_string()))
            }
            Self::Smtp(transport) => transport.send(message).await.map(|_| ()).map_err(|e| {
                let reason = e.to_string();
                if e.is_permanent() {
                    SendError::Permanent(reason)
                } else if e.is_transient() {
                    SendError::Temporary(reason)
                } else {
                    SendError::Unreachable(reason)
                }
            }),
        }
    }

    /// Whether the server answers now (used while it is known to be down).
    pub async fn probe(&self) -> bool {
        match self {
            Self::Captured(_) => true,
            Self::Smtp(transport) => transport.test_connection().await.unwrap_or(false),
        }
    }
}
