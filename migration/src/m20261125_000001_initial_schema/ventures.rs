//! Incubation: ventures, their founders and milestones.

use sea_orm_migration::schema::*;

use super::helpers::{
    Delete::{Cascade, Restrict},
    TableDef, non_negative,
};

pub(super) fn tables() -> Vec<TableDef> {
    vec![ventures(), venture_founders(), venture_milestones()]
}

fn ventures() -> TableDef {
    TableDef::new("ventures")
        .fk("lead_institution_id", "institutions", Restrict)
        .fk_null("technology_id", "technologies", Restrict)
        .col(string("name"))
        .col(string_null("cohort"))
        .enum_col(
            "stage",
            &["APPLICATION", "INCUBATING", "GRADUATED", "DISCONTINUED"],
        )
        .col(big_integer("funding_raised").default(0).take())
        .check("funding_raised", non_negative("funding_raised"))
        .code("funding_currency", 3)
        .col(text_null("description"))
        .mutable()
        .index(&["stage"])
}

fn venture_founders() -> TableDef {
    TableDef::new("venture_founders")
        .fk("venture_id", "ventures", Cascade)
        .fk("person_id", "people", Restrict)
        .col(string_null("role"))
        .created_at()
        .unique(&["venture_id", "person_id"])
}

fn venture_milestones() -> TableDef {
    TableDef::new("venture_milestones")
        .fk("venture_id", "ventures", Cascade)
        .col(string("title"))
        .col(date("due_on"))
        .col(date_null("completed_on"))
        .mutable()
        .index(&["due_on"])
}
