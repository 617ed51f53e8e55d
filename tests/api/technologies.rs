//! Technologies: per-institution visibility on every path, filters, search and validation.

use serde_json::{Value, json};

use crate::support::{TestApp, nodes};

const BY_REF: &str =
    "query($r: String!) { technology(reference: $r) { id reference owner { slug } } }";
const ALL_REFS: &str = "{ technologies(first: 100) { totalCount edges { node { reference } } } }";

async fn references(app: &TestApp, token: Option<&str>) -> (Vec<String>, u64) {
    let r = app.gql(token, ALL_REFS, json!({})).await;
    let data = r.data();
    let refs = nodes(data, &["technologies"], "reference")
        .into_iter()
        .map(String::from)
        .collect();
    (refs, data["technologies"]["totalCount"].as_u64().unwrap())
}

async fn node_of(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    let r = app
        .gql(
            token,
            "query($id: ID!) { node(id: $id) { ... on Technology { reference } } }",
            json!({ "id": id }),
        )
        .await;
    r.data()["node"].clone()
}

#[tokio::test]
async fn a_confidential_technology_is_seen_by_its_owner_only() {
    let app = TestApp::new().await;
    let unibl = app.token("unibl", "MEMBER").await;
    let sumhs = app.token("sumhs", "MEMBER").await;

    // The owner sees it by reference, by node id and in the list.
    let r = app
        .gql(Some(&unibl), BY_REF, json!({ "r": "UNIBL-2025-001" }))
        .await;
    let tech = &r.data()["technology"];
    assert_eq!(tech["owner"]["slug"], "unibl");
    let id = tech["id"].as_str().unwrap().to_owned();
    assert_eq!(
        node_of(&app, Some(&unibl), &id).await["reference"],
        "UNIBL-2025-001"
    );
    let (refs, total) = references(&app, Some(&unibl)).await;
    assert!(refs.contains(&"UNIBL-2025-001".to_owned()));
    assert_eq!(total as usize, refs.len());

    // Another member institution sees it through none of them, and the count agrees.
    let r = app
        .gql(Some(&sumhs), BY_REF, json!({ "r": "UNIBL-2025-001" }))
        .await;
    assert_eq!(r.data()["technology"], Value::Null);
    assert_eq!(node_of(&app, Some(&sumhs), &id).await, Value::Null);
    let (refs, total) = references(&app, Some(&sumhs)).await;
    assert!(!refs.contains(&"UNIBL-2025-001".to_owned()));
    assert_eq!(total as usize, refs.len());
    // …nor through a search that would match it, nor nested under its owner.
    let r = app
        .gql(
            Some(&sumhs),
            r#"{ institution(slug: "unibl") { technologies(first: 100) { totalCount edges { node { reference } } } } }"#,
            json!({}),
        )
        .await;
    let nested = nodes(r.data(), &["institution", "technologies"], "reference");
    assert!(!nested.contains(&"UNIBL-2025-001"));
    assert_eq!(
        r.data()["institution"]["technologies"]["totalCount"]
            .as_u64()
            .unwrap() as usize,
        nested.len()
    );
}

#[tokio::test]
async fn visibility_by_viewer() {
    let app = TestApp::new().await;
    let sees = |refs: &[String], r: &str| refs.iter().any(|x| x == r);

    let (anon, _) = references(&app, None).await;
    assert!(sees(&anon, "SUMHS-2025-001") && sees(&anon, "UNIBL-2025-002"));
    assert!(!sees(&anon, "SUMHS-2025-002"), "CONSORTIUM is for members");
    assert!(!sees(&anon, "SUMHS-2025-003") && !sees(&anon, "UNIBL-2025-001"));

    let bg = app.token("bg", "MEMBER").await;
    let (bg_refs, bg_total) = references(&app, Some(&bg)).await;
    assert!(sees(&bg_refs, "SUMHS-2025-002"), "a member sees CONSORTIUM");
    assert!(!sees(&bg_refs, "SUMHS-2025-003") && !sees(&bg_refs, "UNIBL-2025-001"));
    assert_eq!(bg_total as usize, bg_refs.len());

    // An applicant institution is not (yet) a member: PUBLIC only.
    let unsa = app.token("unsa", "MEMBER").await;
    let (unsa_refs, _) = references(&app, Some(&unsa)).await;
    assert!(!sees(&unsa_refs, "SUMHS-2025-002"));
    assert_eq!(unsa_refs, anon);

    // unibl co-owns the PCT application of SUMHS-2025-003.
    let unibl = app.token("unibl", "MEMBER").await;
    let (unibl_refs, _) = references(&app, Some(&unibl)).await;
    assert!(sees(&unibl_refs, "SUMHS-2025-003"));

    let analyst = app.token("center", "ANALYST").await;
    let (analyst_refs, _) = references(&app, Some(&analyst)).await;
    assert!(sees(&analyst_refs, "SUMHS-2025-002"));
    assert!(!sees(&analyst_refs, "UNIBL-2025-001") && !sees(&analyst_refs, "SUMHS-2025-003"));

    let admin = app.token("center", "CENTER_ADMIN").await;
    let (admin_refs, admin_total) = references(&app, Some(&admin)).await;
    for r in [
        "SUMHS-2025-001",
        "SUMHS-2025-002",
        "SUMHS-2025-003",
        "UNIBL-2025-001",
        "UNIBL-2025-002",
    ] {
        assert!(sees(&admin_refs, r), "center admin sees {r}");
    }
    assert!(admin_total > bg_total);
}

