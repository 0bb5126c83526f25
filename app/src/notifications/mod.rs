//! Email, as a legal act deserves: never sent from a request, never lost, visible to agents.
//!
//! * [`outbox`]: a request writes the rendered message into the `outbox` table **in the same
//!   transaction** as the submission or the agent's action; a worker delivers it with back-off for
//!   72 hours, then dead-letters it and alerts the municipality's admins. Each message's
//!   `Message-ID` is derived from its row, so a retry after a crash is the same message.
//! * [`mailer`]: the transport (lettre SMTP, or `.eml` files in demo mode) and how its errors are
//!   classified (unreachable server, temporary 4xx, permanent 5xx).
//! * [`templates`]: each municipality's templates (minijinja, text + HTML, HTML autoescaped,
//!   subjects stripped of line breaks), with built-in French defaults.
//! * [`service`]: what the console does with them (edit, preview, notify a citizen, delivery list).

#[cfg(feature = "ssr")]
pub mod mailer;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod templates;
pub mod types;

#[cfg(feature = "ssr")]
pub use mailer::Mailer;
#[cfg(feature = "ssr")]
pub use outbox::{OutgoingMail, enqueue, run_worker};
pub use types::{DeliveryStatus, MailKind};
