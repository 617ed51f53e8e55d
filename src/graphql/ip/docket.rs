//! Docket mutations: mark a computed deadline done, waive it, or reopen it (see
//! `service::docket`).

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{enums::DeadlineResolution, ip_asset};
use uuid::Uuid;

use crate::graphql::{
    ids,
    ip::{IpAsset, deadline},
    money::MoneyInput,
    request,
    scalars::Date,
};
use crate::service::docket::{self, Resolution};

/// Records that a deadline's act was done.
#[derive(InputObject)]
pub struct MarkDeadlineDoneInput {
    /// The deadline (`IpDeadline.id`).
    pub deadline_id: ID,
    /// When it was done: within the deadline's window (not before it opens, not after its grace
    /// period) and not in the future.
    pub done_on: Date,
    /// The official fee paid; it becomes an IP cost of the asset.
    pub official_fee: Option<MoneyInput>,
    /// A note, e.g. the receipt number (at most 2000 characters).
    pub note: Option<String>,
}

/// Records a decision not to act on a deadline.
#[derive(InputObject)]
pub struct WaiveDeadlineInput {
    /// The deadline (`IpDeadline.id`).
    pub deadline_id: ID,
    /// When the decision was taken; today (UTC) when omitted. Not in the future.
    pub decided_on: Option<Date>,
    /// Why (at most 2000 characters).
    pub note: Option<String>,
}

/// Reopens a deadline marked done or waived by mistake.
#[derive(InputObject)]
pub struct ReopenDeadlineInput {
    /// The deadline (`IpDeadline.id`).
    pub deadline_id: ID,
    /// Why it is reopened, e.g. "marked paid on the wrong patent" (1 to 2000 characters).
    pub reason: String,
}

/// Result of `markDeadlineDone`, `waiveDeadline` and `reopenDeadline`.
pub struct DeadlinePayload {
    asset: Uuid,
    act: String,
}

/// Result of `markDeadlineDone`, `waiveDeadline` and `reopenDeadline`.
#[Object]
impl DeadlinePayload {
    /// The deadline as the viewer sees it after the change.
    async fn deadline(&self, ctx: &Context<'_>) -> Result<Option<deadline::IpDeadline>> {
        let Some(asset) = request(ctx)
            .loaders
            .one::<ip_asset::Entity>(self.asset)
            .await?
        else {
            return Ok(None);
        };
        Ok(deadline::schedule(ctx, Arc::new(asset), true)
            .await?
            .into_iter()
            .find(|d| d.act() == self.act))
    }
    /// The asset (its status shows whether waiving ended the right already).
    async fn ip_asset(&self, ctx: &Context<'_>) -> Result<Option<IpAsset>> {
        Ok(request(ctx)
            .loaders
            .one::<ip_asset::Entity>(self.asset)
            .await?
            .map(IpAsset))
    }
}

#[derive(Default)]
pub struct DocketMutation;

#[Object]
impl DocketMutation {
    /// Marks a deadline done — the fee paid, the application filed, the phase entered — with
    /// the date, the official fee paid and a note. The asset's co-owners (and center admins)
    /// only; once per deadline (`CONFLICT` after it was marked done or waived). The record
    /// follows the act, not the date: it keeps applying when a corrected date moves the
    /// deadline.
    async fn mark_deadline_done(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: MarkDeadlineDoneInput,
    ) -> Result<DeadlinePayload> {
        let req = request(ctx);
        let (asset, act) = ids::decode_keyed_as("deadlineId", "IpDeadline", &input.deadline_id)?;
        let fee = input
            .official_fee
            .as_ref()
            .map(|m| m.parse("officialFee"))
            .transpose()?;
        docket::resolve(
            &req.db,
            &req.principal,
            asset,
            &act,
            Resolution {
                resolution: DeadlineResolution::Done,
                on: input.done_on.0,
                fee,
                note: input.note,
            },
        )
        .await?;
        Ok(DeadlinePayload { asset, act })
    }

    /// Waives a deadline: a decision not to act. For a fee that keeps the right alive (annuity,
    /// renewal), the asset moves to LAPSED (granted) or ABANDONED (pending) on the day after the
    /// grace period — at once if that day has come. The asset's co-owners (and center admins)
    /// only; once per deadline.
    async fn waive_deadline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: WaiveDeadlineInput,
    ) -> Result<DeadlinePayload> {
        let req = request(ctx);
        let (asset, act) = ids::decode_keyed_as("deadlineId", "IpDeadline", &input.deadline_id)?;
        docket::resolve(
            &req.db,
            &req.principal,
            asset,
            &act,
            Resolution {
                resolution: DeadlineResolution::Waived,
                on: input
                    .decided_on
                    .map_or_else(|| chrono::Utc::now().date_naive(), |d| d.0),
                fee: None,
                note: input.note,
            },
        )
        .await?;
        Ok(DeadlinePayload { asset, act })
    }

    /// Reopens a deadline marked done or waived by mistake: it is OPEN again (and can be marked
    /// or waived anew), and what had been recorded stays in its `reopenings` with the reason.
    /// The same permission as marking it. A right a waived fee has already ended (LAPSED or
    /// ABANDONED) cannot be reopened into (`CONFLICT`); before the end of the grace period,
    /// reopening a waived fee cancels the lapse.
    async fn reopen_deadline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: ReopenDeadlineInput,
    ) -> Result<DeadlinePayload> {
        let req = request(ctx);
        let (asset, act) = ids::decode_keyed_as("deadlineId", "IpDeadline", &input.deadline_id)?;
        docket::reopen(&req.db, &req.principal, asset, &act, &input.reason).await?;
        Ok(DeadlinePayload { asset, act })
    }
}
