//! The `royaltyReports` root list: every royalty report the viewer may see — a deal's parties
//! and the IP co-owners of its technology, through the access policy — with filters and
//! orderings, so a licensee's system can reconcile what it sent and a provider can work through
//! what came in.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{enums::RoyaltyReportStatus, royalty_report};
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    deal::royalty::RoyaltyReport,
    ids, request,
    scalars::Date,
};
use crate::{
    auth::scope,
    error::{AppError, AppResult},
    policy,
};

/// Filters for `royaltyReports`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct RoyaltyReportFilter {
    /// The deal's global id.
    pub deal_id: Option<ID>,
    /// Reports in this status.
    pub status: Option<RoyaltyReportStatus>,
    /// Reports whose period reaches this day or later (its last day is on or after it).
    pub period_from: Option<Date>,
    /// Reports whose period begins on this day or earlier. With `periodFrom`: the reports
    /// whose period overlaps `periodFrom`..`periodTo`.
    pub period_to: Option<Date>,
}

impl RoyaltyReportFilter {
    fn condition(self) -> AppResult<Condition> {
        use royalty_report::Column as C;
        let mut c = Condition::all();
        if let Some(deal) = &self.deal_id {
            c = c.add(C::DealId.eq(ids::decode_as("filter.dealId", "Deal", deal)?));
        }
        if let Some(status) = self.status {
            c = c.add(C::Status.eq(status));
        }
        if let (Some(from), Some(to)) = (self.period_from, self.period_to)
            && to < from
        {
            return Err(AppError::bad_input(
                "filter.periodTo",
                "`periodTo` lies before `periodFrom`",
            ));
        }
        if let Some(from) = self.period_from {
            c = c.add(C::PeriodEnd.gte(from.0));
        }
        if let Some(to) = self.period_to {
            c = c.add(C::PeriodStart.lte(to.0));
        }
        Ok(c)
    }
}

/// Fields royalty reports can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum RoyaltyReportOrderField {
    /// The first day of the period reported on.
    #[default]
    PeriodStart,
    /// When the report was submitted.
    CreatedAt,
    /// The status, by name (groups the reports awaiting a decision together).
    Status,
}

impl OrderField<royalty_report::Entity> for RoyaltyReportOrderField {
    fn column(self) -> royalty_report::Column {
        match self {
            Self::PeriodStart => royalty_report::Column::PeriodStart,
            Self::CreatedAt => royalty_report::Column::CreatedAt,
            Self::Status => royalty_report::Column::Status,
        }
    }
}

/// Ordering of royalty reports (ties broken by id).
#[derive(InputObject, Default)]
pub struct RoyaltyReportOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: RoyaltyReportOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct RoyaltyReportQuery;

#[Object]
impl RoyaltyReportQuery {
    /// Royalty reports of the deals the viewer may see (their parties, and the IP co-owners of
    /// the deal's technology; center staff: all), oldest period first unless ordered otherwise.
    /// API tokens need `deal:read`.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn royalty_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which items to list; each field is described on the filter type (all when absent)."
        )]
        filter: Option<RoyaltyReportFilter>,
        #[graphql(
            desc = "The order of the list; each field is described on the order type (a default order when absent)."
        )]
        order_by: Option<RoyaltyReportOrder>,
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
    ) -> Result<Page<RoyaltyReport>> {
        let req = request(ctx);
        req.principal.require_scope(scope::DEAL_READ)?;
        let order = order_by.unwrap_or_default();
        let select = policy::visible::<royalty_report::Entity>(&req.principal)
            .filter(filter.unwrap_or_default().condition()?);
        Ok(connection::paginate(
            &req.db,
            select,
            Ordering::new(order.field, order.direction),
            &PageArgs::new(first, after, last, before),
            connection::wants_total(ctx),
        )
        .await?)
    }
}
