//! Write transactions that queue instead of failing under concurrent writers.
//!
//! SQLite has one writer at a time. A transaction begun the default way (`BEGIN DEFERRED`)
//! that reads before it writes cannot wait for the write lock if another writer committed in
//! between: SQLite fails it at once with "database is locked" (`SQLITE_BUSY_SNAPSHOT`), whatever
//! the busy timeout. [`begin_write`] begins with `BEGIN IMMEDIATE` instead, taking the write lock
//! up front — waiting for it under the busy timeout (sqlx's default, 5 s) — so writers simply
//! take turns. PostgreSQL ignores the SQLite mode; there, rows are locked by the statements that
//! write them (see `training` for a rule that needs more).

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::error::AppResult;

/// Begins a transaction that will write.
pub async fn begin_write(db: &DatabaseConnection) -> AppResult<DatabaseTransaction> {
    Ok(db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?)
}
