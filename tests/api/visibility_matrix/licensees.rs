//! A licensee outside the consortium: Hemofarm a.d. (RS) takes an exclusive licence of
//! UNIBL-2025-002 from unibl and has accounts of its own. Its account sees that deal, its
//! history, the royalty reports it submits and the income unibl records — and what anyone
//! sees; nothing a bg member does not, except its own deal. Its organisation and its users
//! are seen by unibl (which registered it), itself and center admins.

use serde_json::{Value, json};

use super::{F, ID, T, Target, check_with, hemofarm_deal, list, nested, search};
use crate::support::TestApp;

const DEAL_SCOPES: (&[&str], &[&str]) = (
    &["technology:read", "deal:read", "deal:write"],
    &["technology:read"],
);

/// unibl's deal with Hemofarm: unibl ("Party", the provider) and center admins.
const HEMOFARM: [bool; 9] = [F, F, T, F, F, F, F, T, F];

/// unibl signs the Hemofarm licence; a second Hemofarm user (invited by unibl's admin) reports
/// royalties on it, and unibl records the royalty received.
async fn hemofarm_reports(app: &TestApp, v: &mut Value) {
    let unibl = app.user_token("member@unibl.example").await;
    let manager = app.user_token("manager@unibl.example").await;
    let deal = hemofarm_deal(app).await;
    let version = app
        .gql(
            Some(&unibl),
            "query($id: ID!) { node(id: $id) { ... on Deal { version } } }",
            json!({ "id": deal }),
        )
        .await
        .data()["node"]["version"]
        .clone();
    let mut version = version.as_i64().unwrap();
    for (to, extra) in [
        ("TERM_SHEET", json!({})),
        ("SIGNED", json!({ "signedOn": "2026-02-01" })),
    ] {
        let mut input = json!({ "id": deal, "to": to, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let r = app
            .gql(
                Some(&unibl),
                "mutation($i: TransitionDealInput!) { transitionDeal(input: $i) { deal { version } } }",
                json!({ "i": input }),
            )
            .await;
        version = r.data()["transitionDeal"]["deal"]["version"]
            .as_i64()
            .unwrap();
    }
    let invited = app
        .gql(
            Some(&manager),
            "mutation($i: InviteLicenseeInput!) { inviteLicensee(input: $i) { invitationToken licensee { id } } }",
            json!({ "i": { "dealId": deal, "identifier": "RS-07042701", "email": "royalties@hemofarm.example", "displayName": "Hemofarm royalties" } }),
        )
        .await;
    let invited = invited.data()["inviteLicensee"].clone();
    v["licensee"] = invited["licensee"]["id"].clone();
    let accepted = app
        .gql(
            None,
            "mutation($i: AcceptLicenseeInvitationInput!) { acceptLicenseeInvitation(input: $i) { accessToken user { id } } }",
            json!({ "i": { "token": invited["invitationToken"], "password": "hemofarm-royalties-2026" } }),
        )
        .await;
    let accepted = accepted.data()["acceptLicenseeInvitation"].clone();
    v["licenseeUser"] = accepted["user"]["id"].clone();
    let hemofarm = accepted["accessToken"].as_str().unwrap().to_owned();
    let report = app
        .gql(
            Some(&hemofarm),
            "mutation($i: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $i) { royaltyReport { id } } }",
            json!({ "i": { "dealId": deal, "periodStart": "2026-02-01", "periodEnd": "2026-06-30",
                           "netSales": { "amount": "80000.00", "currency": "EUR" },
                           "royaltyDue": { "amount": "3600.00", "currency": "EUR" } } }),
        )
        .await;
    v["hemofarmReport"] = report.data()["submitRoyaltyReport"]["royaltyReport"]["id"].clone();
    let income = app
        .gql(
            Some(&unibl),
            "mutation($i: RecordIncomeInput!) { recordIncome(input: $i) { income { id } } }",
            json!({ "i": { "dealId": deal, "kind": "ROYALTY", "amount": { "amount": "3600.00", "currency": "EUR" }, "receivedOn": "2026-08-01" } }),
        )
        .await;
    v["hemofarmIncome"] = income.data()["recordIncome"]["income"]["id"].clone();
    v["hemofarmDeal"] = deal;
}

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "a royalty report Hemofarm's account submitted",
            locate: (
                "query($hemofarmReport: ID!) { node(id: $hemofarmReport) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { edges { node { royaltyReports(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/deals/edges/*/node/royaltyReports",
                ),
                nested(
                    "query($hemofarmDeal: ID!) { node(id: $hemofarmDeal) { ... on Deal { royaltyReports(first: 20) { totalCount edges { node { id } } } } } }",
                    "/node/royaltyReports",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { deals(first: 100) { edges { node { royaltyReports(first: 20) { totalCount edges { node { id } } } } } } } }"#,
                    "/institution/deals/edges/*/node/royaltyReports",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { decideRoyaltyReport(input: { id: $id, status: DISPUTED, reason: \"x\" }) { royaltyReport { id } } }",
            ),
            scopes: DEAL_SCOPES,
            sees: HEMOFARM,
            licensee: Some(T),
            ..Default::default()
        },
        Target {
            name: "income unibl received from Hemofarm",
            locate: (
                "query($hemofarmIncome: ID!) { node(id: $hemofarmIncome) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { edges { node { incomes(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/deals/edges/*/node/incomes",
                ),
                search(
                    "query($unibl2: ID) { deals(first: 100, filter: { technology: $unibl2 }) { edges { node { incomes(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/deals/edges/*/node/incomes",
                ),
                nested(
                    r#"{ technology(reference: "UNIBL-2025-002") { deals { edges { node { incomes(first: 100) { totalCount edges { node { id } } } } } } } }"#,
                    "/technology/deals/edges/*/node/incomes",
                ),
            ],
            scopes: (&["technology:read", "deal:read"], &["technology:read"]),
            sees: HEMOFARM,
            licensee: Some(T),
            ..Default::default()
        },
        Target {
            name: "the licensee organisation Hemofarm a.d.",
            locate: (
                "query($licensee: ID!) { node(id: $licensee) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![],
            probe: Some(
                "mutation($id: ID!) { suspendLicensee(input: { externalOrganizationId: $id }) { licensee { id } } }",
            ),
            scopes: DEAL_SCOPES,
            sees: HEMOFARM,
            licensee: Some(T),
            ..Default::default()
        },
        Target {
            name: "a user of Hemofarm's (the licensee's) accounts",
            locate: (
                "query($licenseeUser: ID!) { node(id: $licenseeUser) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![],
            probe: Some("mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } } }"),
            scopes: DEAL_SCOPES,
            // Its admins are unibl's (not among the viewers) and the center's; the matrix's
            // licensee viewer is another Hemofarm user, who sees only itself.
            sees: [F, F, F, F, F, F, F, T, F],
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn a_licensee_sees_its_own_deal_and_nothing_a_bg_member_does_not() {
    check_with(targets(), hemofarm_reports).await;
}
