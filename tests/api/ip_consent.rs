//! Co-owners' consent (CN Patent Law art. 14): a change that reduces another co-owner's share,
//! and abandoning a jointly owned asset, take effect only when every co-owner affected has
//! approved; a single owner acts alone; nobody else learns that a proposal exists.

use serde_json::{Value, json};

use crate::{
    ip::{demo, node},
    support::{Reply, TestApp},
};

const CHANGE: &str = "id kind status version owners { shareBasisPoints institution { slug } } date proposedBy { slug } approvals { decision institution { slug } decidedAt } decidedAt";
const ASSET: &str = "id status version owners { edges { node { shareBasisPoints institution { slug } } } } pendingChanges { totalCount edges { node { id status } } }";

fn set_ownership() -> String {
    format!(
        "mutation($i: SetIpOwnershipInput!) {{ setIpOwnership(input: $i) {{ ipAsset {{ {ASSET} }} }} }}"
    )
}
fn propose_ownership() -> String {
    format!(
        "mutation($i: ProposeIpOwnershipInput!) {{ proposeIpOwnership(input: $i) {{ change {{ {CHANGE} }} ipAsset {{ {ASSET} }} }} }}"
    )
}
fn propose_abandonment() -> String {
    format!(
        "mutation($i: ProposeIpAbandonmentInput!) {{ proposeIpAbandonment(input: $i) {{ change {{ {CHANGE} }} ipAsset {{ {ASSET} }} }} }}"
    )
}
fn approve() -> String {
    format!(
        "mutation($i: AnswerIpChangeInput!) {{ approveIpChange(input: $i) {{ change {{ {CHANGE} }} ipAsset {{ {ASSET} }} }} }}"
    )
}
fn reject() -> String {
    format!(
        "mutation($i: AnswerIpChangeInput!) {{ rejectIpChange(input: $i) {{ change {{ {CHANGE} }} ipAsset {{ {ASSET} }} }} }}"
    )
}
fn transition() -> String {
    format!(
        "mutation($i: TransitionIpAssetInput!) {{ transitionIpAsset(input: $i) {{ ipAsset {{ {ASSET} }} }} }}"
    )
}

