//! `users`: people who log in.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The user's institution; none for a licensee's user (see `organization_id`).
    #[sea_orm(indexed)]
    pub institution_id: Option<Uuid>,
    /// The external organisation of a `LICENSEE` user (exactly one of the two is set).
    #[sea_orm(indexed)]
    pub organization_id: Option<Uuid>,
    /// Always stored lower-case (a CHECK enforces it), so uniqueness is case-insensitive.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Argon2id PHC string.
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub disabled_at: Option<DateTimeUtc>,
    /// Access tokens issued before this instant are rejected.
    pub tokens_valid_after: Option<DateTimeUtc>,
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
    /// API tokens this user created.
    #[sea_orm(has_many = "super::api_token::Entity")]
    ApiToken,
}

impl Related<super::institution::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Institution.def()
    }
}

impl Related<super::api_token::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApiToken.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
