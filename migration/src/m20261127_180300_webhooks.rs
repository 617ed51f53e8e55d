//! Webhooks for partner systems, fed from a transactional outbox.
//!
//! - `webhooks`: an institution's endpoints (URL, the event kinds it wants, its signing secret,
//!   and the previous secret while a rotation's grace period lasts).
//! - `webhook_events`: the outbox. A row is written in the same transaction as the change it
//!   announces (beside its audit event, with the same id); `dispatched_at` is set once the event
//!   has been fanned out to the endpoints that may see it.
//! - `webhook_deliveries`: one event owed to one endpoint, with its retry state; claimed by one
//!   instance at a time (`next_attempt_at` moves forward by a lease when claimed).
//! - `webhook_attempts`: every HTTP attempt of a delivery (status code, latency, error).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const STATUSES: [&str; 3] = ["PENDING", "DELIVERED", "FAILED"];

fn fk(
    table: &'static str,
    column: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(format!(
            "{}_{table}_{}",
            if unique { "uq" } else { "idx" },
            columns.join("_")
        ))
        .table(table);
    for column in columns {
        index.col(*column);
    }
    if unique {
        index.unique();
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhooks")
                    .col(pk_uuid("id"))
                    .col(uuid("institution_id"))
                    .col(string_len("url", 2048))
                    .col(string_len("description", 500))
                    .col(json("events"))
                    .col(boolean("active").default(true).take())
                    .col(string_len("secret", 100))
                    .col(string_len_null("previous_secret", 100))
                    .col(timestamp_with_time_zone_null("previous_secret_expires_at"))
                    .col(uuid("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(&mut fk(
                        "webhooks",
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "webhooks",
                        "created_by",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("webhooks", &["institution_id"], false))
            .await?;
        manager
            .create_index(index("webhooks", &["created_by"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("webhook_events")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 32))
                    .col(string_len("action", 100))
                    .col(string_len("entity_type", 50))
                    .col(uuid("entity_id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(timestamp_with_time_zone_null("dispatched_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("webhook_events", &["dispatched_at"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(pk_uuid("id"))
                    .col(uuid("webhook_id"))
                    .col(uuid("event_id"))
                    .col(string_len("status", 32))
                    .col(integer("attempts").default(0).take())
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone("retry_until"))
                    .col(integer_null("last_status_code"))
                    .col(string_len_null("last_error", 500))
                    .col(timestamp_with_time_zone_null("delivered_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .check((
                        "ck_webhook_deliveries_status",
                        Expr::col("status").is_in(STATUSES),
                    ))
                    .foreign_key(&mut fk(
                        "webhook_deliveries",
                        "webhook_id",
                        "webhooks",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "webhook_deliveries",
                        "event_id",
                        "webhook_events",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                &["webhook_id", "event_id"],
                true,
            ))
            .await?;
        manager
            .create_index(index("webhook_deliveries", &["event_id"], false))
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                &["status", "next_attempt_at"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("webhook_attempts")
                    .col(pk_uuid("id"))
                    .col(uuid("delivery_id"))
                    .col(integer("attempt"))
                    .col(timestamp_with_time_zone("at"))
                    .col(integer_null("status_code"))
                    .col(integer("latency_ms"))
                    .col(string_len_null("error", 500))
                    .foreign_key(&mut fk(
                        "webhook_attempts",
                        "delivery_id",
                        "webhook_deliveries",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("webhook_attempts", &["delivery_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "webhook_attempts",
            "webhook_deliveries",
            "webhook_events",
            "webhooks",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