fn owners(asset: &Value) -> Vec<(String, i64)> {
    asset["owners"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no owners in {asset}"))
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["institution"]["slug"].as_str().unwrap().to_owned(),
                n["shareBasisPoints"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn shares(gid: &[(&str, i64)]) -> Value {
    json!(
        gid.iter()
            .map(|(id, bp)| json!({ "institutionId": id, "shareBasisPoints": bp }))
            .collect::<Vec<_>>()
    )
}

async fn gid(app: &TestApp, slug: &str) -> String {
    biobridge::graphql::ids::encode("Institution", app.institution_id(slug).await).0
}

async fn asset(app: &TestApp, token: &str, id: &str) -> Value {
    let q = format!("query($id: ID!) {{ node(id: $id) {{ ... on IpAsset {{ {ASSET} }} }} }}");
    app.gql(Some(token), &q, json!({ "id": id })).await.data()["node"].clone()
}

async fn audit_actions(app: &TestApp, entity: uuid::Uuid) -> Vec<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::EntityId.eq(entity))
        .order_by_asc(entity::audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

fn uuid_of(gid: &Value) -> uuid::Uuid {
    biobridge::graphql::ids::decode(gid.as_str().unwrap())
        .unwrap()
        .1
}

/// The case: the PCT application co-owned 60% by sumhs and 40% by unibl. unibl alone
/// cannot take sumhs's share; as a proposal, it takes effect when sumhs approves.
#[tokio::test]
async fn the_40_percent_co_owner_takes_the_60_percent_share_only_with_consent() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let (sumhs_id, unibl_id) = (gid(&app, "sumhs").await, gid(&app, "unibl").await);

    // sumhs (70%) gives 10 points of its own share to unibl: no one else's share falls.
    let r = app
        .gql(
            Some(&sumhs),
            &set_ownership(),
            json!({ "i": { "ipAssetId": d.pct, "expectedVersion": 1, "owners": shares(&[(&sumhs_id, 6000), (&unibl_id, 4000)]) } }),
        )
        .await;
    let a = &r.data()["setIpOwnership"]["ipAsset"];
    assert_eq!(
        owners(a),
        vec![("sumhs".into(), 6000), ("unibl".into(), 4000)]
    );
    assert_eq!(a["version"], 2);

    // unibl (40%) replaces sumhs's 60% with its own 100%: not alone.
    let grab = shares(&[(&unibl_id, 10_000)]);
    let r = app
        .gql(
            Some(&unibl),
            &set_ownership(),
            json!({ "i": { "ipAssetId": d.pct, "owners": grab } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("proposeIpOwnership")
    );
    assert_eq!(
        owners(&asset(&app, &sumhs, &d.pct).await),
        vec![("sumhs".into(), 6000), ("unibl".into(), 4000)]
    );

    // As a proposal it waits for sumhs.
    let r = app
        .gql(
            Some(&unibl),
            &propose_ownership(),
            json!({ "i": { "ipAssetId": d.pct, "expectedVersion": 2, "owners": grab } }),
        )
        .await;
    let change = r.data()["proposeIpOwnership"]["change"].clone();
    assert_eq!(change["status"], "PENDING");
    assert_eq!(change["kind"], "OWNERSHIP");
    assert_eq!(change["proposedBy"]["slug"], "unibl");
    assert_eq!(
        change["owners"],
        json!([{ "shareBasisPoints": 10000, "institution": { "slug": "unibl" } }])
    );
    assert_eq!(
        change["approvals"],
        json!([{ "decision": "PENDING", "institution": { "slug": "sumhs" }, "decidedAt": null }])
    );
    let a = &r.data()["proposeIpOwnership"]["ipAsset"];
    assert_eq!(
        owners(a),
        vec![("sumhs".into(), 6000), ("unibl".into(), 4000)],
        "nothing changes yet"
    );
    assert_eq!(
        a["version"], 2,
        "a proposal does not move the asset's version"
    );
    // Both co-owners see it pending on the asset.
    for token in [&sumhs, &unibl] {
        let a = asset(&app, token, &d.pct).await;
        assert_eq!(a["pendingChanges"]["totalCount"], 1);
        assert_eq!(a["pendingChanges"]["edges"][0]["node"]["id"], change["id"]);
    }
    assert_eq!(
        audit_actions(&app, uuid_of(&change["id"])).await,
        vec!["ipChange.propose"]
    );

    // unibl's consent is not asked (it proposed); an API token does not consent; a stale
    // version conflicts.
    let answer = |v: i64| json!({ "i": { "id": change["id"], "expectedVersion": v } });
    let r = app.gql(Some(&unibl), &approve(), answer(1)).await;
    assert_eq!(r.code(), "FORBIDDEN");
    let manager = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&manager),
            "mutation { createApiToken(input: { name: \"ip\", scopes: [\"ip:read\", \"ip:write\"] }) { token } }",
            json!({}),
        )
        .await;
    let api_token = r.data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.gql(Some(&api_token), &approve(), answer(1))
            .await
            .code(),
        "FORBIDDEN"
    );
    let r = app.gql(Some(&sumhs), &approve(), answer(7)).await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "expectedVersion"
    );

    // sumhs approves: the change is carried out.
    let r = app.gql(Some(&sumhs), &approve(), answer(1)).await;
    let done = &r.data()["approveIpChange"]["change"];
    assert_eq!(done["status"], "APPLIED");
    assert_eq!(done["approvals"][0]["decision"], "APPROVED");
    assert!(done["decidedAt"].is_string());
    let a = asset(&app, &unibl, &d.pct).await;
    assert_eq!(owners(&a), vec![("unibl".into(), 10_000)]);
    assert_eq!(a["version"], 3);
    assert_eq!(a["pendingChanges"]["totalCount"], 0);
    assert_eq!(
        audit_actions(&app, uuid_of(&change["id"])).await,
        vec!["ipChange.propose", "ipChange.approve"]
    );
    assert_eq!(
        audit_actions(&app, uuid_of(&json!(d.pct))).await.last(),
        Some(&"ipAsset.setOwnership".to_owned())
    );
    // Decided once: answering again conflicts.
    let r = app.gql(Some(&sumhs), &approve(), answer(2)).await;
    assert_eq!(r.code(), "CONFLICT");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("APPLIED")
    );
}

