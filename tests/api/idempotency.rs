//! `Idempotency-Key` on mutations: a retry with the same key and request gets the first answer
//! without the work being done again — on another instance too —, a reused key with another
//! request is refused, and answers holding a secret are never stored.

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

const CREATE: &str = "mutation($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id reference } } }";

fn request(token: &str, key: &str, query: &str, variables: Value) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/graphql-response+json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("Idempotency-Key", key)
        .body(Body::from(
            json!({ "query": query, "variables": variables }).to_string(),
        ))
        .unwrap()
}

fn new_tech(reference: &str) -> Value {
    json!({ "input": { "reference": reference, "title": "Idempotent assay",
        "summary": "Sent twice, made once.", "field": "DIAGNOSTICS", "trl": 3 } })
}

async fn created(app: &TestApp, reference: &str) -> u64 {
    entity::technology::Entity::find()
        .filter(entity::technology::Column::Reference.eq(reference))
        .count(&app.db)
        .await
        .unwrap()
}

async fn audited(app: &TestApp) -> u64 {
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq("technology.create"))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_retried_create_with_the_same_key_is_done_once_and_answered_alike() {
    let app = TestApp::new().await;
    let token = app.user_token("member@sumhs.example").await;
    let key = uuid::Uuid::now_v7().to_string();
    let first = app
        .send(request(&token, &key, CREATE, new_tech("SUMHS-2026-701")))
        .await;
    let id = first.data()["createTechnology"]["technology"]["id"].clone();
    assert!(id.is_string(), "{}", first.text);
    assert!(!first.headers.contains_key("idempotent-replayed"));

    let again = app
        .send(request(&token, &key, CREATE, new_tech("SUMHS-2026-701")))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.text, first.text, "the first answer, byte for byte");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(created(&app, "SUMHS-2026-701").await, 1);
    assert_eq!(audited(&app).await, 1, "the work was done once");

    // Another instance on the same database knows the key too.
    let other = app.another_instance();
    let third = other
        .send(request(&token, &key, CREATE, new_tech("SUMHS-2026-701")))
        .await;
    assert_eq!(third.text, first.text);
    assert_eq!(audited(&app).await, 1);

    // Without a key, the same request is a new request (and meets the unique reference).
    let plain = app
        .gql(Some(&token), CREATE, new_tech("SUMHS-2026-701"))
        .await;
    assert_eq!(plain.code(), "CONFLICT");
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_refused_and_keys_are_per_principal() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let key = "order-2026-11-27-0001";
    let first = app
        .send(request(&sumhs, key, CREATE, new_tech("SUMHS-2026-702")))
        .await;
    first.data();

    let other_body = app
        .send(request(&sumhs, key, CREATE, new_tech("SUMHS-2026-703")))
        .await;
    assert_eq!(other_body.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(other_body.code(), "BAD_USER_INPUT");
    assert_eq!(
        other_body.body["errors"][0]["extensions"]["field"],
        "Idempotency-Key"
    );
    assert_eq!(created(&app, "SUMHS-2026-703").await, 0);

    // Another principal's identical key is its own.
    let unibl = app.user_token("member@unibl.example").await;
    let theirs = app
        .send(request(&unibl, key, CREATE, new_tech("UNIBL-2026-702")))
        .await;
    assert_eq!(
        theirs.data()["createTechnology"]["technology"]["reference"],
        "UNIBL-2026-702"
    );
    assert!(!theirs.headers.contains_key("idempotent-replayed"));
}

#[tokio::test]
async fn answers_with_secrets_are_never_stored_and_bad_keys_are_refused() {
    let app = TestApp::new().await;
    let admin = app.user_token("manager@sumhs.example").await;
    let r: Reply = app
        .send(request(
            &admin,
            "token-1",
            "mutation { createApiToken(input: { name: \"erp\", scopes: [\"deal:read\"] }) { token } }",
            json!({}),
        ))
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.text);
    assert!(r.text.contains("createApiToken"), "{}", r.text);
    assert_eq!(
        entity::api_token::Entity::find()
            .filter(entity::api_token::Column::Name.eq("erp"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    let r = app
        .send(request(
            &admin,
            &"k".repeat(300),
            CREATE,
            new_tech("SUMHS-2026-704"),
        ))
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(created(&app, "SUMHS-2026-704").await, 0);

    // Queries ignore the header: nothing to repeat.
    let r = app
        .send(request(&admin, "q-1", "{ me { kind } }", json!({})))
        .await;
    assert_eq!(r.data()["me"]["kind"], "USER");
}
