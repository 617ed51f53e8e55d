//! Idempotency keys: the same mutation sent twice with the same `Idempotency-Key` by the same
//! principal within [`KEY_LIFETIME`] does its work once; the second request gets the first
//! answer back. The answers live in the database (`idempotency_keys`), so this holds across
//! instances and restarts.
//!
//! [`claim`] reserves the key before the work (a row without an answer: in progress), and
//! [`complete`] stores the answer after it. The unique (principal, key) pair settles races: of
//! two concurrent requests with one key exactly one does the work; the other is told it is in
//! progress. An answer that did not happen — the database was unavailable, or an internal
//! error — is [`release`]d so that a retry does the work.

use chrono::{Duration, Utc};
use entity::idempotency_key::{self, Entity as Keys};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, SqlErr,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    auth::{Principal, PrincipalKind},
    error::{AppError, AppResult},
};

/// How long a key's first answer is kept and replayed.
pub const KEY_LIFETIME: Duration = Duration::hours(24);

/// A key still "in progress" after this is taken to belong to a request that died (its
/// process stopped before it could store the answer) and may be claimed again.
pub const ABANDONED_AFTER: Duration = Duration::minutes(2);

/// The longest key accepted (a UUID is 36 characters).
pub const MAX_KEY_LEN: usize = 255;

/// What the caller must do with a request.
#[derive(Debug)]
pub enum Claim {
    /// First time: do the work, then [`complete`] (or [`release`]) this row.
    Fresh(Uuid),
    /// Done before: send this answer again.
    Replay { status: u16, body: String },
}

/// Whose key it is: keys of different principals never meet.
pub fn principal_key(p: &Principal) -> Option<String> {
    match p.kind {
        PrincipalKind::Anonymous => None,
        PrincipalKind::ApiToken => p.api_token_id.map(|id| format!("token:{id}")),
        PrincipalKind::User => Some(match (p.user_id, p.institution_id(), p.role) {
            (Some(user), _, _) => format!("user:{user}"),
            // An operator token (`biobridge token`) stands for an institution and a role.
            (None, institution, role) => format!(
                "jwt:{}:{}",
                institution.map(|i| i.to_string()).unwrap_or_default(),
                role.map(|r| sea_orm::ActiveEnum::to_value(&r))
                    .unwrap_or_default()
            ),
        }),
    }
}

/// The key as sent: 1–255 visible ASCII characters.
pub fn check_key(key: &str) -> AppResult<()> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::bad_input(
            "Idempotency-Key",
            format!("an Idempotency-Key is 1 to {MAX_KEY_LEN} visible ASCII characters"),
        ));
    }
    Ok(())
}

/// A fingerprint of the request: a reused key must come with the same request.
pub fn request_hash(canonical_request: &str) -> String {
    hex::encode(Sha256::digest(canonical_request.as_bytes()))
}

/// Reserves `key` for `principal`, or says how it was answered before.
pub async fn claim(
    db: &DatabaseConnection,
    principal: &str,
    key: &str,
    hash: &str,
) -> AppResult<Claim> {
    let now = Utc::now();
    // Forget answers past their lifetime (all of them: the index on created_at makes it cheap).
    Keys::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(now - KEY_LIFETIME))
        .exec(db)
        .await?;
    // A reservation whose request died without answering.
    Keys::delete_many()
        .filter(idempotency_key::Column::Principal.eq(principal))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::ResponseBody.is_null())
        .filter(idempotency_key::Column::CreatedAt.lt(now - ABANDONED_AFTER))
        .exec(db)
        .await?;
    let id = Uuid::now_v7();
    let row = idempotency_key::ActiveModel {
        id: Set(id),
        principal: Set(principal.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(hash.to_owned()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(now),
    };
    match row.insert(db).await {
        Ok(_) => Ok(Claim::Fresh(id)),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            earlier(db, principal, key, hash).await
        }
        Err(err) => Err(err.into()),
    }
}

/// The earlier request with this key, which won the reservation.
async fn earlier(
    db: &DatabaseConnection,
    principal: &str,
    key: &str,
    hash: &str,
) -> AppResult<Claim> {
    let found = Keys::find()
        .filter(idempotency_key::Column::Principal.eq(principal))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(db)
        .await?
        // Released between our insert and this read: the client may simply retry.
        .ok_or_else(in_progress)?;
    if found.request_hash != hash {
        return Err(AppError::bad_input(
            "Idempotency-Key",
            "this Idempotency-Key was used for a different request; use a new key for a new request",
        ));
    }
    match (found.response_status, found.response_body) {
        (Some(status), Some(body)) => Ok(Claim::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body,
        }),
        _ => Err(in_progress()),
    }
}

fn in_progress() -> AppError {
    AppError::Conflict {
        field: Some("Idempotency-Key".into()),
        message: "a request with this Idempotency-Key is in progress; retry when it has finished"
            .into(),
    }
}

/// Stores the answer of the request that claimed `id`.
pub async fn complete(db: &DatabaseConnection, id: Uuid, status: u16, body: &str) -> AppResult<()> {
    idempotency_key::ActiveModel {
        id: Set(id),
        response_status: Set(Some(i32::from(status))),
        response_body: Set(Some(body.to_owned())),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Gives the key back: the request did nothing a retry should not do again.
pub async fn release(db: &DatabaseConnection, id: Uuid) -> AppResult<()> {
    Keys::delete_by_id(id).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(check_key("0b9f6a1c-2d7e-4c1a-9f3e-1a2b3c4d5e6f").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("with space").is_err());
        assert!(check_key("ключ").is_err());
        assert!(check_key(&"k".repeat(MAX_KEY_LEN + 1)).is_err());
    }

    #[test]
    fn anonymous_callers_have_no_keys() {
        assert_eq!(principal_key(&Principal::anonymous()), None);
    }
}
