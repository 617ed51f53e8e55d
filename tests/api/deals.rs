//! Deals: who sees them (their parties only, on every path, counts included), filters and
//! orderings, opening deals and the stage machine with its history. Royalty reports and income:
//! `royalties.rs`.

use serde_json::{Value, json};

use crate::support::{TestApp, nodes};

pub(crate) const DEAL: &str = "
fragment D on Deal {
  id kind stage territory royaltyBasisPoints currency signedOn crossBorder version
  upfront { amount currency }
  provider { slug }
  recipient { __typename ... on Institution { slug } ... on ExternalOrganization { name country region } }
  technology { reference }
  events(first: 10) { totalCount edges { node { fromStage toStage actorLabel note } } }
  royaltyReports(first: 10) { totalCount edges { node { id status periodStart periodEnd netSales { amount } royaltyDue { amount } decidedAt } } }
  incomes(first: 10) { totalCount edges { node { kind amount { amount currency } distribution {
    inventorShareBasisPoints
    inventors { person { fullName } shareBasisPoints amount { amount currency } }
    institutions { institution { slug } shareBasisPoints amount { amount } }
  } } } }
}";

pub(crate) async fn technology_id(app: &TestApp, reference: &str) -> String {
    let admin = app.user_token("admin@center.example").await;
    let r = app
        .gql(
            Some(&admin),
            "query($r: String!) { technology(reference: $r) { id } }",
            json!({ "r": reference }),
        )
        .await;
    r.data()["technology"]["id"].as_str().unwrap().to_owned()
}

/// The demo licence SUMHS-2025-001 sumhs → unibl, as the center admin sees it.
pub(crate) async fn demo_licence(app: &TestApp) -> Value {
    let admin = app.user_token("admin@center.example").await;
    let tech = technology_id(app, "SUMHS-2025-001").await;
    let r = app
        .gql(
            Some(&admin),
            &format!("query($t: ID!) {{ deals(first: 5, filter: {{ technology: $t }}) {{ edges {{ node {{ ...D }} }} }} }} {DEAL}"),
            json!({ "t": tech }),
        )
        .await;
    r.data()["deals"]["edges"][0]["node"].clone()
}

pub(crate) fn money_sum(parts: &Value) -> i64 {
    parts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let a = p["amount"]["amount"].as_str().unwrap();
            let (w, f) = a.split_once('.').unwrap();
            w.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
        })
        .sum()
}

