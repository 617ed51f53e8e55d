//! Computed IP deadlines (see `service::deadlines` for the rules) as GraphQL objects.

use std::sync::Arc;

use async_graphql::{Context, Enum, Object, Result};
use chrono::{NaiveDate, Utc};
use entity::ip_asset;
use uuid::Uuid;

use crate::graphql::{
    connection::{Page, PageArgs},
    ip::IpAsset,
    ip::paging,
    request,
    scalars::Date,
};
use crate::{error::AppResult, service::deadlines};

/// What kind of act a deadline calls for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::service::deadlines::DeadlineKind")]
pub enum DeadlineKind {
    /// Last day to file elsewhere claiming the asset's priority (Paris Convention art. 4C).
    PriorityClaim,
    /// Last day to enter the national or regional phase of a PCT application.
    PctNationalPhase,
    /// An annual (CN) or maintenance (US) fee that keeps a granted right in force.
    Annuity,
    /// A renewal fee of a European patent (application), from the 3rd year.
    Renewal,
    /// The end of the right's maximum term.
    Expiry,
}

/// A statutory deadline of an IP asset, computed from its dates, with the rule that made it.
pub struct IpDeadline {
    deadline: deadlines::Deadline,
    asset: Arc<ip_asset::Model>,
}

impl IpDeadline {
    pub fn new(deadline: deadlines::Deadline, asset: Arc<ip_asset::Model>) -> Self {
        IpDeadline { deadline, asset }
    }

    /// Orders deadlines by due date, then asset, kind and office; unique per deadline.
    fn sort_key(&self) -> (NaiveDate, Uuid, u8, String) {
        (
            self.deadline.due_on,
            self.asset.id,
            self.deadline.kind as u8,
            self.deadline.jurisdiction.clone(),
        )
    }
}

/// Pages deadlines by due date (ties: asset, kind, office), in memory: they are computed.
pub fn page(items: Vec<IpDeadline>, args: &PageArgs) -> AppResult<Page<IpDeadline>> {
    paging::page_in_memory(items, IpDeadline::sort_key, args)
}

/// A statutory deadline of an IP asset, computed from its dates, with the rule that made it.
#[Object]
impl IpDeadline {
    /// The last day to act (the statutory date: offices extend a period ending on a day they are
    /// closed to their next working day, which this date does not reflect).
    async fn due_on(&self) -> Date {
        Date(self.deadline.due_on)
    }
    /// What the deadline calls for.
    async fn kind(&self) -> DeadlineKind {
        self.deadline.kind.into()
    }
    /// The office the act is due at: the asset's own, or a PCT application's target.
    async fn jurisdiction(&self) -> &str {
        &self.deadline.jurisdiction
    }
    /// The rule that produced the deadline, e.g. "PCT art. 22/39: 30 months from priority (31
    /// for EP, EPC Rule 159)".
    async fn rule(&self) -> &str {
        self.deadline.rule
    }
    /// The date the period runs from: the priority, filing or grant date.
    async fn basis_date(&self) -> Date {
        Date(self.deadline.basis)
    }
    /// For fees: the year of the right the fee is for (CN and EP: the patent year; US: 4, 8
    /// or 12).
    async fn fee_year(&self) -> Option<u32> {
        self.deadline.fee_year
    }
    /// The first day the act may validly be done, where the law forbids acting earlier (EP
    /// renewal fees: 3 months before; US maintenance fees: 6 months before).
    async fn opens_on(&self) -> Option<Date> {
        self.deadline.opens_on.map(Date)
    }
    /// The last day the act can still be done late, with a surcharge or late-entry fee (EP
    /// renewals: 6 months with 50% extra, EPC Rule 51(2); US maintenance: 6 months with surcharge,
    /// 37 CFR 1.362(e); CN annual fees: 6 months; CN national phase: 32 months; CA: 42 months).
    async fn grace_ends_on(&self) -> Option<Date> {
        self.deadline.grace_ends_on.map(Date)
    }
    /// Past the due date but still within the grace period (today, UTC).
    async fn in_grace(&self) -> bool {
        let today = Utc::now().date_naive();
        today > self.deadline.due_on && today <= self.deadline.last_day()
    }
    /// What happens when the act is not done by the end of its (grace) period, e.g. "the right
    /// lapses at the end of the grace period".
    async fn consequence(&self) -> &str {
        self.deadline.consequence
    }
    /// For a PCT national phase already entered: the asset of the family that entered it (the
    /// deadline is then done). Null while open, or when the viewer may not see that asset.
    async fn entered_by(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        let Some(id) = self.deadline.done_by else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(id)
            .await?
            .map(IpAsset))
    }
    /// Days from today (UTC) to the due date; negative once it has passed.
    async fn days_left(&self) -> i64 {
        (self.deadline.due_on - Utc::now().date_naive()).num_days()
    }
    /// The asset the deadline belongs to.
    async fn ip_asset(&self) -> IpAsset {
        IpAsset((*self.asset).clone())
    }
}
