//! Patent costs of an IP asset and licensees' reimbursements of them (see `service::ip_costs`):
//! the asset's co-owners' business, read by them and center admins only, recorded by the
//! co-owners' institution admins.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{deal, enums::IpCostKind, institution, ip_asset, ip_cost, ip_reimbursement};
use uuid::Uuid;

use crate::graphql::{
    connection::{Page, PageArgs},
    deal::Deal,
    ids,
    institution::Institution,
    ip::{DeadlineRecordsOf, IpAsset, OwnershipsOf, paging},
    money::{Money, MoneyInput},
    request,
    scalars::Date,
};
use crate::{
    has_many, payload, policy,
    service::ip_costs::{self as service, CostLine},
};

has_many!(CostsOf, ip_cost::Entity, ip_cost::Column::IpAssetId);
has_many!(
    ReimbursementsOf,
    ip_reimbursement::Entity,
    ip_reimbursement::Column::IpAssetId
);

/// A cost of an IP asset: recorded, or the official fee paid on a deadline marked done.
pub struct IpCost(pub CostLine);

impl From<ip_cost::Model> for IpCost {
    fn from(m: ip_cost::Model) -> Self {
        IpCost(m.into())
    }
}

/// A cost of an IP asset: an attorney's fee, an official fee, or another cost — recorded with
/// `recordIpCost`, or the official fee paid on a deadline marked done (`deadlineId` set), which
/// is listed here without being recorded twice.
#[Object]
impl IpCost {
    /// Opaque id; pass it to `deleteIpCost` (not for official fees of deadlines).
    async fn id(&self) -> ID {
        ids::encode("IpCost", self.0.id)
    }
    /// What the money was for.
    async fn kind(&self) -> IpCostKind {
        self.0.kind
    }
    /// The amount paid.
    async fn amount(&self) -> Money {
        Money::new(self.0.amount, &self.0.currency)
    }
    /// When it was paid (for a deadline's fee: the day the deadline was done).
    async fn incurred_on(&self) -> Date {
        Date(self.0.incurred_on)
    }
    /// A note (an invoice or receipt number, say).
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The owner institution that paid it (null for the fee of a deadline).
    async fn paid_by(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let Some(inst) = self.0.paid_by else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(inst)
            .await?
            .map(Institution))
    }
    /// For the official fee paid on a deadline marked done: the deadline (`IpDeadline.id`).
    async fn deadline_id(&self) -> Option<ID> {
        self.0
            .deadline_act
            .as_deref()
            .map(|act| ids::encode_keyed("IpDeadline", self.0.ip_asset_id, act))
    }
    /// The asset the cost belongs to.
    async fn ip_asset(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(self.0.ip_asset_id)
            .await?
            .map(IpAsset))
    }
}

/// What a licensee paid back of an IP asset's costs, under a deal.
pub struct IpReimbursement(pub ip_reimbursement::Model);

impl From<ip_reimbursement::Model> for IpReimbursement {
    fn from(m: ip_reimbursement::Model) -> Self {
        IpReimbursement(m)
    }
}

/// What a licensee paid back of an IP asset's costs, under a deal.
#[Object]
impl IpReimbursement {
    /// Opaque id.
    async fn id(&self) -> ID {
        ids::encode("IpReimbursement", self.0.id)
    }
    /// The amount reimbursed.
    async fn amount(&self) -> Money {
        Money::new(self.0.amount, &self.0.currency)
    }
    /// When it was received.
    async fn received_on(&self) -> Date {
        Date(self.0.received_on)
    }
    /// A note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The deal under which the licensee paid.
    async fn deal(&self, ctx: &Context<'_>) -> Result<Option<Deal>> {
        Ok(request(ctx)
            .loaders
            .one::<deal::Entity>(self.0.deal_id)
            .await?
            .map(Deal))
    }
    /// The asset whose costs were reimbursed.
    async fn ip_asset(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(self.0.ip_asset_id)
            .await?
            .map(IpAsset))
    }
}

