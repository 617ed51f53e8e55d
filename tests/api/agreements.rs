//! Cooperation agreements: the consortium's agreements seen by members, drafts by their
//! parties only, and the agreement mutations.

use serde_json::{Value, json};

use crate::{
    people::{field, institution_gid},
    support::{TestApp, nodes},
};

const MOU_TITLE: &str = "Memorandum of Understanding on Cooperation in Biomedical Technology Transfer between Shanghai University of Medicine and Health Sciences and the University of Banja Luka";

const AGREEMENTS: &str = "query($f: AgreementFilter) { agreements(filter: $f) { totalCount edges { node { id title kind status signedOn expiresOn summary parties { totalCount edges { node { slug } } } } } } }";

#[tokio::test]
async fn the_sumhs_unibl_mou_is_known_to_the_members() {
    let app = TestApp::new().await;
    for (token, sees) in [
        (Some(app.token("bg", "MEMBER").await), true),
        (Some(app.user_token("member@unibl.example").await), true),
        (Some(app.token("center", "ANALYST").await), true),
        (Some(app.token("unsa", "MEMBER").await), false),
        (None, false),
    ] {
        let r = app
            .gql(
                token.as_deref(),
                AGREEMENTS,
                json!({ "f": { "kind": "MOU" } }),
            )
            .await;
        let list = &r.data()["agreements"];
        if !sees {
            assert_eq!(list["totalCount"], 0);
            continue;
        }
        assert_eq!(list["totalCount"], 1);
        let mou = &list["edges"][0]["node"];
        assert_eq!(mou["title"], MOU_TITLE);
        assert_eq!(mou["status"], "ACTIVE");
        assert_eq!(mou["signedOn"], "2023-12-09");
        assert_eq!(mou["expiresOn"], "2028-12-08");
        assert_eq!(
            nodes(mou, &["parties"], "slug"),
            ["sumhs", "unibl"],
            "parties in {mou}"
        );
    }
    // An institution's agreements, and the filter by party.
    let bg = app.token("bg", "MEMBER").await;
    let r = app
        .gql(
            Some(&bg),
            r#"{ institution(slug: "unibl") { agreements { totalCount edges { node { kind } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        nodes(r.data(), &["institution", "agreements"], "kind"),
        ["MOU", "FRAMEWORK"]
    );
    let fudan = institution_gid(&app, "fudan").await;
    let r = app
        .gql(Some(&bg), AGREEMENTS, json!({ "f": { "party": fudan } }))
        .await;
    assert_eq!(nodes(r.data(), &["agreements"], "kind"), ["FRAMEWORK"]);
    let r = app
        .gql(
            Some(&bg),
            "{ agreements(orderBy: { field: SIGNED_ON, direction: DESC }) { edges { node { signedOn } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        nodes(r.data(), &["agreements"], "signedOn"),
        ["2025-06-18", "2023-12-09"]
    );
    let r = app
        .gql(Some(&bg), AGREEMENTS, json!({ "f": { "status": "DRAFT" } }))
        .await;
    assert_eq!(r.data()["agreements"]["totalCount"], 0);
}

const CREATE: &str = "mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id title status version signedOn parties { edges { node { slug } } } } } }";
const UPDATE: &str = "mutation($input: UpdateAgreementInput!) { updateAgreement(input: $input) { agreement { title status version expiresOn parties { edges { node { slug } } } } } }";

