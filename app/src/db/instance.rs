//! Which servers use this database: one alone (the default), or several that said so.
//!
//! Why: a server alone on its database may keep citizen sessions and drafts in memory
//! (`db::memo`), which makes the citizen's pages a pure computation. That is only correct if no
//! other server writes those rows, so it is enforced, not assumed: each server takes a lock on
//! the database when it starts —
//! - **alone** (`ICLEFS_SHARED_DATABASE` unset): an exclusive lock; a second server on the same
//!   database, alone or shared, refuses to start and says why;
//! - **shared** (`ICLEFS_SHARED_DATABASE=true` on every instance, e.g. two processes behind a
//!   load balancer on one PostgreSQL): a shared lock; every page then reads the database, and a
//!   server started alone beside them refuses to start.
//!
//! SQLite: an OS file lock on `<database>-iclefs.lock`, released by the kernel when the process
//! ends, whatever the way. PostgreSQL: an advisory lock (local to the database) held by a
//! dedicated connection; [`Claim::watch`] checks every few seconds that the connection still
//! holds it. If the lock is lost (the connection dropped), the memory is switched off as soon as
//! that is seen (within [`WATCH_EVERY`]: the one window where a server started meanwhile could
//! write behind this one's memory) and the lock taken again; back alone, the memory restarts
//! empty. If another server took it meanwhile, this one stops: it could otherwise write rows
//! behind that server's memory.
//!
//! The operator commands (`iclefs municipality add`) take no lock: they never write sessions or
//! drafts.

use std::time::Duration;

/// How often the PostgreSQL lock is checked.
const WATCH_EVERY: Duration = Duration::from_secs(2);
/// The advisory lock's key ("iCLE"): one per database, the lock being local to it.
const PG_KEY: i64 = 0x6943_4C45;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// This server is the only one on the database.
    Alone,
    /// Several servers use the database; nothing is kept in memory across requests.
    Shared,
}

/// Why a server may not start on this database.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error(
        "another i-CLEFS server already uses this database ({0}). Stop it, or set \
         ICLEFS_SHARED_DATABASE=true on every server that shares it"
    )]
    Taken(&'static str),
    #[error("cannot take the database's instance lock: {0}")]
    Failed(String),
}

enum Hold {
    /// An in-memory SQLite database: no other process can open it.
    Private,
    /// The lock file; the lock lives as long as the handle.
    File(#[allow(dead_code)] std::fs::File),
    Postgres {
        url: String,
        connection: sea_orm::sqlx::PgConnection,
    },
}

/// The lock this server holds on its database, for as long as it runs.
pub struct Claim {
    pub sharing: Sharing,
    hold: Hold,
}

impl Claim {
    /// Takes the lock for `sharing` on the database at `url`.
    pub async fn take(url: &str, sharing: Sharing) -> Result<Self, ClaimError> {
        let hold = if url.starts_with("sqlite:") {
            match sqlite_file(url) {
                None => Hold::Private,
                Some(path) => Hold::File(lock_file(&path, sharing)?),
            }
        } else {
            let connection = pg_lock(url, sharing).await?;
            Hold::Postgres {
                url: url.to_owned(),
                connection,
            }
        };
        Ok(Self { sharing, hold })
    }

    /// Runs for the life of the server. `lost` is called as soon as the lock may have been lost,
    /// `back` once it is held again by a server alone (a shared one never keeps anything in
    /// memory); the future ends (with the reason) only if another server took the database
    /// meanwhile, and the server must then stop.
    pub async fn watch(self, lost: impl Fn(), back: impl Fn()) -> ClaimError {
        let Hold::Postgres {
            url,
            mut connection,
        } = self.hold
        else {
            // File locks and private databases cannot be lost while the process lives.
            return std::future::pending().await;
        };
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            if pg_holds(&mut connection).await {
                continue;
            }
            lost();
            tracing::warn!("the database's instance lock was lost; taking it again");
            loop {
                match pg_lock(&url, self.sharing).await {
                    Ok(again) => {
                        connection = again;
                        if self.sharing == Sharing::Alone {
                            back();
                        }
                        tracing::info!("the database's instance lock is held again");
                        break;
                    }
                    Err(e @ ClaimError::Taken(_)) => return e,
                    Err(ClaimError::Failed(_)) => tokio::time::sleep(WATCH_EVERY).await,
                }
            }
        }
    }
}

