//! The citizen journey: service page, login, form, recap, submission, confirmation.
//!
//! Every step works without JavaScript: pages are server-rendered and each step is a plain form
//! post. The identity comes only from the verified session, never from the posted form, and what
//! the citizen types is saved as a draft before it is validated, so nothing typed is ever lost.

#[cfg(feature = "ssr")]
pub mod live;
#[cfg(feature = "ssr")]
pub mod published;
#[cfg(feature = "ssr")]
pub mod receipt;
#[cfg(feature = "ssr")]
pub mod service;
pub mod types;
