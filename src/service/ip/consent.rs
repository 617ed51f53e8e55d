//! Co-owners' consent. Under the patent laws the partners work with (e.g. CN Patent Law art.
//! 14), co-owners decide assignment and abandonment of a jointly owned right together. So a
//! change of an IP asset that reduces another co-owner's share, or abandons an asset that
//! others co-own, is a proposal: it takes effect when every co-owner it affects has approved,
//! and a single refusal ends it.
//!
//! - **Who must approve**: for an ownership change, each current co-owner (other than the
//!   proposer's own institution) whose share would fall or vanish; for abandonment, every other
//!   co-owner. When nobody's consent is needed — a single owner, or a co-owner giving away part
//!   of its own share — the proposal is applied at once (status APPLIED). Center admins, who
//!   record decisions the co-owners took outside BioBridge, act alone.
//! - **Who answers**: users (not API tokens) of an institution asked for its consent approve or
//!   reject; the proposer's institution may withdraw its proposal.
//! - **Staleness**: a proposal concerns the asset as it stood. When the asset's ownership
//!   changes, every pending proposal on it is SUPERSEDED (who must consent may have changed);
//!   when its status changes, every pending abandonment is. Proposals do not move the asset's
//!   version; the approval that applies one does.
//! - **Visibility**: a proposal is seen by the asset's co-owners, the proposer and the
//!   institutions asked (through `policy`), never by others; its audit events are recorded
//!   under the proposal (`IpChange`), not the asset, so an asset's subscribers hear of it only
//!   when it is applied.

