//! The axum server of i-CLEFS: configuration, start-up (router, middleware, background worker)
//! and the built-in demo identity provider. Pages, services and handlers live in the `app` crate.

pub mod config;
pub mod demo_idp;
pub mod startup;
