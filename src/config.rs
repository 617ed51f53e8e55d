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

/// Who may run schema introspection (`__schema`, `__type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Introspection {
    /// Everyone, anonymous callers included.
    On,
    /// Signed-in users and API tokens only.
    Authenticated,
    /// Nobody.
    Off,
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
    /// `BIOBRIDGE_AUTH_CACHE_SECS`: how long the state of an access JWT's user and institution
    /// is trusted without reading it again (0: read it on every request).
    pub auth_cache_secs: u64,
    /// `BIOBRIDGE_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `BIOBRIDGE_SEED_DEMO`: seed the demo data into an empty database at start (dev only).
    pub seed_demo: bool,
    /// `BIOBRIDGE_PASSWORD_HASHING_CONCURRENCY`: password checks hashed at once; 0 = one per core.
    pub password_hashing_concurrency: usize,
    /// `BIOBRIDGE_PASSWORD_HASHING_QUEUE`: checks that may wait for a slot; beyond, RATE_LIMITED.
    pub password_hashing_queue: usize,
    /// `BIOBRIDGE_LOGIN_FAILURES_PER_ADDRESS`: failed logins per client address per 15 minutes.
    pub login_failures_per_address: usize,
    /// `BIOBRIDGE_TRUSTED_PROXIES`: proxies (IPs or CIDR networks) whose `X-Forwarded-For` is believed.
    #[serde(deserialize_with = "list_or_csv")]
    pub trusted_proxies: Vec<String>,
    /// `BIOBRIDGE_RATE_LIMIT_TRACKED_KEYS`: e-mails, addresses or principals each in-memory
    /// throttle remembers at most.
    pub rate_limit_tracked_keys: usize,
    /// `BIOBRIDGE_RATE_LIMIT_POINTS`: query-cost points per window for a user or API token.
    pub rate_limit_points: u64,
    /// `BIOBRIDGE_RATE_LIMIT_ANONYMOUS_POINTS`: query-cost points per window per anonymous address.
    pub rate_limit_anonymous_points: u64,
    /// `BIOBRIDGE_RATE_LIMIT_WINDOW_SECS`
    pub rate_limit_window_secs: u64,
    /// `BIOBRIDGE_MAX_CONNECTIONS`: connections served at once (keep below `ulimit -n`).
    pub max_connections: usize,
    /// `BIOBRIDGE_MAX_CONCURRENT_OPERATIONS`: GraphQL operations executed at once over HTTP;
    /// more wait their turn (bounds the memory a burst of requests takes).
    pub max_concurrent_operations: usize,
    /// `BIOBRIDGE_HEADER_READ_TIMEOUT_SECS`: time to send a request's headers.
    pub header_read_timeout_secs: u64,
    /// `BIOBRIDGE_REQUEST_TIMEOUT_SECS`: time from a request's headers to its response.
    pub request_timeout_secs: u64,
    /// `BIOBRIDGE_KEEP_ALIVE_TIMEOUT_SECS`: an idle connection is closed after this long.
    pub keep_alive_timeout_secs: u64,
    /// `BIOBRIDGE_DB_ACQUIRE_TIMEOUT_MS`: how long a request waits for a database connection —
    /// connecting included — before it answers `UNAVAILABLE` (HTTP 503).
    pub db_acquire_timeout_ms: u64,
    /// `BIOBRIDGE_STATS_MIN_CELL`: a money figure in a statistics cell built from fewer deals
    /// or incomes of other institutions than this is withheld (small-cell protection).
    pub stats_min_cell: u32,
    /// `BIOBRIDGE_INTROSPECTION`: `on`, `authenticated` or `off`; unset: `on` in dev,
    /// `authenticated` in production. See [`Config::introspection`].
    pub introspection: Option<Introspection>,
    /// `BIOBRIDGE_GRAPHIQL`: serve GraphiQL at `GET /graphql`; unset: on in dev, off in
    /// production. See [`Config::graphiql`].
    pub graphiql: Option<bool>,
    /// `BIOBRIDGE_WS_RECHECK_SECS`: how often an open WebSocket re-checks its credential
    /// (revocation, disabled user, password change); expiry closes it at the expiry instant.
    pub ws_recheck_secs: u64,
    /// `BIOBRIDGE_LIVE_POLL_MS`: on SQLite, how often the event log is read for new events.
    pub live_poll_ms: u64,
    /// `BIOBRIDGE_LIVE_QUEUE`: how many events one subscription may fall behind (its bounded
    /// queue) before it is told and its socket closed with 1013.
    pub live_queue: usize,
    /// `BIOBRIDGE_WEBHOOK_ALLOW_HOSTS`: host names, IP addresses or CIDR networks webhooks may
    /// be sent to although they are internal (loopback, private, link-local, …).
    #[serde(deserialize_with = "list_or_csv")]
    pub webhook_allow_hosts: Vec<String>,
    /// `BIOBRIDGE_WEBHOOK_TIMEOUT_SECS`: how long an endpoint has to answer a delivery.
    pub webhook_timeout_secs: u64,
    /// `BIOBRIDGE_WEBHOOK_RETRY_BASE_MS`: the pause after a delivery's first failure; it
    /// doubles after each further one…
    pub webhook_retry_base_ms: u64,
    /// `BIOBRIDGE_WEBHOOK_RETRY_MAX_SECS`: …up to this.
    pub webhook_retry_max_secs: u64,
    /// `BIOBRIDGE_WEBHOOK_RETRY_WINDOW_SECS`: a delivery is given up this long after it was
    /// queued (24 hours by default).
    pub webhook_retry_window_secs: u64,
    /// `BIOBRIDGE_WEBHOOK_POLL_MS`: how often the delivery worker looks for new events and
    /// retries that came due.
    pub webhook_poll_ms: u64,
    /// `BIOBRIDGE_REMINDER_LEAD_DAYS`: days before a deadline's due date that it reminds on
    /// (comma-separated; default `90,30,7`), besides the last day of its grace period.
    #[serde(deserialize_with = "days_list_or_csv")]
    pub reminder_lead_days: Vec<u32>,
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
            max_complexity: 200_000,
            max_aliases: 30,
            max_body_bytes: 1024 * 1024,
            cors_origins: Vec::new(),
            auth_cache_secs: 5,
            log_format: LogFormat::Text,
            seed_demo: true,
            password_hashing_concurrency: 0,
            password_hashing_queue: 8,
            login_failures_per_address: 100,
            trusted_proxies: Vec::new(),
            rate_limit_tracked_keys: 50_000,
            rate_limit_points: 2_000_000,
            rate_limit_anonymous_points: 200_000,
            rate_limit_window_secs: 3600,
            max_connections: 512,
            max_concurrent_operations: 16,
            header_read_timeout_secs: 10,
            request_timeout_secs: 30,
            keep_alive_timeout_secs: 60,
            db_acquire_timeout_ms: 2500,
            stats_min_cell: 3,
            introspection: None,
            graphiql: None,
            ws_recheck_secs: 5,
            live_poll_ms: 200,
            live_queue: crate::service::events::QUEUE,
            webhook_allow_hosts: Vec::new(),
            webhook_timeout_secs: 10,
            webhook_retry_base_ms: 5000,
            webhook_retry_max_secs: 3600,
            webhook_retry_window_secs: 24 * 3600,
            webhook_poll_ms: 500,
            reminder_lead_days: crate::service::deadlines::reminders::DEFAULT_LEAD_DAYS.to_vec(),
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

