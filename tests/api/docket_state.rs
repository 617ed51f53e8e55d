//! The docket's state over HTTP: deadlines marked done or waived, with stable ids that survive
//! a corrected date; done and waived ones kept as history; a waived fee ending the right after
//! its grace period; and none of it — fees, notes, writes — for an institution outside the asset.

use serde_json::{Value, json};

use crate::{ip::demo, support::TestApp};

const CREATE: &str =
    "mutation($i: CreateIpAssetInput!) { createIpAsset(input: $i) { ipAsset { id status } } }";
const MOVE: &str = "mutation($i: TransitionIpAssetInput!) { transitionIpAsset(input: $i) { ipAsset { id status version } } }";
pub(crate) const SCHEDULE: &str = "query($id: ID!, $s: [DeadlineStatus!], $past: Boolean) { node(id: $id) { ... on IpAsset { status deadlines(first: 100, status: $s, includePast: $past) { edges { node {
    id kind jurisdiction feeYear dueOn status actedOn lapsesOn note officialFee { amount currency } enteredBy { id } } } } } } }";
pub(crate) const DONE: &str = "mutation($i: MarkDeadlineDoneInput!) { markDeadlineDone(input: $i) { deadline { id status actedOn dueOn officialFee { amount currency } note } ipAsset { id status } } }";
pub(crate) const WAIVE: &str = "mutation($i: WaiveDeadlineInput!) { waiveDeadline(input: $i) { deadline { id status actedOn lapsesOn } ipAsset { id status } } }";
const UPCOMING: &str = "query($s: [DeadlineStatus!]) { upcomingDeadlines(withinDays: 3650, first: 100, filter: { status: $s }) { totalCount edges { node { id status feeYear note officialFee { amount } ipAsset { id } } } } }";

pub(crate) fn edges(v: &Value) -> Vec<Value> {
    v["edges"]
        .as_array()
        .map(|e| e.iter().map(|x| x["node"].clone()).collect())
        .unwrap_or_default()
}

