//! Money under a deal: royalty reports, income received, and how each income is distributed
//! between inventors and institutions. Visible exactly when the deal is (its parties).

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject, dataloader::Loader};
use entity::{
    deal,
    enums::{DistributionPolicy, IncomeKind, RoyaltyReportStatus},
    income, institution, person, royalty_report,
};
use uuid::Uuid;

use crate::graphql::{
    deal::{Deal, submitter::Submitter},
    ids,
    institution::Institution,
    loaders::{LoaderContext, NewLoader},
    money::Money,
    person::Person,
    request,
    scalars::{Date, Timestamp},
};
use crate::{
    error::AppError,
    has_many,
    policy::{self, DistributionView},
    service::{distribution, ip_costs, licence_terms::royalty_discrepancy, royalty as service},
};

has_many!(
    ReportsOf,
    royalty_report::Entity,
    royalty_report::Column::DealId
);
has_many!(IncomesOf, income::Entity, income::Column::DealId);

async fn deal_of(ctx: &Context<'_>, id: Uuid) -> Result<Option<Deal>> {
    Ok(request(ctx)
        .loaders
        .one::<deal::Entity>(id)
        .await?
        .map(Deal))
}

/// A royalty-report row as a GraphQL object.
pub struct RoyaltyReport(pub royalty_report::Model);

impl From<royalty_report::Model> for RoyaltyReport {
    fn from(m: royalty_report::Model) -> Self {
        RoyaltyReport(m)
    }
}

impl RoyaltyReport {
    /// The royalty the deal's terms put on the report's net sales (the terms are fixed when
    /// the deal is opened, so this is what they said when the report came in).
    async fn expected(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        let deal = request(ctx)
            .loaders
            .one::<deal::Entity>(self.0.deal_id)
            .await?;
        Ok(deal.and_then(|d| crate::service::licence::royalty_on(&d, self.0.net_sales)))
    }
}

/// A royalty report whose `royaltyDue` disagrees with the deal's terms.
#[derive(SimpleObject)]
pub struct RoyaltyDiscrepancy {
    /// What the deal's terms put on the reported net sales.
    pub expected: Money,
    /// What the licensee reported as due.
    pub reported: Money,
    /// `reported` − `expected`: negative when the licensee reported less.
    pub difference: Money,
}

