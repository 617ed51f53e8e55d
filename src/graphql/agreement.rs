//! Cooperation agreements between member institutions.

use async_graphql::{ID, Object};
use entity::{
    agreement,
    enums::{AgreementKind, AgreementStatus},
};

use super::ids;

/// A cooperation agreement (MoU, framework, research collaboration, exchange).
pub struct Agreement(pub agreement::Model);

impl From<agreement::Model> for Agreement {
    fn from(m: agreement::Model) -> Self {
        Agreement(m)
    }
}

#[Object]
impl Agreement {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Agreement", self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn kind(&self) -> AgreementKind {
        self.0.kind
    }
    async fn status(&self) -> AgreementStatus {
        self.0.status
    }
}
