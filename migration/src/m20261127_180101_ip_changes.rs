//! `ip_changes` and `ip_change_approvals`: co-owners' consent (e.g. CN Patent Law art. 14).
//!
//! A change of a jointly owned IP asset that reduces another co-owner's share, or abandons the
//! asset, is recorded as a proposal (`ip_changes`, `PENDING`) with one approval row per
//! co-owner whose consent it needs; it takes effect (`APPLIED`) when the last of them approves,
//! and is closed by a rejection (`REJECTED`), its proposer (`WITHDRAWN`) or a change of the
//! asset's ownership or status in the meantime (`SUPERSEDED`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const CHANGES: &str = "ip_changes";
const APPROVALS: &str = "ip_change_approvals";

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

fn index(table: &'static str, column: &'static str) -> IndexCreateStatement {
    Index::create()
        .name(format!("idx_{table}_{column}"))
        .table(table)
        .col(column)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CHANGES)
                    .col(pk_uuid("id"))
                    .col(uuid("ip_asset_id"))
                    .col(string_len("kind", 32))
                    .col(string_len("status", 32))
                    .col(uuid_null("proposed_by_institution_id"))
                    .col(uuid_null("proposed_by_user_id"))
                    .col(json_null("owners"))
                    .col(date_null("date"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(&mut fk(
                        CHANGES,
                        "ip_asset_id",
                        "ip_assets",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        CHANGES,
                        "proposed_by_institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        CHANGES,
                        "proposed_by_user_id",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .check((
                        "ck_ip_changes_kind",
                        Expr::col("kind").is_in(["OWNERSHIP", "ABANDONMENT"]),
                    ))
                    .check((
                        "ck_ip_changes_status",
                        Expr::col("status").is_in([
                            "PENDING",
                            "APPLIED",
                            "REJECTED",
                            "WITHDRAWN",
                            "SUPERSEDED",
                        ]),
                    ))
                    .to_owned(),
            )
            .await?;
        for column in ["ip_asset_id", "status", "proposed_by_institution_id"] {
            manager.create_index(index(CHANGES, column)).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(APPROVALS)
                    .col(pk_uuid("id"))
                    .col(uuid("ip_change_id"))
                    .col(uuid("institution_id"))
                    .col(string_len("decision", 32))
                    .col(uuid_null("decided_by_user_id"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(
                        APPROVALS,
                        "ip_change_id",
                        CHANGES,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        APPROVALS,
                        "institution_id",
                        "institutions",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        APPROVALS,
                        "decided_by_user_id",
                        "users",
                        ForeignKeyAction::Restrict,
                    ))
                    .check((
                        "ck_ip_change_approvals_decision",
                        Expr::col("decision").is_in(["PENDING", "APPROVED", "REJECTED"]),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_ip_change_approvals_ip_change_id_institution_id")
                    .table(APPROVALS)
                    .col("ip_change_id")
                    .col("institution_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(APPROVALS, "institution_id"))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(APPROVALS).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CHANGES).to_owned())
            .await
    }
}
