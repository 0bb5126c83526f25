//! Database schema of i-CLEFS, as sea-orm migrations.
//!
//! One set of migrations runs on SQLite (the embedded default) and on PostgreSQL: only portable
//! schema helpers are used, every migration runs in a transaction on both backends and has a real
//! `down`. The tests in `server/tests` run `up`, `down` and `up` again on both databases.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_core_tables;
mod m20261122_000002_add_distribution;
mod m20261122_000003_add_municipality_branding;
mod m20261122_000004_add_mail_delivery;
mod m20261122_000006_add_inbox_tools;
mod m20261202_000007_add_submission_counts;
mod m20261202_000008_add_api_tokens;
mod m20261202_000009_add_webhooks;
mod m20261202_000010_add_agent_login;
mod m20261202_000011_add_privacy;
mod m20261202_000012_add_logo_and_language;
mod m20261202_000013_add_field_settings;
mod m20261202_000014_add_uploads;
mod m20261202_000015_add_audit_log;
mod m20261203_000016_add_session_subject;

/// Every migration of the product, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_core_tables::Migration),
            Box::new(m20261122_000002_add_distribution::Migration),
            Box::new(m20261122_000003_add_municipality_branding::Migration),
            Box::new(m20261122_000004_add_mail_delivery::Migration),
            Box::new(m20261122_000006_add_inbox_tools::Migration),
            Box::new(m20261202_000007_add_submission_counts::Migration),
            Box::new(m20261202_000008_add_api_tokens::Migration),
            Box::new(m20261202_000009_add_webhooks::Migration),
            Box::new(m20261202_000010_add_agent_login::Migration),
            Box::new(m20261202_000011_add_privacy::Migration),
            Box::new(m20261202_000012_add_logo_and_language::Migration),
            Box::new(m20261202_000013_add_field_settings::Migration),
            Box::new(m20261202_000014_add_uploads::Migration),
            Box::new(m20261202_000015_add_audit_log::Migration),
            Box::new(m20261203_000016_add_session_subject::Migration),
        ]
    }
}
