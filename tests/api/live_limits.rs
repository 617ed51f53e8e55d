//! What a subscription socket may spend and how long it may linger, tried as an abuser would:
//! every operation is charged to the same rate-limit budget as the principal's HTTP requests
//! (anonymous sockets by client address, as trusted proxies name it), a socket kept busy still
//! closes within the recheck bound after its credential lapses, a change of rights closes it with
//! 4403, and a client that stops reading is cut off instead of holding memory.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{
    TestApp,
    ws::{Frame, WsClient, listening},
};

const BUDGET: &str = "{ rateLimit { cost used remaining } }";
const TECHNOLOGIES: &str = "subscription { technologyChanged { action technology { reference } } }";

/// The recheck interval these tests run with: the bound within which a socket closes.
const RECHECK_SECS: u64 = 1;
/// What a loaded test machine may add to the bound (one credential read, scheduling).
const SLACK: Duration = Duration::from_secs(3);

/// Runs `query` as operation `id` and returns its first answer: `("next", payload)` for data,
/// `("error", errors)` for an operation refused before it ran (whether the server says so with
/// an `error` message or a `next` without data), skipping the `complete` of earlier operations.
async fn run(socket: &mut WsClient, id: &str, query: &str) -> (String, Value) {
    socket.subscribe(id, query, json!({})).await;
    loop {
        match socket.next().await {
            Frame::Json(v) if v["type"] == "complete" => continue,
            Frame::Json(v) if v["id"] == id && v["type"] == "error" => {
                return ("error".into(), v["payload"].clone());
            }
            Frame::Json(v) if v["id"] == id && v["payload"]["errors"].is_array() => {
                return ("error".into(), v["payload"]["errors"].clone());
            }
            Frame::Json(v) if v["id"] == id => {
                return (v["type"].as_str().unwrap().to_owned(), v["payload"].clone());
            }
            other => panic!("expected an answer to {id}, got {other:?}"),
        }
    }
}

/// Runs `query` until the budget refuses it; returns the refusal's first error.
async fn spend_until_refused(socket: &mut WsClient, query: &str) -> Value {
    for i in 0..200 {
        let (kind, payload) = run(socket, &format!("op{i}"), query).await;
        if kind == "error" {
            return payload[0].clone();
        }
        assert_eq!(kind, "next", "{payload}");
    }
    panic!("the budget was never spent");
}

#[tokio::test]
async fn a_socket_spends_the_same_budget_as_the_principals_http_requests() {
    let app = TestApp::with_config(|c| c.rate_limit_points = 60).await;
    let addr = app.serve().await;
    let member = app.user_token("member@unibl.example").await;

    let http = app.gql(Some(&member), BUDGET, json!({})).await;
    let after_http = http.data()["rateLimit"]["used"].as_u64().unwrap();

    let mut socket = WsClient::connect(addr, Some(&member)).await;
    let (kind, payload) = run(&mut socket, "first", BUDGET).await;
    assert_eq!(kind, "next");
    let budget = &payload["data"]["rateLimit"];
    let cost = budget["cost"].as_u64().unwrap();
    assert_eq!(
        budget["used"].as_u64(),
        Some(after_http + cost),
        "the socket's operation is charged to the user's budget: {budget}"
    );

    let refused = spend_until_refused(&mut socket, BUDGET).await;
    assert_eq!(refused["extensions"]["code"], "RATE_LIMITED", "{refused}");
    assert!(refused["extensions"]["retryAfter"].as_u64().unwrap() > 0);
    // The socket stays open for what the budget allows later; HTTP is refused alike.
    let http = app.gql(Some(&member), BUDGET, json!({})).await;
    assert_eq!(http.status, 429);
    assert_eq!(http.code(), "RATE_LIMITED");
    // Other principals have budgets of their own.
    let bg = app.user_token("member@bg.example").await;
    let mut other = WsClient::connect(addr, Some(&bg)).await;
    assert_eq!(run(&mut other, "1", BUDGET).await.0, "next");
}

