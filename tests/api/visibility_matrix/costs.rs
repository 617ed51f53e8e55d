//! Patent costs and reimbursements: the asset's co-owners' business. On top of the fixture,
//! sumhs's admin recorded an attorney's fee on the PCT application it co-owns with unibl
//! (CONFIDENTIAL technology), and one on its own published CN patent of the PUBLIC
//! SUMHS-2025-001 with a reimbursement by unibl, its licensee — which sees the patent, not
//! what it cost (not even what it reimbursed: that is the owner's ledger).

use serde_json::{Value, json};

use super::{F, T, Target, check_with, nested};
use crate::support::TestApp;

const IP_SCOPES: (&[&str], &[&str]) = (
    &["technology:read", "ip:read", "ip:write"],
    &["technology:read"],
);

/// Co-owners of the PCT application (sumhs, unibl) and center admins.
const PCT_OWNERS: [bool; 9] = [F, T, T, F, F, T, F, T, T];
/// The CN patent's owner sumhs (member, admin, token) and center admins.
const OWNER_ONLY: [bool; 9] = [F, T, F, F, F, T, F, T, T];

const COSTS_OF_PCT: &str = "query($pct: ID!) { node(id: $pct) { ... on IpAsset { costs(first: 50) { totalCount edges { node { id amount { amount } } } } } } }";
const COSTS_OF_TECH3: &str = r#"{ technology(reference: "SUMHS-2025-003") { ipAssets(first: 20) { edges { node { costs(first: 50) { totalCount edges { node { id amount { amount } } } } } } } } }"#;
const COSTS_OF_PATENT: &str = "query($patent1: ID!) { node(id: $patent1) { ... on IpAsset { costs(first: 50) { totalCount edges { node { id amount { amount } } } } } } }";
const COSTS_OF_TECH1: &str = r#"{ technology(reference: "SUMHS-2025-001") { ipAssets(first: 20) { edges { node { costs(first: 50) { totalCount edges { node { id amount { amount } } } } } } } } }"#;
const REIMBURSEMENTS_OF_PATENT: &str = "query($patent1: ID!) { node(id: $patent1) { ... on IpAsset { reimbursements(first: 50) { totalCount edges { node { id amount { amount } } } } } } }";
/// A write aimed at the cost: NOT_FOUND for whoever may not see it.
const PROBE: &str = "mutation($id: ID!) { deleteIpCost(input: { id: $id }) { deletedId } }";

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "an attorney's fee of the PCT application co-owned by sumhs and unibl",
            locate: (COSTS_OF_PCT, "/node/costs/edges/*/node"),
            key: &["/id", "/amount/amount"],
            paths: vec![
                nested(COSTS_OF_PCT, "/node/costs"),
                nested(COSTS_OF_TECH3, "/technology/ipAssets/edges/*/node/costs"),
            ],
            probe: Some(PROBE),
            scopes: IP_SCOPES,
            sees: PCT_OWNERS,
            ..Default::default()
        },
        Target {
            name: "an attorney's fee of sumhs's published CN patent (PUBLIC technology)",
            locate: (COSTS_OF_PATENT, "/node/costs/edges/*/node"),
            key: &["/id", "/amount/amount"],
            paths: vec![
                nested(COSTS_OF_PATENT, "/node/costs"),
                nested(COSTS_OF_TECH1, "/technology/ipAssets/edges/*/node/costs"),
            ],
            probe: Some(PROBE),
            scopes: IP_SCOPES,
            sees: OWNER_ONLY,
            ..Default::default()
        },
        Target {
            name: "unibl's reimbursement of that patent's costs",
            locate: (
                REIMBURSEMENTS_OF_PATENT,
                "/node/reimbursements/edges/*/node",
            ),
            key: &["/id", "/amount/amount"],
            paths: vec![nested(REIMBURSEMENTS_OF_PATENT, "/node/reimbursements")],
            scopes: IP_SCOPES,
            sees: OWNER_ONLY,
            ..Default::default()
        },
    ]
}

async fn record(app: &TestApp, fixture: &mut Value) {
    let manager = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&manager),
            r#"{ technology(reference: "SUMHS-2025-001") { ipAssets(first: 20) { edges { node { id } } } deals(first: 20) { edges { node { id stage } } } } }"#,
            json!({}),
        )
        .await;
    let t = &r.data()["technology"];
    fixture["patent1"] = t["ipAssets"]["edges"][0]["node"]["id"].clone();
    let deal = super::at(t, "/deals/edges/*/node")
        .into_iter()
        .find(|d| d["stage"] == "ACTIVE")
        .map(|d| d["id"].clone())
        .unwrap_or_else(|| panic!("{}", r.body));
    for asset in [fixture["pct"].clone(), fixture["patent1"].clone()] {
        let r = app
            .gql(
                Some(&manager),
                "mutation($a: ID!) { recordIpCost(input: { ipAssetId: $a, kind: ATTORNEY_FEE, amount: { amount: \"4321.09\", currency: \"CNY\" }, incurredOn: \"2025-03-01\" }) { ipCost { id } } }",
                json!({ "a": asset }),
            )
            .await;
        r.data();
    }
    let r = app
        .gql(
            Some(&manager),
            "mutation($a: ID!, $d: ID!) { recordIpReimbursement(input: { ipAssetId: $a, dealId: $d, amount: { amount: \"1000.00\", currency: \"EUR\" }, receivedOn: \"2025-09-01\" }) { ipReimbursement { id } } }",
            json!({ "a": fixture["patent1"], "d": deal }),
        )
        .await;
    r.data();
}

#[tokio::test]
async fn ip_costs_and_reimbursements() {
    check_with(targets(), async |app, fixture| record(app, fixture).await).await;
}
