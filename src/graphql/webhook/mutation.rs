//! `createWebhook`, `updateWebhook`, `deleteWebhook`, `rotateWebhookSecret` and
//! `redeliverWebhook`.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{webhook, webhook_delivery};

use super::{Webhook, WebhookDelivery};
use crate::{
    error::AppError,
    graphql::{ids, request},
    payload,
    service::webhooks::{self as service, WebhookEventKind, Webhooks},
};

fn settings<'a>(ctx: &Context<'a>) -> Result<&'a Webhooks, AppError> {
    ctx.data::<Webhooks>()
        .map_err(|_| AppError::internal(anyhow::anyhow!("the request carries no webhook settings")))
}

/// A new webhook for the viewer's institution.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// Where to POST events: `https://…` (`http` only on development servers); public
    /// addresses only, unless the server's allow-list names the host.
    pub url: String,
    /// The kinds of events to receive.
    pub events: Vec<WebhookEventKind>,
    /// What the endpoint is for.
    pub description: Option<String>,
}

/// Result of `createWebhook`.
pub struct CreateWebhookPayload {
    id: uuid::Uuid,
    secret: String,
}

/// Result of `createWebhook`.
#[Object]
impl CreateWebhookPayload {
    /// The signing secret (`whsec_…`), shown this once: store it now. Verify each request's
    /// `webhook-signature` with it (Standard Webhooks).
    async fn secret(&self) -> &str {
        &self.secret
    }
    /// The new webhook.
    async fn webhook(&self, ctx: &Context<'_>) -> Result<Option<Webhook>> {
        Ok(request(ctx)
            .loaders
            .one::<webhook::Entity>(self.id)
            .await?
            .map(Webhook))
    }
}

/// Changes to a webhook; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// The webhook's global id.
    pub id: ID,
    /// The version read (`Webhook.version`).
    pub expected_version: i32,
    /// A new URL (checked as in `createWebhook`).
    pub url: Option<String>,
    /// The kinds of events to receive from now on.
    pub events: Option<Vec<WebhookEventKind>>,
    /// A new description.
    pub description: Option<String>,
    /// False pauses the webhook: nothing is sent to it, queued deliveries fail.
    pub active: Option<bool>,
}

payload!(
    /// Result of `updateWebhook`.
    UpdateWebhookPayload, webhook: Webhook, webhook::Entity
);

/// Which webhook to delete.
#[derive(InputObject)]
pub struct DeleteWebhookInput {
    /// The webhook's global id.
    pub id: ID,
}

/// Result of `deleteWebhook`.
#[derive(async_graphql::SimpleObject)]
pub struct DeleteWebhookPayload {
    /// The deleted webhook's id.
    pub deleted_id: ID,
}

/// Which webhook gets a new secret.
#[derive(InputObject)]
pub struct RotateWebhookSecretInput {
    /// The webhook's global id.
    pub id: ID,
}

/// Result of `rotateWebhookSecret`.
pub struct RotateWebhookSecretPayload {
    id: uuid::Uuid,
    secret: String,
}

/// Result of `rotateWebhookSecret`.
#[Object]
impl RotateWebhookSecretPayload {
    /// The new signing secret, shown this once. For 24 hours deliveries carry a signature
    /// with the previous secret too, so a receiver can switch over without losing any.
    async fn secret(&self) -> &str {
        &self.secret
    }
    /// The webhook.
    async fn webhook(&self, ctx: &Context<'_>) -> Result<Option<Webhook>> {
        Ok(request(ctx)
            .loaders
            .one::<webhook::Entity>(self.id)
            .await?
            .map(Webhook))
    }
}

/// Which delivery to send again.
#[derive(InputObject)]
pub struct RedeliverWebhookInput {
    /// The delivery's global id (`WebhookDelivery.id`).
    pub delivery_id: ID,
}

payload!(
    /// Result of `redeliverWebhook`.
    RedeliverWebhookPayload, delivery: WebhookDelivery, webhook_delivery::Entity
);

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers a webhook for the viewer's institution (its INSTITUTION_ADMINs only). Events
    /// reach it only about objects the institution may see when they are delivered.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateWebhookInput,
    ) -> Result<CreateWebhookPayload> {
        let req = request(ctx);
        let (id, secret) = service::create(
            &req.db,
            settings(ctx)?,
            &req.principal,
            service::NewWebhook {
                url: input.url,
                events: input.events,
                description: input.description,
            },
        )
        .await?;
        Ok(CreateWebhookPayload { id, secret })
    }

    /// Changes a webhook's URL, event kinds, description, or pauses it.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdateWebhookInput,
    ) -> Result<UpdateWebhookPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Webhook", &input.id)?;
        service::update(
            &req.db,
            settings(ctx)?,
            &req.principal,
            id,
            input.expected_version,
            service::WebhookChanges {
                url: input.url,
                events: input.events,
                description: input.description,
                active: input.active,
            },
        )
        .await?;
        Ok(UpdateWebhookPayload::of(id))
    }

    /// Deletes a webhook and its delivery log.
    async fn delete_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: DeleteWebhookInput,
    ) -> Result<DeleteWebhookPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Webhook", &input.id)?;
        service::delete(&req.db, &req.principal, id).await?;
        Ok(DeleteWebhookPayload {
            deleted_id: input.id,
        })
    }

    /// Gives a webhook a new signing secret (shown once).
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RotateWebhookSecretInput,
    ) -> Result<RotateWebhookSecretPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Webhook", &input.id)?;
        let secret = service::rotate_secret(&req.db, &req.principal, id).await?;
        Ok(RotateWebhookSecretPayload { id, secret })
    }

    /// Sends a delivery again now, with a fresh retry window (if the institution may still see
    /// the object).
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RedeliverWebhookInput,
    ) -> Result<RedeliverWebhookPayload> {
        let req = request(ctx);
        let id = ids::decode_as("deliveryId", "WebhookDelivery", &input.delivery_id)?;
        service::redeliver(&req.db, settings(ctx)?, &req.principal, id).await?;
        Ok(RedeliverWebhookPayload::of(id))
    }
}