/// A CN invention patent of `technology` (sumhs), filed 2019-03-04 and granted 2022-09-30:
/// its 9th-year fee falls due 2027-03-04, its 8th was due 2026-03-04 (grace to 2026-09-04).
pub(crate) async fn granted_cn_patent(app: &TestApp, token: &str, technology: &str) -> String {
    let r = app
        .gql(
            Some(token),
            CREATE,
            json!({ "i": { "technologyId": technology, "kind": "INVENTION_PATENT", "jurisdiction": "CN",
                           "filingDate": "2019-03-04", "publicationDate": "2020-09-01",
                           "grantDate": "2022-09-30" } }),
        )
        .await;
    let id = r.data()["createIpAsset"]["ipAsset"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", r.body))
        .to_owned();
    for (version, to) in ["FILED", "PUBLISHED", "UNDER_EXAMINATION", "GRANTED"]
        .into_iter()
        .enumerate()
    {
        let r = app
            .gql(
                Some(token),
                MOVE,
                json!({ "i": { "id": id, "to": to, "expectedVersion": version + 1 } }),
            )
            .await;
        assert_eq!(r.data()["transitionIpAsset"]["ipAsset"]["status"], to);
    }
    id
}

pub(crate) async fn schedule(
    app: &TestApp,
    token: &str,
    asset: &str,
    status: Value,
) -> (String, Vec<Value>) {
    let r = app
        .gql(
            Some(token),
            SCHEDULE,
            json!({ "id": asset, "s": status, "past": true }),
        )
        .await;
    let node = &r.data()["node"];
    (
        node["status"].as_str().unwrap_or("").to_owned(),
        edges(&node["deadlines"]),
    )
}

pub(crate) fn fee(list: &[Value], office: &str, year: u64) -> Value {
    list.iter()
        .find(|d| d["kind"] == "ANNUITY" && d["jurisdiction"] == office && d["feeYear"] == year)
        .cloned()
        .unwrap_or_else(|| panic!("no {office} fee for year {year} in {list:?}"))
}

#[tokio::test]
async fn a_paid_fee_is_done_and_stays_done_when_a_corrected_date_moves_it() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let patent = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &patent, Value::Null).await;
    let ninth = fee(&list, "CN", 9);
    assert_eq!(
        (&ninth["dueOn"], &ninth["status"]),
        (&json!("2027-03-04"), &json!("OPEN"))
    );
    let id = ninth["id"].as_str().unwrap().to_owned();

    let r = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": id, "doneOn": "2026-11-02",
                           "officialFee": { "amount": "1200.00", "currency": "CNY" },
                           "note": "CNIPA receipt 2026-88123" } }),
        )
        .await;
    let done = &r.data()["markDeadlineDone"]["deadline"];
    assert_eq!(done["id"], id.as_str());
    assert_eq!(done["status"], "DONE");
    assert_eq!(done["actedOn"], "2026-11-02");
    assert_eq!(
        done["officialFee"],
        json!({ "amount": "1200.00", "currency": "CNY" })
    );
    assert_eq!(done["note"], "CNIPA receipt 2026-88123");

    // Done: no longer open, still in the docket's history.
    let r = app.gql(Some(&sumhs), UPCOMING, json!({ "s": null })).await;
    assert!(
        edges(&r.data()["upcomingDeadlines"])
            .iter()
            .all(|x| x["id"] != id.as_str()),
        "a paid fee is still open: {}",
        r.body
    );
    let r = app
        .gql(Some(&sumhs), UPCOMING, json!({ "s": ["DONE"] }))
        .await;
    let listed = edges(&r.data()["upcomingDeadlines"]);
    assert_eq!(
        listed.iter().filter(|x| x["id"] == id.as_str()).count(),
        1,
        "{}",
        r.body
    );
    let (_, history) = schedule(&app, &sumhs, &patent, json!(["DONE", "WAIVED"])).await;
    assert_eq!(history.len(), 1, "{history:?}");

    // Once only.
    let again = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": id, "doneOn": "2026-11-03" } }),
        )
        .await;
    assert_eq!(again.code(), "CONFLICT");
    assert_eq!(again.body["errors"][0]["extensions"]["field"], "deadlineId");

    // The filing date was mistyped: the fee moves, and it is the same act, still paid.
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($id: ID!) { updateIpAsset(input: { id: $id, expectedVersion: 5, filingDate: \"2019-03-01\" }) { ipAsset { id } } }",
            json!({ "id": patent }),
        )
        .await;
    r.data();
    let (_, list) = schedule(&app, &sumhs, &patent, Value::Null).await;
    let moved = fee(&list, "CN", 9);
    assert_eq!(
        (
            &moved["id"],
            &moved["dueOn"],
            &moved["status"],
            &moved["actedOn"]
        ),
        (
            &json!(id),
            &json!("2027-03-01"),
            &json!("DONE"),
            &json!("2026-11-02")
        )
    );
    assert_eq!(fee(&list, "CN", 10)["status"], "OPEN");
}

#[tokio::test]
async fn marking_refuses_bad_input_by_field_and_writes_nothing() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let patent = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &patent, Value::Null).await;
    let ninth = fee(&list, "CN", 9)["id"].as_str().unwrap().to_owned();
    let expiry = list
        .iter()
        .find(|x| x["kind"] == "EXPIRY")
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .unwrap();
    let long_note = "x".repeat(2001);
    for (input, field) in [
        (
            json!({ "deadlineId": "bm9wZQ", "doneOn": "2026-11-02" }),
            "deadlineId",
        ),
        (
            json!({ "deadlineId": patent, "doneOn": "2026-11-02" }),
            "deadlineId",
        ),
        (
            json!({ "deadlineId": expiry, "doneOn": "2026-11-02" }),
            "deadlineId",
        ),
        (
            json!({ "deadlineId": ninth, "doneOn": "2999-01-01" }),
            "doneOn",
        ),
        // Before the period opened (the filing), after its grace period ended.
        (
            json!({ "deadlineId": ninth, "doneOn": "2019-01-01" }),
            "doneOn",
        ),
        (
            json!({ "deadlineId": ninth, "doneOn": "2026-11-02", "officialFee": { "amount": "-5", "currency": "CNY" } }),
            "officialFee",
        ),
        (
            json!({ "deadlineId": ninth, "doneOn": "2026-11-02", "officialFee": { "amount": "5.001", "currency": "CNY" } }),
            "officialFee",
        ),
        (
            json!({ "deadlineId": ninth, "doneOn": "2026-11-02", "officialFee": { "amount": "5", "currency": "XXX" } }),
            "officialFee",
        ),
        (
            json!({ "deadlineId": ninth, "doneOn": "2026-11-02", "note": long_note }),
            "note",
        ),
    ] {
        let r = app.gql(Some(&sumhs), DONE, json!({ "i": input })).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{input}: {}", r.body);
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"], field,
            "{input}: {}",
            r.body
        );
    }
    // The 8th year's grace ended 2026-09-04: paying it on 2026-10-01 is too late.
    let eighth = fee(&list, "CN", 8)["id"].as_str().unwrap().to_owned();
    let r = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": eighth, "doneOn": "2026-10-01" } }),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"], "doneOn",
        "{}",
        r.body
    );
    let r = app
        .gql(
            Some(&sumhs),
            WAIVE,
            json!({ "i": { "deadlineId": ninth, "decidedOn": "2999-01-01" } }),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"], "decidedOn",
        "{}",
        r.body
    );
    let (status, history) = schedule(&app, &sumhs, &patent, json!(["DONE", "WAIVED"])).await;
    assert_eq!((status.as_str(), history.len()), ("GRANTED", 0));
}

