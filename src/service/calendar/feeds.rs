//! What each calendar feed holds, read through the access policy as the feed's user:
//!
//! - `deadlines.ics`: the open deadlines of the IP assets the user may see, from today (those
//!   past their due date but still in grace included) to ten years ahead — the same deadlines
//!   `upcomingDeadlines` lists as OPEN — one all-day event on the due date each, with an alarm
//!   per reminder (the lead times before the due date, and the last day of grace after it).
//! - `milestones.ics`: the milestones of the ventures the user's institution leads (reached ones
//!   too, marked completed).
//! - `training.ics`: the training programs the user may see, over their days.
//!
//! Turning rows into events is pure ([`deadline_event`], [`milestone_event`],
//! [`training_event`]); the queries are the policy's.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use entity::{
    deadline_record,
    enums::{IpKind, ProgramKind},
    institution, ip_asset, training_program, venture, venture_milestone,
};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

use super::ics::{Alarm, Calendar, Event};
use crate::{
    auth::Principal,
    error::AppResult,
    policy,
    service::deadlines::{self, Deadline, DeadlineKind, reminders},
};

/// How far ahead the deadline feed looks: ten years, `upcomingDeadlines`' longest window.
pub const DEADLINE_HORIZON_DAYS: i64 = 3650;

/// The feeds, by their file name under `/calendar/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    Deadlines,
    Milestones,
    Training,
}

impl Feed {
    pub const ALL: [Feed; 3] = [Feed::Deadlines, Feed::Milestones, Feed::Training];

    /// `deadlines.ics`, `milestones.ics`, `training.ics`.
    pub fn file_name(self) -> &'static str {
        match self {
            Feed::Deadlines => "deadlines.ics",
            Feed::Milestones => "milestones.ics",
            Feed::Training => "training.ics",
        }
    }

    pub fn from_file_name(name: &str) -> Option<Feed> {
        Feed::ALL.into_iter().find(|f| f.file_name() == name)
    }
}

/// The calendar `feed` shows `principal` on `today`.
pub async fn build(
    db: &impl ConnectionTrait,
    principal: &Principal,
    feed: Feed,
    lead_days: &[u32],
    today: NaiveDate,
) -> AppResult<Calendar> {
    match feed {
        Feed::Deadlines => Ok(Calendar {
            name: "BioBridge: IP deadlines".into(),
            events: open_deadlines(db, principal, today)
                .await?
                .iter()
                .map(|(asset, d)| deadline_event(asset, d, lead_days))
                .collect(),
        }),
        Feed::Milestones => milestones(db, principal).await,
        Feed::Training => training(db, principal).await,
    }
}

/// The open deadlines of the assets `principal` may see whose last day is today or later and
/// whose due date is within the horizon, by due date: what `upcomingDeadlines` lists as OPEN.
pub async fn open_deadlines(
    db: &impl ConnectionTrait,
    principal: &Principal,
    today: NaiveDate,
) -> AppResult<Vec<(ip_asset::Model, Deadline)>> {
    use ip_asset::Column as C;
    let candidates = policy::visible::<ip_asset::Entity>(principal)
        .filter(C::Status.is_not_in(deadlines::ENDED))
        .filter(C::Kind.is_in(deadlines::KINDS_WITH_DEADLINES))
        .filter(
            Condition::any()
                .add(C::PriorityDate.is_not_null())
                .add(C::FilingDate.is_not_null()),
        );
    let ids = candidates.clone().select_only().column(C::Id).into_query();
    let recorded: HashSet<(Uuid, String)> = deadline_record::Entity::find()
        .filter(deadline_record::Column::IpAssetId.in_subquery(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.ip_asset_id, r.act))
        .collect();
    let assets = candidates.all(db).await?;
    let pcts: Vec<Uuid> = assets
        .iter()
        .filter(|a| a.kind == IpKind::PctApplication)
        .map(|a| a.id)
        .collect();
    let mut entered: HashMap<Uuid, Vec<(String, Uuid)>> = HashMap::new();
    if !pcts.is_empty() {
        for child in policy::visible::<ip_asset::Entity>(principal)
            .filter(C::FamilyParentId.is_in(pcts))
            .all(db)
            .await?
        {
            if let Some(parent) = child.family_parent_id {
                entered
                    .entry(parent)
                    .or_default()
                    .push((child.jurisdiction, child.id));
            }
        }
    }
    // China's foreign-filing security review, due on the CN filings of inventions made in
    // China that have none recorded (shown to whom `upcomingDeadlines` shows it).
    let review_due =
        crate::service::security_review::pending_for_assets(db, principal, &assets).await?;
    let until = today + Duration::days(DEADLINE_HORIZON_DAYS);
    let mut out = Vec::new();
    for asset in assets {
        let mut facts = deadlines::AssetFacts::from(&asset);
        facts.entered_offices = entered.remove(&asset.id).unwrap_or_default();
        facts.security_review_due = review_due.contains(&asset.technology_id);
        for d in deadlines::for_asset(&facts) {
            if d.last_day() >= today
                && d.due_on <= until
                && d.done_by.is_none()
                && !recorded.contains(&(asset.id, d.act()))
            {
                out.push((asset.clone(), d));
            }
        }
    }
    out.sort_by_key(|(a, x)| (x.due_on, a.id, x.act()));
    Ok(out)
}

