//! Proposed changes of jointly owned IP assets and the co-owners' answers (see
//! `service::ip::consent`).

use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, ID, Object, Result};

use entity::{
    enums::{IpApprovalDecision, IpChangeKind, IpChangeStatus},
    institution, ip_asset, ip_change, ip_change_approval,
};

use crate::graphql::{ids, institution::Institution, ip::IpAsset, request, scalars::Date};
use crate::{has_many, service::ip::OwnerShare};

has_many!(ChangesOf, ip_change::Entity, ip_change::Column::IpAssetId);
has_many!(
    ApprovalsOf,
    ip_change_approval::Entity,
    ip_change_approval::Column::IpChangeId
);

async fn institution(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Option<Institution>> {
    Ok(request(ctx)
        .loaders
        .one::<institution::Entity>(id)
        .await?
        .map(Institution))
}

/// A proposed change of a jointly owned IP asset — new ownership shares, or abandonment — that
/// takes effect when every co-owner it affects has approved. Seen by the asset's co-owners, the
/// proposer and the institutions asked.
pub struct IpChange(pub ip_change::Model);

impl From<ip_change::Model> for IpChange {
    fn from(m: ip_change::Model) -> Self {
        IpChange(m)
    }
}

/// A proposed change of a jointly owned IP asset — new ownership shares, or abandonment — that
/// takes effect when every co-owner it affects has approved. Seen by the asset's co-owners, the
/// proposer and the institutions asked.
#[Object]
impl IpChange {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("IpChange", self.0.id)
    }
    /// New ownership shares, or abandonment.
    async fn kind(&self) -> IpChangeKind {
        self.0.kind
    }
    /// PENDING until decided: APPLIED, REJECTED, WITHDRAWN, or SUPERSEDED when the asset's
    /// ownership (or, for an abandonment, its status) changed first.
    async fn status(&self) -> IpChangeStatus {
        self.0.status
    }
    /// The asset it would change.
    async fn ip_asset(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(self.0.ip_asset_id)
            .await?
            .map(IpAsset))
    }
    /// The institution that proposed it (null when a center operator recorded it).
    async fn proposed_by(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        match self.0.proposed_by_institution_id {
            Some(id) => institution(ctx, id).await,
            None => Ok(None),
        }
    }
    /// For an ownership change: the proposed co-owners and their shares (10000 in all).
    async fn owners(&self) -> Result<Option<Vec<IpProposedShare>>> {
        let Some(owners) = &self.0.owners else {
            return Ok(None);
        };
        let shares: Vec<OwnerShare> = serde_json::from_value(owners.clone())
            .map_err(|e| crate::error::AppError::internal(e).into_graphql())?;
        Ok(Some(shares.into_iter().map(IpProposedShare).collect()))
    }
    /// For an abandonment: the date it takes effect, when one was given.
    async fn date(&self) -> Option<Date> {
        self.0.date.map(Date)
    }
    /// One answer per co-owner whose consent it needs (none when it was applied at once).
    async fn approvals(&self, ctx: &Context<'_>) -> Result<Vec<IpChangeApproval>> {
        Ok(request(ctx)
            .loaders
            .children::<ApprovalsOf>(self.0.id)
            .await?
            .into_iter()
            .map(IpChangeApproval)
            .collect())
    }
    /// When it was proposed.
    async fn proposed_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When it was applied, rejected, withdrawn or superseded.
    async fn decided_at(&self) -> Option<Timestamp> {
        self.0.decided_at.map(Timestamp)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when answering.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A co-owner's share as proposed.
pub struct IpProposedShare(OwnerShare);

/// A co-owner's share as proposed.
#[Object]
impl IpProposedShare {
    /// The institution.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        institution(ctx, self.0.institution_id).await
    }
    /// Its share in basis points (10000 = 100%).
    async fn share_basis_points(&self) -> i32 {
        self.0.share_bp
    }
}

/// A co-owner's answer to a proposed change.
pub struct IpChangeApproval(pub ip_change_approval::Model);

/// A co-owner's answer to a proposed change.
#[Object]
impl IpChangeApproval {
    /// The co-owner asked.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        institution(ctx, self.0.institution_id).await
    }
    /// PENDING until it answers.
    async fn decision(&self) -> IpApprovalDecision {
        self.0.decision
    }
    /// When it answered.
    async fn decided_at(&self) -> Option<Timestamp> {
        self.0.decided_at.map(Timestamp)
    }
}
