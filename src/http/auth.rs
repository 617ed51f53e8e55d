//! Turns the `Authorization` header into a [`Principal`]. No header is an anonymous request;
//! a header that does not authenticate is an error (HTTP 401), never a silent downgrade.

use axum::http::{HeaderMap, header};
use entity::{enums::Role, institution, user};
use sea_orm::{ActiveEnum, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::{
    auth::{Principal, PrincipalInstitution, PrincipalKind, jwt::JwtKeys},
    error::{AppError, AppResult},
};

pub struct Authenticator {
    db: DatabaseConnection,
    pub jwt: JwtKeys,
}

fn invalid(msg: &str) -> AppError {
    AppError::Unauthenticated(msg.to_owned())
}

impl Authenticator {
    pub fn new(db: DatabaseConnection, jwt: JwtKeys) -> Self {
        Authenticator { db, jwt }
    }

    pub async fn principal(&self, headers: &HeaderMap) -> AppResult<Principal> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Ok(Principal::anonymous());
        };
        let value = value
            .to_str()
            .map_err(|_| invalid("malformed Authorization header"))?;
        let (scheme, token) = value
            .trim()
            .split_once(' ')
            .ok_or_else(|| invalid("the Authorization header must be `Bearer <token>`"))?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
            return Err(invalid("the Authorization header must be `Bearer <token>`"));
        }
        self.jwt_principal(token).await
    }

    async fn jwt_principal(&self, token: &str) -> AppResult<Principal> {
        let claims = self.jwt.verify(token).map_err(|e| {
            tracing::debug!(error = %e, "rejected access token");
            invalid("invalid or expired access token")
        })?;
        let role = <Role as ActiveEnum>::try_from_value(&claims.role)
            .map_err(|_| invalid("invalid or expired access token"))?;
        let inst = self.institution(claims.inst).await?;
        // A token names a user when its subject is one of ours: that user must still be active.
        let mut user_id = None;
        if let Ok(id) = Uuid::parse_str(&claims.sub)
            && let Some(user) = user::Entity::find_by_id(id).one(&self.db).await?
        {
            let revoked_after = user
                .disabled_at
                .into_iter()
                .chain(user.tokens_valid_after)
                .max();
            if user.disabled_at.is_some()
                || revoked_after.is_some_and(|t| claims.iat < t.timestamp())
                || user.institution_id != inst.id
            {
                return Err(invalid("invalid or expired access token"));
            }
            user_id = Some(user.id);
        }
        Ok(Principal {
            kind: PrincipalKind::User,
            user_id,
            api_token_id: None,
            institution: Some(inst),
            role: Some(role),
            scopes: Vec::new(),
        })
    }

    async fn institution(&self, id: Uuid) -> AppResult<PrincipalInstitution> {
        let inst = institution::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| invalid("invalid or expired access token"))?;
        Ok(PrincipalInstitution {
            id: inst.id,
            membership: inst.membership,
            region: inst.region,
        })
    }
}