/// How an asset is named in an event: its application number, else its title, else its kind
/// and office.
fn asset_name(asset: &ip_asset::Model) -> String {
    match (&asset.application_number, &asset.title) {
        (Some(number), Some(title)) => format!("{number} {title}"),
        (Some(number), None) => number.clone(),
        (None, Some(title)) => title.clone(),
        (None, None) => format!("{} {}", asset.jurisdiction, asset.kind.to_value()),
    }
}

/// What the deadline calls for, in words: "CN annual fee, year 9".
pub fn act_label(d: &Deadline) -> String {
    let what = match (d.kind, d.jurisdiction.as_str()) {
        (DeadlineKind::PriorityClaim, _) => "priority claim (last day to file abroad)",
        (DeadlineKind::PctNationalPhase, "EP") => "PCT regional phase entry",
        (DeadlineKind::PctNationalPhase, _) => "PCT national phase entry",
        (DeadlineKind::Annuity, "US") => "maintenance fee",
        (DeadlineKind::Annuity, _) => "annual fee",
        (DeadlineKind::Renewal, _) => "renewal fee",
        (DeadlineKind::Expiry, _) => "end of term",
        (DeadlineKind::SecurityReview, _) => "foreign-filing security review",
    };
    match d.fee_year {
        Some(year) => format!("{} {what}, year {year}", d.jurisdiction),
        None => format!("{} {what}", d.jurisdiction),
    }
}

/// The stable UID of a deadline's event: its asset and act, as its API id is.
pub fn deadline_uid(asset: Uuid, act: &str) -> String {
    format!("ip-deadline-{asset}-{act}@biobridge")
}

/// One deadline as an all-day event on its due date, with its rule, asset, office, window and
/// consequence, and an alarm per reminder day.
pub fn deadline_event(asset: &ip_asset::Model, d: &Deadline, lead_days: &[u32]) -> Event {
    let label = act_label(d);
    let name = asset_name(asset);
    let mut description = vec![
        format!("{label}: {name}"),
        format!("Rule: {}", d.rule),
        format!(
            "Asset: {name} ({} {})",
            asset.jurisdiction,
            asset.kind.to_value()
        ),
        format!("Office: {}", d.jurisdiction),
        format!("Due on: {}", d.due_on),
    ];
    if let Some(opens) = d.opens_on {
        description.push(format!("Can be done from: {opens}"));
    }
    if let Some(grace) = d.grace_ends_on {
        description.push(format!("Grace period ends on: {grace}"));
    }
    description.push(format!("If not done: {}", d.consequence));
    let alarms = reminders::days(d, lead_days)
        .into_iter()
        .map(|day| {
            let before = (d.due_on - day).num_days();
            Alarm {
                days_before: before,
                description: if before < 0 {
                    format!("Last day of the grace period: {label}, {name}")
                } else {
                    format!("Due in {before} days: {label}, {name}")
                },
            }
        })
        .collect();
    Event {
        uid: deadline_uid(asset.id, &d.act()),
        summary: format!("{label}: {name}"),
        description: Some(description.join("\n")),
        location: Some(d.jurisdiction.clone()),
        categories: vec![
            "IP deadline".into(),
            d.kind.code().into(),
            d.jurisdiction.clone(),
        ],
        start: d.due_on,
        last: d.due_on,
        alarms,
    }
}

/// A venture milestone as an all-day event on its due date, with an alarm a week ahead while
/// it is open.
pub fn milestone_event(v: &venture::Model, m: &venture_milestone::Model) -> Event {
    let mut description = vec![format!("Milestone of the venture {}", v.name)];
    description.push(match m.completed_on {
        Some(done) => format!("Completed on {done}"),
        None => format!("Due on {}", m.due_on),
    });
    let summary = match m.completed_on {
        Some(_) => format!("{}: {} (completed)", v.name, m.title),
        None => format!("{}: {}", v.name, m.title),
    };
    Event {
        uid: format!("venture-milestone-{}@biobridge", m.id),
        summary,
        description: Some(description.join("\n")),
        location: None,
        categories: vec!["Venture milestone".into()],
        start: m.due_on,
        last: m.due_on,
        alarms: match m.completed_on {
            Some(_) => Vec::new(),
            None => vec![Alarm {
                days_before: 7,
                description: format!("Due in 7 days: {}: {}", v.name, m.title),
            }],
        },
    }
}

fn program_kind(kind: ProgramKind) -> String {
    kind.to_value()
}

