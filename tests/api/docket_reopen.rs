//! Reopening a deadline marked done or waived by mistake (`reopenDeadline`): open again and
//! recordable anew, what had been recorded kept in its `reopenings` (the fee, note and reason
//! for the co-owners only), the same permission as marking, and no way back into a right a
//! waived fee has already ended.

use serde_json::{Value, json};

use crate::{
    docket_state::{DONE, WAIVE, edges, fee, granted_cn_patent, schedule},
    ip::demo,
    support::TestApp,
};

const REOPEN: &str = "mutation($i: ReopenDeadlineInput!) { reopenDeadline(input: $i) { deadline { id status actedOn reopenings { was actedOn officialFee { amount currency } note reason recordedAt reopenedAt } } ipAsset { id status } } }";
const HISTORY: &str = "query($id: ID!) { node(id: $id) { ... on IpAsset { deadlines(first: 100, includePast: true) { edges { node { id status reopenings { was actedOn officialFee { amount } note reason } } } } } } }";

async fn reopenings(app: &TestApp, token: &str, asset: &str, deadline: &str) -> Vec<Value> {
    let r = app.gql(Some(token), HISTORY, json!({ "id": asset })).await;
    edges(&r.data()["node"]["deadlines"])
        .into_iter()
        .find(|d| d["id"] == deadline)
        .map(|d| d["reopenings"].as_array().unwrap().clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_fee_marked_paid_by_mistake_is_reopened_with_its_record_kept_as_history() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let patent = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &patent, Value::Null).await;
    let ninth = fee(&list, "CN", 9)["id"].as_str().unwrap().to_owned();

    // Nothing recorded: nothing to reopen.
    let r = app
        .gql(
            Some(&sumhs),
            REOPEN,
            json!({ "i": { "deadlineId": ninth, "reason": "oops" } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "deadlineId");

    let r = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": ninth, "doneOn": "2026-11-02",
                           "officialFee": { "amount": "1200.00", "currency": "CNY" },
                           "note": "receipt 88123" } }),
        )
        .await;
    assert_eq!(r.data()["markDeadlineDone"]["deadline"]["status"], "DONE");

    // A reason is required.
    for reason in ["", "   "] {
        let r = app
            .gql(
                Some(&sumhs),
                REOPEN,
                json!({ "i": { "deadlineId": ninth, "reason": reason } }),
            )
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.body);
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "reason");
    }
    let r = app
        .gql(
            Some(&sumhs),
            REOPEN,
            json!({ "i": { "deadlineId": ninth, "reason": "the receipt was for the utility model" } }),
        )
        .await;
    let out = &r.data()["reopenDeadline"]["deadline"];
    assert_eq!(out["id"], ninth.as_str());
    assert_eq!(out["status"], "OPEN");
    assert_eq!(out["actedOn"], Value::Null);
    let history = out["reopenings"].as_array().unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["was"], "DONE");
    assert_eq!(history[0]["actedOn"], "2026-11-02");
    assert_eq!(
        history[0]["officialFee"],
        json!({ "amount": "1200.00", "currency": "CNY" })
    );
    assert_eq!(history[0]["note"], "receipt 88123");
    assert_eq!(
        history[0]["reason"],
        "the receipt was for the utility model"
    );
    assert!(
        history[0]["reopenedAt"].as_str().unwrap() >= history[0]["recordedAt"].as_str().unwrap()
    );

    // Open again: in the open list, and it can be marked anew (and the history grows).
    let r = app
        .gql(
            Some(&sumhs),
            "{ upcomingDeadlines(withinDays: 3650, first: 100) { edges { node { id status } } } }",
            json!({}),
        )
        .await;
    assert!(
        edges(&r.data()["upcomingDeadlines"])
            .iter()
            .any(|x| x["id"] == ninth.as_str() && x["status"] == "OPEN")
    );
    let r = app
        .gql(
            Some(&sumhs),
            WAIVE,
            json!({ "i": { "deadlineId": ninth, "note": "let it go" } }),
        )
        .await;
    assert_eq!(r.data()["waiveDeadline"]["deadline"]["status"], "WAIVED");
    let r = app
        .gql(
            Some(&sumhs),
            REOPEN,
            json!({ "i": { "deadlineId": ninth, "reason": "the board changed its mind" } }),
        )
        .await;
    let out = &r.data()["reopenDeadline"];
    assert_eq!(out["deadline"]["status"], "OPEN");
    assert_eq!(out["ipAsset"]["status"], "GRANTED");
    let was: Vec<&Value> = out["deadline"]["reopenings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["was"])
        .collect();
    assert_eq!(was, [&json!("DONE"), &json!("WAIVED")]);

    // The waiver is gone, so the lapse it announced for the day after the grace is too.
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let moved = biobridge::service::docket::lapse_waived(&app.db, day("2027-09-05"))
        .await
        .unwrap();
    assert!(moved.is_empty(), "{moved:?}");

    // In the audit trail.
    let manager = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&manager),
            "{ auditEvents(first: 100) { edges { node { action changes } } } }",
            json!({}),
        )
        .await;
    let trail = edges(&r.data()["auditEvents"]);
    assert_eq!(
        trail
            .iter()
            .filter(|e| e["action"] == "ipAsset.deadlineReopened")
            .count(),
        2,
        "{trail:?}"
    );
}

