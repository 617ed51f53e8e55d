//! Subscriptions over `/graphql/ws` (graphql-transport-ws), tried as a browser's `graphql-ws`
//! client would: the credential in `connectionParams`, events re-read under the subscriber's
//! policy, and a socket that lives no longer than its credential.

use serde_json::{Value, json};

use crate::{
    deals::demo_licence,
    support::{
        TestApp,
        ws::{Frame, WsClient, listening},
    },
};

const SUBMIT: &str = "mutation($input: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $input) { royaltyReport { id } } }";
const DECIDE: &str = "mutation($input: DecideRoyaltyReportInput!) { decideRoyaltyReport(input: $input) { royaltyReport { status } } }";
const REPORTS: &str = "subscription($deal: ID) { royaltyReportChanged(dealId: $deal) { action report { id status disputeReason royaltyDue { amount currency } } } }";
const TECHNOLOGIES: &str =
    "subscription { technologyChanged { action technology { reference visibility } } }";
const CREATE_TOKEN: &str = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } } }";
const REVOKE: &str =
    "mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id } } }";
const CREATE_TECHNOLOGY: &str =
    "mutation($i: CreateTechnologyInput!) { createTechnology(input: $i) { technology { id } } }";

/// The recheck interval the tests run with: the bound within which a socket closes.
const RECHECK_SECS: u64 = 1;

async fn app() -> TestApp {
    TestApp::with_config(|c| c.ws_recheck_secs = RECHECK_SECS).await
}

/// An API token of unibl (the demo licence's recipient), as its ERP would hold: (secret, id).
async fn unibl_erp_token(app: &TestApp) -> (String, String) {
    let manager = app.user_token("manager@unibl.example").await;
    let r = app
        .gql(
            Some(&manager),
            CREATE_TOKEN,
            json!({ "input": { "name": "unibl ERP", "scopes": ["deal:read", "deal:write", "technology:read"] } }),
        )
        .await;
    let created = &r.data()["createApiToken"];
    (
        created["token"].as_str().unwrap().to_owned(),
        created["apiToken"]["id"].as_str().unwrap().to_owned(),
    )
}

fn half_year(deal: &str) -> Value {
    json!({ "input": {
        "dealId": deal, "periodStart": "2026-07-01", "periodEnd": "2026-12-31",
        "netSales": { "amount": "100000.00", "currency": "EUR" },
        "royaltyDue": { "amount": "3500.00", "currency": "EUR" }
    } })
}

/// The "done when" of issue 9: unibl's system hears the provider's decision on its report; bg,
/// subscribed to the same events, hears nothing of it; revoking unibl's token closes its socket
/// within the recheck bound.
#[tokio::test]
async fn the_licensee_hears_the_decision_an_outsider_does_not_and_revocation_closes_the_socket() {
    let app = app().await;
    let addr = app.serve().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let (erp, erp_id) = unibl_erp_token(&app).await;
    let bg = app.user_token("member@bg.example").await;
    let sumhs = app.user_token("member@sumhs.example").await;

    let mut unibl_socket = WsClient::connect(addr, Some(&erp)).await;
    unibl_socket
        .subscribe("reports", REPORTS, json!({ "deal": deal }))
        .await;
    let mut bg_socket = WsClient::connect(addr, Some(&bg)).await;
    bg_socket.subscribe("reports", REPORTS, json!({})).await;
    bg_socket.subscribe("mine", TECHNOLOGIES, json!({})).await;
    listening(&app.events, 3).await;

    let r = app.gql(Some(&erp), SUBMIT, half_year(&deal)).await;
    let report = r.data()["submitRoyaltyReport"]["royaltyReport"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, payload) = unibl_socket.next_payload().await;
    let change = &payload["data"]["royaltyReportChanged"];
    assert_eq!(change["action"], "royaltyReport.submit");
    assert_eq!(change["report"]["status"], "SUBMITTED");

    let r = app
        .gql(
            Some(&sumhs),
            DECIDE,
            json!({ "input": { "id": report, "status": "DISPUTED", "reason": "the Serbian distributor's sales are missing" } }),
        )
        .await;
    assert_eq!(
        r.data()["decideRoyaltyReport"]["royaltyReport"]["status"],
        "DISPUTED"
    );

    let (id, payload) = unibl_socket.next_payload().await;
    assert_eq!(id, "reports");
    let change = &payload["data"]["royaltyReportChanged"];
    assert_eq!(change["action"], "royaltyReport.decide");
    assert_eq!(change["report"]["id"], report.as_str());
    assert_eq!(change["report"]["status"], "DISPUTED");
    assert_eq!(
        change["report"]["disputeReason"],
        "the Serbian distributor's sales are missing"
    );
    assert_eq!(
        change["report"]["royaltyDue"],
        json!({ "amount": "3500.00", "currency": "EUR" })
    );

    // bg's next message is its own later change, not the report it may not see.
    let r = app
        .gql(
            Some(&bg),
            CREATE_TECHNOLOGY,
            json!({ "i": { "reference": "BG-2026-777", "title": "t", "summary": "s", "field": "OTHER", "trl": 2 } }),
        )
        .await;
    r.data();
    let (id, payload) = bg_socket.next_payload().await;
    assert_eq!(
        id, "mine",
        "bg heard of something it may not see: {payload}"
    );
    assert_eq!(
        payload["data"]["technologyChanged"]["technology"]["reference"],
        "BG-2026-777"
    );

    // Revoking the token closes the socket it opened, within the recheck bound (plus what a
    // loaded test machine adds: one credential read, scheduling).
    let manager = app.user_token("manager@unibl.example").await;
    app.gql(Some(&manager), REVOKE, json!({ "id": erp_id }))
        .await
        .data();
    let revoked = std::time::Instant::now();
    assert_eq!(unibl_socket.close_code().await, 4401);
    let took = revoked.elapsed();
    assert!(
        took <= std::time::Duration::from_secs(RECHECK_SECS + 3),
        "closed {took:?} after the revocation"
    );
}

