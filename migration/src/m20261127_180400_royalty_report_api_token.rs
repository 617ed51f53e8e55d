//! `royalty_reports.submitted_by_api_token_id`: the API token a partner system submitted a report
//! with (`submitted_by` names users only), so the report can say which system sent it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RoyaltyReports {
    Table,
    SubmittedByApiTokenId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key: SQLite cannot add one to an existing table, and API tokens are never
        // deleted (they are revoked), so the reference cannot dangle.
        manager
            .alter_table(
                Table::alter()
                    .table(RoyaltyReports::Table)
                    .add_column(
                        ColumnDef::new(RoyaltyReports::SubmittedByApiTokenId)
                            .uuid()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RoyaltyReports::Table)
                    .drop_column(RoyaltyReports::SubmittedByApiTokenId)
                    .to_owned(),
            )
            .await
    }
}
