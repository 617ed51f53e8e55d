//! Attacks on the credentials: every one is HTTP 401 + UNAUTHENTICATED and no `data`.
//! (auth.rs covers a wrong secret, wrong `iss`/`aud`, a tampered payload, unknown roles and
//! institutions, garbage, `Basic`, `Bearer` alone and an empty header.)
//!
//! External identity providers are simulated with RS256 and ES256 keys generated here; the
//! server gets the public key as a PEM file, as in production.

use std::{path::PathBuf, sync::OnceLock};

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use biobridge::config::JwtAlgorithm;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{Reply, SECRET, TestApp};

const ME: &str = "{ me { kind role institution { slug } user { email } } }";

/// A key pair in PEM: PKCS#8 private key and SPKI public key.
struct KeyPair {
    private_pem: String,
    public_pem: String,
}

fn rsa_pair() -> KeyPair {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    KeyPair {
        private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    }
}

fn ec_pair() -> KeyPair {
    use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    let key = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    KeyPair {
        private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: key.public_key().to_public_key_pem(LineEnding::LF).unwrap(),
    }
}

/// RSA key generation is slow in debug builds: two pairs per test run, shared.
fn rsa_keys() -> &'static (KeyPair, KeyPair) {
    static KEYS: OnceLock<(KeyPair, KeyPair)> = OnceLock::new();
    KEYS.get_or_init(|| (rsa_pair(), rsa_pair()))
}

/// A PEM file removed when dropped.
struct PemFile(PathBuf);

impl PemFile {
    fn new(pem: &str) -> PemFile {
        let path = std::env::temp_dir().join(format!("bb-idp-{}.pem", uuid::Uuid::now_v7()));
        std::fs::write(&path, pem).unwrap();
        PemFile(path)
    }
}

impl Drop for PemFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An app that verifies `alg` tokens with `public_pem`, as for an external identity provider.
async fn idp_app(alg: JwtAlgorithm, public_pem: &str) -> (TestApp, PemFile) {
    let file = PemFile::new(public_pem);
    let path = file.0.clone();
    let app = TestApp::with_config(move |c| {
        c.jwt_algorithm = alg;
        c.jwt_public_key_file = Some(path);
    })
    .await;
    (app, file)
}

/// Claims as an identity provider (or we) would issue them, valid for ten minutes.
async fn claims(app: &TestApp, sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "sub": sub,
        "inst": app.institution_id("unibl").await,
        "role": "MEMBER",
        "iss": app.config.jwt_issuer,
        "aud": app.config.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid::Uuid::now_v7().to_string(),
    })
}

fn sign(alg: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, key).unwrap()
}

fn hs(secret: &[u8]) -> EncodingKey {
    EncodingKey::from_secret(secret)
}

fn rs(pair: &KeyPair) -> EncodingKey {
    EncodingKey::from_rsa_pem(pair.private_pem.as_bytes()).unwrap()
}

fn es(pair: &KeyPair) -> EncodingKey {
    EncodingKey::from_ec_pem(pair.private_pem.as_bytes()).unwrap()
}

/// A token with a hand-made header and no signature.
fn unsigned(header: Value, claims: &Value) -> String {
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// `token` with its payload replaced by `claims`, keeping the old signature.
fn with_payload(token: &str, claims: &Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    )
}

async fn send_with_headers(app: &TestApp, authorization: &[&[u8]]) -> Reply {
    let mut req = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json");
    for value in authorization {
        req = req.header("authorization", *value);
    }
    app.send(
        req.body(Body::from(json!({ "query": ME }).to_string()))
            .unwrap(),
    )
    .await
}

fn assert_rejected(r: &Reply, what: &str) {
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {}", r.text);
    assert_eq!(r.code(), "UNAUTHENTICATED", "{what}");
    assert!(r.body.get("data").is_none(), "{what}: {}", r.text);
}

async fn assert_bearer_rejected(app: &TestApp, token: &str, what: &str) {
    let r = send_with_headers(app, &[format!("Bearer {token}").as_bytes()]).await;
    assert_rejected(&r, what);
}

