//! Who sees their own stake: a co-inventor's institution sees the disclosure naming its
//! researcher (and the published data of its IP assets, not the unpublished filings it does not
//! co-own); an IP co-owner sees the deals on the technology, their income and the distribution
//! lines that concern it. `bg`, with no stake, sees none of it.

use serde_json::{Value, json};

use super::{F, ID, T, Target, check_with, list, nested, search};
use crate::support::TestApp;

/// Owner, co-inventor's or co-owner's institution (unibl), owner's tokens and admins.
const STAKE: [bool; 9] = [F, T, T, F, F, T, F, T, T];
/// The owner only (sumhs), its tokens and admins.
const OWNER_ONLY: [bool; 9] = [F, T, F, F, F, T, F, T, T];

const DEAL_SCOPES: (&[&str], &[&str]) = (
    &["technology:read", "deal:read", "deal:write"],
    &["technology:read"],
);
const IP_SCOPES: (&[&str], &[&str]) = (&["technology:read", "ip:read"], &["technology:read"]);

/// Adds, as sumhs would: a CONFIDENTIAL technology co-invented by unibl's Milana Šarić with a
/// DRAFTING and a PUBLISHED IP asset (sumhs's alone), and a signed licence of SUMHS-2025-003
/// (whose PCT application unibl co-owns) to an external company, with a royalty received.
async fn stakes(app: &TestApp, v: &mut Value) {
    let sumhs = app.user_token("member@sumhs.example").await;
    let ask = async |q: &str, vars: Value| app.gql(Some(&sumhs), q, vars).await.data().clone();
    let tech = ask(
        "mutation($i: CreateTechnologyInput!) { createTechnology(input: $i) { technology { id } } }",
        json!({ "i": {
            "reference": "SUMHS-2026-101", "title": "Aptamer sensor for tacrolimus trough levels",
            "summary": "A bedside electrochemical aptamer sensor for transplant patients.",
            "field": "DIAGNOSTICS", "trl": 3, "visibility": "CONFIDENTIAL" } }),
    )
    .await["createTechnology"]["technology"]["id"]
        .clone();
    ask(
        "mutation($i: SetTechnologyInventorsInput!) { setTechnologyInventors(input: $i) { technology { id } } }",
        json!({ "i": { "technologyId": tech, "inventors": [
            { "personId": v["chen"], "shareBasisPoints": 7000 },
            { "personId": v["milana"], "shareBasisPoints": 3000 } ] } }),
    )
    .await;
    const IP: &str =
        "mutation($i: CreateIpAssetInput!) { createIpAsset(input: $i) { ipAsset { id version } } }";
    const MOVE_IP: &str = "mutation($i: TransitionIpAssetInput!) { transitionIpAsset(input: $i) { ipAsset { id version } } }";
    let draft = ask(
        IP,
        json!({ "i": { "technologyId": tech, "kind": "INVENTION_PATENT", "jurisdiction": "CN",
                        "title": "Aptamer sensor (in preparation)" } }),
    )
    .await["createIpAsset"]["ipAsset"]["id"]
        .clone();
    let mut published = ask(
        IP,
        json!({ "i": { "technologyId": tech, "kind": "INVENTION_PATENT", "jurisdiction": "CN",
                        "title": "Aptamer sensor", "priorityDate": "2024-11-01" } }),
    )
    .await["createIpAsset"]["ipAsset"]
        .clone();
    for (to, date) in [("FILED", "2024-11-01"), ("PUBLISHED", "2026-05-01")] {
        published = ask(
            MOVE_IP,
            json!({ "i": { "id": published["id"], "to": to, "expectedVersion": published["version"], "date": date } }),
        )
        .await["transitionIpAsset"]["ipAsset"]
            .clone();
    }

    let mut deal = ask(
        "mutation($i: CreateDealInput!) { createDeal(input: $i) { deal { id version } } }",
        json!({ "i": { "technologyId": v["tech3"], "kind": "NON_EXCLUSIVE_LICENSE",
                        "recipientExternal": { "name": "Galenika a.d.", "country": "RS" },
                        "royaltyBasisPoints": 400, "currency": "EUR" } }),
    )
    .await["createDeal"]["deal"]
        .clone();
    for to in ["NEGOTIATION", "TERM_SHEET", "SIGNED"] {
        deal = ask(
            "mutation($i: TransitionDealInput!) { transitionDeal(input: $i) { deal { id version } } }",
            json!({ "i": { "id": deal["id"], "to": to, "expectedVersion": deal["version"] } }),
        )
        .await["transitionDeal"]["deal"]
            .clone();
    }
    let income = ask(
        "mutation($i: RecordIncomeInput!) { recordIncome(input: $i) { income { id } } }",
        json!({ "i": { "dealId": deal["id"], "kind": "ROYALTY",
                        "amount": { "amount": "1000.00", "currency": "EUR" } } }),
    )
    .await["recordIncome"]["income"]["id"]
        .clone();
    // The external licensee reports on paper; the center records its report as it came in.
    let report = galenika_report(app, deal["id"].as_str().unwrap()).await;
    let v = v.as_object_mut().unwrap();
    v.insert("galenikaReport".into(), report);
    v.insert("coInvented".into(), tech);
    v.insert("coDraft".into(), draft);
    v.insert("coPublished".into(), published["id"].clone());
    v.insert("galenika".into(), deal["id"].clone());
    v.insert("galenikaIncome".into(), income);
}