use chrono::{NaiveDate, Utc};
use entity::{
    enums::{IpApprovalDecision, IpChangeKind, IpChangeStatus, IpStatus},
    ip_asset, ip_change, ip_change_approval,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;
use uuid::Uuid;

use super::ownership::{OwnerShare, check_owners, lock_asset, replace_owners, shares_of};
use crate::{
    auth::{Principal, PrincipalKind, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, technology::check_shares, txn::begin_write, update_versioned},
};

/// The co-owners (other than the `proposer`'s institution) whose share falls or vanishes when
/// the ownership goes from `current` to `proposed`.
pub fn reduced_co_owners(
    current: &[OwnerShare],
    proposed: &[OwnerShare],
    proposer: Option<Uuid>,
) -> Vec<Uuid> {
    current
        .iter()
        .filter(|c| Some(c.institution_id) != proposer)
        .filter(|c| {
            let after = proposed
                .iter()
                .find(|p| p.institution_id == c.institution_id)
                .map_or(0, |p| p.share_bp);
            after < c.share_bp
        })
        .map(|c| c.institution_id)
        .collect()
}

/// Whose consent `actor` needs to replace the ownership `current` with `proposed`.
pub fn needed_for_ownership(
    actor: &Principal,
    current: &[OwnerShare],
    proposed: &[OwnerShare],
) -> Vec<Uuid> {
    if actor.is_center_admin() {
        return Vec::new();
    }
    reduced_co_owners(current, proposed, actor.institution_id())
}

/// Whose consent `actor` needs to abandon an asset owned by `current`: every other co-owner.
pub fn needed_for_abandonment(actor: &Principal, current: &[OwnerShare]) -> Vec<Uuid> {
    if actor.is_center_admin() {
        return Vec::new();
    }
    current
        .iter()
        .map(|c| c.institution_id)
        .filter(|i| Some(*i) != actor.institution_id())
        .collect()
}

/// Marks the proposals pending on `asset` (of `kind`, or all) SUPERSEDED, except `except`;
/// returns their ids.
pub(super) async fn supersede_pending(
    txn: &impl ConnectionTrait,
    asset: Uuid,
    kind: Option<IpChangeKind>,
    except: Option<Uuid>,
) -> AppResult<Vec<Uuid>> {
    let mut pending = ip_change::Entity::find()
        .filter(ip_change::Column::IpAssetId.eq(asset))
        .filter(ip_change::Column::Status.eq(IpChangeStatus::Pending));
    if let Some(kind) = kind {
        pending = pending.filter(ip_change::Column::Kind.eq(kind));
    }
    if let Some(except) = except {
        pending = pending.filter(ip_change::Column::Id.ne(except));
    }
    let ids: Vec<Uuid> = pending.all(txn).await?.into_iter().map(|c| c.id).collect();
    if !ids.is_empty() {
        let now = Utc::now();
        ip_change::Entity::update_many()
            .col_expr(
                ip_change::Column::Status,
                Expr::value(IpChangeStatus::Superseded),
            )
            .col_expr(ip_change::Column::DecidedAt, Expr::value(now))
            .col_expr(ip_change::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                ip_change::Column::Version,
                Expr::col(ip_change::Column::Version).add(1),
            )
            .filter(ip_change::Column::Id.is_in(ids.clone()))
            .exec(txn)
            .await?;
    }
    Ok(ids)
}

/// A proposal as its author may see it, with its asset, read inside the transaction that wrote
/// it (see `service::txn::Written`).
#[derive(Debug)]
pub struct ChangeWritten {
    pub id: Uuid,
    pub change: Option<ip_change::Model>,
    pub asset: Option<ip_asset::Model>,
}

async fn commit_and_show(
    txn: DatabaseTransaction,
    actor: &Principal,
    change: Uuid,
    asset: Uuid,
) -> AppResult<ChangeWritten> {
    let shown_change = policy::visible::<ip_change::Entity>(actor)
        .filter(ip_change::Column::Id.eq(change))
        .one(&txn)
        .await?;
    let shown_asset = policy::visible::<ip_asset::Entity>(actor)
        .filter(ip_asset::Column::Id.eq(asset))
        .one(&txn)
        .await?;
    txn.commit().await?;
    Ok(ChangeWritten {
        id: change,
        change: shown_change,
        asset: shown_asset,
    })
}

/// The institution whose admins see an event about `asset`: the actor's own when it co-owns
/// the asset, else the principal owner.
async fn event_institution(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    asset: Uuid,
) -> AppResult<Option<Uuid>> {
    let (owners, principal) = super::owners_of(txn, asset).await?;
    Ok(actor
        .institution_id()
        .filter(|i| owners.contains(i))
        .or(principal))
}

/// What a new proposal changes.
enum Proposal {
    Ownership(Vec<OwnerShare>),
    Abandonment(Option<NaiveDate>),
}

/// Records a proposal (PENDING with one approval row per co-owner in `needed`, or APPLIED when
/// `needed` is empty) and its audit event.
async fn record_proposal(
    txn: &DatabaseTransaction,
    actor: &Principal,
    asset: Uuid,
    proposal: &Proposal,
    needed: &[Uuid],
) -> AppResult<Uuid> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let (kind, owners, date) = match proposal {
        Proposal::Ownership(o) => (IpChangeKind::Ownership, Some(json!(o)), None),
        Proposal::Abandonment(d) => (IpChangeKind::Abandonment, None, *d),
    };
    let applied = needed.is_empty();
    ip_change::ActiveModel {
        id: Set(id),
        ip_asset_id: Set(asset),
        kind: Set(kind),
        status: Set(if applied {
            IpChangeStatus::Applied
        } else {
            IpChangeStatus::Pending
        }),
        proposed_by_institution_id: Set(actor.institution_id()),
        proposed_by_user_id: Set(actor.user_id),
        owners: Set(owners.clone()),
        date: Set(date),
        decided_at: Set(applied.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(txn)
    .await?;
    for institution in needed {
        ip_change_approval::ActiveModel {
            id: Set(Uuid::now_v7()),
            ip_change_id: Set(id),
            institution_id: Set(*institution),
            decision: Set(IpApprovalDecision::Pending),
            decided_by_user_id: Set(None),
            decided_at: Set(None),
            created_at: Set(now),
        }
        .insert(txn)
        .await?;
    }
    audit::record(
        txn,
        actor,
        event_institution(txn, actor, asset).await?,
        "ipChange.propose",
        "IpChange",
        id,
        json!({
            "ipAssetId": asset, "kind": kind, "owners": owners, "date": date,
            "approvalsNeeded": needed, "appliedAtOnce": applied,
        }),
    )
    .await?;
    Ok(id)
}

/// Proposes new co-owners for an IP asset the viewer's institution co-owns (shares add up to
/// 10000 basis points). Applied at once when it reduces no other co-owner's share; otherwise
/// PENDING until each co-owner whose share falls has approved.
pub async fn propose_ownership(
    db: &DatabaseConnection,
    actor: &Principal,
    asset_id: Uuid,
    owners: Vec<OwnerShare>,
    expected_version: Option<i32>,
) -> AppResult<ChangeWritten> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    check_shares(
        "owners",
        owners.iter().map(|o| (o.institution_id, o.share_bp)),
    )?;
    let txn = begin_write(db).await?;
    let asset = policy::find_visible::<ip_asset::Entity>(&txn, actor, asset_id, "IP asset").await?;
    lock_asset(&txn, asset.id, expected_version).await?;
    let current = shares_of(&txn, asset.id).await?;
    let ids: Vec<Uuid> = current.iter().map(|o| o.institution_id).collect();
    policy::ensure_co_owner(actor, &ids, scope::IP_WRITE)?;
    check_owners(&txn, &owners).await?;
    let same = owners.len() == current.len() && owners.iter().all(|o| current.contains(o));
    if same {
        return Err(AppError::bad_input(
            "owners",
            "the asset already has exactly these owners",
        ));
    }
    let needed = needed_for_ownership(actor, &current, &owners);
    let id = record_proposal(
        &txn,
        actor,
        asset.id,
        &Proposal::Ownership(owners.clone()),
        &needed,
    )
    .await?;
    if needed.is_empty() {
        replace_owners(&txn, actor, asset.id, &owners, Some(id)).await?;
    }
    commit_and_show(txn, actor, id, asset.id).await
}

/// Proposes to abandon an IP asset the viewer's institution co-owns. Applied at once for a
/// single owner; otherwise PENDING until every other co-owner has approved.
pub async fn propose_abandonment(
    db: &DatabaseConnection,
    actor: &Principal,
    asset_id: Uuid,
    expected_version: Option<i32>,
    date: Option<NaiveDate>,
) -> AppResult<ChangeWritten> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let txn = begin_write(db).await?;
    let asset = policy::find_visible::<ip_asset::Entity>(&txn, actor, asset_id, "IP asset").await?;
    let asset = lock_asset(&txn, asset.id, expected_version).await?;
    let current = shares_of(&txn, asset.id).await?;
    let ids: Vec<Uuid> = current.iter().map(|o| o.institution_id).collect();
    policy::ensure_co_owner(actor, &ids, scope::IP_WRITE)?;
    super::rules::check_transition(asset.status, IpStatus::Abandoned).map_err(|e| match e {
        AppError::BadUserInput { message, .. } => AppError::bad_input("ipAssetId", message),
        other => other,
    })?;
    let needed = needed_for_abandonment(actor, &current);
    let id = record_proposal(&txn, actor, asset.id, &Proposal::Abandonment(date), &needed).await?;
    if needed.is_empty() {
        super::apply_transition(&txn, actor, &asset, IpStatus::Abandoned, date, Some(id)).await?;
    }
    commit_and_show(txn, actor, id, asset.id).await
}

