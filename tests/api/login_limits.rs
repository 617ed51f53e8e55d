//! What keeps a login flood from taking the service down: a bound on concurrent password
//! hashing, and throttling per client address (X-Forwarded-For only behind a trusted proxy).

use futures_util::future::join_all;
use serde_json::json;

use crate::{
    accounts::{LOGIN, PASSWORD, login},
    support::{Reply, TestApp},
};

async fn login_from(
    app: &TestApp,
    peer: &str,
    xff: Option<&str>,
    email: &str,
    password: &str,
) -> Reply {
    let headers: Vec<(&str, &str)> = xff.map(|v| ("x-forwarded-for", v)).into_iter().collect();
    app.gql_from(
        peer,
        &headers,
        None,
        LOGIN,
        json!({ "input": { "email": email, "password": password } }),
    )
    .await
}

fn retry_after(r: &Reply) -> u64 {
    r.body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap_or_else(|| panic!("no retryAfter in {}", r.body))
}

#[tokio::test]
async fn logins_beyond_the_hashing_slots_are_refused_not_queued() {
    let app = TestApp::with_config(|c| {
        c.password_hashing_concurrency = 1;
        c.password_hashing_queue = 0;
    })
    .await;
    // Eight at once: one is checked, the others are told to come back.
    let replies = join_all((0..8).map(|i| {
        let app = &app;
        async move { login(app, &format!("ghost{i}@flood.example"), "guess guess guess").await }
    }))
    .await;
    let codes: Vec<&str> = replies.iter().map(Reply::code).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "UNAUTHENTICATED").count(),
        1,
        "{codes:?}"
    );
    for r in replies.iter().filter(|r| r.code() == "RATE_LIMITED") {
        assert!(retry_after(r) >= 1);
        assert!(r.body["data"].is_null());
    }
    // The slot is free again once the check is done.
    login(&app, "member@unibl.example", PASSWORD).await.data();
}

#[tokio::test]
async fn failures_are_throttled_per_client_address_across_e_mail_addresses() {
    let app = TestApp::with_config(|c| c.login_failures_per_address = 3).await;
    let attacker = "203.0.113.7";
    for i in 0..3 {
        let r = login_from(
            &app,
            attacker,
            None,
            &format!("user{i}@sumhs.example"),
            "guess guess guess",
        )
        .await;
        assert_eq!(r.code(), "UNAUTHENTICATED", "{}", r.body);
    }
    // A fourth e-mail address from the same client is refused, even with the right password.
    let r = login_from(&app, attacker, None, "member@sumhs.example", PASSWORD).await;
    assert_eq!(r.code(), "RATE_LIMITED", "{}", r.body);
    assert!((1..=900).contains(&retry_after(&r)));
    // Another client logs in as usual; its successes do not count as failures.
    for _ in 0..4 {
        login_from(
            &app,
            "198.51.100.20",
            None,
            "member@sumhs.example",
            PASSWORD,
        )
        .await
        .data();
    }
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    // Without a trusted proxy, a client cannot escape its throttle by inventing the header.
    let app = TestApp::with_config(|c| c.login_failures_per_address = 2).await;
    for i in 0..2 {
        let r = login_from(
            &app,
            "203.0.113.7",
            Some(&format!("192.0.2.{i}")),
            "ghost@unibl.example",
            "guess guess guess",
        )
        .await;
        assert_eq!(r.code(), "UNAUTHENTICATED");
    }
    let r = login_from(
        &app,
        "203.0.113.7",
        Some("192.0.2.99"),
        "member@unibl.example",
        PASSWORD,
    )
    .await;
    assert_eq!(r.code(), "RATE_LIMITED", "{}", r.body);

    // Behind a trusted proxy, each client named by the proxy has its own budget.
    let app = TestApp::with_config(|c| {
        c.login_failures_per_address = 2;
        c.trusted_proxies = vec!["10.0.0.0/8".into()];
    })
    .await;
    let proxy = "10.1.2.3";
    for _ in 0..2 {
        let r = login_from(
            &app,
            proxy,
            Some("192.0.2.1"),
            "ghost@unibl.example",
            "guess guess guess",
        )
        .await;
        assert_eq!(r.code(), "UNAUTHENTICATED");
    }
    let r = login_from(
        &app,
        proxy,
        Some("192.0.2.1"),
        "member@unibl.example",
        PASSWORD,
    )
    .await;
    assert_eq!(r.code(), "RATE_LIMITED", "{}", r.body);
    // A spoofed entry to the left of the proxy's own does not help either.
    let r = login_from(
        &app,
        proxy,
        Some("192.0.2.50, 192.0.2.1"),
        "member@unibl.example",
        PASSWORD,
    )
    .await;
    assert_eq!(r.code(), "RATE_LIMITED", "{}", r.body);
    login_from(
        &app,
        proxy,
        Some("192.0.2.2"),
        "member@unibl.example",
        PASSWORD,
    )
    .await
    .data();
}
