//! `RoyaltyReport.submittedBy`: who sent a report — a person, or a partner system with an API
//! token — by name and institution, to everyone who may see the report.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, Object, Result, dataloader::Loader};
use entity::{api_token, institution, royalty_report, user};
use uuid::Uuid;

use crate::{
    auth::PrincipalKind,
    error::AppError,
    graphql::{
        account::{token::ApiToken, user::User},
        institution::Institution,
        licensee::Licensee,
        loaders::{LoaderContext, NewLoader},
        request,
    },
    service::royalty::{self as service, Submitter as Named},
};

/// Who submitted a royalty report: a user, or a partner system with an API token.
pub struct Submitter {
    kind: PrincipalKind,
    id: Uuid,
    named: Named,
}

impl Submitter {
    /// The submitter of `report`; none when an operator's token submitted it.
    pub async fn of(ctx: &Context<'_>, report: &royalty_report::Model) -> Result<Option<Self>> {
        let loaders = &request(ctx).loaders;
        let (kind, id, found) = if let Some(id) = report.submitted_by_api_token_id {
            let found = loaders.get::<SubmitterNames<true>>().load_one(id).await;
            (PrincipalKind::ApiToken, id, found)
        } else if let Some(id) = report.submitted_by {
            let found = loaders.get::<SubmitterNames<false>>().load_one(id).await;
            (PrincipalKind::User, id, found)
        } else {
            return Ok(None);
        };
        let named = found.map_err(|e| AppError::from_shared(&e))?;
        Ok(named.map(|named| Submitter { kind, id, named }))
    }
}

/// Who submitted a royalty report: a user, or a partner system with an API token.
#[Object]
impl Submitter {
    /// `USER`, or `API_TOKEN` when a partner system submitted it.
    async fn kind(&self) -> PrincipalKind {
        self.kind
    }
    /// The user's name, or the API token's name (what the system is, e.g. "unibl ERP").
    async fn name(&self) -> &str {
        &self.named.name
    }
    /// The institution the user or token acts for (the deal's recipient); null when a
    /// licensee outside the consortium submitted it (see `licensee`).
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let Some(id) = self.named.institution_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(id)
            .await?
            .map(Institution))
    }
    /// The licensee organisation the user or token acts for, when a licensee outside the
    /// consortium submitted it (as far as the viewer may see that organisation).
    async fn licensee(&self, ctx: &Context<'_>) -> Result<Option<Licensee>> {
        let Some(id) = self.named.organization_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<entity::external_organization::Entity>(id)
            .await?
            .map(Licensee))
    }
    /// The user's account (null for API tokens, and unless the viewer may see that account:
    /// the user, their institution's admins, center admins).
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        if self.kind != PrincipalKind::User {
            return Ok(None);
        }
        Ok(request(ctx)
            .loaders
            .one::<user::Entity>(self.id)
            .await?
            .map(User))
    }
    /// The API token (null for users, and unless the viewer manages that token: its
    /// institution's admins, center admins).
    async fn api_token(&self, ctx: &Context<'_>) -> Result<Option<ApiToken>> {
        if self.kind != PrincipalKind::ApiToken {
            return Ok(None);
        }
        Ok(request(ctx)
            .loaders
            .one::<api_token::Entity>(self.id)
            .await?
            .map(ApiToken))
    }
}

/// Submitters' names by id, batched across the reports of a request: API tokens' when
/// `TOKENS`, users' otherwise.
pub struct SubmitterNames<const TOKENS: bool>(LoaderContext);

impl<const TOKENS: bool> NewLoader for SubmitterNames<TOKENS> {
    fn new(ctx: &LoaderContext) -> Self {
        SubmitterNames(ctx.clone())
    }
}

impl<const TOKENS: bool> Loader<Uuid> for SubmitterNames<TOKENS> {
    type Value = Named;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Named>, Self::Error> {
        service::submitters(&self.0.db, keys, TOKENS)
            .await
            .map_err(Arc::new)
    }
}
