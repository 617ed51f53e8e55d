//! Users: logging in, creating and disabling accounts, changing one's password.
//!
//! Login answers an unknown e-mail and a wrong password alike — same error, same message, and
//! an argon2 verification either way (against a decoy hash when there is no such user) — and
//! throttles repeated failures per e-mail address and per client address. Every password hash
//! runs in one of a bounded number of slots (see `auth::login_limits`).

use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use entity::{enums::Role, external_organization, institution, user};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{
        Principal, PrincipalKind, client_address::ClientAddress, jwt::JwtKeys,
        login_limits::LoginLimits, password, password_slots::PasswordSlot,
    },
    error::{AppError, AppResult},
    policy,
    service::{audit, email_domains, update_versioned},
};

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password (argon2 would take them, but nobody types more).
pub const MAX_PASSWORD_CHARS: usize = 1024;

const WRONG_CREDENTIALS: &str = "wrong e-mail address or password";

/// E-mail addresses are compared and stored lower-case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub(crate) fn check_email(email: &str) -> AppResult<String> {
    let email = normalize_email(email);
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(AppError::bad_input(
            "email",
            "not an e-mail address like name@university.edu",
        ))
    }
}

pub(crate) fn check_password(field: &str, password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("a password has at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

pub(crate) fn check_display_name(name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::bad_input(
            "displayName",
            "a display name has 1 to 200 characters",
        ));
    }
    Ok(name.to_owned())
}

/// Argon2 is slow on purpose: keep it off the async workers. The slot is held until the hash
/// is done, even when the request is abandoned meanwhile.
async fn verify_password(slot: PasswordSlot, password: &str, phc: &str) -> AppResult<bool> {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    tokio::task::spawn_blocking(move || {
        let matches = password::verify(&password, &phc);
        drop(slot);
        matches
    })
    .await
    .map_err(AppError::internal)
}

pub(crate) async fn hash_password(slot: PasswordSlot, password: &str) -> AppResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let hash = password::hash(&password);
        drop(slot);
        hash
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::Internal)
}

/// The principal a user acts as once logged in (for the audit trail of `login`).
fn principal_of(user: &user::Model) -> Principal {
    Principal {
        kind: PrincipalKind::User,
        user_id: Some(user.id),
        api_token_id: None,
        institution: None,
        licensee_of: user.organization_id,
        role: Some(user.role),
        scopes: Vec::new(),
    }
}

/// A successful login.
pub struct LoggedIn {
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: user::Model,
}

