//! `deadline_reminders`: the reminders the docket has sent — one row per deadline (asset and
//! act) and reminder day, unique, so each reminder is sent exactly once however many instances
//! run the reminder job: the row is written in the same transaction as the reminder's event, and
//! a second writer of the same reminder meets the unique key and sends nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "deadline_reminders";

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
                    .col(date("remind_on"))
                    .col(date("due_on"))
                    .col(integer_null("lead_days"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deadline_reminders_ip_asset_id")
                            .from(TABLE, "ip_asset_id")
                            .to("ip_assets", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "ck_deadline_reminders_lead_days",
                        Expr::col("lead_days").gte(0),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_deadline_reminders_ip_asset_id_act_remind_on")
                    .table(TABLE)
                    .col("ip_asset_id")
                    .col("act")
                    .col("remind_on")
                    .unique()
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