/// A licensee's report of net sales and royalty due for a period.
#[Object]
impl RoyaltyReport {
    /// Opaque id; pass it to `decideRoyaltyReport`.
    pub async fn id(&self) -> ID {
        ids::encode("RoyaltyReport", self.0.id)
    }
    /// The deal reported on.
    async fn deal(&self, ctx: &Context<'_>) -> Result<Option<Deal>> {
        deal_of(ctx, self.0.deal_id).await
    }
    /// First day of the period.
    async fn period_start(&self) -> Date {
        Date(self.0.period_start)
    }
    /// Last day of the period (inclusive).
    async fn period_end(&self) -> Date {
        Date(self.0.period_end)
    }
    /// Net sales of licensed products in the period.
    async fn net_sales(&self) -> Money {
        Money::new(self.0.net_sales, &self.0.currency)
    }
    /// Royalty the licensee owes for the period.
    async fn royalty_due(&self) -> Money {
        Money::new(self.0.royalty_due, &self.0.currency)
    }
    /// The royalty the deal's terms put on these net sales — its royalty tiers, each band at
    /// its rate, else its flat rate — to check `royaltyDue` against (null when the deal sets no
    /// royalty).
    async fn expected_royalty_due(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        Ok(self
            .expected(ctx)
            .await?
            .map(|minor| Money::new(minor, &self.0.currency)))
    }
    /// Set when `royaltyDue` disagrees with `expectedRoyaltyDue` by more than one minor unit
    /// (the report is accepted all the same, for the provider to decide on); null when they
    /// agree or the deal sets no royalty.
    async fn discrepancy(&self, ctx: &Context<'_>) -> Result<Option<RoyaltyDiscrepancy>> {
        let expected = self.expected(ctx).await?;
        let Some(difference) = royalty_discrepancy(self.0.royalty_due, expected) else {
            return Ok(None);
        };
        let money = |minor| Money::new(minor, &self.0.currency);
        Ok(expected.map(|expected| RoyaltyDiscrepancy {
            expected: money(expected),
            reported: money(self.0.royalty_due),
            difference: money(difference),
        }))
    }
    /// `SUBMITTED` until the provider accepts or disputes it.
    async fn status(&self) -> RoyaltyReportStatus {
        self.0.status
    }
    /// Who submitted it: a user, or a partner system with an API token — by name and
    /// institution (null only for reports an operator's token submitted).
    async fn submitted_by(&self, ctx: &Context<'_>) -> Result<Option<Submitter>> {
        Submitter::of(ctx, &self.0).await
    }
    /// When the provider accepted or disputed it.
    async fn decided_at(&self) -> Option<Timestamp> {
        self.0.decided_at.map(Timestamp)
    }
    /// Why the provider disputed it (null unless `DISPUTED`).
    async fn dispute_reason(&self) -> Option<&str> {
        self.0.dispute_reason.as_deref()
    }
    /// When it was submitted.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An income row as a GraphQL object.
pub struct Income(pub income::Model);

impl From<income::Model> for Income {
    fn from(m: income::Model) -> Self {
        Income(m)
    }
}

/// Money actually received under a deal.
#[Object]
impl Income {
    /// Opaque id.
    pub async fn id(&self) -> ID {
        ids::encode("Income", self.0.id)
    }
    /// The deal the money came from.
    async fn deal(&self, ctx: &Context<'_>) -> Result<Option<Deal>> {
        deal_of(ctx, self.0.deal_id).await
    }
    /// What the payment was for.
    async fn kind(&self) -> IncomeKind {
        self.0.kind
    }
    /// The amount received, in the deal's currency.
    async fn amount(&self) -> Money {
        Money::new(self.0.amount, &self.0.currency)
    }
    /// When it was received.
    async fn received_on(&self) -> Date {
        Date(self.0.received_on)
    }
    /// How the amount is split between the inventors and the institutions owning the IP, under
    /// the technology owner's distribution policy: under `NET_OF_UNREIMBURSED_COSTS` the
    /// technology's unreimbursed IP costs are deducted first (`costsDeducted`), and the parts
    /// add up exactly to `distributedAmount`; `costsDeducted` + `distributedAmount` is the
    /// amount. The providing institution's own accounting (it reflects all its filings,
    /// unpublished ones included): an IP co-owner of the technology sees the inventors' parts
    /// and its own part only; null for the recipient.
    async fn distribution(&self, ctx: &Context<'_>) -> Result<Option<IncomeDistribution>> {
        let req = request(ctx);
        let deal = req
            .loaders
            .one::<deal::Entity>(self.0.deal_id)
            .await?
            .ok_or(AppError::NotFound("deal"))?;
        let income_basis = req
            .loaders
            .get::<DistributionBases>()
            .load_one(deal.technology_id)
            .await
            .map_err(|e| AppError::from_shared(&e))?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("technology missing")))?;
        let view = policy::income_distribution_view(&req.principal, &deal, &income_basis.co_owners);
        let own_line = match view {
            DistributionView::Hidden => return Ok(None),
            DistributionView::All => None,
            DistributionView::CoOwner(inst) => Some(inst),
        };
        let ledger = req
            .loaders
            .get::<CostLedgers>()
            .load_one(deal.technology_id)
            .await
            .map_err(|e| AppError::from_shared(&e))?
            .unwrap_or_default();
        let (deducted, carried) = ledger
            .deductions
            .get(&self.0.id)
            .map_or((0, 0), |d| (d.deducted, d.carried_forward));
        let net = self.0.amount - deducted;
        let split = distribution::split(net, &income_basis.basis)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("shares overflow")))?;
        let money = |minor| Money::new(minor, &self.0.currency);
        Ok(Some(IncomeDistribution {
            policy: ledger.policy.policy,
            form: if ledger.in_shares(self.0.kind) {
                DistributionForm::Shares
            } else {
                DistributionForm::Cash
            },
            costs_deducted: money(deducted),
            distributed_amount: money(net),
            unrecovered_costs_after: money(carried),
            inventor_share_basis_points: split.inventor_share_bp,
            inventors: split
                .inventors
                .iter()
                .map(|p| InventorPart {
                    person_id: p.party,
                    share_basis_points: p.share_bp,
                    amount: money(p.amount),
                })
                .collect(),
            institutions: split
                .institutions
                .iter()
                .filter(|p| own_line.is_none_or(|inst| p.party == inst))
                .map(|p| InstitutionPart {
                    institution_id: p.party,
                    share_basis_points: p.share_bp,
                    amount: money(p.amount),
                })
                .collect(),
        }))
    }
    /// When it was recorded.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An income split between the inventors (the owner institution's inventor share, by inventor
