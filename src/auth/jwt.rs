//! Access JWTs: issuing (HS256, for `login` and `biobridge token`) and verifying with the
//! algorithm pinned and `exp`, `nbf`, `iss` and `aud` checked.

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
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

/// Keys and validation rules, built once from the configuration.
pub struct JwtKeys {
    encoding: Option<EncodingKey>,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
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

    /// Verifies signature, algorithm, `exp`, `nbf`, `iss` and `aud`.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|d| d.claims)
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
