//! `deadline_reopenings`: the history of deadlines reopened after being marked done or waived
//! by mistake. Reopening moves the `deadline_records` row here (what had been recorded, by
//! whom) with who reopened it, when and why; the deadline is open again and can be recorded
//! anew.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "deadline_reopenings";

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
                    // What had been recorded.
                    .col(string_len("resolution", 32))
                    .col(date("acted_on"))
                    .col(big_integer_null("fee_amount"))
                    .col(string_null("fee_currency"))
                    .col(text_null("note"))
                    .col(uuid_null("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    // The reopening.
                    .col(text("reason"))
                    .col(uuid_null("reopened_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deadline_reopenings_ip_asset_id")
                            .from(TABLE, "ip_asset_id")
                            .to("ip_assets", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deadline_reopenings_recorded_by")
                            .from(TABLE, "recorded_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deadline_reopenings_reopened_by")
                            .from(TABLE, "reopened_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .check((
                        "ck_deadline_reopenings_resolution",
                        Expr::col("resolution").is_in(["DONE", "WAIVED"]),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deadline_reopenings_ip_asset_id_act")
                    .table(TABLE)
                    .col("ip_asset_id")
                    .col("act")
                    .to_owned(),
            )
            .await?;
        for column in ["recorded_by", "reopened_by"] {
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_deadline_reopenings_{column}"))
                        .table(TABLE)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TABLE).to_owned())
            .await
    }
}
