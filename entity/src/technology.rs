//! `technologies`: an invention disclosure and the asset it becomes.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ClinicalStage, RegulatoryClass, TechnologyField, TechnologyStage, Visibility};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "technologies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The owner institution.
    #[sea_orm(indexed)]
    pub owner_id: Uuid,
    /// Human reference, e.g. `SUMHS-2026-014`: unique within the owner's namespace (the owner's
    /// slug is its prefix), together with `owner_id`.
    #[sea_orm(indexed)]
    pub reference: String,
    /// Canonical (English) title.
    pub title: String,
    /// Canonical (English) summary.
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(indexed)]
    pub field: TechnologyField,
    /// Technology readiness level, 1..=9.
    #[sea_orm(indexed)]
    pub trl: i32,
    #[sea_orm(indexed)]
    pub stage: TechnologyStage,
    #[sea_orm(indexed)]
    pub visibility: Visibility,
    pub regulatory_class: Option<RegulatoryClass>,
    pub clinical_stage: ClinicalStage,
    /// JSON array of keyword strings.
    pub keywords: Json,
    /// Title, summary, keywords and translations folded by [`crate::search::fold`],
    /// maintained by the server for text search.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub disclosed_on: Date,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::OwnerId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    Owner,
    #[sea_orm(has_many = "super::technology_translation::Entity")]
    Translation,
    #[sea_orm(has_many = "super::technology_inventor::Entity")]
    Inventor,
    #[sea_orm(has_many = "super::ip_asset::Entity")]
    IpAsset,
    #[sea_orm(has_many = "super::deal::Entity")]
    Deal,
    #[sea_orm(has_many = "super::venture::Entity")]
    Venture,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl Related<super::technology_translation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Translation.def()
    }
}

impl Related<super::technology_inventor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Inventor.def()
    }
}

impl Related<super::ip_asset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::IpAsset.def()
    }
}

impl Related<super::deal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deal.def()
    }
}

impl Related<super::venture::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Venture.def()
    }
}

/// The technology's inventors.
impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        super::technology_inventor::Relation::Person.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::technology_inventor::Relation::Technology.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
