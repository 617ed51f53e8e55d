//! Talent training: programs, applications and the host's decisions on enrollments.
//!
//! Enrollment statuses move along:
//! `APPLIED → {ACCEPTED, WAITLISTED, REJECTED, WITHDRAWN}`,
//! `WAITLISTED → {ACCEPTED, REJECTED, WITHDRAWN}`, `ACCEPTED → {COMPLETED, WITHDRAWN}`;
//! REJECTED, COMPLETED and WITHDRAWN are final.
//!
//! **Capacity.** A program's seats are taken by its ACCEPTED and COMPLETED enrollments, and
//! never more than `capacity` of them, under any concurrency. Accepting an enrollment when no
//! seat is left puts it on the waiting list instead (WAITLISTED; the caller is told), which
//! keeps the applicant in line for a seat that frees up. Every write that could break the rule
//! (deciding, applying, changing the capacity) first *writes* the program row — a no-op
//! `UPDATE … SET updated_at = updated_at` — and only then counts, in the same transaction:
//! - on PostgreSQL the update holds the program's row lock until commit, so the writers of one
//!   program take turns (and, under READ COMMITTED, each statement after the lock sees every
//!   decision committed before it);
//! - on SQLite the transaction begins IMMEDIATE ([`txn::begin_write`]) and so holds the
//!   database's single write lock before it reads anything: two transactions never count
//!   concurrently, and a waiting writer waits under the busy timeout instead of failing.
//!
//! Without the row write and the IMMEDIATE begin, 40 simultaneous acceptances of a 5-seat
//! program accepted 6 on PostgreSQL and failed with "database is locked" on SQLite;
//! `tests/api/training.rs` checks both.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{
    enrollment,
    enums::{EnrollmentStatus, ProgramKind, TechnologyField, Visibility},
    person, training_program,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, text, txn, update_versioned},
};

/// The statuses that hold a seat.
pub const SEAT_HOLDING: [EnrollmentStatus; 2] =
    [EnrollmentStatus::Accepted, EnrollmentStatus::Completed];

/// A new training program.
#[derive(Debug, Clone)]
pub struct NewProgram {
    /// The host; the viewer's institution unless a center admin names another.
    pub host: Option<Uuid>,
    pub title: String,
    pub kind: ProgramKind,
    pub field: Option<TechnologyField>,
    pub language: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub visibility: Visibility,
    pub description: Option<String>,
}

/// Changes to a program; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProgramChanges {
    pub title: Option<String>,
    pub kind: Option<ProgramKind>,
    pub field: Option<Option<TechnologyField>>,
    pub language: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub capacity: Option<i32>,
    pub visibility: Option<Visibility>,
    pub description: Option<Option<String>>,
}

/// The outcome of a decision on an enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The status the enrollment has now.
    pub status: EnrollmentStatus,
    /// ACCEPTED was asked for, but no seat was left: the enrollment is WAITLISTED.
    pub capacity_reached: bool,
}

/// The statuses an enrollment in `from` may move to.
pub fn next_statuses(from: EnrollmentStatus) -> &'static [EnrollmentStatus] {
    use EnrollmentStatus::*;
    match from {
        Applied => &[Accepted, Waitlisted, Rejected, Withdrawn],
        Waitlisted => &[Accepted, Rejected, Withdrawn],
        Accepted => &[Completed, Withdrawn],
        Rejected | Completed | Withdrawn => &[],
    }
}

/// `from → to` must be an edge of the enrollment status machine.
pub fn check_status_transition(from: EnrollmentStatus, to: EnrollmentStatus) -> AppResult<()> {
    if next_statuses(from).contains(&to) {
        return Ok(());
    }
    let allowed: Vec<String> = next_statuses(from)
        .iter()
        .map(sea_orm::ActiveEnum::to_value)
        .collect();
    Err(AppError::bad_input(
        "status",
        format!(
            "an enrollment in {} can move to {}",
            sea_orm::ActiveEnum::to_value(&from),
            if allowed.is_empty() {
                "no other status".into()
            } else {
                allowed.join(", ")
            }
        ),
    ))
}