#[tokio::test]
async fn forged_and_stale_hs256_tokens_are_refused() {
    let app = TestApp::new().await;
    let good_claims = claims(&app, "operator").await;
    let good = sign(Algorithm::HS256, &hs(SECRET.as_bytes()), &good_claims);
    // The control: the same claims, properly signed, are accepted.
    let r = app.gql(Some(&good), ME, json!({})).await;
    assert_eq!(r.data()["me"]["institution"]["slug"], "unibl");

    let now = chrono::Utc::now().timestamp();
    let mut expired = good_claims.clone();
    expired["iat"] = json!(now - 7200);
    expired["nbf"] = json!(now - 7200);
    expired["exp"] = json!(now - 3600);
    let mut not_yet = good_claims.clone();
    not_yet["nbf"] = json!(now + 3600);
    let mut no_exp = good_claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut admin = good_claims.clone();
    admin["role"] = json!("CENTER_ADMIN");
    let (rsa, _) = rsa_keys();

    for (what, token) in [
        (
            "alg none",
            unsigned(json!({ "alg": "none", "typ": "JWT" }), &good_claims),
        ),
        (
            "alg None",
            unsigned(json!({ "alg": "None", "typ": "JWT" }), &good_claims),
        ),
        (
            "alg none with the old signature",
            format!(
                "{}{}",
                unsigned(json!({ "alg": "none", "typ": "JWT" }), &good_claims),
                good.rsplit('.').next().unwrap()
            ),
        ),
        (
            "HS512 with the right secret",
            sign(Algorithm::HS512, &hs(SECRET.as_bytes()), &good_claims),
        ),
        (
            "HS384 with the right secret",
            sign(Algorithm::HS384, &hs(SECRET.as_bytes()), &good_claims),
        ),
        (
            "RS256 when HS256 is configured",
            sign(Algorithm::RS256, &rs(rsa), &good_claims),
        ),
        (
            "ES256 when HS256 is configured",
            sign(Algorithm::ES256, &es(&ec_pair()), &good_claims),
        ),
        (
            "expired",
            sign(Algorithm::HS256, &hs(SECRET.as_bytes()), &expired),
        ),
        (
            "nbf in the future",
            sign(Algorithm::HS256, &hs(SECRET.as_bytes()), &not_yet),
        ),
        (
            "no exp",
            sign(Algorithm::HS256, &hs(SECRET.as_bytes()), &no_exp),
        ),
        ("escalated role, old signature", with_payload(&good, &admin)),
        ("signature stripped", {
            let mut parts: Vec<&str> = good.split('.').collect();
            parts[2] = "";
            parts.join(".")
        }),
        ("signature of another token", {
            let other = sign(Algorithm::HS256, &hs(SECRET.as_bytes()), &admin);
            format!(
                "{}.{}",
                good.rsplit_once('.').unwrap().0,
                other.rsplit('.').next().unwrap()
            )
        }),
    ] {
        assert_bearer_rejected(&app, &token, what).await;
    }
}

#[tokio::test]
async fn rs256_tokens_of_an_identity_provider_are_verified_with_its_public_key() {
    let (idp, attacker) = rsa_keys();
    let (app, _pem) = idp_app(JwtAlgorithm::RS256, &idp.public_pem).await;
    // A subject the IdP knows and we do not: acts like an operator token (no user).
    let c = claims(&app, "idp|unibl|ana.petrovic").await;
    let good = sign(Algorithm::RS256, &rs(idp), &c);
    let r = app.gql(Some(&good), ME, json!({})).await;
    assert_eq!(
        r.data()["me"],
        json!({ "kind": "USER", "role": "MEMBER", "institution": { "slug": "unibl" }, "user": null })
    );

    let mut wrong_aud = c.clone();
    wrong_aud["aud"] = json!("another-api");
    let mut wrong_iss = c.clone();
    wrong_iss["iss"] = json!("https://evil.example");
    let mut expired = c.clone();
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    let mut admin = c.clone();
    admin["role"] = json!("CENTER_ADMIN");
    for (what, token) in [
        (
            // The classic confusion: the public key, which anyone has, used as an HMAC secret.
            "HS256 signed with the RS public key PEM",
            sign(Algorithm::HS256, &hs(idp.public_pem.as_bytes()), &c),
        ),
        (
            "HS256 signed with our own secret",
            sign(Algorithm::HS256, &hs(SECRET.as_bytes()), &c),
        ),
        (
            "RS256 signed with another key",
            sign(Algorithm::RS256, &rs(attacker), &c),
        ),
        (
            "RS512 signed with the right key",
            sign(Algorithm::RS512, &rs(idp), &c),
        ),
        (
            "PS256 signed with the right key",
            sign(Algorithm::PS256, &rs(idp), &c),
        ),
        (
            "ES256 when RS256 is configured",
            sign(Algorithm::ES256, &es(&ec_pair()), &c),
        ),
        (
            "alg none",
            unsigned(json!({ "alg": "none", "typ": "JWT" }), &c),
        ),
        ("escalated role, old signature", with_payload(&good, &admin)),
        ("wrong aud", sign(Algorithm::RS256, &rs(idp), &wrong_aud)),
        ("wrong iss", sign(Algorithm::RS256, &rs(idp), &wrong_iss)),
        ("expired", sign(Algorithm::RS256, &rs(idp), &expired)),
    ] {
        assert_bearer_rejected(&app, &token, what).await;
    }
}

