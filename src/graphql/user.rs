//! Users: people who log in.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{enums::Role, institution, user};

use super::{ids, institution::Institution, request};

/// A person who logs in to BioBridge.
pub struct User(pub user::Model);

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        User(m)
    }
}

#[Object]
impl User {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("User", self.0.id)
    }
    /// Login e-mail address (lower-case).
    async fn email(&self) -> &str {
        &self.0.email
    }
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    async fn role(&self) -> Role {
        self.0.role
    }
    /// The institution the user acts for.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.institution_id)
            .await?
            .map(Institution))
    }
    /// When the user was disabled; a disabled user cannot log in.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
