//! The principal: anonymous, JWT users and operators; rejected credentials are HTTP 401.

use axum::http::StatusCode;
use biobridge::{auth::jwt::JwtKeys, config::Config};
use serde_json::json;

use crate::support::{SECRET, TestApp};

const ME: &str = "{ me { kind role scopes institution { slug } user { email } } }";

#[tokio::test]
async fn anonymous_without_a_header() {
    let app = TestApp::new().await;
    let r = app.anon(ME).await;
    assert_eq!(
        r.data()["me"],
        json!({ "kind": "ANONYMOUS", "role": null, "scopes": [], "institution": null, "user": null })
    );
}

#[tokio::test]
async fn operator_and_user_tokens_identify_the_viewer() {
    let app = TestApp::new().await;
    let t = app.token("unibl", "MEMBER").await;
    let r = app.gql(Some(&t), ME, json!({})).await;
    assert_eq!(r.data()["me"]["kind"], "USER");
    assert_eq!(r.data()["me"]["role"], "MEMBER");
    assert_eq!(r.data()["me"]["institution"]["slug"], "unibl");
    assert_eq!(r.data()["me"]["user"], serde_json::Value::Null);

    let t = app.user_token("manager@sumhs.example").await;
    let r = app.gql(Some(&t), ME, json!({})).await;
    assert_eq!(r.data()["me"]["user"]["email"], "manager@sumhs.example");
    assert_eq!(r.data()["me"]["role"], "INSTITUTION_ADMIN");
}

fn keys(adjust: impl FnOnce(&mut Config)) -> JwtKeys {
    let mut c = Config {
        jwt_secret: Some(SECRET.into()),
        ..Config::default()
    };
    adjust(&mut c);
    JwtKeys::from_config(&c).unwrap()
}

#[tokio::test]
async fn bad_credentials_are_401_unauthenticated() {
    let app = TestApp::new().await;
    let inst = app.institution_id("unibl").await;
    let ttl = std::time::Duration::from_secs(600);
    let wrong_secret =
        keys(|c| c.jwt_secret = Some("another-secret-another-secret-0123456789".into()))
            .issue("operator", inst, "MEMBER", "", ttl)
            .unwrap()
            .0;
    let wrong_aud = keys(|c| c.jwt_audience = "elsewhere".into())
        .issue("operator", inst, "MEMBER", "", ttl)
        .unwrap()
        .0;
    let wrong_iss = keys(|c| c.jwt_issuer = "elsewhere".into())
        .issue("operator", inst, "MEMBER", "", ttl)
        .unwrap()
        .0;
    let bad_role = keys(|_| {})
        .issue("operator", inst, "EMPEROR", "", ttl)
        .unwrap()
        .0;
    let unknown_inst = keys(|_| {})
        .issue("operator", uuid::Uuid::now_v7(), "MEMBER", "", ttl)
        .unwrap()
        .0;
    let good = app.token("unibl", "MEMBER").await;
    let mut parts: Vec<&str> = good.split('.').collect();
    let forged_payload = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut claims: serde_json::Value =
            serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
        claims["role"] = json!("CENTER_ADMIN");
        engine.encode(claims.to_string())
    };
    parts[1] = &forged_payload;
    let tampered = parts.join(".");

    for (what, header) in [
        ("wrong secret", format!("Bearer {wrong_secret}")),
        ("wrong audience", format!("Bearer {wrong_aud}")),
        ("wrong issuer", format!("Bearer {wrong_iss}")),
        ("unknown role", format!("Bearer {bad_role}")),
        ("unknown institution", format!("Bearer {unknown_inst}")),
        ("tampered payload", format!("Bearer {tampered}")),
        ("garbage", "Bearer not.a.jwt".into()),
        ("basic scheme", "Basic dXNlcjpwYXNz".into()),
        ("no token", "Bearer".into()),
        ("empty", "".into()),
    ] {
        let req = axum::http::Request::post("/graphql")
            .header("content-type", "application/json")
            .header("accept", "application/graphql-response+json")
            .header("authorization", header)
            .body(axum::body::Body::from(json!({ "query": ME }).to_string()))
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {}", r.text);
        assert_eq!(r.code(), "UNAUTHENTICATED", "{what}");
        assert!(r.body.get("data").is_none(), "{what}");
    }
}
