//! Layered configuration: built-in defaults → optional `biobridge.toml` → environment,
//! validated once at start-up with messages that say what to fix.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::{Context, bail};
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Dev,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Which signature access JWTs carry. HS256 uses the shared secret; RS256/ES256 a public key
/// of an external identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum JwtAlgorithm {
    HS256,
    RS256,
    ES256,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `DATABASE_URL`
    pub database_url: String,
    /// `BIOBRIDGE_LISTEN`
    pub listen: String,
    /// `BIOBRIDGE_ENV`: `dev` or `production`.
    pub env: Environment,
    /// `BIOBRIDGE_JWT_SECRET`: HS256 signing secret, at least 32 bytes in production.
    pub jwt_secret: Option<String>,
    /// `BIOBRIDGE_JWT_ISSUER`
    pub jwt_issuer: String,
    /// `BIOBRIDGE_JWT_AUDIENCE`
    pub jwt_audience: String,
    /// `BIOBRIDGE_JWT_ALGORITHM`: `HS256` (default), `RS256` or `ES256`.
    pub jwt_algorithm: JwtAlgorithm,
    /// `BIOBRIDGE_JWT_PUBLIC_KEY_FILE`: PEM public key for RS256/ES256.
    pub jwt_public_key_file: Option<PathBuf>,
    /// `BIOBRIDGE_JWT_TTL_SECS`: lifetime of access tokens issued by `login`.
    pub jwt_ttl_secs: u64,
    /// `BIOBRIDGE_DEV_SECRET_FILE`: where dev mode keeps its generated JWT secret.
    pub dev_secret_file: PathBuf,
    /// `BIOBRIDGE_MAX_DEPTH`
    pub max_depth: usize,
    /// `BIOBRIDGE_MAX_COMPLEXITY`
    pub max_complexity: usize,
    /// `BIOBRIDGE_MAX_ALIASES`
    pub max_aliases: usize,
    /// `BIOBRIDGE_MAX_BODY_BYTES`
    pub max_body_bytes: usize,
    /// `BIOBRIDGE_CORS_ORIGINS`: comma-separated origins allowed to call the API from a browser.
    #[serde(deserialize_with = "list_or_csv")]
    pub cors_origins: Vec<String>,
    /// `BIOBRIDGE_LOADER_BATCH_MS`: how long DataLoaders collect keys before querying.
    pub loader_batch_ms: u64,
    /// `BIOBRIDGE_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `BIOBRIDGE_SEED_DEMO`: seed the demo data into an empty database at start (dev only).
    pub seed_demo: bool,
    /// `BIOBRIDGE_WS_RECHECK_SECS`: how often an open WebSocket re-checks its credential
    /// (revocation, disabled user, password change); expiry closes it at the expiry instant.
    pub ws_recheck_secs: u64,
    /// `BIOBRIDGE_LIVE_POLL_MS`: on SQLite, how often the event log is read for new events.
    pub live_poll_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://biobridge.db?mode=rwc".into(),
            listen: "127.0.0.1:8080".into(),
            env: Environment::Dev,
            jwt_secret: None,
            jwt_issuer: "biobridge".into(),
            jwt_audience: "biobridge-api".into(),
            jwt_algorithm: JwtAlgorithm::HS256,
            jwt_public_key_file: None,
            jwt_ttl_secs: 3600,
            dev_secret_file: PathBuf::from(".biobridge-dev-secret"),
            max_depth: 12,
            max_complexity: 50_000,
            max_aliases: 30,
            max_body_bytes: 1024 * 1024,
            cors_origins: Vec::new(),
            loader_batch_ms: 2,
            log_format: LogFormat::Text,
            seed_demo: true,
            ws_recheck_secs: 5,
            live_poll_ms: 200,
        }
    }
}

fn list_or_csv<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<String>),
        Csv(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::List(list) => list,
        Either::Csv(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    })
}

/// Keys read from the environment with the `BIOBRIDGE_` prefix.
const ENV_KEYS: &[&str] = &[
    "listen",
    "env",
    "jwt_secret",
    "jwt_issuer",
    "jwt_audience",
    "jwt_algorithm",
    "jwt_public_key_file",
    "jwt_ttl_secs",
    "dev_secret_file",
    "max_depth",
    "max_complexity",
    "max_aliases",
    "max_body_bytes",
    "cors_origins",
    "loader_batch_ms",
    "log_format",
    "seed_demo",
    "ws_recheck_secs",
    "live_poll_ms",
];

