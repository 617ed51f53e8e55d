//! Calendar feeds over HTTP: `/calendar/{deadlines,milestones,training}.ics?token=…`, parsed
//! with an iCalendar parser as Thunderbird or Google Calendar would read them; a feed holds
//! exactly what its user sees through the API, and a revoked token, a disabled user or any
//! other secret gets the same 404 as a token that never existed.

use std::collections::BTreeSet;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use base64::Engine;
use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::{
    docket_state::edges,
    support::{Reply, TestApp},
};

const CREATE: &str = "mutation($n: String!) { createCalendarFeedToken(input: { name: $n }) { token deadlinesPath milestonesPath trainingPath calendarFeedToken { id name prefix revokedAt lastUsedAt createdAt } } }";
const LIST: &str = "{ calendarFeedTokens { id name prefix revokedAt lastUsedAt createdAt } }";
const REVOKE: &str = "mutation($id: ID!) { revokeCalendarFeedToken(input: { id: $id }) { calendarFeedToken { id revokedAt } } }";
const OPEN: &str = "{ upcomingDeadlines(withinDays: 3650, first: 100) { totalCount edges { node { id dueOn graceEndsOn inGrace reminders rule jurisdiction kind ipAsset { id } } } } }";

async fn get(app: &TestApp, uri: &str) -> Reply {
    app.send(
        Request::builder()
            .method(Method::GET)
            .uri(uri)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// A feed token for the user of `token`: (secret, payload).
async fn feed_token(app: &TestApp, token: &str, name: &str) -> (String, Value) {
    let r = app.gql(Some(token), CREATE, json!({ "n": name })).await;
    let p = r.data()["createCalendarFeedToken"].clone();
    (p["token"].as_str().unwrap().to_owned(), p)
}

/// One component as parsed: its properties (name, `VALUE=` parameter, value as written).
struct Parsed {
    properties: Vec<(String, Option<String>, String)>,
}

impl Parsed {
    fn new(props: &[ical::property::Property]) -> Parsed {
        Parsed {
            properties: props
                .iter()
                .map(|p| {
                    let value_type = p.params.as_ref().and_then(|ps| {
                        ps.iter()
                            .find(|(k, _)| k == "VALUE")
                            .and_then(|(_, v)| v.first().cloned())
                    });
                    (
                        p.name.clone(),
                        value_type,
                        p.value.clone().unwrap_or_default(),
                    )
                })
                .collect(),
        }
    }

    /// A TEXT property's value, unescaped (RFC 5545 §3.3.11).
    fn text(&self, name: &str) -> Option<String> {
        let raw = &self.properties.iter().find(|p| p.0 == name)?.2;
        let mut out = String::new();
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => panic!("a dangling backslash in {raw:?}"),
                }
            } else {
                out.push(c);
            }
        }
        Some(out)
    }

    /// A `VALUE=DATE` property's date.
    fn date(&self, name: &str) -> Option<NaiveDate> {
        let (_, value_type, raw) = self.properties.iter().find(|p| p.0 == name)?;
        assert_eq!(
            value_type.as_deref(),
            Some("DATE"),
            "{name} is an all-day date"
        );
        Some(NaiveDate::parse_from_str(raw, "%Y%m%d").expect("a DATE value"))
    }
}

struct Event {
    props: Parsed,
    alarms: Vec<Parsed>,
}

struct Calendar {
    props: Parsed,
    events: Vec<Event>,
}

impl Calendar {
    fn event(&self, uid: &str) -> &Event {
        self.events
            .iter()
            .find(|e| e.props.text("UID").as_deref() == Some(uid))
            .unwrap_or_else(|| panic!("no event {uid}"))
    }
}

/// The feed as a calendar app reads it, after checking the lines: CRLF only, none longer
/// than 75 octets.
fn parse(r: &Reply) -> Calendar {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    let cache = r.headers[header::CACHE_CONTROL].to_str().unwrap();
    assert!(
        cache.contains("private") && cache.contains("max-age="),
        "{cache}"
    );
    assert!(r.text.ends_with("END:VCALENDAR\r\n"));
    for line in r.text.split_terminator("\r\n") {
        assert!(!line.contains('\n') && !line.contains('\r'), "bare LF/CR");
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let mut calendars: Vec<_> = ical::IcalParser::new(std::io::BufReader::new(r.text.as_bytes()))
        .collect::<Result<_, _>>()
        .expect("a valid iCalendar object");
    assert_eq!(calendars.len(), 1);
    let cal = calendars.remove(0);
    let props = Parsed::new(&cal.properties);
    assert_eq!(props.text("VERSION").as_deref(), Some("2.0"));
    assert!(props.text("PRODID").is_some());
    let events = cal
        .events
        .iter()
        .map(|e| {
            let props = Parsed::new(&e.properties);
            for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
                assert!(props.text(required).is_some(), "{required}");
            }
            Event {
                props,
                alarms: e
                    .alarms
                    .iter()
                    .map(|a| Parsed::new(&a.properties))
                    .collect(),
            }
        })
        .collect();
    Calendar { props, events }
}

