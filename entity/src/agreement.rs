//! `agreements`: cooperation agreements between members (MoUs, frameworks, …).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{AgreementKind, AgreementStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    #[sea_orm(indexed)]
    pub kind: AgreementKind,
    pub signed_on: Option<Date>,
    pub expires_on: Option<Date>,
    #[sea_orm(indexed)]
    pub status: AgreementStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    /// The searchable fields folded by [`crate::search::fold`], maintained by the server.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    /// The institution that recorded the agreement: only it edits the parties of a draft.
    /// None for agreements recorded before initiators were kept.
    #[sea_orm(indexed)]
    pub initiator_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::agreement_party::Entity")]
    Party,
}

impl Related<super::agreement_party::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Party.def()
    }
}

/// The party institutions.
impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        super::agreement_party::Relation::Institution.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::agreement_party::Relation::Agreement.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// An agreement is found by title and summary.
impl crate::search::Searchable for Model {
    fn search_text(&self) -> String {
        crate::search::text([self.title.as_str(), self.summary.as_deref().unwrap_or("")])
    }
}
