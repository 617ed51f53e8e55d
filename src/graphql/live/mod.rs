//! Live updates: the subscription root. Each event names a changed row (see
//! `service::events`); at delivery the row is re-read through the access policy with the
//! socket's principal, so a subscriber hears of a change only if it may see the object now.
//! The socket layer (`http::ws`) keeps that principal current: it closes the socket when the
//! credential ends or its rights change.

mod reminder;
mod stream;

use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use entity::{deadline_reminder, deal, enrollment, income, ip_asset, royalty_report, technology};
use futures_util::Stream;

use crate::graphql::{
    deal::{
        Deal,
        royalty::{Income, RoyaltyReport},
    },
    ids,
    ip::IpAsset,
    technology::Technology,
    training::Enrollment,
};

pub use reminder::{DeadlineApproaching, ReminderKind};
pub use stream::Hangup;
use stream::{follow, follow_checked};

macro_rules! change_type {
    ($(#[doc = $doc:literal])* $name:ident { $(#[doc = $fdoc:literal])* $field:ident: $ty:ty }) => {
        $(#[doc = $doc])*
        #[derive(SimpleObject)]
        pub struct $name {
            /// The event's id (the audit event that recorded the change).
            pub event_id: ID,
            /// What happened, as the audit trail names it (e.g. `royaltyReport.decide`).
            pub action: String,
            $(#[doc = $fdoc])*
            pub $field: $ty,
        }

        impl<M> From<(stream::Event, M)> for $name
        where
            $ty: From<M>,
        {
            fn from((event, row): (stream::Event, M)) -> Self {
                $name {
                    event_id: ids::encode("AuditEvent", event.id),
                    action: event.action.clone(),
                    $field: <$ty>::from(row),
                }
            }
        }
    };
}

change_type!(
    /// A deal changed: created, moved to another stage (signed, lost, …).
    DealChange {
        /// The deal as it is now.
        deal: Deal
    }
);
change_type!(
    /// A royalty report was submitted, accepted or disputed.
    RoyaltyReportChange {
        /// The report as it is now (its `status`, and `disputeReason` when disputed).
        report: RoyaltyReport
    }
);
change_type!(
    /// Income was recorded under a deal.
    IncomeRecorded {
        /// The income.
        income: Income
    }
);
change_type!(
    /// A technology changed: its data, stage, visibility or inventors.
    TechnologyChange {
        /// The technology as it is now.
        technology: Technology
    }
);
change_type!(
    /// An IP asset changed: its data, status (publication, grant, …) or ownership.
    IpAssetChange {
        /// The IP asset as it is now.
        ip_asset: IpAsset
    }
);
change_type!(
    /// An enrollment changed: an application, or the host's decision on it.
    EnrollmentChange {
        /// The enrollment as it is now.
        enrollment: Enrollment
    }
);

fn optional_id(field: &str, ty: &str, id: Option<ID>) -> Result<Option<uuid::Uuid>> {
    Ok(id.map(|id| ids::decode_as(field, ty, &id)).transpose()?)
}

#[derive(Default)]
pub struct SubscriptionRoot;

/// The root subscription type (over `/graphql/ws`). Each field streams the changes the viewer
/// may see at the moment each is delivered.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Changes to deal `id` (stage moves, signature).
    async fn deal_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The deal's global id.")] id: ID,
    ) -> Result<impl Stream<Item = Result<DealChange>> + use<>> {
        let id = ids::decode_as("id", "Deal", &id)?;
        follow::<deal::Entity, _, _>(ctx, "Deal", move |d| d.id == id)
    }

    /// Changes to any deal the viewer may see; `technologyId` keeps one technology's deals,
    /// `institutionId` the deals an institution provides or receives.
    async fn deals_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the deals about this technology (a global id).")]
        technology_id: Option<ID>,
        #[graphql(desc = "Only the deals this institution provides or receives (a global id).")]
        institution_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<DealChange>> + use<>> {
        let technology = optional_id("technologyId", "Technology", technology_id)?;
        let institution = optional_id("institutionId", "Institution", institution_id)?;
        follow::<deal::Entity, _, _>(ctx, "Deal", move |d| {
            technology.is_none_or(|t| d.technology_id == t)
                && institution
                    .is_none_or(|i| d.provider_id == i || d.recipient_institution_id == Some(i))
        })
    }

    /// Royalty reports submitted, accepted or disputed; `dealId` keeps one deal's.
    async fn royalty_report_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this deal's reports (a global id).")] deal_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<RoyaltyReportChange>> + use<>> {
        let deal = optional_id("dealId", "Deal", deal_id)?;
        follow::<royalty_report::Entity, _, _>(ctx, "RoyaltyReport", move |r| {
            deal.is_none_or(|d| r.deal_id == d)
        })
    }

    /// Income recorded; `dealId` keeps one deal's.
    async fn income_recorded(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this deal's income (a global id).")] deal_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<IncomeRecorded>> + use<>> {
        let deal = optional_id("dealId", "Deal", deal_id)?;
        follow::<income::Entity, _, _>(ctx, "Income", move |r| deal.is_none_or(|d| r.deal_id == d))
    }

    /// Changes to technologies (including stage and visibility); `id` keeps one technology,
    /// `ownerId` one institution's.
    async fn technology_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this technology (a global id).")] id: Option<ID>,
        #[graphql(desc = "Only this institution's technologies (a global id).")] owner_id: Option<
            ID,
        >,
    ) -> Result<impl Stream<Item = Result<TechnologyChange>> + use<>> {
        let id = optional_id("id", "Technology", id)?;
        let owner = optional_id("ownerId", "Institution", owner_id)?;
        follow::<technology::Entity, _, _>(ctx, "Technology", move |t| {
            id.is_none_or(|i| t.id == i) && owner.is_none_or(|o| t.owner_id == o)
        })
    }

    /// Changes to IP assets (status, ownership, publication); `technologyId` keeps one
    /// technology's.
    async fn ip_asset_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this technology's IP assets (a global id).")] technology_id: Option<
            ID,
        >,
    ) -> Result<impl Stream<Item = Result<IpAssetChange>> + use<>> {
        let technology = optional_id("technologyId", "Technology", technology_id)?;
        follow::<ip_asset::Entity, _, _>(ctx, "IpAsset", move |a| {
            technology.is_none_or(|t| a.technology_id == t)
        })
    }

    /// The docket's reminders (each lead time before a deadline's due date, and the last day of
    /// its grace period) for the deadlines of the IP assets the viewer's institution co-owns,
    /// due within `withinDays` of the reminder's day; `institutionId` keeps one owner's assets.
    /// Each reminder is sent once, when it comes due; a deadline done or waived since is not.
    async fn deadline_approaching(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only deadlines due within this many days of the reminder (0 to 3650; the last day of grace always is).",
            default = 30
        )]
        within_days: i32,
        #[graphql(desc = "Only the IP assets this institution (co-)owns (a global id).")]
        institution_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<DeadlineApproaching>> + use<>> {
        let max = crate::service::deadlines::reminders::MAX_LEAD_DAYS as i32;
        if !(0..=max).contains(&within_days) {
            return Err(crate::error::AppError::bad_input(
                "withinDays",
                format!("between 0 and {max} days"),
            )
            .into_graphql());
        }
        let institution = optional_id("institutionId", "Institution", institution_id)?;
        let check: stream::Check<deadline_reminder::Model> =
            std::sync::Arc::new(move |db, principal, reminder| {
                Box::pin(async move {
                    use crate::service::docket_reminders as reminders;
                    if let Some(i) = institution
                        && !reminders::owned_by(&db, &reminder, i).await?
                    {
                        return Ok(false);
                    }
                    reminders::still_open(&db, &principal, &reminder).await
                })
            });
        follow_checked::<deadline_reminder::Entity, _, _>(
            ctx,
            crate::service::docket_reminders::ENTITY_TYPE,
            move |r| (r.due_on - r.remind_on).num_days() <= i64::from(within_days),
            Some(check),
        )
    }

    /// Enrollments applied for or decided; `programId` keeps one training program's.
    async fn enrollment_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this training program's enrollments (a global id).")]
        program_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<EnrollmentChange>> + use<>> {
        let program = optional_id("programId", "TrainingProgram", program_id)?;
        follow::<enrollment::Entity, _, _>(ctx, "Enrollment", move |e| {
            program.is_none_or(|p| e.program_id == p)
        })
    }
}
