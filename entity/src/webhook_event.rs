//! `webhook_events`: the transactional outbox. Written in the transaction of the change it
//! announces (its id is that change's audit event's); `dispatched_at` is set once it has been
//! fanned out to the webhooks owed it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The webhook event kind, e.g. `ROYALTY_REPORT_CHANGED`.
    pub kind: String,
    /// The audit action, e.g. `royaltyReport.decide`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub dispatched_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::webhook_delivery::Entity")]
    Deliveries,
}

impl Related<super::webhook_delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deliveries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