/// Every path a viewer could reach the demo licence by, with its counts.
async fn paths(app: &TestApp, token: Option<&str>, deal_id: &str) -> Value {
    let sumhs = app.institution_id("sumhs").await;
    let sumhs = biobridge::graphql::ids::encode("Institution", sumhs);
    let q = "query($id: ID!, $sumhs: ID!) {
      all: deals { totalCount edges { node { id } } }
      byProvider: deals(filter: { provider: $sumhs }) { totalCount }
      crossing: deals(filter: { crossBorder: true }) { totalCount }
      node(id: $id) { id }
      technology(reference: \"SUMHS-2025-001\") { deals { totalCount edges { node { id } } } }
      provider: institution(slug: \"sumhs\") { deals { totalCount edges { node { id } } } }
      recipient: institution(slug: \"unibl\") { deals { totalCount edges { node { id } } } }
    }";
    let r = app
        .gql(token, q, json!({ "id": deal_id, "sumhs": sumhs.0 }))
        .await;
    r.data().clone()
}

#[tokio::test]
async fn the_parties_see_the_demo_licence_and_nobody_else_does() {
    let app = TestApp::new().await;
    let licence = demo_licence(&app).await;
    let id = licence["id"].as_str().unwrap().to_owned();
    assert_eq!(licence["stage"], "ACTIVE");
    assert_eq!(licence["crossBorder"], true);
    assert_eq!(licence["recipient"]["slug"], "unibl");
    assert_eq!(
        licence["upfront"],
        json!({ "amount": "15000.00", "currency": "EUR" })
    );

    for email in ["member@sumhs.example", "member@unibl.example"] {
        let token = app.user_token(email).await;
        let r = app
            .gql(
                Some(&token),
                &format!("query($id: ID!) {{ node(id: $id) {{ ...D }} }} {DEAL}"),
                json!({ "id": id }),
            )
            .await;
        let seen = &r.data()["node"];
        if email.contains("unibl") {
            // The distribution is the provider's accounting; the licensee sees everything else.
            let mut expected = licence.clone();
            for e in expected["incomes"]["edges"].as_array_mut().unwrap() {
                e["node"]["distribution"] = Value::Null;
            }
            assert_eq!(
                seen, &expected,
                "{email} sees the licence but not the provider's split"
            );
        } else {
            assert_eq!(seen, &licence, "{email} sees the whole licence");
        }
        assert_eq!(seen["events"]["totalCount"], 5);
        assert_eq!(seen["royaltyReports"]["totalCount"], 2);
        assert_eq!(seen["incomes"]["totalCount"], 2);

        let p = paths(&app, Some(&token), &id).await;
        assert_eq!(p["node"]["id"], id);
        assert!(nodes(&p, &["all"], "id").contains(&id.as_str()), "{email}");
        assert_eq!(nodes(&p, &["technology", "deals"], "id"), vec![id.as_str()]);
        assert!(nodes(&p, &["provider", "deals"], "id").contains(&id.as_str()));
        assert!(nodes(&p, &["recipient", "deals"], "id").contains(&id.as_str()));
        assert_eq!(p["byProvider"]["totalCount"], 1);
    }
    // unibl is party to its own Hemofarm deal too; the counts say exactly that.
    let unibl = app.user_token("member@unibl.example").await;
    let p = paths(&app, Some(&unibl), &id).await;
    assert_eq!(p["all"]["totalCount"], 2);
    assert_eq!(p["recipient"]["deals"]["totalCount"], 2);
    assert_eq!(p["provider"]["deals"]["totalCount"], 1);

    // The demo upfront splits 50/50, the inventors' half 60/40, to the cent.
    let upfront = &licence["incomes"]["edges"][0]["node"];
    assert_eq!(upfront["kind"], "UPFRONT");
    let d = &upfront["distribution"];
    assert_eq!(d["inventorShareBasisPoints"], 5000);
    assert_eq!(
        d["inventors"],
        json!([
            { "person": { "fullName": "Chen Hong" }, "shareBasisPoints": 6000, "amount": { "amount": "4500.00", "currency": "EUR" } },
            { "person": { "fullName": "Wang Lei" }, "shareBasisPoints": 4000, "amount": { "amount": "3000.00", "currency": "EUR" } },
        ])
    );
    assert_eq!(
        d["institutions"],
        json!([{ "institution": { "slug": "sumhs" }, "shareBasisPoints": 10000, "amount": { "amount": "7500.00" } }])
    );

    // Outsiders, analysts and anonymous visitors: nothing, on any path, and the counts agree.
    let bg = app.user_token("member@bg.example").await;
    let analyst = app.user_token("analyst@center.example").await;
    for token in [Some(bg.as_str()), Some(analyst.as_str()), None] {
        let p = paths(&app, token, &id).await;
        assert_eq!(p["node"], Value::Null);
        for counted in [
            &p["all"],
            &p["byProvider"],
            &p["crossing"],
            &p["technology"]["deals"],
            &p["provider"]["deals"],
            &p["recipient"]["deals"],
        ] {
            assert_eq!(counted["totalCount"], 0, "{p}");
            assert_eq!(counted["edges"].as_array().map_or(0, Vec::len), 0);
        }
    }
}

#[tokio::test]
async fn filters_and_orderings_agree_with_the_fields() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let q = "query($f: DealFilter, $o: DealOrder) { deals(filter: $f, orderBy: $o) { totalCount edges { node {
        crossBorder signedOn stage provider { slug }
        recipient { ... on Institution { slug } ... on ExternalOrganization { name country region } } } } } }";
    let list = |f: Value, o: Value| {
        let (app, admin) = (&app, &admin);
        async move {
            let r = app.gql(Some(admin), q, json!({ "f": f, "o": o })).await;
            r.data()["deals"].clone()
        }
    };
    let all = list(json!({}), Value::Null).await;
    // Four deals of the center's first year, three of the history (src/seed/history.rs).
    assert_eq!(all["totalCount"], 7);
    for cross in [true, false] {
        let l = list(json!({ "crossBorder": cross }), Value::Null).await;
        // Across: sumhs → unibl, zju → unizg, zju → Bosnalijek (BA), fudan → unizg.
        assert_eq!(
            l["totalCount"],
            if cross { 4 } else { 3 },
            "crossBorder: {cross}"
        );
        for e in l["edges"].as_array().unwrap() {
            assert_eq!(e["node"]["crossBorder"], cross, "{e}");
        }
    }
    // An external recipient's region follows its country: Hemofarm (RS) is Balkan, so the
    // unibl → Hemofarm deal stays within the region; a Chinese company counts as the delta.
    let within = list(json!({ "crossBorder": false }), Value::Null).await;
    let externals: Vec<_> = within["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["recipient"]["region"].as_str().unwrap())
        .collect();
    assert!(externals.contains(&"BALKAN_PENINSULA") && externals.contains(&"YANGTZE_RIVER_DELTA"));

    assert_eq!(
        list(json!({ "stage": "ACTIVE" }), Value::Null).await["totalCount"],
        4
    );
    assert_eq!(
        list(json!({ "kind": "OPTION" }), Value::Null).await["totalCount"],
        1
    );
    let unibl = biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await);
    let to_unibl = list(json!({ "recipient": unibl.0 }), Value::Null).await;
    assert_eq!(to_unibl["totalCount"], 1);
    assert_eq!(to_unibl["edges"][0]["node"]["provider"]["slug"], "sumhs");

    // Active deals by signing date, newest first (unsigned ones: see `input_hardening`).
    let signed = list(
        json!({ "stage": "ACTIVE" }),
        json!({ "field": "SIGNED_ON", "direction": "DESC" }),
    )
    .await;
    let dates: Vec<_> = signed["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["signedOn"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        vec!["2026-09-15", "2026-01-20", "2025-11-18", "2025-07-08"]
    );

    let bad = app
        .gql(Some(&admin), q, json!({ "f": { "provider": "nope" } }))
        .await;
    assert_eq!(bad.code(), "BAD_USER_INPUT");
    assert_eq!(bad.body["errors"][0]["extensions"]["field"], "provider");
}