/// shares) and the institutions owning the technology's live IP (by ownership, each live asset
/// weighing the same; the owner institution alone when there is none). Rounding is by largest
/// remainder: the parts add up exactly to the income.
#[derive(SimpleObject)]
pub struct IncomeDistribution {
    /// The technology owner's policy this distribution follows.
    pub policy: DistributionPolicy,
    /// Whether the parts are paid in cash or as shares of the equity received (`EQUITY`
    /// income under a policy that says so: each part's amount is then the value of its shares
    /// at the income's valuation, and no costs are recovered from it).
    pub form: DistributionForm,
    /// The technology's unreimbursed IP costs (in the income's currency) this income recovered
    /// before the rest was distributed; zero under `GROSS`.
    pub costs_deducted: Money,
    /// What was distributed: the amount minus `costsDeducted`. The parts add up to it exactly.
    pub distributed_amount: Money,
    /// Unreimbursed IP costs in the income's currency still to recover after this income,
    /// carried forward to the next (zero under `GROSS`).
    pub unrecovered_costs_after: Money,
    /// The inventors' part in basis points (the owner institution's inventor share; 0 when the
    /// technology names no inventors).
    pub inventor_share_basis_points: i32,
    /// Each inventor's part.
    pub inventors: Vec<InventorPart>,
    /// Each institution's part (to an IP co-owner, its own part only).
    pub institutions: Vec<InstitutionPart>,
}

/// How the parts of an income are paid.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DistributionForm {
    /// In money.
    Cash,
    /// As shares of the equity received (`EQUITY` income under a policy that says so).
    Shares,
}

/// An inventor's part of an income.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InventorPart {
    #[graphql(skip)]
    pub person_id: Uuid,
    /// The inventor's share among the inventors, in basis points.
    pub share_basis_points: i32,
    /// The inventor's amount.
    pub amount: Money,
}

#[async_graphql::ComplexObject]
impl InventorPart {
    /// The inventor (null if the viewer may not see people of that institution).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(request(ctx)
            .loaders
            .one::<person::Entity>(self.person_id)
            .await?
            .map(Person))
    }
}

/// An institution's part of an income.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct InstitutionPart {
    #[graphql(skip)]
    pub institution_id: Uuid,
    /// The institution's share of the institutional part, in basis points (rounded; they add
    /// up to 10000).
    pub share_basis_points: i32,
    /// The institution's amount.
    pub amount: Money,
}

#[async_graphql::ComplexObject]
impl InstitutionPart {
    /// The institution.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.institution_id)
            .await?
            .map(Institution))
    }
}

/// Distribution bases by technology id, batched across every income of a request.
pub struct DistributionBases(LoaderContext);

impl NewLoader for DistributionBases {
    fn new(ctx: &LoaderContext) -> Self {
        DistributionBases(ctx.clone())
    }
}

impl Loader<Uuid> for DistributionBases {
    type Value = service::IncomeBasis;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        service::distribution_bases(&self.0.db, keys)
            .await
            .map_err(Arc::new)
    }
}

/// The cost ledgers of technologies (their owner's policy and what each income deducted),
/// batched across every income of a request.
pub struct CostLedgers(LoaderContext);

impl NewLoader for CostLedgers {
    fn new(ctx: &LoaderContext) -> Self {
        CostLedgers(ctx.clone())
    }
}

impl Loader<Uuid> for CostLedgers {
    type Value = ip_costs::Ledger;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        ip_costs::ledgers(&self.0.db, keys).await.map_err(Arc::new)
    }
}
