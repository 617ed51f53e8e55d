//! The audit log. Append-only, and deliberately without foreign keys so that the history
//! survives the deletion of what it is about.

use sea_orm_migration::schema::*;

use super::helpers::TableDef;

pub(super) fn tables() -> Vec<TableDef> {
    vec![audit_events()]
}

fn audit_events() -> TableDef {
    TableDef::new("audit_events")
        .col(timestamp_with_time_zone("at"))
        .col(uuid_null("actor_user_id"))
        .col(string("actor_label"))
        .col(uuid_null("institution_id"))
        .col(string("action"))
        .col(string("entity_type"))
        .col(uuid("entity_id"))
        .col(json("changes"))
        .index(&["at"])
        .index(&["institution_id"])
        .index(&["action"])
        .index(&["entity_type", "entity_id"])
}
