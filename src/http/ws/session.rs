//! The credential behind one WebSocket, for as long as the socket lives: checked at
//! `connection_init`, before every operation and on a timer, so the socket lives no longer than
//! its credential.
//!
//! Bound: a socket closes at its credential's expiry instant, and within
//! `BIOBRIDGE_WS_RECHECK_SECS` (default 5 s) of a revocation, a disabled user, a password change
//! or a change of the rights the credential carries — on any instance, since the check bypasses
//! the API-token cache — however busy the socket is (traffic does not postpone the timer), and
//! at once when the client sends an operation. A socket whose client stops reading is dropped
//! within the same interval, so no socket outlives the bound by stalling.

use std::{sync::Arc, time::Duration};

use async_graphql::Data;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::{sync::Mutex, time::Instant};

use crate::{
    auth::{Authenticator, Lookup, Principal, parse_bearer},
    error::AppError,
    graphql::{RequestCtx, live::Hangup},
    service::language::Preferences,
};

use super::super::AppState;

/// graphql-transport-ws: the credential is missing, invalid, expired or revoked.
pub const UNAUTHORIZED: u16 = 4401;
/// graphql-transport-ws: the credential holds, but no longer carries the rights the socket
/// was opened with.
pub const FORBIDDEN: u16 = 4403;

struct Held {
    token: String,
    principal: Principal,
    expires_at: Option<DateTime<Utc>>,
}

pub struct Session {
    state: AppState,
    /// The credential of the upgrade request's `Authorization` header, if any.
    header_token: Option<String>,
    /// The upgrade request's `Accept-Language`.
    languages: Preferences,
    held: Mutex<Option<Held>>,
    pub hangup: Hangup,
}

impl Session {
    pub fn new(state: AppState, header_token: Option<String>, languages: Preferences) -> Arc<Self> {
        Arc::new(Session {
            state,
            header_token,
            languages,
            held: Mutex::new(None),
            hangup: Hangup::default(),
        })
    }

    fn auth(&self) -> &Authenticator {
        &self.state.auth
    }

    pub fn recheck_every(&self) -> Duration {
        Duration::from_secs(self.state.config.ws_recheck_secs)
    }

    /// `connection_init`: the payload's `Authorization` (how browsers authenticate — they
    /// cannot set headers on a WebSocket), else the upgrade request's header, else anonymous.
    pub async fn init(&self, payload: Value) -> async_graphql::Result<Data> {
        let token = match authorization_in(&payload) {
            Some(value) => match parse_bearer(value) {
                Ok(token) => Some(token.to_owned()),
                Err(err) => return Err(self.refuse(UNAUTHORIZED, err)),
            },
            None => self.header_token.clone(),
        };
        let principal = match token {
            None => Principal::anonymous(),
            Some(token) => match self.auth().authenticate(&token, Lookup::Fresh).await {
                Ok(found) => {
                    let principal = found.principal.clone();
                    *self.held.lock().await = Some(Held {
                        token,
                        principal: found.principal,
                        expires_at: found.expires_at,
                    });
                    principal
                }
                Err(err) => return Err(self.refuse(UNAUTHORIZED, err)),
            },
        };
        let mut data = Data::default();
        data.insert(RequestCtx::new(self.state.db.clone(), principal));
        data.insert(self.state.auth.clone());
        data.insert(self.state.events.clone());
        data.insert(self.hangup.clone());
        data.insert(self.languages.clone());
        Ok(data)
    }

    fn refuse(&self, code: u16, err: AppError) -> async_graphql::Error {
        let message = err.message();
        self.hangup.close(code, message.clone());
        async_graphql::Error::new(message)
    }

    /// Whether the credential still holds, exactly as the socket was opened with. When it does
    /// not, the socket is asked to close (4401 / 4403) and `false` is returned.
    pub async fn recheck(&self) -> bool {
        let held = self.held.lock().await;
        let Some(held) = held.as_ref() else {
            // Anonymous, or not yet initialised: nothing can lapse.
            return true;
        };
        if held.expires_at.is_some_and(|exp| exp <= Utc::now()) {
            self.hangup.close(UNAUTHORIZED, "the credential expired");
            return false;
        }
        match self.auth().authenticate(&held.token, Lookup::Fresh).await {
            Ok(found) if same_rights(&found.principal, &held.principal) => true,
            Ok(_) => {
                self.hangup.close(
                    FORBIDDEN,
                    "the credential's rights changed; reconnect to continue",
                );
                false
            }
            Err(err @ AppError::Unauthenticated(_)) => {
                self.hangup.close(UNAUTHORIZED, err.message());
                false
            }
            Err(err) => {
                // The database is away for a moment: keep the socket, check again next time.
                tracing::warn!(error = ?err, "cannot re-check a WebSocket credential");
                true
            }
        }
    }

    /// One recheck interval from now.
    pub fn after_interval(&self) -> Instant {
        Instant::now() + self.recheck_every()
    }

    /// When the credential must be checked next: at `regular` (the end of the running
    /// interval), or at its expiry if that comes first.
    pub async fn next_check(&self, regular: Instant) -> Instant {
        let held = self.held.lock().await;
        let expiry = held.as_ref().and_then(|h| h.expires_at).map(|exp| {
            let left = (exp - Utc::now()).to_std().unwrap_or(Duration::ZERO);
            Instant::now() + left
        });
        expiry.map_or(regular, |e| e.min(regular))
    }
}

/// `{ "Authorization": "Bearer …" }`, any capitalisation of the key.
fn authorization_in(payload: &Value) -> Option<&str> {
    payload
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))?
        .1
        .as_str()
}

/// The same subject with the same rights: a changed role, scope set or institution membership
/// would change what the socket may see.
fn same_rights(a: &Principal, b: &Principal) -> bool {
    let inst = |p: &Principal| {
        p.institution
            .as_ref()
            .map(|i| (i.id, i.membership, i.region))
    };
    a.kind == b.kind
        && a.user_id == b.user_id
        && a.api_token_id == b.api_token_id
        && a.role == b.role
        && a.scopes == b.scopes
        && a.licensee_of == b.licensee_of
        && inst(a) == inst(b)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::authorization_in;

    #[test]
    fn the_init_payload_names_the_credential() {
        assert_eq!(
            authorization_in(&json!({ "Authorization": "Bearer x" })),
            Some("Bearer x")
        );
        assert_eq!(
            authorization_in(&json!({ "authorization": "Bearer y" })),
            Some("Bearer y")
        );
        assert_eq!(authorization_in(&json!({})), None);
        assert_eq!(authorization_in(&json!(null)), None);
        assert_eq!(authorization_in(&json!({ "Authorization": 1 })), None);
    }
}
