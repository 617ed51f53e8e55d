//! Co-ownership of IP assets: the shares add up to 10000 basis points and are replaced as a
//! whole, by a current co-owner or a center admin.

use chrono::Utc;
use entity::{institution, ip_asset, ip_ownership};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;
use uuid::Uuid;

use super::owners_of;
use crate::service::txn::begin_write;
use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, technology::check_shares, update_versioned},
};

/// One co-owner's share of an IP asset.
#[derive(Debug, Clone, Copy)]
pub struct OwnerShare {
    pub institution_id: Uuid,
    pub share_bp: i32,
}

/// Replaces the co-owners of an IP asset atomically; shares add up to 10000 basis points.
/// With `expected_version`, a concurrent change of the asset is a CONFLICT; either way the
/// asset's version moves on, which also serialises concurrent ownership changes.
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
    match expected_version {
        Some(v) => {
            update_versioned::<ip_asset::Entity, _>(
                &txn,
                ip_asset_id,
                v,
                <ip_asset::ActiveModel as Default>::default(),
            )
            .await?
        }
        None => {
            ip_asset::Entity::update_many()
                .col_expr(
                    ip_asset::Column::Version,
                    Expr::col(ip_asset::Column::Version).add(1),
                )
                .col_expr(ip_asset::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(ip_asset::Column::Id.eq(asset.id))
                .exec(&txn)
                .await?;
        }
    }
    let (current, principal) = owners_of(&txn, ip_asset_id).await?;
    policy::ensure_co_owner(actor, &current, scope::IP_WRITE)?;
    let ids: Vec<Uuid> = owners.iter().map(|o| o.institution_id).collect();
    let known = institution::Entity::find()
        .filter(institution::Column::Id.is_in(ids))
        .count(&txn)
        .await?;
    if known != owners.len() as u64 {
        return Err(AppError::bad_input(
            "owners.institutionId",
            "a named institution does not exist",
        ));
    }
    ip_ownership::Entity::delete_many()
        .filter(ip_ownership::Column::IpAssetId.eq(ip_asset_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for o in &owners {
        ip_ownership::ActiveModel {
            id: Set(Uuid::now_v7()),
            ip_asset_id: Set(ip_asset_id),
            institution_id: Set(o.institution_id),
            share_bp: Set(o.share_bp),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        principal,
        "ipAsset.setOwnership",
        "IpAsset",
        ip_asset_id,
        json!({ "owners": owners.iter().map(|o| json!({ "institutionId": o.institution_id, "shareBasisPoints": o.share_bp })).collect::<Vec<_>>() }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
