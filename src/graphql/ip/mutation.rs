//! IP mutations: record an asset, edit it, move it along its status machine, set its owners.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use entity::{
    enums::{IpKind, IpStatus},
    ip_asset,
};

use crate::graphql::{ids, ip::IpAsset, request, scalars::Date};
use crate::{
    error::AppResult,
    payload,
    service::ip::{self as service, rules::Dates},
};

/// A new IP asset for a technology of the viewer's institution; it starts in DRAFTING, owned
/// 100% by the technology's owner.
#[derive(InputObject)]
pub struct CreateIpAssetInput {
    /// The technology the asset protects.
    pub technology_id: ID,
    /// The kind of right.
    pub kind: IpKind,
    /// The office: a country code (ISO 3166-1 alpha-2) or `WO` (PCT, Hague, Madrid), `EP`,
    /// `EM`, `EA`, `AP`, `OA`, `GC`, `BX`. A PCT application is filed under `WO`.
    pub jurisdiction: String,
    /// The office's application number, once filed.
    pub application_number: Option<String>,
    /// The title as filed.
    pub title: Option<String>,
    /// The earliest priority date claimed.
    pub priority_date: Option<Date>,
    /// For a national/regional-phase entry of a PCT application: the international filing date
    /// (its term and, at the EPO, its renewal years run from it).
    pub international_filing_date: Option<Date>,
    /// When the application was (or is planned to be) filed; set it when moving to FILED.
    pub filing_date: Option<Date>,
    /// When the office published the application.
    pub publication_date: Option<Date>,
    /// When the right was granted.
    pub grant_date: Option<Date>,
    /// For a PCT application only: the planned national or regional phases.
    #[graphql(default)]
    pub target_jurisdictions: Vec<String>,
    /// The asset of the same technology this one claims priority from or derives from.
    pub family_parent_id: Option<ID>,
}

/// Changes to an IP asset; omitted fields stay as they are, null clears a nullable one.
#[derive(InputObject)]
pub struct UpdateIpAssetInput {
    /// The asset to change.
    pub id: ID,
    /// The `version` the changes are based on.
    pub expected_version: i32,
    /// The kind of right.
    pub kind: Option<IpKind>,
    /// The office (see `CreateIpAssetInput.jurisdiction`).
    pub jurisdiction: Option<String>,
    /// The office's application number; null clears it.
    pub application_number: MaybeUndefined<String>,
    /// The title as filed; null clears it.
    pub title: MaybeUndefined<String>,
    /// The earliest priority date claimed; null clears it.
    pub priority_date: MaybeUndefined<Date>,
    /// The international filing date of the PCT application this asset entered from; null clears it.
    pub international_filing_date: MaybeUndefined<Date>,
    /// The filing date (required from FILED on).
    pub filing_date: MaybeUndefined<Date>,
    /// The publication date (required in PUBLISHED and UNDER_EXAMINATION).
    pub publication_date: MaybeUndefined<Date>,
    /// The grant date (required from GRANTED on).
    pub grant_date: MaybeUndefined<Date>,
    /// Replaces the planned national or regional phases (PCT applications only).
    pub target_jurisdictions: Option<Vec<String>>,
    /// The asset of the same technology this one derives from; null detaches it.
    pub family_parent_id: MaybeUndefined<ID>,
}

/// Moves an IP asset to another status.
#[derive(InputObject)]
pub struct TransitionIpAssetInput {
    /// The asset to move.
    pub id: ID,
    /// The status to move to.
    pub to: IpStatus,
    /// The `version` the change is based on.
    pub expected_version: i32,
    /// The date of the event: required for FILED (filing date), PUBLISHED (publication date)
    /// and GRANTED (grant date) unless the asset already has it; recorded in the audit trail
    /// for the other statuses.
    pub date: Option<Date>,
}

/// One co-owner and their share.
#[derive(InputObject)]
pub struct IpOwnerShareInput {
    /// The co-owner institution.
    pub institution_id: ID,
    /// Share in basis points (10000 = 100%).
    pub share_basis_points: i32,
}

/// The complete list of co-owners; replaces the current one atomically.
#[derive(InputObject)]
pub struct SetIpOwnershipInput {
    /// The asset whose owners change.
    pub ip_asset_id: ID,
    /// Shares must add up to exactly 10000 basis points.
    pub owners: Vec<IpOwnerShareInput>,
    /// The asset's `version` the change is based on; a concurrent change is then a CONFLICT.
    pub expected_version: Option<i32>,
}

