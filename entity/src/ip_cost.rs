//! `ip_costs`: what an IP asset cost one of its owners (attorney fees, official fees paid outside
//! the docket, other). Official fees paid by marking a deadline done live in
//! [`super::deadline_record`] and are read as costs from there, never copied here.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::IpCostKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ip_costs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub ip_asset_id: Uuid,
    /// The owner institution that paid it.
    #[sea_orm(indexed)]
    pub institution_id: Uuid,
    pub kind: IpCostKind,
    /// Minor units of `currency`, > 0.
    pub amount: i64,
    pub currency: String,
    pub incurred_on: Date,
    pub note: Option<String>,
    /// The user who recorded it (null for an operator or once the user is deleted).
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
}

impl Related<super::ip_asset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IpAsset.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
