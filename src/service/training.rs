//! Talent training programs: creation, edits, and the seats their enrollments take.
//!
//! A program's seats are held by its ACCEPTED and COMPLETED enrollments, never more than
//! `capacity` of them (see [`super::enrollment`] for how decisions keep to it). Every write
//! that could break the rule (deciding, applying, changing the capacity) first *writes* the
//! program row with [`lock_program`] and only then counts, in the same transaction.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{
    enrollment,
    enums::{EnrollmentStatus, ProgramKind, TechnologyField, Visibility},
    training_program,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, search, text, txn, update_versioned},
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

/// Takes the program's write lock: a no-op write of its row, before anything is read.
pub(super) async fn lock_program(txn: &impl ConnectionTrait, program: Uuid) -> AppResult<()> {
    lock_programs_where(txn, training_program::Column::Id.eq(program)).await
}

/// Takes the write lock of the program `enrollment` belongs to, before anything is read.
pub(super) async fn lock_program_of_enrollment(
    txn: &impl ConnectionTrait,
    enrollment: Uuid,
) -> AppResult<()> {
    let program_of = Query::select()
        .column(enrollment::Column::ProgramId)
        .from(enrollment::Entity)
        .and_where(Expr::col((enrollment::Entity, enrollment::Column::Id)).eq(enrollment))
        .to_owned();
    lock_programs_where(txn, training_program::Column::Id.in_subquery(program_of)).await
}

async fn lock_programs_where(
    txn: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
) -> AppResult<()> {
    training_program::Entity::update_many()
        .col_expr(
            training_program::Column::UpdatedAt,
            Expr::col(training_program::Column::UpdatedAt),
        )
        .filter(which)
        .exec(txn)
        .await?;
    Ok(())
}

/// Seats taken in one program (all its seat-holding enrollments, visible or not).
pub(super) async fn seats_taken_in(txn: &impl ConnectionTrait, program: Uuid) -> AppResult<u64> {
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
) -> AppResult<crate::service::txn::Written<entity::training_program::Model>> {
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
        // Written from the stored row by `search::refresh` below.
        search_text: NotSet,
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    search::refresh::<training_program::Entity>(&txn, id).await?;
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
    crate::service::txn::commit_and_show::<entity::training_program::Entity>(txn, actor, id).await
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
    search::refresh::<training_program::Entity>(&txn, id).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
