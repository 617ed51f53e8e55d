//! The delivery worker: a task in every instance that turns outbox events into signed HTTP
//! requests.
//!
//! 1. **Fan-out** ([`dispatch`]): events not yet dispatched are claimed (`FOR UPDATE SKIP
//!    LOCKED` on PostgreSQL, so two instances never take the same one; SQLite has one writer at
//!    a time) and, in the same transaction, one delivery is queued for each active webhook that
//!    wants the event's kind and whose institution may see the object now (re-read through the
//!    access policy as a member of that institution). An event owed to nobody is deleted.
//! 2. **Delivery** ([`deliver_due`]): due deliveries are claimed the same way and leased (their
//!    `next_attempt_at` moves past the request timeout), so no other instance sends them while
//!    this one does; then each is checked again (may the institution still see the object?),
//!    signed, POSTed without following redirects to an address the SSRF rules allow, and its
//!    attempt recorded. A failure is retried with back-off ([`super::retry`]) until the window
//!    ends; then the delivery is FAILED.
//!
//! The worker looks for work every `poll` interval (and at once when asked, after a replay).
//! It does not listen on the live-event bus: that bus counts its listeners as subscriptions.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use entity::{
    deadline_reminder, enums::WebhookDeliveryStatus, institution, webhook, webhook_attempt,
    webhook_delivery, webhook_event,
};
use futures_util::future::join_all;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{Expr, LockBehavior, LockType},
};
use serde_json::json;
use uuid::Uuid;

use super::{Webhooks, address::Destinations, signing};
use crate::{
    error::{AppError, AppResult},
    policy::webhook::{may_see_change, webhook_reader},
    service::txn::begin_write,
};

/// Events fanned out per transaction.
const FAN_OUT_BATCH: u64 = 100;
/// Deliveries claimed (and sent concurrently) at a time.
const DELIVERY_BATCH: u64 = 16;
/// Dispatched events (with their deliveries) are kept this long for `webhookDeliveries`.
const RETENTION: chrono::Duration = chrono::Duration::days(30);
/// Error texts are cut to the column's length.
const MAX_ERROR: usize = 500;

/// Starts this instance's worker, when called inside a Tokio runtime.
pub fn start(db: &DatabaseConnection, settings: &Webhooks) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let client = match client(settings) {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "cannot build the webhook HTTP client; webhooks are not sent");
            return;
        }
    };
    runtime.spawn(run(db.clone(), settings.clone(), client));
}

async fn run(db: DatabaseConnection, settings: Webhooks, client: reqwest::Client) {
    let mut last_prune: Option<Instant> = None;
    loop {
        let busy = match work(&db, &settings, &client).await {
            Ok(busy) => busy,
            Err(err) => {
                tracing::warn!(error = ?err, "webhook worker: a pass failed; retrying");
                false
            }
        };
        if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
            last_prune = Some(Instant::now());
            if let Err(err) = prune(&db).await {
                tracing::warn!(error = ?err, "webhook worker: cannot prune old events");
            }
        }
        if busy {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(settings.poll) => {}
            () = settings.wake.notified() => {}
        }
    }
}

/// One pass; `true` when a batch was full (more may be waiting).
async fn work(
    db: &DatabaseConnection,
    settings: &Webhooks,
    client: &reqwest::Client,
) -> AppResult<bool> {
    let dispatched = dispatch(db, settings).await?;
    let delivered = deliver_due(db, settings, client).await?;
    Ok(dispatched >= FAN_OUT_BATCH as usize || delivered >= DELIVERY_BATCH as usize)
}

