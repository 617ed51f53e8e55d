//! Users: people who log in, and the `users` list for their admins.

use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{enums::Role, institution, user};
use sea_orm::{ColumnTrait, Condition};

use crate::error::AppError;
use crate::graphql::{
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids,
    institution::Institution,
    request,
};

/// A person who logs in to BioBridge.
pub struct User(pub user::Model);

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        User(m)
    }
}

/// A person who logs in to BioBridge.
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
    /// The name shown to other users.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// What the user may do (see the README's roles).
    async fn role(&self) -> Role {
        self.0.role
    }
    /// The institution the user acts for; null for a licensee's user.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let Some(id) = self.0.institution_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(id)
            .await?
            .map(Institution))
    }
    /// The licensee organisation a `LICENSEE` user acts for.
    async fn licensee(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::licensee::Licensee>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<entity::external_organization::Entity>(id)
            .await?
            .map(crate::graphql::licensee::Licensee))
    }
    /// When the user was disabled; a disabled user cannot log in and their tokens are refused.
    async fn disabled_at(&self) -> Option<Timestamp> {
        self.0.disabled_at.map(Timestamp)
    }
    /// When the account was created.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the account last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
}

/// Filters for `users`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct UserFilter {
    /// The institution's global id.
    pub institution: Option<ID>,
    /// Users holding this role.
    pub role: Option<Role>,
    /// True: only disabled users; false: only active ones.
    pub disabled: Option<bool>,
}

impl UserFilter {
    fn condition(self) -> Result<Condition, AppError> {
        let mut c = Condition::all();
        if let Some(id) = &self.institution {
            c = c.add(user::Column::InstitutionId.eq(ids::decode_as(
                "institution",
                "Institution",
                id,
            )?));
        }
        if let Some(role) = self.role {
            c = c.add(user::Column::Role.eq(role));
        }
        match self.disabled {
            Some(true) => c = c.add(user::Column::DisabledAt.is_not_null()),
            Some(false) => c = c.add(user::Column::DisabledAt.is_null()),
            None => {}
        }
        Ok(c)
    }
}

/// Fields `users` can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum UserOrderField {
    /// Login e-mail address.
    #[default]
    Email,
    /// The name shown to other users.
    DisplayName,
    /// When the account was created.
    CreatedAt,
}

impl OrderField<user::Entity> for UserOrderField {
    fn column(self) -> user::Column {
        match self {
            Self::Email => user::Column::Email,
            Self::DisplayName => user::Column::DisplayName,
            Self::CreatedAt => user::Column::CreatedAt,
        }
    }
}

/// Ordering of users (ties broken by id).
#[derive(InputObject, Default)]
pub struct UserOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: UserOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// Users the viewer manages: an institution admin its institution's, a center admin all;
    /// anyone else only themselves. Not for API tokens.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<UserFilter>,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            UserOrder,
        >,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<User>> {
        let req = request(ctx);
        req.principal.forbid_api_token()?;
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<user::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}