#[tokio::test]
async fn drafts_are_seen_and_written_by_their_parties() {
    let app = TestApp::new().await;
    let sumhs_token = app.user_token("manager@sumhs.example").await;
    let (sumhs, bg, unibl) = (
        institution_gid(&app, "sumhs").await,
        institution_gid(&app, "bg").await,
        institution_gid(&app, "unibl").await,
    );
    let input = |patch: Value| {
        let mut input = json!({
            "title": "Exchange Agreement on Pharmacy Students",
            "kind": "EXCHANGE",
            "signedOn": "2027-03-01",
            "expiresOn": "2030-02-28",
            "partyIds": [sumhs, bg],
        });
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({ "input": input })
    };
    for (patch, expected_field) in [
        (json!({ "partyIds": [sumhs] }), "partyIds"),
        (json!({ "partyIds": [sumhs, sumhs] }), "partyIds"),
        (json!({ "partyIds": [sumhs, "bogus"] }), "partyIds"),
        (json!({ "expiresOn": "2027-02-28" }), "expiresOn"),
        (json!({ "status": "EXPIRED" }), "status"),
        (json!({ "title": "" }), "title"),
    ] {
        let r = app
            .gql(Some(&sumhs_token), CREATE, input(patch.clone()))
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{patch}");
        assert_eq!(field(&r), expected_field, "{patch}");
    }
    // The viewer's institution must be a party (unless a center admin records it).
    let r = app
        .gql(
            Some(&sumhs_token),
            CREATE,
            input(json!({ "partyIds": [bg, unibl] })),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(
            Some(&admin),
            CREATE,
            input(json!({ "partyIds": [bg, unibl] })),
        )
        .await;
    assert_eq!(
        nodes(
            &r.data()["createAgreement"]["agreement"],
            &["parties"],
            "slug"
        ),
        ["unibl", "bg"]
    );

    let r = app.gql(Some(&sumhs_token), CREATE, input(json!({}))).await;
    let a = r.data()["createAgreement"]["agreement"].clone();
    assert_eq!(a["status"], "DRAFT");
    let id = a["id"].as_str().unwrap().to_owned();

    // A draft is seen by its parties only: not by unizg in lists, counts, `node` or nested.
    let unizg = app.token("unizg", "MEMBER").await;
    let r = app.gql(Some(&unizg), AGREEMENTS, json!({})).await;
    assert_eq!(
        nodes(r.data(), &["agreements"], "kind"),
        ["MOU", "FRAMEWORK"],
        "the signed agreements only"
    );
    let r = app
        .gql(
            Some(&unizg),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r.data()["node"], Value::Null);
    let r = app
        .gql(
            Some(&unizg),
            r#"{ institution(slug: "bg") { agreements { totalCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["institution"]["agreements"]["totalCount"], 1);
    let bg_token = app.token("bg", "MEMBER").await;
    let r = app
        .gql(
            Some(&bg_token),
            r#"{ institution(slug: "bg") { agreements { totalCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["institution"]["agreements"]["totalCount"], 3);
    // …and written by them: a non-party cannot find it, a party may sign it.
    let r = app
        .gql(
            Some(&unizg),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "status": "ACTIVE" } }),
        )
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
    let r = app
        .gql(
            Some(&bg_token),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "status": "EXPIRED" } }),
        )
        .await;
    assert_eq!(field(&r), "status");
    let r = app
        .gql(
            Some(&bg_token),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "status": "ACTIVE", "expiresOn": null } }),
        )
        .await;
    assert_eq!(r.data()["updateAgreement"]["agreement"]["status"], "ACTIVE");
    assert_eq!(
        r.data()["updateAgreement"]["agreement"]["expiresOn"],
        Value::Null
    );
    let r = app
        .gql(
            Some(&bg_token),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "title": "Stale" } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    // Now signed, the consortium sees it; a member who is not a party still may not edit it.
    let r = app
        .gql(
            Some(&unizg),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 2, "title": "Ours" } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    // A party that did not initiate the agreement may not swap itself out or add anyone…
    for ids in [json!([sumhs, unibl]), json!([sumhs, unibl, bg])] {
        let r = app
            .gql(
                Some(&bg_token),
                UPDATE,
                json!({ "input": { "id": id, "expectedVersion": 2, "partyIds": ids } }),
            )
            .await;
        assert_eq!(r.code(), "FORBIDDEN", "{ids}");
    }
    // …the initiator may.
    let r = app
        .gql(
            Some(&sumhs_token),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 2, "partyIds": [sumhs, unibl, bg] } }),
        )
        .await;
    assert_eq!(
        nodes(
            &r.data()["updateAgreement"]["agreement"],
            &["parties"],
            "slug"
        ),
        ["sumhs", "unibl", "bg"]
    );
    // Anonymous visitors log in first.
    let r = app.gql(None, CREATE, input(json!({}))).await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
}

/// Only the initiating institution edits a draft's parties; another party may withdraw itself;
/// the initiator never loses sight of its own draft.
#[tokio::test]
async fn only_the_initiator_edits_the_parties_and_a_party_may_withdraw() {
    let app = TestApp::new().await;
    let sumhs_token = app.user_token("manager@sumhs.example").await;
    let bg_token = app.token("bg", "MEMBER").await;
    let unibl_token = app.user_token("member@unibl.example").await;
    let (sumhs, bg, unibl) = (
        institution_gid(&app, "sumhs").await,
        institution_gid(&app, "bg").await,
        institution_gid(&app, "unibl").await,
    );
    let r = app
        .gql(
            Some(&sumhs_token),
            CREATE,
            json!({ "input": {
                "title": "Joint Biobank Protocol", "kind": "RESEARCH_COLLABORATION",
                "signedOn": "2027-01-10", "partyIds": [sumhs, bg, unibl],
            } }),
        )
        .await;
    let id = r.data()["createAgreement"]["agreement"]["id"].clone();
    let parties = |token: String, version: i64, ids: Value| {
        let (app, id) = (&app, id.clone());
        async move {
            app.gql(
                Some(&token),
                UPDATE,
                json!({ "input": { "id": id, "expectedVersion": version, "partyIds": ids } }),
            )
            .await
        }
    };
    let seen_by = |token: String| {
        let (app, id) = (&app, id.clone());
        async move {
            let r = app
                .gql(
                    Some(&token),
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            !r.data()["node"].is_null()
        }
    };
    // bg may neither drop the initiator nor add or swap anyone.
    for ids in [
        json!([bg, unibl]),
        json!([sumhs, bg]),
        json!([sumhs, unibl, bg, "x"]),
    ] {
        let r = parties(bg_token.clone(), 1, ids.clone()).await;
        assert!(
            ["FORBIDDEN", "BAD_USER_INPUT"].contains(&r.code()),
            "{ids}: {}",
            r.text
        );
    }
    let r = parties(bg_token.clone(), 1, json!([bg, unibl])).await;
    assert_eq!(r.code(), "FORBIDDEN");
    assert!(seen_by(sumhs_token.clone()).await);
    // bg withdraws: the draft is no longer bg's to see.
    let r = parties(bg_token.clone(), 1, json!([sumhs, unibl])).await;
    assert!(r.data()["updateAgreement"]["agreement"].is_null());
    assert!(!seen_by(bg_token.clone()).await);
    // unibl withdraws too, leaving the initiator alone with its draft.
    let r = parties(unibl_token.clone(), 2, json!([sumhs])).await;
    assert!(r.data()["updateAgreement"]["agreement"].is_null());
    assert!(seen_by(sumhs_token.clone()).await);
    // The initiator edits the parties freely, and keeps seeing the draft even without itself.
    let r = parties(sumhs_token.clone(), 3, json!([bg, unibl])).await;
    let mut now = nodes(
        &r.data()["updateAgreement"]["agreement"],
        &["parties"],
        "slug",
    );
    now.sort_unstable();
    assert_eq!(now, ["bg", "unibl"]);
    assert!(seen_by(sumhs_token).await);
}
