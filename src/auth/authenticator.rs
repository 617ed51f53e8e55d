//! Turns the `Authorization` header into a [`Principal`]. No header is an anonymous request;
//! a header that does not authenticate is an error (HTTP 401), never a silent downgrade.
//!
//! `Bearer bbt_…` is an API token, looked up by the hash of its secret (cached briefly, see
//! [`crate::auth::api_token`]); anything else after `Bearer` must be an access JWT. The
//! authenticator also holds the state accounts need across requests — the JWT keys, the login
//! throttle, the token cache, the cache of users' and institutions' state behind access JWTs
//! (see [`crate::auth::state_cache`]) and the record of token uses — and is handed to the
//! GraphQL resolvers as request data.

use std::{
    sync::{Arc, Weak},
    time::{Duration, Instant},
};

use axum::http::{HeaderMap, header};
use chrono::{DateTime, SubsecRound, Utc};
use entity::{enums::Role, external_organization, institution, user};
use sea_orm::{ActiveEnum, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::{
    auth::{
        Principal, PrincipalInstitution, PrincipalKind,
        api_token::{self, CACHE_TTL, TokenCache, TokenUsage, USAGE_FLUSH_INTERVAL},
        jwt::JwtKeys,
        login_limits::LoginLimits,
        state_cache::{OrganizationState, PrincipalStates, UserState},
    },
    error::{AppError, AppResult},
    service::api_tokens,
};

pub struct Authenticator {
    db: DatabaseConnection,
    pub jwt: JwtKeys,
    /// Lifetime of the access tokens `login` issues.
    pub login_ttl: Duration,
    /// Login throttles and the bound on password hashing.
    pub logins: LoginLimits,
    tokens: TokenCache,
    states: PrincipalStates,
    usage: TokenUsage,
}

fn invalid(msg: &str) -> AppError {
    AppError::Unauthenticated(msg.to_owned())
}

/// A checked credential: who it speaks for, and until when.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub principal: Principal,
    /// When the credential stops being valid by itself (JWT `exp`, API-token expiry).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Whether an API-token look-up may be answered from the short-lived cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Cached,
    Fresh,
}

/// The bearer credential of the `Authorization` header; `None` when there is no header.
pub fn bearer_from_headers(headers: &HeaderMap) -> AppResult<Option<&str>> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        // Which one would count is anybody's guess: refuse rather than pick.
        return Err(invalid("send one Authorization header"));
    }
    let value = value
        .to_str()
        .map_err(|_| invalid("malformed Authorization header"))?;
    parse_bearer(value).map(Some)
}

/// `Bearer <token>` → the token.
pub fn parse_bearer(value: &str) -> AppResult<&str> {
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| invalid("the Authorization header must be `Bearer <token>`"))?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(invalid("the Authorization header must be `Bearer <token>`"));
    }
    Ok(token)
}