fn uids(cal: &Calendar) -> BTreeSet<String> {
    cal.events
        .iter()
        .map(|e| e.props.text("UID").unwrap())
        .collect()
}

/// The UID the feed gives a deadline: from its stable id (`IpDeadline:<asset>:<act>`).
fn uid_of(deadline_id: &str) -> String {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(deadline_id)
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let mut parts = raw.splitn(3, ':');
    assert_eq!(parts.next(), Some("IpDeadline"));
    let (asset, act) = (parts.next().unwrap(), parts.next().unwrap());
    format!("ip-deadline-{asset}-{act}@biobridge")
}

fn date(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_deadline_feed_is_the_open_docket_with_its_reminders() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("manager@sumhs.example").await;
    let (secret, p) = feed_token(&app, &sumhs, "Thunderbird at the office").await;
    assert!(secret.starts_with("bbf_"));
    assert_eq!(
        p["deadlinesPath"],
        format!("/calendar/deadlines.ics?token={secret}")
    );
    assert_eq!(
        p["calendarFeedToken"]["prefix"],
        secret.chars().take(12).collect::<String>()
    );
    assert_eq!(p["calendarFeedToken"]["lastUsedAt"], Value::Null);

    let cal = parse(&get(&app, p["deadlinesPath"].as_str().unwrap()).await);
    assert_eq!(
        cal.props.text("X-WR-CALNAME").as_deref(),
        Some("BioBridge: IP deadlines")
    );
    let r = app.gql(Some(&sumhs), OPEN, json!({})).await;
    let open = edges(&r.data()["upcomingDeadlines"]);
    assert!(
        r.data()["upcomingDeadlines"]["totalCount"]
            .as_u64()
            .unwrap()
            < 100
    );
    assert!(!open.is_empty(), "sumhs has open deadlines in the demo");
    // One event per open deadline, with the deadline's stable id in its UID.
    let expected: BTreeSet<String> = open
        .iter()
        .map(|d| uid_of(d["id"].as_str().unwrap()))
        .collect();
    assert_eq!(uids(&cal), expected);
    for d in &open {
        let uid = uid_of(d["id"].as_str().unwrap());
        let e = cal.event(&uid);
        let due = date(&d["dueOn"]);
        assert_eq!(e.props.date("DTSTART"), Some(due), "{uid}");
        assert_eq!(e.props.date("DTEND"), due.succ_opt());
        let description = e.props.text("DESCRIPTION").unwrap();
        assert!(
            description.contains(&format!("Rule: {}", d["rule"].as_str().unwrap())),
            "{description}"
        );
        assert!(description.contains(&format!("Office: {}", d["jurisdiction"].as_str().unwrap())));
        assert_eq!(
            e.props.text("LOCATION").as_deref(),
            d["jurisdiction"].as_str()
        );
        // An alarm per reminder day, relative to the due date.
        let mut triggers: Vec<String> = e
            .alarms
            .iter()
            .map(|a| {
                assert_eq!(a.text("ACTION").as_deref(), Some("DISPLAY"));
                assert!(a.text("DESCRIPTION").is_some());
                a.text("TRIGGER").unwrap()
            })
            .collect();
        let mut wanted: Vec<String> = d["reminders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|day| {
                let before = (due - date(day)).num_days();
                if before > 0 {
                    format!("-P{before}D")
                } else {
                    format!("P{}D", -before)
                }
            })
            .collect();
        triggers.sort();
        wanted.sort();
        assert_eq!(triggers, wanted, "{uid}");
    }

    // The use is recorded; the token lists with its prefix, never its secret.
    let r = app.gql(Some(&sumhs), LIST, json!({})).await;
    let mine = r.data()["calendarFeedTokens"].as_array().unwrap().clone();
    assert_eq!(mine.len(), 1);
    assert!(mine[0]["lastUsedAt"].is_string(), "{mine:?}");
    assert!(!r.text.contains(&secret));
}