#[tokio::test]
async fn a_waived_fee_ends_the_right_when_its_grace_is_over_and_stays_in_its_history() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;

    // Waived after the grace period: the right is gone at once.
    let old = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &old, Value::Null).await;
    let eighth = fee(&list, "CN", 8)["id"].as_str().unwrap().to_owned();
    let r = app
        .gql(
            Some(&sumhs),
            WAIVE,
            json!({ "i": { "deadlineId": eighth, "decidedOn": "2026-02-20", "note": "no licensee in sight" } }),
        )
        .await;
    let out = &r.data()["waiveDeadline"];
    assert_eq!(out["ipAsset"]["status"], "LAPSED");
    assert_eq!(out["deadline"]["status"], "WAIVED");
    assert_eq!(out["deadline"]["lapsesOn"], "2026-09-05");
    // A lapsed right has no deadlines left, but keeps what was recorded as history.
    let (status, all) = schedule(&app, &sumhs, &old, Value::Null).await;
    assert_eq!(status, "LAPSED");
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["id"], eighth.as_str());

    // Waived ahead of time: the right lives until the day after the grace period…
    let live = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &live, Value::Null).await;
    let ninth = fee(&list, "CN", 9)["id"].as_str().unwrap().to_owned();
    let r = app
        .gql(Some(&sumhs), WAIVE, json!({ "i": { "deadlineId": ninth } }))
        .await;
    let out = &r.data()["waiveDeadline"];
    assert_eq!(out["ipAsset"]["status"], "GRANTED");
    assert_eq!(out["deadline"]["lapsesOn"], "2027-09-05");
    assert_eq!(
        out["deadline"]["actedOn"],
        chrono::Utc::now().date_naive().to_string()
    );
    // …which the hourly job notices.
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let moved = biobridge::service::docket::lapse_waived(&app.db, day("2027-09-04"))
        .await
        .unwrap();
    assert!(moved.is_empty(), "{moved:?}");
    let moved = biobridge::service::docket::lapse_waived(&app.db, day("2027-09-05"))
        .await
        .unwrap();
    assert_eq!(moved.len(), 1);
    let (status, _) = schedule(&app, &sumhs, &live, Value::Null).await;
    assert_eq!(status, "LAPSED");
    // The change is in the asset's audit trail, made by the docket.
    let manager = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&manager),
            "{ auditEvents(first: 100) { edges { node { action actorLabel changes } } } }",
            json!({}),
        )
        .await;
    let trail = edges(&r.data()["auditEvents"]);
    assert!(
        trail.iter().any(|e| e["action"] == "ipAsset.transition"
            && e["actorLabel"] == "operator"
            && e["changes"]["to"] == "LAPSED"),
        "{trail:?}"
    );
    assert!(
        trail
            .iter()
            .any(|e| e["action"] == "ipAsset.deadlineWaived")
    );
}

#[tokio::test]
async fn an_entered_national_phase_is_done_and_cannot_be_recorded_again() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let entry = app
        .gql(
            Some(&sumhs),
            CREATE,
            json!({ "i": { "technologyId": d.technology, "kind": "INVENTION_PATENT", "jurisdiction": "CN",
                           "priorityDate": "2025-03-15", "familyParentId": d.pct } }),
        )
        .await;
    let entry = entry.data()["createIpAsset"]["ipAsset"]["id"].clone();
    let (_, list) = schedule(&app, &sumhs, &d.pct, Value::Null).await;
    let phase = |office: &str| {
        list.iter()
            .find(|x| x["kind"] == "PCT_NATIONAL_PHASE" && x["jurisdiction"] == office)
            .cloned()
            .unwrap()
    };
    let cn = phase("CN");
    assert_eq!(
        (&cn["status"], &cn["enteredBy"]["id"]),
        (&json!("DONE"), &entry)
    );
    let r = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": cn["id"], "doneOn": "2026-11-02" } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");

    // unibl co-owns the PCT application: it may record that the US phase will not be entered.
    let us = phase("US");
    let r = app
        .gql(
            Some(&unibl),
            WAIVE,
            json!({ "i": { "deadlineId": us["id"], "note": "no US licensee" } }),
        )
        .await;
    let out = &r.data()["waiveDeadline"];
    // One office given up: the application itself lives on.
    assert_eq!(
        (
            &out["deadline"]["status"],
            &out["deadline"]["lapsesOn"],
            &out["ipAsset"]["status"]
        ),
        (&json!("WAIVED"), &Value::Null, &json!("PUBLISHED"))
    );
}

