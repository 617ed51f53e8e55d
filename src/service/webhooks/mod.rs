//! Webhooks for partner systems: institutions register endpoints for kinds of change events;
//! each committed change is written to an outbox in its own transaction ([`outbox`]) and sent
//! by a worker in every instance ([`delivery`]) to the endpoints whose institution may see the
//! object, signed the Standard Webhooks way ([`signing`]), retried with back-off ([`retry`]),
//! and only to public addresses unless allowed ([`address`]).
//!
//! This module holds the endpoints' management: create, update, delete, rotate the secret,
//! replay a delivery. Only the institution's admins manage its webhooks (see
//! `policy::webhook`); every change is audited.

pub mod address;
pub mod delivery;
mod kind;
pub mod outbox;
pub mod retry;
pub mod signing;

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use entity::{enums::WebhookDeliveryStatus, webhook, webhook_delivery};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde_json::json;
use tokio::sync::Notify;
use uuid::Uuid;

pub use kind::WebhookEventKind;

use crate::{
    auth::Principal,
    config::Config,
    error::{AppError, AppResult},
    policy::{self, webhook::ensure_webhook_admin},
    service::{audit, txn::begin_write, update_versioned},
};

/// How many webhooks one institution may have: each event is sent to every one of them.
pub const MAX_PER_INSTITUTION: u64 = 20;
/// How long the secret before a rotation still signs deliveries (beside the new one), so a
/// receiver can switch over without losing any.
pub const ROTATION_GRACE: Duration = Duration::from_secs(24 * 3600);

/// This deployment's webhook settings, and the bell that wakes the delivery worker.
#[derive(Clone)]
pub struct Webhooks {
    pub destinations: Arc<address::Destinations>,
    pub retry: retry::RetryPolicy,
    /// How long an endpoint has to answer.
    pub timeout: Duration,
    /// How often the worker looks for due work when nothing woke it.
    pub poll: Duration,
    wake: Arc<Notify>,
}

impl Webhooks {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let destinations =
            address::Destinations::new(config.is_production(), &config.webhook_allow_hosts)
                .map_err(|e| anyhow::anyhow!("BIOBRIDGE_WEBHOOK_ALLOW_HOSTS: {e}"))?;
        Ok(Webhooks {
            destinations: Arc::new(destinations),
            retry: retry::RetryPolicy {
                base: Duration::from_millis(config.webhook_retry_base_ms),
                max: Duration::from_secs(config.webhook_retry_max_secs),
                window: Duration::from_secs(config.webhook_retry_window_secs),
            },
            timeout: Duration::from_secs(config.webhook_timeout_secs),
            poll: Duration::from_millis(config.webhook_poll_ms),
            wake: Arc::new(Notify::new()),
        })
    }

    /// Asks this instance's worker to look for work now (after a replay, say).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Checks a URL for registration: its form, and every address its host resolves to now.
    async fn check_url(&self, raw: &str) -> AppResult<String> {
        let url = self
            .destinations
            .check_url(raw)
            .map_err(|m| AppError::bad_input("url", m))?;
        self.destinations
            .resolve(&url)
            .await
            .map_err(|m| AppError::bad_input("url", m))?;
        Ok(url.to_string())
    }
}

/// A new endpoint.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<WebhookEventKind>,
    pub description: Option<String>,
}

/// Changes to an endpoint; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<WebhookEventKind>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

fn check_events(events: &[WebhookEventKind]) -> AppResult<Vec<&'static str>> {
    if events.is_empty() {
        return Err(AppError::bad_input(
            "events",
            "subscribe to at least one event kind, e.g. DEAL_CHANGED",
        ));
    }
    Ok(WebhookEventKind::ALL
        .into_iter()
        .filter(|k| events.contains(k))
        .map(WebhookEventKind::as_str)
        .collect())
}

fn check_description(description: Option<String>) -> AppResult<String> {
    let description = description.unwrap_or_default().trim().to_owned();
    if description.chars().count() > 500 {
        return Err(AppError::bad_input(
            "description",
            "a description has at most 500 characters",
        ));
    }
    Ok(description)
}

/// The creating user: a webhook records who made it.
fn creator(actor: &Principal) -> AppResult<Uuid> {
    actor
        .user_id
        .ok_or_else(|| AppError::Forbidden("log in as a BioBridge user to create webhooks".into()))
}

