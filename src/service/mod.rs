//! The service layer: domain rules as plain functions on a database connection, with no
//! GraphQL types. Resolvers call these; tests call them without HTTP.
//!
//! Every change runs in one transaction together with its audit event ([`audit::record`]).
//! Updates are optimistic: they name the version they were based on ([`update_versioned`]).

pub mod accounts;
pub mod agreement;
pub mod api_tokens;
pub mod audit;
pub mod calendar;
pub mod deadlines;
pub mod deal;
pub mod distribution;
pub mod docket;
pub mod docket_reminders;
pub mod email_domains;
pub mod enrollment;
pub mod events;
pub mod idempotency;
pub mod institution;
pub mod ip;
pub mod ip_costs;
pub mod language;
pub mod licence;
pub mod licence_terms;
pub mod licensee;
pub mod money;
pub mod net_income;
pub mod people;
pub mod ror;
pub mod royalty;
pub mod search;
pub mod security_review;
pub mod statistics;
pub mod technology;
pub mod technology_reference;
pub mod text;
pub mod training;
pub mod txn;
pub mod venture;
pub mod venture_equity;
pub mod venture_milestone;
pub mod webhooks;

use std::str::FromStr;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Value};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// `from → to` must be one of `allowed` (the edges of a state machine); otherwise a
/// `BAD_USER_INPUT` on `field` that names the allowed targets, e.g.
/// "a technology in DISCLOSED can move to ASSESSMENT, ARCHIVED".
pub fn check_transition<S>(field: &str, noun: &str, from: S, to: S, allowed: &[S]) -> AppResult<()>
where
    S: sea_orm::ActiveEnum<Value = String> + PartialEq,
{
    if allowed.contains(&to) {
        return Ok(());
    }
    let targets: Vec<String> = allowed.iter().map(sea_orm::ActiveEnum::to_value).collect();
    Err(AppError::bad_input(
        field,
        format!(
            "{noun} in {} can move to {}",
            from.to_value(),
            if targets.is_empty() {
                "nothing else (it is final)".into()
            } else {
                targets.join(", ")
            }
        ),
    ))
}

/// Writes `changes` to row `id` of `E` if its version is still `expected`, bumping the version
/// and `updated_at`. A concurrent change in between makes this a `CONFLICT`.
pub async fn update_versioned<E, A>(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected: i32,
    mut changes: A,
) -> AppResult<()>
where
    E: EntityTrait<ActiveModel = A>,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let column = |name: &str| {
        E::Column::from_str(name)
            .map_err(|_| AppError::internal(anyhow::anyhow!("{name} column missing")))
    };
    let (version, updated_at, id_col) = (column("version")?, column("updated_at")?, column("id")?);
    changes.set(version, Value::from(expected + 1));
    changes.set(updated_at, Value::from(chrono::Utc::now()));
    let result = E::update_many()
        .set(changes)
        .filter(id_col.eq(id))
        .filter(version.eq(expected))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(version_conflict())
    }
}

/// The answer to a change based on a version that is no longer current.
pub fn version_conflict() -> AppError {
    AppError::Conflict {
        field: Some("expectedVersion".into()),
        message: "the record changed since you read it; reload it and try again".into(),
    }
}
