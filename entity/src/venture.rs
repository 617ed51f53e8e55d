//! `ventures`: research findings being incubated into companies.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::VentureStage;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ventures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub lead_institution_id: Uuid,
    /// The technology the venture builds on, if any.
    #[sea_orm(indexed)]
    pub technology_id: Option<Uuid>,
    pub name: String,
    /// Incubation cohort, e.g. `2026-spring`.
    pub cohort: Option<String>,
    #[sea_orm(indexed)]
    pub stage: VentureStage,
    /// Minor units of `funding_currency`, >= 0 (default 0).
    pub funding_raised: i64,
    pub funding_currency: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// When the company was incorporated ("ventures formed" counts by this date).
    #[sea_orm(indexed)]
    pub founded_on: Option<Date>,
    /// The company's legal form, e.g. `d.o.o.` or `LLC`.
    pub legal_form: Option<String>,
    /// The searchable fields folded by [`crate::search::fold`], maintained by the server.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::LeadInstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    LeadInstitution,
    #[sea_orm(
        belongs_to = "super::technology::Entity",
        from = "Column::TechnologyId",
        to = "super::technology::Column::Id",
        on_delete = "Restrict"
    )]
    Technology,
    #[sea_orm(has_many = "super::venture_founder::Entity")]
    Founder,
    #[sea_orm(has_many = "super::venture_milestone::Entity")]
    Milestone,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LeadInstitution.def()
    }
}

impl Related<super::technology::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Technology.def()
    }
}

impl Related<super::venture_founder::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Founder.def()
    }
}

impl Related<super::venture_milestone::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Milestone.def()
    }
}

/// The venture's founders.
impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        super::venture_founder::Relation::Person.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::venture_founder::Relation::Venture.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// A venture is found by name, cohort and description.
impl crate::search::Searchable for Model {
    fn search_text(&self) -> String {
        crate::search::text([
            self.name.as_str(),
            self.cohort.as_deref().unwrap_or(""),
            self.description.as_deref().unwrap_or(""),
        ])
    }
}