impl Authenticator {
    /// `state_ttl`: how long the state of a JWT's user and institution is trusted without
    /// reading it again (zero: read it on every request).
    ///
    /// Also starts the background task that writes API-token uses every
    /// [`USAGE_FLUSH_INTERVAL`] (when called inside a Tokio runtime); it ends with the
    /// authenticator.
    pub fn new(
        db: DatabaseConnection,
        jwt: JwtKeys,
        login_ttl: Duration,
        logins: LoginLimits,
        state_ttl: Duration,
    ) -> Arc<Self> {
        let auth = Arc::new(Authenticator {
            db,
            jwt,
            login_ttl,
            logins,
            tokens: TokenCache::new(CACHE_TTL),
            states: PrincipalStates::new(state_ttl),
            usage: TokenUsage::default(),
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(flush_periodically(Arc::downgrade(&auth)));
        }
        auth
    }

    pub async fn principal(&self, headers: &HeaderMap) -> AppResult<Principal> {
        match bearer_from_headers(headers)? {
            None => Ok(Principal::anonymous()),
            Some(token) => Ok(self.authenticate(token, Lookup::Cached).await?.principal),
        }
    }

    /// Checks a bearer credential (an API token or an access JWT). [`Lookup::Fresh`] bypasses
    /// the API-token cache, for callers that must see a revocation made on another instance.
    pub async fn authenticate(&self, token: &str, lookup: Lookup) -> AppResult<Authenticated> {
        if api_token::is_api_token(token) {
            self.api_token_principal(token, lookup).await
        } else {
            self.jwt_principal(token).await
        }
    }

    async fn api_token_principal(&self, secret: &str, lookup: Lookup) -> AppResult<Authenticated> {
        let hash = api_token::hash_secret(secret);
        let cached = match lookup {
            Lookup::Cached => self.tokens.get(&hash, Instant::now()),
            Lookup::Fresh => None,
        };
        let record = match cached {
            Some(record) => record,
            None => {
                let generation = self.tokens.generation();
                let record = api_tokens::find_by_secret_hash(&self.db, &hash)
                    .await?
                    .ok_or_else(|| invalid("invalid, expired or revoked API token"))?;
                self.tokens
                    .put(hash, record.clone(), generation, Instant::now());
                record
            }
        };
        let now = Utc::now();
        if !record.is_usable_at(now) {
            return Err(invalid("invalid, expired or revoked API token"));
        }
        // At the database's precision, so the value does not change when it is written.
        self.usage.record(record.id, now.trunc_subsecs(6));
        Ok(Authenticated {
            principal: record.principal(),
            expires_at: record.expires_at,
        })
    }

    /// Forgets a revoked token, so that this instance refuses it from the next request on.
    pub fn forget_api_token(&self, id: Uuid) {
        self.tokens.evict(id);
    }

    /// Forgets what is cached about user `id` (disabled, password changed), so that this
    /// instance judges their tokens on the current state from the next request on.
    pub fn forget_user(&self, id: Uuid) {
        self.states.users.evict(id);
    }

    /// Forgets what is cached about institution `id` (its membership changed, say).
    pub fn forget_institution(&self, id: Uuid) {
        self.states.institutions.evict(id);
    }

    /// Forgets what is cached about a licensee's organisation `id` (suspended or reactivated),
    /// and every API token: this instance judges the organisation's tokens afresh.
    pub fn forget_organization(&self, id: Uuid) {
        self.states.organizations.evict(id);
        self.tokens.clear();
    }

    /// When token `id` was last used, if that is not yet written to the database.
    pub fn pending_token_use(&self, id: Uuid) -> Option<DateTime<Utc>> {
        self.usage.pending(id)
    }

    /// Writes the recorded token uses to `api_tokens.last_used_at` now (the background task
    /// does this every [`USAGE_FLUSH_INTERVAL`]).
    pub async fn flush_token_usage(&self) -> AppResult<()> {
        let uses = self.usage.take();
        if uses.is_empty() {
            return Ok(());
        }
        let written = api_tokens::write_last_used(&self.db, &uses).await;
        if written.is_err() {
            // Try again next time rather than lose them.
            self.usage.restore(uses);
        }
        written
    }

    async fn jwt_principal(&self, token: &str) -> AppResult<Authenticated> {
        let claims = self.jwt.verify(token).map_err(|e| {
            tracing::debug!(error = %e, "rejected access token");
            invalid("invalid or expired access token")
        })?;
        let role = <Role as ActiveEnum>::try_from_value(&claims.role)
            .map_err(|_| invalid("invalid or expired access token"))?;
        // A licensee's token names its organisation in `inst`, and one of its users in `sub`.
        let (inst, org) = if role == Role::Licensee {
            (None, Some(self.organization(claims.inst).await?))
        } else {
            (Some(self.institution(claims.inst).await?), None)
        };
        // A token names a user when its subject is one of ours: that user must still be active.
        let mut user_id = None;
        if let Ok(id) = Uuid::parse_str(&claims.sub)
            && let Some(user) = self.user(id).await?
        {
            let revoked_after = user
                .disabled_at
                .into_iter()
                .chain(user.tokens_valid_after)
                .max();
            if user.disabled_at.is_some()
                || revoked_after.is_some_and(|t| claims.iat < t.timestamp())
                || user.institution_id != inst.as_ref().map(|i| i.id)
                || user.organization_id != org
            {
                return Err(invalid("invalid or expired access token"));
            }
            user_id = Some(user.id);
        }
        if org.is_some() && user_id.is_none() {
            // Licensee accounts exist only here: no operator or identity-provider token speaks
            // for one.
            return Err(invalid("invalid or expired access token"));
        }
        Ok(Authenticated {
            principal: Principal {
                kind: PrincipalKind::User,
                user_id,
                api_token_id: None,
                institution: inst,
                licensee_of: org,
                role: Some(role),
                scopes: Vec::new(),
            },
            expires_at: DateTime::from_timestamp(claims.exp, 0),
        })
    }

    /// A licensee's organisation, which must exist and not be suspended.
    async fn organization(&self, id: Uuid) -> AppResult<Uuid> {
        let cache = &self.states.organizations;
        let now = Instant::now();
        let found = match cache.get(id, now) {
            Some(found) => found,
            None => {
                let generation = cache.generation();
                let found = external_organization::Entity::find_by_id(id)
                    .one(&self.db)
                    .await?
                    .map(|org| OrganizationState {
                        id: org.id,
                        suspended: org.suspended_at.is_some(),
                    });
                cache.put(id, found.clone(), generation, now);
                found
            }
        };
        match found {
            Some(org) if !org.suspended => Ok(org.id),
            _ => Err(invalid("invalid or expired access token")),
        }
    }

    async fn institution(&self, id: Uuid) -> AppResult<PrincipalInstitution> {
        let cache = &self.states.institutions;
        let now = Instant::now();
        let found = match cache.get(id, now) {
            Some(found) => found,
            None => {
                let generation = cache.generation();
                let found = institution::Entity::find_by_id(id)
                    .one(&self.db)
                    .await?
                    .map(|inst| PrincipalInstitution {
                        id: inst.id,
                        membership: inst.membership,
                        region: inst.region,
                    });
                // Aged from before the read, so the bound holds from the read on.
                cache.put(id, found.clone(), generation, now);
                found
            }
        };
        found.ok_or_else(|| invalid("invalid or expired access token"))
    }

    async fn user(&self, id: Uuid) -> AppResult<Option<UserState>> {
        let cache = &self.states.users;
        let now = Instant::now();
        if let Some(found) = cache.get(id, now) {
            return Ok(found);
        }
        let generation = cache.generation();
        let found = user::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(|user| UserState {
                id: user.id,
                institution_id: user.institution_id,
                organization_id: user.organization_id,
                disabled_at: user.disabled_at,
                tokens_valid_after: user.tokens_valid_after,
            });
        cache.put(id, found.clone(), generation, now);
        Ok(found)
    }
}

/// Writes token uses every [`USAGE_FLUSH_INTERVAL`] until the authenticator is dropped.
async fn flush_periodically(auth: Weak<Authenticator>) {
    let mut ticks = tokio::time::interval(USAGE_FLUSH_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let Some(auth) = auth.upgrade() else {
            return;
        };
        if let Err(err) = auth.flush_token_usage().await {
            tracing::warn!(error = ?err, "cannot write API-token uses; retrying later");
        }
    }
}
