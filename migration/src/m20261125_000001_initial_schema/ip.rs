//! Intellectual property: IP assets and their co-ownership.

use sea_orm_migration::schema::*;

use super::helpers::{
    Delete::{Cascade, Restrict},
    TableDef, between, tags,
};

pub(super) fn tables() -> Vec<TableDef> {
    vec![ip_assets(), ip_ownerships()]
}

fn ip_assets() -> TableDef {
    TableDef::new("ip_assets")
        .fk("technology_id", "technologies", Restrict)
        .enum_col(
            "kind",
            &[
                "INVENTION_PATENT",
                "UTILITY_MODEL",
                "DESIGN",
                "PCT_APPLICATION",
                "TRADEMARK",
                "SOFTWARE_COPYRIGHT",
                "TRADE_SECRET",
            ],
        )
        .col(string("jurisdiction"))
        .col(string_null("application_number"))
        .col(string_null("title"))
        .col(date_null("priority_date"))
        .col(date_null("filing_date"))
        .col(date_null("publication_date"))
        .col(date_null("grant_date"))
        .enum_col(
            "status",
            &[
                "DRAFTING",
                "FILED",
                "PUBLISHED",
                "UNDER_EXAMINATION",
                "GRANTED",
                "REFUSED",
                "ABANDONED",
                "LAPSED",
                "EXPIRED",
            ],
        )
        .fk_null("family_parent_id", "ip_assets", Restrict)
        .col(tags("target_jurisdictions"))
        .mutable()
        .index(&["kind"])
        .index(&["jurisdiction"])
        .index(&["status"])
}

fn ip_ownerships() -> TableDef {
    TableDef::new("ip_ownerships")
        .fk("ip_asset_id", "ip_assets", Cascade)
        .fk("institution_id", "institutions", Restrict)
        .col(integer("share_bp"))
        .check("share_bp", between("share_bp", 1, 10000))
        .mutable()
        .unique(&["ip_asset_id", "institution_id"])
}
