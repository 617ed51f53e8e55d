//! API tokens: created by admins, shown once, stored as a hash, acting as a scoped MEMBER of
//! their institution, revoked at once, `lastUsedAt` kept without a write per request.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Reply, TestApp, nodes};

const CREATE: &str = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id name prefix scopes expiresAt revokedAt lastUsedAt createdBy { email } institution { slug } } } }";
const REVOKE: &str =
    "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id revokedAt } } }";
const TOKENS: &str = "query($filter: ApiTokenFilter) { apiTokens(filter: $filter) { totalCount edges { node { id name lastUsedAt revokedAt createdBy { email } } } } }";
const ME: &str = "{ me { kind role scopes user { email } institution { slug } } }";

async fn create(app: &TestApp, admin: &str, input: Value) -> Reply {
    app.gql(Some(admin), CREATE, json!({ "input": input }))
        .await
}

/// A token of `admin`'s institution with `scopes`: (secret, global id).
async fn token_with(app: &TestApp, admin: &str, scopes: &[&str]) -> (String, String) {
    let r = create(
        app,
        admin,
        json!({ "name": "partner ERP", "scopes": scopes }),
    )
    .await;
    let p = &r.data()["createApiToken"];
    (
        p["token"].as_str().unwrap().to_owned(),
        p["apiToken"]["id"].as_str().unwrap().to_owned(),
    )
}

async fn stored(app: &TestApp, gid: &str) -> entity::api_token::Model {
    let (_, id) = biobridge::graphql::ids::decode(gid).unwrap();
    entity::api_token::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn an_admin_creates_a_token_shown_once_and_stored_as_a_hash() {
    let app = TestApp::new().await;
    let admin = app.user_token("manager@sumhs.example").await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(90)).to_rfc3339();
    let r = create(
        &app,
        &admin,
        json!({ "name": " Royalty export ", "scopes": ["deal:read", "technology:read", "deal:read"], "expiresAt": expires }),
    )
    .await;
    let p = &r.data()["createApiToken"];
    let secret = p["token"].as_str().unwrap();
    assert!(secret.starts_with("bbt_"), "{secret}");
    assert_eq!(URL_SAFE_NO_PAD.decode(&secret[4..]).unwrap().len(), 32);
    let t = &p["apiToken"];
    assert_eq!(t["name"], "Royalty export");
    assert_eq!(t["prefix"], &secret[..12]);
    assert_eq!(t["scopes"], json!(["technology:read", "deal:read"]));
    assert_eq!(t["createdBy"]["email"], "manager@sumhs.example");
    assert_eq!(t["institution"]["slug"], "sumhs");
    assert_eq!(
        (t["revokedAt"].clone(), t["lastUsedAt"].clone()),
        (Value::Null, Value::Null)
    );
    let exp: chrono::DateTime<chrono::Utc> = t["expiresAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        exp.timestamp(),
        expires
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            .timestamp()
    );

    // Only the SHA-256 of the secret is stored; neither the table nor the trail holds it.
    let row = stored(&app, t["id"].as_str().unwrap()).await;
    assert_eq!(
        row.secret_hash,
        hex::encode(Sha256::digest(secret.as_bytes()))
    );
    assert!(!serde_json::to_string(&row).unwrap().contains(&secret[12..]));
    let r = app
        .gql(
            Some(&admin),
            "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { action changes } } } }",
            json!({ "f": { "entityId": t["id"] } }),
        )
        .await;
    let event = &r.data()["auditEvents"]["edges"][0]["node"];
    assert_eq!(event["action"], "apiToken.create");
    assert_eq!(
        event["changes"]["scopes"],
        json!(["technology:read", "deal:read"])
    );
    assert!(!event.to_string().contains(&secret[12..]), "{event}");
    // The list never shows it again.
    let r = app.gql(Some(&admin), TOKENS, json!({})).await;
    assert!(!r.text.contains(&secret[12..]));
    assert_eq!(nodes(r.data(), &["apiTokens"], "name"), ["Royalty export"]);
}

