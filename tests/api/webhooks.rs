//! Webhooks, tried against a receiver in the suite (an HTTP server on a local port, allowed by
//! `BIOBRIDGE_WEBHOOK_ALLOW_HOSTS`): signatures verify, events leave only after commit, a
//! receiver that was down gets them when it returns, an institution hears only of what it may
//! see, two instances deliver each event once, and the SSRF rules hold.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU16, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri, header},
    response::IntoResponse,
    routing::post,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{deals::demo_licence, support::TestApp};

const CREATE: &str = "mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url events active version institution { slug } } } }";
const UPDATE: &str = "mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { id url events active version } } }";
const DELETE: &str = "mutation($id: ID!) { deleteWebhook(input: { id: $id }) { deletedId } }";
const ROTATE: &str = "mutation($id: ID!) { rotateWebhookSecret(input: { id: $id }) { secret webhook { previousSecretExpiresAt } } }";
const REDELIVER: &str = "mutation($id: ID!) { redeliverWebhook(input: { deliveryId: $id }) { delivery { id status } } }";
const WEBHOOKS: &str = "{ webhooks { totalCount edges { node { id url institution { slug } } } } }";
const DELIVERIES: &str = "query($hook: ID) { webhookDeliveries(filter: { webhookId: $hook }) { totalCount edges { node { id eventId eventKind action objectId status attemptCount lastStatusCode lastError occurredAt nextAttemptAt createdAt deliveredAt attempts { attempt at statusCode latencyMs error } } } } }";
const CREATE_TECHNOLOGY: &str =
    "mutation($i: CreateTechnologyInput!) { createTechnology(input: $i) { technology { id } } }";
const UPDATE_TECHNOLOGY: &str = "mutation($i: UpdateTechnologyInput!) { updateTechnology(input: $i) { technology { id version } } }";
const SUBMIT: &str = "mutation($input: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $input) { royaltyReport { id } } }";
const DECIDE: &str = "mutation($input: DecideRoyaltyReportInput!) { decideRoyaltyReport(input: $input) { royaltyReport { status } } }";

/// How long a test waits for a delivery before it fails (a guard, not a measurement).
const PATIENCE: Duration = Duration::from_secs(20);

// ---- The receiver -------------------------------------------------------------------------

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Inbox {
    requests: Mutex<Vec<Received>>,
    /// The status it answers with: 200 when up; 503 while "down"; 307 to redirect.
    answer: AtomicU16,
}

/// A webhook receiver on a local port.
struct Receiver {
    inbox: Arc<Inbox>,
    url: String,
}

