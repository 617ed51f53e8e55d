//! `api_tokens`: opaque bearer tokens for partner systems; only the secret's hash is stored.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The institution the token acts for; none for a licensee's token.
    #[sea_orm(indexed)]
    pub institution_id: Option<Uuid>,
    /// The external organisation a licensee's token acts for (exactly one of the two is set).
    #[sea_orm(indexed)]
    pub organization_id: Option<Uuid>,
    pub name: String,
    /// The first 12 characters of the secret, shown to users to recognise the token.
    #[sea_orm(unique)]
    pub prefix: String,
    /// Hex SHA-256 of the secret.
    #[sea_orm(unique)]
    #[serde(skip_serializing)]
    pub secret_hash: String,
    /// JSON array of scope strings, e.g. `["technology:read"]`.
    pub scopes: Json,
    #[sea_orm(indexed)]
    pub created_by: Uuid,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::institution::Entity",
        from = "Column::InstitutionId",
        to = "super::institution::Column::Id",
        on_delete = "Restrict"
    )]
    Institution,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id",
        on_delete = "Restrict"
    )]
    Creator,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Institution.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Creator.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
