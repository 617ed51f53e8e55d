//! `distribution_policies`: how an institution distributes the income of its technologies. An
//! institution without a row distributes `GROSS`, in cash.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::DistributionPolicy;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "distribution_policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub institution_id: Uuid,
    pub policy: DistributionPolicy,
    /// `EQUITY` income is distributed as shares of the equity received, not as cash.
    pub equity_as_shares: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::InstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Cascade"
    )]
    Institution,
}

impl ActiveModelBehavior for ActiveModel {}
