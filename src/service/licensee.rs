//! Licensee accounts: an external organisation that receives a licence gets users (and, through
//! them, API tokens) of its own, which see the deals it receives and report royalties on them.
//!
//! The providing institution's admin invites the licensee — by the deal (the organisation is
//! registered from the deal's recipient the first time) or by the organisation — and gets a
//! one-time invitation token to hand over; only its hash is stored, and it expires after
//! [`INVITATION_TTL`]. Accepting it with a password creates the account (role `LICENSEE`) and
//! logs it in. The registering institution's admins suspend and reactivate the organisation:
//! while suspended, none of its accounts or tokens authenticates.

use chrono::{DateTime, Utc};
use entity::{
    deal,
    enums::Role,
    external_organization::{self, Model as Organization},
    licensee_invitation, user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{
        Principal, PrincipalKind,
        api_token::{generate_secret, hash_secret},
        jwt::JwtKeys,
        login_limits::LoginLimits,
    },
    error::{AppError, AppResult},
    policy,
    service::{
        accounts::{self, LoggedIn},
        audit, text, update_versioned,
    },
};

/// How long an invitation can be accepted.
pub const INVITATION_TTL: chrono::Duration = chrono::Duration::days(7);
/// What every invitation token starts with (it is no API token: `bbt_` is replaced).
const TOKEN_PREFIX: &str = "bbi_";

/// Who to invite, and for which licensee.
#[derive(Debug, Clone)]
pub struct Invite {
    /// The deal whose recipient is invited.
    pub deal: Option<Uuid>,
    /// The licensee organisation (when it exists already).
    pub organization: Option<Uuid>,
    /// The organisation's identifier, recorded when it is registered.
    pub identifier: Option<String>,
    pub email: String,
    pub display_name: String,
}

/// A new invitation; `token` is shown once.
#[derive(Debug)]
pub struct Invited {
    pub invitation: licensee_invitation::Model,
    pub organization: Uuid,
    pub token: String,
}