#[tokio::test]
async fn es256_tokens_of_an_identity_provider_are_verified_with_its_public_key() {
    let (idp, attacker) = (ec_pair(), ec_pair());
    let (app, _pem) = idp_app(JwtAlgorithm::ES256, &idp.public_pem).await;
    let c = claims(&app, "idp|unibl|marko").await;
    let good = sign(Algorithm::ES256, &es(&idp), &c);
    let r = app.gql(Some(&good), ME, json!({})).await;
    assert_eq!(r.data()["me"]["institution"]["slug"], "unibl");
    assert_eq!(r.data()["me"]["user"], Value::Null);

    // An IdP subject that is one of our user ids names that user (who must be active).
    let mut as_user = c.clone();
    as_user["sub"] = json!(user_id(&app, "member@unibl.example").await);
    let r = app
        .gql(
            Some(&sign(Algorithm::ES256, &es(&idp), &as_user)),
            ME,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["me"]["user"]["email"], "member@unibl.example");

    let mut admin = c.clone();
    admin["role"] = json!("CENTER_ADMIN");
    for (what, token) in [
        (
            "HS256 signed with the EC public key PEM",
            sign(Algorithm::HS256, &hs(idp.public_pem.as_bytes()), &c),
        ),
        (
            "ES256 signed with another key",
            sign(Algorithm::ES256, &es(&attacker), &c),
        ),
        (
            "RS256 when ES256 is configured",
            sign(Algorithm::RS256, &rs(&rsa_keys().0), &c),
        ),
        ("escalated role, old signature", with_payload(&good, &admin)),
        (
            "alg none",
            unsigned(json!({ "alg": "none", "typ": "JWT" }), &c),
        ),
    ] {
        assert_bearer_rejected(&app, &token, what).await;
    }
}

const LOGIN: &str = "mutation($input: LoginInput!) { login(input: $input) { accessToken } }";

async fn login(app: &TestApp, email: &str, password: &str) -> String {
    let r = app
        .gql(
            None,
            LOGIN,
            json!({ "input": { "email": email, "password": password } }),
        )
        .await;
    r.data()["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn user_id(app: &TestApp, email: &str) -> uuid::Uuid {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::user::Entity::find()
        .filter(entity::user::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[tokio::test]
async fn tokens_of_disabled_users_and_from_before_a_password_change_are_refused() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;

    // Disabled: the token worked a moment ago, and stops at once.
    let bg = login(&app, "member@bg.example", "biobridge-demo").await;
    app.gql(Some(&bg), ME, json!({})).await.data();
    let bg_id = user_id(&app, "member@bg.example").await;
    let r = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { disableUser(input: { id: $id }) { user { disabledAt } } }",
            json!({ "id": biobridge::graphql::ids::encode("User", bg_id).0 }),
        )
        .await;
    assert!(r.data()["disableUser"]["user"]["disabledAt"].is_string());
    assert_bearer_rejected(&app, &bg, "disabled user's token").await;

    // Password changed: tokens issued before it stop, even within the same second.
    let old = login(&app, "member@unibl.example", "biobridge-demo").await;
    let other_old = app.user_token("member@unibl.example").await;
    let r = app
        .gql(
            Some(&old),
            "mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { email } } }",
            json!({ "input": { "currentPassword": "biobridge-demo", "newPassword": "a much better passphrase" } }),
        )
        .await;
    assert_eq!(
        r.data()["changePassword"]["user"]["email"],
        "member@unibl.example"
    );
    assert_bearer_rejected(&app, &old, "token used to change the password").await;
    assert_bearer_rejected(&app, &other_old, "older token of the same user").await;
    let new = login(&app, "member@unibl.example", "a much better passphrase").await;
    let r = app.gql(Some(&new), ME, json!({})).await;
    assert_eq!(r.data()["me"]["user"]["email"], "member@unibl.example");
}

const CREATE_TOKEN: &str = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } } }";

