//! The per-principal rate limit in query-cost points: `Query.rateLimit`, the `X-RateLimit-*`
//! headers, and `RATE_LIMITED` (HTTP 429, `Retry-After`) once the budget is spent.

use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

const QUERY: &str = "{ rateLimit { limit cost used remaining resetAt } technologies(first: 10) { edges { node { title } } } }";

fn header(r: &Reply, name: &str) -> u64 {
    r.headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn budget(r: &Reply) -> &Value {
    &r.data()["rateLimit"]
}

#[tokio::test]
async fn queries_are_charged_their_cost_until_the_budget_is_spent() {
    let app = TestApp::with_config(|c| c.rate_limit_points = 1000).await;
    let member = app.user_token("member@sumhs.example").await;

    let first = app.gql(Some(&member), QUERY, json!({})).await;
    let b = budget(&first).clone();
    let cost = b["cost"].as_u64().unwrap();
    assert!(cost > 10, "a list of ten costs more than a scalar: {b}");
    assert_eq!(b["limit"], 1000);
    assert_eq!(b["used"].as_u64(), Some(cost));
    assert_eq!(b["remaining"].as_u64(), Some(1000 - cost));
    let reset_at: chrono::DateTime<chrono::Utc> = b["resetAt"].as_str().unwrap().parse().unwrap();
    let ahead = reset_at - chrono::Utc::now();
    assert!(ahead > chrono::Duration::minutes(55) && ahead <= chrono::Duration::hours(1));
    // The headers say the same.
    assert_eq!(header(&first, "x-ratelimit-limit"), 1000);
    assert_eq!(header(&first, "x-ratelimit-used"), cost);
    assert_eq!(header(&first, "x-ratelimit-remaining"), 1000 - cost);
    assert_eq!(
        header(&first, "x-ratelimit-reset") as i64,
        reset_at.timestamp()
    );

    // The same query costs the same each time...
    let mut remaining = 1000 - cost;
    while remaining >= 2 * cost {
        let r = app.gql(Some(&member), QUERY, json!({})).await;
        remaining -= cost;
        assert_eq!(budget(&r)["remaining"].as_u64(), Some(remaining));
    }
    // ... cheaper ones cost less, ...
    const CHEAP: &str = "{ rateLimit { cost remaining } }";
    while remaining >= cost {
        let r = app.gql(Some(&member), CHEAP, json!({})).await;
        let cheap = budget(&r)["cost"].as_u64().unwrap();
        assert!(cheap < cost / 2, "{cheap} vs {cost}");
        remaining -= cheap;
        assert_eq!(budget(&r)["remaining"].as_u64(), Some(remaining));
    }
    // ... and one the rest cannot pay for is refused, uncharged.
    let refused = app.gql(Some(&member), QUERY, json!({})).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.code(), "RATE_LIMITED");
    assert!(
        refused.body.get("data").is_none(),
        "nothing ran: {}",
        refused.body
    );
    let retry = refused.body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((1..=3600).contains(&retry));
    assert_eq!(header(&refused, "retry-after"), retry);
    assert_eq!(header(&refused, "x-ratelimit-remaining"), remaining);
    // What is left still pays for a cheap one.
    let r = app.gql(Some(&member), CHEAP, json!({})).await;
    assert!(budget(&r)["remaining"].as_u64().unwrap() < remaining);

    // Another user has a budget of their own.
    let other = app.user_token("member@unibl.example").await;
    let r = app.gql(Some(&other), QUERY, json!({})).await;
    assert_eq!(budget(&r)["used"].as_u64(), Some(cost));
}

#[tokio::test]
async fn anonymous_callers_are_charged_by_client_address() {
    let app = TestApp::with_config(|c| c.rate_limit_anonymous_points = 40).await;
    let q =
        "{ rateLimit { limit cost remaining } institutions(first: 5) { edges { node { slug } } } }";
    let r = app.gql_from("203.0.113.7", &[], None, q, json!({})).await;
    let cost = budget(&r)["cost"].as_u64().unwrap();
    assert_eq!(budget(&r)["limit"], 40);
    let mut spent = cost;
    while spent + cost <= 40 {
        app.gql_from("203.0.113.7", &[], None, q, json!({}))
            .await
            .data();
        spent += cost;
    }
    let refused = app.gql_from("203.0.113.7", &[], None, q, json!({})).await;
    assert_eq!(refused.code(), "RATE_LIMITED", "{}", refused.body);
    // Another address, and a user calling from the same address, are unaffected.
    let r = app.gql_from("198.51.100.20", &[], None, q, json!({})).await;
    assert_eq!(budget(&r)["remaining"].as_u64(), Some(40 - cost));
    let member = app.user_token("member@sumhs.example").await;
    app.gql_from("203.0.113.7", &[], Some(&member), q, json!({}))
        .await
        .data();
}
