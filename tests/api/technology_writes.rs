//! Technology mutations: validation, write rules, optimistic concurrency and the audit trail.

use serde_json::{Value, json};

use crate::support::TestApp;

const CREATE: &str = "mutation($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id reference stage visibility version owner { slug } title zh: title(lang: \"zh\") } } }";

fn new_tech(reference: &str) -> Value {
    json!({
        "reference": reference,
        "title": "Microfluidic sepsis panel",
        "summary": "A cartridge that measures procalcitonin and IL-6 at the bedside.",
        "field": "DIAGNOSTICS",
        "trl": 4,
        "keywords": ["sepsis", "microfluidics", "zq7734"],
        "translations": [{ "lang": "zh", "title": "微流控脓毒症检测板", "summary": "床旁检测降钙素原和IL-6。" }]
    })
}

async fn audit_count(app: &TestApp, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_member_discloses_edits_and_moves_a_technology() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            CREATE,
            json!({ "input": new_tech("sumhs-2026-100") }),
        )
        .await;
    let t = r.data()["createTechnology"]["technology"].clone();
    assert_eq!(t["reference"], "SUMHS-2026-100");
    assert_eq!(t["stage"], "DISCLOSED");
    assert_eq!(t["visibility"], "CONFIDENTIAL");
    assert_eq!(t["owner"]["slug"], "sumhs");
    assert_eq!(t["zh"], "微流控脓毒症检测板");
    assert_eq!(audit_count(&app, "technology.create").await, 1);
    let id = t["id"].as_str().unwrap().to_owned();

    // Outsiders do not see it, not even by searching for it.
    let bg = app.token("bg", "MEMBER").await;
    let r = app
        .gql(
            Some(&bg),
            "{ technologies(filter: { search: \"ZQ7734\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["technologies"]["totalCount"], 0);

    let update = "mutation($input: UpdateTechnologyInput!) { updateTechnology(input: $input) { technology { trl version title } } }";
    let r = app.gql(Some(&sumhs), update, json!({ "input": { "id": id, "expectedVersion": 1, "trl": 5, "title": "Microfluidic sepsis panel v2" } })).await;
    assert_eq!(
        r.data()["updateTechnology"]["technology"],
        json!({ "trl": 5, "version": 2, "title": "Microfluidic sepsis panel v2" })
    );
    // A stale version is a conflict, and nothing changes.
    let r = app
        .gql(
            Some(&sumhs),
            update,
            json!({ "input": { "id": id, "expectedVersion": 1, "trl": 9 } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    let r = app
        .gql(
            Some(&sumhs),
            update,
            json!({ "input": { "id": id, "expectedVersion": 2, "trl": 12 } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "trl");
    // The new title is searchable.
    let r = app
        .gql(
            Some(&sumhs),
            "{ technologies(filter: { search: \"panel v2\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["technologies"]["totalCount"], 1);

    let transition = "mutation($input: TransitionTechnologyInput!) { transitionTechnology(input: $input) { technology { stage version } } }";
    let r = app
        .gql(
            Some(&sumhs),
            transition,
            json!({ "input": { "id": id, "to": "LICENSED", "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ASSESSMENT")
    );
    let r = app
        .gql(
            Some(&sumhs),
            transition,
            json!({ "input": { "id": id, "to": "ASSESSMENT", "expectedVersion": 2 } }),
        )
        .await;
    assert_eq!(
        r.data()["transitionTechnology"]["technology"],
        json!({ "stage": "ASSESSMENT", "version": 3 })
    );
    assert_eq!(audit_count(&app, "technology.transition").await, 1);
}

#[tokio::test]
async fn write_rules_and_errors() {
    let app = TestApp::new().await;
    // Anonymous: log in first.
    let r = app
        .gql(None, CREATE, json!({ "input": new_tech("X-2026-1") }))
        .await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
    // Analysts read only.
    let analyst = app.token("center", "ANALYST").await;
    let r = app
        .gql(
            Some(&analyst),
            CREATE,
            json!({ "input": new_tech("X-2026-2") }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    // A duplicate reference is a conflict naming the field.
    let sumhs = app.token("sumhs", "MEMBER").await;
    let r = app
        .gql(
            Some(&sumhs),
            CREATE,
            json!({ "input": new_tech("SUMHS-2025-001") }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "reference");
    // Only a center admin creates for another institution.
    let unibl_id = app
        .anon(r#"{ institution(slug: "unibl") { id } }"#)
        .await
        .data()["institution"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut input = new_tech("UNIBL-2026-9");
    input["ownerId"] = json!(unibl_id);
    let r = app
        .gql(Some(&sumhs), CREATE, json!({ "input": input.clone() }))
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(Some(&admin), CREATE, json!({ "input": input }))
        .await;
    assert_eq!(
        r.data()["createTechnology"]["technology"]["owner"]["slug"],
        "unibl"
    );

    // Writing what one cannot see is NOT_FOUND; what one sees but does not own, FORBIDDEN.
    let update = "mutation($input: UpdateTechnologyInput!) { updateTechnology(input: $input) { technology { id } } }";
    let id_of = |reference: &str| {
        let app = &app;
        let admin = admin.clone();
        let q = format!("{{ technology(reference: \"{reference}\") {{ id }} }}");
        async move {
            app.gql(Some(&admin), &q, json!({})).await.data()["technology"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let hidden = id_of("UNIBL-2025-001").await;
    let r = app
        .gql(
            Some(&sumhs),
            update,
            json!({ "input": { "id": hidden, "expectedVersion": 1, "trl": 3 } }),
        )
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
    let public = id_of("UNIBL-2025-002").await;
    let r = app
        .gql(
            Some(&sumhs),
            update,
            json!({ "input": { "id": public, "expectedVersion": 1, "trl": 3 } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    // Invalid input never writes half a record.
    let mut bad = new_tech("SUMHS-2026-200");
    bad["translations"] = json!([{ "lang": "zh", "title": "a", "summary": "b" }, { "lang": "zh", "title": "c", "summary": "d" }]);
    let r = app.gql(Some(&sumhs), CREATE, json!({ "input": bad })).await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    let r = app
        .gql(
            Some(&admin),
            "{ technology(reference: \"SUMHS-2026-200\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["technology"], Value::Null);
}

#[tokio::test]
async fn inventors_are_replaced_atomically_and_must_add_up() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let q = r#"{ technology(reference: "SUMHS-2025-001") { id inventors { totalCount edges { node { shareBasisPoints person { id fullName email } } } } } }"#;
    let before = app.gql(Some(&sumhs), q, json!({})).await.data()["technology"].clone();
    let id = before["id"].as_str().unwrap();
    let people: Vec<String> = before["inventors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["person"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!people.is_empty());
    let set = "mutation($input: SetTechnologyInventorsInput!) { setTechnologyInventors(input: $input) { technology { inventors { totalCount edges { node { shareBasisPoints } } } } } }";
    let r = app
        .gql(Some(&sumhs), set, json!({ "input": { "technologyId": id, "inventors": [{ "personId": people[0], "shareBasisPoints": 6000 }] } }))
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "inventors");
    let after = app.gql(Some(&sumhs), q, json!({})).await.data()["technology"].clone();
    assert_eq!(
        after["inventors"]["totalCount"],
        before["inventors"]["totalCount"]
    );
    let r = app
        .gql(Some(&sumhs), set, json!({ "input": { "technologyId": id, "inventors": [{ "personId": people[0], "shareBasisPoints": 10000 }] } }))
        .await;
    assert_eq!(
        r.data()["setTechnologyInventors"]["technology"]["inventors"]["totalCount"],
        1
    );
    // The inventor's e-mail is visible to their own institution only.
    let email = &after["inventors"]["edges"][0]["node"]["person"]["email"];
    assert!(email.is_string());
    let bg = app.token("bg", "MEMBER").await;
    let r = app.gql(Some(&bg), q, json!({})).await;
    let node = &r.data()["technology"]["inventors"]["edges"][0]["node"]["person"];
    assert!(node["fullName"].is_string());
    assert_eq!(node["email"], Value::Null);
}

#[tokio::test]
async fn concurrent_writers_take_turns_and_lose_with_conflict() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let q = r#"{ technology(reference: "SUMHS-2025-001") { id version inventors { edges { node { person { id } } } } } }"#;
    let tech = app.gql(Some(&sumhs), q, json!({})).await.data()["technology"].clone();
    let id = tech["id"].as_str().unwrap().to_owned();
    let people: Vec<String> = tech["inventors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["person"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(people.len() >= 2);

    // Twenty simultaneous edits based on the same version: one wins, the rest are CONFLICT,
    // none fails with an internal error (SQLite's "database is locked" included).
    let update = "mutation($input: UpdateTechnologyInput!) { updateTechnology(input: $input) { technology { version } } }";
    let version = tech["version"].as_i64().unwrap();
    let replies = futures_util::future::join_all((0..20).map(|i| {
        let (app, sumhs, id) = (&app, sumhs.clone(), id.clone());
        async move {
            app.gql(
                Some(&sumhs),
                update,
                json!({ "input": { "id": id, "expectedVersion": version, "trl": 1 + i % 9 } }),
            )
            .await
        }
    }))
    .await;
    let ok = replies
        .iter()
        .filter(|r| r.body.get("errors").is_none())
        .count();
    let conflicts = replies
        .iter()
        .filter(|r| r.body["errors"][0]["extensions"]["code"] == "CONFLICT")
        .count();
    assert_eq!(
        (ok, conflicts),
        (1, 19),
        "{:?}",
        replies.iter().map(|r| &r.body).collect::<Vec<_>>()
    );

    // Simultaneous replacements of the inventors never mix: the shares always add up.
    let set = "mutation($input: SetTechnologyInventorsInput!) { setTechnologyInventors(input: $input) { technology { id } } }";
    let replies = futures_util::future::join_all((0..12).map(|i| {
        let (app, sumhs, id) = (&app, sumhs.clone(), id.clone());
        let inventors = if i % 2 == 0 {
            json!([{ "personId": people[0], "shareBasisPoints": 10000 }])
        } else {
            json!([{ "personId": people[0], "shareBasisPoints": 5000 }, { "personId": people[1], "shareBasisPoints": 5000 }])
        };
        async move { app.gql(Some(&sumhs), set, json!({ "input": { "technologyId": id, "inventors": inventors } })).await }
    }))
    .await;
    for r in &replies {
        let code = r.body["errors"][0]["extensions"]["code"].as_str();
        assert!(code.is_none() || code == Some("CONFLICT"), "{}", r.body);
    }
    let shares = app
        .gql(Some(&sumhs), r#"{ technology(reference: "SUMHS-2025-001") { inventors { edges { node { shareBasisPoints } } } } }"#, json!({}))
        .await
        .data()["technology"]["inventors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["shareBasisPoints"].as_i64().unwrap())
        .sum::<i64>();
    assert_eq!(shares, 10000);
}
