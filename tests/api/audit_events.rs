//! `auditEvents`: newest first, filtered by entity, actor, action and time, per institution.

use serde_json::{Value, json};

use crate::{
    accounts::{CREATE_USER, new_user, user_gid},
    support::{Reply, TestApp},
};

#[tokio::test]
async fn the_audit_trail_is_filtered_per_institution_and_newest_first() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("manager@sumhs.example").await;
    let unibl = app.user_token("manager@unibl.example").await;
    let admin = app.user_token("admin@center.example").await;
    let start = chrono::Utc::now();
    for (token, email) in [
        (&sumhs, "a@sumhs.example"),
        (&unibl, "b@unibl.example"),
        (&sumhs, "c@sumhs.example"),
    ] {
        app.gql(
            Some(token),
            CREATE_USER,
            json!({ "input": new_user(email, "MEMBER") }),
        )
        .await
        .data();
    }
    let q = "query($f: AuditEventFilter, $o: AuditEventOrder) { auditEvents(filter: $f, orderBy: $o, first: 50) { totalCount edges { node { id action changes institution { slug } actor { email } } } } }";
    let created = |r: &Reply| -> Vec<String> {
        r.data()["auditEvents"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["changes"]["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let f = json!({ "f": { "action": "user.create", "from": start.to_rfc3339() } });
    let r = app.gql(Some(&sumhs), q, f.clone()).await;
    assert_eq!(created(&r), ["c@sumhs.example", "a@sumhs.example"]);
    let r = app.gql(Some(&unibl), q, f.clone()).await;
    assert_eq!(created(&r), ["b@unibl.example"]);
    let r = app.gql(Some(&admin), q, f.clone()).await;
    assert_eq!(
        created(&r),
        ["c@sumhs.example", "b@unibl.example", "a@sumhs.example"]
    );
    let r = app
        .gql(Some(&admin), q, json!({ "f": { "action": "user.create", "from": start.to_rfc3339() }, "o": { "direction": "ASC" } }))
        .await;
    assert_eq!(
        created(&r),
        ["a@sumhs.example", "b@unibl.example", "c@sumhs.example"]
    );

    // By actor; by time range (nothing before the start).
    let r = app
        .gql(Some(&admin), q, json!({ "f": { "actor": user_gid(&app, "manager@unibl.example").await, "action": "user.create" } }))
        .await;
    assert_eq!(created(&r), ["b@unibl.example"]);
    let r = app
        .gql(
            Some(&admin),
            q,
            json!({ "f": { "action": "user.create", "to": start.to_rfc3339() } }),
        )
        .await;
    assert_eq!(r.data()["auditEvents"]["totalCount"], 0);
    let r = app
        .gql(
            Some(&admin),
            q,
            json!({ "f": { "from": chrono::Utc::now().to_rfc3339(), "to": start.to_rfc3339() } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");

    // An outsider cannot reach another institution's event by id either.
    let r = app.gql(Some(&unibl), q, f.clone()).await;
    let event_id = r.data()["auditEvents"]["edges"][0]["node"]["id"].clone();
    let node = "query($id: ID!) { node(id: $id) { ... on AuditEvent { action } } }";
    let r = app.gql(Some(&sumhs), node, json!({ "id": event_id })).await;
    assert_eq!(r.data()["node"], Value::Null);
    let r = app.gql(Some(&unibl), node, json!({ "id": event_id })).await;
    assert_eq!(r.data()["node"]["action"], "user.create");

    // Members and anonymous callers see no trail (API tokens may not ask: api_tokens.rs).
    for token in [Some(app.user_token("member@sumhs.example").await), None] {
        let r = app.gql(token.as_deref(), q, json!({})).await;
        assert_eq!(r.data()["auditEvents"]["totalCount"], 0);
    }
}
