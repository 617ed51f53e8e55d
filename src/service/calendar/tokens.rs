//! Feed tokens: created for oneself (the secret is returned once, only its hash is stored),
//! listed and revoked by their user; looked up by the secret when a feed is fetched.
//!
//! A feed token speaks for its user with the user's role and institution, but only on
//! `/calendar/*`: its secret (`bbf_…`) is neither an API token nor a JWT, so the GraphQL
//! endpoint refuses it. It stops working when revoked, when its user is disabled, and when the
//! user's sessions are ended (`tokens_valid_after`, e.g. a password change) after it was made.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{SubsecRound, Utc};
use entity::{calendar_feed_token, enums::Role, institution, user};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{
        Principal, PrincipalInstitution, PrincipalKind,
        api_token::{display_prefix, hash_secret},
    },
    error::{AppError, AppResult},
    policy,
    service::{audit, update_versioned},
};

/// What every feed-token secret starts with.
pub const SECRET_PREFIX: &str = "bbf_";

/// A fresh secret: `bbf_` + base64url of 32 random bytes.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn check_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            "name",
            "a feed token's name has 1 to 100 characters, e.g. \"Thunderbird at the office\"",
        ));
    }
    Ok(name.to_owned())
}

/// Creates a feed token for the actor itself; returns its id and the secret, which is never
/// shown again. Users of an institution only: not API tokens, operators or licensees.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    name: &str,
) -> AppResult<(Uuid, String)> {
    let user_id = feed_owner(actor)?;
    let name = check_name(name)?;
    let secret = generate_secret();
    let prefix = display_prefix(&secret);
    let now = Utc::now();
    let id = Uuid::now_v7();
    let txn = crate::service::txn::begin_write(db).await?;
    calendar_feed_token::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        name: Set(name.clone()),
        prefix: Set(prefix.clone()),
        secret_hash: Set(hash_secret(&secret)),
        revoked_at: Set(None),
        last_used_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        actor.institution_id(),
        "calendarFeedToken.create",
        "CalendarFeedToken",
        id,
        json!({ "name": name, "prefix": prefix }),
    )
    .await?;
    txn.commit().await?;
    Ok((id, secret))
}

/// The user a feed token may be made for: the actor, when it is a logged-in user of an
/// institution.
fn feed_owner(actor: &Principal) -> AppResult<Uuid> {
    match actor.user_id {
        Some(user)
            if actor.kind == PrincipalKind::User
                && actor.institution.is_some()
                && actor.role != Some(Role::Licensee) =>
        {
            Ok(user)
        }
        _ => Err(AppError::Forbidden(
            "calendar feed tokens are for users of an institution, logged in as themselves".into(),
        )),
    }
}

/// The actor's own feed tokens, newest first.
pub async fn own(
    db: &impl ConnectionTrait,
    actor: &Principal,
) -> AppResult<Vec<calendar_feed_token::Model>> {
    Ok(policy::visible::<calendar_feed_token::Entity>(actor)
        .order_by_desc(calendar_feed_token::Column::CreatedAt)
        .order_by_desc(calendar_feed_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the actor's feed tokens for good; revoking twice changes nothing.
pub async fn revoke(db: &DatabaseConnection, actor: &Principal, id: Uuid) -> AppResult<()> {
    let txn = crate::service::txn::begin_write(db).await?;
    let token =
        policy::find_visible::<calendar_feed_token::Entity>(&txn, actor, id, "calendar feed token")
            .await?;
    let revoked_at = match token.revoked_at {
        Some(at) => at,
        None => {
            let now = Utc::now();
            let am = calendar_feed_token::ActiveModel {
                revoked_at: Set(Some(now)),
                ..Default::default()
            };
            update_versioned::<calendar_feed_token::Entity, _>(&txn, id, token.version, am).await?;
            now
        }
    };
    audit::record(
        &txn,
        actor,
        actor.institution_id(),
        "calendarFeedToken.revoke",
        "CalendarFeedToken",
        id,
        json!({ "revokedAt": revoked_at, "alreadyRevoked": token.revoked_at.is_some() }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The principal a feed secret speaks for — its user, with the user's role and institution —
/// or `None` when the secret is unknown, revoked, or its user can no longer act. Records the
/// use. The caller answers every `None` alike, so a stranger learns nothing from it.
pub async fn principal_for(db: &DatabaseConnection, secret: &str) -> AppResult<Option<Principal>> {
    if !secret.starts_with(SECRET_PREFIX) || secret.len() > 100 {
        return Ok(None);
    }
    let Some((token, Some(user))) = calendar_feed_token::Entity::find()
        .filter(calendar_feed_token::Column::SecretHash.eq(hash_secret(secret)))
        .filter(calendar_feed_token::Column::RevokedAt.is_null())
        .find_also_related(user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let ended = user
        .tokens_valid_after
        .is_some_and(|after| token.created_at < after);
    if user.disabled_at.is_some() || ended || user.role == Role::Licensee {
        return Ok(None);
    }
    let Some(inst) = user.institution_id else {
        return Ok(None);
    };
    let Some(inst) = institution::Entity::find_by_id(inst).one(db).await? else {
        return Ok(None);
    };
    // Bookkeeping, not an edit: the version stays.
    calendar_feed_token::Entity::update_many()
        .col_expr(
            calendar_feed_token::Column::LastUsedAt,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .filter(calendar_feed_token::Column::Id.eq(token.id))
        .exec(db)
        .await?;
    Ok(Some(Principal {
        kind: PrincipalKind::User,
        user_id: Some(user.id),
        api_token_id: None,
        institution: Some(PrincipalInstitution {
            id: inst.id,
            membership: inst.membership,
            region: inst.region,
        }),
        licensee_of: None,
        role: Some(user.role),
        scopes: Vec::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_feed_secrets_and_not_api_tokens() {
        let s = generate_secret();
        assert!(s.starts_with(SECRET_PREFIX));
        assert_eq!(s.len(), 4 + 43);
        assert!(!crate::auth::api_token::is_api_token(&s));
        assert_ne!(s, generate_secret());
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(check_name("  Thunderbird ").unwrap(), "Thunderbird");
        assert!(check_name(" ").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert!(check_name("a\nb").is_err());
    }
}
