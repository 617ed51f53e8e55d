//! `ip_assets.international_filing_date`: the international filing date of the PCT application a
//! national/regional-phase asset entered from (its term and Euro-PCT renewal years run from it).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_150000_ip_international_filing_date"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("ip_assets")
                    .add_column(ColumnDef::new("international_filing_date").date().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("ip_assets")
                    .drop_column("international_filing_date")
                    .to_owned(),
            )
            .await
    }
}
