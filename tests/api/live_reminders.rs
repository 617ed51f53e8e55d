//! The docket's reminder events over `/graphql/ws`: `deadlineApproaching` delivers each
//! reminder once, to the asset's co-owners who may see it now and to nobody else; the job that
//! sends them runs with the day the test names (as `lapse_waived` does), and sends each
//! reminder once however many run it at the same moment. And the bounded queue: a subscriber
//! that falls behind is told and closed with 1013.

use std::collections::{BTreeSet, HashSet};

use biobridge::{graphql::ids, service::docket_reminders};
use chrono::NaiveDate;
use entity::{deadline_reminder, ip_ownership};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{
    TestApp,
    ws::{Frame, WsClient, listening},
};

const APPROACHING: &str = "subscription($within: Int!, $inst: ID) { deadlineApproaching(withinDays: $within, institutionId: $inst) {
    eventId remindOn dueOn daysLeft reminder leadDays
    deadline { id kind jurisdiction dueOn status reminders }
    ipAsset { id } } }";
/// The same with `withinDays` left to its default (30).
const APPROACHING_SOON: &str = "subscription { deadlineApproaching {
    eventId remindOn dueOn daysLeft reminder leadDays
    deadline { id kind jurisdiction dueOn status reminders }
    ipAsset { id } } }";
const CREATE_TECHNOLOGY: &str =
    "mutation($i: CreateTechnologyInput!) { createTechnology(input: $i) { technology { id } } }";
const CREATE_ASSET: &str =
    "mutation($i: CreateIpAssetInput!) { createIpAsset(input: $i) { ipAsset { id status } } }";
const MOVE: &str = "mutation($i: TransitionIpAssetInput!) { transitionIpAsset(input: $i) { ipAsset { id status version } } }";
const MARK_DONE: &str = "mutation($i: MarkDeadlineDoneInput!) { markDeadlineDone(input: $i) { deadline { id status } } }";

pub const LEAD_DAYS: [u32; 3] = [90, 30, 7];

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Runs the reminder job as the server's hourly task would on `today`.
pub async fn remind(app: &TestApp, today: &str) -> Vec<deadline_reminder::Model> {
    docket_reminders::send_due(&app.db, &LEAD_DAYS, day(today))
        .await
        .unwrap()
}

/// The global id of a deadline (`IpDeadline.id`) that `reminder` is about.
pub fn deadline_id(reminder: &deadline_reminder::Model) -> String {
    ids::encode_keyed("IpDeadline", reminder.ip_asset_id, &reminder.act).0
}

/// The UUID inside a global id.
pub fn uuid_of(global: &str) -> Uuid {
    ids::decode(global).unwrap().1
}

/// The assets `slug` co-owns.
pub async fn owned_by(app: &TestApp, slug: &str) -> HashSet<Uuid> {
    ip_ownership::Entity::find()
        .filter(ip_ownership::Column::InstitutionId.eq(app.institution_id(slug).await))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.ip_asset_id)
        .collect()
}