#[tokio::test]
async fn filters_and_search() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let q = |filter: &str| {
        format!(
            "{{ technologies(first: 100, filter: {filter}) {{ totalCount edges {{ node {{ reference trl field visibility owner {{ slug region }} }} }} }} }}"
        )
    };
    let run = |filter: String| {
        let app = &app;
        let admin = admin.clone();
        async move { app.gql(Some(&admin), &filter, json!({})).await.data()["technologies"].clone() }
    };

    let balkan = run(q("{ region: BALKAN_PENINSULA }")).await;
    for e in balkan["edges"].as_array().unwrap() {
        assert_eq!(e["node"]["owner"]["region"], "BALKAN_PENINSULA");
    }
    assert!(balkan["totalCount"].as_u64().unwrap() >= 2);

    let trl = run(q("{ trlMin: 4, trlMax: 6 }")).await;
    for e in trl["edges"].as_array().unwrap() {
        let t = e["node"]["trl"].as_i64().unwrap();
        assert!((4..=6).contains(&t));
    }

    let owned = run(q(r#"{ ownerSlug: "unibl", visibility: CONFIDENTIAL }"#)).await;
    assert_eq!(
        nodes(&json!({ "t": owned }), &["t"], "reference"),
        // With the earlier and later unibl disclosures of src/seed/history.rs.
        ["UNIBL-2024-001", "UNIBL-2025-001", "UNIBL-2026-001"]
    );

    // Search is case-insensitive over title, summary, keywords and translations; wildcards are literal.
    let r = app
        .gql(Some(&admin), BY_REF, json!({ "r": "SUMHS-2025-001" }))
        .await;
    assert!(r.data()["technology"].is_object());
    let title = app
        .gql(
            Some(&admin),
            r#"{ technology(reference: "SUMHS-2025-001") { title keywords } }"#,
            json!({}),
        )
        .await
        .data()["technology"]
        .clone();
    let word = title["title"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .max_by_key(|w| w.len())
        .unwrap()
        .to_uppercase();
    let found = run(q(&format!("{{ search: \"{word}\" }}"))).await;
    assert!(nodes(&json!({ "t": found }), &["t"], "reference").contains(&"SUMHS-2025-001"));
    let none = run(q(r#"{ search: "%_%" }"#)).await;
    assert_eq!(none["totalCount"], 0);
}

#[tokio::test]
async fn search_never_reveals_what_the_viewer_cannot_see() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(
            Some(&admin),
            r#"{ technology(reference: "UNIBL-2025-001") { title } }"#,
            json!({}),
        )
        .await;
    let title = r.data()["technology"]["title"].as_str().unwrap().to_owned();
    let query = "query($s: String!) { technologies(filter: { search: $s }) { totalCount edges { node { reference } } } }";
    let bg = app.token("bg", "MEMBER").await;
    let r = app.gql(Some(&bg), query, json!({ "s": title })).await;
    assert_eq!(r.data()["technologies"]["totalCount"], 0);
    let unibl = app.token("unibl", "MEMBER").await;
    let r = app.gql(Some(&unibl), query, json!({ "s": title })).await;
    assert_eq!(r.data()["technologies"]["totalCount"], 1);
}

#[tokio::test]
async fn translations_fall_back_to_english() {
    let app = TestApp::new().await;
    let r = app
        .anon(r#"{ technology(reference: "SUMHS-2025-001") { title zh: title(lang: "zh") xx: title(lang: "xx") languages } }"#)
        .await;
    let t = &r.data()["technology"];
    assert_ne!(t["zh"], t["title"]);
    assert_eq!(t["xx"], t["title"]);
    assert!(t["languages"].as_array().unwrap().contains(&json!("zh")));
}

#[tokio::test]
async fn invalid_filters_are_bad_user_input_with_the_field() {
    let app = TestApp::new().await;
    let r = app
        .anon("{ technologies(filter: { trlMin: 12 }) { totalCount } }")
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert!(
        r.body["errors"][0]["extensions"]["field"]
            .as_str()
            .unwrap()
            .contains("trlMin")
    );
    let r = app
        .anon("{ technologies(filter: { trlMin: 7, trlMax: 3 }) { totalCount } }")
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "trlMax");
    let r = app
        .anon(r#"{ technologies(filter: { owner: "bm90LWFuLWlk" }) { totalCount } }"#)
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "owner");
}

#[tokio::test]
async fn owners_are_batched_and_consistent() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(
            Some(&admin),
            "{ institutions(first: 20) { edges { node { slug technologies(first: 50) { totalCount edges { node { owner { slug } } } } } } } }",
            json!({}),
        )
        .await;
    for inst in r.data()["institutions"]["edges"].as_array().unwrap() {
        let slug = &inst["node"]["slug"];
        for t in inst["node"]["technologies"]["edges"].as_array().unwrap() {
            assert_eq!(&t["node"]["owner"]["slug"], slug);
        }
    }
}
