//! `venture_milestones`: a venture's planned and reached milestones.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "venture_milestones")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub venture_id: Uuid,
    pub title: String,
    #[sea_orm(indexed)]
    pub due_on: Date,
    pub completed_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
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
}

impl Related<super::venture::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Venture.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
