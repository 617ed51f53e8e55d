//! Patent costs and net income (issue 12):
//!
//! - `ip_costs`: what an IP asset cost (attorney fees, official fees not paid through the docket,
//!   other), paid by one of its owners. Official fees paid by marking a deadline done stay in
//!   `deadline_records` — one source of truth — and are read as costs from there.
//! - `ip_reimbursements`: what a licensee paid back of an asset's costs, under a deal.
//! - `distribution_policies`: an institution's rule for distributing income (`GROSS` without a
//!   row).
//! - `security_reviews`: CNIPA's confidentiality review of a technology made in China before it
//!   is filed abroad (Patent Law art. 19), one per technology.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COSTS: &str = "ip_costs";
const REIMBURSEMENTS: &str = "ip_reimbursements";
const POLICIES: &str = "distribution_policies";
const REVIEWS: &str = "security_reviews";

fn money_checks(table: &'static str, t: &mut TableCreateStatement) {
    t.check((format!("ck_{table}_amount"), Expr::col("amount").gt(0)))
        .check((
            format!("ck_{table}_currency"),
            Expr::expr(Func::char_length(Expr::col("currency"))).eq(3),
        ));
}

fn index(table: &str, col: &str) -> IndexCreateStatement {
    Index::create()
        .name(format!("idx_{table}_{col}"))
        .table(table.to_owned())
        .col(col.to_owned())
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut costs = Table::create()
            .table(COSTS)
            .col(pk_uuid("id"))
            .col(uuid("ip_asset_id"))
            .col(uuid("institution_id"))
            .col(string_len("kind", 32))
            .col(big_integer("amount"))
            .col(string_len("currency", 3))
            .col(date("incurred_on"))
            .col(text_null("note"))
            .col(uuid_null("recorded_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(integer("version").default(1).take())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_ip_costs_ip_asset_id")
                    .from(COSTS, "ip_asset_id")
                    .to("ip_assets", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_ip_costs_institution_id")
                    .from(COSTS, "institution_id")
                    .to("institutions", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_ip_costs_recorded_by")
                    .from(COSTS, "recorded_by")
                    .to("users", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .check((
                "ck_ip_costs_kind",
                Expr::col("kind").is_in(["OFFICIAL_FEE", "ATTORNEY_FEE", "OTHER"]),
            ))
            .to_owned();
        money_checks(COSTS, &mut costs);
        manager.create_table(costs).await?;
        manager.create_index(index(COSTS, "ip_asset_id")).await?;
        manager.create_index(index(COSTS, "institution_id")).await?;
        manager.create_index(index(COSTS, "recorded_by")).await?;

        let mut reimbursements = Table::create()
            .table(REIMBURSEMENTS)
            .col(pk_uuid("id"))
            .col(uuid("ip_asset_id"))
            .col(uuid("deal_id"))
            .col(big_integer("amount"))
            .col(string_len("currency", 3))
            .col(date("received_on"))
            .col(text_null("note"))
            .col(uuid_null("recorded_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(integer("version").default(1).take())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_ip_reimbursements_ip_asset_id")
                    .from(REIMBURSEMENTS, "ip_asset_id")
                    .to("ip_assets", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_ip_reimbursements_deal_id")
                    .from(REIMBURSEMENTS, "deal_id")
                    .to("deals", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_ip_reimbursements_recorded_by")
                    .from(REIMBURSEMENTS, "recorded_by")
                    .to("users", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        money_checks(REIMBURSEMENTS, &mut reimbursements);
        manager.create_table(reimbursements).await?;
        manager
            .create_index(index(REIMBURSEMENTS, "ip_asset_id"))
            .await?;
        manager
            .create_index(index(REIMBURSEMENTS, "deal_id"))
            .await?;
        manager
            .create_index(index(REIMBURSEMENTS, "recorded_by"))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(POLICIES)
                    .col(pk_uuid("institution_id"))
                    .col(string_len("policy", 32))
                    .col(boolean("equity_as_shares").default(false).take())
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_distribution_policies_institution_id")
                            .from(POLICIES, "institution_id")
                            .to("institutions", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "ck_distribution_policies_policy",
                        Expr::col("policy").is_in(["GROSS", "NET_OF_UNREIMBURSED_COSTS"]),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(REVIEWS)
                    .col(pk_uuid("id"))
                    .col(uuid("technology_id"))
                    .col(date("reviewed_on"))
                    .col(string_len_null("reference", 100))
                    .col(uuid_null("recorded_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_security_reviews_technology_id")
                            .from(REVIEWS, "technology_id")
                            .to("technologies", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_security_reviews_recorded_by")
                            .from(REVIEWS, "recorded_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_security_reviews_technology_id")
                    .table(REVIEWS)
                    .col("technology_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_index(index(REVIEWS, "recorded_by")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [REVIEWS, POLICIES, REIMBURSEMENTS, COSTS] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