/// A CN invention patent of a new technology of `token`'s institution, filed 2019-09-15 and
/// granted 2022-09-30: its 9th-year fee falls due 2027-09-15 (reminders 2027-06-17, 2027-08-16,
/// 2027-09-08, and 2028-03-15, the last day of its grace). Returns its global id.
pub async fn granted_cn_patent(app: &TestApp, token: &str, reference: &str) -> String {
    let r = app
        .gql(
            Some(token),
            CREATE_TECHNOLOGY,
            json!({ "i": { "reference": reference, "title": "t", "summary": "s", "field": "OTHER",
                           "trl": 2, "visibility": "CONFIDENTIAL" } }),
        )
        .await;
    let technology = r.data()["createTechnology"]["technology"]["id"].clone();
    let r = app
        .gql(
            Some(token),
            CREATE_ASSET,
            json!({ "i": { "technologyId": technology, "kind": "INVENTION_PATENT", "jurisdiction": "CN",
                           "filingDate": "2019-09-15", "publicationDate": "2021-03-01",
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

/// The demo PCT application (SUMHS-2025-003, CONFIDENTIAL, co-owned 70/30 by sumhs and unibl):
/// priority 2025-03-15, national phases CN and US due 2027-09-15, EP 2027-10-15.
async fn demo_pct(app: &TestApp) -> Uuid {
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            r#"{ technology(reference: "SUMHS-2025-003") { ipAssets(first: 20) { edges { node { id kind } } } } }"#,
            json!({}),
        )
        .await;
    let pct = r.data()["technology"]["ipAssets"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["kind"] == "PCT_APPLICATION")
        .unwrap_or_else(|| panic!("{}", r.body))["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    uuid_of(&pct)
}

/// The `deadlineApproaching` payloads `socket` receives up to and including the first one
/// reminding on `marker` (a later run's, so that every earlier event was handled before it).
async fn until_marker(socket: &mut WsClient, marker: &str) -> (Vec<Value>, Value) {
    let mut before = Vec::new();
    loop {
        let (_, payload) = socket.next_payload().await;
        assert_eq!(payload["errors"], Value::Null, "{payload}");
        let event = payload["data"]["deadlineApproaching"].clone();
        if event["remindOn"] == marker {
            return (before, event);
        }
        before.push(event);
    }
}

/// An event's key: the deadline and the reminder's day.
fn key_of(event: &Value) -> (String, String) {
    (
        event["deadline"]["id"].as_str().unwrap().to_owned(),
        event["remindOn"].as_str().unwrap().to_owned(),
    )
}

fn keys(reminders: &[&deadline_reminder::Model]) -> BTreeSet<(String, String)> {
    reminders
        .iter()
        .map(|r| (deadline_id(r), r.remind_on.to_string()))
        .collect()
}

/// The "done when" of the reminder events: the job sends each reminder once (two runs at the
/// same moment included); unibl, co-owner of the demo PCT application, hears of its national
/// phases due within 30 days and not of the EP one due in 90; bg hears only of its own patent,
/// never of sumhs's or unibl's assets; a deadline marked done since is no longer reminded of.
#[tokio::test]
async fn reminders_reach_the_co_owners_once_and_no_outsider() {
    let app = TestApp::new().await;
    let addr = app.serve().await;
    let pct = demo_pct(&app).await;
    let bg = app.user_token("member@bg.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg_patent = uuid_of(&granted_cn_patent(&app, &bg, "BG-2026-801").await);

    let mut unibl_socket = WsClient::connect(addr, Some(&unibl)).await;
    unibl_socket
        .subscribe("soon", APPROACHING_SOON, json!({}))
        .await;
    let mut bg_socket = WsClient::connect(addr, Some(&bg)).await;
    bg_socket
        .subscribe("all", APPROACHING, json!({ "within": 3650 }))
        .await;
    // sumhs, the PCT's other owner, keeps only unibl's assets: the PCT application.
    let mut sumhs_socket = WsClient::connect(addr, Some(&sumhs)).await;
    let unibl_gid = ids::encode("Institution", app.institution_id("unibl").await).0;
    sumhs_socket
        .subscribe(
            "unibl's",
            APPROACHING,
            json!({ "within": 3650, "inst": unibl_gid }),
        )
        .await;
    listening(&app.events, 3).await;

    // Two instances' jobs at the same moment: each reminder is sent by one of them.
    let (a, b) = tokio::join!(remind(&app, "2027-08-16"), remind(&app, "2027-08-16"));
    let sent: Vec<deadline_reminder::Model> = a.into_iter().chain(b).collect();
    let unique: HashSet<(Uuid, &str, NaiveDate)> = sent
        .iter()
        .map(|r| (r.ip_asset_id, r.act.as_str(), r.remind_on))
        .collect();
    assert_eq!(
        unique.len(),
        sent.len(),
        "a reminder was sent twice: {sent:?}"
    );
    let stored = deadline_reminder::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(stored as usize, sent.len());
    let events = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(docket_reminders::ACTION))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(events as usize, sent.len());
    // A later run the same day, or the next, sends nothing again.
    assert_eq!(remind(&app, "2027-08-16").await, []);
    assert_eq!(remind(&app, "2027-08-17").await, []);

    let of_pct = |act: &str| {
        sent.iter()
            .find(|r| r.ip_asset_id == pct && r.act == act)
            .unwrap_or_else(|| panic!("no reminder of {act}: {sent:?}"))
    };
    let (cn, us, ep) = (
        of_pct("PCT_NATIONAL_PHASE.CN"),
        of_pct("PCT_NATIONAL_PHASE.US"),
        of_pct("PCT_NATIONAL_PHASE.EP"),
    );
    assert_eq!(
        (cn.remind_on, cn.due_on, cn.lead_days),
        (day("2027-08-16"), day("2027-09-15"), Some(30))
    );
    assert_eq!((ep.remind_on, ep.lead_days), (day("2027-07-17"), Some(90)));

    // The marker: a later run reminds of the PCT's national phases 7 days ahead, and of bg's
    // patent's fee.
    let later = remind(&app, "2027-09-08").await;
    assert!(later.iter().any(|r| r.ip_asset_id == bg_patent));
    assert!(later.iter().any(|r| r.ip_asset_id == pct));

    // What each subscriber may hear of: the reminders of the assets its institution co-owns
    // (and may see), due within its `withinDays`. Every event of the first run comes before the
    // marker; the second run's other reminders may come before it too.
    let unibl_owns = owned_by(&app, "unibl").await;
    let for_unibl = |r: &&deadline_reminder::Model| {
        unibl_owns.contains(&r.ip_asset_id) && (r.due_on - r.remind_on).num_days() <= 30
    };
    let first: Vec<&deadline_reminder::Model> = sent.iter().filter(for_unibl).collect();
    let may: BTreeSet<(String, String)> = keys(
        &sent
            .iter()
            .chain(&later)
            .filter(for_unibl)
            .collect::<Vec<_>>(),
    );
    let (heard, marker) = until_marker(&mut unibl_socket, "2027-09-08").await;
    let heard_keys: BTreeSet<(String, String)> = heard.iter().map(key_of).collect();
    assert_eq!(heard_keys.len(), heard.len(), "heard twice: {heard:?}");
    assert!(heard_keys.is_subset(&may), "unibl heard {heard:?}");
    assert!(
        keys(&first).is_subset(&heard_keys),
        "unibl missed some of {first:?}"
    );
    assert!(first.contains(&cn) && first.contains(&us));
    assert!(!first.contains(&ep), "due in 90 days");
    let cn_heard = heard
        .iter()
        .find(|e| e["deadline"]["id"] == deadline_id(cn).as_str())
        .unwrap();
    assert_eq!(
        cn_heard,
        &json!({
            "eventId": cn_heard["eventId"], "remindOn": "2027-08-16", "dueOn": "2027-09-15",
            "daysLeft": 30, "reminder": "LEAD_TIME", "leadDays": 30,
            "deadline": { "id": deadline_id(cn), "kind": "PCT_NATIONAL_PHASE", "jurisdiction": "CN",
                          "dueOn": "2027-09-15", "status": "OPEN",
                          "reminders": ["2027-06-17", "2027-08-16", "2027-09-08", "2027-11-15"] },
            "ipAsset": { "id": ids::encode("IpAsset", pct).0 },
        })
    );
    assert_eq!(marker["daysLeft"], 7);

    // bg: its own assets' reminders (this patent, and the demo's EP application in grace),
    // nothing of sumhs's or unibl's assets.
    let (heard, marker) = until_marker(&mut bg_socket, "2027-09-08").await;
    let own: HashSet<String> = owned_by(&app, "bg")
        .await
        .into_iter()
        .map(|id| ids::encode("IpAsset", id).0)
        .collect();
    assert!(own.contains(&ids::encode("IpAsset", bg_patent).0));
    for event in heard.iter().chain([&marker]) {
        assert!(
            own.contains(event["ipAsset"]["id"].as_str().unwrap_or_default()),
            "bg heard {event}"
        );
    }
    let fee = heard
        .iter()
        .find(|e| e["remindOn"] == "2027-08-16")
        .unwrap_or_else(|| panic!("{heard:?}"));
    assert_eq!(
        (&fee["daysLeft"], &fee["leadDays"]),
        (&json!(30), &json!(30))
    );

    // sumhs with `institutionId: unibl`: the assets unibl co-owns that sumhs may see — the PCT
    // application, whatever its lead time.
    let (heard, _) = until_marker(&mut sumhs_socket, "2027-09-08").await;
    let heard_keys: BTreeSet<(String, String)> = heard.iter().map(key_of).collect();
    let of_pct: Vec<&deadline_reminder::Model> =
        sent.iter().filter(|r| r.ip_asset_id == pct).collect();
    assert!(keys(&of_pct).is_subset(&heard_keys), "{heard:?}");
    assert!(
        heard
            .iter()
            .all(|e| e["ipAsset"]["id"] == ids::encode("IpAsset", pct).0.as_str()),
        "{heard:?}"
    );

    // A deadline settled before its next reminder is not reminded of again: the CN phase's
    // last day of grace (2027-11-15) would remind, but the phase is marked done first.
    let r = app
        .gql(
            Some(&sumhs),
            MARK_DONE,
            json!({ "i": { "deadlineId": deadline_id(cn), "doneOn": "2026-11-02" } }),
        )
        .await;
    assert_eq!(r.data()["markDeadlineDone"]["deadline"]["status"], "DONE");
    let grace_day = remind(&app, "2027-11-15").await;
    assert!(
        !grace_day
            .iter()
            .any(|r| r.ip_asset_id == pct && r.act == "PCT_NATIONAL_PHASE.CN"),
        "{grace_day:?}"
    );
}

/// The bounded queue of a subscription: with `BIOBRIDGE_LIVE_QUEUE` at 2, a subscriber that a
/// burst of events (the reminders of a PCT application with many offices, sent in one
/// transaction) leaves behind is told why and closed with 1013, and stops listening.
#[tokio::test]
async fn a_subscriber_left_behind_by_a_burst_is_told_and_closed_with_1013() {
    let app = TestApp::with_config(|c| c.live_queue = 2).await;
    let addr = app.serve().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs),
            CREATE_TECHNOLOGY,
            json!({ "i": { "reference": "SUMHS-2026-950", "title": "t", "summary": "s",
                           "field": "OTHER", "trl": 2 } }),
        )
        .await;
    let technology = r.data()["createTechnology"]["technology"]["id"].clone();
    // An invention made in China is filed abroad only after CNIPA's security review.
    let r = app
        .gql(
            Some(&sumhs),
            "mutation($i: RecordSecurityReviewInput!) { recordSecurityReview(input: $i) { technology { id } } }",
            json!({ "i": { "technologyId": technology, "reviewedOn": "2026-01-05" } }),
        )
        .await;
    r.data();
    let offices = [
        "CN", "EP", "US", "JP", "KR", "RS", "ME", "MK", "AL", "TR", "GB", "IN", "AU",
    ];
    let r = app
        .gql(
            Some(&sumhs),
            CREATE_ASSET,
            json!({ "i": { "technologyId": technology, "kind": "PCT_APPLICATION", "jurisdiction": "WO",
                           "priorityDate": "2026-01-10", "targetJurisdictions": offices } }),
        )
        .await;
    let pct = r.data()["createIpAsset"]["ipAsset"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", r.body))
        .to_owned();
    let r = app
        .gql(
            Some(&sumhs),
            MOVE,
            json!({ "i": { "id": pct, "to": "FILED", "expectedVersion": 1, "date": "2026-03-02" } }),
        )
        .await;
    assert_eq!(r.data()["transitionIpAsset"]["ipAsset"]["status"], "FILED");

    let mut socket = WsClient::connect(addr, Some(&sumhs)).await;
    socket
        .subscribe("all", APPROACHING, json!({ "within": 3650 }))
        .await;
    listening(&app.events, 1).await;

    // Every office's 30- or 31-month period has its 90-day reminder by 2028-06-01: one event
    // per office, committed together, far more than the queue holds.
    let sent = remind(&app, "2028-06-01").await;
    let burst = sent
        .iter()
        .filter(|r| r.ip_asset_id == uuid_of(&pct))
        .count();
    assert!(burst > offices.len() / 2, "{sent:?}");

    // What was read before the overflow may arrive; then the reason, and the close.
    let (code, reason) = loop {
        match socket.next().await {
            Frame::Closed(code, reason) => break (code, reason),
            Frame::Json(message) => {
                if let Some(errors) = message["payload"]["errors"].as_array() {
                    assert_eq!(errors[0]["extensions"]["code"], "UNAVAILABLE", "{message}");
                }
            }
        }
    };
    assert_eq!(code, 1013, "{reason}");
    assert!(reason.contains("too slow"), "{reason}");
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while app.events.subscriber_count() > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the closed socket's subscription stops listening");
}
