//! `calendar_feed_tokens`: a user's secret for the calendar feeds (`/calendar/*.ics?token=…`);
//! only the secret's hash is stored.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "calendar_feed_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The user whose view of the data the feeds show.
    #[sea_orm(indexed)]
    pub user_id: Uuid,
    /// What the token is for, e.g. "Thunderbird at the office".
    pub name: String,
    /// The first characters of the secret, to recognise the token.
    pub prefix: String,
    /// Hex SHA-256 of the secret.
    #[sea_orm(unique)]
    #[serde(skip_serializing)]
    pub secret_hash: String,
    pub revoked_at: Option<DateTimeUtc>,
    /// When a feed was last fetched with it.
    pub last_used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
