//! `security_reviews`: CNIPA's confidentiality examination of a technology made in China, which
//! must precede any filing abroad (Patent Law art. 19). One per technology.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "security_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub technology_id: Uuid,
    /// When CNIPA cleared the invention for filing abroad.
    pub reviewed_on: Date,
    /// CNIPA's reference for the request or its decision.
    pub reference: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::technology::Entity",
        from = "Column::TechnologyId",
        to = "super::technology::Column::Id",
        on_delete = "Cascade"
    )]
    Technology,
}

impl Related<super::technology::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Technology.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