/// Consent is given by people: API tokens neither approve nor reject.
fn ensure_person(actor: &Principal) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    if actor.kind == PrincipalKind::ApiToken {
        return Err(AppError::Forbidden(
            "a co-owner's consent is given by a signed-in user, not an API token".into(),
        ));
    }
    Ok(())
}

/// Loads a proposal the viewer may see, takes its asset's lock, and re-reads it: still
/// PENDING and (with `expected_version`) at that version.
async fn open_pending(
    txn: &DatabaseTransaction,
    actor: &Principal,
    id: Uuid,
    expected_version: Option<i32>,
) -> AppResult<ip_change::Model> {
    let seen = policy::find_visible::<ip_change::Entity>(txn, actor, id, "IP change").await?;
    lock_asset(txn, seen.ip_asset_id, None).await?;
    let change = ip_change::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound("IP change"))?;
    if expected_version.is_some_and(|v| v != change.version) {
        return Err(crate::service::version_conflict());
    }
    if change.status != IpChangeStatus::Pending {
        return Err(AppError::Conflict {
            field: Some("id".into()),
            message: format!(
                "this change is no longer pending: it is {}",
                sea_orm::ActiveEnum::to_value(&change.status)
            ),
        });
    }
    Ok(change)
}

/// The approval row asking the viewer's institution about `change`, if any.
async fn approval_of(
    txn: &DatabaseTransaction,
    actor: &Principal,
    change: Uuid,
) -> AppResult<Option<ip_change_approval::Model>> {
    let Some(inst) = actor.institution_id() else {
        return Ok(None);
    };
    Ok(ip_change_approval::Entity::find()
        .filter(ip_change_approval::Column::IpChangeId.eq(change))
        .filter(ip_change_approval::Column::InstitutionId.eq(inst))
        .one(txn)
        .await?)
}

