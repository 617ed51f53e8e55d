//! `idempotency_keys`: the stored first answer to a mutation sent with an `Idempotency-Key`
//! header (see the server's `service::idempotency`). Not part of the domain model.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who sent it: `user:<id>`, `token:<id>` or `jwt:<institution>:<role>`.
    pub principal: String,
    /// The client's key.
    pub key: String,
    /// SHA-256 (hex) of the request (query, operation name, variables).
    pub request_hash: String,
    /// The HTTP status of the first answer; NULL while the first request runs.
    pub response_status: Option<i32>,
    /// The body of the first answer; NULL while the first request runs.
    #[sea_orm(column_type = "Text", nullable)]
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
