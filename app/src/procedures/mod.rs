//! Service buttons ("procedures"): creation, the form builder, publication and revisions.
//!
//! A procedure has at most one editable *draft* revision and one *published* revision. Editing an
//! online service copies its published revision into a new draft (field stable ids kept), and
//! publishing freezes that draft. Submissions pin the revision they were made with.

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod transfer;
pub mod types;
