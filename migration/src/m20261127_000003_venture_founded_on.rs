//! `ventures.founded_on`: the date the company was incorporated ("ventures formed" counts by it).

use sea_orm_migration::{prelude::*, schema::date_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("ventures")
                    .add_column(date_null("founded_on"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_ventures_founded_on")
                    .table("ventures")
                    .col("founded_on")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_ventures_founded_on")
                    .table("ventures")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("ventures")
                    .drop_column("founded_on")
                    .to_owned(),
            )
            .await
    }
}
