//! The HTTP surface: GraphQL-over-HTTP conformance, GraphiQL, health, limits and the
//! `graphql-http` audit against a real server.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use serde_json::json;

use crate::support::TestApp;

fn post(body: &str, content_type: Option<&str>, accept: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::ACCEPT, accept);
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

fn get(uri: &str, accept: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap()
}

const GQL: &str = "application/graphql-response+json";

#[tokio::test]
async fn media_types_are_negotiated() {
    let app = TestApp::new().await;
    let q = r#"{"query":"{ __typename }"}"#;
    let r = app.send(post(q, Some("application/json"), GQL)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(GQL)
    );
    assert_eq!(r.body["data"]["__typename"], "Query");
    let r = app
        .send(post(
            q,
            Some("application/json; charset=utf-8"),
            "application/json",
        ))
        .await;
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let r = app
        .send(post(q, Some("application/json"), "text/plain"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn request_errors_get_400_and_no_data_with_the_new_media_type() {
    let app = TestApp::new().await;
    for body in [
        r#"{"query":"{ institutions("}"#,
        r#"{"query":"{ noSuchField }"}"#,
    ] {
        let r = app.send(post(body, Some("application/json"), GQL)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(r.body.get("data").is_none(), "{}", r.text);
        assert_eq!(r.code(), "BAD_USER_INPUT");
        // The legacy media type keeps 200 for the same errors.
        let r = app
            .send(post(body, Some("application/json"), "application/json"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body["errors"].is_array());
    }
    let r = app
        .send(post("{not json", Some("application/json"), GQL))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .send(post(
            r#"[{"query":"{ __typename }"}]"#,
            Some("application/json"),
            GQL,
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "batching is off");
    let r = app
        .send(post(
            r#"{"query":"{ __typename }","variables":"x"}"#,
            Some("application/json"),
            GQL,
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn posts_need_a_json_content_type() {
    let app = TestApp::new().await;
    let q = r#"{"query":"{ __typename }"}"#;
    assert_eq!(
        app.send(post(q, None, GQL)).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        app.send(post(q, Some("text/plain"), GQL)).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
}

#[tokio::test]
async fn get_runs_queries_but_never_mutations() {
    let app = TestApp::new().await;
    let r = app
        .send(get("/graphql?query=%7B%20__typename%20%7D", GQL))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["data"]["__typename"], "Query");
    let r = app
        .send(get("/graphql?query=mutation%20%7B%20__typename%20%7D", GQL))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers[header::ALLOW], "POST");
    let vars = "query=query(%24s%3A%20String!)%20%7B%20institution(slug%3A%20%24s)%20%7B%20name%20%7D%20%7D&variables=%7B%22s%22%3A%22unibl%22%7D";
    let r = app.send(get(&format!("/graphql?{vars}"), GQL)).await;
    assert_eq!(
        r.body["data"]["institution"]["name"],
        "University of Banja Luka"
    );
}

#[tokio::test]
async fn graphiql_is_served_to_browsers_with_an_example() {
    let app = TestApp::new().await;
    let r = app
        .send(get("/graphql", "text/html,application/xhtml+xml"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("graphiql"));
    assert!(r.text.contains("biobridge-config"));
    assert!(r.text.contains("institutions(first: 10"));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::new().await;
    let r = app.send(get("/healthz", "*/*")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.send(get("/readyz", "*/*")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn readiness_fails_while_migrations_are_pending() {
    use migration::MigratorTrait;
    let app = TestApp::new().await;
    migration::Migrator::down(&app.db, Some(1)).await.unwrap();
    let r = app.send(get("/readyz", "*/*")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn limits_are_enforced() {
    let app = TestApp::with_config(|c| {
        c.max_depth = 4;
        c.max_aliases = 3;
        c.max_body_bytes = 2048;
    })
    .await;
    let deep = "{ institutions { edges { node { technologies { edges { node { owner { slug } } } } } } } }";
    let r = app.gql(None, deep, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "BAD_USER_INPUT");
    let aliases = "{ a: __typename b: __typename c: __typename d: __typename }";
    let r = app.gql(None, aliases, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("aliases")
    );
    let big = format!(
        r#"{{"query":"{{ __typename }}","variables":{{"pad":"{}"}}}}"#,
        "x".repeat(4096)
    );
    let r = app.send(post(&big, Some("application/json"), GQL)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn complexity_is_bounded() {
    let app = TestApp::with_config(|c| c.max_complexity = 20).await;
    let r = app
        .anon("{ institutions(first: 100) { edges { node { slug name country region kind membership } } } }")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
}

/// Runs the `graphql-http` package's `auditServer` against a real server on a free port.
/// CI installs the package (`npm ci` in tests/http-audit); elsewhere the test says how.
#[tokio::test]
async fn graphql_over_http_audit_has_no_must_or_should_failures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/http-audit");
    if !dir.join("node_modules/graphql-http").exists() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install the audit: (cd tests/http-audit && npm ci)"
        );
        eprintln!(
            "skipping the graphql-http audit: run `(cd tests/http-audit && npm ci)` to enable it"
        );
        return;
    }
    let app = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(axum::serve(listener, app.router.clone()).into_future());
    let out = tokio::process::Command::new("node")
        .arg(dir.join("audit.mjs"))
        .arg(format!("http://{addr}/graphql"))
        .output()
        .await
        .expect("node runs");
    server.abort();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "graphql-http audit failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn graphiql_default_query_runs_cleanly() {
    let app = TestApp::new().await;
    let member = app.user_token("member@unibl.example").await;
    let r = app
        .gql(
            Some(&member),
            biobridge::http::GRAPHIQL_DEFAULT_QUERY,
            json!({}),
        )
        .await;
    let data = r.data();
    assert_eq!(data["me"]["institution"]["slug"], "unibl");
    assert!(data["institutions"]["totalCount"].as_u64().unwrap() >= 8);
}