#[tokio::test]
async fn a_token_acts_as_a_member_of_its_institution_within_its_scopes() {
    let app = TestApp::new().await;
    let admin = app.user_token("manager@sumhs.example").await;
    let (read, _) = token_with(&app, &admin, &["technology:read"]).await;
    let r = app.gql(Some(&read), ME, json!({})).await;
    assert_eq!(
        r.data()["me"],
        json!({ "kind": "API_TOKEN", "role": "MEMBER", "scopes": ["technology:read"], "user": null, "institution": { "slug": "sumhs" } })
    );
    // Its institution's confidential technology, as a member sees it.
    let r = app
        .gql(
            Some(&read),
            "{ technology(reference: \"SUMHS-2025-003\") { reference } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["technology"]["reference"], "SUMHS-2025-003");

    // Outside its scopes: FORBIDDEN, on reads and writes alike.
    let create_tech = "mutation { createTechnology(input: { reference: \"SUMHS-2026-900\", title: \"t\", summary: \"s\", field: OTHER, trl: 2 }) { technology { id } } }";
    assert_eq!(
        app.gql(Some(&read), create_tech, json!({})).await.code(),
        "FORBIDDEN"
    );
    let (deals_only, _) = token_with(&app, &admin, &["deal:read"]).await;
    let r = app
        .gql(
            Some(&deals_only),
            "{ technologies { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    assert!(r.body["data"].is_null());

    // Accounts, tokens and the trail are for people: no scope reaches them.
    let (all, _) = token_with(
        &app,
        &admin,
        &[
            "technology:read",
            "technology:write",
            "ip:read",
            "ip:write",
            "deal:read",
            "deal:write",
            "venture:read",
            "venture:write",
            "training:read",
            "training:write",
            "stats:read",
        ],
    )
    .await;
    for token in [&read, &all] {
        for (what, query) in [
            ("users", "{ users { totalCount } }"),
            ("apiTokens", "{ apiTokens { totalCount } }"),
            ("auditEvents", "{ auditEvents { totalCount } }"),
            (
                "createApiToken",
                "mutation { createApiToken(input: { name: \"x\", scopes: [\"technology:read\"] }) { token } }",
            ),
            (
                "createUser",
                "mutation { createUser(input: { email: \"x@sumhs.example\", displayName: \"x\", role: MEMBER, password: \"long enough password\" }) { user { id } } }",
            ),
            (
                "changePassword",
                "mutation { changePassword(input: { currentPassword: \"biobridge-demo\", newPassword: \"long enough password\" }) { user { id } } }",
            ),
        ] {
            let r = app.gql(Some(token), query, json!({})).await;
            assert_eq!(r.code(), "FORBIDDEN", "{what}: {}", r.body);
            assert!(r.body["data"].is_null(), "{what}");
        }
    }
    // And nothing leaks through `node` either.
    let (_, id) = token_with(&app, &admin, &["technology:read"]).await;
    let r = app
        .gql(
            Some(&all),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r.data()["node"], Value::Null);
}

#[tokio::test]
async fn only_admins_create_tokens_with_known_scopes() {
    let app = TestApp::new().await;
    let admin = app.user_token("manager@sumhs.example").await;
    let input = |scopes: Value| json!({ "name": "ERP", "scopes": scopes });
    for (what, scopes, field) in [
        (
            "unknown scope",
            json!(["technology:read", "everything"]),
            "scopes",
        ),
        ("no scope", json!([]), "scopes"),
    ] {
        let r = create(&app, &admin, input(scopes)).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{what}");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field, "{what}");
    }
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let r = create(
        &app,
        &admin,
        json!({ "name": "ERP", "scopes": ["technology:read"], "expiresAt": past }),
    )
    .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "expiresAt");

    let ok = input(json!(["technology:read"]));
    for (what, token, code) in [
        (
            "member",
            Some(app.user_token("member@sumhs.example").await),
            "FORBIDDEN",
        ),
        (
            "analyst",
            Some(app.user_token("analyst@center.example").await),
            "FORBIDDEN",
        ),
        // An operator token names no user to record as the creator.
        (
            "operator admin",
            Some(app.token("sumhs", "INSTITUTION_ADMIN").await),
            "FORBIDDEN",
        ),
        ("anonymous", None, "UNAUTHENTICATED"),
    ] {
        let r = app
            .gql(token.as_deref(), CREATE, json!({ "input": ok }))
            .await;
        assert_eq!(r.code(), code, "{what}: {}", r.body);
    }
    let unibl = biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await).0;
    let mut other = ok.clone();
    other["institutionId"] = json!(unibl);
    assert_eq!(
        create(&app, &admin, other.clone()).await.code(),
        "FORBIDDEN"
    );
    let r = app.gql(Some(&admin), TOKENS, json!({})).await;
    assert_eq!(r.data()["apiTokens"]["totalCount"], 0);

    // A center admin may create one for another institution; its admins then manage it.
    let center = app.user_token("admin@center.example").await;
    let r = create(&app, &center, other).await;
    let t = &r.data()["createApiToken"]["apiToken"];
    assert_eq!(t["institution"]["slug"], "unibl");
    let unibl_admin = app.user_token("manager@unibl.example").await;
    let r = app.gql(Some(&unibl_admin), TOKENS, json!({})).await;
    assert_eq!(r.data()["apiTokens"]["totalCount"], 1);
    // …without seeing the center's user who created it.
    assert_eq!(
        r.data()["apiTokens"]["edges"][0]["node"]["createdBy"],
        Value::Null
    );
}

