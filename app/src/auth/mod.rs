//! Who is calling: agents (email + password, or ProConnect) and citizens (identity provider),
//! each with their own server-side session and cookie.

pub mod admin;
pub mod invitations;
pub mod proconnect;
pub mod session;

pub use admin::CurrentAdmin;
pub use session::{CitizenSession, SessionKind};