/// A training program as an all-day event over its days, at its host.
pub fn training_event(p: &training_program::Model, host: Option<&institution::Model>) -> Event {
    let mut description = vec![
        format!("{} ({})", p.title, program_kind(p.kind)),
        format!("Language: {}", p.language),
    ];
    if let Some(h) = host {
        description.push(format!("Host: {}", h.name));
    }
    if let Some(d) = &p.description {
        description.push(d.clone());
    }
    Event {
        uid: format!("training-program-{}@biobridge", p.id),
        summary: p.title.clone(),
        description: Some(description.join("\n")),
        location: host.map(|h| h.name.clone()),
        categories: vec!["Training".into(), program_kind(p.kind)],
        start: p.starts_on,
        last: p.ends_on.max(p.starts_on),
        alarms: Vec::new(),
    }
}

async fn milestones(db: &impl ConnectionTrait, principal: &Principal) -> AppResult<Calendar> {
    let Some(inst) = principal.institution_id() else {
        return Ok(Calendar {
            name: "BioBridge: venture milestones".into(),
            events: Vec::new(),
        });
    };
    let name = institution::Entity::find_by_id(inst)
        .one(db)
        .await?
        .map_or_else(String::new, |i| i.name);
    let ventures: HashMap<Uuid, venture::Model> = policy::visible::<venture::Entity>(principal)
        .filter(venture::Column::LeadInstitutionId.eq(inst))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut events = Vec::new();
    if !ventures.is_empty() {
        for m in policy::visible::<venture_milestone::Entity>(principal)
            .filter(venture_milestone::Column::VentureId.is_in(ventures.keys().copied()))
            .all(db)
            .await?
        {
            if let Some(v) = ventures.get(&m.venture_id) {
                events.push(milestone_event(v, &m));
            }
        }
    }
    events.sort_by(|a, b| (a.start, &a.uid).cmp(&(b.start, &b.uid)));
    Ok(Calendar {
        name: format!("BioBridge: venture milestones of {name}"),
        events,
    })
}

async fn training(db: &impl ConnectionTrait, principal: &Principal) -> AppResult<Calendar> {
    let programs = policy::visible::<training_program::Entity>(principal)
        .all(db)
        .await?;
    let hosts: HashMap<Uuid, institution::Model> = institution::Entity::find()
        .filter(institution::Column::Id.is_in(programs.iter().map(|p| p.host_institution_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let mut events: Vec<Event> = programs
        .iter()
        .map(|p| training_event(p, hosts.get(&p.host_institution_id)))
        .collect();
    events.sort_by(|a, b| (a.start, &a.uid).cmp(&(b.start, &b.uid)));
    Ok(Calendar {
        name: "BioBridge: training programs".into(),
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use entity::enums::IpStatus;
    use serde_json::json;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn granted_cn() -> ip_asset::Model {
        ip_asset::Model {
            id: Uuid::nil(),
            technology_id: Uuid::nil(),
            kind: IpKind::InventionPatent,
            jurisdiction: "CN".into(),
            application_number: Some("CN202510034567.1".into()),
            title: Some("Bone scaffold; gradient, porous".into()),
            priority_date: Some(d("2019-03-04")),
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
        }
    }

    #[test]
    fn a_fee_becomes_an_all_day_event_with_its_reminders() {
        let asset = granted_cn();
        let schedule = deadlines::for_asset(&deadlines::AssetFacts::from(&asset));
        let fee = schedule
            .iter()
            .find(|x| x.kind == DeadlineKind::Annuity && x.fee_year == Some(9))
            .unwrap();
        let e = deadline_event(&asset, fee, &[90, 30, 7]);
        assert_eq!(
            e.uid,
            "ip-deadline-00000000-0000-0000-0000-000000000000-ANNUITY.CN.9@biobridge"
        );
        assert_eq!((e.start, e.last), (fee.due_on, fee.due_on));
        assert_eq!(
            e.summary,
            "CN annual fee, year 9: CN202510034567.1 Bone scaffold; gradient, porous"
        );
        let description = e.description.unwrap();
        assert!(description.contains(&format!("Rule: {}", fee.rule)));
        assert!(description.contains("Office: CN"));
        let grace = fee.grace_ends_on.unwrap();
        assert!(description.contains(&format!("Grace period ends on: {grace}")));
        let before: Vec<i64> = e.alarms.iter().map(|a| a.days_before).collect();
        assert_eq!(before, [90, 30, 7, -(grace - fee.due_on).num_days()]);
        assert!(e.alarms[3].description.starts_with("Last day of the grace"));
    }

    #[test]
    fn feeds_are_named_by_their_files() {
        for f in Feed::ALL {
            assert_eq!(Feed::from_file_name(f.file_name()), Some(f));
        }
        assert_eq!(Feed::from_file_name("secrets.ics"), None);
    }
}
