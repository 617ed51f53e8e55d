//! Cooperation agreements between members and their parties.

use sea_orm_migration::schema::*;

use super::helpers::{
    Delete::{Cascade, Restrict},
    TableDef,
};

pub(super) fn tables() -> Vec<TableDef> {
    vec![agreements(), agreement_parties()]
}

fn agreements() -> TableDef {
    TableDef::new("agreements")
        .col(string("title"))
        .enum_col(
            "kind",
            &["MOU", "FRAMEWORK", "RESEARCH_COLLABORATION", "EXCHANGE"],
        )
        .col(date_null("signed_on"))
        .col(date_null("expires_on"))
        .enum_col("status", &["DRAFT", "ACTIVE", "EXPIRED", "TERMINATED"])
        .col(text_null("summary"))
        .mutable()
        .index(&["kind"])
        .index(&["status"])
}

fn agreement_parties() -> TableDef {
    TableDef::new("agreement_parties")
        .fk("agreement_id", "agreements", Cascade)
        .fk("institution_id", "institutions", Restrict)
        .created_at()
        .unique(&["agreement_id", "institution_id"])
}
