//! The test harness: a fresh database per test (cloned from a migrated, seeded template), the
//! real router, and helpers to send GraphQL over HTTP.

mod database;
pub mod private_postgres;
pub mod ws;

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use biobridge::{
    auth::jwt::JwtKeys,
    config::Config,
    http::{AppState, Authenticator, router},
};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tower::ServiceExt;

pub use database::TestDb;

pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    pub config: Config,
    /// The app's authenticator (e.g. to write API-token uses now).
    pub auth: std::sync::Arc<Authenticator>,
    /// The app's feed of committed changes (to wait until a subscription listens).
    pub events: biobridge::service::events::EventBus,
    /// The app's permits to execute operations (to hold them all, say).
    pub operations: std::sync::Arc<tokio::sync::Semaphore>,
    /// The per-test database, dropped with the app (none when the test brought its own).
    _db: Option<TestDb>,
}

/// An HTTP response, decoded.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// `data` of a successful response; panics with the errors otherwise.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors (HTTP {}): {}",
            self.status,
            self.body
        );
        &self.body["data"]
    }

    /// The `extensions.code` of the first error.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.body))
    }
}

pub fn test_config(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_owned(),
        jwt_secret: Some(SECRET.to_owned()),
        ..Config::default()
    }
}

impl TestApp {
    /// A fresh database with the demo data, and the router on top of it.
    pub async fn new() -> TestApp {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        Self::build(adjust, |_| {}).await
    }

    /// A TestApp whose database connection records every SQL statement it runs.
    pub async fn recording_statements() -> (TestApp, Arc<Mutex<Vec<String>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let app = Self::build(
            |_| {},
            move |db| {
                db.set_metric_callback(move |info| {
                    // The live-event feed reads the audit trail and the webhook worker its
                    // tables in the background; those are not the request's statements.
                    let sql = &info.statement.sql;
                    if !sql.contains("FROM \"audit_events\"") && !sql.contains("\"webhook") {
                        sink.lock().unwrap().push(info.statement.sql.clone());
                    }
                })
            },
        )
        .await;
        (app, log)
    }

    async fn build(
        adjust: impl FnOnce(&mut Config),
        hook: impl FnOnce(&mut DatabaseConnection),
    ) -> TestApp {
        let test_db = TestDb::seeded().await;
        let mut db = biobridge::db::connect(&test_db.url)
            .await
            .expect("connect to the test database");
        hook(&mut db);
        let mut config = test_config(&test_db.url);
        adjust(&mut config);
        let state = AppState::new(config.clone(), db.clone()).expect("app state");
        TestApp {
            auth: state.auth.clone(),
            events: state.events.clone(),
            operations: state.operations.clone(),
            router: router(state),
            db,
            config,
            _db: Some(test_db),
        }
    }

    /// A TestApp whose database connection `hook` may instrument (e.g. a metric callback).
    pub async fn with_connection_hook(hook: impl FnOnce(&mut DatabaseConnection)) -> TestApp {
        Self::build(|_| {}, hook).await
    }

    /// A second server instance on the same database (its own caches, nothing else shared).
    pub fn another_instance(&self) -> TestApp {
        self.second_instance(|_| {})
    }

    /// A second server over this app's database, as another instance would run it, with its
    /// own caches; `self` must outlive it.
    pub fn second_instance(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.config.clone();
        adjust(&mut config);
        let state = AppState::new(config.clone(), self.db.clone()).expect("app state");
        TestApp {
            auth: state.auth.clone(),
            events: state.events.clone(),
            operations: state.operations.clone(),
            router: router(state),
            db: self.db.clone(),
            config,
            _db: None,
        }
    }

    /// The app on a database the test manages itself (migrated and seeded here).
    pub async fn on_database(url: &str) -> TestApp {
        let config = test_config(url);
        let db = biobridge::db::connect_with_timeout(url, config.db_acquire_timeout())
            .await
            .expect("connect to the test's database");
        biobridge::db::migrate_up(&db).await.expect("migrate");
        assert!(
            biobridge::seed::seed_demo_if_empty(&db)
                .await
                .expect("seed")
        );
        let state = AppState::new(config.clone(), db.clone()).expect("app state");
        TestApp {
            auth: state.auth.clone(),
            events: state.events.clone(),
            operations: state.operations.clone(),
            router: router(state),
            db,
            config,
            _db: None,
        }
    }

