//! The docket: what became of an IP asset's computed deadlines.
//!
//! Deadlines are computed ([`deadlines::for_asset`]); what someone did about one is stored as a
//! [`deadline_record`] keyed by the deadline's act ([`Deadline::act`], e.g. `ANNUITY.CN.5`), so
//! the record keeps applying when a corrected date recomputes the schedule, and stops applying
//! when the act itself is gone (the office or kind changed).
//!
//! - **Done**: the fee paid, the application filed, the phase entered — with the date, the
//!   official fee paid and a note. The date must lie in the deadline's window (from the day it
//!   opens, or its basis, to the end of its grace period) and not in the future.
//! - **Waived**: a decision not to act. For a fee that keeps the right alive (annuities,
//!   renewals) the asset moves to its ended state on the day after the grace period: LAPSED once
//!   granted, ABANDONED while pending (an EP application is deemed withdrawn). The move is made by
//!   the write itself when that day has come already, else by [`lapse_waived`], which the server
//!   runs at start and every hour ([`lapse_periodically`]) — stored, not computed on read, so
//!   the status filters, visibility and statistics all see the same status.
//!
//! - **Reopened**: a record made by mistake is undone ([`reopen`]), with a reason; the deadline
//!   is open again and can be recorded anew. The record is not lost: it moves to
//!   [`deadline_reopening`] (what had been recorded, by whom, and who reopened it, when and why)
//!   and the audit trail. Reopening needs the same permission as recording. A right that is
//!   over cannot be reopened into: when a waived fee has already ended the right (LAPSED or
//!   ABANDONED at the end of its grace period), the office has closed the file too, and only its
//!   own remedies (re-establishment, restoration) could bring it back — reopening answers
//!   `CONFLICT` then. Reopening a waived fee before its grace period ends simply cancels the
//!   lapse.
//!
//! A national phase an asset of the family has entered is done by that asset; it cannot be
//! recorded again (nor reopened: the entering asset is the record).

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use entity::{
    deadline_record, deadline_reopening,
    enums::{DeadlineResolution, IpKind, IpStatus, Role},
    ip_asset,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, PrincipalKind, scope},
    error::{AppError, AppResult},
    policy,
    service::{
        audit,
        deadlines::{self, AssetFacts, Deadline},
        ip::{owners_of, rules},
        update_versioned,
    },
};

const NOTE_MAX: usize = 2000;

/// What to record about one deadline.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub resolution: DeadlineResolution,
    /// When it was done, or the decision taken.
    pub on: NaiveDate,
    /// The official fee paid (minor units, currency); DONE only.
    pub fee: Option<(i64, String)>,
    pub note: Option<String>,
}

/// The asset's deadline facts, with the national phases entered by the members of its family
/// that `actor` may see.
pub async fn facts_of(
    db: &impl ConnectionTrait,
    actor: &Principal,
    asset: &ip_asset::Model,
) -> AppResult<AssetFacts> {
    let mut facts = AssetFacts::from(asset);
    if asset.kind == IpKind::PctApplication {
        facts.entered_offices = policy::visible::<ip_asset::Entity>(actor)
            .filter(ip_asset::Column::FamilyParentId.eq(asset.id))
            .all(db)
            .await?
            .into_iter()
            .map(|child| (child.jurisdiction, child.id))
            .collect();
    }
    if asset.jurisdiction == "CN"
        && matches!(asset.kind, IpKind::InventionPatent | IpKind::UtilityModel)
    {
        facts.security_review_due =
            super::security_review::pending(db, actor, &[asset.technology_id])
                .await?
                .contains(&asset.technology_id);
    }
    Ok(facts)
}

/// The deadline of `schedule` for `act`, if it is one someone can act on and has not been done
/// by entering the phase. Pure.
pub fn actionable<'a>(schedule: &'a [Deadline], act: &str) -> AppResult<&'a Deadline> {
    const FIELD: &str = "deadlineId";
    let d = schedule.iter().find(|d| d.act() == act).ok_or_else(|| {
        AppError::bad_input(
            FIELD,
            "the asset has no such deadline (any more): its dates, office or status changed",
        )
    })?;
    if d.kind == deadlines::DeadlineKind::SecurityReview {
        return Err(AppError::bad_input(
            FIELD,
            "the security review is recorded on the technology (recordSecurityReview)",
        ));
    }
    if !d.is_actionable() {
        return Err(AppError::bad_input(
            FIELD,
            "the end of the term is not an act: it cannot be marked done or waived",
        ));
    }
    if d.done_by.is_some() {
        return Err(AppError::Conflict {
            field: Some(FIELD.into()),
            message: "this national phase is done: an asset of the family entered it".into(),
        });
    }
    Ok(d)
}

