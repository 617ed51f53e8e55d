//! Cooperation agreements between member institutions (MoUs, framework, research
//! collaboration and exchange agreements) and their parties.
//!
//! Status: `DRAFT → {ACTIVE, TERMINATED}`, `ACTIVE → {EXPIRED, TERMINATED}`; EXPIRED and
//! TERMINATED are final. An agreement has at least two distinct parties, and is written by one
//! of them (or a center admin). `signedOn` is always given — for a draft, the date it is to be
//! signed — and `expiresOn`, when given, is not before it.

use chrono::{NaiveDate, Utc};
use entity::{
    agreement, agreement_party,
    enums::{AgreementKind, AgreementStatus},
    institution,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet,
    PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy,
    service::{audit, search, text, txn, update_versioned},
};

/// A new agreement.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub title: String,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub summary: Option<String>,
    pub signed_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub parties: Vec<Uuid>,
}

/// Changes to an agreement; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct AgreementChanges {
    pub title: Option<String>,
    pub kind: Option<AgreementKind>,
    pub status: Option<AgreementStatus>,
    pub summary: Option<Option<String>>,
    pub signed_on: Option<NaiveDate>,
    pub expires_on: Option<Option<NaiveDate>>,
    /// Replaces all parties when given.
    pub parties: Option<Vec<Uuid>>,
}

/// The statuses an agreement in `from` may move to.
pub fn next_statuses(from: AgreementStatus) -> &'static [AgreementStatus] {
    use AgreementStatus::*;
    match from {
        Draft => &[Active, Terminated],
        Active => &[Expired, Terminated],
        Expired | Terminated => &[],
    }
}

/// `from → to` must be an edge of the agreement status machine.
pub fn check_status_transition(from: AgreementStatus, to: AgreementStatus) -> AppResult<()> {
    crate::service::check_transition("status", "an agreement", from, to, next_statuses(from))
}

fn check_dates(signed_on: NaiveDate, expires_on: Option<NaiveDate>) -> AppResult<()> {
    match expires_on {
        Some(e) if e < signed_on => Err(AppError::bad_input(
            "expiresOn",
            "an agreement cannot expire before it is signed",
        )),
        _ => Ok(()),
    }
}

/// At least `min` (two, or one after a withdrawal) distinct parties, all existing institutions.
async fn check_parties(
    txn: &impl ConnectionTrait,
    parties: &[Uuid],
    min: usize,
) -> AppResult<Vec<Uuid>> {
    let mut distinct = parties.to_vec();
    distinct.sort();
    distinct.dedup();
    if distinct.len() != parties.len() {
        return Err(AppError::bad_input(
            "partyIds",
            "an institution is named twice",
        ));
    }
    if parties.len() < min {
        return Err(AppError::bad_input(
            "partyIds",
            "an agreement has at least two parties",
        ));
    }
    let found = institution::Entity::find()
        .filter(institution::Column::Id.is_in(parties.iter().copied()))
        .count(txn)
        .await?;
    if found != parties.len() as u64 {
        return Err(AppError::bad_input(
            "partyIds",
            "a named institution does not exist",
        ));
    }
    Ok(parties.to_vec())
}

