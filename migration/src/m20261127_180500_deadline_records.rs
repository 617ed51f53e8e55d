//! `deadline_records`: what became of a computed IP deadline — done (with the date, the
//! official fee paid and a note) or waived (a decision not to act, after which the right lapses
//! at the end of its grace period). One record per act of an asset (`uq_…_ip_asset_id_act`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "deadline_records";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TABLE)
                    .col(pk_uuid("id"))
                    .col(uuid("ip_asset_id"))
                    .col(string_len("act", 60))
                    .col(string_len("resolution", 32))
                    .col(date("acted_on"))
                    .col(date("due_on"))
                    .col(date_null("lapses_on"))
                    .col(big_integer_null("fee_amount"))
                    .col(string_null("fee_currency"))
                    .col(text_null("note"))
                    .col(uuid_null("recorded_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deadline_records_ip_asset_id")
                            .from(TABLE, "ip_asset_id")
                            .to("ip_assets", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deadline_records_recorded_by")
                            .from(TABLE, "recorded_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .check((
                        "ck_deadline_records_resolution",
                        Expr::col("resolution").is_in(["DONE", "WAIVED"]),
                    ))
                    .check((
                        "ck_deadline_records_fee_amount",
                        Expr::col("fee_amount").gte(0),
                    ))
                    // A fee is an amount in a currency: both or neither.
                    .check((
                        "ck_deadline_records_fee",
                        Expr::col("fee_amount")
                            .is_null()
                            .and(Expr::col("fee_currency").is_null())
                            .or(Expr::col("fee_amount")
                                .is_not_null()
                                .and(Expr::col("fee_currency").is_not_null())),
                    ))
                    .check((
                        "ck_deadline_records_fee_currency",
                        Expr::expr(Func::char_length(Expr::col("fee_currency"))).eq(3),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_deadline_records_ip_asset_id_act")
                    .table(TABLE)
                    .col("ip_asset_id")
                    .col("act")
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The lapse job looks for waived fees whose grace has ended.
        manager
            .create_index(
                Index::create()
                    .name("idx_deadline_records_lapses_on")
                    .table(TABLE)
                    .col("lapses_on")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deadline_records_recorded_by")
                    .table(TABLE)
                    .col("recorded_by")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TABLE).to_owned())
            .await
    }
}