async fn answer(
    txn: &DatabaseTransaction,
    actor: &Principal,
    approval: ip_change_approval::Model,
    decision: IpApprovalDecision,
) -> AppResult<()> {
    let mut am: ip_change_approval::ActiveModel = approval.into();
    am.decision = Set(decision);
    am.decided_by_user_id = Set(actor.user_id);
    am.decided_at = Set(Some(Utc::now()));
    am.update(txn).await?;
    Ok(())
}

/// Moves `change` to `status` (a decision), based on its current version.
async fn close(
    txn: &DatabaseTransaction,
    change: &ip_change::Model,
    status: IpChangeStatus,
) -> AppResult<()> {
    let am = ip_change::ActiveModel {
        status: Set(status),
        decided_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    update_versioned::<ip_change::Entity, _>(txn, change.id, change.version, am).await
}

/// Approves a pending proposal for the viewer's institution; the last approval it needs
/// carries it out.
pub async fn approve(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: Option<i32>,
) -> AppResult<ChangeWritten> {
    ensure_person(actor)?;
    let txn = begin_write(db).await?;
    let change = open_pending(&txn, actor, id, expected_version).await?;
    let approval = match approval_of(&txn, actor, id).await? {
        Some(a) if a.decision == IpApprovalDecision::Pending => a,
        Some(_) => {
            return Err(AppError::Conflict {
                field: Some("id".into()),
                message: "your institution has already answered this change".into(),
            });
        }
        None => {
            return Err(AppError::Forbidden(
                "your institution's consent is not asked for this change".into(),
            ));
        }
    };
    answer(&txn, actor, approval, IpApprovalDecision::Approved).await?;
    let waiting = ip_change_approval::Entity::find()
        .filter(ip_change_approval::Column::IpChangeId.eq(id))
        .filter(ip_change_approval::Column::Decision.eq(IpApprovalDecision::Pending))
        .count(&txn)
        .await?;
    let applied = waiting == 0;
    audit::record(
        &txn,
        actor,
        event_institution(&txn, actor, change.ip_asset_id).await?,
        "ipChange.approve",
        "IpChange",
        id,
        json!({ "ipAssetId": change.ip_asset_id, "institutionId": actor.institution_id(), "applied": applied }),
    )
    .await?;
    if applied {
        carry_out(&txn, actor, &change).await?;
        close(&txn, &change, IpChangeStatus::Applied).await?;
    } else {
        // The proposal's version moves with each answer.
        update_versioned::<ip_change::Entity, _>(
            &txn,
            id,
            change.version,
            <ip_change::ActiveModel as Default>::default(),
        )
        .await?;
    }
    commit_and_show(txn, actor, id, change.ip_asset_id).await
}

/// Carries out an approved proposal.
async fn carry_out(
    txn: &DatabaseTransaction,
    actor: &Principal,
    change: &ip_change::Model,
) -> AppResult<()> {
    match change.kind {
        IpChangeKind::Ownership => {
            let owners: Vec<OwnerShare> = change
                .owners
                .clone()
                .map(serde_json::from_value)
                .transpose()
                .map_err(AppError::internal)?
                .unwrap_or_default();
            check_owners(txn, &owners).await?;
            replace_owners(txn, actor, change.ip_asset_id, &owners, Some(change.id)).await
        }
        IpChangeKind::Abandonment => {
            let asset = ip_asset::Entity::find_by_id(change.ip_asset_id)
                .one(txn)
                .await?
                .ok_or(AppError::NotFound("IP asset"))?;
            super::apply_transition(
                txn,
                actor,
                &asset,
                IpStatus::Abandoned,
                change.date,
                Some(change.id),
            )
            .await
        }
    }
}

/// Rejects a pending proposal for the viewer's institution (which ends it), or — for the
/// proposer's institution — withdraws it.
pub async fn reject(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    expected_version: Option<i32>,
) -> AppResult<ChangeWritten> {
    ensure_person(actor)?;
    let txn = begin_write(db).await?;
    let change = open_pending(&txn, actor, id, expected_version).await?;
    let (status, action) = match approval_of(&txn, actor, id).await? {
        Some(a) if a.decision == IpApprovalDecision::Pending => {
            answer(&txn, actor, a, IpApprovalDecision::Rejected).await?;
            (IpChangeStatus::Rejected, "ipChange.reject")
        }
        _ if actor.institution_id().is_some()
            && actor.institution_id() == change.proposed_by_institution_id =>
        {
            (IpChangeStatus::Withdrawn, "ipChange.withdraw")
        }
        Some(_) => {
            return Err(AppError::Conflict {
                field: Some("id".into()),
                message: "your institution has already answered this change".into(),
            });
        }
        None => {
            return Err(AppError::Forbidden(
                "only a co-owner asked for its consent rejects this change, and only its \
                 proposer withdraws it"
                    .into(),
            ));
        }
    };
    close(&txn, &change, status).await?;
    audit::record(
        &txn,
        actor,
        event_institution(&txn, actor, change.ip_asset_id).await?,
        action,
        "IpChange",
        id,
        json!({ "ipAssetId": change.ip_asset_id, "institutionId": actor.institution_id() }),
    )
    .await?;
    commit_and_show(txn, actor, id, change.ip_asset_id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::enums::Role;

    fn share(i: u128, bp: i32) -> OwnerShare {
        OwnerShare {
            institution_id: Uuid::from_u128(i),
            share_bp: bp,
        }
    }

    fn member_of(i: u128) -> Principal {
        Principal {
            kind: PrincipalKind::User,
            role: Some(Role::Member),
            institution: Some(crate::auth::PrincipalInstitution {
                id: Uuid::from_u128(i),
                membership: entity::enums::Membership::Member,
                region: entity::enums::Region::Other,
            }),
            ..Principal::anonymous()
        }
    }

    #[test]
    fn taking_another_co_owner_s_share_needs_its_consent() {
        // The case: the 40% co-owner takes 100%.
        let current = [share(1, 6000), share(2, 4000)];
        let grab = [share(2, 10_000)];
        assert_eq!(
            needed_for_ownership(&member_of(2), &current, &grab),
            vec![Uuid::from_u128(1)]
        );
        // Shifting 10 points from the 60% owner to itself still reduces it.
        let shift = [share(1, 5000), share(2, 5000)];
        assert_eq!(
            needed_for_ownership(&member_of(2), &current, &shift),
            vec![Uuid::from_u128(1)]
        );
    }

    #[test]
    fn giving_from_one_s_own_share_needs_nobody() {
        let current = [share(1, 6000), share(2, 4000)];
        // The 60% owner gives 10 points to the other, or to a newcomer.
        assert!(
            needed_for_ownership(&member_of(1), &current, &[share(1, 5000), share(2, 5000)])
                .is_empty()
        );
        assert!(
            needed_for_ownership(
                &member_of(1),
                &current,
                &[share(1, 5000), share(2, 4000), share(3, 1000)]
            )
            .is_empty()
        );
        // A single owner acts alone.
        assert!(
            needed_for_ownership(&member_of(1), &[share(1, 10_000)], &[share(3, 10_000)])
                .is_empty()
        );
    }

    #[test]
    fn every_reduced_co_owner_is_asked() {
        let current = [share(1, 5000), share(2, 3000), share(3, 2000)];
        let proposed = [share(1, 8000), share(3, 2000)];
        assert_eq!(
            needed_for_ownership(&member_of(1), &current, &proposed),
            vec![Uuid::from_u128(2)]
        );
        let proposed = [share(1, 9000), share(2, 1000)];
        assert_eq!(
            needed_for_ownership(&member_of(1), &current, &proposed),
            vec![Uuid::from_u128(2), Uuid::from_u128(3)]
        );
    }

    #[test]
    fn abandonment_needs_every_other_co_owner() {
        let current = [share(1, 6000), share(2, 4000)];
        assert_eq!(
            needed_for_abandonment(&member_of(2), &current),
            vec![Uuid::from_u128(1)]
        );
        assert!(needed_for_abandonment(&member_of(1), &[share(1, 10_000)]).is_empty());
    }

    #[test]
    fn center_admins_record_decisions_alone() {
        let admin = Principal {
            kind: PrincipalKind::User,
            role: Some(Role::CenterAdmin),
            ..Principal::anonymous()
        };
        let current = [share(1, 6000), share(2, 4000)];
        assert!(needed_for_ownership(&admin, &current, &[share(2, 10_000)]).is_empty());
        assert!(needed_for_abandonment(&admin, &current).is_empty());
    }
}
