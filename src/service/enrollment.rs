//! Enrollments in training programs: applications and the host's decisions.
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
//! `UPDATE … SET updated_at = updated_at`, [`lock_program`] — and only then counts,
//! in the same transaction:
//! - on PostgreSQL the update holds the program's row lock until commit, so the writers of one
//!   program take turns (and, under READ COMMITTED, each statement after the lock sees every
//!   decision committed before it);
//! - on SQLite the transaction begins IMMEDIATE ([`txn::begin_write`]) and so holds the
//!   database's single write lock before it reads anything: two transactions never count
//!   concurrently, and a waiting writer waits under the busy timeout instead of failing.
//!
//! Without the row write and the IMMEDIATE begin, 40 simultaneous acceptances of a 5-seat
//! program accepted 6 on PostgreSQL and failed with "database is locked" on SQLite;
//! `tests/api/training_capacity.rs` checks both.

use chrono::Utc;
use entity::{enrollment, enums::EnrollmentStatus, person, training_program};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{
        audit,
        training::{lock_program, lock_program_of_enrollment, seats_taken_in},
        txn, update_versioned,
    },
};

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
    crate::service::check_transition("status", "an enrollment", from, to, next_statuses(from))
}

/// Applies for `person` (of the viewer's institution) to a program the viewer may see.
/// Applying twice is a CONFLICT on `personId`.
pub async fn apply(
    db: &DatabaseConnection,
    actor: &Principal,
    program_id: Uuid,
    person_id: Uuid,
) -> AppResult<crate::service::txn::Written<entity::enrollment::Model>> {
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
    crate::service::txn::commit_and_show::<entity::enrollment::Entity>(txn, actor, id).await
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
    // Still no seat for a waitlisted applicant: the row stays as it is, but the decision was
    // taken and answered as a success, so it is audited all the same.
    if decision.status != current.status {
        let am = enrollment::ActiveModel {
            status: Set(decision.status),
            decided_at: Set(Some(Utc::now())),
            ..Default::default()
        };
        update_versioned::<enrollment::Entity, _>(&txn, id, current.version, am).await?;
    }
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
}
