//! Database connection and schema migrations.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, EntityTrait, Iterable, PrimaryKeyToColumn,
};

/// A pooled connection idle for longer than this is pinged before it is used again.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(2);

/// Connects with the default acquire timeout (see [`connect_with_timeout`]).
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with_timeout(url, crate::config::Config::default().db_acquire_timeout()).await
}

/// Connects a pool whose requests give up after `acquire_timeout` when no connection can be had
/// — PostgreSQL down, unreachable or every connection busy —, so that an outage answers a fast
/// `UNAVAILABLE` instead of hanging (sqlx's default is 30 s). Connecting is part of acquiring:
/// the pool retries refused connections until this deadline, so it bounds both. Idle
/// connections are checked before use, so a restarted server is picked up by itself.
pub async fn connect_with_timeout(
    url: &str,
    acquire_timeout: Duration,
) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(acquire_timeout)
        .acquire_timeout(acquire_timeout)
        .max_connections(if url.starts_with("sqlite:") { 8 } else { 16 })
        // sqlx pings every connection it hands out, a round trip per statement; and it pings
        // each one again when it comes back. A connection back within the last seconds was
        // alive then: ping only those idle longer (a restarted server is still picked up —
        // at worst one statement per connection fails fast with `UNAVAILABLE`).
        .test_before_acquire_if_idle_for(PING_IF_IDLE_FOR);
    // sqlx turns SQLite foreign keys on and waits on busy locks; WAL lets readers run beside
    // the one writer.
    options.map_sqlx_sqlite_opts(|o| o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal));
    // No JIT compilation: PostgreSQL compiles a statement whose estimated cost passes
    // `jit_above_cost` (100,000), which the access policy's correlated subqueries reach on a
    // thousand technologies — 73 ms of compiling for a statement that runs in 3 ms. An API's
    // statements are short; JIT pays only for long analytical scans.
    options.map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    let db = Database::connect(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database at {}: {e}", redact(url)))?;
    Ok(db)
}

pub async fn migrate_up(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// The primary-key column of an entity (every table has a single UUID `id`).
pub fn id_column<E: EntityTrait>() -> E::Column {
    E::PrimaryKey::iter()
        .next()
        .map(PrimaryKeyToColumn::into_column)
        .expect("every entity has a primary key")
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://bb:secret@db:5432/bb"),
            "postgres://bb:***@db:5432/bb"
        );
        assert_eq!(
            super::redact("sqlite://biobridge.db?mode=rwc"),
            "sqlite://biobridge.db?mode=rwc"
        );
    }
}
