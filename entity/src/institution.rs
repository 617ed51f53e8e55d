//! `institutions`: the tenants — universities, hospitals, companies… of the center.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{InstitutionKind, Membership, Region};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "institutions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// URL-friendly unique handle, e.g. `sumhs`.
    #[sea_orm(unique)]
    pub slug: String,
    /// Canonical (English) name.
    pub name: String,
    /// Name in the local language, e.g. 上海健康医学院.
    pub local_name: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    #[sea_orm(indexed)]
    pub country: String,
    #[sea_orm(indexed)]
    pub region: Region,
    #[sea_orm(indexed)]
    pub kind: InstitutionKind,
    #[sea_orm(indexed)]
    pub membership: Membership,
    pub joined_on: Option<Date>,
    pub website: Option<String>,
    /// ROR id (Research Organization Registry), canonical: nine lower-case characters.
    #[sea_orm(unique)]
    pub ror_id: Option<String>,
    /// The inventors' part of income, in basis points (0..=10000, default 5000).
    pub inventor_share_bp: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    User,
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiToken,
    #[sea_orm(has_many = "super::person::Entity")]
    Person,
    #[sea_orm(has_many = "super::technology::Entity")]
    Technology,
    #[sea_orm(has_many = "super::ip_ownership::Entity")]
    IpOwnership,
    /// Deals where this institution is the provider.
    #[sea_orm(has_many = "super::deal::Entity", via_rel = "Relation::Provider")]
    ProvidedDeal,
    /// Deals where this institution is the (partner) recipient.
    #[sea_orm(
        has_many = "super::deal::Entity",
        via_rel = "Relation::RecipientInstitution"
    )]
    ReceivedDeal,
    #[sea_orm(has_many = "super::venture::Entity")]
    Venture,
    #[sea_orm(has_many = "super::training_program::Entity")]
    TrainingProgram,
    #[sea_orm(has_many = "super::agreement_party::Entity")]
    AgreementParty,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiToken.def()
    }
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
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

impl Related<super::venture::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Venture.def()
    }
}

impl Related<super::training_program::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TrainingProgram.def()
    }
}

impl Related<super::agreement_party::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AgreementParty.def()
    }
}

/// Agreements this institution is a party to.
impl Related<super::agreement::Entity> for Entity {
    fn to() -> RelationDef {
        super::agreement_party::Relation::Agreement.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::agreement_party::Relation::Institution.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
