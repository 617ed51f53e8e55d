//! The person responsible for an IP asset's docket: by default the principal owner's IP
//! administrator, settable by a co-owner to an active user of a co-owner, and shown only to
//! the asset's co-owners.

use serde_json::{Value, json};

use crate::{ip::demo, support::TestApp};

const WHO: &str = "query($id: ID!) { node(id: $id) { ... on IpAsset { id responsible { displayName email assigned institution { slug } } } } }";
const SET: &str = "mutation($i: SetIpAssetResponsibleInput!) { setIpAssetResponsible(input: $i) { ipAsset { responsible { email assigned } } } }";
const ME: &str = "{ me { user { id } } }";

async fn who(app: &TestApp, token: &str, asset: &str) -> Value {
    let r = app.gql(Some(token), WHO, json!({ "id": asset })).await;
    r.data()["node"]["responsible"].clone()
}

async fn user_id(app: &TestApp, token: &str) -> Value {
    app.gql(Some(token), ME, json!({})).await.data()["me"]["user"]["id"].clone()
}

#[tokio::test]
async fn the_ip_administrator_answers_until_a_co_owner_chooses_someone() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let unibl_manager = app.user_token("manager@unibl.example").await;

    // The PCT application is sumhs's 70%, unibl's 30%: sumhs's IP administrator answers, and
    // both co-owners see so.
    for token in [&sumhs, &unibl] {
        assert_eq!(
            who(&app, token, &d.pct).await,
            json!({ "displayName": who(&app, &sumhs, &d.pct).await["displayName"],
                    "email": "manager@sumhs.example", "assigned": false,
                    "institution": { "slug": "sumhs" } })
        );
    }

    // unibl hands it to its own manager…
    let manager = user_id(&app, &unibl_manager).await;
    let r = app
        .gql(
            Some(&unibl),
            SET,
            json!({ "i": { "ipAssetId": d.pct, "userId": manager } }),
        )
        .await;
    assert_eq!(
        r.data()["setIpAssetResponsible"]["ipAsset"]["responsible"],
        json!({ "email": "manager@unibl.example", "assigned": true })
    );
    assert_eq!(
        who(&app, &sumhs, &d.pct).await["institution"]["slug"],
        "unibl"
    );

    // …and back to the default.
    let r = app
        .gql(
            Some(&sumhs),
            SET,
            json!({ "i": { "ipAssetId": d.pct, "userId": null } }),
        )
        .await;
    assert_eq!(
        r.data()["setIpAssetResponsible"]["ipAsset"]["responsible"],
        json!({ "email": "manager@sumhs.example", "assigned": false })
    );
}

#[tokio::test]
async fn only_co_owners_choose_among_their_own_users_and_see_who_answers() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    let bg_user = user_id(&app, &bg).await;

    // A user of an institution that owns nothing of the asset: refused, saying no more than for
    // an id that names nobody.
    for user in [
        bg_user.clone(),
        json!("VXNlcjowMTkzMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA"),
    ] {
        let r = app
            .gql(
                Some(&sumhs),
                SET,
                json!({ "i": { "ipAssetId": d.pct, "userId": user } }),
            )
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "userId");
        assert_eq!(
            r.body["errors"][0]["message"],
            "not an active user of one of the asset's owners"
        );
    }
    // bg cannot see the CONFIDENTIAL technology's PCT application: NOT_FOUND.
    let r = app
        .gql(
            Some(&bg),
            SET,
            json!({ "i": { "ipAssetId": d.pct, "userId": bg_user } }),
        )
        .await;
    assert_eq!(r.code(), "NOT_FOUND");

    // bg sees sumhs's published patent of the PUBLIC SUMHS-2025-001, but not who answers for it.
    let r = app
        .gql(
            Some(&bg),
            r#"{ technology(reference: "SUMHS-2025-001") { ipAssets(first: 10) { edges { node { id responsible { email } } } } } }"#,
            json!({}),
        )
        .await;
    let edges = r.data()["technology"]["ipAssets"]["edges"]
        .as_array()
        .unwrap();
    assert!(!edges.is_empty(), "{}", r.body);
    for e in edges {
        assert_eq!(e["node"]["responsible"], Value::Null, "{}", r.body);
        let id = e["node"]["id"].as_str().unwrap();
        assert_eq!(
            who(&app, &sumhs, id).await["email"],
            "manager@sumhs.example"
        );
        let r = app
            .gql(
                Some(&bg),
                SET,
                json!({ "i": { "ipAssetId": id, "userId": null } }),
            )
            .await;
        assert_eq!(r.code(), "FORBIDDEN", "{}", r.body);
    }
}
