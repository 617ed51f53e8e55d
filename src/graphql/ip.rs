//! IP assets: patents and other rights protecting a technology, their owners and deadlines.

use async_graphql::{ID, Object};
use entity::{
    enums::{IpKind, IpStatus},
    ip_asset,
};

use super::ids;
use crate::has_many;

has_many!(IpAssetsOf, ip_asset::Entity, ip_asset::Column::TechnologyId);

/// A patent right or application protecting a technology.
pub struct IpAsset(pub ip_asset::Model);

impl From<ip_asset::Model> for IpAsset {
    fn from(m: ip_asset::Model) -> Self {
        IpAsset(m)
    }
}

#[Object]
impl IpAsset {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("IpAsset", self.0.id)
    }
    async fn kind(&self) -> IpKind {
        self.0.kind
    }
    /// Where the right is sought: `CN`, `EP`, `US`, `WO` (PCT), `BA`, `RS`, `HR`, …
    async fn jurisdiction(&self) -> &str {
        &self.0.jurisdiction
    }
    async fn status(&self) -> IpStatus {
        self.0.status
    }
}
