//! The IP docket over HTTP: each office's national-phase period, payment windows with grace,
//! national phases entered by a family member, Euro-PCT renewals — and nothing of it for an
//! institution that may not see the asset.

use serde_json::{Value, json};

use crate::{ip::demo, support::TestApp};

const CREATE: &str =
    "mutation($i: CreateIpAssetInput!) { createIpAsset(input: $i) { ipAsset { id status } } }";
const FILE: &str = "mutation($i: TransitionIpAssetInput!) { transitionIpAsset(input: $i) { ipAsset { id status } } }";
const DEADLINES: &str = "query($id: ID!) { node(id: $id) { ... on IpAsset { deadlines(first: 100) { edges { node {
    kind jurisdiction dueOn opensOn graceEndsOn inGrace consequence rule basisDate feeYear enteredBy { id jurisdiction } } } } } } }";
const UPCOMING: &str = "query($j: String) { upcomingDeadlines(withinDays: 1000, first: 100, filter: { jurisdiction: $j }) { edges { node {
    kind jurisdiction dueOn ipAsset { id } } } } }";

fn edges(v: &Value) -> Vec<Value> {
    v["edges"]
        .as_array()
        .map(|e| e.iter().map(|x| x["node"].clone()).collect())
        .unwrap_or_default()
}

async fn create(app: &TestApp, token: &str, input: Value) -> String {
    let r = app.gql(Some(token), CREATE, json!({ "i": input })).await;
    r.data()["createIpAsset"]["ipAsset"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", r.body))
        .to_owned()
}

async fn file(app: &TestApp, token: &str, id: &str, on: &str) {
    let r = app
        .gql(
            Some(token),
            FILE,
            json!({ "i": { "id": id, "to": "FILED", "expectedVersion": 1, "date": on } }),
        )
        .await;
    assert_eq!(r.data()["transitionIpAsset"]["ipAsset"]["status"], "FILED");
}

async fn deadlines(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let r = app.gql(Some(token), DEADLINES, json!({ "id": id })).await;
    edges(&r.data()["node"]["deadlines"])
}

fn find<'a>(list: &'a [Value], kind: &str, office: &str) -> &'a Value {
    list.iter()
        .find(|d| d["kind"] == kind && d["jurisdiction"] == office)
        .unwrap_or_else(|| panic!("no {kind} at {office} in {list:?}"))
}