#[tokio::test]
async fn a_credential_in_connection_params_is_checked() {
    let app = app().await;
    let addr = app.serve().await;

    let mut socket = WsClient::open(addr).await;
    let answer = socket.init(Some("bbt_not-a-token")).await;
    assert!(
        matches!(answer, Frame::Closed(4401, _)),
        "a bad token is refused: {answer:?}"
    );

    // Anonymous sockets work, and see only what anonymous callers may.
    let mut socket = WsClient::connect(addr, None).await;
    socket.subscribe("1", "{ me { kind } }", json!({})).await;
    let (_, payload) = socket.next_payload().await;
    assert_eq!(payload["data"]["me"]["kind"], "ANONYMOUS");

    // A token in connectionParams is who the socket runs as.
    let unibl = app.user_token("member@unibl.example").await;
    let mut socket = WsClient::connect(addr, Some(&unibl)).await;
    socket
        .subscribe("1", "{ me { kind institution { slug } } }", json!({}))
        .await;
    let (_, payload) = socket.next_payload().await;
    assert_eq!(payload["data"]["me"]["institution"]["slug"], "unibl");
}

#[tokio::test]
async fn an_expired_token_closes_the_socket_at_expiry() {
    let app = app().await;
    let addr = app.serve().await;
    let inst = app.institution_id("unibl").await;
    let short = biobridge::auth::jwt::JwtKeys::from_config(&app.config)
        .unwrap()
        .issue(
            "operator",
            inst,
            "MEMBER",
            "",
            std::time::Duration::from_secs(2),
        )
        .unwrap()
        .0;
    let mut socket = WsClient::connect(addr, Some(&short)).await;
    socket.subscribe("t", TECHNOLOGIES, json!({})).await;
    assert_eq!(socket.close_code().await, 4401);
}