#[tokio::test]
async fn abandoning_a_joint_application_needs_every_co_owner() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let today = crate::ip::today().to_string();

    // unibl (30%) alone: refused, the application stays.
    let r = app
        .gql(
            Some(&unibl),
            &transition(),
            json!({ "i": { "id": d.pct, "to": "ABANDONED", "expectedVersion": 1, "date": today } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("proposeIpAbandonment")
    );
    assert_eq!(node(&app, &sumhs, &d.pct).await["status"], "PUBLISHED");

    let propose = || {
        let (app, unibl, pct, today) = (&app, &unibl, &d.pct, &today);
        async move {
            let r = app
                .gql(
                    Some(unibl),
                    &propose_abandonment(),
                    json!({ "i": { "ipAssetId": pct, "date": today } }),
                )
                .await;
            let c = r.data()["proposeIpAbandonment"]["change"].clone();
            assert_eq!(
                (&c["kind"], &c["status"]),
                (&json!("ABANDONMENT"), &json!("PENDING"))
            );
            assert_eq!(c["date"], today.as_str());
            assert_ne!(
                r.data()["proposeIpAbandonment"]["ipAsset"]["status"],
                "ABANDONED"
            );
            c
        }
    };
    let answer = |c: &Value| json!({ "i": { "id": c["id"] } });

    // sumhs rejects: the proposal ends, nothing changes, it cannot be approved afterwards.
    let first = propose().await;
    let r = app.gql(Some(&sumhs), &reject(), answer(&first)).await;
    let c = &r.data()["rejectIpChange"]["change"];
    assert_eq!(c["status"], "REJECTED");
    assert_eq!(c["approvals"][0]["decision"], "REJECTED");
    assert_eq!(r.data()["rejectIpChange"]["ipAsset"]["status"], "PUBLISHED");
    assert_eq!(
        app.gql(Some(&sumhs), &approve(), answer(&first))
            .await
            .code(),
        "CONFLICT"
    );
    assert_eq!(
        audit_actions(&app, uuid_of(&first["id"])).await,
        vec!["ipChange.propose", "ipChange.reject"]
    );

    // unibl withdraws its own proposal.
    let second = propose().await;
    let r = app.gql(Some(&unibl), &reject(), answer(&second)).await;
    assert_eq!(r.data()["rejectIpChange"]["change"]["status"], "WITHDRAWN");

    // A proposal concerns the asset as it stood: a status move supersedes it.
    let third = propose().await;
    let r = app
        .gql(
            Some(&sumhs),
            &transition(),
            json!({ "i": { "id": d.pct, "to": "UNDER_EXAMINATION", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(
        r.data()["transitionIpAsset"]["ipAsset"]["pendingChanges"]["totalCount"],
        0
    );
    let r = app.gql(Some(&sumhs), &approve(), answer(&third)).await;
    assert_eq!(r.code(), "CONFLICT");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("SUPERSEDED")
    );

    // With sumhs's approval it is abandoned.
    let fourth = propose().await;
    let r = app.gql(Some(&sumhs), &approve(), answer(&fourth)).await;
    assert_eq!(r.data()["approveIpChange"]["change"]["status"], "APPLIED");
    assert_eq!(
        r.data()["approveIpChange"]["ipAsset"]["status"],
        "ABANDONED"
    );
    assert_eq!(r.data()["approveIpChange"]["ipAsset"]["version"], 3);
    let trail = audit_actions(&app, uuid_of(&json!(d.pct))).await;
    assert_eq!(trail.last(), Some(&"ipAsset.transition".to_owned()));
}

#[tokio::test]
async fn a_change_of_ownership_supersedes_pending_proposals() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let (sumhs_id, unibl_id) = (gid(&app, "sumhs").await, gid(&app, "unibl").await);
    let r = app
        .gql(
            Some(&unibl),
            &propose_ownership(),
            json!({ "i": { "ipAssetId": d.pct, "owners": shares(&[(&sumhs_id, 5000), (&unibl_id, 5000)]) } }),
        )
        .await;
    let pending = r.data()["proposeIpOwnership"]["change"].clone();
    assert_eq!(pending["status"], "PENDING");
    // sumhs hands unibl 5 more points of its own share: applied at once, and the pending
    // proposal (whose consent it asked) is void.
    let r = app
        .gql(
            Some(&sumhs),
            &propose_ownership(),
            json!({ "i": { "ipAssetId": d.pct, "owners": shares(&[(&sumhs_id, 6500), (&unibl_id, 3500)]) } }),
        )
        .await;
    let applied = &r.data()["proposeIpOwnership"];
    assert_eq!(applied["change"]["status"], "APPLIED");
    assert_eq!(applied["change"]["approvals"], json!([]));
    assert_eq!(
        owners(&applied["ipAsset"]),
        vec![("sumhs".into(), 6500), ("unibl".into(), 3500)]
    );
    let r = app
        .gql(
            Some(&sumhs),
            &format!("query($id: ID!) {{ node(id: $id) {{ ... on IpChange {{ {CHANGE} }} }} }}"),
            json!({ "id": pending["id"] }),
        )
        .await;
    assert_eq!(r.data()["node"]["status"], "SUPERSEDED");
    // Proposing what already is, is no proposal.
    let r = app
        .gql(
            Some(&sumhs),
            &propose_ownership(),
            json!({ "i": { "ipAssetId": d.pct, "owners": shares(&[(&unibl_id, 3500), (&sumhs_id, 6500)]) } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "owners");
}

#[tokio::test]
async fn a_single_owner_acts_alone() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            "{ technology(reference: \"SUMHS-2025-001\") { ipAssets { edges { node { id version status } } } } }",
            json!({}),
        )
        .await;
    let patent = r.data()["technology"]["ipAssets"]["edges"][0]["node"].clone();
    assert_eq!(patent["status"], "UNDER_EXAMINATION");
    let r = app
        .gql(
            Some(&sumhs),
            &propose_abandonment(),
            json!({ "i": { "ipAssetId": patent["id"], "expectedVersion": patent["version"] } }),
        )
        .await;
    let p = &r.data()["proposeIpAbandonment"];
    assert_eq!(p["change"]["status"], "APPLIED");
    assert_eq!(p["ipAsset"]["status"], "ABANDONED");
    // Abandoned is final: a second proposal is bad input, naming the asset.
    let r = app
        .gql(
            Some(&sumhs),
            &propose_abandonment(),
            json!({ "i": { "ipAssetId": patent["id"] } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "ipAssetId");
}

/// The answers bg gets for a pending change on an asset it sees, and for an id that names
/// nothing, must be the same.
#[tokio::test]
async fn an_outsider_learns_nothing_of_pending_changes() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;
    let analyst = app.user_token("analyst@center.example").await;
    let (sumhs_id, unibl_id) = (gid(&app, "sumhs").await, gid(&app, "unibl").await);
    // The CN patent of the PUBLIC technology SUMHS-2025-001, which bg sees: sumhs shares it
    // with unibl, and unibl proposes to abandon it.
    let r = app
        .gql(
            Some(&bg),
            "{ technology(reference: \"SUMHS-2025-001\") { ipAssets { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    let patent = r.data()["technology"]["ipAssets"]["edges"][0]["node"]["id"].clone();
    app.gql(
        Some(&sumhs),
        &set_ownership(),
        json!({ "i": { "ipAssetId": patent, "owners": shares(&[(&sumhs_id, 5000), (&unibl_id, 5000)]) } }),
    )
    .await
    .data();
    let r = app
        .gql(
            Some(&unibl),
            &propose_abandonment(),
            json!({ "i": { "ipAssetId": patent } }),
        )
        .await;
    let change = r.data()["proposeIpAbandonment"]["change"]["id"].clone();
    let nothing = json!(biobridge::graphql::ids::encode("IpChange", uuid::Uuid::now_v7()).0);

    for token in [&bg, &analyst] {
        let a = asset(&app, token, patent.as_str().unwrap()).await;
        assert_eq!(a["status"], "UNDER_EXAMINATION", "the asset itself is seen");
        assert_eq!(a["pendingChanges"]["totalCount"], 0, "{a}");
        assert_eq!(a["pendingChanges"]["edges"], json!([]));
    }
    let same = |a: &Reply, b: &Reply| {
        let strip = |r: &Reply| {
            let mut v = r.body.clone();
            if let Some(errors) = v["errors"].as_array_mut() {
                for e in errors {
                    e.as_object_mut().unwrap().remove("locations");
                }
            }
            v
        };
        assert_eq!(strip(a), strip(b));
    };
    for (what, query) in [
        (
            "node",
            "query($id: ID!) { node(id: $id) { id } }".to_owned(),
        ),
        (
            "nodes",
            "query($id: ID!) { nodes(ids: [$id]) { id } }".to_owned(),
        ),
        (
            "approve",
            approve()
                .replace("$i: AnswerIpChangeInput!", "$id: ID!")
                .replace("input: $i", "input: { id: $id }"),
        ),
        (
            "reject",
            reject()
                .replace("$i: AnswerIpChangeInput!", "$id: ID!")
                .replace("input: $i", "input: { id: $id }"),
        ),
    ] {
        let real = app.gql(Some(&bg), &query, json!({ "id": change })).await;
        let fake = app.gql(Some(&bg), &query, json!({ "id": nothing })).await;
        same(&real, &fake);
        if what == "approve" || what == "reject" {
            assert_eq!(real.code(), "NOT_FOUND", "{what}");
        } else {
            assert!(real.body["data"].to_string().contains("null"), "{what}");
        }
    }
    // And it is still pending for the co-owners.
    let a = asset(&app, &sumhs, patent.as_str().unwrap()).await;
    assert_eq!(a["pendingChanges"]["totalCount"], 1);
}
