//! `external_organizations`: a licensee outside the consortium (a company, say) that has
//! accounts of its own, scoped to the deals it receives.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "external_organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// An identifier of the organisation where it is registered (company register, LEI, …).
    pub identifier: Option<String>,
    /// The providing institution that registered it; its admins invite and suspend it.
    #[sea_orm(indexed)]
    pub registered_by: Uuid,
    /// While set, none of its accounts or API tokens authenticates.
    pub suspended_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::RegisteredBy",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    RegisteredBy,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RegisteredBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
