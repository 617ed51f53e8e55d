//! Issue 3, "Done when", on the demo data — spelled out, path by path.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use super::fixture;
use crate::support::{TestApp, nodes};

/// `totalCount` of the connection at `conn`, after checking it agrees with the rows.
fn total(data: &Value, conn: &str) -> u64 {
    let c = data
        .pointer(conn)
        .unwrap_or_else(|| panic!("no {conn} in {data}"));
    let rows = c["edges"].as_array().unwrap().len() as u64;
    let total = c["totalCount"].as_u64().unwrap();
    assert!(
        total == rows || rows == 100,
        "totalCount {total} but {rows} rows at {conn}"
    );
    total
}

#[tokio::test]
async fn unibl_sees_the_co_owned_technology_but_not_its_drafting_utility_model() {
    let app = TestApp::new().await;
    let fx = fixture(&app).await;
    let unibl = app.user_token("member@unibl.example").await;
    let r = app
        .gql(
            Some(&unibl),
            r#"query($tech3: ID, $pct: ID!, $um: ID!) {
                technology(reference: "SUMHS-2025-003") {
                    reference
                    ipAssets(first: 100) { totalCount edges { node { id kind status } } }
                }
                ipAssets(first: 100, filter: { technology: $tech3 }) { totalCount edges { node { id kind } } }
                pct: node(id: $pct) { id }
                um: node(id: $um) { id }
            }"#,
            fx.clone(),
        )
        .await;
    let d = r.data();
    assert_eq!(d["technology"]["reference"], "SUMHS-2025-003");
    assert_eq!(
        nodes(d, &["technology", "ipAssets"], "kind"),
        ["PCT_APPLICATION"]
    );
    assert_eq!(total(d, "/technology/ipAssets"), 1);
    assert_eq!(nodes(d, &["ipAssets"], "kind"), ["PCT_APPLICATION"]);
    assert_eq!(total(d, "/ipAssets"), 1);
    assert_eq!(d["pct"]["id"], fx["pct"]);
    assert!(
        d["um"].is_null(),
        "unibl sees the DRAFTING utility model: {d}"
    );
}

#[tokio::test]
async fn bg_sees_neither_and_no_sumhs_deal() {
    let app = TestApp::new().await;
    let fx = fixture(&app).await;
    let bg = app.user_token("member@bg.example").await;
    let r = app
        .gql(
            Some(&bg),
            r#"query($tech3: ID!, $pct: ID!, $um: ID!, $licence: ID!, $sumhs: ID) {
                technology(reference: "SUMHS-2025-003") { id }
                tech3: node(id: $tech3) { id }
                technologies(first: 100) { totalCount edges { node { id reference } } }
                pct: node(id: $pct) { id }
                um: node(id: $um) { id }
                ipAssets(first: 100) { totalCount edges { node { id technology { reference } } } }
                licence: node(id: $licence) { id }
                deals(first: 100) { totalCount edges { node { id provider { slug } recipient { ... on Institution { slug } } } } }
                provided: deals(first: 100, filter: { provider: $sumhs }) { totalCount edges { node { id } } }
                received: deals(first: 100, filter: { recipient: $sumhs }) { totalCount edges { node { id } } }
                institution(slug: "sumhs") { deals(first: 100) { totalCount edges { node { id } } } }
                public: technology(reference: "SUMHS-2025-001") { deals(first: 100) { totalCount edges { node { id } } } }
            }"#,
            fx.clone(),
        )
        .await;
    let d = r.data();
    assert!(d["technology"].is_null() && d["tech3"].is_null(), "{d}");
    total(d, "/technologies");
    assert!(
        !nodes(d, &["technologies"], "reference").contains(&"SUMHS-2025-003"),
        "{d}"
    );
    assert!(d["pct"].is_null() && d["um"].is_null(), "{d}");
    total(d, "/ipAssets");
    for asset in d["ipAssets"]["edges"].as_array().unwrap() {
        assert_ne!(
            asset["node"]["technology"]["reference"], "SUMHS-2025-003",
            "{d}"
        );
    }
    assert!(d["licence"].is_null(), "{d}");
    total(d, "/deals");
    for deal in d["deals"]["edges"].as_array().unwrap() {
        assert_ne!(deal["node"]["provider"]["slug"], "sumhs", "{d}");
        assert_ne!(deal["node"]["recipient"]["slug"], "sumhs", "{d}");
    }
    assert_eq!(total(d, "/provided"), 0);
    assert_eq!(total(d, "/received"), 0);
    assert_eq!(total(d, "/institution/deals"), 0);
    assert_eq!(total(d, "/public/deals"), 0);
}