/// Invites a licensee's user (the admins of the providing institution, and center admins).
pub async fn invite(
    db: &DatabaseConnection,
    actor: &Principal,
    input: Invite,
) -> AppResult<Invited> {
    if actor.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated(
            "log in to invite a licensee".into(),
        ));
    }
    actor.forbid_api_token()?;
    let email = accounts::check_email(&input.email)?;
    let display_name = accounts::check_display_name(&input.display_name)?;
    let identifier = text::optional("identifier", input.identifier.as_deref(), 100)?;
    if input.deal.is_none() && input.organization.is_none() {
        return Err(AppError::bad_input(
            "dealId",
            "name the deal (or the external organisation) whose licensee to invite",
        ));
    }
    let txn = crate::service::txn::begin_write(db).await?;
    let org = match input.deal {
        Some(deal_id) => {
            let deal = policy::find_visible::<deal::Entity>(&txn, actor, deal_id, "deal").await?;
            policy::ensure_account_admin(actor, deal.provider_id)?;
            organization_of_deal(&txn, actor, &deal, input.organization, identifier).await?
        }
        None => {
            let id = input.organization.unwrap_or_default();
            let org = policy::find_visible::<external_organization::Entity>(
                &txn,
                actor,
                id,
                "external organisation",
            )
            .await?;
            policy::ensure_account_admin(actor, org.registered_by)?;
            org
        }
    };
    if org.suspended_at.is_some() {
        return Err(AppError::bad_input(
            "externalOrganizationId",
            "this licensee is suspended: reactivate it first",
        ));
    }
    let token = format!(
        "{TOKEN_PREFIX}{}",
        generate_secret().trim_start_matches("bbt_")
    );
    let now = Utc::now();
    let invitation = licensee_invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(org.id),
        email: Set(email.clone()),
        display_name: Set(display_name.clone()),
        token_hash: Set(hash_secret(&token)),
        expires_at: Set(now + INVITATION_TTL),
        accepted_at: Set(None),
        invited_by: Set(actor.user_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(org.registered_by),
        "licensee.invite",
        "ExternalOrganization",
        org.id,
        json!({
            "invitationId": invitation.id, "email": email, "displayName": display_name,
            "dealId": input.deal, "expiresAt": invitation.expires_at,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Invited {
        organization: org.id,
        invitation,
        token,
    })
}

/// The licensee organisation of `deal`'s external recipient: the one it is linked to, the one
/// named (linked now), or a new one registered from the deal's recipient.
async fn organization_of_deal(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Principal,
    deal: &deal::Model,
    named: Option<Uuid>,
    identifier: Option<String>,
) -> AppResult<Organization> {
    if deal.recipient_institution_id.is_some() {
        return Err(AppError::bad_input(
            "dealId",
            "the recipient is a partner institution: its own admins give it accounts",
        ));
    }
    if let Some(linked) = deal.recipient_organization_id {
        if named.is_some_and(|n| n != linked) {
            return Err(AppError::bad_input(
                "externalOrganizationId",
                "the deal's recipient is another organisation",
            ));
        }
        return external_organization::Entity::find_by_id(linked)
            .one(txn)
            .await?
            .ok_or(AppError::NotFound("external organisation"));
    }
    let org = match named {
        Some(id) => {
            let org = policy::find_visible::<external_organization::Entity>(
                txn,
                actor,
                id,
                "external organisation",
            )
            .await?;
            if org.registered_by != deal.provider_id {
                return Err(AppError::bad_input(
                    "externalOrganizationId",
                    "the organisation was registered by another institution than the deal's provider",
                ));
            }
            org
        }
        None => {
            let now = Utc::now();
            let org = external_organization::ActiveModel {
                id: Set(Uuid::now_v7()),
                name: Set(deal.recipient_external_name.clone().unwrap_or_default()),
                country: Set(deal.recipient_external_country.clone().unwrap_or_default()),
                identifier: Set(identifier),
                registered_by: Set(deal.provider_id),
                suspended_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(txn)
            .await?;
            audit::record(
                txn,
                actor,
                Some(deal.provider_id),
                "licensee.register",
                "ExternalOrganization",
                org.id,
                json!({ "name": org.name, "country": org.country, "identifier": org.identifier, "dealId": deal.id }),
            )
            .await?;
            org
        }
    };
    let link = deal::ActiveModel {
        recipient_organization_id: Set(Some(org.id)),
        ..Default::default()
    };
    update_versioned::<deal::Entity, _>(txn, deal.id, deal.version, link).await?;
    Ok(org)
}

/// Accepts an invitation: creates the licensee's account with `password` and logs it in. An
/// unknown, used or expired token gets one and the same answer.
pub async fn accept(
    db: &DatabaseConnection,
    jwt: &JwtKeys,
    limits: &LoginLimits,
    ttl: std::time::Duration,
    token: &str,
    password: &str,
) -> AppResult<LoggedIn> {
    let invalid = || AppError::bad_input("token", "this invitation is unknown, used or expired");
    accounts::check_password("password", password)?;
    let now = Utc::now();
    let invitation = licensee_invitation::Entity::find()
        .filter(licensee_invitation::Column::TokenHash.eq(hash_secret(token.trim())))
        .one(db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
        .ok_or_else(invalid)?;
    let org = external_organization::Entity::find_by_id(invitation.organization_id)
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if org.suspended_at.is_some() {
        return Err(AppError::bad_input(
            "token",
            "the licensee's access is suspended",
        ));
    }
    let password_hash = accounts::hash_password(limits.password_slot().await?, password).await?;

    let txn = crate::service::txn::begin_write(db).await?;
    // Once: of two concurrent accepts, one marks the invitation and the other finds it used.
    let marked = licensee_invitation::Entity::update_many()
        .col_expr(licensee_invitation::Column::AcceptedAt, Expr::value(now))
        .filter(licensee_invitation::Column::Id.eq(invitation.id))
        .filter(licensee_invitation::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        return Err(invalid());
    }
    let user = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        institution_id: Set(None),
        organization_id: Set(Some(org.id)),
        email: Set(invitation.email.clone()),
        display_name: Set(invitation.display_name.clone()),
        role: Set(Role::Licensee),
        password_hash: Set(password_hash),
        disabled_at: Set(None),
        tokens_valid_after: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    let as_user = Principal {
        kind: PrincipalKind::User,
        user_id: Some(user.id),
        api_token_id: None,
        institution: None,
        licensee_of: Some(org.id),
        role: Some(Role::Licensee),
        scopes: Vec::new(),
    };
    audit::record(
        &txn,
        &as_user,
        Some(org.registered_by),
        "licensee.accept",
        "User",
        user.id,
        json!({ "invitationId": invitation.id, "organizationId": org.id, "email": user.email }),
    )
    .await?;
    txn.commit().await?;
    let (access_token, expires_at) = jwt
        .issue(
            &user.id.to_string(),
            org.id,
            &sea_orm::ActiveEnum::to_value(&Role::Licensee),
            "",
            ttl,
        )
        .map_err(AppError::Internal)?;
    Ok(LoggedIn {
        access_token,
        expires_at,
        user,
    })
}

/// Suspends (`suspend`) or reactivates a licensee organisation: the admins of the institution
/// that registered it, and center admins. Doing it twice changes nothing. The caller evicts the
/// organisation from the authenticator's caches.
pub async fn set_suspended(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    suspend: bool,
) -> AppResult<Organization> {
    let txn = crate::service::txn::begin_write(db).await?;
    let org = policy::find_visible::<external_organization::Entity>(
        &txn,
        actor,
        id,
        "external organisation",
    )
    .await?;
    policy::ensure_account_admin(actor, org.registered_by)?;
    let suspended_at: Option<DateTime<Utc>> = match (suspend, org.suspended_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(Utc::now()),
        (false, _) => None,
    };
    if suspended_at != org.suspended_at {
        let am = external_organization::ActiveModel {
            suspended_at: Set(suspended_at),
            ..Default::default()
        };
        update_versioned::<external_organization::Entity, _>(&txn, id, org.version, am).await?;
    }
    audit::record(
        &txn,
        actor,
        Some(org.registered_by),
        if suspend {
            "licensee.suspend"
        } else {
            "licensee.reactivate"
        },
        "ExternalOrganization",
        id,
        json!({ "suspendedAt": suspended_at, "unchanged": suspended_at == org.suspended_at }),
    )
    .await?;
    let org = external_organization::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("external organisation"))?;
    txn.commit().await?;
    Ok(org)
}
