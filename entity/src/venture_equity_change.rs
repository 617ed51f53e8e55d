//! `venture_equity_changes`: the lead institution's equity stake in a venture after each
//! financing round (or other change), append-only.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "venture_equity_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub venture_id: Uuid,
    /// What changed it, e.g. `founding`, `seed`, `Series A`.
    pub round: String,
    pub changed_on: Date,
    /// The stake after the change, basis points (0..=10000).
    pub equity_bp: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
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
}

impl Related<super::venture::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Venture.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
