//! `venture_founders`: the people who founded a venture. Rows are created or deleted, never
//! updated (`created_at` only).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "venture_founders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Unique together with `person_id`.
    #[sea_orm(indexed)]
    pub venture_id: Uuid,
    #[sea_orm(indexed)]
    pub person_id: Uuid,
    /// e.g. `CEO`, `CSO`.
    pub role: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::venture::Entity",
        from = "Column::VentureId",
        to = "super::venture::Column::Id",
        on_delete = "Cascade"
    )]
    Venture,
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::PersonId",
        to = "super::person::Column::Id",
        on_delete = "Restrict"
    )]
    Person,
}

impl Related<super::venture::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Venture.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
