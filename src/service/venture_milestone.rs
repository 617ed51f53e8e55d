//! Venture milestones: added by the lead institution, completed once. Completing a milestone
//! again on the same date is a no-op (so a retried request is harmless); on another date it is
//! a CONFLICT. A completion date is never in the future.

use chrono::{NaiveDate, Utc};
use entity::{venture, venture_milestone};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, text, txn, update_versioned},
};

/// Loads a venture the viewer may see and change.
async fn writable_venture(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    id: Uuid,
) -> AppResult<venture::Model> {
    let v = policy::find_visible::<venture::Entity>(txn, actor, id, "venture").await?;
    policy::ensure_can_write(actor, v.lead_institution_id, scope::VENTURE_WRITE)?;
    Ok(v)
}

/// Adds a milestone to a venture the viewer's institution leads.
pub async fn add(
    db: &DatabaseConnection,
    actor: &Principal,
    venture_id: Uuid,
    title: &str,
    due_on: NaiveDate,
) -> AppResult<crate::service::txn::Written<entity::venture_milestone::Model>> {
    policy::ensure_writer(actor, scope::VENTURE_WRITE)?;
    let title = text::required("title", title, 300)?;
    let txn = txn::begin_write(db).await?;
    let v = writable_venture(&txn, actor, venture_id).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    venture_milestone::ActiveModel {
        id: Set(id),
        venture_id: Set(venture_id),
        title: Set(title.clone()),
        due_on: Set(due_on),
        completed_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(v.lead_institution_id),
        "venture.addMilestone",
        "VentureMilestone",
        id,
        json!({ "ventureId": venture_id, "title": title, "dueOn": due_on }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::venture_milestone::Entity>(txn, actor, id).await
}

/// Marks a milestone completed on `completed_on` (default: today; never in the future).
pub async fn complete(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    completed_on: Option<NaiveDate>,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::VENTURE_WRITE)?;
    let today = Utc::now().date_naive();
    let on = completed_on.unwrap_or(today);
    if on > today {
        return Err(AppError::bad_input(
            "completedOn",
            "a milestone cannot be completed in the future",
        ));
    }
    let txn = txn::begin_write(db).await?;
    let m = policy::find_visible::<venture_milestone::Entity>(&txn, actor, id, "milestone").await?;
    let v = writable_venture(&txn, actor, m.venture_id).await?;
    match m.completed_on {
        // Completing again on the same day changes nothing but answers success: audited below.
        Some(done) if done == on => {}
        Some(done) => {
            return Err(AppError::Conflict {
                field: Some("id".into()),
                message: format!("the milestone was already completed on {done}"),
            });
        }
        None => {
            let am = venture_milestone::ActiveModel {
                completed_on: Set(Some(on)),
                ..Default::default()
            };
            update_versioned::<venture_milestone::Entity, _>(&txn, id, m.version, am).await?;
        }
    }
    audit::record(
        &txn,
        actor,
        Some(v.lead_institution_id),
        "venture.completeMilestone",
        "VentureMilestone",
        id,
        json!({ "ventureId": v.id, "completedOn": on }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
