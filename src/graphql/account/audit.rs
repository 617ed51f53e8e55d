//! The audit trail: `AuditEvent` and `auditEvents`.

use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, Enum, ID, InputObject, Json, Object, Result};
use entity::{api_token, audit_event, institution, user};
use sea_orm::{ColumnTrait, Condition};

use crate::error::AppError;
use crate::graphql::{
    account::{token::ApiToken, user::User},
    connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
    ids,
    institution::Institution,
    request,
};
use crate::service::audit::{API_TOKEN_PREFIX, api_token_in_label};

/// One change, recorded in the same transaction as the change itself. Append-only.
pub struct AuditEvent(pub audit_event::Model);

impl From<audit_event::Model> for AuditEvent {
    fn from(m: audit_event::Model) -> Self {
        AuditEvent(m)
    }
}

/// One change, recorded in the same transaction as the change itself. Append-only.
#[Object]
impl AuditEvent {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("AuditEvent", self.0.id)
    }
    /// When it happened.
    async fn at(&self) -> Timestamp {
        Timestamp(self.0.at)
    }
    /// Who acted: `user:<id>`, `api-token:<id>` or `operator` — or just `user` / `api-token`
    /// when the viewer may not see that user or token (another institution's account).
    async fn actor_label(&self, ctx: &Context<'_>) -> Result<String> {
        let loaders = &request(ctx).loaders;
        let label = &self.0.actor_label;
        // The access policy (through the loaders) decides whether the id may be shown.
        if let Some(user) = self.0.actor_user_id {
            if loaders.one::<user::Entity>(user).await?.is_none() {
                return Ok("user".into());
            }
        } else if label.starts_with(API_TOKEN_PREFIX) {
            let visible = match api_token_in_label(label) {
                Some(id) => loaders.one::<api_token::Entity>(id).await?.is_some(),
                None => false,
            };
            if !visible {
                return Ok("api-token".into());
            }
        }
        Ok(label.clone())
    }
    /// The acting user (null for API tokens and operators, or if the viewer may not see them).
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let Some(id) = self.0.actor_user_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<user::Entity>(id)
            .await?
            .map(User))
    }
    /// The API token that acted, when a partner system did: its name, scopes and institution
    /// (null for users and operators, and unless the viewer manages that token).
    async fn actor_api_token(&self, ctx: &Context<'_>) -> Result<Option<ApiToken>> {
        let Some(id) = crate::service::audit::api_token_in_label(&self.0.actor_label) else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<api_token::Entity>(id)
            .await?
            .map(ApiToken))
    }
    /// The institution whose records changed.
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
    /// What was done, e.g. `technology.update`, `user.login`, `apiToken.revoke`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The type of the object it was done to, e.g. `Technology`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The global id of the object it was done to.
    async fn entity_id(&self) -> ID {
        ids::encode(&self.0.entity_type, self.0.entity_id)
    }
    /// The changed fields and their new values (never secrets or password hashes).
    async fn changes(&self) -> Json<serde_json::Value> {
        Json(self.0.changes.clone())
    }
}

/// Filters for `auditEvents`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Events about this object (its global id).
    pub entity_id: Option<ID>,
    /// Events about objects of this type, e.g. `Technology`.
    pub entity_type: Option<String>,
    /// Events by this user or API token (its global id).
    pub actor: Option<ID>,
    /// Events of this action, e.g. `technology.update`.
    pub action: Option<String>,
    /// The institution's global id.
    pub institution: Option<ID>,
    /// At or after this instant.
    pub from: Option<Timestamp>,
    /// Before this instant.
    pub to: Option<Timestamp>,
}

impl AuditEventFilter {
    fn condition(self) -> Result<Condition, AppError> {
        use audit_event::Column as C;
        let mut c = Condition::all();
        if let Some(id) = &self.entity_id {
            let (ty, uuid) = ids::decode(id)
                .ok_or_else(|| AppError::bad_input("entityId", "not a global id"))?;
            c = c.add(C::EntityType.eq(ty)).add(C::EntityId.eq(uuid));
        }
        if let Some(ty) = self.entity_type {
            c = c.add(C::EntityType.eq(ty));
        }
        if let Some(actor) = &self.actor {
            c = c.add(match ids::decode(actor) {
                Some((ty, id)) if ty == "User" => C::ActorUserId.eq(id),
                Some((ty, id)) if ty == "ApiToken" => {
                    C::ActorLabel.eq(crate::service::audit::api_token_label(id))
                }
                _ => {
                    return Err(AppError::bad_input(
                        "actor",
                        "not the id of a User or an ApiToken",
                    ));
                }
            });
        }
        if let Some(action) = self.action {
            c = c.add(C::Action.eq(action));
        }
        if let Some(inst) = &self.institution {
            c = c.add(C::InstitutionId.eq(ids::decode_as("institution", "Institution", inst)?));
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(AppError::bad_input("to", "`to` lies before `from`"));
        }
        if let Some(from) = self.from {
            c = c.add(C::At.gte(from.0));
        }
        if let Some(to) = self.to {
            c = c.add(C::At.lt(to.0));
        }
        Ok(c)
    }
}

/// Fields `auditEvents` can be ordered by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum AuditEventOrderField {
    /// When it happened.
    #[default]
    At,
}

impl OrderField<audit_event::Entity> for AuditEventOrderField {
    fn column(self) -> audit_event::Column {
        match self {
            Self::At => audit_event::Column::At,
        }
    }
}

/// Ordering of audit events (ties broken by id); newest first unless said otherwise.
#[derive(InputObject)]
pub struct AuditEventOrder {
    /// What to order by.
    #[graphql(default)]
    pub field: AuditEventOrderField,
    /// Ascending or descending (default: newest first).
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl Default for AuditEventOrder {
    fn default() -> Self {
        AuditEventOrder {
            field: AuditEventOrderField::At,
            direction: OrderDirection::Desc,
        }
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit trail, newest first: a center admin sees all of it, an institution admin its
    /// institution's. Not for API tokens.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items that meet every condition given.")] filter: Option<
            AuditEventFilter,
        >,
        #[graphql(desc = "The order of the items; ties are broken by id.")] order_by: Option<
            AuditEventOrder,
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
    ) -> Result<Page<AuditEvent>> {
        let req = request(ctx);
        req.principal.forbid_api_token()?;
        let order = order_by.unwrap_or_default();
        Ok(connection::root_list::<audit_event::Entity, _>(
            ctx,
            filter.unwrap_or_default().condition()?,
            Ordering::new(order.field, order.direction),
            PageArgs::new(first, after, last, before),
        )
        .await?)
    }
}
