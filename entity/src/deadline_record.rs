//! `deadline_records`: what became of one statutory deadline of an IP asset (done or waived).
//!
//! Deadlines themselves are computed from the asset's dates (`service::deadlines`); a record
//! names its deadline by the act it calls for (`act`, e.g. `ANNUITY.CN.5`), not by its date, so
//! it keeps applying when a corrected date moves the deadline.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::DeadlineResolution;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "deadline_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub ip_asset_id: Uuid,
    /// The act: `KIND.OFFICE[.FEE_YEAR]`, unique per asset.
    pub act: String,
    pub resolution: DeadlineResolution,
    /// When the act was done (DONE) or the decision taken (WAIVED).
    pub acted_on: Date,
    /// The deadline's due date when it was recorded.
    pub due_on: Date,
    /// WAIVED fees only: the first day the right is gone (the day after the grace period).
    pub lapses_on: Option<Date>,
    /// The official fee paid, in minor units of `fee_currency`.
    pub fee_amount: Option<i64>,
    pub fee_currency: Option<String>,
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
