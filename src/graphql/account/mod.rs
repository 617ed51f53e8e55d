//! Account mutations: `login`, and user management (`createUser`, `disableUser`,
//! `changePassword`).

pub mod audit;
pub mod calendar_feed;
pub mod token;
pub mod user;
pub mod viewer;

use std::sync::Arc;

use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{enums::Role, user as user_row};

use crate::graphql::{account::user::User, ids, request};
use crate::{
    auth::{Authenticator, client_address::ClientAddress},
    error::{AppError, AppResult},
    payload,
    service::accounts as service,
};

/// The authenticator the HTTP layer attaches to every request: JWT keys, login throttle, API-token
/// cache.
pub fn authenticator<'a>(ctx: &Context<'a>) -> AppResult<&'a Arc<Authenticator>> {
    ctx.data::<Arc<Authenticator>>()
        .map_err(|_| AppError::internal(anyhow::anyhow!("the request carries no authenticator")))
}

/// E-mail address and password.
#[derive(InputObject)]
pub struct LoginInput {
    /// The login e-mail address (case does not matter).
    pub email: String,
    /// The user's password.
    pub password: String,
}

/// Result of `login`.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// When the access token stops working; log in again then.
    pub expires_at: Timestamp,
    /// The user who logged in.
    pub user: User,
}

/// A new account.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Login e-mail address; stored lower-case, unique regardless of case.
    pub email: String,
    /// The name shown to other users.
    pub display_name: String,
    /// INSTITUTION_ADMINs may give MEMBER or INSTITUTION_ADMIN; CENTER_ADMINs any role.
    pub role: Role,
    /// At least 12 characters.
    pub password: String,
    /// The user's institution; only a center admin may name another than their own.
    pub institution_id: Option<ID>,
}

/// Which user to disable.
#[derive(InputObject)]
pub struct DisableUserInput {
    /// The user's global id.
    pub id: ID,
}

/// The viewer's current and new password.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password used so far.
    pub current_password: String,
    /// At least 12 characters.
    pub new_password: String,
}

payload!(
    /// Result of `createUser`.
    CreateUserPayload, user: User, user_row::Entity
);
payload!(
    /// Result of `disableUser`.
    DisableUserPayload, user: User, user_row::Entity
);
payload!(
    /// Result of `changePassword`.
    ChangePasswordPayload, user: User, user_row::Entity
);

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Logs in with e-mail address and password and returns an access token. Needs no
    /// authentication. Repeated failures for one e-mail address, or from one client address,
    /// are refused for a while, and so are logins while the server is busy checking others'
    /// passwords (`RATE_LIMITED`, with `extensions.retryAfter` in seconds).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The e-mail address and password to log in with.")] input: LoginInput,
    ) -> Result<LoginPayload> {
        let auth = authenticator(ctx)?;
        let client = ctx
            .data_opt::<ClientAddress>()
            .copied()
            .unwrap_or(ClientAddress::UNKNOWN);
        let done = service::login(
            &request(ctx).db,
            &auth.jwt,
            &auth.logins,
            client,
            auth.login_ttl,
            &input.email,
            &input.password,
        )
        .await?;
        Ok(LoginPayload {
            access_token: done.access_token,
            expires_at: Timestamp(done.expires_at),
            user: User(done.user),
        })
    }

    /// Creates a user of the viewer's institution (or, for center admins, of any institution).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateUserInput,
    ) -> Result<CreateUserPayload> {
        let req = request(ctx);
        let institution = input
            .institution_id
            .as_ref()
            .map(|id| ids::decode_as("institutionId", "Institution", id))
            .transpose()?;
        let written = service::create_user(
            &req.db,
            &req.principal,
            &authenticator(ctx)?.logins,
            service::NewUser {
                institution,
                email: input.email,
                display_name: input.display_name,
                role: input.role,
                password: input.password,
            },
        )
        .await?;
        Ok(CreateUserPayload::from(written))
    }

    /// Disables a user: they can no longer log in, and their access tokens stop working.
    async fn disable_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: DisableUserInput,
    ) -> Result<DisableUserPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "User", &input.id)?;
        service::disable_user(&req.db, &req.principal, id).await?;
        authenticator(ctx)?.forget_user(id);
        Ok(DisableUserPayload::of(id))
    }

    /// Changes the viewer's own password. Access tokens issued before stop working: log in
    /// again with the new password.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: ChangePasswordInput,
    ) -> Result<ChangePasswordPayload> {
        let req = request(ctx);
        let auth = authenticator(ctx)?;
        let id = service::change_password(
            &req.db,
            &req.principal,
            &auth.logins,
            &input.current_password,
            &input.new_password,
        )
        .await?;
        auth.forget_user(id);
        Ok(ChangePasswordPayload::of(id))
    }
}