/// A royalty report on deal `deal` (a global id), written as the row it would be; its global id.
async fn galenika_report(app: &TestApp, deal: &str) -> Value {
    use sea_orm::{ActiveModelTrait, Set};
    let deal_id =
        biobridge::graphql::ids::decode_as("deal", "Deal", &async_graphql::ID(deal.into()))
            .unwrap();
    let id = uuid::Uuid::now_v7();
    let now = chrono::Utc::now();
    entity::royalty_report::ActiveModel {
        id: Set(id),
        deal_id: Set(deal_id),
        period_start: Set("2026-01-01".parse().unwrap()),
        period_end: Set("2026-06-30".parse().unwrap()),
        net_sales: Set(5_000_000),
        royalty_due: Set(200_000),
        currency: Set("EUR".into()),
        submitted_by: Set(None),
        submitted_by_api_token_id: Set(None),
        status: Set(entity::enums::RoyaltyReportStatus::Submitted),
        decided_at: Set(None),
        dispute_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
    json!(biobridge::graphql::ids::encode("RoyaltyReport", id).0)
}

fn targets() -> Vec<Target> {
    const TECH: &str = "query($coInvented: ID!) { node(id: $coInvented) { id } }";
    const ASSETS_UNDER_TECH: &str = "query($coInvented: ID!) { node(id: $coInvented) { ... on Technology { ipAssets(first: 100) { totalCount edges { node { id } } } } } }";
    let asset_paths = || {
        vec![
            list(
                "{ ipAssets(first: 100) { totalCount edges { node { id } } } }",
                "/ipAssets",
            ),
            search(
                "query($coInvented: ID) { ipAssets(first: 100, filter: { technology: $coInvented }) { totalCount edges { node { id } } } }",
                "/ipAssets",
            ),
            nested(ASSETS_UNDER_TECH, "/node/ipAssets"),
        ]
    };
    vec![
        Target {
            name: "a CONFIDENTIAL technology of sumhs co-invented by unibl's Milana Šarić",
            locate: (TECH, "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ technologies(first: 100) { totalCount edges { node { id } } } }",
                    "/technologies",
                ),
                search(
                    r#"{ technologies(first: 100, filter: { search: "tacrolimus" }) { totalCount edges { node { id } } } }"#,
                    "/technologies",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/technologies",
                ),
                nested(
                    "query($milana: ID!) { node(id: $milana) { ... on Person { inventions(first: 100) { totalCount edges { node { technology { id } } } } } } }",
                    "/node/inventions",
                )
                .row("/technology"),
            ],
            probe: Some(
                "mutation($id: ID!) { updateTechnology(input: { id: $id, expectedVersion: 999, trl: 5 }) { technology { id } } }",
            ),
            scopes: (&["technology:read", "technology:write"], &["stats:read"]),
            sees: STAKE,
            ..Default::default()
        },
        Target {
            name: "the co-inventor's line among its inventors",
            locate: (
                "query($milana: ID!) { node(id: $milana) { ... on Person { inventions(first: 100) { edges { node { shareBasisPoints person { id } technology { reference } } } } } } }",
                "/node/inventions/edges/*/node",
            ),
            pick: Some(("/technology/reference", "SUMHS-2026-101")),
            key: &["/shareBasisPoints", "/person/id"],
            paths: vec![nested(
                "query($coInvented: ID!) { node(id: $coInvented) { ... on Technology { inventors(first: 10) { totalCount edges { node { shareBasisPoints person { id } } } } } } }",
                "/node/inventors",
            )],
            scopes: (&["technology:read"], &["stats:read"]),
            sees: STAKE,
            ..Default::default()
        },
        Target {
            name: "its PUBLISHED CN application (sumhs alone): published data, for the co-inventor too",
            locate: ("query($coPublished: ID!) { node(id: $coPublished) { id } }", "/node"),
            key: ID,
            node: true,
            paths: asset_paths(),
            probe: Some(
                "mutation($id: ID!) { updateIpAsset(input: { id: $id, expectedVersion: 999, title: \"x\" }) { ipAsset { id } } }",
            ),
            scopes: IP_SCOPES,
            sees: STAKE,
            ..Default::default()
        },
        Target {
            name: "its DRAFTING CN filing (sumhs alone): not for the co-inventor",
            locate: ("query($coDraft: ID!) { node(id: $coDraft) { id } }", "/node"),
            key: ID,
            node: true,
            paths: asset_paths(),
            probe: Some(
                "mutation($id: ID!) { updateIpAsset(input: { id: $id, expectedVersion: 999, title: \"x\" }) { ipAsset { id } } }",
            ),
            scopes: IP_SCOPES,
            sees: OWNER_ONLY,
            ..Default::default()
        },
        Target {
            name: "a licence of SUMHS-2025-003 (PCT co-owned by unibl) to an external company",
            locate: ("query($galenika: ID!) { node(id: $galenika) { id } }", "/node"),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { totalCount edges { node { id } } } }",
                    "/deals",
                ),
                search(
                    "query($tech3: ID) { deals(first: 100, filter: { technology: $tech3 }) { totalCount edges { node { id } } } }",
                    "/deals",
                ),
                nested(
                    r#"{ technology(reference: "SUMHS-2025-003") { deals(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/technology/deals",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { transitionDeal(input: { id: $id, to: TERMINATED, expectedVersion: 999 }) { deal { id } } }",
            ),
            scopes: DEAL_SCOPES,
            sees: STAKE,
            ..Default::default()
        },
        Target {
            name: "a royalty report on it (the co-owner shares in the royalty)",
            locate: (
                "query($galenikaReport: ID!) { node(id: $galenikaReport) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ royaltyReports(first: 100) { totalCount edges { node { id } } } }",
                    "/royaltyReports",
                ),
                search(
                    "query($galenika: ID) { royaltyReports(first: 100, filter: { dealId: $galenika, status: SUBMITTED, periodFrom: \"2026-06-30\" }) { totalCount edges { node { id } } } }",
                    "/royaltyReports",
                ),
                nested(
                    "query($galenika: ID!) { node(id: $galenika) { ... on Deal { royaltyReports(first: 20) { totalCount edges { node { id } } } } } }",
                    "/node/royaltyReports",
                ),
            ],
            probe: Some(
                "mutation($id: ID!) { decideRoyaltyReport(input: { id: $id, status: DISPUTED, reason: \"r\" }) { royaltyReport { id } } }",
            ),
            scopes: DEAL_SCOPES,
            sees: STAKE,
            ..Default::default()
        },
        Target {
            name: "the royalty received on it",
            locate: (
                "query($galenikaIncome: ID!) { node(id: $galenikaIncome) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(
                    "{ deals(first: 100) { edges { node { incomes(first: 20) { totalCount edges { node { id } } } } } } }",
                    "/deals/edges/*/node/incomes",
                ),
                nested(
                    "query($galenika: ID!) { node(id: $galenika) { ... on Deal { incomes(first: 20) { totalCount edges { node { id } } } } } }",
                    "/node/incomes",
                ),
            ],
            probe: Some(
                "mutation($galenika: ID!) { recordIncome(input: { dealId: $galenika, kind: ROYALTY, amount: { amount: \"1.00\", currency: \"EUR\" } }) { income { id } } }",
            ),
            scopes: (&["technology:read", "deal:read"], &["technology:read"]),
            sees: STAKE,
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn co_inventors_and_co_owners_see_their_stake() {
    check_with(targets(), async |app, v| stakes(app, v).await).await;
}