/// An asset's costs and reimbursements in one currency (never summed across currencies).
#[derive(SimpleObject)]
pub struct IpCostTotal {
    /// ISO 4217 code.
    pub currency: String,
    /// All costs in this currency, the official fees of deadlines included.
    pub costs: Money,
    /// What licensees reimbursed in this currency.
    pub reimbursed: Money,
    /// `costs` − `reimbursed`: what the owners bear (negative when licensees paid back more).
    pub unreimbursed: Money,
}

/// Whether the viewer may read the costs of `asset`: its co-owners and center admins.
async fn may_see(ctx: &Context<'_>, asset: Uuid) -> Result<bool> {
    let req = request(ctx);
    let owners: Vec<Uuid> = req
        .loaders
        .children::<OwnershipsOf>(asset)
        .await?
        .into_iter()
        .map(|o| o.institution_id)
        .collect();
    Ok(policy::may_see_costs(&req.principal, &owners))
}

/// Every cost of `asset` (recorded ones and the fees of its deadlines), or `None` when the
/// viewer may not see them.
async fn lines(ctx: &Context<'_>, asset: Uuid) -> Result<Option<Vec<CostLine>>> {
    if !may_see(ctx, asset).await? {
        return Ok(None);
    }
    let loaders = &request(ctx).loaders;
    let (recorded, records) = futures_util::future::try_join(
        loaders.children::<CostsOf>(asset),
        loaders.children::<DeadlineRecordsOf>(asset),
    )
    .await?;
    let mut out: Vec<CostLine> = recorded.into_iter().map(CostLine::from).collect();
    out.extend(records.iter().filter_map(CostLine::of_record));
    Ok(Some(out))
}

/// `IpAsset.costs`: by date paid, then id.
pub async fn costs(ctx: &Context<'_>, asset: Uuid, args: PageArgs) -> Result<Option<Page<IpCost>>> {
    let Some(lines) = lines(ctx, asset).await? else {
        return Ok(None);
    };
    let items = lines.into_iter().map(IpCost).collect();
    Ok(Some(paging::page_in_memory(
        items,
        |c: &IpCost| (c.0.incurred_on, c.0.id),
        &args,
    )?))
}

/// `IpAsset.reimbursements`: by date received, then id.
pub async fn reimbursements(
    ctx: &Context<'_>,
    asset: Uuid,
    args: PageArgs,
) -> Result<Option<Page<IpReimbursement>>> {
    if !may_see(ctx, asset).await? {
        return Ok(None);
    }
    let rows = request(ctx)
        .loaders
        .children::<ReimbursementsOf>(asset)
        .await?;
    let items = rows.into_iter().map(IpReimbursement).collect();
    Ok(Some(paging::page_in_memory(
        items,
        |r: &IpReimbursement| (r.0.received_on, r.0.id),
        &args,
    )?))
}

/// `IpAsset.costTotals`: per currency, by currency code.
pub async fn totals(ctx: &Context<'_>, asset: Uuid) -> Result<Option<Vec<IpCostTotal>>> {
    let Some(lines) = lines(ctx, asset).await? else {
        return Ok(None);
    };
    let reimbursed = request(ctx)
        .loaders
        .children::<ReimbursementsOf>(asset)
        .await?;
    Ok(Some(
        service::totals(&lines, &reimbursed)
            .into_iter()
            .map(|(currency, t)| IpCostTotal {
                costs: Money::new(t.costs, &currency),
                reimbursed: Money::new(t.reimbursed, &currency),
                unreimbursed: Money::new(t.costs.saturating_sub(t.reimbursed), &currency),
                currency,
            })
            .collect(),
    ))
}

/// A cost of an IP asset to record.
#[derive(InputObject)]
pub struct RecordIpCostInput {
    /// The asset.
    pub ip_asset_id: ID,
    /// What the money was for.
    pub kind: IpCostKind,
    /// The amount paid (positive), in any supported currency.
    pub amount: MoneyInput,
    /// When it was paid (not in the future).
    pub incurred_on: Date,
    /// A note, e.g. the invoice number (at most 2000 characters).
    pub note: Option<String>,
    /// The owner institution that paid: the viewer's own by default; another owner only for a
    /// center admin.
    pub paid_by_id: Option<ID>,
}

