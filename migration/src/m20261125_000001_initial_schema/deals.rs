//! Technology transfer: deals, their history, royalty reports and income.

use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{
    Delete::{Cascade, Restrict},
    TableDef, between, non_negative, not_before,
};

const DEAL_STAGES: &[&str] = &[
    "LEAD",
    "NEGOTIATION",
    "TERM_SHEET",
    "SIGNED",
    "ACTIVE",
    "COMPLETED",
    "LOST",
    "TERMINATED",
];

pub(super) fn tables() -> Vec<TableDef> {
    vec![deals(), deal_events(), royalty_reports(), incomes()]
}

fn deals() -> TableDef {
    // The recipient is either a partner institution or an external organisation, never both.
    let one_recipient = Expr::col("recipient_institution_id")
        .is_not_null()
        .and(Expr::col("recipient_external_name").is_null())
        .or(Expr::col("recipient_institution_id")
            .is_null()
            .and(Expr::col("recipient_external_name").is_not_null()));

    TableDef::new("deals")
        .fk("technology_id", "technologies", Restrict)
        .enum_col(
            "kind",
            &[
                "EXCLUSIVE_LICENSE",
                "NON_EXCLUSIVE_LICENSE",
                "ASSIGNMENT",
                "OPTION",
                "JOINT_DEVELOPMENT",
                "MATERIAL_TRANSFER",
                "CONFIDENTIALITY",
                "RESEARCH_SERVICE",
            ],
        )
        .fk("provider_id", "institutions", Restrict)
        .fk_null("recipient_institution_id", "institutions", Restrict)
        .col(string_null("recipient_external_name"))
        .code_null("recipient_external_country", 2)
        .check("recipient", one_recipient)
        .enum_col("stage", DEAL_STAGES)
        .col(string_null("territory"))
        .col(big_integer_null("upfront_amount"))
        .check("upfront_amount", non_negative("upfront_amount"))
        .col(integer_null("royalty_bp"))
        .check("royalty_bp", between("royalty_bp", 0, 10000))
        .code("currency", 3)
        .col(date_null("signed_on"))
        .mutable()
        .index(&["kind"])
        .index(&["stage"])
}

fn deal_events() -> TableDef {
    TableDef::new("deal_events")
        .fk("deal_id", "deals", Cascade)
        .enum_col_null("from_stage", DEAL_STAGES)
        .enum_col("to_stage", DEAL_STAGES)
        .col(timestamp_with_time_zone("at"))
        .fk_null("actor_user_id", "users", Restrict)
        .col(string("actor_label"))
        .col(text_null("note"))
        .created_at()
}

fn royalty_reports() -> TableDef {
    TableDef::new("royalty_reports")
        .fk("deal_id", "deals", Restrict)
        .col(date("period_start"))
        .col(date("period_end"))
        .check("period", not_before("period_end", "period_start"))
        .col(big_integer("net_sales"))
        .check("net_sales", non_negative("net_sales"))
        .col(big_integer("royalty_due"))
        .check("royalty_due", non_negative("royalty_due"))
        .code("currency", 3)
        .fk_null("submitted_by", "users", Restrict)
        .enum_col("status", &["SUBMITTED", "ACCEPTED", "DISPUTED"])
        .col(timestamp_with_time_zone_null("decided_at"))
        .mutable()
        .index(&["status"])
}

fn incomes() -> TableDef {
    TableDef::new("incomes")
        .fk("deal_id", "deals", Restrict)
        .enum_col(
            "kind",
            &[
                "UPFRONT",
                "ANNUAL_MINIMUM",
                "ROYALTY",
                "MILESTONE",
                "SUBLICENSE",
                "EQUITY",
            ],
        )
        .col(big_integer("amount"))
        .check("amount", Expr::col("amount").gt(0))
        .code("currency", 3)
        .col(date("received_on"))
        .mutable()
        .index(&["received_on"])
}
