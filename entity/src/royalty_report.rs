//! `royalty_reports`: a licensee's report of sales and royalty due for a period.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::RoyaltyReportStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "royalty_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub deal_id: Uuid,
    pub period_start: Date,
    /// `>= period_start`.
    pub period_end: Date,
    /// Minor units, >= 0.
    pub net_sales: i64,
    /// Minor units, >= 0.
    pub royalty_due: i64,
    pub currency: String,
    /// The user who submitted it; null when a partner system did, with an API token.
    #[sea_orm(indexed)]
    pub submitted_by: Option<Uuid>,
    /// The API token a partner system submitted it with (no foreign key: tokens are revoked,
    /// never deleted).
    pub submitted_by_api_token_id: Option<Uuid>,
    #[sea_orm(indexed)]
    pub status: RoyaltyReportStatus,
    /// When the provider accepted or disputed it.
    pub decided_at: Option<DateTimeUtc>,
    /// Why the provider disputed it (set with `DISPUTED`).
    pub dispute_reason: Option<String>,
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
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::SubmittedBy",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    Submitter,
}

impl Related<super::deal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deal.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Submitter.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
