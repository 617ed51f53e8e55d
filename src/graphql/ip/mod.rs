//! IP assets: patents and other rights protecting a technology, their owners and deadlines.

pub mod change;
pub mod consent;
pub mod costs;
pub mod deadline;
pub mod docket;
pub mod mutation;
pub mod paging;
pub mod query;
pub mod responsible;
pub mod security_review;

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Result};
use chrono::Utc;
use entity::{
    deadline_record,
    enums::{IpChangeStatus, IpKind, IpStatus},
    institution, ip_asset, ip_change, ip_ownership, technology,
};

use crate::graphql::{
    connection::{self, Page, PageArgs},
    ids,
    institution::Institution,
    ip::change::{ChangesOf, IpChange},
    ip::deadline::{DeadlineStatus, IpDeadline},
    request,
    scalars::{Date, Timestamp, string_list},
    technology::Technology,
};
use crate::has_many;

has_many!(IpAssetsOf, ip_asset::Entity, ip_asset::Column::TechnologyId);
has_many!(
    OwnershipsOf,
    ip_ownership::Entity,
    ip_ownership::Column::IpAssetId
);
has_many!(
    DeadlineRecordsOf,
    deadline_record::Entity,
    deadline_record::Column::IpAssetId
);
has_many!(
    DeadlineReopeningsOf,
    entity::deadline_reopening::Entity,
    entity::deadline_reopening::Column::IpAssetId
);
has_many!(
    FamilyChildrenOf,
    ip_asset::Entity,
    ip_asset::Column::FamilyParentId
);

/// A patent right or application (or another IP right) protecting a technology.
pub struct IpAsset(pub ip_asset::Model);

impl From<ip_asset::Model> for IpAsset {
    fn from(m: ip_asset::Model) -> Self {
        IpAsset(m)
    }
}

