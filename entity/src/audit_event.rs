//! `audit_events`: one row per mutation, written in the mutation's transaction. Append-only.
//!
//! Deliberately without foreign keys: the history must survive the deletion of what it is about.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub at: DateTimeUtc,
    /// The acting user, if any (no foreign key).
    pub actor_user_id: Option<Uuid>,
    /// Who acted, as shown in history (a user's e-mail, an API token's name, `system`).
    pub actor_label: String,
    /// The acting principal's institution (no foreign key).
    #[sea_orm(indexed)]
    pub institution_id: Option<Uuid>,
    /// e.g. `technology.create`.
    #[sea_orm(indexed)]
    pub action: String,
    /// e.g. `Technology`; indexed together with `entity_id`.
    pub entity_type: String,
    pub entity_id: Uuid,
    /// JSON description of the change.
    pub changes: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
