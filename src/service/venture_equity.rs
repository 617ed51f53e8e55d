//! A venture as a company: its legal form, and the lead institution's equity stake as it
//! changes over financing rounds (append-only; the latest change is the current stake).

use chrono::{NaiveDate, Utc};
use entity::{venture, venture_equity_change};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, deal::check_not_future, text, update_versioned},
};

/// A change of the lead institution's stake.
#[derive(Debug, Clone)]
pub struct EquityChange {
    pub venture_id: Uuid,
    /// What changed it, e.g. `founding`, `seed`, `Series A`.
    pub round: String,
    pub changed_on: NaiveDate,
    /// The stake after the change, basis points.
    pub equity_bp: i32,
    pub note: Option<String>,
}

/// Records a change of the lead institution's stake (members of the lead institution).
pub async fn record_equity(
    db: &DatabaseConnection,
    actor: &Principal,
    input: EquityChange,
) -> AppResult<Uuid> {
    let round = text::required("round", &input.round, 100)?;
    let note = text::optional("note", input.note.as_deref(), 2000)?;
    if !(0..=10_000).contains(&input.equity_bp) {
        return Err(AppError::bad_input(
            "equityBasisPoints",
            "a stake is between 0 and 10000 basis points",
        ));
    }
    check_not_future("changedOn", input.changed_on)?;
    let txn = crate::service::txn::begin_write(db).await?;
    let v =
        policy::find_visible::<venture::Entity>(&txn, actor, input.venture_id, "venture").await?;
    policy::ensure_can_write(actor, v.lead_institution_id, scope::VENTURE_WRITE)?;
    let id = Uuid::now_v7();
    venture_equity_change::ActiveModel {
        id: Set(id),
        venture_id: Set(v.id),
        round: Set(round.clone()),
        changed_on: Set(input.changed_on),
        equity_bp: Set(input.equity_bp),
        note: Set(note),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(v.lead_institution_id),
        "venture.equity",
        "Venture",
        v.id,
        json!({ "round": round, "changedOn": input.changed_on, "equityBasisPoints": input.equity_bp }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Sets (or clears) a venture's legal form, e.g. `d.o.o.` or `LLC`.
pub async fn set_legal_form(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    legal_form: Option<String>,
) -> AppResult<()> {
    let legal_form = text::optional("legalForm", legal_form.as_deref(), 100)?;
    let txn = crate::service::txn::begin_write(db).await?;
    let v = policy::find_visible::<venture::Entity>(&txn, actor, id, "venture").await?;
    policy::ensure_can_write(actor, v.lead_institution_id, scope::VENTURE_WRITE)?;
    let am = venture::ActiveModel {
        legal_form: Set(legal_form.clone()),
        ..Default::default()
    };
    update_versioned::<venture::Entity, _>(&txn, id, expected_version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(v.lead_institution_id),
        "venture.update",
        "Venture",
        id,
        json!({ "legalForm": legal_form }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A venture as a deal's recipient: its name and its lead institution's country (the venture
/// must be visible to the actor; otherwise `recipientVentureId` names no venture it knows).
pub async fn as_recipient(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Principal,
    venture_id: Uuid,
) -> AppResult<(String, String)> {
    let v = match policy::find_visible::<venture::Entity>(txn, actor, venture_id, "venture").await {
        Err(AppError::NotFound(_)) => {
            return Err(AppError::bad_input("recipientVentureId", "no such venture"));
        }
        other => other?,
    };
    let lead =
        <entity::institution::Entity as sea_orm::EntityTrait>::find_by_id(v.lead_institution_id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("lead institution missing")))?;
    Ok((v.name, lead.country))
}
