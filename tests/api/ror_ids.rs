//! Institutions carry their ROR id: checked by its check digits, stored canonical, unique, set
//! by center admins only; the demo universities have one each.

use serde_json::json;

use crate::{people::field, support::TestApp};

const CREATE: &str = "mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { institution { id rorId version } } }";
const UPDATE: &str = "mutation($input: UpdateInstitutionInput!) { updateInstitution(input: $input) { institution { rorId version } } }";

fn montenegro(ror: &str) -> serde_json::Value {
    json!({ "input": {
        "slug": "ucg", "name": "University of Montenegro", "country": "ME",
        "region": "BALKAN_PENINSULA", "kind": "UNIVERSITY", "rorId": ror,
    } })
}

#[tokio::test]
async fn ror_ids_are_checked_canonical_and_unique() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;

    // Wrong check digits, a letter outside Crockford's alphabet, not nine characters.
    for bad in [
        "03vek6s53",
        "03vek6i52",
        "03vek6s5",
        "https://orcid.org/03vek6s52",
    ] {
        let r = app.gql(Some(&admin), CREATE, montenegro(bad)).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{bad}");
        assert_eq!(field(&r), "rorId", "{bad}");
    }
    // Nothing was written by the refused attempts.
    let r = app.anon(r#"{ institution(slug: "ucg") { id } }"#).await;
    assert!(r.data()["institution"].is_null());

    // Pasted as a link, stored canonical.
    let r = app
        .gql(
            Some(&admin),
            CREATE,
            montenegro("https://ror.org/03VEK6S52"),
        )
        .await;
    let created = r.data()["createInstitution"]["institution"].clone();
    assert_eq!(created["rorId"], "03vek6s52");
    let r = app.anon(r#"{ institution(slug: "ucg") { rorId } }"#).await;
    assert_eq!(r.data()["institution"]["rorId"], "03vek6s52");

    // One organisation, one record: another institution cannot take the same id.
    let sumhs = app
        .anon(r#"{ institution(slug: "sumhs") { id version rorId } }"#)
        .await
        .data()["institution"]
        .clone();
    assert_eq!(sumhs["rorId"], "0m9s34633");
    let taken = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": sumhs["id"], "expectedVersion": sumhs["version"], "rorId": "03vek6s52" } }),
        )
        .await;
    assert_eq!(taken.code(), "CONFLICT");
    assert_eq!(field(&taken), "rorId");

    // Null clears it; an institution admin may not set it.
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": created["id"], "expectedVersion": created["version"], "rorId": null } }),
        )
        .await;
    assert!(r.data()["updateInstitution"]["institution"]["rorId"].is_null());
    let manager = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&manager),
            UPDATE,
            json!({ "input": { "id": sumhs["id"], "expectedVersion": sumhs["version"], "rorId": "052gg0110" } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
}

#[tokio::test]
async fn the_demo_universities_have_ror_ids() {
    let app = TestApp::new().await;
    let r = app
        .anon("{ institutions(first: 20) { edges { node { slug rorId } } } }")
        .await;
    for e in r.data()["institutions"]["edges"].as_array().unwrap() {
        let node = &e["node"];
        if node["slug"] == "center" {
            assert!(node["rorId"].is_null());
        } else {
            let ror = node["rorId"].as_str().unwrap_or_else(|| panic!("{node}"));
            assert!(ror.len() == 9 && ror.starts_with('0'), "{node}");
        }
    }
}
