//! `deals`: transfer agreements (licences, assignments, options, …) for a technology.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{DealKind, DealStage, Exclusivity};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub technology_id: Uuid,
    #[sea_orm(indexed)]
    pub kind: DealKind,
    /// The institution granting the rights.
    #[sea_orm(indexed)]
    pub provider_id: Uuid,
    /// The recipient when it is a partner institution. Exactly one of this and
    /// `recipient_external_name` is set (a CHECK enforces it).
    #[sea_orm(indexed)]
    pub recipient_institution_id: Option<Uuid>,
    /// The recipient when it is an external organisation.
    pub recipient_external_name: Option<String>,
    /// ISO 3166-1 alpha-2 country of the external recipient.
    pub recipient_external_country: Option<String>,
    /// The recipient when it is a venture of the incubator (a startup licence); its name and
    /// country are then also the external recipient's.
    pub recipient_venture_id: Option<Uuid>,
    /// The external recipient as an organisation with licensee accounts (set when its provider
    /// invites the licensee); its accounts see this deal.
    #[sea_orm(indexed)]
    pub recipient_organization_id: Option<Uuid>,
    #[sea_orm(indexed)]
    pub stage: DealStage,
    pub territory: Option<String>,
    /// Minor units of `currency`, >= 0.
    pub upfront_amount: Option<i64>,
    /// Basis points, 0..=10000.
    pub royalty_bp: Option<i32>,
    /// ISO 4217 code.
    pub currency: String,
    /// The total amount agreed in the contract, minor units of `currency`, >= 0.
    pub contract_value: Option<i64>,
    pub signed_on: Option<Date>,
    /// What the licence covers (free text, e.g. `in-vitro diagnostics`); none: every field.
    pub field_of_use: Option<String>,
    /// JSON list of ISO 3166-1 alpha-2 codes and region codes (`WORLDWIDE`, `EU`, …); none or
    /// empty: worldwide.
    pub territories: Option<Json>,
    /// `EXCLUSIVE`, `SOLE` or `NON_EXCLUSIVE` (licences).
    pub exclusivity: Option<Exclusivity>,
    /// The licence term: first and last day (none: from signing / without end).
    pub effective_on: Option<Date>,
    pub expires_on: Option<Date>,
    /// Minimum royalty per licence year, in minor units of `currency`.
    pub annual_minimum: Option<i64>,
    /// JSON list of `{ "from": minor, "rate_bp": bp }`, ascending by `from`: the rate applies
    /// to the net sales of a period above `from` (and below the next tier's `from`).
    pub royalty_tiers: Option<Json>,
    pub sublicensing_allowed: bool,
    /// The provider's share of sublicence income, basis points.
    pub sublicense_share_bp: Option<i32>,
    /// JSON list of `{ "description": text, "due_on": date }`.
    pub diligence: Option<Json>,
    /// Royalties are due this many days after the end of the period they are for.
    pub payment_days: Option<i32>,
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
        belongs_to = "super::institution::Entity",
        from = "Column::ProviderId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    Provider,
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::RecipientInstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    RecipientInstitution,
    #[sea_orm(has_many = "super::deal_event::Entity")]
    DealEvent,
    #[sea_orm(has_many = "super::royalty_report::Entity")]
    RoyaltyReport,
    #[sea_orm(has_many = "super::income::Entity")]
    Income,
    #[sea_orm(has_many = "super::deal_milestone::Entity")]
    DealMilestone,
}

// No `Related<institution::Entity>`: there are two paths (provider, recipient); use the links.

impl Related<super::technology::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Technology.def()
    }
}

impl Related<super::deal_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DealEvent.def()
    }
}

impl Related<super::royalty_report::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RoyaltyReport.def()
    }
}

impl Related<super::deal_milestone::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DealMilestone.def()
    }
}

impl Related<super::income::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Income.def()
    }
}

/// `deal.find_linked(ProviderLink)`: the provider institution.
pub struct ProviderLink;

impl Linked for ProviderLink {
    type FromEntity = Entity;
    type ToEntity = super::institution::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Provider.def()]
    }
}

/// `deal.find_linked(RecipientLink)`: the recipient institution, if it is a partner.
pub struct RecipientLink;

impl Linked for RecipientLink {
    type FromEntity = Entity;
    type ToEntity = super::institution::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::RecipientInstitution.def()]
    }
}

impl ActiveModelBehavior for ActiveModel {}
