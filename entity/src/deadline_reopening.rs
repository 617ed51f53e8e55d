//! `deadline_reopenings`: a deadline record (done or waived) undone by `reopenDeadline`, kept as
//! history with who reopened it and why.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::DeadlineResolution;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "deadline_reopenings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub ip_asset_id: Uuid,
    /// The act: `KIND.OFFICE[.FEE_YEAR]`.
    pub act: String,
    /// What had been recorded: DONE or WAIVED…
    pub resolution: DeadlineResolution,
    /// …on which day…
    pub acted_on: Date,
    /// …with which fee paid (minor units of `fee_currency`) and note…
    pub fee_amount: Option<i64>,
    pub fee_currency: Option<String>,
    pub note: Option<String>,
    /// …by whom, and when it was recorded.
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTimeUtc,
    /// Why it was reopened.
    pub reason: String,
    pub reopened_by: Option<Uuid>,
    /// When it was reopened.
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
