//! Every `DateTime` of the API has one precision — microseconds, six fractional digits, UTC —
//! on both databases, whether the value was written by the demo data, by a mutation a moment
//! ago, or given as input with more digits or another offset.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::TestApp;

/// Reads every object type's `DateTime` field, each object tagged with its `__typename`.
const EVERY_DATETIME: &str = r#"{
  institutions(first: 2) { edges { node { __typename createdAt updatedAt } } }
  technologies(first: 2) { edges { node { __typename createdAt updatedAt } } }
  people(first: 100) { edges { node { __typename createdAt updatedAt
    enrollments(first: 1) { edges { node { __typename decidedAt createdAt updatedAt } } } } } }
  deals(first: 20) { edges { node { __typename createdAt updatedAt
    events(first: 2) { edges { node { __typename at } } }
    royaltyReports(first: 2) { edges { node { __typename decidedAt createdAt } } }
    incomes(first: 2) { edges { node { __typename createdAt } } } } } }
  ipAssets(first: 2) { edges { node { __typename createdAt updatedAt } } }
  ventures(first: 2) { edges { node { __typename createdAt updatedAt } } }
  trainingPrograms(first: 2) { edges { node { __typename createdAt updatedAt } } }
  agreements(first: 2) { edges { node { __typename createdAt updatedAt } } }
  users(first: 2) { edges { node { __typename disabledAt createdAt updatedAt } } }
  apiTokens(first: 2) { edges { node { __typename expiresAt revokedAt lastUsedAt createdAt } } }
  auditEvents(first: 2) { edges { node { __typename at } } }
  rateLimit { __typename resetAt }
}"#;

/// Whether `s` is `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub(crate) fn is_micros(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b[i].is_ascii_digit());
    b.len() == 27
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'.'
        && digits(20..26)
        && b[26] == b'Z'
}

/// Every `(type, field)` whose value is a string in `v`, after checking it is a timestamp.
fn timestamps(v: &Value, found: &mut BTreeSet<(String, String)>, bad: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            let ty = map.get("__typename").and_then(Value::as_str).unwrap_or("?");
            for (k, field) in map {
                if k == "__typename" {
                    continue;
                }
                if field.is_string() || field.is_null() {
                    found.insert((ty.to_owned(), k.clone()));
                    if let Some(s) = field.as_str()
                        && !is_micros(s)
                    {
                        bad.push(format!("{ty}.{k} = {s}"));
                    }
                } else {
                    timestamps(field, found, bad);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| timestamps(i, found, bad)),
        _ => {}
    }
}

