//! `ip_assets`: a patent right or application (or another IP right) protecting a technology.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{IpKind, IpStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ip_assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub technology_id: Uuid,
    #[sea_orm(indexed)]
    pub kind: IpKind,
    /// Office code: `CN`, `EP`, `US`, `WO`, `BA`, `RS`, `HR`, …
    #[sea_orm(indexed)]
    pub jurisdiction: String,
    pub application_number: Option<String>,
    pub title: Option<String>,
    pub priority_date: Option<Date>,
    /// For a national/regional-phase entry of a PCT application: its international filing date.
    pub international_filing_date: Option<Date>,
    pub filing_date: Option<Date>,
    pub publication_date: Option<Date>,
    pub grant_date: Option<Date>,
    #[sea_orm(indexed)]
    pub status: IpStatus,
    /// The asset this one claims priority from / derives from (same patent family).
    #[sea_orm(indexed)]
    pub family_parent_id: Option<Uuid>,
    /// JSON array of jurisdiction codes: for a PCT application, the planned national/regional
    /// phases.
    pub target_jurisdictions: Json,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::technology::Entity",
        from = "Column::TechnologyId",
        to = "super::technology::Column::Id",
        on_delete = "Restrict"
    )]
    Technology,
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::FamilyParentId",
        to = "Column::Id",
        on_delete = "Restrict"
    )]
    FamilyParent,
    /// Assets whose `family_parent_id` is this one.
    #[sea_orm(has_many = "Entity", via_rel = "Relation::FamilyParent")]
    FamilyChild,
    #[sea_orm(has_many = "super::ip_ownership::Entity")]
    IpOwnership,
}

impl Related<super::technology::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Technology.def()
    }
}

impl Related<super::ip_ownership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IpOwnership.def()
    }
}

/// The asset's (co-)owner institutions.
impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        super::ip_ownership::Relation::Institution.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::ip_ownership::Relation::IpAsset.def().rev())
    }
}

/// `asset.find_linked(FamilyParentLink)`: the family parent.
pub struct FamilyParentLink;

impl Linked for FamilyParentLink {
    type FromEntity = Entity;
    type ToEntity = Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::FamilyParent.def()]
    }
}

/// `asset.find_linked(FamilyChildLink)`: the assets whose family parent this one is.
pub struct FamilyChildLink;

impl Linked for FamilyChildLink {
    type FromEntity = Entity;
    type ToEntity = Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::FamilyChild.def()]
    }
}

impl ActiveModelBehavior for ActiveModel {}
