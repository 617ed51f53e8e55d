//! `licensee_invitations`: one-time invitations to create a licensee account. Only the hash of
//! the invitation token is stored.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "licensee_invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub organization_id: Uuid,
    /// The account's login, lower-case.
    pub email: String,
    pub display_name: String,
    /// Hex SHA-256 of the token.
    #[sea_orm(unique)]
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub expires_at: DateTimeUtc,
    /// Set when the account was created; an invitation works once.
    pub accepted_at: Option<DateTimeUtc>,
    /// The admin who invited (no foreign key to keep the invitation if the user goes).
    pub invited_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::external_organization::Entity",
        from = "Column::OrganizationId",
        to = "super::external_organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
}

impl Related<super::external_organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