/// The file of a `sqlite:` URL, or `None` for an in-memory database.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let memory =
        path.is_empty() || path == ":memory:" || query.split('&').any(|p| p == "mode=memory");
    (!memory).then(|| std::path::PathBuf::from(path))
}

fn lock_file(database: &std::path::Path, sharing: Sharing) -> Result<std::fs::File, ClaimError> {
    let mut name = database.as_os_str().to_owned();
    name.push("-iclefs.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(std::path::PathBuf::from(name))
        .map_err(|e| ClaimError::Failed(e.to_string()))?;
    let taken = match sharing {
        Sharing::Alone => file.try_lock(),
        Sharing::Shared => file.try_lock_shared(),
    };
    match taken {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(ClaimError::Taken(which(sharing))),
        Err(std::fs::TryLockError::Error(e)) => Err(ClaimError::Failed(e.to_string())),
    }
}

/// Who holds what this server could not take: the opposite of the lock it asked for, or the same.
fn which(sharing: Sharing) -> &'static str {
    match sharing {
        Sharing::Alone => "a server is running on it",
        Sharing::Shared => "a server that runs alone is on it",
    }
}

async fn pg_lock(url: &str, sharing: Sharing) -> Result<sea_orm::sqlx::PgConnection, ClaimError> {
    use sea_orm::sqlx::Connection;
    let failed = |e: sea_orm::sqlx::Error| ClaimError::Failed(e.to_string());
    let mut connection = sea_orm::sqlx::PgConnection::connect(url)
        .await
        .map_err(failed)?;
    let sql = match sharing {
        Sharing::Alone => "SELECT pg_try_advisory_lock($1)",
        Sharing::Shared => "SELECT pg_try_advisory_lock_shared($1)",
    };
    let taken: bool = sea_orm::sqlx::query_scalar(sql)
        .bind(PG_KEY)
        .fetch_one(&mut connection)
        .await
        .map_err(failed)?;
    if taken {
        Ok(connection)
    } else {
        Err(ClaimError::Taken(which(sharing)))
    }
}

/// Whether this connection still holds the lock (false when the connection is gone).
async fn pg_holds(connection: &mut sea_orm::sqlx::PgConnection) -> bool {
    // A bigint key is stored as classid (high half) and objid (low half), objsubid 1.
    let sql = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
               AND pid = pg_backend_pid() AND granted AND classid = 0 \
               AND objid = $1::bigint::oid AND objsubid = 1)";
    let holds: Result<bool, _> = tokio::time::timeout(
        WATCH_EVERY,
        sea_orm::sqlx::query_scalar(sql)
            .bind(PG_KEY)
            .fetch_one(connection),
    )
    .await
    .unwrap_or(Err(sea_orm::sqlx::Error::PoolTimedOut));
    holds.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file_or_memory() {
        assert_eq!(
            sqlite_file("sqlite://data/iclefs.db?mode=rwc"),
            Some("data/iclefs.db".into())
        );
        assert_eq!(sqlite_file("sqlite:/tmp/x.db"), Some("/tmp/x.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://x.db?mode=memory"), None);
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }

    #[test]
    fn a_file_lock_admits_one_alone_or_many_shared_never_both() {
        let dir = std::env::temp_dir().join(format!("iclefs-claim-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).ok();
        let db = dir.join("db.sqlite");
        let alone = lock_file(&db, Sharing::Alone);
        assert!(alone.is_ok());
        assert!(matches!(
            lock_file(&db, Sharing::Alone),
            Err(ClaimError::Taken(_))
        ));
        assert!(matches!(
            lock_file(&db, Sharing::Shared),
            Err(ClaimError::Taken(_))
        ));
        drop(alone);
        let (one, two) = (
            lock_file(&db, Sharing::Shared),
            lock_file(&db, Sharing::Shared),
        );
        assert!(one.is_ok() && two.is_ok());
        assert!(matches!(
            lock_file(&db, Sharing::Alone),
            Err(ClaimError::Taken(_))
        ));
        drop((one, two));
        std::fs::remove_dir_all(&dir).ok();
    }
}
