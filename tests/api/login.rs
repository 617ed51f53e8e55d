//! `login`: tokens for users, the same answer for unknown addresses and wrong passwords, and
//! throttling of repeated failures.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::{
    accounts::{ME, PASSWORD, error_of, login},
    support::TestApp,
};

#[tokio::test]
async fn login_issues_a_token_for_the_user_and_records_it() {
    let app = TestApp::new().await;
    let r = login(&app, "  Manager@SUMHS.example ", PASSWORD).await;
    let p = &r.data()["login"];
    assert_eq!(p["user"]["email"], "manager@sumhs.example");
    assert_eq!(p["user"]["role"], "INSTITUTION_ADMIN");
    assert_eq!(p["user"]["institution"]["slug"], "sumhs");
    let expires: chrono::DateTime<chrono::Utc> = p["expiresAt"].as_str().unwrap().parse().unwrap();
    let ttl = expires - chrono::Utc::now();
    assert!(ttl > chrono::Duration::minutes(59) && ttl <= chrono::Duration::minutes(61));

    let token = p["accessToken"].as_str().unwrap();
    let me = app.gql(Some(token), ME, json!({})).await;
    assert_eq!(
        me.data()["me"],
        json!({ "kind": "USER", "role": "INSTITUTION_ADMIN", "user": { "email": "manager@sumhs.example" }, "institution": { "slug": "sumhs" } })
    );

    // The login is in the trail, for the user's institution admins; failures are not.
    login(&app, "manager@sumhs.example", "wrong password!").await;
    let events = app
        .gql(
            Some(token),
            "query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount edges { node { action entityType entityId actor { email } institution { slug } changes } } } }",
            json!({ "f": { "action": "user.login" } }),
        )
        .await;
    let e = &events.data()["auditEvents"];
    assert_eq!(e["totalCount"], 1);
    assert_eq!(
        e["edges"][0]["node"],
        json!({ "action": "user.login", "entityType": "User", "entityId": p["user"]["id"], "actor": { "email": "manager@sumhs.example" }, "institution": { "slug": "sumhs" }, "changes": {} })
    );
}

#[tokio::test]
async fn unknown_addresses_and_wrong_passwords_fail_alike() {
    let app = TestApp::new().await;
    let unknown = login(&app, "nobody@sumhs.example", PASSWORD).await;
    let wrong = login(&app, "member@sumhs.example", "not the password").await;
    assert_eq!(unknown.code(), "UNAUTHENTICATED");
    assert_eq!(error_of(&unknown), error_of(&wrong));
    assert_eq!(unknown.status, wrong.status);

    // Both verify an argon2 hash (the decoy for unknown addresses): comparable time.
    // Generous bounds: the machine is shared; a skipped verification is ~100× faster.
    let mut unknown_best = Duration::MAX;
    let mut wrong_best = Duration::MAX;
    for i in 0..3 {
        let t = Instant::now();
        login(&app, &format!("nobody{i}@unibl.example"), PASSWORD).await;
        unknown_best = unknown_best.min(t.elapsed());
        let t = Instant::now();
        login(&app, "member@unibl.example", "not the password").await;
        wrong_best = wrong_best.min(t.elapsed());
    }
    assert!(
        unknown_best * 4 > wrong_best && wrong_best * 4 > unknown_best,
        "unknown address {unknown_best:?}, wrong password {wrong_best:?}"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_address_and_a_success_resets() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        let r = login(&app, "member@unibl.example", "guess guess guess").await;
        assert_eq!(r.code(), "UNAUTHENTICATED");
    }
    // Now even the right password is refused, with a hint when to retry.
    let r = login(&app, "MEMBER@unibl.example", PASSWORD).await;
    assert_eq!(r.code(), "RATE_LIMITED", "{}", r.body);
    let retry = r.body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(r.body["data"].is_null());
    // Other addresses are not affected.
    login(&app, "member@sumhs.example", PASSWORD).await.data();
    // Unknown addresses are throttled the same way (no hint that they do not exist).
    for _ in 0..5 {
        login(&app, "ghost@unibl.example", "guess guess guess").await;
    }
    assert_eq!(
        login(&app, "ghost@unibl.example", PASSWORD).await.code(),
        "RATE_LIMITED"
    );

    // A success forgets earlier failures.
    for _ in 0..4 {
        login(&app, "manager@unibl.example", "guess guess guess").await;
    }
    login(&app, "manager@unibl.example", PASSWORD).await.data();
    for _ in 0..4 {
        let r = login(&app, "manager@unibl.example", "guess guess guess").await;
        assert_eq!(r.code(), "UNAUTHENTICATED");
    }
    login(&app, "manager@unibl.example", PASSWORD).await.data();
}