/// The `(type, field)` of every object type's field of type `DateTime` in the schema.
async fn datetime_fields(app: &TestApp) -> BTreeSet<(String, String)> {
    let r = app
        .anon("{ __schema { types { kind name fields { name type { name ofType { name } } } } } }")
        .await;
    let mut out = BTreeSet::new();
    for t in r.data()["__schema"]["types"].as_array().unwrap() {
        if t["kind"] != "OBJECT" {
            continue;
        }
        for f in t["fields"].as_array().into_iter().flatten() {
            let ty = &f["type"];
            if ty["name"] == "DateTime" || ty["ofType"]["name"] == "DateTime" {
                out.insert((
                    t["name"].as_str().unwrap().to_owned(),
                    f["name"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    out
}

#[tokio::test]
async fn every_datetime_field_has_microseconds() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    // Rows written now, with the clock's full precision: a login, an API token that is used,
    // a decided royalty report comes with the demo data.
    let r = app
        .gql(
            None,
            r#"mutation { login(input: { email: "manager@sumhs.example", password: "biobridge-demo" }) { __typename expiresAt } }"#,
            json!({}),
        )
        .await;
    let login = r.data()["login"].clone();
    assert!(is_micros(login["expiresAt"].as_str().unwrap()), "{login}");
    let manager = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&manager),
            r#"mutation { createApiToken(input: { name: "precision", scopes: ["technology:read"], expiresAt: "2027-01-01T01:00:00.1234567+02:00" }) { token apiToken { expiresAt createdAt } } }"#,
            json!({}),
        )
        .await;
    let created = r.data()["createApiToken"].clone();
    // Input with more digits and an offset: UTC, to the microsecond.
    assert_eq!(
        created["apiToken"]["expiresAt"],
        "2026-12-31T23:00:00.123456Z"
    );
    let token = created["token"].as_str().unwrap();
    app.gql(
        Some(token),
        "{ technologies(first: 1) { totalCount } }",
        json!({}),
    )
    .await
    .data();

    // Records the demo data has none of: a licensee invitation, a co-owners' proposal decided
    // by approval, a webhook whose secret was rotated.
    let mut found = BTreeSet::new();
    let mut bad = Vec::new();
    let unibl = app.user_token("manager@unibl.example").await;
    let deals = app
        .gql(
            Some(&unibl),
            "{ deals(first: 50) { nodes { id provider { slug } recipient { __typename } } } }",
            json!({}),
        )
        .await;
    let hemofarm = deals.data()["deals"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["provider"]["slug"] == "unibl"
                && d["recipient"]["__typename"] == "ExternalOrganization"
        })
        .map(|d| d["id"].clone())
        .expect("the demo's unibl licence to Hemofarm");
    let r = app
        .gql(
            Some(&unibl),
            "mutation($i: InviteLicenseeInput!) { inviteLicensee(input: $i) { __typename expiresAt licensee { __typename createdAt suspendedAt } } }",
            json!({ "i": { "dealId": hemofarm, "email": "precision@hemofarm.example", "displayName": "Precision" } }),
        )
        .await;
    timestamps(r.data(), &mut found, &mut bad);
    let pct = app
        .gql(
            Some(&manager),
            r#"{ ipAssets(first: 50) { nodes { id kind version owners(first: 5) { nodes { shareBasisPoints institution { id slug } } } } } }"#,
            json!({}),
        )
        .await;
    let joint = pct.data()["ipAssets"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            let owners = a["owners"]["nodes"].as_array().unwrap();
            owners.len() == 2 && owners.iter().any(|o| o["institution"]["slug"] == "unibl")
        })
        .cloned()
        .expect("the demo's sumhs/unibl co-owned asset");
    let sumhs = joint["owners"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["institution"]["slug"] == "sumhs")
        .unwrap()["institution"]["id"]
        .clone();
    let r = app
        .gql(
            Some(&manager),
            "mutation($i: ProposeIpOwnershipInput!) { proposeIpOwnership(input: $i) { change { id } } }",
            json!({ "i": { "ipAssetId": joint["id"], "owners": [{ "institutionId": sumhs, "shareBasisPoints": 10000 }] } }),
        )
        .await;
    let change = r.data()["proposeIpOwnership"]["change"]["id"].clone();
    let r = app
        .gql(
            Some(&unibl),
            "mutation($i: AnswerIpChangeInput!) { approveIpChange(input: $i) { change { __typename proposedAt decidedAt approvals { __typename decidedAt } } } }",
            json!({ "i": { "id": change } }),
        )
        .await;
    timestamps(r.data(), &mut found, &mut bad);
    let r = app
        .gql(
            Some(&manager),
            r#"mutation { createWebhook(input: { url: "https://93.184.215.14/hook", events: [TECHNOLOGY_CHANGED] }) { webhook { id } } }"#,
            json!({}),
        )
        .await;
    let hook = r.data()["createWebhook"]["webhook"]["id"].clone();
    let r = app
        .gql(
            Some(&manager),
            "mutation($i: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $i) { webhook { __typename createdAt updatedAt previousSecretExpiresAt } } }",
            json!({ "i": { "id": hook } }),
        )
        .await;
    timestamps(r.data(), &mut found, &mut bad);

    // A calendar feed token, and a deadline record reopened (the demo's paid CN annual fee).
    let r = app
        .gql(
            Some(&manager),
            r#"mutation { createCalendarFeedToken(input: { name: "precision" }) { calendarFeedToken { __typename revokedAt lastUsedAt createdAt } } }"#,
            json!({}),
        )
        .await;
    timestamps(r.data(), &mut found, &mut bad);
    let r = app
        .gql(
            Some(&manager),
            "{ ipAssets(first: 100) { nodes { deadlines(first: 100, includePast: true, status: [DONE]) { nodes { id } } } } }",
            json!({}),
        )
        .await;
    let done = r.data()["ipAssets"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["deadlines"]["nodes"].as_array().unwrap().clone())
        .next()
        .expect("the demo's paid CN annual fee")["id"]
        .clone();
    let r = app
        .gql(
            Some(&manager),
            "mutation($id: ID!) { reopenDeadline(input: { deadlineId: $id, reason: \"precision\" }) { deadline { reopenings { __typename recordedAt reopenedAt } } } }",
            json!({ "id": done }),
        )
        .await;
    timestamps(r.data(), &mut found, &mut bad);

    let r = app.gql(Some(&admin), EVERY_DATETIME, json!({})).await;
    timestamps(r.data(), &mut found, &mut bad);
    assert!(bad.is_empty(), "not to the microsecond: {bad:?}");
    let mut expected = datetime_fields(&app).await;
    expected.insert(("LoginPayload".into(), "expiresAt".into()));
    found.insert(("LoginPayload".into(), "expiresAt".into()));
    // Webhook deliveries and their attempts need a receiver and the delivery worker: every
    // read of them in `webhooks` checks the precision (see `webhooks::deliveries`).
    for field in ["occurredAt", "nextAttemptAt", "createdAt", "deliveredAt"] {
        found.insert(("WebhookDelivery".into(), field.into()));
    }
    found.insert(("WebhookAttempt".into(), "at".into()));
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(
        missing.is_empty(),
        "DateTime fields this test does not read yet (add them to EVERY_DATETIME): {missing:?}"
    );
    // At least the non-null ones of every kind were checked, not only nulls.
    let strings = r.text.matches("Z\"").count();
    assert!(strings > 30, "{}", r.text);
}

#[tokio::test]
async fn a_written_time_reads_back_identically() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&member),
            r#"mutation { createPerson(input: { fullName: "Precision Test" }) { person { id createdAt updatedAt } } }"#,
            json!({}),
        )
        .await;
    let written = r.data()["createPerson"]["person"].clone();
    assert!(
        is_micros(written["createdAt"].as_str().unwrap()),
        "{written}"
    );
    let r = app
        .gql(
            Some(&member),
            "query($id: ID!) { node(id: $id) { ... on Person { createdAt updatedAt } } }",
            json!({ "id": written["id"] }),
        )
        .await;
    let read = &r.data()["node"];
    assert_eq!(read["createdAt"], written["createdAt"]);
    assert_eq!(read["updatedAt"], written["updatedAt"]);
}

#[tokio::test]
async fn datetime_input_must_be_rfc3339_with_an_offset() {
    let app = TestApp::new().await;
    let manager = app.user_token("manager@sumhs.example").await;
    for bad in ["2027-01-01", "2027-01-01T00:00:00", "tomorrow"] {
        let r = app
            .gql(
                Some(&manager),
                "mutation($at: DateTime) { createApiToken(input: { name: \"x\", scopes: [\"technology:read\"], expiresAt: $at }) { token } }",
                json!({ "at": bad }),
            )
            .await;
        assert!(r.body["errors"].is_array(), "{bad}: {}", r.body);
        assert!(
            r.body["data"].is_null() || r.body.get("data").is_none(),
            "{}",
            r.body
        );
    }
}
