//! Ventures as companies: their legal form, the lead institution's equity stake as it changes
//! over financing rounds, and a venture as the recipient of a deal (a startup licence).
//!
//! `deals.recipient_venture_id` carries no foreign-key constraint: SQLite cannot add one to an
//! existing table. Ventures are never deleted, and the server checks the venture exists.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("ventures")
                    .add_column(string_null("legal_form"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("deals")
                    .add_column(uuid_null("recipient_venture_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deals_recipient_venture_id")
                    .table("deals")
                    .col("recipient_venture_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("venture_equity_changes")
                    .col(pk_uuid("id"))
                    .col(uuid("venture_id"))
                    .col(string("round"))
                    .col(date("changed_on"))
                    .col(integer("equity_bp"))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_venture_equity_changes_venture_id")
                            .from("venture_equity_changes", "venture_id")
                            .to("ventures", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "ck_venture_equity_changes_equity_bp",
                        Expr::col("equity_bp").between(0, 10_000),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_venture_equity_changes_venture_id")
                    .table("venture_equity_changes")
                    .col("venture_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("venture_equity_changes").to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_deals_recipient_venture_id")
                    .table("deals")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("deals")
                    .drop_column("recipient_venture_id")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("ventures")
                    .drop_column("legal_form")
                    .to_owned(),
            )
            .await
    }
}
