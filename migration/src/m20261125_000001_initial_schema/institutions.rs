//! Tenants and identities: institutions, users, API tokens, people.

use sea_orm_migration::{prelude::*, schema::*};

use super::helpers::{Delete::Restrict, TableDef, between, tags};

pub(super) fn tables() -> Vec<TableDef> {
    vec![institutions(), users(), api_tokens(), people()]
}

fn institutions() -> TableDef {
    TableDef::new("institutions")
        .col(string("slug"))
        .col(string("name"))
        .col(string_null("local_name"))
        .code("country", 2)
        .enum_col(
            "region",
            &["YANGTZE_RIVER_DELTA", "BALKAN_PENINSULA", "OTHER"],
        )
        .enum_col(
            "kind",
            &[
                "UNIVERSITY",
                "HOSPITAL",
                "RESEARCH_INSTITUTE",
                "COMPANY",
                "AGENCY",
            ],
        )
        .enum_col(
            "membership",
            &["APPLICANT", "MEMBER", "OBSERVER", "SUSPENDED"],
        )
        .col(date_null("joined_on"))
        .col(string_null("website"))
        .col(integer("inventor_share_bp").default(5000).take())
        .check("inventor_share_bp", between("inventor_share_bp", 0, 10000))
        .mutable()
        .unique(&["slug"])
        .index(&["country"])
        .index(&["region"])
        .index(&["kind"])
        .index(&["membership"])
}

fn users() -> TableDef {
    TableDef::new("users")
        .fk("institution_id", "institutions", Restrict)
        .col(string("email"))
        .check(
            "email_lower",
            Expr::col("email").eq(Func::lower(Expr::col("email"))),
        )
        .col(string("display_name"))
        .enum_col(
            "role",
            &["CENTER_ADMIN", "INSTITUTION_ADMIN", "MEMBER", "ANALYST"],
        )
        .col(string("password_hash"))
        .col(timestamp_with_time_zone_null("disabled_at"))
        .col(timestamp_with_time_zone_null("tokens_valid_after"))
        .mutable()
        .unique(&["email"])
}

fn api_tokens() -> TableDef {
    TableDef::new("api_tokens")
        .fk("institution_id", "institutions", Restrict)
        .col(string("name"))
        .col(string("prefix"))
        .col(string("secret_hash"))
        .col(tags("scopes"))
        .fk("created_by", "users", Restrict)
        .col(timestamp_with_time_zone_null("expires_at"))
        .col(timestamp_with_time_zone_null("revoked_at"))
        .col(timestamp_with_time_zone_null("last_used_at"))
        .mutable()
        .unique(&["prefix"])
        .unique(&["secret_hash"])
}

fn people() -> TableDef {
    TableDef::new("people")
        .fk("institution_id", "institutions", Restrict)
        .col(string("full_name"))
        .col(string_null("email"))
        .col(string_null("orcid"))
        .col(string_null("title"))
        .col(tags("expertise"))
        .mutable()
        .index(&["full_name"])
        .unique(&["orcid"])
}
