//! Licence terms on deals (field of use, territories, exclusivity, term, annual minimum,
//! royalty tiers, sublicensing, diligence, payment terms) and the deal's milestones.
//!
//! Territories, royalty tiers and diligence obligations are JSON lists: they are read and
//! written with their deal, never queried on their own. Exclusivity is a plain string checked by
//! the server (SQLite cannot add a named CHECK constraint to an existing table).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn deal_columns() -> Vec<ColumnDef> {
    vec![
        text_null("field_of_use"),
        json_null("territories"),
        string_len_null("exclusivity", 32),
        date_null("effective_on"),
        date_null("expires_on"),
        big_integer_null("annual_minimum"),
        json_null("royalty_tiers"),
        boolean("sublicensing_allowed").default(false).take(),
        integer_null("sublicense_share_bp"),
        json_null("diligence"),
        integer_null("payment_days"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        for mut col in deal_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("deals")
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("deal_milestones")
                    .col(pk_uuid("id"))
                    .col(uuid("deal_id"))
                    .col(text("description"))
                    .col(big_integer("amount"))
                    .col(date_null("due_on"))
                    .col(date_null("achieved_on"))
                    .col(uuid_null("income_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deal_milestones_deal_id")
                            .from("deal_milestones", "deal_id")
                            .to("deals", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deal_milestones_income_id")
                            .from("deal_milestones", "income_id")
                            .to("incomes", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .check(("ck_deal_milestones_amount", Expr::col("amount").gte(0)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deal_milestones_deal_id")
                    .table("deal_milestones")
                    .col("deal_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("deal_milestones").to_owned())
            .await?;
        for col in deal_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("deals")
                        .drop_column(col.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
