//! HTTP: the router, its middleware (request ids, logs, CORS, body limit, request timeout,
//! panic guard), the endpoints — GraphQL, GraphiQL, subscriptions, health, the statistics
//! exports and the calendar feeds — and the accept loop that serves them.

mod calendar;
pub mod graphiql;
mod graphql;
mod health;
mod reports;
mod server;
mod ws;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    http::{HeaderName, HeaderValue, Method, Request, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sea_orm::DatabaseConnection;
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{
    auth::{client_address::TrustedProxies, jwt::JwtKeys, login_limits::LoginLimits},
    config::Config,
    graphql::{AppSchema, document_cache::DocumentCache},
    rate_limit::cost::CostLimiter,
    service::{events::EventBus, webhooks::Webhooks},
};

pub use crate::auth::Authenticator;
pub use graphiql::examples::DEFAULT_QUERY as GRAPHIQL_DEFAULT_QUERY;
pub use server::{ConnectionLimits, serve_until};

/// Everything a request handler needs, shared by all requests.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub auth: Arc<Authenticator>,
    pub config: Arc<Config>,
    /// The query-cost budget of every principal (in memory, per instance).
    pub cost_limiter: Arc<CostLimiter>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// This instance's feed of committed changes, for subscriptions.
    pub events: EventBus,
    /// Webhook settings; this instance's delivery worker runs with them.
    pub webhooks: Webhooks,
    /// Documents parsed (here) and validated (by the schema) for earlier requests.
    pub documents: Arc<DocumentCache>,
    /// Permits to execute a GraphQL operation over HTTP (`BIOBRIDGE_MAX_CONCURRENT_OPERATIONS`);
    /// a request waits for one, in arrival order.
    pub operations: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(config: Config, db: DatabaseConnection) -> anyhow::Result<Self> {
        let jwt = JwtKeys::from_config(&config)?;
        let trusted_proxies = TrustedProxies::parse(&config.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("BIOBRIDGE_TRUSTED_PROXIES: {e}"))?;
        let events = EventBus::start(
            &db,
            Duration::from_millis(config.live_poll_ms),
            config.live_queue,
        );
        let webhooks = Webhooks::from_config(&config)?;
        crate::service::webhooks::delivery::start(&db, &webhooks);
        let documents = Arc::new(DocumentCache::default());
        Ok(AppState {
            schema: crate::graphql::build_schema_sharing(
                crate::graphql::Limits::from_config(&config),
                config.introspection(),
                documents.clone(),
            ),
            documents,
            operations: Arc::new(tokio::sync::Semaphore::new(
                config.max_concurrent_operations,
            )),
            auth: Authenticator::new(
                db.clone(),
                jwt,
                Duration::from_secs(config.jwt_ttl_secs),
                LoginLimits::from_config(&config),
                Duration::from_secs(config.auth_cache_secs),
            ),
            cost_limiter: Arc::new(CostLimiter::new(
                Duration::from_secs(config.rate_limit_window_secs),
                config.rate_limit_points,
                config.rate_limit_anonymous_points,
                config.rate_limit_tracked_keys,
            )),
            trusted_proxies: Arc::new(trusted_proxies),
            events,
            webhooks,
            db,
            config: Arc::new(config),
        })
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    let cors = cors(&state.config);
    let body_limit = state.config.max_body_bytes;
    let request_timeout = Duration::from_secs(state.config.request_timeout_secs);
    let mut routes = Router::new();
    if state.config.graphiql() {
        routes = routes.route("/graphql/assets/{*path}", get(graphiql::assets::serve));
    }
    routes
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(ws::subscriptions))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/reports/statistics.csv", get(reports::csv))
        .route("/reports/statistics.xlsx", get(reports::xlsx))
        .route("/calendar/{feed}", get(calendar::feed))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(body_limit))
        // Reading the body is part of the request: a trickled body times out too.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(cors)
        .layer(CatchPanicLayer::custom(|_| internal_error_response()))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

fn cors(config: &Config) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        // So that browser frontends can read their rate limit.
        .expose_headers([
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            HeaderName::from_static("x-ratelimit-used"),
            HeaderName::from_static("x-ratelimit-reset"),
            header::RETRY_AFTER,
        ])
        .max_age(Duration::from_secs(600));
    if config.cors_origins.iter().any(|o| o == "*") {
        layer.allow_origin(AllowOrigin::any())
    } else {
        let origins: Vec<HeaderValue> = config
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        layer.allow_origin(AllowOrigin::list(origins))
    }
}

fn internal_error_response() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#,
    )
        .into_response()
}

/// Serves `router` on `listener` within `limits` until SIGINT/SIGTERM, letting in-flight
/// requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    serve_until(listener, router, limits, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