/// The income's distribution: the provider sees every line; the co-owner the inventors' and its
/// own; the outsider not even the income.
#[tokio::test]
async fn a_co_owner_sees_the_distribution_lines_that_concern_it() {
    let app = TestApp::new().await;
    let mut v = super::fixture::fixture(&app).await;
    stakes(&app, &mut v).await;
    let q =
        "query($galenikaIncome: ID!) { node(id: $galenikaIncome) { ... on Income { distribution {
        inventors { amount { amount } person { fullName } }
        institutions { shareBasisPoints amount { amount } institution { slug } } } } } }";
    let lines = async |email: &str| {
        let token = app.user_token(email).await;
        app.gql(Some(&token), q, v.clone()).await.data()["node"].clone()
    };
    let slugs = |node: &Value| -> Vec<String> {
        node["distribution"]["institutions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["institution"]["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let sumhs = lines("member@sumhs.example").await;
    let unibl = lines("member@unibl.example").await;
    assert_eq!(slugs(&sumhs), ["sumhs", "unibl"], "{sumhs}");
    assert_eq!(slugs(&unibl), ["unibl"], "{unibl}");
    // The co-owner's own line and the inventors' lines are the provider's, to the cent.
    assert_eq!(
        unibl["distribution"]["institutions"][0],
        sumhs["distribution"]["institutions"][1]
    );
    assert_eq!(
        unibl["distribution"]["inventors"],
        sumhs["distribution"]["inventors"]
    );
    assert_eq!(
        unibl["distribution"]["inventors"].as_array().unwrap().len(),
        3
    );
    assert_eq!(lines("member@bg.example").await, Value::Null);
}
