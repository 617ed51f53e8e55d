//! API tokens of partner systems: creation (the secret is returned once, only its hash is
//! stored), revocation, look-up by secret, and writing recorded uses to `last_used_at`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{api_token, external_organization, institution};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{
        Principal, PrincipalInstitution,
        api_token::{TokenRecord, display_prefix, generate_secret, hash_secret},
        scope,
    },
    error::{AppError, AppResult},
    graphql::scalars::string_list,
    policy,
    service::{audit, update_versioned},
};

/// A new API token.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// The institution the token acts for; the actor's own when `None`.
    pub institution: Option<Uuid>,
    pub name: String,
    pub scopes: Vec<String>,
    /// `None`: the token never expires (until revoked).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Scopes must be known (DESIGN.md names them); duplicates are dropped, order is canonical.
pub fn check_scopes(scopes: &[String]) -> AppResult<Vec<String>> {
    if scopes.is_empty() {
        return Err(AppError::bad_input(
            "scopes",
            "grant at least one scope, e.g. technology:read",
        ));
    }
    if let Some(unknown) = scopes.iter().find(|s| !scope::ALL.contains(&s.as_str())) {
        return Err(AppError::bad_input(
            "scopes",
            format!(
                "unknown scope {unknown:?}; scopes are {}",
                scope::ALL.join(", ")
            ),
        ));
    }
    Ok(scope::ALL
        .iter()
        .filter(|s| scopes.iter().any(|given| given == *s))
        .map(|s| (*s).to_owned())
        .collect())
}

fn check_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::bad_input(
            "name",
            "a token's name has 1 to 100 characters, e.g. \"ERP royalty export\"",
        ));
    }
    Ok(name.to_owned())
}

/// Creates a token; returns its id and the secret, which is never shown again.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewApiToken,
) -> AppResult<(Uuid, String)> {
    // A licensee's user makes its organisation's tokens, which read and report on its deals.
    let organization = match policy::licensee_user_of(actor) {
        Some(org) if input.institution.is_none() => Some(org),
        _ => None,
    };
    let institution_id = input
        .institution
        .or(actor.institution_id())
        .unwrap_or_default();
    if organization.is_none() {
        policy::ensure_account_admin(actor, institution_id)?;
    }
    // `created_by` names a user: operator and identity-provider tokens have none.
    let Some(creator) = actor.user_id else {
        return Err(AppError::Forbidden(
            "log in as a BioBridge user to create API tokens (a token records who created it)"
                .into(),
        ));
    };
    let name = check_name(&input.name)?;
    let scopes = check_scopes(&input.scopes)?;
    if organization.is_some()
        && let Some(other) = scopes
            .iter()
            .find(|s| !scope::LICENSEE.contains(&s.as_str()))
    {
        return Err(AppError::bad_input(
            "scopes",
            format!(
                "a licensee's token may hold {} only, not {other:?}",
                scope::LICENSEE.join(", ")
            ),
        ));
    }
    let now = Utc::now();
    if input.expires_at.is_some_and(|exp| exp <= now) {
        return Err(AppError::bad_input(
            "expiresAt",
            "the expiry lies in the past",
        ));
    }
    if organization.is_none() {
        policy::find_visible::<institution::Entity>(db, actor, institution_id, "institution")
            .await?;
    }
    let institution_id = organization.is_none().then_some(institution_id);

    let secret = generate_secret();
    let prefix = display_prefix(&secret);
    let id = Uuid::now_v7();
    let txn = crate::service::txn::begin_write(db).await?;
    api_token::ActiveModel {
        id: Set(id),
        institution_id: Set(institution_id),
        organization_id: Set(organization),
        name: Set(name.clone()),
        prefix: Set(prefix.clone()),
        secret_hash: Set(hash_secret(&secret)),
        scopes: Set(json!(scopes)),
        created_by: Set(creator),
        expires_at: Set(input.expires_at),
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
        institution_id,
        "apiToken.create",
        "ApiToken",
        id,
        json!({ "name": name, "prefix": prefix, "scopes": scopes, "expiresAt": input.expires_at, "institutionId": institution_id, "organizationId": organization }),
    )
    .await?;
    txn.commit().await?;
    Ok((id, secret))
}

