//! `deadline_reminders`: a reminder the docket sent about one deadline of an IP asset — the
//! deadline named by its act (`ANNUITY.CN.5`), the reminder by its day. Unique per asset, act
//! and day, so each reminder is sent once (see `service::docket_reminders`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "deadline_reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub ip_asset_id: Uuid,
    /// The deadline's act: `KIND.OFFICE[.FEE_YEAR]`.
    pub act: String,
    /// The day the reminder came due.
    pub remind_on: Date,
    /// The deadline's due date when the reminder was sent.
    pub due_on: Date,
    /// Days before the due date (a lead time); null for the last day of the grace period.
    pub lead_days: Option<i32>,
    pub created_at: DateTimeUtc,
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
