//! Integration tests: the real router, a real database (SQLite by default, PostgreSQL when
//! `ICLEFS_TEST_DATABASE=postgres`), the real OIDC flow against the built-in demo provider, all
//! over loopback HTTP. `cargo xtask test` runs this binary on both databases.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod api_v1;
mod audit;
mod bad_input;
mod bench;
mod branding;
mod builder;
mod citizen_bench;
mod concurrency;
mod distribution;
mod field_kinds;
mod forged_tokens;
mod helpers;
mod identity;
mod inbox;
mod instances;
mod isolation;
mod journey;
mod languages;
mod mail;
mod migrations;
mod privacy;
mod production;
mod provider_settings;
mod smtp;
mod tenancy;
mod webhooks;