/// Language of instruction: a lower-case tag such as `en`, `zh` or `sr-latn`.
fn check_language(language: &str) -> AppResult<String> {
    let l = language.trim().to_lowercase();
    let ok = (2..=12).contains(&l.len())
        && l.split('-').all(|part| {
            !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
        && l.split('-').next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_lowercase())
        });
    if ok {
        Ok(l)
    } else {
        Err(AppError::bad_input(
            "language",
            format!("{language:?} is not a language tag such as en, zh or sr-latn"),
        ))
    }
}

fn check_dates(starts_on: NaiveDate, ends_on: NaiveDate) -> AppResult<()> {
    if ends_on < starts_on {
        Err(AppError::bad_input(
            "endsOn",
            "a program cannot end before it starts",
        ))
    } else {
        Ok(())
    }
}

fn check_capacity(capacity: i32) -> AppResult<()> {
    if (0..=10_000).contains(&capacity) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "capacity",
            "capacity is a number of seats from 0 to 10000",
        ))
    }
}

/// Takes the program's write lock (see the module docs): a write before any read.
async fn lock_program(txn: &impl ConnectionTrait, program: Uuid) -> AppResult<()> {
    training_program::Entity::update_many()
        .col_expr(
            training_program::Column::UpdatedAt,
            Expr::col(training_program::Column::UpdatedAt).into(),
        )
        .filter(training_program::Column::Id.eq(program))
        .exec(txn)
        .await?;
    Ok(())
}

/// Takes the write lock of the program `enrollment` belongs to, before reading anything.
async fn lock_program_of_enrollment(txn: &impl ConnectionTrait, enrollment: Uuid) -> AppResult<()> {
    let program_of = Query::select()
        .column(enrollment::Column::ProgramId)
        .from(enrollment::Entity)
        .and_where(Expr::col((enrollment::Entity, enrollment::Column::Id)).eq(enrollment))
        .to_owned();
    training_program::Entity::update_many()
        .col_expr(
            training_program::Column::UpdatedAt,
            Expr::col(training_program::Column::UpdatedAt).into(),
        )
        .filter(training_program::Column::Id.in_subquery(program_of))
        .exec(txn)
        .await?;
    Ok(())
}

/// Seats taken in one program (all its seat-holding enrollments, visible or not).
async fn seats_taken_in(txn: &impl ConnectionTrait, program: Uuid) -> AppResult<u64> {
    Ok(enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program))
        .filter(enrollment::Column::Status.is_in(SEAT_HOLDING))
        .count(txn)
        .await?)
}