    /// Serves the router on a local port (for WebSocket clients); the server ends with the test.
    pub async fn serve(&self) -> std::net::SocketAddr {
        serve_router(self.router.clone()).await
    }

    /// Serves the router as `biobridge serve` does (the real accept loop, which tells handlers
    /// the TCP peer, so client addresses and trusted proxies apply); ends with the test.
    pub async fn serve_as_deployed(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let addr = listener.local_addr().unwrap();
        let limits = biobridge::http::ConnectionLimits::from_config(&self.config);
        tokio::spawn(biobridge::http::serve_until(
            listener,
            self.router.clone(),
            limits,
            std::future::pending(),
        ));
        addr
    }

    /// A second server on the same database, as another instance of a deployment would be:
    /// its own connection pool, caches and event feed. Returns its address and its feed.
    pub async fn serve_second_instance(
        &self,
    ) -> (std::net::SocketAddr, biobridge::service::events::EventBus) {
        let db = biobridge::db::connect(&self.config.database_url)
            .await
            .expect("connect to the test database");
        let state = AppState::new(self.config.clone(), db).expect("app state");
        let events = state.events.clone();
        (serve_router(router(state)).await, events)
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    /// POSTs a GraphQL request, with `Authorization: Bearer token` when given.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Reply {
        self.post(token, json!({ "query": query, "variables": variables }))
            .await
    }

    /// POSTs a whole GraphQL request `body` (query, variables, operation name).
    pub async fn post(&self, token: Option<&str>, body: Value) -> Reply {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/graphql-response+json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// POSTs a GraphQL request as the accept loop hands it over from a TCP connection with
    /// `peer` (an IP address), with extra `headers`.
    pub async fn gql_from(
        &self,
        peer: &str,
        headers: &[(&str, &str)],
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Reply {
        let peer = std::net::SocketAddr::new(peer.parse().expect("an IP address"), 50_000);
        let mut req = Request::builder()
            .method(Method::POST)
            .uri("/graphql")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/graphql-response+json");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = json!({ "query": query, "variables": variables }).to_string();
        let mut req = req.body(Body::from(body)).unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.send(req).await
    }

    pub async fn anon(&self, query: &str) -> Reply {
        self.gql(None, query, json!({})).await
    }

    pub async fn institution_id(&self, slug: &str) -> uuid::Uuid {
        entity::institution::Entity::find()
            .filter(entity::institution::Column::Slug.eq(slug))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no institution {slug}"))
            .id
    }

    /// An operator token (as `biobridge token` makes) for `slug` with `role`.
    pub async fn token(&self, slug: &str, role: &str) -> String {
        let inst = self.institution_id(slug).await;
        JwtKeys::from_config(&self.config)
            .unwrap()
            .issue(
                "operator",
                inst,
                role,
                "",
                std::time::Duration::from_secs(600),
            )
            .unwrap()
            .0
    }

    /// A token for a demo user by e-mail, as `login` would issue it.
    pub async fn user_token(&self, email: &str) -> String {
        let user = entity::user::Entity::find()
            .filter(entity::user::Column::Email.eq(email))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {email}"));
        let role = sea_orm::ActiveEnum::to_value(&user.role);
        JwtKeys::from_config(&self.config)
            .unwrap()
            .issue(
                &user.id.to_string(),
                user.institution_id.or(user.organization_id).unwrap(),
                &role,
                "",
                std::time::Duration::from_secs(600),
            )
            .unwrap()
            .0
    }
}

async fn serve_router(router: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// The `field` of every node of a connection at `path` in `data`.
pub fn nodes<'a>(data: &'a Value, path: &[&str], field: &str) -> Vec<&'a str> {
    let mut v = data;
    for p in path {
        v = &v[*p];
    }
    v["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges at {path:?} in {data}"))
        .iter()
        .map(|e| e["node"][field].as_str().unwrap_or_default())
        .collect()
}