impl Config {
    /// Defaults, then `file` (or `biobridge.toml` when present), then the environment.
    pub fn load(file: Option<&std::path::Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.exists() {
                    bail!("configuration file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None if std::path::Path::new("biobridge.toml").exists() => {
                figment = figment.merge(Toml::file_exact("biobridge.toml"))
            }
            None => {}
        }
        let figment = figment
            .merge(Env::prefixed("BIOBRIDGE_").only(ENV_KEYS))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            );
        let config: Config = figment
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        self.listen_addr()?;
        let url = &self.database_url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            bail!(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql:// (got {url:?})"
            );
        }
        for (name, value) in [
            ("BIOBRIDGE_MAX_DEPTH", self.max_depth),
            ("BIOBRIDGE_MAX_COMPLEXITY", self.max_complexity),
            ("BIOBRIDGE_MAX_ALIASES", self.max_aliases),
            ("BIOBRIDGE_MAX_BODY_BYTES", self.max_body_bytes),
        ] {
            if value == 0 {
                bail!("{name} must be greater than 0");
            }
        }
        if self.ws_recheck_secs == 0 || self.live_poll_ms == 0 {
            bail!("BIOBRIDGE_WS_RECHECK_SECS and BIOBRIDGE_LIVE_POLL_MS must be greater than 0");
        }
        if self.jwt_ttl_secs == 0 {
            bail!("BIOBRIDGE_JWT_TTL_SECS must be greater than 0");
        }
        match self.jwt_algorithm {
            JwtAlgorithm::HS256 => {
                if self.env == Environment::Production {
                    match &self.jwt_secret {
                        Some(s) if s.len() >= 32 => {}
                        Some(_) => bail!(
                            "BIOBRIDGE_JWT_SECRET is shorter than 32 bytes; in production use a long random value, e.g. `openssl rand -base64 48`"
                        ),
                        None => bail!(
                            "BIOBRIDGE_JWT_SECRET is required in production (at least 32 bytes, e.g. `openssl rand -base64 48`)"
                        ),
                    }
                }
            }
            JwtAlgorithm::RS256 | JwtAlgorithm::ES256 => {
                if self.jwt_public_key_file.is_none() {
                    bail!(
                        "BIOBRIDGE_JWT_ALGORITHM={:?} needs BIOBRIDGE_JWT_PUBLIC_KEY_FILE (a PEM public key)",
                        self.jwt_algorithm
                    );
                }
            }
        }
        for origin in &self.cors_origins {
            if origin != "*" && http::HeaderValue::from_str(origin).is_err() {
                bail!("BIOBRIDGE_CORS_ORIGINS holds an invalid origin: {origin:?}");
            }
        }
        Ok(())
    }

    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen.parse().with_context(|| {
            format!(
                "BIOBRIDGE_LISTEN must be host:port, e.g. 127.0.0.1:8080 (got {:?})",
                self.listen
            )
        })
    }

    pub fn batch_window(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.loader_batch_ms)
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }

    /// The HS256 secret: configured, or in dev mode generated once and kept in
    /// `dev_secret_file` so that the server and `biobridge token` agree across restarts.
    pub fn resolve_jwt_secret(&mut self) -> anyhow::Result<()> {
        if self.jwt_secret.is_some()
            || self.jwt_algorithm != JwtAlgorithm::HS256
            || self.is_production()
        {
            return Ok(());
        }
        let path = &self.dev_secret_file;
        let secret = match std::fs::read_to_string(path) {
            Ok(s) if s.trim().len() >= 32 => s.trim().to_owned(),
            _ => {
                use base64::Engine;
                use rand::RngCore;
                let mut bytes = [0u8; 48];
                rand::rng().fill_bytes(&mut bytes);
                let s = base64::engine::general_purpose::STANDARD.encode(bytes);
                std::fs::write(path, &s).with_context(|| {
                    format!("cannot write the dev JWT secret to {}", path.display())
                })?;
                tracing::warn!(
                    file = %path.display(),
                    "BIOBRIDGE_JWT_SECRET is not set: generated a dev secret (never do this in production)"
                );
                s
            }
        };
        self.jwt_secret = Some(secret);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_requires_a_long_secret() {
        let mut c = Config {
            env: Environment::Production,
            ..Config::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("BIOBRIDGE_JWT_SECRET")
        );
        c.jwt_secret = Some("short".into());
        assert!(c.validate().unwrap_err().to_string().contains("32 bytes"));
        c.jwt_secret = Some("x".repeat(32));
        c.validate().unwrap();
    }

    #[test]
    fn bad_listen_and_url_are_explained() {
        let c = Config {
            listen: "nowhere".into(),
            ..Config::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("BIOBRIDGE_LISTEN")
        );
        let c = Config {
            database_url: "mysql://x".into(),
            ..Config::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("DATABASE_URL")
        );
    }

    #[test]
    fn cors_origins_accept_a_comma_separated_string() {
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(("cors_origins", "https://a.example, https://b.example"));
        let c: Config = figment.extract().unwrap();
        assert_eq!(
            c.cors_origins,
            vec!["https://a.example", "https://b.example"]
        );
    }
}
