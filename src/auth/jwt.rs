//! Access JWTs: issuing (HS256, for `login` and `biobridge token`) and verifying with the
//! algorithm pinned and `exp`, `nbf`, `iss` and `aud` checked.
//!
//! A client sends the same access token with every request until it expires, and verifying
//! it — the HMAC's SHA-256 over the token, decoding its parts — was a third of the server's
//! instructions for `{ __typename }` with a JWT (65 of 191 thousand). So a token that verified
//! is kept, with its claims, for its next requests: the same text verifies the same way
//! against the same keys (they are fixed for the process's life), except for time — `exp` and
//! `nbf` are checked again on every use, with the same leeway. Only tokens that verified are
//! kept, so a forged or altered token is checked in full every time; at most
//! [`MAX_VERIFIED_TOKENS`] of at most [`MAX_KEPT_TOKEN_BYTES`] each (least recently used go
//! first). Whether the token's user is still active is not the token's business: the
//! authenticator checks that on every request, as before.

use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
};

use anyhow::Context;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind,
    get_current_timestamp,
};
use lru::LruCache;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::{Config, JwtAlgorithm};

/// The claims of a BioBridge access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, or an operator label for tokens made by `biobridge token`.
    pub sub: String,
    /// The institution id; for the role `LICENSEE`, the id of the licensee's external
    /// organisation.
    pub inst: Uuid,
    /// The role, as in the `Role` enum (`MEMBER`, …).
    pub role: String,
    /// Space-separated scopes (informational for users; roles decide).
    #[serde(default)]
    pub scope: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
    pub jti: String,
}

/// Verified tokens kept (see the module docs): about 600 bytes each.
pub const MAX_VERIFIED_TOKENS: usize = 1024;
/// A longer token is verified in full every time.
pub const MAX_KEPT_TOKEN_BYTES: usize = 2048;

/// Keys and validation rules, built once from the configuration.
pub struct JwtKeys {
    encoding: Option<EncodingKey>,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    verified: Mutex<LruCache<String, Arc<Claims>>>,
}