/// Seats taken per program, for `programs` (absent: none taken). Counts every enrollment, not
/// only the visible ones: callers show it only for programs the viewer may see (see policy).
pub async fn seats_taken(
    db: &impl ConnectionTrait,
    programs: &[Uuid],
) -> Result<HashMap<Uuid, i64>, sea_orm::DbErr> {
    let rows: Vec<(Uuid, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::ProgramId)
        .column_as(enrollment::Column::Id.count(), "taken")
        .filter(enrollment::Column::ProgramId.is_in(programs.iter().copied()))
        .filter(enrollment::Column::Status.is_in(SEAT_HOLDING))
        .group_by(enrollment::Column::ProgramId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Creates a program hosted by the viewer's institution (or, for center admins, the one named).
pub async fn create_program(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewProgram,
) -> AppResult<Uuid> {
    let host = policy::owner_for_new(actor, input.host, scope::TRAINING_WRITE, "hostId")?;
    let title = text::required("title", &input.title, 300)?;
    let language = check_language(&input.language)?;
    check_dates(input.starts_on, input.ends_on)?;
    check_capacity(input.capacity)?;
    let description = text::optional("description", input.description.as_deref(), 5000)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = txn::begin_write(db).await?;
    training_program::ActiveModel {
        id: Set(id),
        host_institution_id: Set(host),
        title: Set(title.clone()),
        kind: Set(input.kind),
        field: Set(input.field),
        language: Set(language.clone()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        capacity: Set(input.capacity),
        visibility: Set(input.visibility),
        description: Set(description),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(host),
        "training.createProgram",
        "TrainingProgram",
        id,
        json!({
            "title": title, "kind": input.kind, "field": input.field, "language": language,
            "startsOn": input.starts_on, "endsOn": input.ends_on, "capacity": input.capacity,
            "visibility": input.visibility,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Edits a program the viewer's institution hosts. The capacity may not drop below the seats
/// already taken.
pub async fn update_program(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: ProgramChanges,
) -> AppResult<()> {
    let mut am = <training_program::ActiveModel as Default>::default();
    let mut log = serde_json::Map::new();
    if let Some(t) = &changes.title {
        let t = text::required("title", t, 300)?;
        log.insert("title".into(), json!(t));
        am.title = Set(t);
    }
    if let Some(k) = changes.kind {
        log.insert("kind".into(), json!(k));
        am.kind = Set(k);
    }
    if let Some(f) = changes.field {
        log.insert("field".into(), json!(f));
        am.field = Set(f);
    }
    if let Some(l) = &changes.language {
        let l = check_language(l)?;
        log.insert("language".into(), json!(l));
        am.language = Set(l);
    }
    if let Some(c) = changes.capacity {
        check_capacity(c)?;
        log.insert("capacity".into(), json!(c));
        am.capacity = Set(c);
    }
    if let Some(v) = changes.visibility {
        log.insert("visibility".into(), json!(v));
        am.visibility = Set(v);
    }
    if let Some(d) = &changes.description {
        let d = text::optional("description", d.as_deref(), 5000)?;
        log.insert("description".into(), json!(d));
        am.description = Set(d);
    }
    policy::ensure_writer(actor, scope::TRAINING_WRITE)?;
    let txn = txn::begin_write(db).await?;
    lock_program(&txn, id).await?;
    let current =
        policy::find_visible::<training_program::Entity>(&txn, actor, id, "training program")
            .await?;
    policy::ensure_can_write(actor, current.host_institution_id, scope::TRAINING_WRITE)?;
    let starts_on = changes.starts_on.unwrap_or(current.starts_on);
    let ends_on = changes.ends_on.unwrap_or(current.ends_on);
    check_dates(starts_on, ends_on)?;
    if changes.starts_on.is_some() || changes.ends_on.is_some() {
        am.starts_on = Set(starts_on);
        am.ends_on = Set(ends_on);
        log.insert("startsOn".into(), json!(starts_on));
        log.insert("endsOn".into(), json!(ends_on));
    }
    update_versioned::<training_program::Entity, _>(&txn, id, expected_version, am).await?;
    if let Some(capacity) = changes.capacity {
        let taken = seats_taken_in(&txn, id).await?;
        if u64::try_from(capacity).unwrap_or(0) < taken {
            return Err(AppError::bad_input(
                "capacity",
                format!("{taken} seats are taken; the capacity cannot be lower"),
            ));
        }
    }
    audit::record(
        &txn,
        actor,
        Some(current.host_institution_id),
        "training.updateProgram",
        "TrainingProgram",
        id,
        log.into(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Applies for `person` (of the viewer's institution) to a program the viewer may see.
/// Applying twice is a CONFLICT on `personId`.
pub async fn apply(
    db: &DatabaseConnection,
    actor: &Principal,
    program_id: Uuid,
    person_id: Uuid,
) -> AppResult<Uuid> {
    policy::ensure_writer(actor, scope::TRAINING_WRITE)?;
    let txn = txn::begin_write(db).await?;
    lock_program(&txn, program_id).await?;
    let program = policy::find_visible::<training_program::Entity>(
        &txn,
        actor,
        program_id,
        "training program",
    )
    .await?;
    let person = policy::find_visible::<person::Entity>(&txn, actor, person_id, "person").await?;
    policy::ensure_can_write(actor, person.institution_id, scope::TRAINING_WRITE)?;
    if program.ends_on < Utc::now().date_naive() {
        return Err(AppError::bad_input("programId", "the program has ended"));
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    enrollment::ActiveModel {
        id: Set(id),
        program_id: Set(program_id),
        person_id: Set(person_id),
        status: Set(EnrollmentStatus::Applied),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict { .. } => AppError::Conflict {
            field: Some("personId".into()),
            message: "this person has already applied to the program".into(),
        },
        other => other,
    })?;
    audit::record(
        &txn,
        actor,
        Some(person.institution_id),
        "training.apply",
        "Enrollment",
        id,
        json!({ "programId": program_id, "personId": person_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Decides an enrollment: the host moves it along the status machine; the participant's
/// institution may withdraw it. ACCEPTED with no seat left becomes WAITLISTED.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    to: EnrollmentStatus,
    expected_version: Option<i32>,
) -> AppResult<Decision> {
    policy::ensure_writer(actor, scope::TRAINING_WRITE)?;
    let txn = txn::begin_write(db).await?;
    lock_program_of_enrollment(&txn, id).await?;
    let current = policy::find_visible::<enrollment::Entity>(&txn, actor, id, "enrollment").await?;
    let program = training_program::Entity::find_by_id(current.program_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("training program"))?;
    let person = person::Entity::find_by_id(current.person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("person"))?;
    policy::ensure_can_decide_enrollment(
        actor,
        program.host_institution_id,
        person.institution_id,
        to,
    )?;
    if expected_version.is_some_and(|v| v != current.version) {
        return Err(AppError::Conflict {
            field: Some("expectedVersion".into()),
            message: "the enrollment changed since you read it; reload it and try again".into(),
        });
    }
    check_status_transition(current.status, to)?;
    let mut decision = Decision {
        status: to,
        capacity_reached: false,
    };
    if to == EnrollmentStatus::Accepted
        && seats_taken_in(&txn, program.id).await? >= u64::try_from(program.capacity).unwrap_or(0)
    {
        decision = Decision {
            status: EnrollmentStatus::Waitlisted,
            capacity_reached: true,
        };
    }
    if decision.status == current.status {
        // Still no seat for a waitlisted applicant: nothing changes.
        txn.commit().await?;
        return Ok(decision);
    }
    let am = enrollment::ActiveModel {
        status: Set(decision.status),
        decided_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    update_versioned::<enrollment::Entity, _>(&txn, id, current.version, am).await?;
    let side = match actor.institution_id() {
        Some(own) if own == person.institution_id => own,
        _ => program.host_institution_id,
    };
    audit::record(
        &txn,
        actor,
        Some(side),
        "training.decideEnrollment",
        "Enrollment",
        id,
        json!({
            "programId": program.id, "from": current.status, "requested": to,
            "to": decision.status, "capacityReached": decision.capacity_reached,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(decision)
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnrollmentStatus::*;

    #[test]
    fn the_enrollment_status_machine() {
        let all = [
            Applied, Accepted, Waitlisted, Rejected, Completed, Withdrawn,
        ];
        let allowed = [
            (Applied, Accepted),
            (Applied, Waitlisted),
            (Applied, Rejected),
            (Applied, Withdrawn),
            (Waitlisted, Accepted),
            (Waitlisted, Rejected),
            (Waitlisted, Withdrawn),
            (Accepted, Completed),
            (Accepted, Withdrawn),
        ];
        for from in all {
            for to in all {
                assert_eq!(
                    check_status_transition(from, to).is_ok(),
                    allowed.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
        match check_status_transition(Accepted, Rejected).unwrap_err() {
            AppError::BadUserInput { field, message } => {
                assert_eq!(field, "status");
                assert!(message.contains("COMPLETED, WITHDRAWN"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn languages_dates_and_capacity_are_checked() {
        assert_eq!(check_language(" EN ").unwrap(), "en");
        assert_eq!(check_language("sr-Latn").unwrap(), "sr-latn");
        for bad in ["", "e", "english language", "1n", "en_GB"] {
            assert!(check_language(bad).is_err(), "{bad}");
        }
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(check_dates(d("2026-12-07"), d("2026-12-07")).is_ok());
        assert!(check_dates(d("2026-12-07"), d("2026-12-06")).is_err());
        assert!(check_capacity(0).is_ok());
        assert!(check_capacity(-1).is_err());
        assert!(check_capacity(10_001).is_err());
    }
}
