//! Reusable pieces of the interface: layouts, the FranceConnect button, form feedback, islands.

pub mod connect;
pub mod feedback;
pub mod islands;
pub mod layout;

pub use feedback::{ErrorSummary, Feedback};
pub use layout::{AdminLayout, CitizenLayout, escape_raw_text};
