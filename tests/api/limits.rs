//! Query limits and introspection: the standard introspection queries of GraphiQL, Apollo and
//! graphql-codegen pass at the default limits, user queries stay limited (errors name the limit
//! and the measured value), a frontend's list at default page sizes is admitted while cost
//! bombs are not, and the production switches close introspection and suggestions.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

/// The texts the tools send, generated with graphql-js 16.9 (see each file's header).
const INTROSPECTION_QUERIES: &[(&str, &str)] = &[
    ("GraphiQL", include_str!("introspection/graphiql.graphql")),
    ("Apollo", include_str!("introspection/apollo.graphql")),
    (
        "graphql-codegen, all options",
        include_str!("introspection/codegen_all_options.graphql"),
    ),
];

fn type_names(body: &Value) -> Vec<&str> {
    body["data"]["__schema"]["types"]
        .as_array()
        .unwrap_or_else(|| panic!("no types in {body}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn standard_introspection_queries_pass_at_the_default_limits() {
    let app = TestApp::new().await;
    let member = app.user_token("member@unibl.example").await;
    for (tool, query) in INTROSPECTION_QUERIES {
        for token in [None, Some(member.as_str())] {
            let r = app.gql(token, query, json!({})).await;
            assert_eq!(r.status, StatusCode::OK, "{tool}: {}", r.text);
            assert!(r.body.get("errors").is_none(), "{tool}: {}", r.body);
            let types = type_names(&r.body);
            for expected in ["Query", "Mutation", "Technology", "TechnologyConnection"] {
                assert!(types.contains(&expected), "{tool} lists {expected}");
            }
        }
    }
    // Without the exemption they would not: the same text beside one data field is refused.
    let mixed = INTROSPECTION_QUERIES[0]
        .1
        .replacen("__schema {", "me { kind } __schema {", 1);
    let r = app.gql(None, &mixed, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("query depth ") && message.ends_with("exceeds the limit of 12"),
        "{message}"
    );
}

#[tokio::test]
async fn introspection_that_multiplies_itself_is_refused() {
    let app = TestApp::new().await;
    // Three nested lists of fields: types × fields × fields × fields.
    let bomb = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let r = app.anon(bomb).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("introspection nests 3 lists")
    );
    // Two are what `__type` look-ups of tools use.
    let two =
        r#"{ __type(name: "Technology") { fields { type { ofType { fields { name } } } } } }"#;
    assert!(app.anon(two).await.body.get("errors").is_none());
}

#[tokio::test]
async fn limit_errors_name_the_limit_and_the_measured_value() {
    let app = TestApp::new().await;
    // technologies › edges › node › ipAssets › edges › node › owners › edges › node ›
    // institution › technologies › edges › node › reference: depth 14.
    let deep = "{ technologies { edges { node { ipAssets { edges { node { owners { edges { node { institution { technologies { edges { node { reference } } } } } } } } } } } } } }";
    let r = app.anon(deep).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "BAD_USER_INPUT");
    let err = &r.body["errors"][0];
    assert_eq!(err["message"], "query depth 14 exceeds the limit of 12");
    assert_eq!(err["extensions"]["limit"], 12);
    assert_eq!(err["extensions"]["value"], 14);

    let app = TestApp::with_config(|c| c.max_complexity = 100).await;
    let r = app
        .anon("{ institutions(first: 50) { edges { node { slug name } } } }")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let err = &r.body["errors"][0];
    // 1 + 50 × (edges 1 + node 1 + slug 1 + name 1) = 201.
    assert_eq!(
        err["message"],
        "query complexity 201 exceeds the limit of 100"
    );
    assert_eq!(err["extensions"]["value"], 201);
}

/// The nested technology list a frontend writes, with the default page size (20) on every
/// nested connection — deadlines included — is admitted by the default limits.
const FRONTEND_DEFAULT_PAGES: &str = r#"{
  technologies(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { node {
    id reference title owner { slug name }
    inventors { edges { node { shareBasisPoints person { fullName } } } }
    ipAssets { edges { node {
      status jurisdiction
      owners { edges { node { shareBasisPoints institution { slug } } } }
      deadlines { edges { node { kind jurisdiction dueOn rule } } }
    } } }
    deals { edges { node { stage recipient { __typename ... on Institution { slug } ... on ExternalOrganization { name } } } } }
  } } }
}"#;

/// Up to 100 × 100 × 100 rows: a cost bomb, however shallow.
const COST_BOMB: &str = "{ technologies(first: 100) { edges { node { ipAssets(first: 100) { edges { node { owners(first: 100) { edges { node { institution { slug name } } } } } } } } } } }";

/// The complexity the schema measures for `query` (read from the error at a limit of 1).
async fn measured_complexity(query: &str) -> u64 {
    let app = TestApp::with_config(|c| c.max_complexity = 1).await;
    app.anon(query).await.body["errors"][0]["extensions"]["value"]
        .as_u64()
        .expect("a complexity error")
}