/// Checks the date of a resolution against the deadline's window and today. Pure.
pub fn check_date(d: &Deadline, r: &Resolution, today: NaiveDate) -> AppResult<()> {
    let field = match r.resolution {
        DeadlineResolution::Done => "doneOn",
        DeadlineResolution::Waived => "decidedOn",
    };
    if r.on > today {
        return Err(AppError::bad_input(
            field,
            "the date cannot be in the future",
        ));
    }
    if r.resolution == DeadlineResolution::Waived {
        return Ok(());
    }
    let opens = d.opens_on.unwrap_or(d.basis);
    if r.on < opens {
        return Err(AppError::bad_input(
            field,
            format!("the act could not be done before {opens}, when its period opened"),
        ));
    }
    if r.on > d.last_day() {
        return Err(AppError::bad_input(
            field,
            format!(
                "the act could not be done after {}, the last day of its period",
                d.last_day()
            ),
        ));
    }
    Ok(())
}

/// The first day the right is gone when `d` is waived: the day after its last day, for fees
/// that keep the right alive; `None` when waiving ends only an option.
pub fn lapses_on(d: &Deadline) -> Option<NaiveDate> {
    d.keeps_right_alive()
        .then(|| d.last_day().succ_opt())
        .flatten()
}

/// The ended state a right moves to when a fee keeping it alive is left unpaid: LAPSED once
/// granted, ABANDONED while pending (e.g. an EP application deemed withdrawn); `None` when it
/// cannot move (drafting, already ended).
pub fn ended_state(status: IpStatus) -> Option<IpStatus> {
    [IpStatus::Lapsed, IpStatus::Abandoned]
        .into_iter()
        .find(|to| rules::next_statuses(status).contains(to))
}

