//! Institutions carry their ROR id (Research Organization Registry), unique across the
//! registry: one organisation, one record. The public directory shows it, so uniqueness tells
//! nobody anything they could not read.

use sea_orm_migration::{prelude::*, schema::string_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "institutions";
const INDEX: &str = "uq_institutions_ror_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TABLE)
                    .add_column(string_null("ror_id"))
                    .to_owned(),
            )
            .await?;
        // Several institutions without one are fine: both databases let NULLs repeat.
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(TABLE)
                    .col("ror_id")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(TABLE).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(TABLE).drop_column("ror_id").to_owned())
            .await
    }
}
