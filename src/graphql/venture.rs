//! Ventures: research findings incubated into companies.

use async_graphql::{ID, Object};
use entity::{enums::VentureStage, venture};

use super::ids;
use crate::has_many;

has_many!(VenturesOf, venture::Entity, venture::Column::TechnologyId);
has_many!(
    VenturesLedBy,
    venture::Entity,
    venture::Column::LeadInstitutionId
);

/// A venture in the center's incubator.
pub struct Venture(pub venture::Model);

impl From<venture::Model> for Venture {
    fn from(m: venture::Model) -> Self {
        Venture(m)
    }
}

#[Object]
impl Venture {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Venture", self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn stage(&self) -> VentureStage {
        self.0.stage
    }
}
