//! `incomes`: money actually received under a deal.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::IncomeKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "incomes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub deal_id: Uuid,
    pub kind: IncomeKind,
    /// Minor units of `currency`, > 0.
    pub amount: i64,
    pub currency: String,
    #[sea_orm(indexed)]
    pub received_on: Date,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::deal::Entity",
        from = "Column::DealId",
        to = "super::deal::Column::Id",
        on_delete = "Restrict"
    )]
    Deal,
}

impl Related<super::deal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deal.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
