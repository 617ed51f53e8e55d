//! Technology references live in their owner's namespace: unique per owner institution, not
//! across the consortium, so creating a technology can never answer CONFLICT about another
//! institution's (possibly confidential) reference.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "technologies";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_technologies_reference")
                    .table(TABLE)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_technologies_owner_id_reference")
                    .table(TABLE)
                    .col("owner_id")
                    .col("reference")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Look-ups by reference alone (`technology(reference:)`) keep an index.
        manager
            .create_index(
                Index::create()
                    .name("idx_technologies_reference")
                    .table(TABLE)
                    .col("reference")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_technologies_reference",
            "uq_technologies_owner_id_reference",
        ] {
            manager
                .drop_index(Index::drop().name(name).table(TABLE).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("uq_technologies_reference")
                    .table(TABLE)
                    .col("reference")
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