#[tokio::test]
async fn anonymous_sockets_are_charged_by_client_address_behind_trusted_proxies() {
    let app = TestApp::with_config(|c| {
        c.rate_limit_anonymous_points = 40;
        c.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    let addr = app.serve_as_deployed().await;
    let from = |ip: &'static str| [("x-forwarded-for", ip)];
    let connect = async |ip: &'static str| {
        let mut socket = WsClient::open_with(addr, &from(ip)).await;
        let ack = socket.init(None).await;
        assert!(matches!(&ack, Frame::Json(v) if v["type"] == "connection_ack"));
        socket
    };

    let mut first = connect("198.51.100.7").await;
    let refused = spend_until_refused(&mut first, BUDGET).await;
    assert_eq!(refused["extensions"]["code"], "RATE_LIMITED", "{refused}");

    // Another socket from the same client shares the spent budget; a new socket is no way out.
    let mut again = connect("198.51.100.7").await;
    let (kind, payload) = run(&mut again, "1", BUDGET).await;
    assert_eq!(kind, "error", "{payload}");
    assert_eq!(payload[0]["extensions"]["code"], "RATE_LIMITED");
    // So does the same client over HTTP, through the same proxy.
    let http = app
        .gql_from("127.0.0.1", &from("198.51.100.7"), None, BUDGET, json!({}))
        .await;
    assert_eq!(http.status, 429);

    // Another client behind the proxy has its own budget.
    let mut neighbour = connect("198.51.100.8").await;
    assert_eq!(run(&mut neighbour, "1", BUDGET).await.0, "next");
}

/// An API token of unibl with `deal:read` and `technology:read`: (secret, id).
async fn unibl_token(app: &TestApp) -> (String, String) {
    let manager = app.user_token("manager@unibl.example").await;
    let r = app
        .gql(
            Some(&manager),
            "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } } }",
            json!({ "input": { "name": "unibl ERP", "scopes": ["deal:read", "technology:read"] } }),
        )
        .await;
    let created = &r.data()["createApiToken"];
    (
        created["token"].as_str().unwrap().to_owned(),
        created["apiToken"]["id"].as_str().unwrap().to_owned(),
    )
}

/// Traffic does not postpone the credential check: a client that pings without pause (each
/// ping answered by a pong) is still closed within the bound after its token is revoked.
#[tokio::test]
async fn a_busy_socket_still_closes_within_the_bound_after_revocation() {
    let app = TestApp::with_config(|c| c.ws_recheck_secs = RECHECK_SECS).await;
    let addr = app.serve().await;
    let (erp, erp_id) = unibl_token(&app).await;
    let mut socket = WsClient::connect(addr, Some(&erp)).await;
    socket.subscribe("t", TECHNOLOGIES, json!({})).await;
    listening(&app.events, 1).await;

    let manager = app.user_token("manager@unibl.example").await;
    app.gql(
        Some(&manager),
        "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id } } }",
        json!({ "id": erp_id }),
    )
    .await
    .data();
    let revoked = Instant::now();
    let code = loop {
        socket.send(json!({ "type": "ping" })).await;
        if let Some(Frame::Closed(code, _)) = socket.next_within(Duration::from_millis(100)).await {
            break code;
        }
        assert!(
            revoked.elapsed() < Duration::from_secs(15),
            "a busy socket outlived its revoked token"
        );
    };
    assert_eq!(code, 4401);
    let took = revoked.elapsed();
    assert!(
        took <= Duration::from_secs(RECHECK_SECS) + SLACK,
        "closed {took:?} after the revocation"
    );
}

/// A credential that holds but carries other rights than the socket was opened with (the
/// institution's membership changed) closes the socket with 4403.
#[tokio::test]
async fn a_change_of_rights_closes_the_socket_with_4403() {
    let app = TestApp::with_config(|c| c.ws_recheck_secs = RECHECK_SECS).await;
    let addr = app.serve().await;
    let bg = app.user_token("member@bg.example").await;
    let mut socket = WsClient::connect(addr, Some(&bg)).await;
    socket.subscribe("t", TECHNOLOGIES, json!({})).await;
    listening(&app.events, 1).await;

    let admin = app.user_token("admin@center.example").await;
    let found = app
        .anon(r#"{ institution(slug: "bg") { id version } }"#)
        .await;
    let inst = found.data()["institution"].clone();
    app.gql(
        Some(&admin),
        "mutation($input: UpdateInstitutionInput!) { updateInstitution(input: $input) { institution { membership } } }",
        json!({ "input": { "id": inst["id"], "expectedVersion": inst["version"], "membership": "SUSPENDED" } }),
    )
    .await
    .data();
    let changed = Instant::now();
    assert_eq!(socket.close_code().await, 4403);
    assert!(changed.elapsed() <= Duration::from_secs(RECHECK_SECS) + SLACK);
}

/// A subscriber that stops reading does not make the server hold its events: once the socket's
/// buffers are full and a message waits longer than the recheck interval, the server drops the
/// connection and its subscription stops listening.
#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off() {
    let app = TestApp::with_config(|c| c.ws_recheck_secs = RECHECK_SECS).await;
    let addr = app.serve().await;
    let sumhs = app.user_token("member@sumhs.example").await;

    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    let stream = tcp.connect(addr).await.unwrap();
    let mut slow = WsClient::connect_over(stream, addr, Some(&sumhs)).await;
    // Each event carries its summary 25 times: about 125 kB.
    let aliases: String = (0..25).map(|i| format!(" s{i}: summary")).collect();
    let big = format!("subscription {{ technologyChanged {{ technology {{{aliases} }} }} }}");
    slow.subscribe("big", &big, json!({})).await;
    listening(&app.events, 1).await;

    // From here on the client reads nothing.
    let summary = "x".repeat(5000);
    let mut made = 0;
    while app.events.subscriber_count() > 0 {
        assert!(made < 200, "the stalled subscriber was never cut off");
        app.gql(
            Some(&sumhs),
            "mutation($i: CreateTechnologyInput!) { createTechnology(input: $i) { technology { id } } }",
            json!({ "i": { "reference": format!("SUMHS-2026-9{made:02}"), "title": "t", "summary": summary, "field": "OTHER", "trl": 2 } }),
        )
        .await
        .data();
        made += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // What was buffered before the cut may still arrive; then the connection is gone.
    let code = slow.close_code().await;
    assert!(code == 1006 || code == 1013, "closed with {code}");
    drop(slow);
}
