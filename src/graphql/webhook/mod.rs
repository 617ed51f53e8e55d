//! Webhooks for partner systems: the `Webhook`, `WebhookDelivery` and `WebhookAttempt` types,
//! the `webhooks` and `webhookDeliveries` lists. Mutations in [`mutation`]; the rules in
//! `service::webhooks` and `policy::webhook`.

pub mod mutation;

use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::{
    enums::WebhookDeliveryStatus, institution, user, webhook, webhook_attempt, webhook_delivery,
    webhook_event,
};
use sea_orm::{ColumnTrait, Condition};

use crate::{
    graphql::{
        account::user::User,
        connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
        ids,
        institution::Institution,
        request,
    },
    has_many,
    service::webhooks::WebhookEventKind,
};

/// An institution's endpoint for change events. Its signing secret is shown once, by
/// `createWebhook` and `rotateWebhookSecret`.
pub struct Webhook(pub webhook::Model);

impl From<webhook::Model> for Webhook {
    fn from(m: webhook::Model) -> Self {
        Webhook(m)
    }
}

/// An institution's endpoint for change events. Its signing secret is shown once, by
/// `createWebhook` and `rotateWebhookSecret`.
#[Object]
impl Webhook {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Webhook", self.0.id)
    }
    /// Where events are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// What the endpoint is for.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The kinds of events it receives.
    async fn events(&self) -> Vec<WebhookEventKind> {
        self.0
            .events
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str().and_then(WebhookEventKind::parse))
            .collect()
    }
    /// False: paused, nothing is sent to it.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// The institution whose view of the data the endpoint receives.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.institution_id)
            .await?
            .map(Institution))
    }
    /// Who registered it (null if the viewer may not see that user).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(request(ctx)
            .loaders
            .one::<user::Entity>(self.0.created_by)
            .await?
            .map(User))
    }
    /// Until when the secret before the last rotation still signs deliveries (beside the new
    /// one); null when there is none.
    async fn previous_secret_expires_at(&self) -> Option<Timestamp> {
        self.0
            .previous_secret_expires_at
            .filter(|at| *at > Utc::now())
            .map(Timestamp)
    }
    /// When it was registered.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When it was last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// For `expectedVersion` in `updateWebhook`.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

has_many!(
    AttemptsOfDelivery,
    webhook_attempt::Entity,
    webhook_attempt::Column::DeliveryId
);

/// One event owed to one webhook: its state and its attempts.
pub struct WebhookDelivery(pub webhook_delivery::Model);

impl From<webhook_delivery::Model> for WebhookDelivery {
    fn from(m: webhook_delivery::Model) -> Self {
        WebhookDelivery(m)
    }
}

impl WebhookDelivery {
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<webhook_event::Model>> {
        Ok(request(ctx)
            .loaders
            .one::<webhook_event::Entity>(self.0.event_id)
            .await?)
    }
}

/// One event owed to one webhook: its state and its attempts.
#[Object]
impl WebhookDelivery {
    /// Global id (for `redeliverWebhook`).
    async fn id(&self) -> ID {
        ids::encode("WebhookDelivery", self.0.id)
    }
    /// The webhook it is for.
    async fn webhook(&self, ctx: &Context<'_>) -> Result<Option<Webhook>> {
        Ok(request(ctx)
            .loaders
            .one::<webhook::Entity>(self.0.webhook_id)
            .await?
            .map(Webhook))
    }
    /// The event's id: the `webhook-id` header and `data.eventId` of the request.
    async fn event_id(&self) -> String {
        self.0.event_id.to_string()
    }
    /// The event's kind.
    async fn event_kind(&self, ctx: &Context<'_>) -> Result<Option<WebhookEventKind>> {
        Ok(self
            .event(ctx)
            .await?
            .and_then(|e| WebhookEventKind::parse(&e.kind)))
    }
    /// What happened, as the audit trail names it (e.g. `royaltyReport.decide`).
    async fn action(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.event(ctx).await?.map(|e| e.action))
    }
    /// The global id of the changed object (`node(id:)` shows it as the viewer may see it).
    async fn object_id(&self, ctx: &Context<'_>) -> Result<Option<ID>> {
        Ok(self
            .event(ctx)
            .await?
            .map(|e| ids::encode(&e.entity_type, e.entity_id)))
    }
    /// When the change happened.
    async fn occurred_at(&self, ctx: &Context<'_>) -> Result<Option<Timestamp>> {
        Ok(self.event(ctx).await?.map(|e| Timestamp(e.occurred_at)))
    }
    /// PENDING (waiting for an attempt), DELIVERED or FAILED.
    async fn status(&self) -> WebhookDeliveryStatus {
        self.0.status
    }
    /// Attempts made so far.
    async fn attempt_count(&self) -> i32 {
        self.0.attempts
    }
    /// When the next attempt is due (PENDING only).
    async fn next_attempt_at(&self) -> Option<Timestamp> {
        (self.0.status == WebhookDeliveryStatus::Pending)
            .then_some(Timestamp(self.0.next_attempt_at))
    }
    /// The HTTP status of the last answer.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    /// What went wrong last (no answer, an error status, or why nothing was sent).
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When the endpoint accepted it.
    async fn delivered_at(&self) -> Option<Timestamp> {
        self.0.delivered_at.map(Timestamp)
    }
    /// When it was queued.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// Every attempt, first to last.
    async fn attempts(&self, ctx: &Context<'_>) -> Result<Vec<WebhookAttempt>> {
        Ok(request(ctx)
            .loaders
            .children::<AttemptsOfDelivery>(self.0.id)
            .await?
            .into_iter()
            .map(WebhookAttempt)
            .collect())
    }
}