/// A recorded cost to delete.
#[derive(InputObject)]
pub struct DeleteIpCostInput {
    /// The cost (`IpCost.id`); the official fee of a deadline cannot be deleted here.
    pub id: ID,
}

/// A licensee's reimbursement of an asset's costs to record.
#[derive(InputObject)]
pub struct RecordIpReimbursementInput {
    /// The asset whose costs were reimbursed.
    pub ip_asset_id: ID,
    /// The signed deal on the asset's technology under which the licensee paid.
    pub deal_id: ID,
    /// The amount reimbursed (positive).
    pub amount: MoneyInput,
    /// When it was received (not in the future).
    pub received_on: Date,
    /// A note (at most 2000 characters).
    pub note: Option<String>,
}

payload!(
    /// Result of `recordIpCost`.
    RecordIpCostPayload, ip_cost: IpCost, ip_cost::Entity
);
payload!(
    /// Result of `recordIpReimbursement`.
    RecordIpReimbursementPayload, ip_reimbursement: IpReimbursement, ip_reimbursement::Entity
);

/// Result of `deleteIpCost`.
pub struct DeleteIpCostPayload {
    id: Uuid,
}

/// Result of `deleteIpCost`.
#[Object]
impl DeleteIpCostPayload {
    /// The id of the cost deleted.
    async fn deleted_id(&self) -> ID {
        ids::encode("IpCost", self.id)
    }
}

#[derive(Default)]
pub struct IpCostMutation;

#[Object]
impl IpCostMutation {
    /// Records a cost of an IP asset (an attorney's fee, an official fee paid outside the
    /// docket, another cost). The institution admins of the asset's owners (and center admins)
    /// only; others get NOT_FOUND for an asset they cannot see and FORBIDDEN otherwise. Official
    /// fees paid on deadlines are recorded by `markDeadlineDone`, not here.
    async fn record_ip_cost(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RecordIpCostInput,
    ) -> Result<RecordIpCostPayload> {
        let req = request(ctx);
        let written = service::record_cost(
            &req.db,
            &req.principal,
            service::NewCost {
                ip_asset_id: ids::decode_as("ipAssetId", "IpAsset", &input.ip_asset_id)?,
                kind: input.kind,
                amount: input.amount.parse("amount")?,
                incurred_on: input.incurred_on.0,
                note: input.note,
                paid_by: input
                    .paid_by_id
                    .as_ref()
                    .map(|id| ids::decode_as("paidById", "Institution", id))
                    .transpose()?,
            },
        )
        .await?;
        Ok(RecordIpCostPayload::from(written))
    }

    /// Deletes a recorded cost (the institution admins of the asset's owners, center admins).
    async fn delete_ip_cost(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: DeleteIpCostInput,
    ) -> Result<DeleteIpCostPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "IpCost", &input.id)?;
        service::delete_cost(&req.db, &req.principal, id).await?;
        Ok(DeleteIpCostPayload { id })
    }

    /// Records what a licensee reimbursed of an IP asset's costs, under a signed deal on the
    /// asset's technology. The institution admins of the asset's owners (and center admins).
    async fn record_ip_reimbursement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RecordIpReimbursementInput,
    ) -> Result<RecordIpReimbursementPayload> {
        let req = request(ctx);
        let written = service::record_reimbursement(
            &req.db,
            &req.principal,
            service::NewReimbursement {
                ip_asset_id: ids::decode_as("ipAssetId", "IpAsset", &input.ip_asset_id)?,
                deal_id: ids::decode_as("dealId", "Deal", &input.deal_id)?,
                amount: input.amount.parse("amount")?,
                received_on: input.received_on.0,
                note: input.note,
            },
        )
        .await?;
        Ok(RecordIpReimbursementPayload::from(written))
    }
}
