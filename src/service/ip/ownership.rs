//! Co-ownership of IP assets: the shares add up to 10000 basis points and are replaced as a
//! whole. A co-owner acts alone when no other co-owner's share falls (a single owner always
//! does); a change that reduces another co-owner's share needs their consent and goes through
//! a proposal ([`super::consent`]). Center admins, who record decisions the co-owners took
//! outside BioBridge, act alone.

use chrono::Utc;
use entity::{institution, ip_asset, ip_ownership};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{consent, owners_of};
use crate::service::txn::begin_write;
use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, technology::check_shares, version_conflict},
};

/// One co-owner's share of an IP asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerShare {
    pub institution_id: Uuid,
    #[serde(rename = "shareBasisPoints")]
    pub share_bp: i32,
}

/// The current co-owners of `asset` and their shares.
pub(super) async fn shares_of(
    db: &impl ConnectionTrait,
    asset: Uuid,
) -> AppResult<Vec<OwnerShare>> {
    Ok(ip_ownership::Entity::find()
        .filter(ip_ownership::Column::IpAssetId.eq(asset))
        .all(db)
        .await?
        .into_iter()
        .map(|r| OwnerShare {
            institution_id: r.institution_id,
            share_bp: r.share_bp,
        })
        .collect())
}

/// Shares must add up to 10000 and name institutions that exist.
pub(super) async fn check_owners(
    db: &impl ConnectionTrait,
    owners: &[OwnerShare],
) -> AppResult<()> {
    check_shares(
        "owners",
        owners.iter().map(|o| (o.institution_id, o.share_bp)),
    )?;
    let ids: Vec<Uuid> = owners.iter().map(|o| o.institution_id).collect();
    let known = institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids))
        .count(db)
        .await?;
    if known != owners.len() as u64 {
        return Err(AppError::bad_input(
            "owners.institutionId",
            "a named institution does not exist",
        ));
    }
    Ok(())
}

/// Takes the asset's row lock (a write that changes nothing) and, with `expected`, checks the
/// asset is still at that version. Concurrent changes of the same asset's ownership, status or
/// proposals wait here for each other on PostgreSQL (SQLite's IMMEDIATE transactions already
/// take turns), and each sees what the one before it committed.
pub(super) async fn lock_asset(
    db: &impl ConnectionTrait,
    asset: Uuid,
    expected: Option<i32>,
) -> AppResult<ip_asset::Model> {
    ip_asset::Entity::update_many()
        .col_expr(
            ip_asset::Column::Version,
            Expr::col(ip_asset::Column::Version),
        )
        .filter(ip_asset::Column::Id.eq(asset))
        .exec(db)
        .await?;
    let locked = ip_asset::Entity::find_by_id(asset)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("IP asset"))?;
    match expected {
        Some(v) if v != locked.version => Err(version_conflict()),
        _ => Ok(locked),
    }
}

/// Replaces the co-owners of `asset` inside `txn`, moves its version on, supersedes the
/// proposals pending on it and records the change (`proposal`: the consented change it carries
/// out, if any).
pub(super) async fn replace_owners(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    asset: Uuid,
    owners: &[OwnerShare],
    proposal: Option<Uuid>,
) -> AppResult<()> {
    let (_, principal) = owners_of(txn, asset).await?;
    ip_asset::Entity::update_many()
        .col_expr(
            ip_asset::Column::Version,
            Expr::col(ip_asset::Column::Version).add(1),
        )
        .col_expr(ip_asset::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(ip_asset::Column::Id.eq(asset))
        .exec(txn)
        .await?;
    ip_ownership::Entity::delete_many()
        .filter(ip_ownership::Column::IpAssetId.eq(asset))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for o in owners {
        ip_ownership::ActiveModel {
            id: Set(Uuid::now_v7()),
            ip_asset_id: Set(asset),
            institution_id: Set(o.institution_id),
            share_bp: Set(o.share_bp),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(txn)
        .await?;
    }
    // Whoever must consent to a pending proposal may have changed: each is void now.
    let superseded = consent::supersede_pending(txn, asset, None, proposal).await?;
    audit::record(
        txn,
        actor,
        principal,
        "ipAsset.setOwnership",
        "IpAsset",
        asset,
        json!({
            "owners": owners,
            "proposalId": proposal,
            "supersededProposals": superseded,
        }),
    )
    .await
}

/// Replaces the co-owners of an IP asset atomically; shares add up to 10000 basis points.
/// With `expected_version`, a concurrent change of the asset is a CONFLICT; either way the
/// asset's version moves on, which also serialises concurrent ownership changes. A change that
/// reduces another co-owner's share is FORBIDDEN here: it is proposed instead
/// ([`super::consent::propose_ownership`]).
pub async fn set_ownership(
    db: &DatabaseConnection,
    actor: &Principal,
    ip_asset_id: Uuid,
    owners: Vec<OwnerShare>,
    expected_version: Option<i32>,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    check_shares(
        "owners",
        owners.iter().map(|o| (o.institution_id, o.share_bp)),
    )?;
    let txn = begin_write(db).await?;
    let asset =
        policy::find_visible::<ip_asset::Entity>(&txn, actor, ip_asset_id, "IP asset").await?;
    // Take the asset row first: a concurrent change of the same ownership waits here.
    lock_asset(&txn, asset.id, expected_version).await?;
    let current = shares_of(&txn, ip_asset_id).await?;
    let current_ids: Vec<Uuid> = current.iter().map(|o| o.institution_id).collect();
    policy::ensure_co_owner(actor, &current_ids, scope::IP_WRITE)?;
    check_owners(&txn, &owners).await?;
    let needed = consent::needed_for_ownership(actor, &current, &owners);
    if !needed.is_empty() {
        return Err(AppError::Forbidden(
            "this change reduces another co-owner's share, which needs their consent: \
             propose it with proposeIpOwnership"
                .into(),
        ));
    }
    replace_owners(&txn, actor, ip_asset_id, &owners, None).await?;
    txn.commit().await?;
    Ok(())
}