pub(crate) const CREATE: &str = "mutation($input: CreateDealInput!) { createDeal(input: $input) { deal { id stage version signedOn crossBorder upfront { amount currency } provider { slug } events { totalCount edges { node { fromStage toStage actorLabel note } } } } } }";
pub(crate) const MOVE: &str = "mutation($input: TransitionDealInput!) { transitionDeal(input: $input) { deal { stage version signedOn events { totalCount edges { node { fromStage toStage note } } } } } }";

pub(crate) async fn create_licence(app: &TestApp, token: &str, reference: &str) -> Value {
    let tech = technology_id(app, reference).await;
    let unibl = biobridge::graphql::ids::encode("Institution", app.institution_id("unibl").await);
    let r = app
        .gql(
            Some(token),
            CREATE,
            json!({ "input": {
                "technologyId": tech, "kind": "NON_EXCLUSIVE_LICENSE",
                "recipientInstitutionId": unibl.0, "territory": "Bosnia and Herzegovina",
                "upfront": { "amount": "5000", "currency": "EUR" }, "royaltyBasisPoints": 250,
                "currency": "EUR", "note": "Met at the Banja Luka partnering day."
            } }),
        )
        .await;
    r.data()["createDeal"]["deal"].clone()
}

pub(crate) async fn audit_count(app: &TestApp, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_licence_moves_from_lead_to_active_with_its_history() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let deal = create_licence(&app, &sumhs, "SUMHS-2025-003").await;
    assert_eq!(deal["stage"], "LEAD");
    assert_eq!(deal["version"], 1);
    assert_eq!(deal["provider"]["slug"], "sumhs");
    assert_eq!(deal["crossBorder"], true);
    assert_eq!(
        deal["upfront"],
        json!({ "amount": "5000.00", "currency": "EUR" })
    );
    assert_eq!(
        deal["events"]["edges"][0]["node"],
        json!({ "fromStage": null, "toStage": "LEAD", "actorLabel": "Liu Yang", "note": "Met at the Banja Luka partnering day." })
    );
    assert_eq!(audit_count(&app, "deal.create").await, 1);
    let id = deal["id"].as_str().unwrap().to_owned();

    let mut version = 1;
    for (to, extra) in [
        ("NEGOTIATION", json!({})),
        ("TERM_SHEET", json!({ "note": "2.5% royalty agreed" })),
        ("SIGNED", json!({ "signedOn": "2026-01-15" })),
        ("ACTIVE", json!({})),
    ] {
        let mut input = json!({ "id": id, "to": to, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let r = app.gql(Some(&sumhs), MOVE, json!({ "input": input })).await;
        let d = &r.data()["transitionDeal"]["deal"];
        version += 1;
        assert_eq!(d["stage"], to);
        assert_eq!(d["version"], version);
    }
    let r = app
        .gql(
            Some(&sumhs),
            MOVE,
            json!({ "input": { "id": id, "to": "NEGOTIATION", "expectedVersion": version } }),
        )
        .await;
    // An invalid move names the allowed targets, and changes nothing.
    assert_eq!(r.code(), "BAD_USER_INPUT");
    let err = &r.body["errors"][0];
    assert_eq!(err["extensions"]["field"], "to");
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("COMPLETED") && msg.contains("TERMINATED"),
        "{msg}"
    );

    // A stale version is a conflict.
    let r = app
        .gql(
            Some(&sumhs),
            MOVE,
            json!({ "input": { "id": id, "to": "COMPLETED", "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");

    let unibl = app.user_token("member@unibl.example").await;
    let r = app
        .gql(
            Some(&unibl),
            &format!("query($id: ID!) {{ node(id: $id) {{ ...D }} }} {DEAL}"),
            json!({ "id": id }),
        )
        .await;
    let d = &r.data()["node"];
    assert_eq!(d["stage"], "ACTIVE");
    assert_eq!(d["signedOn"], "2026-01-15");
    let steps: Vec<_> = d["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["fromStage"].clone(), e["node"]["toStage"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("LEAD")),
            (json!("LEAD"), json!("NEGOTIATION")),
            (json!("NEGOTIATION"), json!("TERM_SHEET")),
            (json!("TERM_SHEET"), json!("SIGNED")),
            (json!("SIGNED"), json!("ACTIVE")),
        ]
    );
    assert_eq!(audit_count(&app, "deal.transition").await, 4);

    // The recipient cannot move the provider's deal; an outsider cannot even find it.
    let bg = app.user_token("member@bg.example").await;
    let terminate =
        json!({ "input": { "id": id, "to": "TERMINATED", "expectedVersion": version } });
    assert_eq!(
        app.gql(Some(&unibl), MOVE, terminate.clone()).await.code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(&bg), MOVE, terminate).await.code(),
        "NOT_FOUND"
    );
}

#[tokio::test]
async fn who_may_open_and_move_deals() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;
    let analyst = app.user_token("analyst@center.example").await;

    // Only the owner offers its technology: unibl sees the PUBLIC SUMHS-2025-001 but may not
    // license it out; bg does not see the CONFIDENTIAL SUMHS-2025-003 at all.
    for (token, reference, code) in [
        (&unibl, "SUMHS-2025-001", "FORBIDDEN"),
        (&bg, "SUMHS-2025-003", "NOT_FOUND"),
        (&analyst, "SUMHS-2025-001", "FORBIDDEN"),
    ] {
        let tech = technology_id(&app, reference).await;
        let r = app
            .gql(
                Some(token),
                CREATE,
                json!({ "input": { "technologyId": tech, "kind": "OPTION", "recipientExternal": { "name": "Galenika a.d.", "country": "RS" }, "currency": "EUR" } }),
            )
            .await;
        assert_eq!(r.code(), code, "{reference}");
    }

    // bg sees the CONSORTIUM technology but not the deal on it; the recipient may not advance
    // the deal, only walk away before signing.
    let deal = create_licence(&app, &sumhs, "SUMHS-2025-002").await;
    let id = deal["id"].as_str().unwrap();
    let r = app
        .gql(
            Some(&bg),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r.data()["node"], Value::Null);
    let r = app
        .gql(
            Some(&unibl),
            MOVE,
            json!({ "input": { "id": id, "to": "NEGOTIATION", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let r = app
        .gql(
            Some(&unibl),
            MOVE,
            json!({ "input": { "id": id, "to": "LOST", "expectedVersion": 1, "note": "Budget cut." } }),
        )
        .await;
    assert_eq!(r.data()["transitionDeal"]["deal"]["stage"], "LOST");
}
