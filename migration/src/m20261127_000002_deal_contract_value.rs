//! `deals.contract_value`: the total amount agreed in the contract, in minor units of the deal's
//! currency — China's annual report counts the contract value of transfers, beside the income
//! actually received.

use sea_orm_migration::{prelude::*, schema::big_integer_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("deals")
                    .add_column(
                        big_integer_null("contract_value")
                            .check(Expr::col("contract_value").gte(0))
                            .take(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("deals")
                    .drop_column("contract_value")
                    .to_owned(),
            )
            .await
    }
}