#[tokio::test]
async fn the_demo_ep_application_in_grace_is_in_its_owners_feed_and_nothing_confidential_of_others()
{
    let app = TestApp::new().await;
    let bg = app.user_token("member@bg.example").await;
    let (_, p) = feed_token(&app, &bg, "phone").await;
    let cal = parse(&get(&app, p["deadlinesPath"].as_str().unwrap()).await);

    // The demo's EP application of bg: its 3rd-year renewal fee is past due and in grace today.
    let r = app.gql(Some(&bg), OPEN, json!({})).await;
    let open = edges(&r.data()["upcomingDeadlines"]);
    let in_grace = open
        .iter()
        .find(|d| d["kind"] == "RENEWAL" && d["jurisdiction"] == "EP" && d["inGrace"] == true)
        .unwrap_or_else(|| panic!("no EP renewal in grace for bg: {open:?}"));
    let uid = uid_of(in_grace["id"].as_str().unwrap());
    assert!(uid.ends_with("-RENEWAL.EP.3@biobridge"), "{uid}");
    let e = cal.event(&uid);
    assert!(
        e.props
            .text("SUMMARY")
            .unwrap()
            .starts_with("EP renewal fee, year 3")
    );
    let grace = date(&in_grace["graceEndsOn"]);
    assert!(
        e.props
            .text("DESCRIPTION")
            .unwrap()
            .contains(&format!("Grace period ends on: {grace}"))
    );
    // Due in the past: the alarm on the last day of grace is after the start.
    let due = date(&in_grace["dueOn"]);
    let after = (grace - due).num_days();
    assert!(
        e.alarms
            .iter()
            .any(|a| a.text("TRIGGER") == Some(format!("P{after}D")))
    );
    assert_eq!(
        uids(&cal),
        open.iter()
            .map(|d| uid_of(d["id"].as_str().unwrap()))
            .collect()
    );

    // Every asset in bg's feed is one bg may see; the assets only sumhs and unibl (and center
    // admins) may see are in the center admin's feed, never in bg's.
    let assets = |token: String| {
        let app = &app;
        async move {
            let r = app
                .gql(
                    Some(&token),
                    "{ ipAssets(first: 100) { nodes { id } } }",
                    json!({}),
                )
                .await;
            r.data()["ipAssets"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(n["id"].as_str().unwrap())
                        .unwrap();
                    String::from_utf8(raw).unwrap()["IpAsset:".len()..].to_owned()
                })
                .collect::<BTreeSet<String>>()
        }
    };
    let bg_sees = assets(bg.clone()).await;
    let admin = app.user_token("admin@center.example").await;
    let hidden: BTreeSet<String> = assets(admin.clone())
        .await
        .difference(&bg_sees)
        .cloned()
        .collect();
    let (_, ap) = feed_token(&app, &admin, "center").await;
    let admin_cal = parse(&get(&app, ap["deadlinesPath"].as_str().unwrap()).await);
    let hidden_in_admin_feed: Vec<String> = uids(&admin_cal)
        .into_iter()
        .filter(|u| hidden.iter().any(|a| u.contains(a.as_str())))
        .collect();
    assert!(
        !hidden_in_admin_feed.is_empty(),
        "the demo has deadlines of assets bg may not see (sumhs's and unibl's confidential PCT)"
    );
    for u in uids(&cal) {
        assert!(bg_sees.iter().any(|a| u.contains(a.as_str())), "{u}");
        assert!(
            !hidden.iter().any(|a| u.contains(a.as_str())),
            "{u} leaked to bg"
        );
    }
    assert!(!r.text.is_empty());
}

#[tokio::test]
async fn milestone_and_training_feeds_show_what_their_user_may_see() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    for (token, who) in [(&sumhs, "sumhs"), (&bg, "bg")] {
        let (_, p) = feed_token(&app, token, who).await;
        // Training: the programs the user may see, over their days.
        let cal = parse(&get(&app, p["trainingPath"].as_str().unwrap()).await);
        let r = app
            .gql(
                Some(token),
                "{ trainingPrograms(first: 100) { nodes { id title startsOn endsOn } } }",
                json!({}),
            )
            .await;
        let programs = r.data()["trainingPrograms"]["nodes"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(cal.events.len(), programs.len(), "{who}");
        for prog in &programs {
            let e = cal
                .events
                .iter()
                .find(|e| e.props.text("SUMMARY").as_deref() == prog["title"].as_str())
                .unwrap_or_else(|| panic!("{prog} not in {who}'s feed"));
            assert_eq!(e.props.date("DTSTART"), Some(date(&prog["startsOn"])));
            assert_eq!(e.props.date("DTEND"), date(&prog["endsOn"]).succ_opt());
        }
        // Milestones: those of the ventures the user's institution leads.
        let cal = parse(&get(&app, p["milestonesPath"].as_str().unwrap()).await);
        let r = app
            .gql(
                Some(token),
                "{ ventures(first: 100) { nodes { name leadInstitution { slug } milestones(first: 100) { nodes { title dueOn } } } } }",
                json!({}),
            )
            .await;
        let mut expected = BTreeSet::new();
        for v in r.data()["ventures"]["nodes"].as_array().unwrap() {
            if v["leadInstitution"]["slug"] != who {
                continue;
            }
            for m in v["milestones"]["nodes"].as_array().unwrap() {
                expected.insert((
                    m["dueOn"].as_str().unwrap().to_owned(),
                    v["name"].as_str().unwrap().to_owned(),
                    m["title"].as_str().unwrap().to_owned(),
                ));
            }
        }
        let found: BTreeSet<(String, String, String)> = cal
            .events
            .iter()
            .map(|e| {
                let day = e.props.date("DTSTART").unwrap();
                let summary = e.props.text("SUMMARY").unwrap();
                let summary = summary.trim_end_matches(" (completed)");
                let (venture, title) = summary.split_once(": ").unwrap();
                (day.to_string(), venture.to_owned(), title.to_owned())
            })
            .collect();
        assert_eq!(found, expected, "{who}");
        if who == "sumhs" {
            assert!(!expected.is_empty(), "sumhs leads a venture in the demo");
        } else {
            assert!(expected.is_empty());
        }
    }
}

