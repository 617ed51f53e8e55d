//! The server keeps documents it parsed and validated (`src/graphql/document_cache.rs`): a
//! request with the same text, operation and variables skips parsing and validation, and gets
//! exactly the answer it would have got without — what depends on the caller or on the
//! variables is still decided per request.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

const LIST: &str =
    "query List($n: Int) { institutions(first: $n) { edges { node { slug name } } } }";

#[tokio::test]
async fn kept_validations_hold_only_for_the_same_variables() {
    let app = TestApp::with_config(|c| c.max_complexity = 100).await;
    let list = |n: i64| json!({ "query": LIST, "operationName": "List", "variables": { "n": n } });
    for round in 0..2 {
        // 1 + 10 × (edges, node, slug, name) = 41: admitted, on the first and the kept pass.
        let r = app.post(None, list(10)).await;
        assert!(
            !r.data()["institutions"]["edges"]
                .as_array()
                .unwrap()
                .is_empty(),
            "round {round}"
        );
        // The same text and operation with 50: 201, refused though the text was validated.
        let r = app.post(None, list(50)).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "round {round}: {}",
            r.text
        );
        assert_eq!(
            r.body["errors"][0]["extensions"]["value"], 201,
            "round {round}"
        );
    }
}

#[tokio::test]
async fn an_invalid_document_fails_every_time() {
    let app = TestApp::new().await;
    let typo = "{ technologis { totalCount } }";
    let first = app.anon(typo).await;
    assert_eq!(first.status, StatusCode::BAD_REQUEST);
    let again = app.anon(typo).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(first.body, again.body);
}

#[tokio::test]
async fn checks_of_the_caller_run_on_a_kept_document() {
    use biobridge::config::Introspection;
    let app = TestApp::with_config(|c| c.introspection = Some(Introspection::Authenticated)).await;
    let schema = "{ __schema { queryType { name } } }";
    let member = app.user_token("member@bg.example").await;
    for _ in 0..2 {
        let r = app.gql(Some(&member), schema, json!({})).await;
        assert_eq!(r.data()["__schema"]["queryType"]["name"], "Query");
        // The same text, parsed and validated for the member: still not for anonymous callers.
        let r = app.anon(schema).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.code(), "UNAUTHENTICATED");
    }
    // An anonymous caller may not run a change, even one a signed-in caller's request had
    // parsed and validated.
    let change = r#"mutation { revokeApiToken(input: { id: "QXBpVG9rZW46MDE5YjAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw" }) { apiToken { id } } }"#;
    let member = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&member), change, json!({})).await;
    assert_ne!(r.code(), "UNAUTHENTICATED", "{}", r.text);
    let r = app.anon(change).await;
    assert_eq!(r.code(), "UNAUTHENTICATED", "{}", r.text);
}