/// Records what became of the deadline `act` of asset `asset_id`. Co-owners (and center admins)
/// only; one record per act (`CONFLICT` for a second one).
pub async fn resolve(
    db: &DatabaseConnection,
    actor: &Principal,
    asset_id: Uuid,
    act: &str,
    r: Resolution,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let note = rules::optional_text("note", r.note.as_deref(), NOTE_MAX)?;
    if r.resolution == DeadlineResolution::Waived && r.fee.is_some() {
        return Err(AppError::bad_input(
            "officialFee",
            "a waived deadline has no fee paid",
        ));
    }
    let txn = super::txn::begin_write(db).await?;
    let asset = policy::find_visible::<ip_asset::Entity>(&txn, actor, asset_id, "IP asset").await?;
    let (owners, principal) = owners_of(&txn, asset_id).await?;
    policy::ensure_co_owner(actor, &owners, scope::IP_WRITE)?;
    let schedule = deadlines::for_asset(&facts_of(&txn, actor, &asset).await?);
    let d = actionable(&schedule, act)?;
    let today = Utc::now().date_naive();
    check_date(d, &r, today)?;
    let existing = deadline_record::Entity::find()
        .filter(deadline_record::Column::IpAssetId.eq(asset_id))
        .filter(deadline_record::Column::Act.eq(act))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        let what = match existing.resolution {
            DeadlineResolution::Done => "marked done",
            DeadlineResolution::Waived => "waived",
        };
        return Err(AppError::Conflict {
            field: Some("deadlineId".into()),
            message: format!("the deadline was {what} on {} already", existing.acted_on),
        });
    }
    let lapses_on = match r.resolution {
        DeadlineResolution::Waived => lapses_on(d),
        DeadlineResolution::Done => None,
    };
    let now = Utc::now();
    let id = Uuid::now_v7();
    deadline_record::ActiveModel {
        id: Set(id),
        ip_asset_id: Set(asset_id),
        act: Set(act.to_owned()),
        resolution: Set(r.resolution),
        acted_on: Set(r.on),
        due_on: Set(d.due_on),
        lapses_on: Set(lapses_on),
        fee_amount: Set(r.fee.as_ref().map(|f| f.0)),
        fee_currency: Set(r.fee.as_ref().map(|f| f.1.clone())),
        note: Set(note.clone()),
        recorded_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        principal,
        match r.resolution {
            DeadlineResolution::Done => "ipAsset.deadlineDone",
            DeadlineResolution::Waived => "ipAsset.deadlineWaived",
        },
        "IpAsset",
        asset_id,
        json!({
            "act": act, "on": r.on, "dueOn": d.due_on, "lapsesOn": lapses_on,
            "officialFee": r.fee.as_ref().map(|(amount, currency)| json!({
                "amount": crate::service::money::format(*amount, currency), "currency": currency,
            })),
            "note": note,
        }),
    )
    .await?;
    // Waived after its last day already: the right is gone now.
    if let Some(day) = lapses_on.filter(|day| *day <= today) {
        end_right(&txn, actor, principal, &asset, act, day).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Reopens the deadline `act` of asset `asset_id`, marked done or waived by mistake: moves its
/// record to the history with `reason`. The same permission as recording it (co-owners and
/// center admins); `BAD_USER_INPUT` when nothing was recorded, `CONFLICT` when the right is
/// over (see the module's documentation).
pub async fn reopen(
    db: &DatabaseConnection,
    actor: &Principal,
    asset_id: Uuid,
    act: &str,
    reason: &str,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let reason = rules::optional_text("reason", Some(reason), NOTE_MAX)?
        .ok_or_else(|| AppError::bad_input("reason", "say why the deadline is reopened"))?;
    let txn = super::txn::begin_write(db).await?;
    let asset = policy::find_visible::<ip_asset::Entity>(&txn, actor, asset_id, "IP asset").await?;
    let (owners, principal) = owners_of(&txn, asset_id).await?;
    policy::ensure_co_owner(actor, &owners, scope::IP_WRITE)?;
    let Some(record) = deadline_record::Entity::find()
        .filter(deadline_record::Column::IpAssetId.eq(asset_id))
        .filter(deadline_record::Column::Act.eq(act))
        .one(&txn)
        .await?
    else {
        return Err(AppError::bad_input(
            "deadlineId",
            "the deadline is open: nothing was marked done or waived to reopen",
        ));
    };
    if !deadlines::is_live(asset.status) {
        return Err(AppError::Conflict {
            field: Some("deadlineId".into()),
            message: format!(
                "the right is over ({}): its deadlines are history and cannot be reopened; if \
                 the office restored the right, record that first",
                sea_orm::ActiveEnum::to_value(&asset.status)
            ),
        });
    }
    let now = Utc::now();
    deadline_reopening::ActiveModel {
        id: Set(Uuid::now_v7()),
        ip_asset_id: Set(asset_id),
        act: Set(record.act.clone()),
        resolution: Set(record.resolution),
        acted_on: Set(record.acted_on),
        fee_amount: Set(record.fee_amount),
        fee_currency: Set(record.fee_currency.clone()),
        note: Set(record.note.clone()),
        recorded_by: Set(record.recorded_by),
        recorded_at: Set(record.created_at),
        reason: Set(reason.clone()),
        reopened_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        principal,
        "ipAsset.deadlineReopened",
        "IpAsset",
        asset_id,
        json!({
            "act": act, "was": record.resolution, "actedOn": record.acted_on,
            "lapsesOn": record.lapses_on, "reason": reason,
        }),
    )
    .await?;
    record.delete(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves `asset` to its ended state because the fee `act` was waived and its period is over.
async fn end_right(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    principal: Option<Uuid>,
    asset: &ip_asset::Model,
    act: &str,
    day: NaiveDate,
) -> AppResult<bool> {
    let Some(to) = ended_state(asset.status) else {
        return Ok(false);
    };
    let am = ip_asset::ActiveModel {
        status: Set(to),
        ..<ip_asset::ActiveModel as Default>::default()
    };
    update_versioned::<ip_asset::Entity, _>(txn, asset.id, asset.version, am).await?;
    audit::record(
        txn,
        actor,
        principal,
        "ipAsset.transition",
        "IpAsset",
        asset.id,
        json!({ "from": asset.status, "to": to, "date": day, "waivedDeadline": act }),
    )
    .await?;
    Ok(true)
}

/// The docket acting on its own: a center admin of no institution, as the audit trail shows it
/// ("operator").
pub fn docket_clock() -> Principal {
    Principal {
        kind: PrincipalKind::User,
        role: Some(Role::CenterAdmin),
        ..Principal::anonymous()
    }
}

/// Ends the rights whose waived fee's grace period is over on `today`: recomputes each waived
/// fee's schedule (a corrected date moves the day) and moves the asset to LAPSED or ABANDONED,
/// each in its own transaction with its audit event. Returns the assets it moved.
pub async fn lapse_waived(db: &DatabaseConnection, today: NaiveDate) -> AppResult<Vec<Uuid>> {
    let clock = docket_clock();
    let waived = deadline_record::Entity::find()
        .filter(deadline_record::Column::Resolution.eq(DeadlineResolution::Waived))
        .filter(deadline_record::Column::LapsesOn.is_not_null())
        .filter(
            deadline_record::Column::IpAssetId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(ip_asset::Column::Id)
                    .from(ip_asset::Entity)
                    .and_where(ip_asset::Column::Status.is_not_in(deadlines::ENDED))
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    let mut moved = Vec::new();
    for record in waived {
        let txn = super::txn::begin_write(db).await?;
        let Some(asset) = ip_asset::Entity::find_by_id(record.ip_asset_id)
            .one(&txn)
            .await?
        else {
            continue;
        };
        let schedule = deadlines::for_asset(&facts_of(&txn, &clock, &asset).await?);
        let due = schedule
            .iter()
            .find(|d| d.act() == record.act)
            .and_then(lapses_on)
            .filter(|day| *day <= today);
        let Some(day) = due else {
            continue;
        };
        let (_, principal) = owners_of(&txn, asset.id).await?;
        if end_right(&txn, &clock, principal, &asset, &record.act, day).await? {
            moved.push(asset.id);
        }
        txn.commit().await?;
    }
    Ok(moved)
}

/// Runs [`lapse_waived`] after `first_in` and then every `every`, for as long as the server runs.
pub async fn lapse_periodically(db: DatabaseConnection, first_in: Duration, every: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + first_in, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match lapse_waived(&db, Utc::now().date_naive()).await {
            Ok(moved) if !moved.is_empty() => {
                tracing::info!(
                    count = moved.len(),
                    "rights ended after a waived fee's grace period"
                );
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = ?err, "cannot end the rights of waived fees; retrying later")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::deadlines::DeadlineKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cn_fee() -> Deadline {
        let mut f = AssetFacts::from(&ip_asset::Model {
            id: Uuid::nil(),
            technology_id: Uuid::nil(),
            kind: IpKind::InventionPatent,
            jurisdiction: "CN".into(),
            application_number: None,
            title: None,
            priority_date: None,
            international_filing_date: None,
            filing_date: Some(d("2019-03-04")),
            publication_date: None,
            grant_date: Some(d("2022-09-30")),
            status: IpStatus::Granted,
            family_parent_id: None,
            target_jurisdictions: json!([]),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            version: 1,
        });
        f.entered_offices = Vec::new();
        deadlines::for_asset(&f)
            .into_iter()
            .find(|x| x.kind == DeadlineKind::Annuity && x.fee_year == Some(6))
            .unwrap()
    }

    fn done(on: &str) -> Resolution {
        Resolution {
            resolution: DeadlineResolution::Done,
            on: d(on),
            fee: None,
            note: None,
        }
    }

    #[test]
    fn done_dates_lie_in_the_window_and_not_ahead() {
        let fee = cn_fee();
        // Year 6 falls due 2024-03-04, with late payment to 2024-09-04; CN sets no opening day,
        // so the period runs from the filing.
        assert_eq!(
            (fee.due_on, fee.last_day()),
            (d("2024-03-04"), d("2024-09-04"))
        );
        let today = d("2026-11-27");
        assert!(check_date(&fee, &done("2024-03-01"), today).is_ok());
        assert!(check_date(&fee, &done("2024-09-04"), today).is_ok());
        let late = check_date(&fee, &done("2024-09-05"), today).unwrap_err();
        assert!(matches!(late, AppError::BadUserInput { ref field, .. } if field == "doneOn"));
        assert!(check_date(&fee, &done("2019-03-03"), today).is_err());
        assert!(check_date(&fee, &done("2024-03-01"), d("2024-02-28")).is_err());
        let waived = Resolution {
            resolution: DeadlineResolution::Waived,
            ..done("2026-11-28")
        };
        let ahead = check_date(&fee, &waived, today).unwrap_err();
        assert!(matches!(ahead, AppError::BadUserInput { ref field, .. } if field == "decidedOn"));
    }

    #[test]
    fn a_waived_fee_ends_the_right_the_day_after_its_grace() {
        let fee = cn_fee();
        assert_eq!(lapses_on(&fee), Some(d("2024-09-05")));
        assert_eq!(ended_state(IpStatus::Granted), Some(IpStatus::Lapsed));
        assert_eq!(
            ended_state(IpStatus::UnderExamination),
            Some(IpStatus::Abandoned)
        );
        assert_eq!(ended_state(IpStatus::Drafting), None);
        assert_eq!(ended_state(IpStatus::Lapsed), None);
        let mut priority = fee.clone();
        priority.kind = DeadlineKind::PriorityClaim;
        assert_eq!(lapses_on(&priority), None);
    }

    #[test]
    fn only_acts_of_the_schedule_can_be_recorded() {
        let fee = cn_fee();
        let mut expiry = fee.clone();
        expiry.kind = DeadlineKind::Expiry;
        expiry.fee_year = None;
        let mut entered = fee.clone();
        entered.kind = DeadlineKind::PctNationalPhase;
        entered.fee_year = None;
        entered.jurisdiction = "BA".into();
        entered.done_by = Some(Uuid::nil());
        let schedule = vec![fee.clone(), expiry, entered];
        assert_eq!(actionable(&schedule, "ANNUITY.CN.6").unwrap(), &fee);
        for (act, code) in [
            ("ANNUITY.CN.7", "BAD_USER_INPUT"),
            ("EXPIRY.CN", "BAD_USER_INPUT"),
            ("PCT_NATIONAL_PHASE.BA", "CONFLICT"),
        ] {
            assert_eq!(
                actionable(&schedule, act).unwrap_err().code(),
                code,
                "{act}"
            );
        }
    }
}
