//! The rows the matrix starts from: ids of demo rows as GraphQL variables, and the rows the
//! demo data lacks, made through the API the way their owners would make them.

use serde_json::{Value, json};

use crate::support::TestApp;

/// Ids of the demo rows the queries start from, as GraphQL variables, after adding the rows
/// the demo data lacks: an API token (and so an audit event) of sumhs and of unibl, a DRAFT
/// agreement between sumhs and unibl, two more DRAFTING IP assets of SUMHS-2025-003, a
/// venture built on it, and a CONFIDENTIAL training program of sumhs.
pub(super) async fn fixture(app: &TestApp) -> Value {
    let admin = app.user_token("admin@center.example").await;
    let ask = |q: &'static str| {
        let admin = admin.clone();
        async move { app.gql(Some(&admin), q, json!({})).await.data().clone() }
    };
    let mut v = serde_json::Map::new();
    let techs = ask("{ technologies(first: 100) { edges { node { id reference } } } }").await;
    for (reference, var) in [
        ("SUMHS-2025-001", "tech"),
        ("SUMHS-2025-002", "tech2"),
        ("SUMHS-2025-003", "tech3"),
        ("UNIBL-2025-001", "unibl1"),
        ("UNIBL-2025-002", "unibl2"),
    ] {
        v.insert(
            var.into(),
            find(&techs, "/technologies", "/reference", reference),
        );
    }
    let insts = ask("{ institutions(first: 100) { edges { node { id slug } } } }").await;
    for slug in ["sumhs", "unibl", "bg"] {
        v.insert(slug.into(), find(&insts, "/institutions", "/slug", slug));
    }
    let people = ask("{ people(first: 100) { edges { node { id fullName } } } }").await;
    for (name, var) in [
        ("Nataša Bojanić", "natasa"),
        ("Milana Šarić", "milana"),
        ("Chen Hong", "chen"),
        ("Zhou Qing", "zhou"),
        ("Marko Nikolić", "marko"),
    ] {
        v.insert(var.into(), find(&people, "/people", "/fullName", name));
    }
    let assets =
        ask("{ ipAssets(first: 100) { edges { node { id kind technology { reference } } } } }")
            .await;
    for asset in assets["ipAssets"]["edges"].as_array().unwrap() {
        let a = &asset["node"];
        if a["technology"]["reference"] == "SUMHS-2025-003" {
            let var = if a["kind"] == "PCT_APPLICATION" {
                "pct"
            } else {
                "um"
            };
            v.insert(var.into(), a["id"].clone());
        }
    }
    let deals =
        ask("{ deals(first: 100) { edges { node { id technology { reference } } } } }").await;
    v.insert(
        "licence".into(),
        find(&deals, "/deals", "/technology/reference", "SUMHS-2025-001"),
    );
    v.insert(
        "hemofarm".into(),
        find(&deals, "/deals", "/technology/reference", "UNIBL-2025-002"),
    );
    let ventures = ask("{ ventures(first: 100) { edges { node { id cohort } } } }").await;
    v.insert(
        "venture".into(),
        find(&ventures, "/ventures", "/cohort", "2025-autumn"),
    );
    let programs = ask("{ trainingPrograms(first: 100) { edges { node { id kind } } } }").await;
    v.insert(
        "program".into(),
        find(&programs, "/trainingPrograms", "/kind", "TEACHER_TRAINING"),
    );
    v.insert(
        "exchange".into(),
        find(&programs, "/trainingPrograms", "/kind", "STUDENT_EXCHANGE"),
    );
    let agreements = ask("{ agreements(first: 100) { edges { node { id kind } } } }").await;
    v.insert(
        "mou".into(),
        find(&agreements, "/agreements", "/kind", "MOU"),
    );
    let inventors = ask(
        r#"{ technology(reference: "SUMHS-2025-003") { inventors(first: 100) { edges { node { person { id } shareBasisPoints } } } } }"#,
    )
    .await;
    let inventors: Vec<Value> = inventors["technology"]["inventors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            json!({ "personId": e["node"]["person"]["id"], "shareBasisPoints": e["node"]["shareBasisPoints"] })
        })
        .collect();
    v.insert("inventors3".into(), json!(inventors));
    v.insert(
        "owners".into(),
        json!([
            { "institutionId": v["sumhs"], "shareBasisPoints": 7000 },
            { "institutionId": v["unibl"], "shareBasisPoints": 3000 },
        ]),
    );

    // The rows the demo data lacks, made the way their owners would make them.
    for (manager, var) in [
        ("manager@sumhs.example", "sumhsToken"),
        ("manager@unibl.example", "uniblToken"),
    ] {
        let manager = app.user_token(manager).await;
        let r = app
            .gql(
                Some(&manager),
                "mutation { createApiToken(input: { name: \"ERP royalty export\", scopes: [\"deal:read\"] }) { apiToken { id } } }",
                json!({}),
            )
            .await;
        v.insert(
            var.into(),
            r.data()["createApiToken"]["apiToken"]["id"].clone(),
        );
    }
    let manager = app.user_token("manager@sumhs.example").await;
    // A webhook of sumhs (an address in a documentation range: public, never reached here).
    let r = app
        .gql(
            Some(&manager),
            "mutation { createWebhook(input: { url: \"https://203.0.113.10/biobridge\", events: [ENROLLMENT_CHANGED] }) { webhook { id } } }",
            json!({}),
        )
        .await;
    v.insert(
        "sumhsWebhook".into(),
        r.data()["createWebhook"]["webhook"]["id"].clone(),
    );
    let r = app
        .gql(
            Some(&manager),
            "mutation($parties: [ID!]!) { createAgreement(input: { title: \"Joint laboratory for transdermal delivery (draft)\", kind: RESEARCH_COLLABORATION, signedOn: \"2026-11-01\", partyIds: $parties }) { agreement { id status } } }",
            json!({ "parties": [v["sumhs"], v["unibl"]] }),
        )
        .await;
    assert_eq!(r.data()["createAgreement"]["agreement"]["status"], "DRAFT");
    v.insert(
        "draft".into(),
        r.data()["createAgreement"]["agreement"]["id"].clone(),
    );

    // Two more unpublished assets of SUMHS-2025-003, sumhs's alone: the CN national phase of
    // the PCT application (in its family, which unibl sees), and a design with a deadline to
    // come (in `upcomingDeadlines`).
    let member = app.user_token("member@sumhs.example").await;
    for (var, input) in [
        (
            "cnPhase",
            json!({ "technologyId": v["tech3"], "kind": "INVENTION_PATENT", "jurisdiction": "CN",
                    "title": "CN national phase of PCT/CN2026/012345 (in preparation)",
                    "priorityDate": "2025-03-15", "familyParentId": v["pct"] }),
        ),
        (
            "design",
            json!({ "technologyId": v["tech3"], "kind": "DESIGN", "jurisdiction": "CN",
                    "title": "Applicator housing (in preparation)", "priorityDate": "2026-10-01" }),
        ),
    ] {
        let r = app
            .gql(
                Some(&member),
                "mutation($input: CreateIpAssetInput!) { createIpAsset(input: $input) { ipAsset { id status } } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(r.data()["createIpAsset"]["ipAsset"]["status"], "DRAFTING");
        v.insert(
            var.into(),
            r.data()["createIpAsset"]["ipAsset"]["id"].clone(),
        );
    }
    // A venture built on the CONFIDENTIAL technology: the cohort sees the venture, not what it
    // is built on.
    let r = app
        .gql(
            Some(&member),
            "mutation($tech3: ID!) { createVenture(input: { name: \"MicroPatch Therapeutics\", cohort: \"2026-spring\", technologyId: $tech3 }) { venture { id } } }",
            json!({ "tech3": v["tech3"] }),
        )
        .await;
    v.insert(
        "microPatch".into(),
        r.data()["createVenture"]["venture"]["id"].clone(),
    );
    // A CONFIDENTIAL program: for its host only.
    let r = app
        .gql(
            Some(&member),
            "mutation { createTrainingProgram(input: { title: \"Internal GMP refresher for SUMHS pharmacy staff\", kind: WORKSHOP, language: \"zh\", startsOn: \"2027-03-01\", endsOn: \"2027-03-03\", capacity: 30, visibility: CONFIDENTIAL }) { program { id } } }",
            json!({}),
        )
        .await;
    v.insert(
        "internal".into(),
        r.data()["createTrainingProgram"]["program"]["id"].clone(),
    );
    Value::Object(v)
}

/// The id of the first node of the connection at `conn` whose `field` equals `value`.
fn find(data: &Value, conn: &str, field: &str, value: &str) -> Value {
    data.pointer(conn).unwrap()["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n.pointer(field).and_then(Value::as_str) == Some(value))
        .unwrap_or_else(|| panic!("no {value} at {conn}{field}: {data}"))["id"]
        .clone()
}