#[tokio::test]
async fn an_outsider_can_neither_record_nor_read_the_docket_of_anothers_asset() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let patent = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let (_, list) = schedule(&app, &sumhs, &patent, Value::Null).await;
    let ninth = fee(&list, "CN", 9)["id"].as_str().unwrap().to_owned();

    // bg cannot see the patent of the CONFIDENTIAL technology: its writes are NOT_FOUND, as for
    // an id that does not exist. unibl sees the technology (it co-owns the PCT application) and
    // so the granted patent, but owns none of it: FORBIDDEN.
    for (token, code) in [(&bg, "NOT_FOUND"), (&unibl, "FORBIDDEN")] {
        for (q, input) in [
            (DONE, json!({ "deadlineId": ninth, "doneOn": "2026-11-02" })),
            (WAIVE, json!({ "deadlineId": ninth })),
        ] {
            let r = app.gql(Some(token), q, json!({ "i": input })).await;
            assert_eq!(r.code(), code, "{}", r.body);
        }
    }
    let r = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": ninth, "doneOn": "2026-11-02",
                           "officialFee": { "amount": "1200.00", "currency": "CNY" }, "note": "paid" } }),
        )
        .await;
    assert_eq!(r.data()["markDeadlineDone"]["deadline"]["status"], "DONE");
    // Nothing of it reaches bg on any list.
    for s in [json!(["DONE"]), json!(["OPEN", "DONE", "WAIVED"])] {
        let r = app.gql(Some(&bg), UPCOMING, json!({ "s": s })).await;
        let rows = edges(&r.data()["upcomingDeadlines"]);
        assert!(
            rows.iter().all(|x| x["ipAsset"]["id"] != patent.as_str()),
            "{}",
            r.body
        );
        assert!(
            rows.iter()
                .all(|x| x["note"].is_null() && x["officialFee"].is_null())
        );
    }
    let r = app.gql(Some(&bg), SCHEDULE, json!({ "id": patent })).await;
    assert_eq!(r.data()["node"], Value::Null);
    // unibl learns that the fee was paid (as the register would show), not what or why.
    let (_, seen) = schedule(&app, &unibl, &patent, json!(["DONE"])).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        (
            &seen[0]["status"],
            &seen[0]["officialFee"],
            &seen[0]["note"]
        ),
        (&json!("DONE"), &Value::Null, &Value::Null)
    );
    let (_, mine) = schedule(&app, &sumhs, &patent, json!(["DONE"])).await;
    assert_eq!(mine[0]["officialFee"]["amount"], "1200.00");
}

#[tokio::test]
async fn open_deadlines_carry_their_reminders_at_the_configured_lead_times() {
    // 120 days ahead: the 9th-year fee (due 2027-03-04) reminds on 2026-11-04 and on the last
    // day of its grace, 2027-09-04.
    let app = TestApp::with_config(|c| c.reminder_lead_days = vec![120]).await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let patent = granted_cn_patent(&app, &sumhs, &d.technology).await;
    let q = "query($due: Boolean) { upcomingDeadlines(withinDays: 3650, first: 100, filter: { reminderDue: $due, kind: ANNUITY }) { edges { node { id feeYear reminders reminderDue ipAsset { id } } } } }";
    let today = chrono::Utc::now().date_naive().to_string();
    let expected = if today.as_str() < "2026-11-04" {
        Value::Null
    } else if today.as_str() < "2027-09-04" {
        json!("2026-11-04")
    } else {
        json!("2027-09-04")
    };
    let r = app.gql(Some(&sumhs), q, json!({ "due": null })).await;
    let ninth = edges(&r.data()["upcomingDeadlines"])
        .into_iter()
        .find(|x| x["ipAsset"]["id"] == patent.as_str() && x["feeYear"] == 9)
        .unwrap_or_else(|| panic!("{}", r.body));
    assert_eq!(ninth["reminders"], json!(["2026-11-04", "2027-09-04"]));
    assert_eq!(ninth["reminderDue"], expected);
    // The filter agrees with the field.
    let r = app
        .gql(Some(&sumhs), q, json!({ "due": !expected.is_null() }))
        .await;
    assert!(
        edges(&r.data()["upcomingDeadlines"])
            .iter()
            .any(|x| x["id"] == ninth["id"]),
        "{}",
        r.body
    );
    // Done: nothing more to remind of.
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($id: ID!) { markDeadlineDone(input: { deadlineId: $id, doneOn: \"2026-11-02\" }) { deadline { reminderDue reminders } } }",
            json!({ "id": ninth["id"] }),
        )
        .await;
    assert_eq!(
        r.data()["markDeadlineDone"]["deadline"],
        json!({ "reminderDue": null, "reminders": ["2026-11-04", "2027-09-04"] })
    );
}
