//! The initial schema: every table of the domain model.
//!
//! Naming (the server maps these names to user-facing errors, keep them):
//! `fk_<table>_<column>`, `idx_<table>_<columns>`, `uq_<table>_<columns>`, `ck_<table>_<what>`.
//!
//! Enum value lists are written out literally here (not taken from the `entity` crate): this
//! file records the schema as it was created.

use sea_orm_migration::prelude::*;

mod agreements;
mod audit;
mod deals;
mod helpers;
mod institutions;
mod ip;
mod technology;
mod training;
mod ventures;

use helpers::TableDef;

/// Every table, in dependency order (a table comes after the tables it references).
fn tables() -> Vec<TableDef> {
    [
        institutions::tables(),
        technology::tables(),
        ip::tables(),
        deals::tables(),
        ventures::tables(),
        training::tables(),
        agreements::tables(),
        audit::tables(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table.create).await?;
            for index in table.indexes {
                manager.create_index(index).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Reverse dependency order; a table's indexes and constraints go with it.
        for table in tables().into_iter().rev() {
            manager
                .drop_table(Table::drop().table(table.name).to_owned())
                .await?;
        }
        Ok(())
    }
}
