//! `ip_reimbursements`: what a licensee paid back of an IP asset's costs, under a deal.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ip_reimbursements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub ip_asset_id: Uuid,
    /// The deal (on the asset's technology) under which the licensee reimbursed.
    #[sea_orm(indexed)]
    pub deal_id: Uuid,
    /// Minor units of `currency`, > 0.
    pub amount: i64,
    pub currency: String,
    pub received_on: Date,
    pub note: Option<String>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::ip_asset::Entity",
        from = "Column::IpAssetId",
        to = "super::ip_asset::Column::Id",
        on_delete = "Cascade"
    )]
    IpAsset,
    #[sea_orm(
        belongs_to = "super::deal::Entity",
        from = "Column::DealId",
        to = "super::deal::Column::Id",
        on_delete = "Restrict"
    )]
    Deal,
}

impl Related<super::ip_asset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IpAsset.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
