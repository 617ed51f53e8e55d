//! `me`: who the API thinks is asking.

use async_graphql::{Context, Object, Result};
use entity::{enums::Role, institution, user};

use crate::auth::PrincipalKind;
use crate::graphql::{
    account::{token::ApiToken, user::User},
    institution::Institution,
    request,
};

/// The subject of the current request.
pub struct Viewer;

/// The subject of the current request.
#[Object]
impl Viewer {
    /// How the request authenticated.
    async fn kind(&self, ctx: &Context<'_>) -> PrincipalKind {
        request(ctx).principal.kind
    }
    /// The viewer's role; null when anonymous.
    async fn role(&self, ctx: &Context<'_>) -> Option<Role> {
        request(ctx).principal.role
    }
    /// An API token's scopes; empty for users (their role decides).
    async fn scopes(&self, ctx: &Context<'_>) -> Vec<String> {
        request(ctx).principal.scopes.clone()
    }
    /// The licensee organisation a licensee's account or API token acts for; null otherwise.
    async fn licensee(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::licensee::Licensee>> {
        let req = request(ctx);
        let Some(id) = req.principal.licensee() else {
            return Ok(None);
        };
        Ok(req
            .loaders
            .one::<entity::external_organization::Entity>(id)
            .await?
            .map(crate::graphql::licensee::Licensee))
    }
    /// The institution the viewer acts for; null when anonymous (and for licensees).
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let req = request(ctx);
        let Some(id) = req.principal.institution_id() else {
            return Ok(None);
        };
        Ok(req
            .loaders
            .one::<institution::Entity>(id)
            .await?
            .map(Institution))
    }
    /// The API token asking — its name, scopes and expiry, so a partner system can check its
    /// own credential; null unless the request authenticated with an API token.
    async fn api_token(&self, ctx: &Context<'_>) -> Result<Option<ApiToken>> {
        let req = request(ctx);
        Ok(crate::service::api_tokens::own(&req.db, &req.principal)
            .await?
            .map(ApiToken))
    }
    /// The logged-in user; null for anonymous requests, API tokens and operator tokens.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        let req = request(ctx);
        let Some(id) = req.principal.user_id else {
            return Ok(None);
        };
        Ok(req.loaders.one::<user::Entity>(id).await?.map(User))
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The viewer: anonymous, a user or an API token.
    async fn me(&self) -> Viewer {
        Viewer
    }
}