#[tokio::test]
async fn reopening_needs_the_permission_of_marking_and_shows_outsiders_no_details() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let patent = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &patent, Value::Null).await;
    let ninth = fee(&list, "CN", 9)["id"].as_str().unwrap().to_owned();
    app.gql(
        Some(&sumhs),
        DONE,
        json!({ "i": { "deadlineId": ninth, "doneOn": "2026-11-02", "note": "receipt 1" } }),
    )
    .await
    .data();
    // As for marking: NOT_FOUND for who cannot see the asset, FORBIDDEN for who sees it but
    // owns none of it; and nothing changes.
    for (token, code) in [(&bg, "NOT_FOUND"), (&unibl, "FORBIDDEN")] {
        let r = app
            .gql(
                Some(token),
                REOPEN,
                json!({ "i": { "deadlineId": ninth, "reason": "mine now" } }),
            )
            .await;
        assert_eq!(r.code(), code, "{}", r.body);
    }
    let (_, done) = schedule(&app, &sumhs, &patent, json!(["DONE"])).await;
    assert_eq!(done.len(), 1);
    app.gql(
        Some(&sumhs),
        REOPEN,
        json!({ "i": { "deadlineId": ninth, "reason": "wrong patent" } }),
    )
    .await
    .data();
    // unibl sees the asset and that a record was reopened, not the note, fee or reason.
    let seen = reopenings(&app, &unibl, &patent, &ninth).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        (
            &seen[0]["was"],
            &seen[0]["note"],
            &seen[0]["reason"],
            &seen[0]["officialFee"]
        ),
        (&json!("DONE"), &Value::Null, &Value::Null, &Value::Null)
    );
    let mine = reopenings(&app, &sumhs, &patent, &ninth).await;
    assert_eq!(mine[0]["reason"], "wrong patent");
    assert_eq!(mine[0]["note"], "receipt 1");
    let r = app.gql(Some(&bg), HISTORY, json!({ "id": patent })).await;
    assert_eq!(r.data()["node"], Value::Null);
}

#[tokio::test]
async fn a_right_a_waived_fee_has_ended_cannot_be_reopened_into() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let old = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &old, Value::Null).await;
    let eighth = fee(&list, "CN", 8)["id"].as_str().unwrap().to_owned();
    let r = app
        .gql(
            Some(&sumhs),
            WAIVE,
            json!({ "i": { "deadlineId": eighth, "decidedOn": "2026-02-20" } }),
        )
        .await;
    assert_eq!(r.data()["waiveDeadline"]["ipAsset"]["status"], "LAPSED");
    let r = app
        .gql(
            Some(&sumhs),
            REOPEN,
            json!({ "i": { "deadlineId": eighth, "reason": "we meant to pay" } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT", "{}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "deadlineId");
    // Still waived, still lapsed.
    let (status, all) = schedule(&app, &sumhs, &old, Value::Null).await;
    assert_eq!(status, "LAPSED");
    assert_eq!(all[0]["status"], "WAIVED");
}
