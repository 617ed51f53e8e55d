//! `webhook_deliveries`: one event owed to one webhook, with its retry state.

use sea_orm::entity::prelude::*;

use crate::enums::WebhookDeliveryStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub webhook_id: Uuid,
    #[sea_orm(indexed)]
    pub event_id: Uuid,
    pub status: WebhookDeliveryStatus,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (for a claimed delivery: when its claim lapses).
    pub next_attempt_at: DateTimeUtc,
    /// No retry is scheduled after this instant.
    pub retry_until: DateTimeUtc,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::webhook::Entity",
        from = "Column::WebhookId",
        to = "super::webhook::Column::Id",
        on_delete = "Cascade"
    )]
    Webhook,
    #[sea_orm(
        belongs_to = "super::webhook_event::Entity",
        from = "Column::EventId",
        to = "super::webhook_event::Column::Id",
        on_delete = "Cascade"
    )]
    Event,
    #[sea_orm(has_many = "super::webhook_attempt::Entity")]
    Attempts,
}

impl Related<super::webhook::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Webhook.def()
    }
}

impl Related<super::webhook_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::webhook_attempt::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Attempts.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