/// Revokes a token for good. Revoking twice changes nothing. The caller evicts the token from
/// the authenticator's cache so that this instance refuses it at once.
pub async fn revoke(db: &DatabaseConnection, actor: &Principal, id: Uuid) -> AppResult<()> {
    let txn = crate::service::txn::begin_write(db).await?;
    let token = policy::find_visible::<api_token::Entity>(&txn, actor, id, "API token").await?;
    match (token.institution_id, token.organization_id) {
        (Some(inst), _) => policy::ensure_account_admin(actor, inst)?,
        // Visible to a licensee's users (and center admins), who revoke it.
        (None, _) => actor.forbid_api_token()?,
    }
    // Revoking twice changes nothing, but it answers success, so it is audited too.
    let revoked_at = match token.revoked_at {
        Some(at) => at,
        None => {
            let now = Utc::now();
            let am = api_token::ActiveModel {
                revoked_at: Set(Some(now)),
                ..Default::default()
            };
            update_versioned::<api_token::Entity, _>(&txn, id, token.version, am).await?;
            now
        }
    };
    audit::record(
        &txn,
        actor,
        token.institution_id,
        "apiToken.revoke",
        "ApiToken",
        id,
        json!({ "revokedAt": revoked_at, "alreadyRevoked": token.revoked_at.is_some() }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The API token `actor` authenticated with — its own row, whatever the policy lets it list
/// (tokens may not list tokens); `None` for every other principal.
pub async fn own(
    db: &impl ConnectionTrait,
    actor: &Principal,
) -> AppResult<Option<api_token::Model>> {
    let Some(id) = actor.api_token_id else {
        return Ok(None);
    };
    Ok(api_token::Entity::find_by_id(id).one(db).await?)
}

/// The token whose secret hashes to `secret_hash`, with its institution (usable or not). A
/// licensee's token is found only while its organisation is not suspended.
pub async fn find_by_secret_hash(
    db: &impl ConnectionTrait,
    secret_hash: &str,
) -> AppResult<Option<TokenRecord>> {
    let Some((token, inst)) = api_token::Entity::find()
        .filter(api_token::Column::SecretHash.eq(secret_hash))
        .find_also_related(institution::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let (institution, licensee_of) = match (inst, token.organization_id) {
        (Some(inst), _) => {
            let inst = PrincipalInstitution {
                id: inst.id,
                membership: inst.membership,
                region: inst.region,
            };
            (Some(inst), None)
        }
        (None, Some(org)) => {
            let active = external_organization::Entity::find_by_id(org)
                .one(db)
                .await?
                .is_some_and(|o| o.suspended_at.is_none());
            if !active {
                return Ok(None);
            }
            (None, Some(org))
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(TokenRecord {
        id: token.id,
        institution,
        licensee_of,
        scopes: string_list(&token.scopes),
        expires_at: token.expires_at,
        revoked_at: token.revoked_at,
    }))
}

/// Writes recorded uses to `last_used_at` (never moving it backwards). Bookkeeping, not an
/// edit: `version` and `updated_at` stay, so a client's `expectedVersion` is not invalidated by
/// the token being used.
pub async fn write_last_used(
    db: &impl ConnectionTrait,
    uses: &HashMap<Uuid, DateTime<Utc>>,
) -> AppResult<()> {
    for (id, at) in uses {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(*at))
            .filter(api_token::Column::Id.eq(*id))
            .filter(
                Condition::any()
                    .add(api_token::Column::LastUsedAt.is_null())
                    .add(api_token::Column::LastUsedAt.lt(*at)),
            )
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_known_deduplicated_and_ordered() {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            check_scopes(&s(&["deal:write", "technology:read", "deal:write"])).unwrap(),
            s(&["technology:read", "deal:write"])
        );
        for bad in [
            s(&[]),
            s(&["technology:read", "admin"]),
            s(&["TECHNOLOGY:READ"]),
        ] {
            let err = check_scopes(&bad).unwrap_err();
            assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "scopes"));
        }
    }
}
