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

/// A new record as its author may see it, read inside the transaction that wrote it: a mutation
/// payload built from this needs no database after the commit, so a commit that succeeded is
/// never reported as a failure because a later read did not (see `graphql::payload`).
#[derive(Debug)]
pub struct Written<M> {
    pub id: uuid::Uuid,
    /// `None` when the author may not see what it wrote (e.g. a write-only API token).
    pub row: Option<M>,
}

/// Reads row `id` of `E` through the access policy inside `txn`, then commits.
pub async fn commit_and_show<E: crate::policy::Policy>(
    txn: DatabaseTransaction,
    actor: &crate::auth::Principal,
    id: uuid::Uuid,
) -> AppResult<Written<E::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let row = crate::policy::visible::<E>(actor)
        .filter(crate::db::id_column::<E>().eq(id))
        .one(&txn)
        .await?;
    txn.commit().await?;
    Ok(Written { id, row })
}
