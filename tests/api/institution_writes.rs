//! Institution mutations: admission and membership, by center admins only.

use serde_json::json;

use crate::{people::field, support::TestApp};

const CREATE: &str = "mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { institution { id slug name country region kind membership joinedOn inventorShareBasisPoints version } } }";
const UPDATE: &str = "mutation($input: UpdateInstitutionInput!) { updateInstitution(input: $input) { institution { slug membership joinedOn inventorShareBasisPoints version } } }";

fn new_institution(slug: &str) -> serde_json::Value {
    json!({
        "slug": slug,
        "name": "University of Montenegro",
        "localName": "Univerzitet Crne Gore",
        "country": "me",
        "region": "BALKAN_PENINSULA",
        "kind": "UNIVERSITY",
        "website": "https://www.ucg.ac.me",
    })
}

#[tokio::test]
async fn center_admins_admit_institutions() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let r = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": new_institution("ucg") }),
        )
        .await;
    let i = r.data()["createInstitution"]["institution"].clone();
    assert_eq!(i["slug"], "ucg");
    assert_eq!(i["country"], "ME");
    assert_eq!(i["membership"], "APPLICANT");
    assert_eq!(i["joinedOn"], serde_json::Value::Null);
    assert_eq!(i["inventorShareBasisPoints"], 5000);
    let id = i["id"].as_str().unwrap().to_owned();
    // The public directory lists it at once.
    let r = app
        .anon(r#"{ institution(slug: "ucg") { name localName } }"#)
        .await;
    assert_eq!(
        r.data()["institution"]["localName"],
        "Univerzitet Crne Gore"
    );

    // Admission: an APPLICANT becomes a MEMBER and joins today.
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "membership": "MEMBER", "inventorShareBasisPoints": 6000 } }),
        )
        .await;
    let u = r.data()["updateInstitution"]["institution"].clone();
    assert_eq!(u["membership"], "MEMBER");
    assert_eq!(
        u["joinedOn"],
        chrono::Utc::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()
    );
    assert_eq!(u["inventorShareBasisPoints"], 6000);
    assert_eq!(u["version"], 2);
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "membership": "SUSPENDED" } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(field(&r), "expectedVersion");
}

#[tokio::test]
async fn admission_changes_what_the_new_member_sees() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let unsa = app.token("unsa", "MEMBER").await;
    let people = "{ people { totalCount } }";
    assert_eq!(
        app.gql(Some(&unsa), people, json!({})).await.data()["people"]["totalCount"],
        1,
        "an applicant sees its own people only"
    );
    let id = app
        .anon(r#"{ institution(slug: "unsa") { id } }"#)
        .await
        .data()["institution"]["id"]
        .clone();
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "membership": "MEMBER" } }),
        )
        .await;
    assert_eq!(
        r.data()["updateInstitution"]["institution"]["membership"],
        "MEMBER"
    );
    assert_eq!(
        app.gql(Some(&unsa), people, json!({})).await.data()["people"]["totalCount"],
        21
    );
}

#[tokio::test]
async fn only_center_admins_manage_institutions_and_memberships() {
    let app = TestApp::new().await;
    let unibl = app
        .anon(r#"{ institution(slug: "unibl") { id } }"#)
        .await
        .data()["institution"]["id"]
        .clone();
    // An institution's own admin may not change its membership, nor anything else.
    for token in [
        app.user_token("manager@unibl.example").await,
        app.user_token("member@unibl.example").await,
        app.token("center", "ANALYST").await,
    ] {
        let r = app
            .gql(
                Some(&token),
                UPDATE,
                json!({ "input": { "id": unibl, "expectedVersion": 1, "membership": "OBSERVER" } }),
            )
            .await;
        assert_eq!(r.code(), "FORBIDDEN");
        let r = app
            .gql(
                Some(&token),
                CREATE,
                json!({ "input": new_institution("ucg") }),
            )
            .await;
        assert_eq!(r.code(), "FORBIDDEN");
    }
    let r = app
        .gql(None, CREATE, json!({ "input": new_institution("ucg") }))
        .await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
}

#[tokio::test]
async fn institution_input_is_validated() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    for (patch, expected_field) in [
        (json!({ "slug": "UCG" }), "slug"),
        (json!({ "slug": "u" }), "slug"),
        (json!({ "slug": "ucg_me" }), "slug"),
        (json!({ "country": "XX" }), "country"),
        (json!({ "country": "MNE" }), "country"),
        (json!({ "name": "  " }), "name"),
        (json!({ "website": "ucg.ac.me" }), "website"),
        (
            json!({ "inventorShareBasisPoints": 10001 }),
            "inventorShareBasisPoints",
        ),
        (
            json!({ "inventorShareBasisPoints": -1 }),
            "inventorShareBasisPoints",
        ),
    ] {
        let mut input = new_institution("ucg");
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        let r = app
            .gql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{patch}");
        assert_eq!(field(&r), expected_field, "{patch}");
    }
    // A slug names one institution.
    let r = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": new_institution("unibl") }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(field(&r), "slug");
    let bg = app
        .anon(r#"{ institution(slug: "bg") { id } }"#)
        .await
        .data()["institution"]["id"]
        .clone();
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": bg, "expectedVersion": 1, "slug": "unizg" } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(field(&r), "slug");
    let r = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": bg, "expectedVersion": 1, "country": "YU" } }),
        )
        .await;
    assert_eq!(field(&r), "country");
}