/// Fans undispatched events out to the webhooks owed them; returns how many were handled.
pub async fn dispatch(db: &DatabaseConnection, settings: &Webhooks) -> AppResult<usize> {
    let undispatched = || {
        webhook_event::Entity::find()
            .filter(webhook_event::Column::DispatchedAt.is_null())
            .order_by_asc(webhook_event::Column::Id)
    };
    // Look before taking the write lock: an idle worker must not queue behind writers.
    if undispatched().one(db).await?.is_none() {
        return Ok(0);
    }
    let txn = begin_write(db).await?;
    let events = undispatched()
        .limit(FAN_OUT_BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    if events.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::Active.eq(true))
        .find_also_related(institution::Entity)
        .all(&txn)
        .await?;
    let now = Utc::now();
    let window = chrono::Duration::from_std(settings.retry.window).unwrap_or_default();
    for event in &events {
        let wanting: Vec<&(webhook::Model, Option<institution::Model>)> = hooks
            .iter()
            .filter(|(h, _)| wants(h, &event.kind))
            .collect();
        let mut owed = 0;
        // Each institution's sight is judged once per event, whatever its number of webhooks.
        let mut seen: Vec<(Uuid, bool)> = Vec::new();
        for (hook, inst) in wanting {
            let Some(inst) = inst else { continue };
            let may_see = match seen.iter().find(|(id, _)| *id == inst.id) {
                Some((_, may)) => *may,
                None => {
                    let may = may_see_change(
                        &txn,
                        &webhook_reader(inst),
                        &event.entity_type,
                        event.entity_id,
                    )
                    .await?;
                    seen.push((inst.id, may));
                    may
                }
            };
            if !may_see {
                continue;
            }
            webhook_delivery::ActiveModel {
                id: Set(Uuid::now_v7()),
                webhook_id: Set(hook.id),
                event_id: Set(event.id),
                status: Set(WebhookDeliveryStatus::Pending),
                attempts: Set(0),
                next_attempt_at: Set(now),
                retry_until: Set(now + window),
                last_status_code: Set(None),
                last_error: Set(None),
                delivered_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            owed += 1;
        }
        if owed == 0 {
            webhook_event::Entity::delete_by_id(event.id)
                .exec(&txn)
                .await?;
        } else {
            webhook_event::ActiveModel {
                id: Set(event.id),
                dispatched_at: Set(Some(now)),
                ..Default::default()
            }
            .update(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(events.len())
}

fn wants(hook: &webhook::Model, kind: &str) -> bool {
    hook.events
        .as_array()
        .is_some_and(|kinds| kinds.iter().any(|k| k.as_str() == Some(kind)))
}

/// Claims the deliveries that are due and sends them; returns how many were claimed.
pub async fn deliver_due(
    db: &DatabaseConnection,
    settings: &Webhooks,
    client: &reqwest::Client,
) -> AppResult<usize> {
    let now = Utc::now();
    let due = || {
        webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(WebhookDeliveryStatus::Pending))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
    };
    if due().one(db).await?.is_none() {
        return Ok(0);
    }
    let txn = begin_write(db).await?;
    let claimed = due()
        .limit(DELIVERY_BATCH)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    if claimed.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    // The lease: nobody else takes these until the attempt has had all its time.
    let lease =
        chrono::Duration::from_std(settings.timeout + Duration::from_secs(30)).unwrap_or_default();
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(now + lease),
        )
        .filter(webhook_delivery::Column::Id.is_in(claimed.iter().map(|d| d.id)))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let count = claimed.len();
    let results = join_all(
        claimed
            .into_iter()
            .map(|delivery| attempt(db, settings, client, delivery)),
    )
    .await;
    for result in results {
        if let Err(err) = result {
            tracing::warn!(error = ?err, "webhook worker: cannot record an attempt");
        }
    }
    Ok(count)
}

/// The payload (Standard Webhooks' `type`, `timestamp`, `data`): the event's kind, its ids and
/// when it happened — not the object itself, which the receiver reads with its own credential
/// (`node(id:)`), so it gets what that credential may see at the time it asks.
///
/// A reminder (`deadline.reminder`) names no object a receiver could read by its own id: its
/// `data` also carries the deadline's and the asset's global ids, the reminder's day, the due
/// date and the lead time (`null` on the last day of the grace period), as `reminder` gives them.
pub fn payload(
    event: &webhook_event::Model,
    reminder: Option<&deadline_reminder::Model>,
) -> Vec<u8> {
    let kind = super::WebhookEventKind::parse(&event.kind);
    let mut data = json!({
        "eventId": event.id,
        "action": event.action,
        "entityType": event.entity_type,
        "entityId": event.entity_id,
        "id": crate::graphql::ids::encode(&event.entity_type, event.entity_id).0,
    });
    if let (Some(r), Some(map)) = (reminder, data.as_object_mut()) {
        let ids = [
            (
                "deadlineId",
                crate::graphql::ids::encode_keyed("IpDeadline", r.ip_asset_id, &r.act).0,
            ),
            (
                "ipAssetId",
                crate::graphql::ids::encode("IpAsset", r.ip_asset_id).0,
            ),
        ];
        for (key, id) in ids {
            map.insert(key.into(), json!(id));
        }
        map.insert("remindOn".into(), json!(r.remind_on));
        map.insert("dueOn".into(), json!(r.due_on));
        map.insert("leadDays".into(), json!(r.lead_days));
    }
    json!({
        "type": kind.map_or("unknown", |k| k.event_type()),
        "timestamp": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
    .into_bytes()
}

/// The secrets that sign now: the current one, and the previous one during its grace period.
fn signing_secrets(hook: &webhook::Model, now: DateTime<Utc>) -> Vec<&str> {
    let mut secrets = vec![hook.secret.as_str()];
    if let (Some(previous), Some(until)) = (&hook.previous_secret, hook.previous_secret_expires_at)
        && until > now
    {
        secrets.push(previous);
    }
    secrets
}

/// What became of one attempt.
struct Outcome {
    status_code: Option<i32>,
    error: Option<String>,
    latency: Duration,
}

async fn attempt(
    db: &DatabaseConnection,
    settings: &Webhooks,
    client: &reqwest::Client,
    delivery: webhook_delivery::Model,
) -> AppResult<()> {
    let Some(hook) = webhook::Entity::find_by_id(delivery.webhook_id)
        .one(db)
        .await?
    else {
        return Ok(()); // deleted meanwhile, and its deliveries with it
    };
    let event = webhook_event::Entity::find_by_id(delivery.event_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("delivery without its event")))?;
    let inst = institution::Entity::find_by_id(hook.institution_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("webhook without its institution")))?;
    if !hook.active {
        return give_up(db, &delivery, "not sent: the webhook is paused").await;
    }
    // Sight is judged again at each attempt: retries can come hours later.
    if !may_see_change(
        db,
        &webhook_reader(&inst),
        &event.entity_type,
        event.entity_id,
    )
    .await?
    {
        return give_up(
            db,
            &delivery,
            "not sent: the institution may no longer see the object",
        )
        .await;
    }
    let reminder = if event.entity_type == crate::service::docket_reminders::ENTITY_TYPE {
        deadline_reminder::Entity::find_by_id(event.entity_id)
            .one(db)
            .await?
    } else {
        None
    };
    let body = payload(&event, reminder.as_ref());
    let now = Utc::now();
    let timestamp = now.timestamp();
    let id = event.id.to_string();
    let signature = signing::signature_header(signing_secrets(&hook, now), &id, timestamp, &body);
    let outcome = send(
        client,
        &settings.destinations,
        settings.timeout,
        &hook.url,
        [
            ("webhook-id", id),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
        ],
        body,
    )
    .await;
    record(db, settings, &delivery, now, outcome).await
}

/// Marks a delivery FAILED without an attempt (nothing was sent).
async fn give_up(
    db: &DatabaseConnection,
    delivery: &webhook_delivery::Model,
    why: &str,
) -> AppResult<()> {
    webhook_delivery::ActiveModel {
        id: Set(delivery.id),
        status: Set(WebhookDeliveryStatus::Failed),
        last_error: Set(Some(why.to_owned())),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

async fn record(
    db: &DatabaseConnection,
    settings: &Webhooks,
    delivery: &webhook_delivery::Model,
    at: DateTime<Utc>,
    outcome: Outcome,
) -> AppResult<()> {
    let attempts = delivery.attempts + 1;
    let succeeded = outcome.error.is_none();
    let now = Utc::now();
    let (status, next) = if succeeded {
        (WebhookDeliveryStatus::Delivered, now)
    } else {
        let jitter = rand::rng().random::<f64>();
        match settings
            .retry
            .next_attempt(now, delivery.retry_until, attempts as u32, jitter)
        {
            Some(next) => (WebhookDeliveryStatus::Pending, next),
            None => (WebhookDeliveryStatus::Failed, now),
        }
    };
    let txn = begin_write(db).await?;
    webhook_attempt::ActiveModel {
        id: Set(Uuid::now_v7()),
        delivery_id: Set(delivery.id),
        attempt: Set(attempts),
        at: Set(at),
        status_code: Set(outcome.status_code),
        latency_ms: Set(i32::try_from(outcome.latency.as_millis()).unwrap_or(i32::MAX)),
        error: Set(outcome.error.clone()),
    }
    .insert(&txn)
    .await?;
    webhook_delivery::ActiveModel {
        id: Set(delivery.id),
        status: Set(status),
        attempts: Set(attempts),
        next_attempt_at: Set(next),
        last_status_code: Set(outcome.status_code),
        last_error: Set(outcome.error),
        delivered_at: Set(succeeded.then_some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// POSTs `body` to `url` with `headers`; never follows a redirect, never connects to an
/// address the SSRF rules refuse.
async fn send(
    client: &reqwest::Client,
    destinations: &Destinations,
    timeout: Duration,
    url: &str,
    headers: [(&'static str, String); 3],
    body: Vec<u8>,
) -> Outcome {
    let started = Instant::now();
    let fail = |error: String| Outcome {
        status_code: None,
        error: Some(cut(error)),
        latency: started.elapsed(),
    };
    // The rules may have changed since registration (production, allow-list).
    let url = match destinations.check_url(url) {
        Ok(url) => url,
        Err(why) => return fail(format!("not sent: {why}")),
    };
    // IP literals do not go through the resolver: check them here.
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(std::net::IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(std::net::IpAddr::V6(ip)),
        _ => None,
    };
    if let Some(ip) = literal
        && let Err(why) = destinations.check_addresses(
            url.host_str().unwrap_or_default(),
            &[SocketAddr::new(ip, 0)],
        )
    {
        return fail(format!("not sent: {why}"));
    }
    let mut request = client
        .post(url)
        .timeout(timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            let latency = started.elapsed();
            Outcome {
                status_code: Some(i32::from(status.as_u16())),
                error: (!status.is_success()).then(|| {
                    if status.is_redirection() {
                        format!("HTTP {status} (redirects are not followed)")
                    } else {
                        format!("HTTP {status}")
                    }
                }),
                latency,
            }
        }
        Err(err) => fail(describe(&err, timeout)),
    }
}

fn describe(err: &reqwest::Error, timeout: Duration) -> String {
    if err.is_timeout() {
        return format!("no answer within {} s", timeout.as_secs_f32());
    }
    // The innermost cause says what happened ("connection refused", the resolver's refusal).
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if err.is_connect() {
        format!("cannot connect: {cause}")
    } else {
        format!("request failed: {cause}")
    }
}

fn cut(mut text: String) -> String {
    if text.len() > MAX_ERROR {
        let mut end = MAX_ERROR;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Deletes events (with their deliveries and attempts) dispatched longer ago than
/// [`RETENTION`].
async fn prune(db: &DatabaseConnection) -> AppResult<()> {
    webhook_event::Entity::delete_many()
        .filter(webhook_event::Column::DispatchedAt.lt(Utc::now() - RETENTION))
        .exec(db)
        .await?;
    Ok(())
}

/// The HTTP client: no redirects, no proxies from the environment, and a resolver that refuses
/// internal addresses (so the address checked is the address connected to).
fn client(settings: &Webhooks) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver(settings.destinations.clone())))
        .connect_timeout(settings.timeout)
        .timeout(settings.timeout)
        .user_agent(concat!("BioBridge-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Resolves with the system resolver, then refuses the answer if any address is internal and
/// not allowed (see [`Destinations::check_addresses`]).
struct GuardedResolver(Arc<Destinations>);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(resolve_checked(self.0.clone(), name.as_str().to_owned()))
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn resolve_checked(
    destinations: Arc<Destinations>,
    host: String,
) -> Result<reqwest::dns::Addrs, BoxError> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
    destinations
        .check_addresses(&host, &addresses)
        .map_err(BoxError::from)?;
    Ok(Box::new(addresses.into_iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_names_the_event_and_the_object() {
        let event = webhook_event::Model {
            id: Uuid::now_v7(),
            kind: "ROYALTY_REPORT_CHANGED".into(),
            action: "royaltyReport.decide".into(),
            entity_type: "RoyaltyReport".into(),
            entity_id: Uuid::now_v7(),
            occurred_at: Utc::now(),
            dispatched_at: None,
        };
        let body: serde_json::Value = serde_json::from_slice(&payload(&event, None)).unwrap();
        assert_eq!(body["type"], "royaltyReport.changed");
        assert_eq!(body["data"]["action"], "royaltyReport.decide");
        assert_eq!(body["data"]["entityId"], event.entity_id.to_string());
        assert_eq!(
            body["data"]["id"],
            crate::graphql::ids::encode("RoyaltyReport", event.entity_id).0
        );
    }

    #[test]
    fn the_previous_secret_signs_only_during_its_grace_period() {
        let now = Utc::now();
        let mut hook = webhook::Model {
            id: Uuid::now_v7(),
            institution_id: Uuid::now_v7(),
            url: "https://h.example/".into(),
            description: String::new(),
            events: json!(["DEAL_CHANGED"]),
            active: true,
            secret: "whsec_new".into(),
            previous_secret: Some("whsec_old".into()),
            previous_secret_expires_at: Some(now + chrono::Duration::hours(1)),
            created_by: Uuid::now_v7(),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        assert_eq!(signing_secrets(&hook, now), ["whsec_new", "whsec_old"]);
        hook.previous_secret_expires_at = Some(now - chrono::Duration::seconds(1));
        assert_eq!(signing_secrets(&hook, now), ["whsec_new"]);
        assert!(wants(&hook, "DEAL_CHANGED") && !wants(&hook, "INCOME_RECORDED"));
    }

    #[test]
    fn long_errors_are_cut_on_a_character_boundary() {
        let text = "é".repeat(400);
        let cut = cut(text);
        assert!(cut.len() <= MAX_ERROR && cut.chars().all(|c| c == 'é'));
    }
}