/// A patent right or application (or another IP right) protecting a technology.
#[Object]
impl IpAsset {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("IpAsset", self.0.id)
    }
    /// What kind of right this is.
    async fn kind(&self) -> IpKind {
        self.0.kind
    }
    /// Where the right is sought: `CN`, `EP`, `US`, `WO` (PCT), `BA`, `RS`, `HR`, …
    async fn jurisdiction(&self) -> &str {
        &self.0.jurisdiction
    }
    /// The office's application (or registration) number, once filed.
    async fn application_number(&self) -> Option<&str> {
        self.0.application_number.as_deref()
    }
    /// The title as filed.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// The earliest priority date claimed (absent for a first filing, which is its own priority).
    async fn priority_date(&self) -> Option<Date> {
        self.0.priority_date.map(Date)
    }
    /// For a national/regional-phase entry of a PCT application: the international filing date.
    async fn international_filing_date(&self) -> Option<Date> {
        self.0.international_filing_date.map(Date)
    }
    /// When the application was filed.
    async fn filing_date(&self) -> Option<Date> {
        self.0.filing_date.map(Date)
    }
    /// When the office published the application.
    async fn publication_date(&self) -> Option<Date> {
        self.0.publication_date.map(Date)
    }
    /// When the right was granted (registered).
    async fn grant_date(&self) -> Option<Date> {
        self.0.grant_date.map(Date)
    }
    /// Where the asset is in prosecution: DRAFTING → FILED → PUBLISHED → UNDER_EXAMINATION →
    /// GRANTED or REFUSED; ABANDONED before grant; LAPSED or EXPIRED after it.
    async fn status(&self) -> IpStatus {
        self.0.status
    }
    /// For a PCT application: the planned national or regional phases (`CN`, `EP`, `US`, …).
    async fn target_jurisdictions(&self) -> Vec<String> {
        string_list(&self.0.target_jurisdictions)
    }
    /// The technology the asset protects.
    async fn technology(&self, ctx: &Context<'_>) -> Result<Option<Technology>> {
        Ok(request(ctx)
            .loaders
            .one::<technology::Entity>(self.0.technology_id)
            .await?
            .map(Technology))
    }
    /// The institutions owning the asset and their shares (which add up to 10000 basis points).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn owners(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<IpOwnership>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<OwnershipsOf, _>(ctx, self.0.id, args).await?)
    }
    /// The asset this one claims priority from or derives from (same patent family), when the
    /// viewer may see it.
    async fn family_parent(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        let Some(parent) = self.0.family_parent_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(parent)
            .await?
            .map(IpAsset))
    }
    /// The assets deriving from this one (e.g. a PCT application's national phases) that the
    /// viewer may see.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn family(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<IpAsset>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<FamilyChildrenOf, _>(ctx, self.0.id, args).await?)
    }
    /// The asset's statutory deadlines, computed from its kind, office, status and dates, by
    /// due date, each with its `status`. By default only those that can still be met today (due
    /// today or later, or in their grace period); `includePast` lists the whole schedule;
    /// `status` lists the deadlines in those statuses, past ones included (the docket's history:
    /// `status: [DONE, WAIVED]`). A PCT application's
    /// national phases that an asset of its family (visible to the viewer) has entered are done
    /// (`enteredBy`). Rights that are over (REFUSED, ABANDONED, LAPSED, EXPIRED) keep only the
    /// deadlines something was recorded about, as history.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn deadlines(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = false,
            desc = "Also the deadlines whose last day has passed (default: only those to come)."
        )]
        include_past: bool,
        #[graphql(
            desc = "Only the deadlines in these states (default: all; see `DeadlineStatus`)."
        )]
        status: Option<Vec<DeadlineStatus>>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<IpDeadline>> {
        let today = Utc::now().date_naive();
        let with_records = status.is_some() || deadline::selects_records(&ctx.look_ahead());
        let items = deadline::schedule(ctx, Arc::new(self.0.clone()), with_records)
            .await?
            .into_iter()
            .filter(|d| match &status {
                Some(wanted) => wanted.contains(&d.current_status()),
                None => include_past || d.last_day() >= today,
            })
            .collect();
        Ok(deadline::page(
            items,
            &PageArgs::new(first, after, last, before),
        )?)
    }
    /// Changes proposed for this asset that wait for co-owners' consent (a reduced share, or
    /// abandonment), oldest first. Shown to the asset's co-owners, the proposer and the
    /// institutions asked; empty for everyone else.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn pending_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<IpChange>> {
        let pending: Vec<ip_change::Model> = request(ctx)
            .loaders
            .children::<ChangesOf>(self.0.id)
            .await?
            .into_iter()
            .filter(|c| c.status == IpChangeStatus::Pending)
            .collect();
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::paginate_loaded(
            pending,
            connection::Ordering::<ip_change::Entity>::by_id(),
            &args,
        )?)
    }
    /// Who answers for the asset's deadlines (and receives its reminders): the user chosen with
    /// `setIpAssetResponsible`, else the IP administrator (oldest active INSTITUTION_ADMIN) of
    /// the principal owner. Co-owners and center admins only (null for others).
    async fn responsible(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<responsible::ResponsiblePerson>> {
        let req = request(ctx);
        let owners: Vec<uuid::Uuid> = req
            .loaders
            .children::<OwnershipsOf>(self.0.id)
            .await?
            .into_iter()
            .map(|o| o.institution_id)
            .collect();
        if !crate::policy::may_see_docket_details(&req.principal, &owners) {
            return Ok(None);
        }
        responsible::of(ctx, self.0.id).await
    }
    /// What the asset cost its owners, by date paid: costs recorded with `recordIpCost` and
    /// the official fees paid on its deadlines marked done (each counted once). Co-owners and
    /// center admins only (null for others).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn costs(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Option<Page<costs::IpCost>>> {
        costs::costs(ctx, self.0.id, PageArgs::new(first, after, last, before)).await
    }
    /// What licensees reimbursed of the asset's costs, by date received. Co-owners and center
    /// admins only (null for others).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn reimbursements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Option<Page<costs::IpReimbursement>>> {
        costs::reimbursements(ctx, self.0.id, PageArgs::new(first, after, last, before)).await
    }
    /// The asset's costs, reimbursements and what remains unreimbursed, one entry per currency
    /// (never summed across currencies). Co-owners and center admins only (null for others).
    async fn cost_totals(&self, ctx: &Context<'_>) -> Result<Option<Vec<costs::IpCostTotal>>> {
        costs::totals(ctx, self.0.id).await
    }
    /// When the record was created.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the record last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// An institution's share of an IP asset.
pub struct IpOwnership(pub ip_ownership::Model);

impl From<ip_ownership::Model> for IpOwnership {
    fn from(m: ip_ownership::Model) -> Self {
        IpOwnership(m)
    }
}

/// An institution's share of an IP asset.
#[Object]
impl IpOwnership {
    /// The (co-)owner institution.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.institution_id)
            .await?
            .map(Institution))
    }
    /// The asset owned.
    async fn ip_asset(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(self.0.ip_asset_id)
            .await?
            .map(IpAsset))
    }
    /// Share of the asset in basis points (10000 = 100%).
    async fn share_basis_points(&self) -> i32 {
        self.0.share_bp
    }
}