#[tokio::test]
async fn outsiders_can_neither_see_nor_revoke_a_token() {
    let app = TestApp::new().await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let (secret, id) = token_with(&app, &sumhs_admin, &["technology:read"]).await;
    let sumhs = biobridge::graphql::ids::encode("Institution", app.institution_id("sumhs").await).0;
    let node = "query($id: ID!) { node(id: $id) { ... on ApiToken { name } } }";

    for (who, token) in [
        ("bg admin", app.token("bg", "INSTITUTION_ADMIN").await),
        ("unibl admin", app.user_token("manager@unibl.example").await),
        ("sumhs member", app.user_token("member@sumhs.example").await),
    ] {
        let r = app.gql(Some(&token), TOKENS, json!({})).await;
        assert_eq!(r.data()["apiTokens"]["totalCount"], 0, "{who}");
        let r = app
            .gql(
                Some(&token),
                TOKENS,
                json!({ "filter": { "institution": sumhs } }),
            )
            .await;
        assert_eq!(r.data()["apiTokens"]["totalCount"], 0, "{who}");
        let r = app.gql(Some(&token), node, json!({ "id": id })).await;
        assert_eq!(r.data()["node"], Value::Null, "{who}");
        let r = app.gql(Some(&token), REVOKE, json!({ "id": id })).await;
        assert_eq!(r.code(), "NOT_FOUND", "{who}: {}", r.body);
        assert!(r.body["data"].is_null(), "{who}");
    }
    // Still working.
    app.gql(Some(&secret), ME, json!({})).await.data();
    assert_eq!(stored(&app, &id).await.revoked_at, None);
    // The center admin sees it.
    let center = app.user_token("admin@center.example").await;
    let r = app.gql(Some(&center), node, json!({ "id": id })).await;
    assert_eq!(r.data()["node"]["name"], "partner ERP");
}

#[tokio::test]
async fn revocation_takes_effect_at_once() {
    let app = TestApp::new().await;
    let admin = app.user_token("manager@sumhs.example").await;
    let (secret, id) = token_with(&app, &admin, &["technology:read"]).await;
    for _ in 0..3 {
        app.gql(Some(&secret), ME, json!({})).await.data();
    }
    let r = app.gql(Some(&admin), REVOKE, json!({ "id": id })).await;
    let revoked_at = r.data()["revokeApiToken"]["apiToken"]["revokedAt"].clone();
    assert!(revoked_at.is_string());
    let r = app.gql(Some(&secret), ME, json!({})).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.code(), "UNAUTHENTICATED");
    // Revoking again changes nothing, but it answered success: the trail records both calls.
    let r = app.gql(Some(&admin), REVOKE, json!({ "id": id })).await;
    assert_eq!(
        r.data()["revokeApiToken"]["apiToken"]["revokedAt"],
        revoked_at
    );
    let r = app
        .gql(
            Some(&admin),
            "query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount edges { node { changes } } } }",
            json!({ "f": { "entityId": id, "action": "apiToken.revoke" } }),
        )
        .await;
    let events = &r.data()["auditEvents"];
    assert_eq!(events["totalCount"], 2);
    // Newest first: the repeat says it changed nothing.
    assert_eq!(
        events["edges"][0]["node"]["changes"]["alreadyRevoked"],
        true
    );
    assert_eq!(
        events["edges"][1]["node"]["changes"]["alreadyRevoked"],
        false
    );

    // `active` tells working tokens from the others.
    let (_, live) = token_with(&app, &admin, &["technology:read"]).await;
    let r = app
        .gql(
            Some(&admin),
            TOKENS,
            json!({ "filter": { "active": true } }),
        )
        .await;
    assert_eq!(nodes(r.data(), &["apiTokens"], "id"), [live.as_str()]);
    let r = app
        .gql(
            Some(&admin),
            TOKENS,
            json!({ "filter": { "active": false } }),
        )
        .await;
    assert_eq!(nodes(r.data(), &["apiTokens"], "id"), [id.as_str()]);
}

#[tokio::test]
async fn last_used_at_is_current_without_a_write_per_request() {
    let app = TestApp::new().await;
    let admin = app.user_token("manager@sumhs.example").await;
    let (secret, id) = token_with(&app, &admin, &["technology:read"]).await;
    let last_used = |r: &Reply| r.data()["apiTokens"]["edges"][0]["node"]["lastUsedAt"].clone();
    assert_eq!(
        last_used(&app.gql(Some(&admin), TOKENS, json!({})).await),
        Value::Null
    );

    let before = chrono::Utc::now();
    app.gql(Some(&secret), ME, json!({})).await.data();
    app.gql(Some(&secret), ME, json!({})).await.data();
    // This instance answers from memory at once; the database has not been written.
    let shown = last_used(&app.gql(Some(&admin), TOKENS, json!({})).await);
    let shown_at: chrono::DateTime<chrono::Utc> = shown.as_str().unwrap().parse().unwrap();
    assert!(shown_at >= before);
    assert_eq!(stored(&app, &id).await.last_used_at, None);

    // The periodic flush (run now) writes it.
    app.auth.flush_token_usage().await.unwrap();
    let written = stored(&app, &id).await.last_used_at.unwrap();
    assert_eq!(written.timestamp_millis(), shown_at.timestamp_millis());
    assert_eq!(
        last_used(&app.gql(Some(&admin), TOKENS, json!({})).await),
        shown
    );
    // Bookkeeping, not an edit: the version is untouched.
    assert_eq!(stored(&app, &id).await.version, 1);
}