#[tokio::test]
async fn the_analyst_does_not_see_unibl_2025_001() {
    let app = TestApp::new().await;
    let fx = fixture(&app).await;
    let analyst = app.user_token("analyst@center.example").await;
    let r = app
        .gql(
            Some(&analyst),
            r#"query($unibl1: ID!) {
                technology(reference: "UNIBL-2025-001") { id }
                node(id: $unibl1) { id }
                technologies(first: 100) { totalCount edges { node { reference } } }
                ofUnibl: technologies(first: 100, filter: { ownerSlug: "unibl" }) { totalCount edges { node { reference } } }
                searched: technologies(first: 100, filter: { search: "impedance" }) { totalCount edges { node { reference } } }
                institution(slug: "unibl") { technologies(first: 100) { totalCount edges { node { reference } } } }
            }"#,
            fx.clone(),
        )
        .await;
    let d = r.data();
    assert!(d["technology"].is_null() && d["node"].is_null(), "{d}");
    for conn in [
        "/technologies",
        "/ofUnibl",
        "/searched",
        "/institution/technologies",
    ] {
        total(d, conn);
        let refs: Vec<&str> = d.pointer(conn).unwrap()["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["reference"].as_str().unwrap())
            .collect();
        assert!(!refs.contains(&"UNIBL-2025-001"), "{conn}: {refs:?}");
    }
    // …while the PUBLIC one of the same institution is there.
    assert_eq!(nodes(d, &["ofUnibl"], "reference"), ["UNIBL-2025-002"]);
}

#[tokio::test]
async fn the_center_admin_sees_everything() {
    let app = TestApp::new().await;
    let fx = fixture(&app).await;
    let admin = app.user_token("admin@center.example").await;
    macro_rules! rows {
        ($entity:ident) => {
            entity::$entity::Entity::find()
                .count(&app.db)
                .await
                .unwrap()
        };
    }
    let expected = [
        ("institutions", rows!(institution)),
        ("people", rows!(person)),
        ("technologies", rows!(technology)),
        ("ipAssets", rows!(ip_asset)),
        ("deals", rows!(deal)),
        ("ventures", rows!(venture)),
        ("trainingPrograms", rows!(training_program)),
        ("agreements", rows!(agreement)),
        ("users", rows!(user)),
        ("apiTokens", rows!(api_token)),
        ("auditEvents", rows!(audit_event)),
    ];
    for (root, rows) in expected {
        let q = format!("{{ {root}(first: 100) {{ totalCount edges {{ node {{ id }} }} }} }}");
        let r = app.gql(Some(&admin), &q, json!({})).await;
        assert!(rows > 0, "{root}: no rows to see");
        assert_eq!(total(r.data(), &format!("/{root}")), rows, "{root}");
    }
    // The rows the others may not see, by id.
    for var in [
        "tech3",
        "unibl1",
        "pct",
        "um",
        "licence",
        "hemofarm",
        "draft",
        "sumhsToken",
        "uniblToken",
    ] {
        let r = app
            .gql(
                Some(&admin),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": fx[var] }),
            )
            .await;
        assert_eq!(r.data()["node"]["id"], fx[var], "{var}");
    }
}
