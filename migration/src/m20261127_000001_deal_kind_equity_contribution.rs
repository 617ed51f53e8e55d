//! Deal kind `EQUITY_CONTRIBUTION`: technology contributed to a company in exchange for shares
//! (China's annual report counts it as 作价投资, beside licences and assignments).
//!
//! The kind column is guarded by `ck_deals_kind CHECK (kind IN (...))`. PostgreSQL replaces the
//! constraint in place. SQLite cannot alter a constraint; the list only grows (every stored row
//! stays valid), so the table is rebuilt as SQLite's documented procedure for schema changes
//! says: with foreign keys off on one connection, create the new table, copy, drop, rename,
//! recreate the indexes, check the foreign keys — all in one transaction. Dropping `deals`
//! with foreign keys on would cascade into `deal_events`.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DbBackend, Statement},
};

const OLD_KINDS: &str = "'EXCLUSIVE_LICENSE', 'NON_EXCLUSIVE_LICENSE', 'ASSIGNMENT', 'OPTION', \
     'JOINT_DEVELOPMENT', 'MATERIAL_TRANSFER', 'CONFIDENTIALITY', 'RESEARCH_SERVICE'";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_kinds(manager, &format!("{OLD_KINDS}, 'EQUITY_CONTRIBUTION'")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_kinds(manager, OLD_KINDS).await
    }
}

async fn set_kinds(manager: &SchemaManager<'_>, kinds: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!(
                "ALTER TABLE deals DROP CONSTRAINT ck_deals_kind, \
                 ADD CONSTRAINT ck_deals_kind CHECK (kind IN ({kinds}))"
            ))
            .await?;
        }
        DbBackend::Sqlite => rebuild_sqlite_deals(db, kinds).await?,
        other => {
            return Err(DbErr::Migration(format!(
                "unsupported database backend {other:?}"
            )));
        }
    }
    Ok(())
}

async fn rebuild_sqlite_deals(db: &SchemaManagerConnection<'_>, kinds: &str) -> Result<(), DbErr> {
    let create: String = query_strings(
        db,
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'deals'",
    )
    .await?
    .into_iter()
    .next()
    .ok_or_else(|| DbErr::Migration("table deals not found".into()))?;
    let indexes = query_strings(
        db,
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deals' AND sql IS NOT NULL",
    )
    .await?;
    let check_start = create
        .find("CONSTRAINT \"ck_deals_kind\" CHECK (")
        .ok_or_else(|| DbErr::Migration("constraint ck_deals_kind not found".into()))?;
    let list_start = create[check_start..]
        .find("IN (")
        .map(|i| check_start + i + "IN (".len())
        .ok_or_else(|| DbErr::Migration("ck_deals_kind is not an IN list".into()))?;
    let list_end = create[list_start..]
        .find(')')
        .map(|i| list_start + i)
        .ok_or_else(|| DbErr::Migration("ck_deals_kind is not closed".into()))?;
    let new_create = format!("{}{kinds}{}", &create[..list_start], &create[list_end..]).replacen(
        "\"deals\"",
        "\"deals_rebuilt\"",
        1,
    );
    anyhow_free_ensure(
        new_create.starts_with("CREATE TABLE \"deals_rebuilt\""),
        "unexpected CREATE TABLE of deals",
    )?;
    // One string: sqlx runs it on one connection, so the pragmas hold for the whole rebuild.
    let script = format!(
        "PRAGMA foreign_keys = OFF;
         BEGIN;
         {new_create};
         INSERT INTO deals_rebuilt SELECT * FROM deals;
         DROP TABLE deals;
         ALTER TABLE deals_rebuilt RENAME TO deals;
         {indexes};
         COMMIT;
         PRAGMA foreign_keys = ON;",
        indexes = indexes.join(";\n")
    );
    if let Err(e) = db.execute_unprepared(&script).await {
        // Leave the connection as it was found: no open transaction, foreign keys on.
        let _ = db.execute_unprepared("ROLLBACK").await;
        let _ = db.execute_unprepared("PRAGMA foreign_keys = ON").await;
        return Err(e);
    }
    let violations = query_strings(db, "SELECT \"table\" FROM pragma_foreign_key_check").await?;
    anyhow_free_ensure(
        violations.is_empty(),
        "foreign keys broken by the rebuild of deals",
    )
}

fn anyhow_free_ensure(ok: bool, msg: &str) -> Result<(), DbErr> {
    if ok {
        Ok(())
    } else {
        Err(DbErr::Migration(msg.to_owned()))
    }
}

async fn query_strings(db: &SchemaManagerConnection<'_>, sql: &str) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, sql.to_owned()))
        .await?;
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0))
        .collect()
}