/// One HTTP attempt of a delivery.
pub struct WebhookAttempt(pub webhook_attempt::Model);

/// One HTTP attempt of a delivery.
#[Object]
impl WebhookAttempt {
    /// 1 for the first attempt.
    async fn attempt(&self) -> i32 {
        self.0.attempt
    }
    /// When it was sent.
    async fn at(&self) -> Timestamp {
        Timestamp(self.0.at)
    }
    /// The endpoint's HTTP status; null when no answer came.
    async fn status_code(&self) -> Option<i32> {
        self.0.status_code
    }
    /// From sending to the answer (or the failure), in milliseconds.
    async fn latency_ms(&self) -> i32 {
        self.0.latency_ms
    }
    /// What went wrong; null on success.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
}

/// Filters for `webhooks`.
#[derive(InputObject, Default)]
pub struct WebhookFilter {
    /// The institution's global id (center admins).
    pub institution: Option<ID>,
    /// True: only active webhooks; false: only paused ones.
    pub active: Option<bool>,
}

/// Filters for `webhookDeliveries`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct WebhookDeliveryFilter {
    /// One webhook's deliveries.
    pub webhook_id: Option<ID>,
    /// Only deliveries in this state.
    pub status: Option<WebhookDeliveryStatus>,
}

/// Fields `webhookDeliveries` can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum WebhookDeliveryOrderField {
    /// When the delivery was queued.
    #[default]
    CreatedAt,
}

impl OrderField<webhook_delivery::Entity> for WebhookDeliveryOrderField {
    fn column(self) -> webhook_delivery::Column {
        webhook_delivery::Column::CreatedAt
    }
}

/// Ordering of deliveries (ties broken by id); newest first by default.
#[derive(InputObject)]
pub struct WebhookDeliveryOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: WebhookDeliveryOrderField,
    /// Ascending or descending (newest first by default).
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl Default for WebhookDeliveryOrder {
    fn default() -> Self {
        WebhookDeliveryOrder {
            field: WebhookDeliveryOrderField::CreatedAt,
            direction: OrderDirection::Desc,
        }
    }
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Webhooks the viewer may see: an institution admin its institution's, a center admin
    /// all. Not for API tokens.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn webhooks(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which items to list; each field is described on the filter type (all when absent)."
        )]
        filter: Option<WebhookFilter>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<Webhook>> {
        request(ctx).principal.forbid_api_token()?;
        let filter = filter.unwrap_or_default();
        let mut c = Condition::all();
        if let Some(id) = &filter.institution {
            c = c.add(webhook::Column::InstitutionId.eq(ids::decode_as(
                "filter.institution",
                "Institution",
                id,
            )?));
        }
        if let Some(active) = filter.active {
            c = c.add(webhook::Column::Active.eq(active));
        }
        Ok(connection::root_list::<webhook::Entity, _>(
            ctx,
            c,
            Ordering::by_id(),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }

    /// Deliveries of the webhooks the viewer may see, newest first: status, attempts with
    /// their HTTP status codes and latency, errors. Not for API tokens.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which items to list; each field is described on the filter type (all when absent)."
        )]
        filter: Option<WebhookDeliveryFilter>,
        #[graphql(
            desc = "The order of the list; each field is described on the order type (a default order when absent)."
        )]
        order_by: Option<WebhookDeliveryOrder>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<WebhookDelivery>> {
        request(ctx).principal.forbid_api_token()?;
        let filter = filter.unwrap_or_default();
        let mut c = Condition::all();
        if let Some(id) = &filter.webhook_id {
            c = c.add(webhook_delivery::Column::WebhookId.eq(ids::decode_as(
                "filter.webhookId",
                "Webhook",
                id,
            )?));
        }
        if let Some(status) = filter.status {
            c = c.add(webhook_delivery::Column::Status.eq(status));
        }
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<webhook_delivery::Entity, _>(
            ctx,
            c,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}
