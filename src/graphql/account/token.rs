//! API tokens of partner systems: the `ApiToken` type, `apiTokens`, `createApiToken` and
//! `revokeApiToken`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use chrono::Utc;
use entity::{api_token, institution, user};
use sea_orm::{ColumnTrait, Condition};

use crate::graphql::{
    account::authenticator,
    account::user::User,
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids,
    institution::Institution,
    request,
    scalars::{Timestamp, string_list},
};
use crate::{error::AppError, payload, service::api_tokens as service};

/// A partner system's credential. The secret itself is shown once, by `createApiToken`.
pub struct ApiToken(pub api_token::Model);

impl From<api_token::Model> for ApiToken {
    fn from(m: api_token::Model) -> Self {
        ApiToken(m)
    }
}

/// A partner system's credential. The secret itself is shown once, by `createApiToken`.
#[Object]
impl ApiToken {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("ApiToken", self.0.id)
    }
    /// What the token is for, e.g. "ERP royalty export".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the secret (`bbt_…`), to recognise the token.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// What the token may do, e.g. `technology:read`.
    async fn scopes(&self) -> Vec<String> {
        string_list(&self.0.scopes)
    }
    /// The institution the token acts for (as a MEMBER); null for a licensee's token.
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
    /// The licensee organisation a licensee's token acts for.
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
    /// Who created the token (null if the viewer may not see that user).
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(request(ctx)
            .loaders
            .one::<user::Entity>(self.0.created_by)
            .await?
            .map(User))
    }
    /// When the token stops working; null: never (until revoked).
    async fn expires_at(&self) -> Option<Timestamp> {
        self.0.expires_at.map(Timestamp)
    }
    /// When the token was revoked; a revoked token is refused.
    async fn revoked_at(&self) -> Option<Timestamp> {
        self.0.revoked_at.map(Timestamp)
    }
    /// When the token was last used. Current on the server that answers; the stored value
    /// trails by at most about 30 seconds.
    async fn last_used_at(&self, ctx: &Context<'_>) -> Result<Option<Timestamp>> {
        let pending = authenticator(ctx)?.pending_token_use(self.0.id);
        Ok(self.0.last_used_at.max(pending).map(Timestamp))
    }
    /// When the token was created.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
}

/// Filters for `apiTokens`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ApiTokenFilter {
    /// The institution's global id.
    pub institution: Option<ID>,
    /// True: only tokens that work now (neither revoked nor expired); false: only the others.
    pub active: Option<bool>,
}

impl ApiTokenFilter {
    fn condition(self) -> Result<Condition, AppError> {
        use api_token::Column as C;
        let mut c = Condition::all();
        if let Some(id) = &self.institution {
            c = c.add(C::InstitutionId.eq(ids::decode_as("institution", "Institution", id)?));
        }
        if let Some(active) = self.active {
            let usable = Condition::all().add(C::RevokedAt.is_null()).add(
                Condition::any()
                    .add(C::ExpiresAt.is_null())
                    .add(C::ExpiresAt.gt(Utc::now())),
            );
            c = c.add(if active { usable } else { usable.not() });
        }
        Ok(c)
    }
}

/// Fields `apiTokens` can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum ApiTokenOrderField {
    /// When the token was created.
    #[default]
    CreatedAt,
    /// The token's name.
    Name,
}

impl OrderField<api_token::Entity> for ApiTokenOrderField {
    fn column(self) -> api_token::Column {
        match self {
            Self::CreatedAt => api_token::Column::CreatedAt,
            Self::Name => api_token::Column::Name,
        }
    }
}

/// Ordering of API tokens (ties broken by id).
#[derive(InputObject, Default)]
pub struct ApiTokenOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: ApiTokenOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct ApiTokenQuery;

#[Object]
impl ApiTokenQuery {
    /// API tokens the viewer manages: an institution admin its institution's, a center admin
    /// all. Not for API tokens.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn api_tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            ApiTokenFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            ApiTokenOrder,
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
    ) -> Result<Page<ApiToken>> {
        let req = request(ctx);
        req.principal.forbid_api_token()?;
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<api_token::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}

/// A new API token.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What the token is for, e.g. "ERP royalty export".
    pub name: String,
    /// What it may do: `technology:read`, `technology:write`, `ip:read`, `ip:write`,
    /// `deal:read`, `deal:write`, `venture:read`, `venture:write`, `training:read`,
    /// `training:write`, `stats:read`.
    pub scopes: Vec<String>,
    /// When it stops working; null: never (until revoked).
    pub expires_at: Option<Timestamp>,
    /// The institution it acts for; only a center admin may name another than their own.
    pub institution_id: Option<ID>,
}

/// Result of `createApiToken`.
pub struct CreateApiTokenPayload {
    id: uuid::Uuid,
    secret: String,
}

/// Result of `createApiToken`.
#[Object]
impl CreateApiTokenPayload {
    /// The secret (`bbt_…`), shown this once: store it now. Send it as
    /// `Authorization: Bearer <token>`.
    async fn token(&self) -> &str {
        &self.secret
    }
    /// The token's metadata, as the viewer sees it.
    async fn api_token(&self, ctx: &Context<'_>) -> Result<Option<ApiToken>> {
        Ok(request(ctx)
            .loaders
            .one::<api_token::Entity>(self.id)
            .await?
            .map(ApiToken))
    }
}

/// Which token to revoke.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    /// The token's global id.
    pub id: ID,
}

payload!(
    /// Result of `revokeApiToken`.
    RevokeApiTokenPayload, api_token: ApiToken, api_token::Entity
);

#[derive(Default)]
pub struct ApiTokenMutation;

#[Object]
impl ApiTokenMutation {
    /// Creates an API token for a partner system (institution and center admins).
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateApiTokenInput,
    ) -> Result<CreateApiTokenPayload> {
        let req = request(ctx);
        let institution = input
            .institution_id
            .as_ref()
            .map(|id| ids::decode_as("institutionId", "Institution", id))
            .transpose()?;
        let (id, secret) = service::create(
            &req.db,
            &req.principal,
            service::NewApiToken {
                institution,
                name: input.name,
                scopes: input.scopes,
                expires_at: input.expires_at.map(|t| t.0),
            },
        )
        .await?;
        Ok(CreateApiTokenPayload { id, secret })
    }

    /// Revokes an API token; it is refused from the next request on.
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RevokeApiTokenInput,
    ) -> Result<RevokeApiTokenPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "ApiToken", &input.id)?;
        service::revoke(&req.db, &req.principal, id).await?;
        authenticator(ctx)?.forget_api_token(id);
        Ok(RevokeApiTokenPayload::of(id))
    }
}
