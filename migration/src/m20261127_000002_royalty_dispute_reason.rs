//! `royalty_reports.dispute_reason`: why the provider disputed a report, so the licensee (and its
//! system, through a subscription) can correct it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoyaltyReports {
    Table,
    DisputeReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RoyaltyReports::Table)
                    .add_column(ColumnDef::new(RoyaltyReports::DisputeReason).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RoyaltyReports::Table)
                    .drop_column(RoyaltyReports::DisputeReason)
                    .to_owned(),
            )
            .await
    }
}
