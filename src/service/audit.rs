//! The audit trail: every mutation appends one [`audit_event`] in the same transaction as its
//! change, so there is no change without its record and no record without its change. The same
//! row is the change event that live subscriptions hear of ([`crate::service::events`]), and
//! the webhook outbox gets its row in the same transaction ([`crate::service::webhooks::outbox`]).

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    auth::{Principal, PrincipalKind},
    error::AppResult,
    service::{events, webhooks},
};

/// How an API token is named in `actor_label`: `api-token:<id>`.
pub const API_TOKEN_PREFIX: &str = "api-token:";

/// The `actor_label` of API token `id`.
pub fn api_token_label(id: Uuid) -> String {
    format!("{API_TOKEN_PREFIX}{id}")
}

/// The API token an `actor_label` names, if it names one.
pub fn api_token_in_label(label: &str) -> Option<Uuid> {
    label.strip_prefix(API_TOKEN_PREFIX)?.parse().ok()
}

/// Who did it, as the trail shows it: a user id, a token or an operator.
pub fn actor_label(p: &Principal) -> String {
    match (p.kind, p.user_id, p.api_token_id) {
        (_, Some(user), _) => format!("user:{user}"),
        (PrincipalKind::ApiToken, _, Some(token)) => api_token_label(token),
        (PrincipalKind::Anonymous, _, _) => "anonymous".into(),
        _ => "operator".into(),
    }
}

/// Keys never written to the trail, whatever a caller passes.
const SECRET_KEYS: &[&str] = &[
    "password",
    "passwordHash",
    "password_hash",
    "secret",
    "secretHash",
    "secret_hash",
    "token",
];

fn scrub(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !SECRET_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k, scrub(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(scrub).collect()),
        other => other,
    }
}

/// Appends an audit event inside `txn`. `institution` is the institution whose records changed
/// (its admins see the event); `changes` the changed fields (secrets are dropped).
pub async fn record(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    institution: Option<Uuid>,
    action: &str,
    entity_type: &str,
    entity_id: Uuid,
    changes: Value,
) -> AppResult<()> {
    let id = Uuid::now_v7();
    let at = Utc::now();
    audit_event::ActiveModel {
        id: Set(id),
        at: Set(at),
        actor_user_id: Set(actor.user_id),
        actor_label: Set(actor_label(actor)),
        institution_id: Set(institution),
        action: Set(action.to_owned()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id),
        changes: Set(scrub(changes)),
    }
    .insert(txn)
    .await?;
    // The same row is the change event live subscribers hear of (see `events`).
    events::notify_in_txn(
        txn,
        &events::ChangeEvent {
            id,
            action: action.to_owned(),
            entity_type: entity_type.to_owned(),
            entity_id,
        },
    )
    .await?;
    // …and the webhook outbox's, in the same transaction (see `webhooks::outbox`).
    webhooks::outbox::enqueue(txn, id, action, entity_type, entity_id, at).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn secrets_never_reach_the_trail() {
        let scrubbed = super::scrub(json!({
            "email": "a@b.example",
            "password": "x",
            "nested": { "secretHash": "y", "name": "token for ERP" },
            "list": [{ "token": "bbt_..." }]
        }));
        assert_eq!(
            scrubbed,
            json!({ "email": "a@b.example", "nested": { "name": "token for ERP" }, "list": [{}] })
        );
    }
}
