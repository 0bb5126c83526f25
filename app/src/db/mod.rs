//! Database access: connection set-up for SQLite and PostgreSQL, migrations, entities.
//!
//! SQLite runs in WAL mode with `synchronous=FULL`: an acknowledged submission is a legal act for
//! the citizen and must survive a power cut, not only a process crash.

pub mod entities;
pub mod instance;
pub mod memo;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Opens the pool and brings the schema up to date.
pub async fn connect_and_migrate(database_url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(database_url).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

/// Opens a pool on `sqlite://…` or `postgres://…` with the durability settings of the product.
pub async fn connect(database_url: &str) -> Result<DatabaseConnection, DbErr> {
    use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
    let mut options = ConnectOptions::new(database_url.to_owned());
    options
        .max_connections(if database_url.starts_with("sqlite:") {
            8
        } else {
            16
        })
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        })
        // sqlx prepares every statement, and after five runs PostgreSQL may switch a prepared
        // statement to a generic plan that ignores the bound values. One instance holds towns of
        // 500 and of 1,000,000 submissions, and a prefix pattern bound as a parameter cannot use
        // its index in a generic plan: the rare-name inbox search went from 0.4 ms to walking
        // the whole municipality (~1 s at a million rows). Planning each query with its values
        // costs well under a millisecond on these statements.
        .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    Database::connect(options).await
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite, a plain `BEGIN` on
/// PostgreSQL.
///
/// A deferred SQLite transaction that reads and then writes fails at once with
/// `SQLITE_BUSY_SNAPSHOT` when another connection (the outbox worker, another request) committed
/// in between: the busy timeout does not apply to that upgrade. Taking the write lock at `BEGIN`
/// makes a concurrent writer wait (up to the busy timeout) instead of failing the request.
pub async fn begin_write<C: TransactionTrait<Transaction = DatabaseTransaction>>(
    db: &C,
) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}
