//! Ventures as companies: legal form, the lead institution's equity stake over rounds, and a
//! startup licence (a deal whose recipient is a venture of the incubator).

use serde_json::{Value, json};

use crate::deals::technology_id;
use crate::support::TestApp;

const VENTURE: &str = "query($id: ID!) { node(id: $id) { ... on Venture { legalForm equityBasisPoints equityChanges { round changedOn equityBasisPoints note } } } }";
const EQUITY: &str = "mutation($i: RecordVentureEquityInput!) { recordVentureEquity(input: $i) { venture { equityBasisPoints } } }";

#[tokio::test]
async fn a_venture_records_its_legal_form_equity_rounds_and_takes_a_startup_licence() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;
    let tech = technology_id(&app, "SUMHS-2025-003").await;
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($t: ID!) { createVenture(input: { name: \"MicroPatch Therapeutics\", cohort: \"2026-spring\", technologyId: $t }) { venture { id version } } }",
            json!({ "t": tech }),
        )
        .await;
    let venture = r.data()["createVenture"]["venture"].clone();
    let id = venture["id"].clone();

    let r = app
        .gql(
            Some(&sumhs),
            "mutation($i: SetVentureLegalFormInput!) { setVentureLegalForm(input: $i) { venture { legalForm version } } }",
            json!({ "i": { "id": id, "expectedVersion": venture["version"], "legalForm": " LLC " } }),
        )
        .await;
    assert_eq!(
        r.data()["setVentureLegalForm"]["venture"],
        json!({ "legalForm": "LLC", "version": 2 })
    );

    // Founding at 40%, diluted to 25% by the seed round (recorded out of order).
    for (round, on, bp) in [
        ("seed", "2026-06-01", 2500),
        ("founding", "2026-01-10", 4000),
    ] {
        let r = app
            .gql(
                Some(&sumhs),
                EQUITY,
                json!({ "i": { "ventureId": id, "round": round, "changedOn": on, "equityBasisPoints": bp } }),
            )
            .await;
        r.data();
    }
    let v = app.gql(Some(&sumhs), VENTURE, json!({ "id": id })).await;
    assert_eq!(
        v.data()["node"],
        json!({ "legalForm": "LLC", "equityBasisPoints": 2500, "equityChanges": [
            { "round": "founding", "changedOn": "2026-01-10", "equityBasisPoints": 4000, "note": null },
            { "round": "seed", "changedOn": "2026-06-01", "equityBasisPoints": 2500, "note": null }
        ] })
    );
    // The cohort (bg too) sees the venture as the lead institution does; anonymous nothing.
    assert_eq!(
        app.gql(Some(&bg), VENTURE, json!({ "id": id }))
            .await
            .data(),
        v.data()
    );
    assert_eq!(
        app.gql(None, VENTURE, json!({ "id": id })).await.data()["node"],
        Value::Null
    );

    // Only the lead institution records its stake; a stake is 0–10000 basis points.
    let input =
        |bp: i64| json!({ "i": { "ventureId": id, "round": "Series A", "equityBasisPoints": bp } });
    assert_eq!(
        app.gql(Some(&unibl), EQUITY, input(1000)).await.code(),
        "FORBIDDEN"
    );
    let r = app.gql(Some(&sumhs), EQUITY, input(12_000)).await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "equityBasisPoints"
    );

    // sumhs licenses the technology to its startup: the deal's recipient is the venture.
    const DEAL: &str = "mutation($i: CreateDealInput!) { createDeal(input: $i) { deal { id toStartup recipient { __typename ... on Venture { name } } } } }";
    let r = app
        .gql(
            Some(&sumhs),
            DEAL,
            json!({ "i": { "technologyId": tech, "kind": "EXCLUSIVE_LICENSE", "currency": "CNY", "recipientVentureId": id } }),
        )
        .await;
    let deal = r.data()["createDeal"]["deal"].clone();
    assert_eq!(
        (&deal["toStartup"], &deal["recipient"]),
        (
            &json!(true),
            &json!({ "__typename": "Venture", "name": "MicroPatch Therapeutics" })
        )
    );
    let q = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(
        app.gql(Some(&bg), q, json!({ "id": deal["id"] }))
            .await
            .data()["node"],
        Value::Null
    );
    // One recipient only.
    let r = app
        .gql(
            Some(&sumhs),
            DEAL,
            json!({ "i": { "technologyId": tech, "kind": "OPTION", "currency": "CNY", "recipientVentureId": id,
                           "recipientExternal": { "name": "Galenika a.d.", "country": "RS" } } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
}