impl JwtKeys {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let (algorithm, decoding, encoding) = match config.jwt_algorithm {
            JwtAlgorithm::HS256 => {
                let secret = config
                    .jwt_secret
                    .as_deref()
                    .context("BIOBRIDGE_JWT_SECRET is not set")?;
                (
                    Algorithm::HS256,
                    DecodingKey::from_secret(secret.as_bytes()),
                    Some(EncodingKey::from_secret(secret.as_bytes())),
                )
            }
            alg @ (JwtAlgorithm::RS256 | JwtAlgorithm::ES256) => {
                let path = config
                    .jwt_public_key_file
                    .as_ref()
                    .context("BIOBRIDGE_JWT_PUBLIC_KEY_FILE is not set")?;
                let pem = std::fs::read(path).with_context(|| {
                    format!("cannot read the JWT public key {}", path.display())
                })?;
                let (algorithm, key) = if alg == JwtAlgorithm::RS256 {
                    (Algorithm::RS256, DecodingKey::from_rsa_pem(&pem))
                } else {
                    (Algorithm::ES256, DecodingKey::from_ec_pem(&pem))
                };
                let key = key.with_context(|| {
                    format!("{} is not a {alg:?} public key in PEM", path.display())
                })?;
                // Verification is pinned to the identity provider's algorithm, so this server
                // issues no tokens of its own: `login` is switched off.
                (algorithm, key, None)
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&config.jwt_issuer]);
        validation.set_audience(&[&config.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Ok(JwtKeys {
            encoding,
            decoding,
            validation,
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            verified: Mutex::new(LruCache::new(
                NonZeroUsize::new(MAX_VERIFIED_TOKENS).expect("non-zero"),
            )),
        })
    }

    /// Whether this server signs access tokens (HS256), or only verifies an identity provider's.
    pub fn can_issue(&self) -> bool {
        self.encoding.is_some()
    }

    /// Signs an HS256 access token for `sub` acting at `inst` with `role`, valid for `ttl`.
    pub fn issue(
        &self,
        sub: &str,
        inst: Uuid,
        role: &str,
        scope: &str,
        ttl: std::time::Duration,
    ) -> anyhow::Result<(String, chrono::DateTime<chrono::Utc>)> {
        self.issue_at(sub, inst, role, scope, ttl, chrono::Utc::now())
    }

    /// Like [`JwtKeys::issue`], issued at `iat`. A user's tokens issued before their
    /// `tokens_valid_after` (a whole second) are rejected; `login` issues at that second when it
    /// lies ahead, so a token made right after a password change is not mistaken for an old one.
    pub fn issue_at(
        &self,
        sub: &str,
        inst: Uuid,
        role: &str,
        scope: &str,
        ttl: std::time::Duration,
        iat: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<(String, chrono::DateTime<chrono::Utc>)> {
        let key = self.encoding.as_ref().context(
            "this server verifies tokens of an external identity provider and issues none",
        )?;
        let exp = iat + chrono::Duration::from_std(ttl)?;
        let claims = Claims {
            sub: sub.to_owned(),
            inst,
            role: role.to_owned(),
            scope: scope.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: iat.timestamp(),
            nbf: Some(iat.timestamp()),
            exp: exp.timestamp(),
            jti: Uuid::now_v7().to_string(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, key)?;
        Ok((token, exp))
    }

    /// Verifies signature, algorithm, `exp`, `nbf`, `iss` and `aud` (a token that verified
    /// before: `exp` and `nbf` again, see the module docs).
    pub fn verify(&self, token: &str) -> Result<Arc<Claims>, jsonwebtoken::errors::Error> {
        let kept = self.kept().get(token).cloned();
        if let Some(claims) = kept {
            return self.in_time(claims).inspect_err(|_| {
                self.kept().pop(token);
            });
        }
        let claims = Arc::new(
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims,
        );
        if token.len() <= MAX_KEPT_TOKEN_BYTES {
            self.kept().put(token.to_owned(), claims.clone());
        }
        Ok(claims)
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<Claims>>> {
        self.verified.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `exp` and `nbf` checked now, as `jsonwebtoken`'s validation checks them.
    fn in_time(&self, claims: Arc<Claims>) -> Result<Arc<Claims>, jsonwebtoken::errors::Error> {
        let now = i128::from(get_current_timestamp());
        let leeway = i128::from(self.validation.leeway);
        if i128::from(claims.exp) < now - leeway {
            return Err(ErrorKind::ExpiredSignature.into());
        }
        if self.validation.validate_nbf
            && claims.nbf.is_some_and(|nbf| i128::from(nbf) > now + leeway)
        {
            return Err(ErrorKind::ImmatureSignature.into());
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        let config = Config {
            jwt_secret: Some("k".repeat(40)),
            ..Config::default()
        };
        JwtKeys::from_config(&config).unwrap()
    }

    #[test]
    fn issued_tokens_verify_and_tampering_fails() {
        let keys = keys();
        let inst = Uuid::now_v7();
        let (token, _) = keys
            .issue("u1", inst, "MEMBER", "", std::time::Duration::from_secs(60))
            .unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.inst, inst);
        assert_eq!(claims.role, "MEMBER");

        // Change one character of the payload for another: always a different payload (replacing
        // every 'A' did nothing when the payload held none, and the test then failed by chance).
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let first = parts[1].remove(0);
        parts[1].insert(0, if first == 'e' { 'f' } else { 'e' });
        assert!(keys.verify(&parts.join(".")).is_err());
    }

    #[test]
    fn a_kept_token_is_checked_for_time_again_and_only_verified_tokens_are_kept() {
        let keys = keys();
        let inst = Uuid::now_v7();
        // Issued two minutes ago for a minute: expired beyond the 30 s leeway.
        let (expired, _) = keys
            .issue_at(
                "u1",
                inst,
                "MEMBER",
                "",
                std::time::Duration::from_secs(60),
                chrono::Utc::now() - chrono::Duration::seconds(120),
            )
            .unwrap();
        assert!(keys.verify(&expired).is_err());
        assert!(keys.kept().is_empty(), "a token that failed is not kept");

        let (token, _) = keys
            .issue("u1", inst, "MEMBER", "", std::time::Duration::from_secs(60))
            .unwrap();
        let first = keys.verify(&token).unwrap();
        assert_eq!(keys.kept().len(), 1);
        // The next use is answered from the kept claims.
        assert!(Arc::ptr_eq(&first, &keys.verify(&token).unwrap()));
        // Its time is checked on every use: once it lies in the past, the kept token fails
        // and is dropped.
        let mut old = (*first).clone();
        old.exp -= 600;
        keys.kept().put(token.clone(), Arc::new(old));
        let err = keys.verify(&token).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::ExpiredSignature));
        assert!(keys.kept().is_empty());
        // A token not yet valid fails as well.
        let mut early = (*first).clone();
        early.nbf = Some(early.iat + 600);
        keys.kept().put(token.clone(), Arc::new(early));
        assert!(matches!(
            keys.verify(&token).unwrap_err().kind(),
            ErrorKind::ImmatureSignature
        ));
        // A tampered copy of a kept token is verified in full, and fails.
        keys.verify(&token).unwrap();
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let other = if parts[2].starts_with('A') { 'B' } else { 'A' };
        parts[2].insert(0, other);
        parts[2].pop();
        assert!(keys.verify(&parts.join(".")).is_err());
    }

    #[test]
    fn other_issuer_or_audience_is_rejected() {
        let keys = keys();
        let other = JwtKeys::from_config(&Config {
            jwt_secret: Some("k".repeat(40)),
            jwt_audience: "someone-else".into(),
            ..Config::default()
        })
        .unwrap();
        let (token, _) = other
            .issue(
                "u1",
                Uuid::now_v7(),
                "MEMBER",
                "",
                std::time::Duration::from_secs(60),
            )
            .unwrap();
        assert!(keys.verify(&token).is_err());
    }
}
