//! `deal_events`: a deal's stage history. Append-only (no `updated_at`, no `version`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::DealStage;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "deal_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub deal_id: Uuid,
    /// `None` for the event that created the deal.
    pub from_stage: Option<DealStage>,
    pub to_stage: DealStage,
    pub at: DateTimeUtc,
    #[sea_orm(indexed)]
    pub actor_user_id: Option<Uuid>,
    /// Who acted, as shown in history (a user's name, or an API token's name).
    pub actor_label: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::deal::Entity",
        from = "Column::DealId",
        to = "super::deal::Column::Id",
        on_delete = "Cascade"
    )]
    Deal,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ActorUserId",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    Actor,
}

impl Related<super::deal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deal.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Actor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
