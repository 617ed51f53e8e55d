//! `ip_change_approvals`: one co-owner's consent to a proposed IP change (`ip_changes`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::IpApprovalDecision;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ip_change_approvals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Unique together with `institution_id`.
    pub ip_change_id: Uuid,
    #[sea_orm(indexed)]
    pub institution_id: Uuid,
    pub decision: IpApprovalDecision,
    pub decided_by_user_id: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::ip_change::Entity",
        from = "Column::IpChangeId",
        to = "super::ip_change::Column::Id",
        on_delete = "Cascade"
    )]
    IpChange,
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::InstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    Institution,
}

impl Related<super::ip_change::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IpChange.def()
    }
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Institution.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
