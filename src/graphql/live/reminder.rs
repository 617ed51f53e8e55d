//! `deadlineApproaching`: the docket's reminder events (see `service::docket_reminders`) as a
//! typed payload — the deadline as `IpDeadline`, its asset, the days left and which reminder.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result};
use entity::{deadline_reminder, ip_asset};

use super::stream::Event;
use crate::graphql::{
    ids,
    ip::{IpAsset, deadline},
    request,
    scalars::Date,
};

/// Which of a deadline's reminders came due.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ReminderKind {
    /// A lead time before the due date (`leadDays`; `BIOBRIDGE_REMINDER_LEAD_DAYS`, by default
    /// 90, 30 and 7 days).
    LeadTime,
    /// The last day of the grace period: the last day the act can still be done, late.
    LastDayOfGrace,
}

/// One of an IP deadline's reminders came due: sent once per deadline and reminder day, to the
/// asset's co-owners (and center admins) who may see it at delivery.
pub struct DeadlineApproaching {
    event: Event,
    reminder: deadline_reminder::Model,
}

impl From<(Event, deadline_reminder::Model)> for DeadlineApproaching {
    fn from((event, reminder): (Event, deadline_reminder::Model)) -> Self {
        DeadlineApproaching { event, reminder }
    }
}

impl DeadlineApproaching {
    async fn asset(&self, ctx: &Context<'_>) -> Result<Option<ip_asset::Model>> {
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(self.reminder.ip_asset_id)
            .await?)
    }
}

/// One of an IP deadline's reminders came due: sent once per deadline and reminder day, to the
/// asset's co-owners (and center admins) who may see it at delivery.
#[Object]
impl DeadlineApproaching {
    /// The event's id (the audit event that recorded the reminder).
    async fn event_id(&self) -> ID {
        ids::encode("AuditEvent", self.event.id)
    }
    /// The deadline as it is now (null only if a corrected date or status removed it from the
    /// asset's schedule since).
    async fn deadline(&self, ctx: &Context<'_>) -> Result<Option<deadline::IpDeadline>> {
        let Some(asset) = self.asset(ctx).await? else {
            return Ok(None);
        };
        Ok(deadline::schedule(ctx, Arc::new(asset), true)
            .await?
            .into_iter()
            .find(|d| d.act() == self.reminder.act))
    }
    /// The IP asset the deadline belongs to.
    async fn ip_asset(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        Ok(self.asset(ctx).await?.map(IpAsset))
    }
    /// The day the reminder came due.
    async fn remind_on(&self) -> Date {
        Date(self.reminder.remind_on)
    }
    /// The deadline's due date when the reminder was sent.
    async fn due_on(&self) -> Date {
        Date(self.reminder.due_on)
    }
    /// Days from the reminder's day to the due date: the lead time, or negative on the last day
    /// of the grace period (the due date has passed).
    async fn days_left(&self) -> i64 {
        (self.reminder.due_on - self.reminder.remind_on).num_days()
    }
    /// Which reminder this is: a lead time, or the last day of the grace period.
    async fn reminder(&self) -> ReminderKind {
        match self.reminder.lead_days {
            Some(_) => ReminderKind::LeadTime,
            None => ReminderKind::LastDayOfGrace,
        }
    }
    /// The lead time in days, for a lead-time reminder; null on the last day of grace.
    async fn lead_days(&self) -> Option<i32> {
        self.reminder.lead_days
    }
}