impl Receiver {
    async fn start() -> Receiver {
        let inbox = Arc::new(Inbox::default());
        inbox.answer.store(200, Ordering::SeqCst);
        let app = Router::new()
            .route("/{*path}", post(receive))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            inbox,
            url: format!("http://{addr}/hooks/biobridge"),
        }
    }

    fn answer(&self, status: u16) {
        self.inbox.answer.store(status, Ordering::SeqCst);
    }

    fn received(&self) -> Vec<Received> {
        self.inbox.requests.lock().unwrap().clone()
    }

    /// Waits until a request answered with 200 carries `data.entityId == entity`.
    async fn wait_for(&self, entity: &str) -> Received {
        tokio::time::timeout(PATIENCE, async {
            loop {
                if let Some(r) = self
                    .received()
                    .into_iter()
                    .find(|r| r.json()["data"]["entityId"] == entity)
                {
                    return r;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap_or_else(|_| {
            panic!(
                "no delivery about {entity} arrived; got {:?}",
                self.bodies()
            )
        })
    }

    async fn wait_for_count(&self, n: usize) {
        tokio::time::timeout(PATIENCE, async {
            while self.received().len() < n {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{n} deliveries did not arrive; got {:?}", self.bodies()));
    }

    fn bodies(&self) -> Vec<Value> {
        self.received().iter().map(Received::json).collect()
    }
}

async fn receive(
    State(inbox): State<Arc<Inbox>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let answer = inbox.answer.load(Ordering::SeqCst);
    let path = uri.path().to_owned();
    if path.ends_with("/redirected") {
        // A redirect that was followed: record it, so the test can see it never happens.
        inbox.requests.lock().unwrap().push(Received {
            path,
            headers,
            body,
        });
        return (StatusCode::OK, HeaderMap::new());
    }
    let status = StatusCode::from_u16(answer).unwrap();
    let mut out = HeaderMap::new();
    if status == StatusCode::TEMPORARY_REDIRECT {
        out.insert(header::LOCATION, "/hooks/redirected".parse().unwrap());
    }
    if status == StatusCode::OK {
        inbox.requests.lock().unwrap().push(Received {
            path,
            headers,
            body,
        });
    }
    (status, out)
}

/// Verifies a `webhook-signature` header as a receiver would (Standard Webhooks), written here
/// independently of the server's code: some `v1,` signature must equal
/// base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
fn signature_verifies(secret: &str, r: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(r.header("webhook-id").as_bytes());
    mac.update(b".");
    mac.update(r.header("webhook-timestamp").as_bytes());
    mac.update(b".");
    mac.update(&r.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    r.header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

// ---- Helpers --------------------------------------------------------------------------------

/// The app with the receivers' address allowed, and quick retries.
async fn app() -> TestApp {
    TestApp::with_config(fast).await
}

fn fast(c: &mut biobridge::config::Config) {
    c.webhook_allow_hosts = vec!["127.0.0.1".into()];
    c.webhook_retry_base_ms = 100;
    c.webhook_retry_max_secs = 1;
    c.webhook_poll_ms = 50;
}

/// An INSTITUTION_ADMIN of `slug` (bg has none in the demo data), signed in.
async fn admin_of(app: &TestApp, slug: &str) -> String {
    let email = format!("webhook-admin@{slug}.example");
    let now = chrono::Utc::now();
    entity::user::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        institution_id: Set(Some(app.institution_id(slug).await)),
        organization_id: Set(None),
        email: Set(email.clone()),
        display_name: Set(format!("{slug} webhook admin")),
        role: Set(entity::enums::Role::InstitutionAdmin),
        password_hash: Set("not-a-hash".into()),
        disabled_at: Set(None),
        tokens_valid_after: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
    app.user_token(&email).await
}

/// Registers a webhook; returns (its id, its secret).
async fn register(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (String, String) {
    let r = app
        .gql(
            Some(admin),
            CREATE,
            json!({ "input": { "url": url, "events": events, "description": "ERP" } }),
        )
        .await;
    let created = &r.data()["createWebhook"];
    (
        created["webhook"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// Creates a technology as `token`; returns its UUID (as webhooks name it) and its global id.
async fn create_technology(
    app: &TestApp,
    token: &str,
    reference: &str,
    visibility: &str,
) -> (String, String) {
    let r = app
        .gql(
            Some(token),
            CREATE_TECHNOLOGY,
            json!({ "i": { "reference": reference, "title": "t", "summary": "s", "field": "OTHER",
                           "trl": 2, "visibility": visibility } }),
        )
        .await;
    let id = r.data()["createTechnology"]["technology"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (uuid_of(&id), id)
}

/// The UUID inside a global id.
fn uuid_of(global: &str) -> String {
    let raw = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(global)
            .unwrap(),
    )
    .unwrap();
    raw.split_once(':').unwrap().1.to_owned()
}

async fn deliveries(app: &TestApp, token: &str, hook: &str) -> Vec<Value> {
    let r = app
        .gql(Some(token), DELIVERIES, json!({ "hook": hook }))
        .await;
    let nodes: Vec<Value> = r.data()["webhookDeliveries"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    // Deliveries and attempts keep the API's one time precision (see `timestamps`, which
    // cannot make deliveries of its own).
    for d in &nodes {
        let mut times = vec![
            &d["occurredAt"],
            &d["nextAttemptAt"],
            &d["createdAt"],
            &d["deliveredAt"],
        ];
        times.extend(
            d["attempts"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| &a["at"]),
        );
        for t in times.into_iter().filter(|t| !t.is_null()) {
            assert!(
                crate::timestamps::is_micros(t.as_str().unwrap_or_default()),
                "not to the microsecond: {t} in {d}"
            );
        }
    }
    nodes
}

/// Waits until `check` holds for the webhook's deliveries.
async fn wait_deliveries(
    app: &TestApp,
    token: &str,
    hook: &str,
    check: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    tokio::time::timeout(PATIENCE, async {
        loop {
            let found = deliveries(app, token, hook).await;
            if check(&found) {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("the deliveries never reached the expected state"))
}

// ---- Tests ----------------------------------------------------------------------------------

/// A signed event reaches the endpoint after the commit, with the Standard Webhooks headers,
/// and the delivery log shows it; changes that were rolled back or refused send nothing.
#[tokio::test]
async fn a_signed_event_arrives_after_commit_and_never_after_a_rollback() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let manager = app.user_token("manager@sumhs.example").await;
    let member = app.user_token("member@sumhs.example").await;
    let (hook, secret) = register(&app, &manager, &receiver.url, &["TECHNOLOGY_CHANGED"]).await;
    assert!(secret.starts_with("whsec_"), "{secret}");

    // Rolled back: the change's audit event (and so its outbox row) is written, then the
    // transaction is abandoned — as any mutation failing after its writes would be.
    let rolled_back = {
        use sea_orm::TransactionTrait;
        let owner = app.institution_id("sumhs").await;
        let txn = app.db.begin().await.unwrap();
        let ghost = uuid::Uuid::now_v7();
        let principal = biobridge::auth::Principal::anonymous();
        biobridge::service::audit::record(
            &txn,
            &principal,
            Some(owner),
            "technology.update",
            "Technology",
            ghost,
            json!({}),
        )
        .await
        .unwrap();
        txn.rollback().await.unwrap();
        ghost.to_string()
    };
    // Refused: an update based on a stale version.
    let (tech, tech_id) = create_technology(&app, &member, "SUMHS-2026-901", "PUBLIC").await;
    let stale = app
        .gql(
            Some(&member),
            UPDATE_TECHNOLOGY,
            json!({ "i": { "id": tech_id, "expectedVersion": 99, "title": "never" } }),
        )
        .await;
    assert_eq!(stale.code(), "CONFLICT");

    let got = receiver.wait_for(&tech).await;
    assert_eq!(got.path, "/hooks/biobridge");
    assert_eq!(got.header("content-type"), "application/json");
    assert!(signature_verifies(&secret, &got), "the signature verifies");
    assert!(!signature_verifies(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        &got
    ));
    let sent_at: i64 = got.header("webhook-timestamp").parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
    let body = got.json();
    assert_eq!(body["type"], "technology.changed");
    assert_eq!(body["data"]["action"], "technology.create");
    assert_eq!(body["data"]["entityType"], "Technology");
    assert_eq!(body["data"]["id"], tech_id.as_str());
    assert_eq!(got.header("webhook-id"), body["data"]["eventId"]);

    // Nothing else came: not the rolled-back change, not the refused update.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(bodies.iter().all(|b| b["data"]["entityId"] != rolled_back));

    // The delivery log.
    let log = wait_deliveries(&app, &manager, &hook, |d| {
        d.len() == 1 && d[0]["status"] == "DELIVERED"
    })
    .await;
    let d = &log[0];
    assert_eq!(d["eventKind"], "TECHNOLOGY_CHANGED");
    assert_eq!(d["objectId"], tech_id.as_str());
    assert_eq!(d["eventId"], body["data"]["eventId"]);
    assert_eq!(d["attemptCount"], 1);
    assert_eq!(d["lastStatusCode"], 200);
    assert_eq!(d["attempts"][0]["statusCode"], 200);
    assert!(d["attempts"][0]["latencyMs"].as_i64().unwrap() >= 0);
    assert!(d["attempts"][0]["error"].is_null());

    // A replay sends the same event again (same webhook-id), and is logged as a second attempt.
    app.gql(Some(&manager), REDELIVER, json!({ "id": d["id"] }))
        .await
        .data();
    receiver.wait_for_count(2).await;
    let again = &receiver.received()[1];
    assert_eq!(again.header("webhook-id"), got.header("webhook-id"));
    assert!(signature_verifies(&secret, again));
    wait_deliveries(&app, &manager, &hook, |d| {
        d[0]["attemptCount"] == 2 && d[0]["status"] == "DELIVERED"
    })
    .await;
}

/// A receiver that answers 503 for a while gets the event once it is back; every attempt is in
/// the log, with the same `webhook-id`.
#[tokio::test]
async fn a_receiver_that_was_down_gets_the_event_when_it_returns() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.answer(503);
    let manager = app.user_token("manager@sumhs.example").await;
    let member = app.user_token("member@sumhs.example").await;
    let (hook, secret) = register(&app, &manager, &receiver.url, &["TECHNOLOGY_CHANGED"]).await;
    let (tech, _) = create_technology(&app, &member, "SUMHS-2026-902", "PUBLIC").await;

    let log = wait_deliveries(&app, &manager, &hook, |d| {
        d.len() == 1 && d[0]["attemptCount"].as_i64().unwrap_or(0) >= 3
    })
    .await;
    assert_eq!(log[0]["status"], "PENDING");
    assert_eq!(log[0]["lastStatusCode"], 503);
    assert!(
        log[0]["lastError"].as_str().unwrap().contains("503"),
        "{log:?}"
    );
    assert!(receiver.received().is_empty());

    receiver.answer(200);
    let got = receiver.wait_for(&tech).await;
    assert!(signature_verifies(&secret, &got));
    let log = wait_deliveries(&app, &manager, &hook, |d| d[0]["status"] == "DELIVERED").await;
    let attempts = log[0]["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 4, "{attempts:?}");
    assert!(
        attempts[..attempts.len() - 1]
            .iter()
            .all(|a| a["statusCode"] == 503)
    );
    assert_eq!(attempts.last().unwrap()["statusCode"], 200);
    let numbers: Vec<i64> = attempts
        .iter()
        .map(|a| a["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=attempts.len() as i64).collect::<Vec<_>>());
}

/// After the retry window, a delivery is given up and marked FAILED.
#[tokio::test]
async fn retries_end_with_the_window() {
    let app = TestApp::with_config(|c| {
        fast(c);
        c.webhook_retry_window_secs = 1;
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let manager = app.user_token("manager@sumhs.example").await;
    let member = app.user_token("member@sumhs.example").await;
    let (hook, _) = register(&app, &manager, &receiver.url, &["TECHNOLOGY_CHANGED"]).await;
    create_technology(&app, &member, "SUMHS-2026-903", "PUBLIC").await;
    let log = wait_deliveries(&app, &manager, &hook, |d| {
        d.len() == 1 && d[0]["status"] == "FAILED"
    })
    .await;
    assert!(log[0]["attemptCount"].as_i64().unwrap() >= 2);
    assert_eq!(log[0]["lastStatusCode"], 500);
}

/// bg's webhook hears nothing of sumhs's confidential technology, nor of the royalty report of
/// a deal it is no party to; unibl's hears the provider's decision on its report.
#[tokio::test]
async fn an_institution_hears_only_of_what_it_may_see() {
    let app = app().await;
    let (bg_inbox, unibl_inbox) = (Receiver::start().await, Receiver::start().await);
    let bg_admin = admin_of(&app, "bg").await;
    let unibl_admin = app.user_token("manager@unibl.example").await;
    let all = [
        "DEAL_CHANGED",
        "ROYALTY_REPORT_CHANGED",
        "INCOME_RECORDED",
        "TECHNOLOGY_CHANGED",
        "IP_ASSET_CHANGED",
        "ENROLLMENT_CHANGED",
    ];
    let (bg_hook, _) = register(&app, &bg_admin, &bg_inbox.url, &all).await;
    let (_, unibl_secret) = register(&app, &unibl_admin, &unibl_inbox.url, &all).await;

    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;
    let (secret_tech, _) = create_technology(&app, &sumhs, "SUMHS-2026-904", "CONFIDENTIAL").await;
    // A public technology: bg hears of it, until it is turned confidential.
    let (turned, turned_id) = create_technology(&app, &sumhs, "SUMHS-2026-905", "PUBLIC").await;
    bg_inbox.wait_for(&turned).await;
    for (version, change) in [
        (1, json!({ "visibility": "CONFIDENTIAL" })),
        (2, json!({ "title": "Now for sumhs's eyes only" })),
    ] {
        let mut input = json!({ "id": turned_id, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        app.gql(Some(&sumhs), UPDATE_TECHNOLOGY, json!({ "i": input }))
            .await
            .data();
    }

    // The demo licence (sumhs → unibl): unibl submits, sumhs decides.
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let r = app
        .gql(
            Some(&unibl),
            SUBMIT,
            json!({ "input": {
                "dealId": deal, "periodStart": "2026-07-01", "periodEnd": "2026-12-31",
                "netSales": { "amount": "100000.00", "currency": "EUR" },
                "royaltyDue": { "amount": "3500.00", "currency": "EUR" } } }),
        )
        .await;
    let report = r.data()["submitRoyaltyReport"]["royaltyReport"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.gql(
        Some(&sumhs),
        DECIDE,
        json!({ "input": { "id": report, "status": "ACCEPTED" } }),
    )
    .await
    .data();

    // unibl hears the decision, signed with its secret.
    let decided = tokio::time::timeout(PATIENCE, async {
        loop {
            if let Some(r) = unibl_inbox
                .received()
                .into_iter()
                .find(|r| r.json()["data"]["action"] == "royaltyReport.decide")
            {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("unibl hears the decision");
    assert_eq!(decided.json()["data"]["id"], report.as_str());
    assert!(signature_verifies(&unibl_secret, &decided));

    // bg's marker: its own change, which it may see, comes after all of the above.
    let (marker, _) = create_technology(&app, &bg, "BG-2026-906", "CONFIDENTIAL").await;
    bg_inbox.wait_for(&marker).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let heard: Vec<Value> = bg_inbox.bodies();
    let report_uuid = uuid_of(&report);
    for body in &heard {
        let about = body["data"]["entityId"].as_str().unwrap();
        assert!(
            about != secret_tech && about != report_uuid,
            "bg heard of something it may not see: {body}"
        );
        assert_ne!(body["type"], "royaltyReport.changed", "{body}");
    }
    let of_turned: Vec<&Value> = heard
        .iter()
        .filter(|b| b["data"]["entityId"] == turned.as_str())
        .collect();
    assert_eq!(
        of_turned.len(),
        1,
        "only while it was public: {of_turned:?}"
    );
    assert_eq!(of_turned[0]["data"]["action"], "technology.create");
    // Its delivery log holds only what it was sent.
    let log = deliveries(&app, &bg_admin, &bg_hook).await;
    assert_eq!(log.len(), heard.len(), "{log:?}");
    // unibl, no party to sumhs's confidential technology, heard nothing of it either.
    assert!(
        unibl_inbox
            .bodies()
            .iter()
            .all(|b| b["data"]["entityId"] != secret_tech)
    );
}

/// Only the institution's admins manage its webhooks; center admins read them all; nobody else
/// learns of them. Changes are audited, the secret never.
#[tokio::test]
async fn webhooks_are_managed_by_their_institutions_admins_only() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let manager = app.user_token("manager@sumhs.example").await;
    let member = app.user_token("member@sumhs.example").await;
    let unibl_admin = app.user_token("manager@unibl.example").await;
    let center = app.user_token("admin@center.example").await;
    let input = json!({ "input": { "url": receiver.url, "events": ["DEAL_CHANGED"] } });

    for (who, token) in [("member", &member), ("center admin", &center)] {
        let r = app.gql(Some(token), CREATE, input.clone()).await;
        assert_eq!(r.code(), "FORBIDDEN", "{who}: {}", r.body);
    }
    assert_eq!(
        app.gql(None, CREATE, input.clone()).await.code(),
        "UNAUTHENTICATED"
    );

    let (hook, secret) = register(&app, &manager, &receiver.url, &["DEAL_CHANGED"]).await;
    let r = app.gql(Some(&manager), WEBHOOKS, json!({})).await;
    assert_eq!(r.data()["webhooks"]["totalCount"], 1);
    let r = app.gql(Some(&center), WEBHOOKS, json!({})).await;
    assert_eq!(r.data()["webhooks"]["totalCount"], 1);
    for token in [&unibl_admin, &member] {
        let r = app.gql(Some(token), WEBHOOKS, json!({})).await;
        assert_eq!(r.data()["webhooks"]["totalCount"], 0, "{}", r.body);
        let r = app
            .gql(Some(token), DELIVERIES, json!({ "hook": hook }))
            .await;
        assert_eq!(r.data()["webhookDeliveries"]["totalCount"], 0);
    }
    // Another institution's admin cannot tell it exists.
    let update = json!({ "input": { "id": hook, "expectedVersion": 1, "active": false } });
    for (query, vars) in [
        (UPDATE, update.clone()),
        (DELETE, json!({ "id": hook })),
        (ROTATE, json!({ "id": hook })),
    ] {
        let r = app.gql(Some(&unibl_admin), query, vars).await;
        assert_eq!(r.code(), "NOT_FOUND", "{}", r.body);
    }
    // The center admin sees it but does not manage it.
    let r = app.gql(Some(&center), ROTATE, json!({ "id": hook })).await;
    assert_eq!(r.code(), "FORBIDDEN");

    // Updates are versioned and checked.
    let r = app
        .gql(
            Some(&manager),
            UPDATE,
            json!({ "input": { "id": hook, "expectedVersion": 1, "events": ["DEAL_CHANGED", "INCOME_RECORDED"], "description": "ERP sync" } }),
        )
        .await;
    assert_eq!(
        r.data()["updateWebhook"]["webhook"]["events"],
        json!(["DEAL_CHANGED", "INCOME_RECORDED"])
    );
    let r = app.gql(Some(&manager), UPDATE, update.clone()).await;
    assert_eq!(r.code(), "CONFLICT");
    let r = app
        .gql(
            Some(&manager),
            UPDATE,
            json!({ "input": { "id": hook, "expectedVersion": 2, "events": [] } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "events");

    // Rotation: a new secret, the old one in its grace period.
    let r = app.gql(Some(&manager), ROTATE, json!({ "id": hook })).await;
    let rotated = r.data()["rotateWebhookSecret"].clone();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);
    assert!(rotated["webhook"]["previousSecretExpiresAt"].is_string());

    // The trail names every change and holds no secret.
    let r = app
        .gql(
            Some(&manager),
            "{ auditEvents(first: 20) { edges { node { action changes } } } }",
            json!({}),
        )
        .await;
    let trail = r.data()["auditEvents"].to_string();
    for action in ["webhook.create", "webhook.update", "webhook.rotateSecret"] {
        assert!(trail.contains(action), "{action} missing from {trail}");
    }
    assert!(!trail.contains(&secret) && !trail.contains(new_secret));

    let r = app.gql(Some(&manager), DELETE, json!({ "id": hook })).await;
    assert_eq!(r.data()["deleteWebhook"]["deletedId"], hook.as_str());
    let r = app.gql(Some(&manager), WEBHOOKS, json!({})).await;
    assert_eq!(r.data()["webhooks"]["totalCount"], 0);
}

/// After a rotation, deliveries are signed with both secrets until the old one expires.
#[tokio::test]
async fn after_a_rotation_both_secrets_verify() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let manager = app.user_token("manager@sumhs.example").await;
    let member = app.user_token("member@sumhs.example").await;
    let (hook, old) = register(&app, &manager, &receiver.url, &["TECHNOLOGY_CHANGED"]).await;
    let r = app.gql(Some(&manager), ROTATE, json!({ "id": hook })).await;
    let new = r.data()["rotateWebhookSecret"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let (tech, _) = create_technology(&app, &member, "SUMHS-2026-907", "PUBLIC").await;
    let got = receiver.wait_for(&tech).await;
    assert_eq!(got.header("webhook-signature").split(' ').count(), 2);
    assert!(signature_verifies(&new, &got) && signature_verifies(&old, &got));
}

/// Two instances on one database (each with its own pool and worker) deliver each event once.
#[tokio::test]
async fn two_instances_deliver_each_event_exactly_once() {
    let app = app().await;
    let (_second, _) = app.serve_second_instance().await;
    let receiver = Receiver::start().await;
    let manager = app.user_token("manager@sumhs.example").await;
    let member = app.user_token("member@sumhs.example").await;
    register(&app, &manager, &receiver.url, &["TECHNOLOGY_CHANGED"]).await;
    const N: usize = 12;
    let mut expected = Vec::new();
    for i in 0..N {
        let (tech, _) =
            create_technology(&app, &member, &format!("SUMHS-2026-95{i:02}"), "PUBLIC").await;
        expected.push(tech);
    }
    receiver.wait_for_count(N).await;
    // Time for a duplicate to show up, had any instance sent one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = receiver.received();
    let mut ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(got.len(), N, "{:?}", receiver.bodies());
    assert_eq!(ids.len(), N);
    let mut about: Vec<String> = got
        .iter()
        .map(|r| r.json()["data"]["entityId"].as_str().unwrap().to_owned())
        .collect();
    about.sort();
    expected.sort();
    assert_eq!(about, expected);
}

/// SSRF: internal addresses and non-http(s) schemes are refused at registration, `http` in
/// production; an address that became internal after registration is refused at delivery;
/// redirects are not followed.
#[tokio::test]
async fn webhooks_go_to_public_addresses_only() {
    // No allow-list here.
    let app = TestApp::with_config(|c| {
        fast(c);
        c.webhook_allow_hosts = Vec::new();
    })
    .await;
    let manager = app.user_token("manager@sumhs.example").await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/x",
        "http://192.168.1.1/x",
        "http://[fd00::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://0.0.0.0/x",
        "http://2130706433/x",
        "ftp://hooks.example/x",
        "https://user:pass@hooks.example/x",
        "not a url",
    ] {
        let r = app
            .gql(
                Some(&manager),
                CREATE,
                json!({ "input": { "url": url, "events": ["DEAL_CHANGED"] } }),
            )
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{url}: {}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "url", "{url}");
    }

    // Production: https only, even where the address is allowed.
    let prod = TestApp::with_config(|c| {
        fast(c);
        c.env = biobridge::config::Environment::Production;
    })
    .await;
    let manager_prod = prod.user_token("manager@sumhs.example").await;
    let r = prod
        .gql(
            Some(&manager_prod),
            CREATE,
            json!({ "input": { "url": "http://127.0.0.1:9/x", "events": ["DEAL_CHANGED"] } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("https")
    );

    // A webhook whose address is internal at delivery (as after a DNS change) is not sent to.
    let receiver = Receiver::start().await;
    let now = chrono::Utc::now();
    let sumhs = app.institution_id("sumhs").await;
    let creator = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entity::user::Entity::find()
            .filter(entity::user::Column::Email.eq("manager@sumhs.example"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let hook = uuid::Uuid::now_v7();
    entity::webhook::ActiveModel {
        id: Set(hook),
        institution_id: Set(sumhs),
        // By name: the resolver's answer is checked at delivery, as after a DNS change.
        url: Set(receiver.url.replace("127.0.0.1", "localhost")),
        description: Set(String::new()),
        events: Set(json!(["TECHNOLOGY_CHANGED"])),
        active: Set(true),
        secret: Set(biobridge::service::webhooks::signing::generate_secret()),
        previous_secret: Set(None),
        previous_secret_expires_at: Set(None),
        created_by: Set(creator),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let member = app.user_token("member@sumhs.example").await;
    create_technology(&app, &member, "SUMHS-2026-908", "PUBLIC").await;
    let hook_id =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Webhook:{hook}"));
    let log = wait_deliveries(&app, &manager, &hook_id, |d| {
        d.len() == 1 && d[0]["attemptCount"].as_i64().unwrap_or(0) >= 1
    })
    .await;
    let error = log[0]["attempts"][0]["error"].as_str().unwrap();
    assert!(error.contains("private network"), "{error}");
    assert!(log[0]["attempts"][0]["statusCode"].is_null());
    assert!(receiver.received().is_empty());

    // Redirects are not followed.
    let allowed = app_with_redirecting_receiver().await;
    let (app, receiver, manager, hook) = (&allowed.0, &allowed.1, &allowed.2, &allowed.3);
    let member = app.user_token("member@sumhs.example").await;
    create_technology(app, &member, "SUMHS-2026-909", "PUBLIC").await;
    let log = wait_deliveries(app, manager, hook, |d| {
        d.len() == 1 && d[0]["attemptCount"].as_i64().unwrap_or(0) >= 1
    })
    .await;
    assert_eq!(log[0]["attempts"][0]["statusCode"], 307);
    assert!(
        log[0]["attempts"][0]["error"]
            .as_str()
            .unwrap()
            .contains("redirect")
    );
    assert!(receiver.received().is_empty(), "the redirect was followed");
}

async fn app_with_redirecting_receiver() -> (TestApp, Receiver, String, String) {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver.answer(307);
    let manager = app.user_token("manager@sumhs.example").await;
    let (hook, _) = register(&app, &manager, &receiver.url, &["TECHNOLOGY_CHANGED"]).await;
    (app, receiver, manager, hook)
}

/// Registration input is checked field by field, and a paused webhook is sent nothing.
#[tokio::test]
async fn bad_input_is_refused_and_paused_webhooks_hear_nothing() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let manager = app.user_token("manager@sumhs.example").await;
    for (input, field) in [
        (json!({ "url": receiver.url, "events": [] }), "events"),
        (
            json!({ "url": receiver.url, "events": ["DEAL_CHANGED"], "description": "x".repeat(501) }),
            "description",
        ),
        (json!({ "url": "", "events": ["DEAL_CHANGED"] }), "url"),
    ] {
        let r = app
            .gql(Some(&manager), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }
    let r = app
        .gql(
            Some(&manager),
            CREATE,
            json!({ "input": { "url": receiver.url, "events": ["NO_SUCH_EVENT"] } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");

    let (hook, _) = register(&app, &manager, &receiver.url, &["TECHNOLOGY_CHANGED"]).await;
    app.gql(
        Some(&manager),
        UPDATE,
        json!({ "input": { "id": hook, "expectedVersion": 1, "active": false } }),
    )
    .await
    .data();
    let member = app.user_token("member@sumhs.example").await;
    create_technology(&app, &member, "SUMHS-2026-910", "PUBLIC").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(receiver.received().is_empty());
    assert!(deliveries(&app, &manager, &hook).await.is_empty());
}

/// The docket's reminders (`DEADLINE_REMINDER`) reach the webhooks of the asset's co-owners,
/// signed, naming the deadline and the asset; bg's webhook hears only of its own patent, never
/// of the PCT application sumhs and unibl co-own.
#[tokio::test]
async fn deadline_reminders_reach_only_the_co_owners_webhooks() {
    use crate::live_reminders::{deadline_id, granted_cn_patent, owned_by, remind, uuid_of};
    use biobridge::graphql::ids;

    let app = app().await;
    let (bg_inbox, unibl_inbox) = (Receiver::start().await, Receiver::start().await);
    let bg_admin = admin_of(&app, "bg").await;
    let unibl_admin = app.user_token("manager@unibl.example").await;
    let (bg_hook, _) = register(&app, &bg_admin, &bg_inbox.url, &["DEADLINE_REMINDER"]).await;
    let (_, unibl_secret) =
        register(&app, &unibl_admin, &unibl_inbox.url, &["DEADLINE_REMINDER"]).await;
    let bg = app.user_token("member@bg.example").await;
    let bg_patent = uuid_of(&granted_cn_patent(&app, &bg, "BG-2026-802").await);

    let sent = remind(&app, "2027-08-16").await;
    let unibl_owns = owned_by(&app, "unibl").await;
    let for_unibl: Vec<_> = sent
        .iter()
        .filter(|r| unibl_owns.contains(&r.ip_asset_id))
        .collect();
    let cn = for_unibl
        .iter()
        .find(|r| r.act == "PCT_NATIONAL_PHASE.CN")
        .unwrap_or_else(|| panic!("{sent:?}"));
    for r in &for_unibl {
        unibl_inbox.wait_for(&r.id.to_string()).await;
    }
    let got = unibl_inbox.wait_for(&cn.id.to_string()).await;
    assert!(signature_verifies(&unibl_secret, &got));
    let body = got.json();
    assert_eq!(body["type"], "deadline.reminder");
    let data = &body["data"];
    assert_eq!(data["action"], "ipAsset.deadlineReminder");
    assert_eq!(data["deadlineId"], deadline_id(cn).as_str());
    assert_eq!(
        data["ipAssetId"],
        ids::encode("IpAsset", cn.ip_asset_id).0.as_str()
    );
    assert_eq!(
        (&data["remindOn"], &data["dueOn"], &data["leadDays"]),
        (&json!("2027-08-16"), &json!("2027-09-15"), &json!(30))
    );
    // Each reminder once.
    assert_eq!(unibl_inbox.received().len(), for_unibl.len());

    // bg's marker: its own patent's next reminder, fanned out after everything of the first run.
    let later = remind(&app, "2027-09-08").await;
    let marker = later
        .iter()
        .find(|r| r.ip_asset_id == bg_patent)
        .unwrap_or_else(|| panic!("{later:?}"));
    bg_inbox.wait_for(&marker.id.to_string()).await;
    // bg's own assets: this patent, and the demo's EP application in grace.
    let bg_assets = super::live_reminders::owned_by(&app, "bg").await;
    let own: Vec<String> = sent
        .iter()
        .chain(&later)
        .filter(|r| bg_assets.contains(&r.ip_asset_id))
        .map(|r| ids::encode("DeadlineReminder", r.id).0)
        .collect();
    let log = deliveries(&app, &bg_admin, &bg_hook).await;
    assert!(log.len() >= 2, "{log:?}");
    for d in &log {
        assert_eq!(d["eventKind"], "DEADLINE_REMINDER");
        assert!(
            own.iter().any(|id| d["objectId"] == id.as_str()),
            "bg was owed a reminder of another's asset: {d}"
        );
    }
    for body in bg_inbox.bodies() {
        let asset = body["data"]["ipAssetId"].as_str().unwrap_or_default();
        assert!(
            bg_assets
                .iter()
                .any(|id| ids::encode("IpAsset", *id).0 == asset),
            "{body}"
        );
    }
}
