//! What a partner's integrator needs around its API token (issue 9 §3): the token reads its own
//! identity, a report it sends names it (to both parties, and in the audit trail), the
//! `royaltyReports` root list reconciles what was sent, and a report whose royalty disagrees
//! with the deal's terms is accepted but flagged — for the provider to see at once.

use serde_json::{Value, json};

use crate::{
    deals::demo_licence,
    support::{
        TestApp,
        ws::{WsClient, listening},
    },
};

const CREATE_TOKEN: &str = "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } } }";
const SUBMIT: &str = "mutation($input: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $input) { royaltyReport { id status } } }";
const REPORTS: &str =
    "query($filter: RoyaltyReportFilter, $order: RoyaltyReportOrder, $first: Int, $after: String) {
  royaltyReports(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id status periodStart periodEnd deal { id } } }
  }
}";

/// unibl's ERP token (secret, id), as its institution admin makes it.
async fn erp_token(app: &TestApp, scopes: &[&str]) -> (String, String) {
    let manager = app.user_token("manager@unibl.example").await;
    let r = app
        .gql(
            Some(&manager),
            CREATE_TOKEN,
            json!({ "input": { "name": "unibl ERP", "scopes": scopes, "expiresAt": "2030-01-01T00:00:00Z" } }),
        )
        .await;
    let created = &r.data()["createApiToken"];
    (
        created["token"].as_str().unwrap().to_owned(),
        created["apiToken"]["id"].as_str().unwrap().to_owned(),
    )
}

fn report(deal: &str, start: &str, end: &str, net: &str, due: &str) -> Value {
    json!({ "input": {
        "dealId": deal, "periodStart": start, "periodEnd": end,
        "netSales": { "amount": net, "currency": "EUR" },
        "royaltyDue": { "amount": due, "currency": "EUR" }
    } })
}

#[tokio::test]
async fn a_token_reads_its_own_identity() {
    let app = TestApp::new().await;
    let (erp, erp_id) = erp_token(&app, &["deal:write", "deal:read"]).await;
    const ME: &str = "{ me { kind scopes institution { slug } user { id } apiToken { id name scopes expiresAt revokedAt institution { slug } } } }";

    let r = app.gql(Some(&erp), ME, json!({})).await;
    assert_eq!(
        r.data()["me"],
        json!({
            "kind": "API_TOKEN",
            "scopes": ["deal:read", "deal:write"],
            "institution": { "slug": "unibl" },
            "user": null,
            "apiToken": {
                "id": erp_id, "name": "unibl ERP", "scopes": ["deal:read", "deal:write"],
                "expiresAt": "2030-01-01T00:00:00.000000Z", "revokedAt": null,
                "institution": { "slug": "unibl" }
            }
        })
    );
    // Users and anonymous callers have no token; `apiTokens` stays closed to tokens.
    let member = app.user_token("member@unibl.example").await;
    let r = app.gql(Some(&member), ME, json!({})).await;
    assert_eq!(r.data()["me"]["apiToken"], Value::Null);
    assert_eq!(app.anon(ME).await.data()["me"]["apiToken"], Value::Null);
    let r = app
        .gql(Some(&erp), "{ apiTokens { totalCount } }", json!({}))
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_report_sent_with_a_token_names_the_token_to_both_parties_and_in_the_audit_trail() {
    let app = TestApp::new().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let (erp, erp_id) = erp_token(&app, &["deal:read", "deal:write"]).await;
    let r = app
        .gql(
            Some(&erp),
            SUBMIT,
            report(&deal, "2026-07-01", "2026-12-31", "100000.00", "3500.00"),
        )
        .await;
    let id = r.data()["submitRoyaltyReport"]["royaltyReport"]["id"].clone();

    const SUBMITTER: &str = "query($id: ID!) { node(id: $id) { ... on RoyaltyReport { submittedBy { kind name institution { slug } user { id } apiToken { id name } } } } }";
    // The provider sees which system sent it, but not the token itself (not its to manage).
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app.gql(Some(&sumhs), SUBMITTER, json!({ "id": id })).await;
    assert_eq!(
        r.data()["node"]["submittedBy"],
        json!({ "kind": "API_TOKEN", "name": "unibl ERP", "institution": { "slug": "unibl" }, "user": null, "apiToken": null })
    );
    // The token's own institution admin sees the token too.
    let manager = app.user_token("manager@unibl.example").await;
    let r = app
        .gql(Some(&manager), SUBMITTER, json!({ "id": id }))
        .await;
    assert_eq!(
        r.data()["node"]["submittedBy"]["apiToken"],
        json!({ "id": erp_id, "name": "unibl ERP" })
    );
    // An outsider learns nothing of the report, nor of who sent it.
    let bg = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&bg), SUBMITTER, json!({ "id": id })).await;
    assert_eq!(r.data()["node"], Value::Null);

    // The audit trail names the token, and can be filtered by it.
    const TRAIL: &str = "query($actor: ID) { auditEvents(filter: { actor: $actor }) { totalCount nodes { action actorLabel actor { id } actorApiToken { id name scopes } } } }";
    let r = app
        .gql(Some(&manager), TRAIL, json!({ "actor": erp_id }))
        .await;
    let trail = &r.data()["auditEvents"];
    assert_eq!(trail["totalCount"], 1, "{trail}");
    let event = &trail["nodes"][0];
    assert_eq!(event["action"], "royaltyReport.submit");
    assert_eq!(event["actor"], Value::Null);
    assert_eq!(
        event["actorApiToken"],
        json!({ "id": erp_id, "name": "unibl ERP", "scopes": ["deal:read", "deal:write"] })
    );
    // A user's events name no token.
    let r = app
        .gql(Some(&manager), TRAIL, json!({ "actor": null }))
        .await;
    let nodes = r.data()["auditEvents"]["nodes"].as_array().unwrap().clone();
    assert!(
        nodes
            .iter()
            .filter(|e| e["action"] == "apiToken.create")
            .all(|e| e["actorApiToken"].is_null() && !e["actor"].is_null())
    );
    // Not an actor's id: refused with the field named.
    let r = app
        .gql(Some(&manager), TRAIL, json!({ "actor": deal }))
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "actor");
}

