//! `ip_changes`: a proposed change of a jointly owned IP asset — new ownership shares, or
//! abandonment — waiting for (or decided by) the co-owners whose consent it needs
//! (`ip_change_approvals`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{IpChangeKind, IpChangeStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ip_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub ip_asset_id: Uuid,
    pub kind: IpChangeKind,
    #[sea_orm(indexed)]
    pub status: IpChangeStatus,
    /// The institution that proposed it (none for an operator's command).
    #[sea_orm(indexed)]
    pub proposed_by_institution_id: Option<Uuid>,
    pub proposed_by_user_id: Option<Uuid>,
    /// OWNERSHIP: the proposed co-owners, `[{"institutionId", "shareBasisPoints"}]`.
    pub owners: Option<Json>,
    /// ABANDONMENT: the date of the abandonment, when given.
    pub date: Option<Date>,
    /// When it was applied, rejected, withdrawn or superseded.
    pub decided_at: Option<DateTimeUtc>,
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
    #[sea_orm(has_many = "super::ip_change_approval::Entity")]
    Approvals,
}

impl Related<super::ip_asset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IpAsset.def()
    }
}

impl Related<super::ip_change_approval::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Approvals.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