/// Registers an endpoint for the actor's institution; returns its id and its signing secret,
/// which is never shown again.
pub async fn create(
    db: &DatabaseConnection,
    settings: &Webhooks,
    actor: &Principal,
    input: NewWebhook,
) -> AppResult<(Uuid, String)> {
    let institution = actor.institution_id().unwrap_or_default();
    ensure_webhook_admin(actor, institution)?;
    let created_by = creator(actor)?;
    let events = check_events(&input.events)?;
    let description = check_description(input.description)?;
    let url = settings.check_url(&input.url).await?;

    let txn = begin_write(db).await?;
    let existing = webhook::Entity::find()
        .filter(webhook::Column::InstitutionId.eq(institution))
        .count(&txn)
        .await?;
    if existing >= MAX_PER_INSTITUTION {
        return Err(AppError::bad_input(
            "url",
            format!("an institution has at most {MAX_PER_INSTITUTION} webhooks; delete one first"),
        ));
    }
    let (id, now, secret) = (Uuid::now_v7(), Utc::now(), signing::generate_secret());
    webhook::ActiveModel {
        id: Set(id),
        institution_id: Set(institution),
        url: Set(url.clone()),
        description: Set(description.clone()),
        events: Set(json!(events)),
        active: Set(true),
        secret: Set(secret.clone()),
        previous_secret: Set(None),
        previous_secret_expires_at: Set(None),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(institution),
        "webhook.create",
        "Webhook",
        id,
        json!({ "url": url, "events": events, "description": description }),
    )
    .await?;
    txn.commit().await?;
    Ok((id, secret))
}

/// Changes an endpoint (URL, event kinds, description, paused or not).
pub async fn update(
    db: &DatabaseConnection,
    settings: &Webhooks,
    actor: &Principal,
    id: Uuid,
    expected_version: i32,
    changes: WebhookChanges,
) -> AppResult<()> {
    let found = policy::find_visible::<webhook::Entity>(db, actor, id, "webhook").await?;
    ensure_webhook_admin(actor, found.institution_id)?;
    let mut am = <webhook::ActiveModel as Default>::default();
    let mut audited = serde_json::Map::new();
    if let Some(url) = &changes.url {
        let url = settings.check_url(url).await?;
        audited.insert("url".into(), json!(url));
        am.url = Set(url);
    }
    if let Some(events) = &changes.events {
        let events = check_events(events)?;
        audited.insert("events".into(), json!(events));
        am.events = Set(json!(events));
    }
    if changes.description.is_some() {
        let description = check_description(changes.description)?;
        audited.insert("description".into(), json!(description));
        am.description = Set(description);
    }
    if let Some(active) = changes.active {
        audited.insert("active".into(), json!(active));
        am.active = Set(active);
    }
    let txn = begin_write(db).await?;
    update_versioned::<webhook::Entity, _>(&txn, id, expected_version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(found.institution_id),
        "webhook.update",
        "Webhook",
        id,
        serde_json::Value::Object(audited),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes an endpoint with its deliveries; nothing more is sent to it.
pub async fn delete(db: &DatabaseConnection, actor: &Principal, id: Uuid) -> AppResult<()> {
    let txn = begin_write(db).await?;
    let found = policy::find_visible::<webhook::Entity>(&txn, actor, id, "webhook").await?;
    ensure_webhook_admin(actor, found.institution_id)?;
    webhook::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        Some(found.institution_id),
        "webhook.delete",
        "Webhook",
        id,
        json!({ "url": found.url }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Gives an endpoint a new secret; the old one still signs (beside it) for [`ROTATION_GRACE`].
/// Returns the new secret, shown this once.
pub async fn rotate_secret(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
) -> AppResult<String> {
    let txn = begin_write(db).await?;
    let found = policy::find_visible::<webhook::Entity>(&txn, actor, id, "webhook").await?;
    ensure_webhook_admin(actor, found.institution_id)?;
    let secret = signing::generate_secret();
    let expires = Utc::now() + chrono::Duration::from_std(ROTATION_GRACE).unwrap_or_default();
    let am = webhook::ActiveModel {
        secret: Set(secret.clone()),
        previous_secret: Set(Some(found.secret)),
        previous_secret_expires_at: Set(Some(expires)),
        ..Default::default()
    };
    update_versioned::<webhook::Entity, _>(&txn, id, found.version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(found.institution_id),
        "webhook.rotateSecret",
        "Webhook",
        id,
        json!({ "previousSecretExpiresAt": expires }),
    )
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// Sends a delivery again (whatever its status), with a fresh retry window. The worker
/// checks again that the institution may still see the object before it sends.
pub async fn redeliver(
    db: &DatabaseConnection,
    settings: &Webhooks,
    actor: &Principal,
    delivery_id: Uuid,
) -> AppResult<()> {
    let txn = begin_write(db).await?;
    let delivery = policy::find_visible::<webhook_delivery::Entity>(
        &txn,
        actor,
        delivery_id,
        "webhook delivery",
    )
    .await?;
    let hook = policy::find_visible::<webhook::Entity>(&txn, actor, delivery.webhook_id, "webhook")
        .await?;
    ensure_webhook_admin(actor, hook.institution_id)?;
    let now = Utc::now();
    let window = chrono::Duration::from_std(settings.retry.window).unwrap_or_default();
    webhook_delivery::ActiveModel {
        id: Set(delivery_id),
        status: Set(WebhookDeliveryStatus::Pending),
        next_attempt_at: Set(now),
        retry_until: Set(now + window),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(hook.institution_id),
        "webhook.redeliver",
        "WebhookDelivery",
        delivery_id,
        json!({ "webhookId": hook.id, "eventId": delivery.event_id }),
    )
    .await?;
    txn.commit().await?;
    settings.wake();
    Ok(())
}
