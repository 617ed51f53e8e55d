//! The docket's reminders as events: when one of a deadline's reminders comes due (each lead
//! time before the due date, and the last day of its grace period — see
//! [`deadlines::reminders`]), one reminder event is sent for it, exactly once.
//!
//! [`send_due`] looks at every open, actionable deadline of every live asset. For each whose
//! latest reminder has come by `today` (the one `reminderDue` shows), it writes a
//! [`deadline_reminder`] row — unique per asset, act and reminder day — and, in the same
//! transaction, the reminder's audit event (`ipAsset.deadlineReminder`, entity
//! `DeadlineReminder`). That event is what live subscribers (`deadlineApproaching`) and webhooks
//! (`DEADLINE_REMINDER`) hear of, each re-read under the access policy (only the asset's
//! co-owners and center admins see reminders, see `policy`). A second run on the same day, or
//! another instance running at the same moment, meets the unique key and sends nothing: on
//! PostgreSQL the second insert waits for the first transaction and then does nothing; on
//! SQLite writers take turns.
//!
//! An earlier reminder the job did not send in time (the server was down on its day) is not
//! sent late once a later one has come: only the latest reminder due is sent. Deadlines that
//! are not acts (the end of the term) remind no one.
//!
//! The server runs the job at start and every hour ([`remind_periodically`]); tests call
//! [`send_due`] with the day they need.

use std::{collections::HashMap, time::Duration};

use chrono::{NaiveDate, Utc};
use entity::{deadline_record, deadline_reminder, ip_asset};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::AppResult,
    policy,
    service::{
        audit,
        deadlines::{self, Deadline},
        docket::{docket_clock, facts_of},
        ip::owners_of,
    },
};

/// The audit action of a reminder event.
pub const ACTION: &str = "ipAsset.deadlineReminder";
/// The audit trail's entity type of a reminder event (a [`deadline_reminder`] row).
pub const ENTITY_TYPE: &str = "DeadlineReminder";

/// A reminder of `d` due on `today`, if one is: its day and its lead time (`None` for the last
/// day of the grace period). Pure.
pub fn reminder_due(
    d: &Deadline,
    lead_days: &[u32],
    today: NaiveDate,
) -> Option<(NaiveDate, Option<i32>)> {
    if !d.is_actionable() || d.done_by.is_some() {
        return None;
    }
    let day = deadlines::reminders::due(d, lead_days, today)?;
    let lead = if day > d.due_on {
        None
    } else {
        i32::try_from((d.due_on - day).num_days()).ok()
    };
    Some((day, lead))
}

/// Assets whose docket is open: not ended, of a kind with deadlines.
fn open_with_deadlines() -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(ip_asset::Column::Status.is_not_in(deadlines::ENDED))
        .add(ip_asset::Column::Kind.is_in(deadlines::KINDS_WITH_DEADLINES))
}

