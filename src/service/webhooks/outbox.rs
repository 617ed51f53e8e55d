//! The transactional outbox: [`enqueue`] writes the webhook event of a change inside the
//! change's own transaction (it is called from [`crate::service::audit::record`], which every
//! mutation calls), so an event exists exactly when its change committed — never after a
//! rollback, never lost after a commit. The delivery worker ([`super::delivery`]) reads it from
//! there.

use chrono::{DateTime, Utc};
use entity::webhook_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::WebhookEventKind;
use crate::error::AppResult;

/// Queues the change `id` (the audit event's id) for webhooks, if webhooks carry changes to
/// `entity_type`. Call it inside the transaction that makes the change.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    id: Uuid,
    action: &str,
    entity_type: &str,
    entity_id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let Some(kind) = WebhookEventKind::of_entity(entity_type) else {
        return Ok(());
    };
    webhook_event::ActiveModel {
        id: Set(id),
        kind: Set(kind.as_str().to_owned()),
        action: Set(action.to_owned()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id),
        occurred_at: Set(at),
        dispatched_at: Set(None),
    }
    .insert(txn)
    .await?;
    Ok(())
}
