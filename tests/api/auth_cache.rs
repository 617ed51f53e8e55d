//! Access JWTs are authenticated without a database round trip: the state of the token's user
//! and institution is cached for `BIOBRIDGE_AUTH_CACHE_SECS`. A change made through an instance
//! takes effect there from the next request on; another instance reads the state again once its
//! entry is older than the bound (the bound itself is unit-tested in `auth::state_cache`; here
//! an instance with a bound of 0 stands for one whose entry has expired).

use serde_json::json;

use crate::support::TestApp;

const DISABLE_USER: &str = "mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } } }";
const ME: &str = "{ me { kind } }";
const TECHNOLOGIES: &str = "{ technologies(first: 100) { totalCount } }";
const SUSPEND: &str = "mutation($input: UpdateInstitutionInput!) { updateInstitution(input: $input) { institution { membership } } }";

#[tokio::test]
async fn a_disabled_user_is_refused_at_once_here_and_after_the_bound_elsewhere() {
    let app = TestApp::new().await;
    let expired = app.second_instance(|c| c.auth_cache_secs = 0);
    let admin = app.token("center", "CENTER_ADMIN").await;
    let member = app.user_token("member@sumhs.example").await;
    // Both instances have authenticated the member (and cached what they may).
    app.gql(Some(&member), ME, json!({})).await.data();
    expired.gql(Some(&member), ME, json!({})).await.data();
    let id = app
        .gql(Some(&member), "{ me { user { id } } }", json!({}))
        .await
        .data()["me"]["user"]["id"]
        .clone();
    app.gql(Some(&admin), DISABLE_USER, json!({ "id": id }))
        .await
        .data();
    assert_eq!(app.gql(Some(&member), ME, json!({})).await.status, 401);
    assert_eq!(expired.gql(Some(&member), ME, json!({})).await.status, 401);
}

#[tokio::test]
async fn a_membership_change_applies_to_the_next_request() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let member = app.user_token("member@unibl.example").await;
    let count =
        |r: &crate::support::Reply| r.data()["technologies"]["totalCount"].as_u64().unwrap();
    let before = count(&app.gql(Some(&member), TECHNOLOGIES, json!({})).await);
    let unibl = app
        .gql(
            Some(&admin),
            r#"{ institution(slug: "unibl") { id version } }"#,
            json!({}),
        )
        .await
        .data()["institution"]
        .clone();
    app.gql(
        Some(&admin),
        SUSPEND,
        json!({ "input": { "id": unibl["id"], "expectedVersion": unibl["version"], "membership": "SUSPENDED" } }),
    )
    .await
    .data();
    // A suspended institution no longer sees the consortium's records.
    let after = count(&app.gql(Some(&member), TECHNOLOGIES, json!({})).await);
    assert!(
        after < before,
        "{after} technologies after suspension, {before} before"
    );
}
