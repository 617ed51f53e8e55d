//! Co-owners' consent: propose a change of a jointly owned IP asset, approve or reject it
//! (rules in `service::ip::consent`).

use async_graphql::{Context, ID, InputObject, Object, Result};

use crate::graphql::{
    ids,
    ip::{IpAsset, change::IpChange, mutation::IpOwnerShareInput},
    request,
    scalars::Date,
};
use crate::{
    error::AppResult,
    service::ip::{self as service, ChangeWritten},
};

/// New co-owners for an IP asset, proposed by one of its co-owners.
#[derive(InputObject)]
pub struct ProposeIpOwnershipInput {
    /// The asset whose owners change.
    pub ip_asset_id: ID,
    /// The complete list of co-owners; shares add up to exactly 10000 basis points.
    pub owners: Vec<IpOwnerShareInput>,
    /// The asset's `version` the proposal is based on; a concurrent change is then a CONFLICT.
    pub expected_version: Option<i32>,
}

/// Abandonment of an IP asset, proposed by one of its co-owners.
#[derive(InputObject)]
pub struct ProposeIpAbandonmentInput {
    /// The asset to abandon (FILED, PUBLISHED or UNDER_EXAMINATION).
    pub ip_asset_id: ID,
    /// The asset's `version` the proposal is based on; a concurrent change is then a CONFLICT.
    pub expected_version: Option<i32>,
    /// The date of the abandonment, recorded in the audit trail.
    pub date: Option<Date>,
}

/// An answer to a proposed change.
#[derive(InputObject)]
pub struct AnswerIpChangeInput {
    /// The proposed change (`IpChange`).
    pub id: ID,
    /// The change's `version` the answer is based on; a concurrent answer is then a CONFLICT.
    pub expected_version: Option<i32>,
}

/// Declares a payload carrying a proposed change and its asset, both as read (through the
/// policy) inside the transaction that wrote them.
macro_rules! change_payload {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name(ChangeWritten);

        $(#[$doc])*
        #[Object]
        impl $name {
            /// The proposed change as the viewer sees it now (`status` APPLIED when it took
            /// effect).
            async fn change(&self) -> Option<IpChange> {
                self.0.change.clone().map(IpChange)
            }
            /// The asset as the viewer sees it now.
            async fn ip_asset(&self) -> Option<IpAsset> {
                self.0.asset.clone().map(IpAsset)
            }
        }
    };
}

change_payload!(
    /// Result of `proposeIpOwnership`.
    ProposeIpOwnershipPayload
);
change_payload!(
    /// Result of `proposeIpAbandonment`.
    ProposeIpAbandonmentPayload
);
change_payload!(
    /// Result of `approveIpChange`.
    ApproveIpChangePayload
);
change_payload!(
    /// Result of `rejectIpChange`.
    RejectIpChangePayload
);

#[derive(Default)]
pub struct IpConsentMutation;

#[Object]
impl IpConsentMutation {
    /// Proposes new co-owners for an IP asset the viewer's institution co-owns. When the change
    /// reduces no other co-owner's share (e.g. a single owner, or a co-owner giving part of its
    /// own share) it is applied at once (`change.status` APPLIED); otherwise it is PENDING until
    /// every co-owner whose share falls has approved (`approveIpChange`).
    async fn propose_ip_ownership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: ProposeIpOwnershipInput,
    ) -> Result<ProposeIpOwnershipPayload> {
        let req = request(ctx);
        let id = ids::decode_as("ipAssetId", "IpAsset", &input.ip_asset_id)?;
        let owners = input
            .owners
            .iter()
            .map(|o| {
                Ok(service::OwnerShare {
                    institution_id: ids::decode_as(
                        "owners.institutionId",
                        "Institution",
                        &o.institution_id,
                    )?,
                    share_bp: o.share_basis_points,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let written =
            service::propose_ownership(&req.db, &req.principal, id, owners, input.expected_version)
                .await?;
        Ok(ProposeIpOwnershipPayload(written))
    }

    /// Proposes to abandon an IP asset the viewer's institution co-owns. A single owner's
    /// proposal is applied at once (the asset becomes ABANDONED); otherwise it is PENDING until
    /// every other co-owner has approved.
    async fn propose_ip_abandonment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: ProposeIpAbandonmentInput,
    ) -> Result<ProposeIpAbandonmentPayload> {
        let req = request(ctx);
        let id = ids::decode_as("ipAssetId", "IpAsset", &input.ip_asset_id)?;
        let written = service::propose_abandonment(
            &req.db,
            &req.principal,
            id,
            input.expected_version,
            input.date.map(|d| d.0),
        )
        .await?;
        Ok(ProposeIpAbandonmentPayload(written))
    }

    /// Approves a pending change for the viewer's institution (a signed-in user of a co-owner
    /// whose consent it needs). The last approval it needs carries it out.
    async fn approve_ip_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: AnswerIpChangeInput,
    ) -> Result<ApproveIpChangePayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "IpChange", &input.id)?;
        let written = service::approve(&req.db, &req.principal, id, input.expected_version).await?;
        Ok(ApproveIpChangePayload(written))
    }

    /// Rejects a pending change for the viewer's institution, which ends it (REJECTED); the
    /// proposer's institution withdraws its own proposal with it (WITHDRAWN).
    async fn reject_ip_change(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: AnswerIpChangeInput,
    ) -> Result<RejectIpChangePayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "IpChange", &input.id)?;
        let written = service::reject(&req.db, &req.principal, id, input.expected_version).await?;
        Ok(RejectIpChangePayload(written))
    }
}
