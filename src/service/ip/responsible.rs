//! Who answers for an IP asset's docket: the user chosen for it ([`set_responsible`]), or by
//! default the IP administrator of the asset's principal owner (the largest share) — its oldest
//! active INSTITUTION_ADMIN, the role that manages the institution's accounts and, in a
//! technology-transfer office, its patents. A chosen user who has been disabled no longer
//! answers: the default does again.

use std::collections::HashMap;

use chrono::Utc;
use entity::{enums::Role, ip_asset, ip_ownership, ip_responsible, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::audit,
};

/// The user responsible for an asset, and whether someone chose them (else the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsible {
    pub user: user::Model,
    pub assigned: bool,
}

/// The responsible user of each of `assets` (that has one), in three statements whatever their
/// number. Callers decide who may see the answer (see `policy::may_see_docket_details`).
pub async fn for_assets(
    db: &impl ConnectionTrait,
    assets: &[Uuid],
) -> AppResult<HashMap<Uuid, Responsible>> {
    let chosen: HashMap<Uuid, Uuid> = ip_responsible::Entity::find()
        .filter(ip_responsible::Column::IpAssetId.is_in(assets.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.ip_asset_id, r.user_id))
        .collect();
    let mut principal: HashMap<Uuid, (i32, std::cmp::Reverse<Uuid>, Uuid)> = HashMap::new();
    for o in ip_ownership::Entity::find()
        .filter(ip_ownership::Column::IpAssetId.is_in(assets.iter().copied()))
        .all(db)
        .await?
    {
        let key = (o.share_bp, std::cmp::Reverse(o.id), o.institution_id);
        let best = principal.entry(o.ip_asset_id).or_insert(key);
        if key > *best {
            *best = key;
        }
    }
    let institutions: Vec<Uuid> = principal.values().map(|(_, _, i)| *i).collect();
    let users = user::Entity::find()
        .filter(user::Column::DisabledAt.is_null())
        .filter(
            Condition::any()
                .add(user::Column::Id.is_in(chosen.values().copied()))
                .add(
                    Condition::all()
                        .add(user::Column::InstitutionId.is_in(institutions))
                        .add(user::Column::Role.eq(Role::InstitutionAdmin)),
                ),
        )
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for asset in assets {
        let assigned = chosen
            .get(asset)
            .and_then(|id| users.iter().find(|u| u.id == *id));
        let default = || {
            let (_, _, owner) = principal.get(asset)?;
            users
                .iter()
                .find(|u| u.institution_id == Some(*owner) && u.role == Role::InstitutionAdmin)
        };
        let found = match assigned {
            Some(u) => Some(Responsible {
                user: u.clone(),
                assigned: true,
            }),
            None => default().map(|u| Responsible {
                user: u.clone(),
                assigned: false,
            }),
        };
        if let Some(r) = found {
            out.insert(*asset, r);
        }
    }
    Ok(out)
}

/// Makes `user` responsible for the asset, or (`None`) returns it to the default. The asset's
/// co-owners (and center admins) may; the user must be an active user of a co-owner.
pub async fn set_responsible(
    db: &sea_orm::DatabaseConnection,
    actor: &Principal,
    asset_id: Uuid,
    user_id: Option<Uuid>,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let txn = crate::service::txn::begin_write(db).await?;
    policy::find_visible::<ip_asset::Entity>(&txn, actor, asset_id, "IP asset").await?;
    let (owners, principal) = super::owners_of(&txn, asset_id).await?;
    policy::ensure_co_owner(actor, &owners, scope::IP_WRITE)?;
    if let Some(id) = user_id {
        // Unknown, disabled or of another institution: one answer, so nothing leaks about
        // accounts outside the co-owners.
        let ok = user::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .is_some_and(|u| {
                u.disabled_at.is_none() && u.institution_id.is_some_and(|i| owners.contains(&i))
            });
        if !ok {
            return Err(AppError::bad_input(
                "userId",
                "not an active user of one of the asset's owners",
            ));
        }
    }
    ip_responsible::Entity::delete_many()
        .filter(ip_responsible::Column::IpAssetId.eq(asset_id))
        .exec(&txn)
        .await?;
    if let Some(id) = user_id {
        let now = Utc::now();
        ip_responsible::ActiveModel {
            id: Set(Uuid::now_v7()),
            ip_asset_id: Set(asset_id),
            user_id: Set(id),
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
        "ipAsset.setResponsible",
        "IpAsset",
        asset_id,
        json!({ "responsibleUserId": user_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
