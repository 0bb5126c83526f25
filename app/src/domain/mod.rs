//! Domain types shared by the browser and the server ("parse, don't validate").
//!
//! Everything here compiles to WebAssembly too, so the admin's browser and the server run the very
//! same checks. A value of one of these types is valid by construction: handlers parse raw input
//! into them at the edge and the services never re-check.

pub mod channel;
pub mod claims;
// 750 KB of names: server only, never in the browser's WebAssembly.
#[cfg(feature = "ssr")]
pub mod cog;
pub mod color;
pub mod field;
pub mod identity;
pub mod nrn;
pub mod privacy;
pub mod reference;
pub mod rich_text;
pub mod rules;
pub mod schema;
pub mod slug;
pub mod status;

pub use channel::Channel;
pub use claims::IdentityClaim;
pub use color::AccentColor;
pub use field::{FieldDefinition, FieldError, FieldKind, FieldValues};
pub use identity::CertifiedIdentity;
pub use reference::SubmissionReference;
pub use slug::Slug;
pub use status::{ProcedureState, SubmissionStatus};

/// Why a piece of input was refused, as a sentence for the person who typed it (French first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{0}")]
pub struct DomainError(pub String);

impl DomainError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