#[tokio::test]
async fn national_phases_follow_each_offices_period_and_entered_ones_are_done() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    let pct = create(
        &app,
        &sumhs,
        json!({ "technologyId": d.technology, "kind": "PCT_APPLICATION", "jurisdiction": "WO",
                "priorityDate": "2026-01-10", "targetJurisdictions": ["BA", "CN", "EP", "SI"] }),
    )
    .await;
    file(&app, &sumhs, &pct, "2026-03-02").await;

    let list = deadlines(&app, &sumhs, &pct).await;
    // WIPO's table: Bosnia and Herzegovina 34 months (not 30), the EPO 31, China 30 (32 late).
    let ba = find(&list, "PCT_NATIONAL_PHASE", "BA");
    assert_eq!(ba["dueOn"], "2028-11-10");
    assert!(ba["rule"].as_str().unwrap().contains("34 months"), "{ba}");
    assert_eq!(ba["graceEndsOn"], Value::Null);
    let cn = find(&list, "PCT_NATIONAL_PHASE", "CN");
    assert_eq!(
        (&cn["dueOn"], &cn["graceEndsOn"]),
        (&json!("2028-07-10"), &json!("2028-09-10"))
    );
    assert!(cn["consequence"].as_str().unwrap().contains("withdrawn"));
    assert_eq!(cn["enteredBy"], Value::Null);
    assert_eq!(
        find(&list, "PCT_NATIONAL_PHASE", "EP")["dueOn"],
        "2028-08-10"
    );
    assert!(
        find(&list, "PCT_NATIONAL_PHASE", "SI")["rule"]
            .as_str()
            .unwrap()
            .contains("EPO acts for SI")
    );

    // The CN national phase is entered: that deadline is done, linked to the entering asset,
    // and no longer among the open ones.
    let cn_entry = create(
        &app,
        &sumhs,
        json!({ "technologyId": d.technology, "kind": "INVENTION_PATENT", "jurisdiction": "CN",
                "priorityDate": "2026-01-10", "internationalFilingDate": "2026-03-02",
                "familyParentId": pct }),
    )
    .await;
    let list = deadlines(&app, &sumhs, &pct).await;
    assert_eq!(
        find(&list, "PCT_NATIONAL_PHASE", "CN")["enteredBy"]["id"],
        cn_entry.as_str()
    );
    assert_eq!(
        find(&list, "PCT_NATIONAL_PHASE", "BA")["enteredBy"],
        Value::Null
    );
    let open = |r: &crate::support::Reply| {
        edges(&r.data()["upcomingDeadlines"])
            .into_iter()
            .filter(|d| d["ipAsset"]["id"] == pct.as_str())
            .map(|d| {
                format!(
                    "{}@{}",
                    d["kind"].as_str().unwrap(),
                    d["jurisdiction"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    let r = app.gql(Some(&sumhs), UPCOMING, json!({ "j": null })).await;
    let mut mine = open(&r);
    mine.sort();
    assert_eq!(
        mine,
        vec![
            "PCT_NATIONAL_PHASE@BA",
            "PCT_NATIONAL_PHASE@EP",
            "PCT_NATIONAL_PHASE@SI",
            "PRIORITY_CLAIM@WO"
        ]
    );

    // bg may see neither the application nor anything of its docket.
    let r = app.gql(Some(&bg), DEADLINES, json!({ "id": pct })).await;
    assert_eq!(r.data()["node"], Value::Null);
    let r = app.gql(Some(&bg), UPCOMING, json!({ "j": null })).await;
    assert!(open(&r).is_empty());
    let r = app
        .gql(Some(&bg), DEADLINES, json!({ "id": cn_entry }))
        .await;
    assert_eq!(r.data()["node"], Value::Null);
}

#[tokio::test]
async fn a_euro_pct_application_renews_from_its_international_filing_date() {
    let app = TestApp::new().await;
    let d = demo(&app).await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let ep = create(
        &app,
        &sumhs,
        json!({ "technologyId": d.technology, "kind": "INVENTION_PATENT", "jurisdiction": "EP",
                "priorityDate": "2025-03-15", "internationalFilingDate": "2026-03-13" }),
    )
    .await;
    file(&app, &sumhs, &ep, "2027-10-15").await;
    let list = deadlines(&app, &sumhs, &ep).await;
    let third = list
        .iter()
        .find(|x| x["kind"] == "RENEWAL" && x["feeYear"] == 3)
        .unwrap_or_else(|| panic!("{list:?}"));
    // EPC Rule 51 and 159(1)(g): counted from 2026-03-13, payable from 3 months before, 6 months'
    // grace with the additional fee.
    assert_eq!(
        (
            &third["dueOn"],
            &third["opensOn"],
            &third["graceEndsOn"],
            &third["basisDate"]
        ),
        (
            &json!("2028-03-31"),
            &json!("2027-12-31"),
            &json!("2028-09-30"),
            &json!("2026-03-13")
        )
    );
    assert_eq!(third["inGrace"], false);
    let expiry = find(&list, "EXPIRY", "EP");
    assert_eq!(expiry["dueOn"], "2046-03-13");

    // The international filing date comes between priority and the national filing.
    let r = app
        .gql(
            Some(&sumhs),
            CREATE,
            json!({ "i": { "technologyId": d.technology, "kind": "INVENTION_PATENT", "jurisdiction": "EP",
                          "priorityDate": "2025-03-15", "internationalFilingDate": "2025-01-01" } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "internationalFilingDate"
    );
}