payload!(
    /// Result of `createIpAsset`.
    CreateIpAssetPayload, ip_asset: IpAsset, ip_asset::Entity
);
payload!(
    /// Result of `updateIpAsset`.
    UpdateIpAssetPayload, ip_asset: IpAsset, ip_asset::Entity
);
payload!(
    /// Result of `transitionIpAsset`.
    TransitionIpAssetPayload, ip_asset: IpAsset, ip_asset::Entity
);
payload!(
    /// Result of `setIpOwnership` (null when the viewer's institution gave up its share of an
    /// asset it may no longer see).
    SetIpOwnershipPayload, ip_asset: IpAsset, ip_asset::Entity
);

fn date_change(d: MaybeUndefined<Date>) -> Option<Option<chrono::NaiveDate>> {
    Option::<Option<Date>>::from(d).map(|d| d.map(|d| d.0))
}

#[derive(Default)]
pub struct IpMutation;

#[Object]
impl IpMutation {
    /// Records a new IP asset (status DRAFTING) for a technology of the viewer's institution.
    async fn create_ip_asset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateIpAssetInput,
    ) -> Result<CreateIpAssetPayload> {
        let req = request(ctx);
        let family_parent_id = input
            .family_parent_id
            .as_ref()
            .map(|id| ids::decode_as("familyParentId", "IpAsset", id))
            .transpose()?;
        let written = service::create(
            &req.db,
            &req.principal,
            service::NewIpAsset {
                technology_id: ids::decode_as("technologyId", "Technology", &input.technology_id)?,
                kind: input.kind,
                jurisdiction: input.jurisdiction,
                application_number: input.application_number,
                title: input.title,
                dates: Dates {
                    priority: input.priority_date.map(|d| d.0),
                    international_filing: input.international_filing_date.map(|d| d.0),
                    filing: input.filing_date.map(|d| d.0),
                    publication: input.publication_date.map(|d| d.0),
                    grant: input.grant_date.map(|d| d.0),
                },
                target_jurisdictions: input.target_jurisdictions,
                family_parent_id,
            },
        )
        .await?;
        Ok(CreateIpAssetPayload::from(written))
    }

    /// Edits an IP asset the viewer's institution (co-)owns.
    async fn update_ip_asset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdateIpAssetInput,
    ) -> Result<UpdateIpAssetPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "IpAsset", &input.id)?;
        let family_parent_id = Option::<Option<ID>>::from(input.family_parent_id)
            .map(|p| {
                p.map(|p| ids::decode_as("familyParentId", "IpAsset", &p))
                    .transpose()
            })
            .transpose()?;
        let changes = service::IpAssetChanges {
            kind: input.kind,
            jurisdiction: input.jurisdiction,
            application_number: input.application_number.into(),
            title: input.title.into(),
            priority_date: date_change(input.priority_date),
            international_filing_date: date_change(input.international_filing_date),
            filing_date: date_change(input.filing_date),
            publication_date: date_change(input.publication_date),
            grant_date: date_change(input.grant_date),
            target_jurisdictions: input.target_jurisdictions,
            family_parent_id,
        };
        service::update(&req.db, &req.principal, id, input.expected_version, changes).await?;
        Ok(UpdateIpAssetPayload::of(id))
    }

    /// Moves an IP asset along its status machine: DRAFTING → FILED → PUBLISHED →
    /// UNDER_EXAMINATION → GRANTED | REFUSED; FILED | PUBLISHED | UNDER_EXAMINATION →
    /// ABANDONED; GRANTED → LAPSED | EXPIRED. Abandoning an asset that other institutions
    /// co-own is FORBIDDEN here: propose it with `proposeIpAbandonment`.
    async fn transition_ip_asset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: TransitionIpAssetInput,
    ) -> Result<TransitionIpAssetPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "IpAsset", &input.id)?;
        service::transition(
            &req.db,
            &req.principal,
            id,
            input.to,
            input.expected_version,
            input.date.map(|d| d.0),
        )
        .await?;
        Ok(TransitionIpAssetPayload::of(id))
    }

    /// Replaces an IP asset's co-owners; shares add up to 10000 basis points. Only a current
    /// co-owner (or a center admin) may, and a co-owner only when no other co-owner's share
    /// falls: a change that reduces another co-owner's share is FORBIDDEN here and proposed with
    /// `proposeIpOwnership` instead, to take effect when they approve.
    async fn set_ip_ownership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SetIpOwnershipInput,
    ) -> Result<SetIpOwnershipPayload> {
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
        service::set_ownership(&req.db, &req.principal, id, owners, input.expected_version).await?;
        Ok(SetIpOwnershipPayload::of(id))
    }
}