async fn replace_parties(txn: &impl ConnectionTrait, id: Uuid, parties: &[Uuid]) -> AppResult<()> {
    agreement_party::Entity::delete_many()
        .filter(agreement_party::Column::AgreementId.eq(id))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for &institution_id in parties {
        agreement_party::ActiveModel {
            id: Set(Uuid::now_v7()),
            agreement_id: Set(id),
            institution_id: Set(institution_id),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The institution whose trail records a change to an agreement: the viewer's, when a party.
fn trail_institution(actor: &Principal, parties: &[Uuid]) -> Option<Uuid> {
    actor
        .institution_id()
        .filter(|i| parties.contains(i))
        .or_else(|| parties.first().copied())
}

/// Records an agreement between `parties`, the viewer's institution among them.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewAgreement,
) -> AppResult<crate::service::txn::Written<entity::agreement::Model>> {
    policy::ensure_agreement_writer(actor)?;
    let title = text::required("title", &input.title, 500)?;
    let summary = text::optional("summary", input.summary.as_deref(), 5000)?;
    check_dates(input.signed_on, input.expires_on)?;
    if !matches!(
        input.status,
        AgreementStatus::Draft | AgreementStatus::Active
    ) {
        return Err(AppError::bad_input(
            "status",
            "a new agreement is DRAFT or ACTIVE",
        ));
    }
    let txn = txn::begin_write(db).await?;
    let parties = check_parties(&txn, &input.parties, 2).await?;
    policy::ensure_agreement_party(actor, &parties)?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    agreement::ActiveModel {
        id: Set(id),
        title: Set(title.clone()),
        kind: Set(input.kind),
        signed_on: Set(Some(input.signed_on)),
        expires_on: Set(input.expires_on),
        status: Set(input.status),
        summary: Set(summary),
        initiator_id: Set(actor.institution_id()),
        // Written from the stored row by `search::refresh` below.
        search_text: NotSet,
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    search::refresh::<agreement::Entity>(&txn, id).await?;
    replace_parties(&txn, id, &parties).await?;
    audit::record(
        &txn,
        actor,
        trail_institution(actor, &parties),
        "agreement.create",
        "Agreement",
        id,
        json!({
            "title": title, "kind": input.kind, "status": input.status,
            "signedOn": input.signed_on, "expiresOn": input.expires_on, "partyIds": parties,
        }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::agreement::Entity>(txn, actor, id).await
}

/// Edits an agreement the viewer's institution is a party to.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: AgreementChanges,
) -> AppResult<()> {
    policy::ensure_agreement_writer(actor)?;
    let mut am = <agreement::ActiveModel as Default>::default();
    let mut log = serde_json::Map::new();
    if let Some(t) = &changes.title {
        let t = text::required("title", t, 500)?;
        log.insert("title".into(), json!(t));
        am.title = Set(t);
    }
    if let Some(k) = changes.kind {
        log.insert("kind".into(), json!(k));
        am.kind = Set(k);
    }
    if let Some(s) = &changes.summary {
        let s = text::optional("summary", s.as_deref(), 5000)?;
        log.insert("summary".into(), json!(s));
        am.summary = Set(s);
    }
    let txn = txn::begin_write(db).await?;
    let current = policy::find_visible::<agreement::Entity>(&txn, actor, id, "agreement").await?;
    let parties: Vec<Uuid> = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.institution_id)
        .collect();
    policy::ensure_agreement_party(actor, &parties)?;
    if let Some(to) = changes.status.filter(|s| *s != current.status) {
        check_status_transition(current.status, to)?;
        log.insert("status".into(), json!({ "from": current.status, "to": to }));
        am.status = Set(to);
    }
    let signed_on = changes
        .signed_on
        .or(current.signed_on)
        .unwrap_or_else(|| Utc::now().date_naive());
    let expires_on = changes.expires_on.unwrap_or(current.expires_on);
    check_dates(signed_on, expires_on)?;
    if let Some(s) = changes.signed_on {
        log.insert("signedOn".into(), json!(s));
        am.signed_on = Set(Some(s));
    }
    if let Some(e) = changes.expires_on {
        log.insert("expiresOn".into(), json!(e));
        am.expires_on = Set(e);
    }
    let new_parties = match &changes.parties {
        Some(p) => {
            policy::ensure_may_change_parties(actor, current.initiator_id, &parties, p)?;
            // A party withdrawing may leave the initiator alone with its draft.
            let withdrawal = actor
                .institution_id()
                .is_some_and(|own| parties.contains(&own) && !p.contains(&own));
            Some(check_parties(&txn, p, if withdrawal { 1 } else { 2 }).await?)
        }
        None => None,
    };
    update_versioned::<agreement::Entity, _>(&txn, id, expected_version, am).await?;
    search::refresh::<agreement::Entity>(&txn, id).await?;
    if let Some(p) = &new_parties {
        replace_parties(&txn, id, p).await?;
        log.insert("partyIds".into(), json!(p));
    }
    audit::record(
        &txn,
        actor,
        trail_institution(actor, new_parties.as_deref().unwrap_or(&parties)),
        "agreement.update",
        "Agreement",
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
    use AgreementStatus::*;

    #[test]
    fn the_agreement_status_machine() {
        assert!(check_status_transition(Draft, Active).is_ok());
        assert!(check_status_transition(Draft, Terminated).is_ok());
        assert!(check_status_transition(Active, Expired).is_ok());
        assert!(check_status_transition(Active, Terminated).is_ok());
        for (from, to) in [
            (Draft, Expired),
            (Active, Draft),
            (Expired, Active),
            (Terminated, Active),
        ] {
            assert!(
                check_status_transition(from, to).is_err(),
                "{from:?} → {to:?}"
            );
        }
    }

    #[test]
    fn agreements_do_not_expire_before_signature() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(check_dates(d("2023-12-09"), Some(d("2028-12-08"))).is_ok());
        assert!(check_dates(d("2023-12-09"), Some(d("2023-12-09"))).is_ok());
        assert!(check_dates(d("2023-12-09"), None).is_ok());
        let err = check_dates(d("2023-12-09"), Some(d("2023-12-08"))).unwrap_err();
        assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "expiresOn"));
    }
}