/// Sends the reminders due on `today` that were not sent yet; returns the reminders it sent
/// (rows of [`deadline_reminder`]).
pub async fn send_due(
    db: &DatabaseConnection,
    lead_days: &[u32],
    today: NaiveDate,
) -> AppResult<Vec<deadline_reminder::Model>> {
    let clock = docket_clock();
    let assets = ip_asset::Entity::find()
        .filter(open_with_deadlines())
        .all(db)
        .await?;
    let mut recorded: HashMap<Uuid, Vec<String>> = HashMap::new();
    // The assets as a subquery, not `IN (<each asset's id>)`: a list of every asset's id
    // passes the databases' parameter limits (PostgreSQL 65,535) on a large docket.
    let open_assets = sea_orm::sea_query::Query::select()
        .column(ip_asset::Column::Id)
        .from(ip_asset::Entity)
        .cond_where(open_with_deadlines())
        .to_owned();
    for r in deadline_record::Entity::find()
        .filter(deadline_record::Column::IpAssetId.in_subquery(open_assets))
        .all(db)
        .await?
    {
        recorded.entry(r.ip_asset_id).or_default().push(r.act);
    }
    let mut sent = Vec::new();
    for asset in assets {
        let done = recorded
            .get(&asset.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let due: Vec<(Deadline, NaiveDate, Option<i32>)> =
            deadlines::for_asset(&facts_of(db, &clock, &asset).await?)
                .into_iter()
                .filter(|d| !done.contains(&d.act()))
                .filter_map(|d| {
                    let (day, lead) = reminder_due(&d, lead_days, today)?;
                    Some((d, day, lead))
                })
                .collect();
        if due.is_empty() {
            continue;
        }
        // One transaction per asset: its reminders go out together, or not at all.
        let txn = super::txn::begin_write(db).await?;
        let (_, principal) = owners_of(&txn, asset.id).await?;
        let mut mine = Vec::new();
        for (d, day, lead) in due {
            if let Some(row) = record(&txn, &clock, principal, &asset, &d, day, lead).await? {
                mine.push(row);
            }
        }
        txn.commit().await?;
        sent.extend(mine);
    }
    Ok(sent)
}

/// Writes the reminder of `d` on `day` and its event, unless it was sent already.
async fn record(
    txn: &impl ConnectionTrait,
    clock: &Principal,
    principal: Option<Uuid>,
    asset: &ip_asset::Model,
    d: &Deadline,
    day: NaiveDate,
    lead: Option<i32>,
) -> AppResult<Option<deadline_reminder::Model>> {
    let row = deadline_reminder::Model {
        id: Uuid::now_v7(),
        ip_asset_id: asset.id,
        act: d.act(),
        remind_on: day,
        due_on: d.due_on,
        lead_days: lead,
        created_at: Utc::now(),
    };
    let inserted =
        deadline_reminder::Entity::insert(deadline_reminder::ActiveModel::from(row.clone()))
            .on_conflict(
                OnConflict::columns([
                    deadline_reminder::Column::IpAssetId,
                    deadline_reminder::Column::Act,
                    deadline_reminder::Column::RemindOn,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    if inserted == 0 {
        return Ok(None);
    }
    audit::record(
        txn,
        clock,
        principal,
        ACTION,
        ENTITY_TYPE,
        row.id,
        json!({
            "ipAssetId": asset.id, "act": row.act, "remindOn": day, "dueOn": d.due_on,
            "leadDays": lead, "lastDayOfGrace": lead.is_none(),
        }),
    )
    .await?;
    Ok(Some(row))
}

/// Whether the reminded deadline is still open for `viewer`: still in its asset's schedule (a
/// corrected date may have removed it), not recorded done or waived, not entered by a family
/// asset. A reminder of a deadline settled since is no longer delivered.
pub async fn still_open(
    db: &impl ConnectionTrait,
    viewer: &Principal,
    reminder: &deadline_reminder::Model,
) -> AppResult<bool> {
    let Some(asset) = policy::visible::<ip_asset::Entity>(viewer)
        .filter(ip_asset::Column::Id.eq(reminder.ip_asset_id))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let open = deadlines::for_asset(&facts_of(db, viewer, &asset).await?)
        .iter()
        .any(|d| d.act() == reminder.act && d.done_by.is_none());
    if !open {
        return Ok(false);
    }
    let recorded = deadline_record::Entity::find()
        .filter(deadline_record::Column::IpAssetId.eq(reminder.ip_asset_id))
        .filter(deadline_record::Column::Act.eq(reminder.act.as_str()))
        .one(db)
        .await?;
    Ok(recorded.is_none())
}

/// Whether `institution` co-owns the reminded asset (the `institutionId` filter).
pub async fn owned_by(
    db: &impl ConnectionTrait,
    reminder: &deadline_reminder::Model,
    institution: Uuid,
) -> AppResult<bool> {
    Ok(owners_of(db, reminder.ip_asset_id)
        .await?
        .0
        .contains(&institution))
}

/// Runs [`send_due`] after `first_in` and then every `every`, for as long as the server runs.
pub async fn remind_periodically(
    db: DatabaseConnection,
    lead_days: Vec<u32>,
    first_in: Duration,
    every: Duration,
) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + first_in, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match send_due(&db, &lead_days, Utc::now().date_naive()).await {
            Ok(sent) if !sent.is_empty() => {
                tracing::info!(count = sent.len(), "deadline reminders sent");
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = ?err, "cannot send the deadline reminders; retrying later")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::deadlines::{DeadlineKind, LAPSE_AT_GRACE_END};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fee(kind: DeadlineKind) -> Deadline {
        Deadline {
            due_on: d("2027-03-04"),
            kind,
            jurisdiction: "CN".into(),
            rule: "test",
            basis: d("2019-03-04"),
            fee_year: Some(9),
            opens_on: None,
            grace_ends_on: Some(d("2027-09-04")),
            consequence: LAPSE_AT_GRACE_END,
            done_by: None,
        }
    }

    #[test]
    fn names_the_lead_time_or_the_last_day_of_grace() {
        let f = fee(DeadlineKind::Annuity);
        let lead = [90, 30, 7];
        assert_eq!(reminder_due(&f, &lead, d("2026-12-03")), None);
        assert_eq!(
            reminder_due(&f, &lead, d("2027-02-03")),
            Some((d("2027-02-02"), Some(30)))
        );
        assert_eq!(
            reminder_due(&f, &lead, d("2027-09-04")),
            Some((d("2027-09-04"), None))
        );
        assert_eq!(reminder_due(&f, &lead, d("2027-09-05")), None);
        // The end of the term is no act; a phase entered by a family asset is done.
        assert_eq!(
            reminder_due(&fee(DeadlineKind::Expiry), &lead, d("2027-02-03")),
            None
        );
        let mut entered = fee(DeadlineKind::PctNationalPhase);
        entered.done_by = Some(Uuid::nil());
        assert_eq!(reminder_due(&entered, &lead, d("2027-02-03")), None);
    }
}