#[tokio::test]
async fn a_feed_token_is_for_the_feeds_only_and_dies_with_revocation_or_its_user() {
    let app = TestApp::new().await;
    let manager = app.user_token("manager@sumhs.example").await;
    let member = app.user_token("member@sumhs.example").await;
    let (secret, p) = feed_token(&app, &member, "laptop").await;
    let path = p["deadlinesPath"].as_str().unwrap().to_owned();
    parse(&get(&app, &path).await);

    // Not a credential for the API.
    let r = app.gql(Some(&secret), "{ me { role } }", json!({})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Not the API's credentials in its place: the same 404 as for nonsense, or no token.
    let unknown = get(&app, "/calendar/deadlines.ics?token=bbf_nonsense").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    for uri in [
        format!("/calendar/deadlines.ics?token={member}"),
        "/calendar/deadlines.ics".to_owned(),
        format!("/calendar/secrets.ics?token={secret}"),
        format!("/calendar/deadlines.ics?token={}x", secret),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(
            (r.status, &r.text),
            (unknown.status, &unknown.text),
            "{uri}"
        );
    }
    // Only its user lists and revokes it; nobody else learns it exists — not its institution's
    // admin, not a center admin.
    let id = p["calendarFeedToken"]["id"].clone();
    let center = app.user_token("admin@center.example").await;
    for token in [Some(&manager), Some(&center), None] {
        let r = app.gql(token.map(String::as_str), LIST, json!({})).await;
        assert_eq!(r.data()["calendarFeedTokens"], json!([]));
        if let Some(t) = token {
            let r = app.gql(Some(t), REVOKE, json!({ "id": id })).await;
            assert_eq!(r.code(), "NOT_FOUND");
        }
    }
    parse(&get(&app, &path).await);
    // Partner systems and operators make none.
    let api = app
        .gql(
            Some(&manager),
            r#"mutation { createApiToken(input: { name: "erp", scopes: ["ip:read"] }) { token } }"#,
            json!({}),
        )
        .await;
    let api = api.data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let operator = app.token("sumhs", "MEMBER").await;
    for t in [&api, &operator] {
        let r = app.gql(Some(t), CREATE, json!({ "n": "x" })).await;
        assert_eq!(r.code(), "FORBIDDEN", "{}", r.body);
    }
    let r = app.gql(Some(&member), CREATE, json!({ "n": " " })).await;
    assert_eq!(r.code(), "BAD_USER_INPUT");

    // Revoked: the same 404.
    let r = app.gql(Some(&member), REVOKE, json!({ "id": id })).await;
    assert!(r.data()["revokeCalendarFeedToken"]["calendarFeedToken"]["revokedAt"].is_string());
    let r = get(&app, &path).await;
    assert_eq!((r.status, &r.text), (unknown.status, &unknown.text));

    // A disabled user's feeds stop too.
    let (_, p2) = feed_token(&app, &member, "second").await;
    let path2 = p2["trainingPath"].as_str().unwrap().to_owned();
    parse(&get(&app, &path2).await);
    let r = app
        .gql(
            Some(&manager),
            "query { users(first: 100) { nodes { id email } } }",
            json!({}),
        )
        .await;
    let target = r.data()["users"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "member@sumhs.example")
        .unwrap()["id"]
        .clone();
    app.gql(
        Some(&manager),
        "mutation($id: ID!) { disableUser(input: { id: $id }) { user { disabledAt } } }",
        json!({ "id": target }),
    )
    .await
    .data();
    let r = get(&app, &path2).await;
    assert_eq!((r.status, &r.text), (unknown.status, &unknown.text));
}