#[tokio::test]
async fn default_limits_admit_a_frontends_list_and_refuse_cost_bombs() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(Some(&member), FRONTEND_DEFAULT_PAGES, json!({}))
        .await;
    let data = r.data();
    assert!(data["technologies"]["totalCount"].as_u64().unwrap() > 0);
    let r = app.gql(Some(&member), COST_BOMB, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("query complexity ")
    );

    let limit = app.config.max_complexity as u64;
    let frontend = measured_complexity(FRONTEND_DEFAULT_PAGES).await;
    let bomb = measured_complexity(COST_BOMB).await;
    eprintln!("complexity: frontend list {frontend}, cost bomb {bomb}, limit {limit}");
    assert!(frontend <= limit && bomb > 10 * limit);
}

const SCHEMA: &str = "{ __schema { queryType { name } } }";
const TYPO: &str = "{ technologis { totalCount } }";

#[tokio::test]
async fn introspection_can_be_limited_to_signed_in_principals() {
    use biobridge::config::Introspection;
    let app = TestApp::with_config(|c| c.introspection = Some(Introspection::Authenticated)).await;
    for query in [SCHEMA, r#"{ __type(name: "Deal") { name } }"#] {
        let r = app.anon(query).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.code(), "UNAUTHENTICATED");
        assert!(r.body.get("data").is_none());
    }
    // `__typename` is not introspection of the schema.
    assert_eq!(
        app.anon("{ __typename }").await.data()["__typename"],
        "Query"
    );
    let member = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&member), SCHEMA, json!({})).await;
    assert_eq!(r.data()["__schema"]["queryType"]["name"], "Query");
    let r = app
        .gql(Some(&member), INTROSPECTION_QUERIES[0].1, json!({}))
        .await;
    assert!(type_names(&r.body).contains(&"Deal"));
    // No "Did you mean …" while introspection is not open to everyone.
    let r = app.anon(TYPO).await;
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("technologis") && !message.contains("Did you mean"),
        "{message}"
    );
}

#[tokio::test]
async fn introspection_can_be_turned_off() {
    use biobridge::config::Introspection;
    let app = TestApp::with_config(|c| c.introspection = Some(Introspection::Off)).await;
    let admin = app.user_token("admin@center.example").await;
    let r = app.gql(Some(&admin), SCHEMA, json!({})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "FORBIDDEN");
    let r = app.gql(Some(&admin), TYPO, json!({})).await;
    assert!(!r.text.contains("Did you mean"), "{}", r.text);
}

#[tokio::test]
async fn production_defaults_keep_the_schema_from_anonymous_callers() {
    let app = TestApp::with_config(|c| c.env = biobridge::config::Environment::Production).await;
    assert_eq!(app.anon(SCHEMA).await.code(), "UNAUTHENTICATED");
    let r = app.anon(TYPO).await;
    assert!(!r.text.contains("Did you mean"), "{}", r.text);
    let member = app.user_token("member@unibl.example").await;
    let r = app.gql(Some(&member), SCHEMA, json!({})).await;
    assert_eq!(r.data()["__schema"]["queryType"]["name"], "Query");

    // In dev (the suite's default) suggestions help whoever types.
    let dev = TestApp::new().await;
    assert!(dev.anon(TYPO).await.text.contains("Did you mean"));
}

/// At most `BIOBRIDGE_MAX_CONCURRENT_OPERATIONS` operations execute at once: the others wait
/// their turn and are then answered, none refused.
#[tokio::test]
async fn operations_beyond_the_concurrency_limit_wait_their_turn() {
    let app = std::sync::Arc::new(
        TestApp::with_config(|c| {
            c.max_concurrent_operations = 2;
        })
        .await,
    );
    let ask = |app: std::sync::Arc<TestApp>| {
        tokio::spawn(async move { app.anon("{ __typename }").await })
    };
    // Every permit held (as two long operations would hold them): a request waits.
    let held = app.operations.clone().acquire_many_owned(2).await.unwrap();
    let mut waiting = ask(app.clone());
    let early = tokio::time::timeout(std::time::Duration::from_millis(300), &mut waiting).await;
    assert!(
        early.is_err(),
        "an operation ran while every permit was held"
    );
    // One permit back: the waiting request runs, and so do others, one at a time.
    drop(held);
    let held_one = app.operations.clone().acquire_owned().await.unwrap();
    let others: Vec<_> = (0..5).map(|_| ask(app.clone())).collect();
    let r = waiting.await.unwrap();
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.data()["__typename"], "Query");
    for other in others {
        let r = other.await.unwrap();
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    drop(held_one);
    assert_eq!(app.operations.available_permits(), 2);
}
