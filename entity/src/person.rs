//! `people`: researchers, inventors, founders, trainees (not necessarily users).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub institution_id: Uuid,
    #[sea_orm(indexed)]
    pub full_name: String,
    pub email: Option<String>,
    /// Unique per institution, together with `institution_id`.
    pub orcid: Option<String>,
    pub title: Option<String>,
    /// JSON array of expertise tags.
    pub expertise: Json,
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
        from = "Column::InstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    Institution,
    #[sea_orm(has_many = "super::technology_inventor::Entity")]
    TechnologyInventor,
    #[sea_orm(has_many = "super::venture_founder::Entity")]
    VentureFounder,
    #[sea_orm(has_many = "super::enrollment::Entity")]
    Enrollment,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Institution.def()
    }
}

impl Related<super::technology_inventor::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TechnologyInventor.def()
    }
}

impl Related<super::venture_founder::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VentureFounder.def()
    }
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

/// Technologies this person is an inventor of.
impl Related<super::technology::Entity> for Entity {
    fn to() -> RelationDef {
        super::technology_inventor::Relation::Technology.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::technology_inventor::Relation::Person.def().rev())
    }
}

/// Ventures this person founded.
impl Related<super::venture::Entity> for Entity {
    fn to() -> RelationDef {
        super::venture_founder::Relation::Venture.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::venture_founder::Relation::Person.def().rev())
    }
}

/// Training programs this person is enrolled in (any status).
impl Related<super::training_program::Entity> for Entity {
    fn to() -> RelationDef {
        super::enrollment::Relation::Program.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::enrollment::Relation::Person.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// A person is found by name, title and expertise (not by e-mail, which few may see).
impl crate::search::Searchable for Model {
    fn search_text(&self) -> String {
        crate::search::text(
            [self.full_name.as_str(), self.title.as_deref().unwrap_or("")]
                .into_iter()
                .chain(crate::search::strings(&self.expertise)),
        )
    }
}
