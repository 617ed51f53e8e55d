//! `training_programs`: teacher training, student exchange, fellowships, joint courses.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{ProgramKind, TechnologyField, Visibility};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "training_programs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub host_institution_id: Uuid,
    pub title: String,
    #[sea_orm(indexed)]
    pub kind: ProgramKind,
    pub field: Option<TechnologyField>,
    /// Language of instruction, e.g. `en`, `zh`.
    pub language: String,
    #[sea_orm(indexed)]
    pub starts_on: Date,
    /// `>= starts_on`.
    pub ends_on: Date,
    /// Maximum number of ACCEPTED enrollments, >= 0.
    pub capacity: i32,
    #[sea_orm(indexed)]
    pub visibility: Visibility,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
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
        from = "Column::HostInstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    HostInstitution,
    #[sea_orm(has_many = "super::enrollment::Entity")]
    Enrollment,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::HostInstitution.def()
    }
}

impl Related<super::enrollment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Enrollment.def()
    }
}

/// People enrolled in the program (any status).
impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        super::enrollment::Relation::Person.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::enrollment::Relation::Program.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// A program is found by title and description.
impl crate::search::Searchable for Model {
    fn search_text(&self) -> String {
        crate::search::text([
            self.title.as_str(),
            self.description.as_deref().unwrap_or(""),
        ])
    }
}