/// Checks `email` and `password` from `client` and issues an access token valid for `ttl`.
pub async fn login(
    db: &DatabaseConnection,
    jwt: &JwtKeys,
    limits: &LoginLimits,
    client: ClientAddress,
    ttl: Duration,
    email: &str,
    password: &str,
) -> AppResult<LoggedIn> {
    if !jwt.can_issue() {
        return Err(AppError::Forbidden(
            "this server accepts access tokens of an external identity provider: log in there"
                .into(),
        ));
    }
    let email = normalize_email(email);
    let (attempt, slot) = limits.admit(&email, client).await?;
    // Before authentication, so not through the policy: the row is only compared with.
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(db)
        .await?;
    let phc = found
        .as_ref()
        .map_or(password::decoy(), |u| u.password_hash.as_str());
    let matches = verify_password(slot, password, phc).await?;
    let user = match found {
        Some(user) if matches && user.disabled_at.is_none() => user,
        _ => return Err(AppError::Unauthenticated(WRONG_CREDENTIALS.into())),
    };
    attempt.succeeded();
    // A licensee's user acts for its organisation, which its provider may have suspended.
    let tenant = match (user.institution_id, user.organization_id) {
        (Some(inst), _) => inst,
        (None, Some(org)) => {
            let active = external_organization::Entity::find_by_id(org)
                .one(db)
                .await?
                .is_some_and(|o| o.suspended_at.is_none());
            if !active {
                return Err(AppError::Unauthenticated(
                    "your organisation's access is suspended".into(),
                ));
            }
            org
        }
        (None, None) => return Err(AppError::Unauthenticated(WRONG_CREDENTIALS.into())),
    };

    // Not before the user's `tokens_valid_after`, or the new token would count as revoked.
    let issued_at = user
        .tokens_valid_after
        .map_or_else(Utc::now, |t| t.max(Utc::now()));
    let (access_token, expires_at) = jwt
        .issue_at(
            &user.id.to_string(),
            tenant,
            &user.role.to_value(),
            "",
            ttl,
            issued_at,
        )
        .map_err(AppError::Internal)?;
    audit::record(
        db,
        &principal_of(&user),
        user.institution_id,
        "user.login",
        "User",
        user.id,
        json!({}),
    )
    .await?;
    Ok(LoggedIn {
        access_token,
        expires_at,
        user,
    })
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The institution; the actor's own when `None`.
    pub institution: Option<Uuid>,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// Creates a user (admins of the institution and center admins), with an address in one of the
/// institution's e-mail domains.
pub async fn create_user(
    db: &DatabaseConnection,
    actor: &Principal,
    limits: &LoginLimits,
    input: NewUser,
) -> AppResult<crate::service::txn::Written<entity::user::Model>> {
    let institution_id = input
        .institution
        .or(actor.institution_id())
        .unwrap_or_default();
    policy::ensure_account_admin(actor, institution_id)?;
    if input.role == Role::Licensee {
        return Err(AppError::bad_input(
            "role",
            "licensee accounts are created by accepting an invitation (inviteLicensee)",
        ));
    }
    policy::ensure_may_grant_role(actor, input.role)?;
    let email = check_email(&input.email)?;
    let display_name = check_display_name(&input.display_name)?;
    check_password("password", &input.password)?;
    policy::find_visible::<institution::Entity>(db, actor, institution_id, "institution").await?;
    // Before the address can meet the unique index: a conflict is then about the institution's
    // own people only.
    email_domains::ensure_email_allowed(db, institution_id, &email).await?;
    let password_hash = hash_password(limits.password_slot().await?, &input.password).await?;

    let txn = crate::service::txn::begin_write(db).await?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    user::ActiveModel {
        id: Set(id),
        institution_id: Set(Some(institution_id)),
        organization_id: Set(None),
        email: Set(email.clone()),
        display_name: Set(display_name.clone()),
        role: Set(input.role),
        password_hash: Set(password_hash),
        disabled_at: Set(None),
        tokens_valid_after: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(institution_id),
        "user.create",
        "User",
        id,
        json!({ "email": email, "displayName": display_name, "role": input.role, "institutionId": institution_id }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::user::Entity>(txn, actor, id).await
}

/// Disables a user: they cannot log in, and their access tokens stop working at once (the
/// authenticator checks `disabled_at` on every request). Disabling twice changes nothing.
pub async fn disable_user(db: &DatabaseConnection, actor: &Principal, id: Uuid) -> AppResult<()> {
    let txn = crate::service::txn::begin_write(db).await?;
    let target = policy::find_visible::<user::Entity>(&txn, actor, id, "user").await?;
    policy::ensure_account_admin(actor, account_institution(&txn, &target).await?)?;
    policy::ensure_may_grant_role(actor, target.role)?;
    if actor.user_id == Some(target.id) {
        return Err(AppError::bad_input(
            "id",
            "you cannot disable your own account",
        ));
    }
    // Disabling twice changes nothing, but it answers success, so it is audited too.
    let disabled_at = match target.disabled_at {
        Some(at) => at,
        None => {
            let now = Utc::now();
            let am = user::ActiveModel {
                disabled_at: Set(Some(now)),
                ..Default::default()
            };
            update_versioned::<user::Entity, _>(&txn, id, target.version, am).await?;
            now
        }
    };
    audit::record(
        &txn,
        actor,
        target.institution_id,
        "user.disable",
        "User",
        id,
        json!({ "disabledAt": disabled_at, "alreadyDisabled": target.disabled_at.is_some() }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The institution whose admins manage `user`: its own, or for a licensee's user the
/// institution that registered the licensee.
pub async fn account_institution(
    db: &impl sea_orm::ConnectionTrait,
    user: &user::Model,
) -> AppResult<Uuid> {
    if let Some(inst) = user.institution_id {
        return Ok(inst);
    }
    let org = user.organization_id.ok_or(AppError::NotFound("user"))?;
    Ok(external_organization::Entity::find_by_id(org)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("user"))?
        .registered_by)
}

/// The first whole second after `now`: access tokens carry whole-second `iat`s, so every token
/// issued up to now has an `iat` before it.
fn next_second(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(chrono::Duration::seconds(1))
        .unwrap_or(now)
        + chrono::Duration::seconds(1)
}

/// Changes the viewer's own password; access tokens issued before stop working (log in again).
/// Wrong current passwords count towards the login throttle of the address.
pub async fn change_password(
    db: &DatabaseConnection,
    actor: &Principal,
    limits: &LoginLimits,
    current_password: &str,
    new_password: &str,
) -> AppResult<Uuid> {
    if actor.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated(
            "log in to change your password".into(),
        ));
    }
    actor.forbid_api_token()?;
    let Some(id) = actor.user_id else {
        return Err(AppError::Forbidden(
            "only a user who logged in with a password can change it".into(),
        ));
    };
    check_password("newPassword", new_password)?;
    let user = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let slot = limits.password_slot().await?;
    limits.begin_password_check(&user.email)?;
    if !verify_password(slot, current_password, &user.password_hash).await? {
        return Err(AppError::bad_input(
            "currentPassword",
            "the current password is wrong",
        ));
    }
    limits.password_check_succeeded(&user.email);
    let password_hash = hash_password(limits.password_slot().await?, new_password).await?;

    let txn = crate::service::txn::begin_write(db).await?;
    let valid_after = next_second(Utc::now());
    let am = user::ActiveModel {
        password_hash: Set(password_hash),
        tokens_valid_after: Set(Some(valid_after)),
        ..Default::default()
    };
    update_versioned::<user::Entity, _>(&txn, id, user.version, am).await?;
    audit::record(
        &txn,
        actor,
        user.institution_id,
        "user.changePassword",
        "User",
        id,
        json!({ "tokensValidAfter": valid_after }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            check_email("  Ana.Petrovic@UNIBL.example ").unwrap(),
            "ana.petrovic@unibl.example"
        );
        for bad in [
            "",
            "no-at",
            "@x.example",
            "a@",
            "a@b",
            "a b@x.example",
            "a@@x.example",
            "a@.x",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_have_at_least_twelve_characters() {
        assert!(check_password("password", "short-pass1").is_err());
        assert!(check_password("password", "long-enough-1").is_ok());
        // Characters, not bytes.
        assert!(check_password("password", "密码密码密码密码密码密").is_err());
        let err = check_password("newPassword", "x").unwrap_err();
        assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "newPassword"));
    }

    #[test]
    fn tokens_are_valid_from_the_next_whole_second() {
        let t: DateTime<Utc> = "2026-01-01T12:00:00.250Z".parse().unwrap();
        assert_eq!(next_second(t).to_rfc3339(), "2026-01-01T12:00:01+00:00");
        let whole: DateTime<Utc> = "2026-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(next_second(whole).to_rfc3339(), "2026-01-01T12:00:01+00:00");
    }
}
