//! Institutions: the public directory, its filters, ordering and pagination.

use serde_json::json;

use crate::support::{TestApp, nodes};

const DEMO_SLUGS: [&str; 8] = [
    "bg", "center", "fudan", "sumhs", "unibl", "unizg", "unsa", "zju",
];

#[tokio::test]
async fn anonymous_lists_the_demo_institutions() {
    let app = TestApp::new().await;
    let r = app
        .anon("{ institutions(first: 10) { totalCount edges { node { slug name region } } } }")
        .await;
    let data = r.data();
    assert_eq!(data["institutions"]["totalCount"], 8);
    assert_eq!(nodes(data, &["institutions"], "slug"), DEMO_SLUGS);
}

#[tokio::test]
async fn filters_by_region_country_kind_and_membership() {
    let app = TestApp::new().await;
    let q = |filter: &str| {
        format!("{{ institutions(filter: {filter}) {{ totalCount edges {{ node {{ slug }} }} }} }}")
    };
    let r = app.anon(&q("{ region: BALKAN_PENINSULA }")).await;
    assert_eq!(
        nodes(r.data(), &["institutions"], "slug"),
        ["bg", "unibl", "unizg", "unsa"]
    );
    let r = app.anon(&q("{ country: \"ba\" }")).await;
    assert_eq!(
        nodes(r.data(), &["institutions"], "slug"),
        ["unibl", "unsa"]
    );
    let r = app.anon(&q("{ membership: APPLICANT }")).await;
    assert_eq!(nodes(r.data(), &["institutions"], "slug"), ["unsa"]);
    let r = app
        .anon(&q("{ region: YANGTZE_RIVER_DELTA, kind: UNIVERSITY }"))
        .await;
    assert_eq!(r.data()["institutions"]["totalCount"], 3);
}

#[tokio::test]
async fn pages_forward_and_backward_with_cursors() {
    let app = TestApp::new().await;
    let app = &app;
    let page = |args: String| async move {
        let r = app
            .anon(&format!(
                "{{ institutions({args}) {{ pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} edges {{ cursor node {{ slug }} }} }} }}"
            ))
            .await;
        r.data()["institutions"].clone()
    };
    let p1 = page("first: 3".into()).await;
    let slugs = |p: &serde_json::Value| {
        p["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(slugs(&p1), ["bg", "center", "fudan"]);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    let end = p1["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let p2 = page(format!("first: 3, after: \"{end}\"")).await;
    assert_eq!(slugs(&p2), ["sumhs", "unibl", "unizg"]);
    assert_eq!(p2["pageInfo"]["hasPreviousPage"], true);
    let end = p2["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let p3 = page(format!("first: 3, after: \"{end}\"")).await;
    assert_eq!(slugs(&p3), ["unsa", "zju"]);
    assert_eq!(p3["pageInfo"]["hasNextPage"], false);

    let start = p3["pageInfo"]["startCursor"].as_str().unwrap().to_owned();
    let back = page(format!("last: 2, before: \"{start}\"")).await;
    assert_eq!(slugs(&back), ["unibl", "unizg"]);
    assert_eq!(back["pageInfo"]["hasPreviousPage"], true);

    let desc = page("first: 2, orderBy: { field: NAME, direction: DESC }".into()).await;
    assert_eq!(slugs(&desc), ["zju", "unizg"]);
}

#[tokio::test]
async fn page_size_and_cursor_errors_are_bad_user_input() {
    let app = TestApp::new().await;
    let r = app
        .anon("{ institutions(first: 101) { totalCount } }")
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "first");
    let r = app
        .anon("{ institutions(after: \"garbage\") { totalCount } }")
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "after");
}

#[tokio::test]
async fn institution_by_slug_and_by_node_id() {
    let app = TestApp::new().await;
    let r = app
        .anon(r#"{ institution(slug: "unibl") { id name localName country region membership } }"#)
        .await;
    let inst = &r.data()["institution"];
    assert_eq!(inst["name"], "University of Banja Luka");
    assert_eq!(inst["country"], "BA");
    assert_eq!(inst["region"], "BALKAN_PENINSULA");
    let id = inst["id"].as_str().unwrap();
    let r = app
        .gql(
            None,
            "query($id: ID!) { node(id: $id) { __typename ... on Institution { slug } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r.data()["node"]["slug"], "unibl");
    let r = app.anon(r#"{ institution(slug: "nowhere") { id } }"#).await;
    assert_eq!(r.data()["institution"], serde_json::Value::Null);
}

/// `totalCount` rides in the page's own statement; it stays the count of the whole list on
/// every page — after a cursor, on the empty page past the end, with `first: 0` — and is 0 for
/// a filter that matches nothing.
#[tokio::test]
async fn the_total_is_the_whole_lists_on_every_page() {
    let app = TestApp::new().await;
    let app = &app;
    let page = |args: String| async move {
        let r = app
            .anon(&format!(
                "{{ institutions({args}) {{ totalCount pageInfo {{ endCursor }} edges {{ node {{ slug }} }} }} }}"
            ))
            .await;
        r.data()["institutions"].clone()
    };
    let p1 = page("first: 5".into()).await;
    assert_eq!(p1["totalCount"], 8);
    let end = p1["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let p2 = page(format!("first: 5, after: \"{end}\"")).await;
    assert_eq!(p2["edges"].as_array().unwrap().len(), 3);
    assert_eq!(p2["totalCount"], 8);
    let end = p2["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    let past = page(format!("first: 5, after: \"{end}\"")).await;
    assert_eq!(past["edges"], json!([]));
    assert_eq!(past["totalCount"], 8);
    let none = page("first: 0".into()).await;
    assert_eq!(
        (none["edges"].clone(), none["totalCount"].clone()),
        (json!([]), json!(8))
    );
    let empty = page("filter: { country: \"fr\" }".into()).await;
    assert_eq!(
        (empty["edges"].clone(), empty["totalCount"].clone()),
        (json!([]), json!(0))
    );
}