/// A list of day counts, as a list or comma-separated (`90,30,7`).
fn days_list_or_csv<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        List(Vec<u32>),
        One(u32),
        Csv(String),
    }
    match Either::deserialize(d)? {
        Either::List(list) => Ok(list),
        Either::One(n) => Ok(vec![n]),
        Either::Csv(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a number of days")))
            })
            .collect(),
    }
}

/// The longest `BIOBRIDGE_AUTH_CACHE_SECS` allowed.
const MAX_AUTH_CACHE_SECS: u64 = 60;

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
    "auth_cache_secs",
    "log_format",
    "seed_demo",
    "password_hashing_concurrency",
    "password_hashing_queue",
    "login_failures_per_address",
    "trusted_proxies",
    "rate_limit_tracked_keys",
    "rate_limit_points",
    "rate_limit_anonymous_points",
    "rate_limit_window_secs",
    "max_connections",
    "max_concurrent_operations",
    "header_read_timeout_secs",
    "request_timeout_secs",
    "keep_alive_timeout_secs",
    "db_acquire_timeout_ms",
    "stats_min_cell",
    "introspection",
    "graphiql",
    "ws_recheck_secs",
    "live_poll_ms",
    "live_queue",
    "webhook_allow_hosts",
    "webhook_timeout_secs",
    "webhook_retry_base_ms",
    "webhook_retry_max_secs",
    "webhook_retry_window_secs",
    "webhook_poll_ms",
    "reminder_lead_days",
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
        for (name, value) in [
            (
                "BIOBRIDGE_LOGIN_FAILURES_PER_ADDRESS",
                self.login_failures_per_address,
            ),
            (
                "BIOBRIDGE_RATE_LIMIT_TRACKED_KEYS",
                self.rate_limit_tracked_keys,
            ),
            ("BIOBRIDGE_MAX_CONNECTIONS", self.max_connections),
            (
                "BIOBRIDGE_MAX_CONCURRENT_OPERATIONS",
                self.max_concurrent_operations,
            ),
        ] {
            if value == 0 {
                bail!("{name} must be greater than 0");
            }
        }
        for (name, value) in [
            ("BIOBRIDGE_RATE_LIMIT_POINTS", self.rate_limit_points),
            (
                "BIOBRIDGE_RATE_LIMIT_ANONYMOUS_POINTS",
                self.rate_limit_anonymous_points,
            ),
        ] {
            // The figures are GraphQL Ints (`Query.rateLimit`).
            if value == 0 || value > i32::MAX as u64 {
                bail!("{name} must be between 1 and {}", i32::MAX);
            }
        }
        for (name, value) in [
            (
                "BIOBRIDGE_RATE_LIMIT_WINDOW_SECS",
                self.rate_limit_window_secs,
            ),
            (
                "BIOBRIDGE_HEADER_READ_TIMEOUT_SECS",
                self.header_read_timeout_secs,
            ),
            ("BIOBRIDGE_REQUEST_TIMEOUT_SECS", self.request_timeout_secs),
            (
                "BIOBRIDGE_KEEP_ALIVE_TIMEOUT_SECS",
                self.keep_alive_timeout_secs,
            ),
        ] {
            if value == 0 || value > 365 * 24 * 3600 {
                bail!("{name} must be between 1 second and a year");
            }
        }
        crate::auth::client_address::TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("BIOBRIDGE_TRUSTED_PROXIES: {e}"))?;
        if !(100..=60_000).contains(&self.db_acquire_timeout_ms) {
            bail!(
                "BIOBRIDGE_DB_ACQUIRE_TIMEOUT_MS must be between 100 and 60000 (got {})",
                self.db_acquire_timeout_ms
            );
        }
        if self.stats_min_cell == 0 {
            bail!(
                "BIOBRIDGE_STATS_MIN_CELL must be at least 1 (1 turns small-cell protection off)"
            );
        }
        if self.ws_recheck_secs == 0 || self.live_poll_ms == 0 {
            bail!("BIOBRIDGE_WS_RECHECK_SECS and BIOBRIDGE_LIVE_POLL_MS must be greater than 0");
        }
        if !(1..=65_536).contains(&self.live_queue) {
            bail!("BIOBRIDGE_LIVE_QUEUE must be between 1 and 65536");
        }
        if !(1..=300).contains(&self.webhook_timeout_secs) {
            bail!("BIOBRIDGE_WEBHOOK_TIMEOUT_SECS must be between 1 and 300");
        }
        if self.webhook_retry_base_ms == 0
            || self.webhook_retry_max_secs == 0
            || self.webhook_poll_ms == 0
        {
            bail!(
                "BIOBRIDGE_WEBHOOK_RETRY_BASE_MS, BIOBRIDGE_WEBHOOK_RETRY_MAX_SECS and BIOBRIDGE_WEBHOOK_POLL_MS must be greater than 0"
            );
        }
        if !(1..=7 * 24 * 3600).contains(&self.webhook_retry_window_secs) {
            bail!("BIOBRIDGE_WEBHOOK_RETRY_WINDOW_SECS must be between 1 second and 7 days");
        }
        let max_lead = crate::service::deadlines::reminders::MAX_LEAD_DAYS;
        if self.reminder_lead_days.len() > 10
            || self.reminder_lead_days.iter().any(|d| *d > max_lead)
        {
            bail!(
                "BIOBRIDGE_REMINDER_LEAD_DAYS takes at most 10 lead times of 0 to {max_lead} days"
            );
        }
        if self.jwt_ttl_secs == 0 {
            bail!("BIOBRIDGE_JWT_TTL_SECS must be greater than 0");
        }
        if self.auth_cache_secs > MAX_AUTH_CACHE_SECS {
            bail!(
                "BIOBRIDGE_AUTH_CACHE_SECS is at most {MAX_AUTH_CACHE_SECS}: a disabled user stays logged in on other instances that long"
            );
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

    pub fn db_acquire_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.db_acquire_timeout_ms)
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }

    /// Who may introspect: as configured, else everyone in dev and signed-in principals in
    /// production (an anonymous visitor of a public server need not learn the whole schema).
    pub fn introspection(&self) -> Introspection {
        self.introspection.unwrap_or(if self.is_production() {
            Introspection::Authenticated
        } else {
            Introspection::On
        })
    }

    /// Field suggestions ("Did you mean …") rebuild most of a schema for whoever asks, so they
    /// are on only where introspection is open to everyone anyway.
    pub fn suggestions(&self) -> bool {
        self.introspection() == Introspection::On
    }

    /// Whether GraphiQL is served: as configured, else in dev only. A production server for
    /// analysts on an intranet turns it on with `BIOBRIDGE_GRAPHIQL=true`.
    pub fn graphiql(&self) -> bool {
        self.graphiql.unwrap_or(!self.is_production())
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
    fn limits_and_trusted_proxies_are_checked() {
        let c = Config {
            trusted_proxies: vec!["10.0.0.0/8".into(), "proxy.example".into()],
            ..Config::default()
        };
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("BIOBRIDGE_TRUSTED_PROXIES") && err.contains("proxy.example"));
        let c = Config {
            rate_limit_points: 1 << 40,
            ..Config::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("RATE_LIMIT_POINTS")
        );
        let c = Config {
            header_read_timeout_secs: 0,
            ..Config::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("HEADER_READ_TIMEOUT")
        );
        let c = Config {
            max_connections: 0,
            ..Config::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("MAX_CONNECTIONS")
        );
    }

    #[test]
    fn production_defaults_close_introspection_suggestions_and_graphiql() {
        let dev = Config::default();
        assert_eq!(dev.introspection(), Introspection::On);
        assert!(dev.suggestions() && dev.graphiql());
        let prod = Config {
            env: Environment::Production,
            ..Config::default()
        };
        assert_eq!(prod.introspection(), Introspection::Authenticated);
        assert!(!prod.suggestions() && !prod.graphiql());
        let open = Config {
            introspection: Some(Introspection::On),
            graphiql: Some(true),
            ..prod
        };
        assert!(open.suggestions() && open.graphiql());
        let closed = Config {
            introspection: Some(Introspection::Off),
            ..Config::default()
        };
        assert!(!closed.suggestions());
    }

    #[test]
    fn introspection_and_graphiql_are_read_from_the_file() {
        let figment = Figment::from(Serialized::defaults(Config::default())).merge(Toml::string(
            "introspection = \"authenticated\"\ngraphiql = false",
        ));
        let c: Config = figment.extract().unwrap();
        assert_eq!(c.introspection(), Introspection::Authenticated);
        assert!(!c.graphiql());
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
