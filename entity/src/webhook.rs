//! `webhooks`: an institution's endpoint for change events, signed with its secret (Standard
//! Webhooks). The secret is kept to sign with; it is shown to the institution only once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub institution_id: Uuid,
    pub url: String,
    pub description: String,
    /// JSON array of event kinds, e.g. `["DEAL_CHANGED"]`.
    pub events: Json,
    /// Paused endpoints are owed nothing.
    pub active: bool,
    /// `whsec_` + base64 of the key.
    pub secret: String,
    /// The secret before the last rotation, still signed with until it expires.
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<DateTimeUtc>,
    #[sea_orm(indexed)]
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::InstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    Institution,
    #[sea_orm(has_many = "super::webhook_delivery::Entity")]
    Deliveries,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Institution.def()
    }
}

impl Related<super::webhook_delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deliveries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