async fn api_token(app: &TestApp, admin: &str, expires_at: Option<String>) -> (String, String) {
    let r = app
        .gql(
            Some(admin),
            CREATE_TOKEN,
            json!({ "input": { "name": "ERP", "scopes": ["technology:read"], "expiresAt": expires_at } }),
        )
        .await;
    let p = &r.data()["createApiToken"];
    (
        p["token"].as_str().unwrap().to_owned(),
        p["apiToken"]["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn revoked_expired_and_unknown_api_tokens_are_refused() {
    let app = TestApp::new().await;
    let admin = app.user_token("manager@sumhs.example").await;

    let (revoked, id) = api_token(&app, &admin, None).await;
    // Used (and so cached) before the revocation.
    assert_eq!(
        app.gql(Some(&revoked), ME, json!({})).await.data()["me"]["kind"],
        "API_TOKEN"
    );
    let r = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(r.data()["revokeApiToken"]["apiToken"]["revokedAt"].is_string());
    assert_bearer_rejected(&app, &revoked, "revoked API token").await;

    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let (expiring, _) = api_token(&app, &admin, Some(soon)).await;
    app.gql(Some(&expiring), ME, json!({})).await.data();
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    assert_bearer_rejected(&app, &expiring, "expired API token (cached while valid)").await;

    let (valid, _) = api_token(&app, &admin, None).await;
    let mut unknown = valid.clone();
    unknown.pop();
    unknown.push(if valid.ends_with('A') { 'B' } else { 'A' });
    assert_bearer_rejected(&app, &unknown, "unknown bbt_ token").await;
    assert_bearer_rejected(&app, "bbt_", "bbt_ alone").await;
    assert_bearer_rejected(&app, &format!("{valid}x"), "API token with a suffix").await;
    assert_bearer_rejected(&app, &valid.to_uppercase(), "API token in upper case").await;
    app.gql(Some(&valid), ME, json!({})).await.data();
}

#[tokio::test]
async fn malformed_authorization_headers_are_refused() {
    let app = TestApp::new().await;
    let token = app.token("unibl", "MEMBER").await;
    for (what, value) in [
        ("no scheme", token.clone()),
        ("two tokens", format!("Bearer {token} {token}")),
        ("Bearer only, trailing space", "Bearer ".into()),
        ("unknown scheme", format!("Token {token}")),
        ("scheme glued to the token", format!("Bearer{token}")),
        ("comma instead of a space", format!("Bearer,{token}")),
    ] {
        let r = send_with_headers(&app, &[value.as_bytes()]).await;
        assert_rejected(&r, what);
    }
    let r = send_with_headers(&app, &[b"Bearer \xff\xfe"]).await;
    assert_rejected(&r, "non-ASCII bytes");
    let good = format!("Bearer {token}");
    let r = send_with_headers(&app, &[good.as_bytes(), b"Bearer forged"]).await;
    assert_rejected(&r, "two Authorization headers");

    // The scheme is case-insensitive (RFC 7235), and surrounding spaces do not matter.
    for value in [
        format!("bearer {token}"),
        format!("BEARER {token}"),
        format!("Bearer   {token}  "),
    ] {
        let r = send_with_headers(&app, &[value.as_bytes()]).await;
        assert_eq!(r.status, StatusCode::OK, "{value}: {}", r.text);
        assert_eq!(r.data()["me"]["institution"]["slug"], "unibl");
    }
}