#[tokio::test]
async fn disabling_the_user_closes_its_socket_and_stops_its_mutations() {
    let app = app().await;
    let addr = app.serve().await;
    let member = app.user_token("member@unibl.example").await;
    let manager = app.user_token("manager@unibl.example").await;
    let users = app
        .gql(
            Some(&manager),
            "{ users(first: 50) { edges { node { id email } } } }",
            json!({}),
        )
        .await;
    let member_id = users.data()["users"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["email"] == "member@unibl.example")
        .unwrap()["node"]["id"]
        .clone();

    let mut socket = WsClient::connect(addr, Some(&member)).await;
    socket.subscribe("t", TECHNOLOGIES, json!({})).await;
    listening(&app.events, 1).await;
    app.gql(
        Some(&manager),
        "mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } } }",
        json!({ "id": member_id }),
    )
    .await
    .data();
    // An operation sent now does not run: the socket closes instead.
    socket
        .subscribe(
            "p",
            "mutation { createPerson(input: { fullName: \"Ghost\" }) { person { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(socket.close_code().await, 4401);
    let people = app
        .gql(
            Some(&manager),
            "{ people(filter: { search: \"Ghost\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(people.data()["people"]["totalCount"], 0);
}

#[tokio::test]
async fn messages_obey_the_request_limits() {
    let app = TestApp::with_config(|c| {
        c.max_body_bytes = 64 * 1024;
        c.max_depth = 6;
    })
    .await;
    let addr = app.serve().await;

    // Too deep for the schema's limit: refused like on HTTP, with a code.
    let mut socket = WsClient::connect(addr, None).await;
    socket
        .subscribe(
            "deep",
            "{ institutions { edges { node { technologies { edges { node { owner { slug } } } } } } } }",
            json!({}),
        )
        .await;
    match socket.next().await {
        Frame::Json(v) => {
            let errors = if v["type"] == "error" {
                &v["payload"]
            } else {
                &v["payload"]["errors"]
            };
            assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{v}");
        }
        other => panic!("expected an error, got {other:?}"),
    }

    // A message over the size limit closes the socket instead of being answered.
    let huge = format!(
        r#"{{"id":"big","type":"subscribe","payload":{{"query":"{{ __typename }} #{}"}}}}"#,
        "x".repeat(128 * 1024)
    );
    socket.send_text(huge).await;
    let code = socket.close_code().await;
    assert!(code == 1009 || code == 1006, "closed with {code}");
}

const UPDATE_TECHNOLOGY: &str = "mutation($input: UpdateTechnologyInput!) { updateTechnology(input: $input) { technology { version } } }";

/// sumhs discloses a PUBLIC technology; returns its id.
async fn public_technology(app: &TestApp, reference: &str) -> String {
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            CREATE_TECHNOLOGY,
            json!({ "i": { "reference": reference, "title": "Open sepsis assay", "summary": "s", "field": "DIAGNOSTICS", "trl": 4, "visibility": "PUBLIC" } }),
        )
        .await;
    r.data()["createTechnology"]["technology"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A technology turned CONFIDENTIAL stops reaching an outsider's socket: each event is re-read
/// under the subscriber's policy at delivery.
#[tokio::test]
async fn a_technology_turned_confidential_stops_reaching_outsiders() {
    let app = app().await;
    let addr = app.serve().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    let institution_id = |slug: &'static str| {
        let app = &app;
        async move {
            app.anon(&format!("{{ institution(slug: \"{slug}\") {{ id }} }}"))
                .await
                .data()["institution"]["id"]
                .clone()
        }
    };
    let (sumhs_id, bg_id) = (institution_id("sumhs").await, institution_id("bg").await);
    let of_owner = "subscription($owner: ID) { technologyChanged(ownerId: $owner) { action technology { reference title visibility } } }";

    let mut bg_socket = WsClient::connect(addr, Some(&bg)).await;
    bg_socket
        .subscribe("it", of_owner, json!({ "owner": sumhs_id }))
        .await;
    bg_socket
        .subscribe("mine", of_owner, json!({ "owner": bg_id }))
        .await;
    listening(&app.events, 2).await;

    let tech = public_technology(&app, "SUMHS-2026-801").await;
    let (id, payload) = bg_socket.next_payload().await;
    assert_eq!(id, "it");
    assert_eq!(
        payload["data"]["technologyChanged"]["action"],
        "technology.create"
    );

    let update = |version: i32, changes: Value| {
        let mut input = json!({ "id": tech, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(changes.as_object().unwrap().clone());
        json!({ "input": input })
    };
    app.gql(
        Some(&sumhs),
        UPDATE_TECHNOLOGY,
        update(1, json!({ "title": "Open sepsis assay v2" })),
    )
    .await
    .data();
    let (id, payload) = bg_socket.next_payload().await;
    assert_eq!(id, "it");
    assert_eq!(
        payload["data"]["technologyChanged"]["technology"],
        json!({ "reference": "SUMHS-2026-801", "title": "Open sepsis assay v2", "visibility": "PUBLIC" })
    );

    app.gql(
        Some(&sumhs),
        UPDATE_TECHNOLOGY,
        update(
            2,
            json!({ "visibility": "CONFIDENTIAL", "title": "Secret v3" }),
        ),
    )
    .await
    .data();
    // bg's next message is its own later disclosure: the confidential change never came.
    app.gql(
        Some(&bg),
        CREATE_TECHNOLOGY,
        json!({ "i": { "reference": "BG-2026-778", "title": "t", "summary": "s", "field": "OTHER", "trl": 2 } }),
    )
    .await
    .data();
    let (id, payload) = bg_socket.next_payload().await;
    assert_eq!(id, "mine", "bg heard of a confidential change: {payload}");
    assert_eq!(
        payload["data"]["technologyChanged"]["technology"]["reference"],
        "BG-2026-778"
    );
}

/// Two instances on one database: a change made through instance A reaches a subscriber of
/// instance B (PostgreSQL: `LISTEN/NOTIFY`; SQLite: both read the same event log).
#[tokio::test]
async fn a_change_on_one_instance_reaches_a_subscriber_on_another() {
    let app = app().await;
    let (addr_b, events_b) = app.serve_second_instance().await;
    let unibl = app.user_token("member@unibl.example").await;

    let mut socket = WsClient::connect(addr_b, Some(&unibl)).await;
    socket.subscribe("t", TECHNOLOGIES, json!({})).await;
    listening(&events_b, 1).await;

    // Through instance A (the test's router).
    public_technology(&app, "SUMHS-2026-802").await;
    let (_, payload) = socket.next_payload().await;
    let change = &payload["data"]["technologyChanged"];
    assert_eq!(change["action"], "technology.create");
    assert_eq!(change["technology"]["reference"], "SUMHS-2026-802");
}

/// PostgreSQL: when the listener's connection is lost (here its backend is terminated), the
/// instance listens again and reads the audit events committed meanwhile, so its subscribers
/// miss none. The lost event is an audit row written without its `NOTIFY`, as happens to one
/// committed while nobody listened; without the catch-up, it would never arrive.
#[tokio::test]
async fn events_committed_while_the_listener_was_down_are_caught_up() {
    use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, Set, Statement};

    let app = app().await;
    if app.db.get_database_backend() != DbBackend::Postgres {
        eprintln!("PostgreSQL only: SQLite reads the event log itself");
        return;
    }
    let addr = app.serve().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let mut socket = WsClient::connect(addr, Some(&sumhs)).await;
    socket.subscribe("t", TECHNOLOGIES, json!({})).await;
    listening(&app.events, 1).await;

    // A change whose notification is lost…
    let r = app
        .gql(
            Some(&sumhs),
            r#"{ technology(reference: "SUMHS-2025-001") { id } }"#,
            json!({}),
        )
        .await;
    let global = r.data()["technology"]["id"].as_str().unwrap().to_owned();
    let technology = biobridge::graphql::ids::decode(&global).unwrap().1;
    entity::audit_event::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        at: Set(chrono::Utc::now()),
        actor_user_id: Set(None),
        actor_label: Set("operator".into()),
        institution_id: Set(Some(app.institution_id("sumhs").await)),
        action: Set("technology.update".into()),
        entity_type: Set("Technology".into()),
        entity_id: Set(technology),
        changes: Set(json!({})),
    }
    .insert(&app.db)
    .await
    .unwrap();
    // …and the listener's connection cut.
    let cut = app
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        ))
        .await
        .unwrap();
    assert_eq!(cut.len(), 1, "one listener to cut");

    let (_, payload) = socket.next_payload().await;
    let change = &payload["data"]["technologyChanged"];
    assert_eq!(change["action"], "technology.update", "{payload}");
    assert_eq!(change["technology"]["reference"], "SUMHS-2025-001");
    // Listening again: a change made now arrives, once.
    public_technology(&app, "SUMHS-2026-803").await;
    let (_, payload) = socket.next_payload().await;
    let change = &payload["data"]["technologyChanged"];
    assert_eq!(change["action"], "technology.create", "{payload}");
    assert_eq!(change["technology"]["reference"], "SUMHS-2026-803");
}