#[tokio::test]
async fn royalty_reports_are_listed_for_both_parties_with_filters_and_ordering() {
    let app = TestApp::new().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let (erp, _) = erp_token(&app, &["deal:read", "deal:write"]).await;
    for (start, end) in [("2026-07-01", "2026-09-30"), ("2026-10-01", "2026-12-31")] {
        app.gql(
            Some(&erp),
            SUBMIT,
            report(&deal, start, end, "50000.00", "1750.00"),
        )
        .await
        .data();
    }
    let list = async |token: &str, vars: Value| {
        let r = app.gql(Some(token), REPORTS, vars).await;
        r.data()["royaltyReports"].clone()
    };
    let periods = |conn: &Value| -> Vec<String> {
        conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["periodStart"].as_str().unwrap().to_owned())
            .collect()
    };
    let of_deal = json!({ "filter": { "dealId": deal } });

    // Both parties see the deal's four reports (two from the demo, two just sent), oldest
    // period first.
    let sumhs = app.user_token("member@sumhs.example").await;
    let expected = ["2025-08-01", "2026-01-01", "2026-07-01", "2026-10-01"];
    for token in [&erp, &sumhs] {
        let conn = list(token, of_deal.clone()).await;
        assert_eq!(conn["totalCount"], 4);
        assert_eq!(periods(&conn), expected);
    }
    // An outsider sees none of them: not in the list, not in the count, not by filter.
    let bg = app.user_token("member@bg.example").await;
    let conn = list(&bg, of_deal.clone()).await;
    assert_eq!(conn["totalCount"], 0);
    let conn = list(&bg, json!({})).await;
    assert!(
        conn["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["deal"]["id"] != deal.as_str())
    );

    // Status, period and ordering.
    let conn = list(
        &erp,
        json!({ "filter": { "dealId": deal, "status": "SUBMITTED" }, "order": { "field": "PERIOD_START", "direction": "DESC" } }),
    )
    .await;
    assert_eq!(periods(&conn), ["2026-10-01", "2026-07-01", "2026-01-01"]);
    let conn = list(
        &erp,
        json!({ "filter": { "dealId": deal, "periodFrom": "2026-06-30", "periodTo": "2026-07-01" } }),
    )
    .await;
    assert_eq!(
        periods(&conn),
        ["2026-01-01", "2026-07-01"],
        "overlapping periods"
    );
    let conn = list(
        &erp,
        json!({ "filter": { "dealId": deal, "periodFrom": "2026-07-01" } }),
    )
    .await;
    assert_eq!(periods(&conn), ["2026-07-01", "2026-10-01"]);
    let conn = list(
        &erp,
        json!({ "filter": { "dealId": deal, "status": "ACCEPTED" } }),
    )
    .await;
    assert_eq!(periods(&conn), ["2025-08-01"]);

    // Pages of two, in submission order.
    let order = json!({ "field": "CREATED_AT", "direction": "ASC" });
    let first = list(
        &erp,
        json!({ "filter": { "dealId": deal }, "order": order, "first": 2 }),
    )
    .await;
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let rest = list(
        &erp,
        json!({ "filter": { "dealId": deal }, "order": order, "first": 2, "after": first["pageInfo"]["endCursor"] }),
    )
    .await;
    let mut all = periods(&first);
    all.extend(periods(&rest));
    assert_eq!(all.len(), 4);
    assert_eq!(&all[2..], ["2026-07-01", "2026-10-01"]);

    // Bad input names its field; a token without deal:read is refused.
    let r = app
        .gql(
            Some(&erp),
            REPORTS,
            json!({ "filter": { "periodFrom": "2026-07-01", "periodTo": "2026-06-30" } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "filter.periodTo"
    );
    let r = app
        .gql(
            Some(&erp),
            REPORTS,
            json!({ "filter": { "dealId": "not-a-deal" } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "filter.dealId");
    let (write_only, _) = erp_token(&app, &["deal:write"]).await;
    let r = app.gql(Some(&write_only), REPORTS, of_deal).await;
    assert_eq!(r.code(), "FORBIDDEN");
}

/// 3.5% of 100 000.00 is 3 500.00: a report of 3 000.00 is accepted but flagged, and the
/// provider's socket hears of it with the discrepancy at once; one minor unit off is rounding.
#[tokio::test]
async fn a_royalty_off_the_terms_is_accepted_but_flagged() {
    let app = TestApp::new().await;
    let addr = app.serve().await;
    let deal = demo_licence(&app).await["id"].as_str().unwrap().to_owned();
    let (erp, _) = erp_token(&app, &["deal:read", "deal:write"]).await;
    let sumhs = app.user_token("member@sumhs.example").await;

    const FLAGGED: &str = "subscription($deal: ID) { royaltyReportChanged(dealId: $deal) { action report { royaltyDue { amount } discrepancy { expected { amount currency } reported { amount } difference { amount } } } } }";
    let mut provider = WsClient::connect(addr, Some(&sumhs)).await;
    provider
        .subscribe("flagged", FLAGGED, json!({ "deal": deal }))
        .await;
    listening(&app.events, 1).await;

    let r = app
        .gql(
            Some(&erp),
            SUBMIT,
            report(&deal, "2026-07-01", "2026-09-30", "100000.00", "3000.00"),
        )
        .await;
    let short = &r.data()["submitRoyaltyReport"]["royaltyReport"];
    assert_eq!(short["status"], "SUBMITTED", "accepted, not refused");
    let short_id = short["id"].clone();

    let (_, payload) = provider.next_payload().await;
    assert_eq!(
        payload["data"]["royaltyReportChanged"]["report"]["discrepancy"],
        json!({
            "expected": { "amount": "3500.00", "currency": "EUR" },
            "reported": { "amount": "3000.00" },
            "difference": { "amount": "-500.00" }
        })
    );

    // One cent off is rounding, not a discrepancy; two cents are.
    let r = app
        .gql(
            Some(&erp),
            SUBMIT,
            report(&deal, "2026-10-01", "2026-10-31", "100000.00", "3500.01"),
        )
        .await;
    let rounding = r.data()["submitRoyaltyReport"]["royaltyReport"]["id"].clone();
    let r = app
        .gql(
            Some(&erp),
            SUBMIT,
            report(&deal, "2026-11-01", "2026-11-30", "100000.00", "3500.02"),
        )
        .await;
    let over = r.data()["submitRoyaltyReport"]["royaltyReport"]["id"].clone();
    const DISCREPANCY: &str = "query($id: ID!) { node(id: $id) { ... on RoyaltyReport { expectedRoyaltyDue { amount } discrepancy { difference { amount } } } } }";
    for (id, expected) in [
        (&rounding, Value::Null),
        (&over, json!({ "difference": { "amount": "0.02" } })),
        (&short_id, json!({ "difference": { "amount": "-500.00" } })),
    ] {
        let r = app
            .gql(Some(&sumhs), DISCREPANCY, json!({ "id": id }))
            .await;
        assert_eq!(r.data()["node"]["discrepancy"], expected, "{id}");
        assert_eq!(r.data()["node"]["expectedRoyaltyDue"]["amount"], "3500.00");
    }
    // The demo's own reports agree with their terms.
    let r = app
        .gql(
            Some(&sumhs),
            "query($d: ID!) { royaltyReports(filter: { dealId: $d, periodTo: \"2026-06-30\" }) { nodes { discrepancy { expected { amount } } } } }",
            json!({ "d": deal }),
        )
        .await;
    assert_eq!(
        r.data()["royaltyReports"]["nodes"],
        json!([{ "discrepancy": null }, { "discrepancy": null }])
    );

    // The trail records what the terms expected when the report came in.
    let manager = app.user_token("manager@unibl.example").await;
    let r = app
        .gql(
            Some(&manager),
            "{ auditEvents(filter: { action: \"royaltyReport.submit\" }, first: 10) { nodes { changes } } }",
            json!({}),
        )
        .await;
    let changes: Vec<&Value> = r.data()["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["changes"])
        .collect();
    assert!(
        changes
            .iter()
            .any(|c| c["royaltyDue"] == 300_000 && c["expectedRoyaltyDue"] == 350_000),
        "{changes:?}"
    );
}
