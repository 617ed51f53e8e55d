//! Deals: transfer agreements between a provider institution and a recipient.

use async_graphql::{ID, Object};
use entity::{
    deal,
    enums::{DealKind, DealStage},
};

use super::ids;
use crate::has_many;

has_many!(DealsOf, deal::Entity, deal::Column::TechnologyId);

/// A transfer agreement on a technology: licence, assignment, option, …
pub struct Deal(pub deal::Model);

impl From<deal::Model> for Deal {
    fn from(m: deal::Model) -> Self {
        Deal(m)
    }
}

#[Object]
impl Deal {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Deal", self.0.id)
    }
    async fn kind(&self) -> DealKind {
        self.0.kind
    }
    async fn stage(&self) -> DealStage {
        self.0.stage
    }
}
