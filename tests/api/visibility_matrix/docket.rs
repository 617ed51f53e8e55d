//! The docket's records: a deadline's status travels with its asset; the fee paid and the note
//! only to the asset's co-owners. Two records on top of the fixture: sumhs marked the priority
//! claim of its CN patent of the PUBLIC SUMHS-2025-001 done (with fee and note), and waived the
//! US national phase of the CONFIDENTIAL PCT application it co-owns with unibl.

use serde_json::{Value, json};

use super::{F, T, Target, check_with, nested, search};
use crate::support::TestApp;

const IP_SCOPES: (&[&str], &[&str]) = (
    &["technology:read", "ip:read", "ip:write"],
    &["technology:read"],
);

/// The published CN patent of the PUBLIC technology: everyone with `ip:read`.
const PUBLIC_ASSET: [bool; 9] = [T, T, T, T, T, T, F, T, T];
/// Its fee and note: its owner sumhs (member, admin, token) and center admins.
const OWNER_ONLY: [bool; 9] = [F, T, F, F, F, T, F, T, T];
/// The PCT application: with the CONFIDENTIAL technology, to its owner and co-owner.
const PCT: [bool; 9] = [F, T, T, F, F, T, F, T, T];

const DONE_OF_PATENT: &str = "query($patent1: ID!) { node(id: $patent1) { ... on IpAsset { deadlines(first: 50, status: [DONE]) { totalCount edges { node { id officialFee { amount } note } } } } } }";
const DONE_OF_TECHNOLOGY: &str = r#"{ technology(reference: "SUMHS-2025-001") { ipAssets(first: 20) { edges { node { deadlines(first: 50, status: [DONE, WAIVED]) { totalCount edges { node { id officialFee { amount } note } } } } } } } }"#;
const WAIVED_OF_PCT: &str = "query($pct: ID!) { node(id: $pct) { ... on IpAsset { deadlines(first: 50, status: [WAIVED]) { totalCount edges { node { id jurisdiction note } } } } } }";
const UPCOMING_WAIVED: &str = "{ upcomingDeadlines(withinDays: 3650, first: 100, filter: { status: [WAIVED] }) { totalCount edges { node { id jurisdiction note } } } }";
const UPCOMING_ANY: &str = "{ upcomingDeadlines(withinDays: 3650, first: 100, filter: { status: [OPEN, DONE, WAIVED], kind: PCT_NATIONAL_PHASE }) { totalCount edges { node { id jurisdiction note } } } }";
/// A write aimed at the deadline: NOT_FOUND for whoever may not see it.
const PROBE: &str = "mutation($id: ID!) { markDeadlineDone(input: { deadlineId: $id, doneOn: \"2026-11-02\" }) { deadline { id } } }";

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "the done priority claim of sumhs's published CN patent (PUBLIC technology)",
            locate: (DONE_OF_PATENT, "/node/deadlines/edges/*/node"),
            key: &["/id"],
            paths: vec![
                nested(DONE_OF_PATENT, "/node/deadlines"),
                nested(
                    DONE_OF_TECHNOLOGY,
                    "/technology/ipAssets/edges/*/node/deadlines",
                ),
            ],
            probe: Some(PROBE),
            scopes: IP_SCOPES,
            sees: PUBLIC_ASSET,
            ..Default::default()
        },
        Target {
            name: "the fee paid and the note of that priority claim",
            locate: (DONE_OF_PATENT, "/node/deadlines/edges/*/node"),
            key: &["/id", "/officialFee/amount", "/note"],
            paths: vec![
                nested(DONE_OF_PATENT, "/node/deadlines"),
                nested(
                    DONE_OF_TECHNOLOGY,
                    "/technology/ipAssets/edges/*/node/deadlines",
                ),
            ],
            scopes: IP_SCOPES,
            sees: OWNER_ONLY,
            ..Default::default()
        },
        Target {
            name: "the waived US national phase of the PCT application (with its note)",
            locate: (WAIVED_OF_PCT, "/node/deadlines/edges/*/node"),
            pick: Some(("/jurisdiction", "US")),
            key: &["/id", "/note"],
            paths: vec![
                nested(WAIVED_OF_PCT, "/node/deadlines"),
                search(UPCOMING_WAIVED, "/upcomingDeadlines"),
                search(UPCOMING_ANY, "/upcomingDeadlines"),
            ],
            probe: Some(PROBE),
            scopes: IP_SCOPES,
            sees: PCT,
            ..Default::default()
        },
    ]
}

async fn record(app: &TestApp, fixture: &mut Value) {
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            r#"{ technology(reference: "SUMHS-2025-001") { ipAssets(first: 20) { edges { node { id deadlines(includePast: true, first: 50) { edges { node { id kind } } } } } } } }"#,
            json!({}),
        )
        .await;
    let asset = &r.data()["technology"]["ipAssets"]["edges"][0]["node"];
    fixture["patent1"] = asset["id"].clone();
    let priority = super::at(asset, "/deadlines/edges/*/node")
        .into_iter()
        .find(|d| d["kind"] == "PRIORITY_CLAIM")
        .map(|d| d["id"].clone())
        .unwrap_or_else(|| panic!("{}", r.body));
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($id: ID!) { markDeadlineDone(input: { deadlineId: $id, doneOn: \"2025-06-01\", officialFee: { amount: \"950.00\", currency: \"CNY\" }, note: \"filed in US claiming priority\" }) { deadline { status } } }",
            json!({ "id": priority }),
        )
        .await;
    assert_eq!(r.data()["markDeadlineDone"]["deadline"]["status"], "DONE");
    let r = app
        .gql(
            Some(&sumhs),
            "query($pct: ID!) { node(id: $pct) { ... on IpAsset { deadlines(first: 50) { edges { node { id kind jurisdiction } } } } } }",
            fixture.clone(),
        )
        .await;
    let us = super::at(r.data(), "/node/deadlines/edges/*/node")
        .into_iter()
        .find(|d| d["kind"] == "PCT_NATIONAL_PHASE" && d["jurisdiction"] == "US")
        .map(|d| d["id"].clone())
        .unwrap_or_else(|| panic!("{}", r.body));
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($id: ID!) { waiveDeadline(input: { deadlineId: $id, note: \"no US licensee\" }) { deadline { status } } }",
            json!({ "id": us }),
        )
        .await;
    assert_eq!(r.data()["waiveDeadline"]["deadline"]["status"], "WAIVED");
}

#[tokio::test]
async fn docket_records_and_their_fees() {
    check_with(targets(), async |app, fixture| record(app, fixture).await).await;
}
