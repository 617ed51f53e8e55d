//! Inputs that used to reach the database badly: NUL characters, cursors of another ordering,
//! unknown directives, nullable order columns; and successes that wrote no audit event.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::{
    support::TestApp,
    training::{APPLY, CREATE, DECIDE, new_program},
};

fn field(r: &crate::support::Reply) -> &str {
    r.body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field in {}", r.body))
}

#[tokio::test]
async fn nul_characters_are_refused_in_variables_and_literals() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    // In a variable, deep in an input object: the field is named.
    let r = app
        .gql(
            Some(&member),
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "fullName": "Ana\u{0}Petrović" } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.text);
    assert_eq!(field(&r), "fullName");
    // A literal argument of a query that reads the database.
    let r = app
        .gql(
            Some(&member),
            r#"{ technology(reference: "ZJU-2025-\u0000") { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.text);
    assert_eq!(field(&r), "reference");
    // In a list inside a filter, anonymous.
    let r = app
        .gql(
            None,
            "query($f: TechnologyFilter) { technologies(filter: $f) { totalCount } }",
            json!({ "f": { "search": "gene\u{0}" } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT", "{}", r.text);
    assert_eq!(field(&r), "search");
    // Nothing was written by the refused mutation.
    let r = app
        .gql(
            Some(&member),
            r#"{ people(filter: { search: "Petrović" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["people"]["totalCount"], 0);
}

fn forged(value: Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&value).unwrap())
}

#[tokio::test]
async fn cursors_must_belong_to_the_ordering_they_are_used_with() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let q = "query($o: TechnologyOrder, $after: String, $before: String) { technologies(orderBy: $o, first: 2, after: $after, before: $before) { pageInfo { endCursor } edges { node { reference } } } }";
    let r = app
        .gql(Some(&admin), q, json!({ "o": { "field": "REFERENCE" } }))
        .await;
    let by_reference = r.data()["technologies"]["pageInfo"]["endCursor"].clone();
    // The cursor works with its own ordering…
    let r = app
        .gql(
            Some(&admin),
            q,
            json!({ "o": { "field": "REFERENCE", "direction": "DESC" }, "after": by_reference }),
        )
        .await;
    r.data();
    // …and is refused with another, as are forged cursors with a key of the wrong type.
    let id = uuid::Uuid::now_v7();
    let cases = [
        ("after", by_reference.clone(), "TRL"),
        ("before", by_reference, "TITLE"),
        (
            "after",
            json!(forged(
                json!({ "by": "title", "key": { "Int": 7 }, "id": id })
            )),
            "TITLE",
        ),
        (
            "after",
            json!(forged(
                json!({ "by": "trl", "key": { "Text": "x" }, "id": id })
            )),
            "TRL",
        ),
        (
            "before",
            json!(forged(json!({ "by": "title", "key": null, "id": id }))),
            "TITLE",
        ),
    ];
    for (arg, cursor, order) in cases {
        let r = app
            .gql(
                Some(&admin),
                q,
                json!({ "o": { "field": order }, arg: cursor }),
            )
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{arg} {order}: {}", r.text);
        assert_eq!(field(&r), arg);
    }
}

#[tokio::test]
async fn unknown_directives_and_directive_arguments_are_rejected() {
    let app = TestApp::new().await;
    for q in [
        "{ institutions @nonsense { totalCount } }",
        "{ institutions { totalCount @skip(if: false, unless: true) } }",
        "query($n: Int @nonsense) { institutions(first: $n) { totalCount } }",
        "query($n: Int @skip(if: true)) { institutions(first: $n) { totalCount } }",
        "query @nonsense { institutions { totalCount } }",
        "{ ...F } fragment F on Query @nonsense { institutions { totalCount } }",
    ] {
        let r = app.gql(None, q, json!({})).await;
        assert_eq!(r.status, 400, "{q}: {}", r.text);
        assert!(r.body.get("data").is_none_or(Value::is_null), "{q}");
        assert!(r.body["errors"][0]["message"].is_string(), "{q}");
    }
    let r = app
        .gql(
            None,
            "{ institutions { totalCount @include(if: true) } }",
            json!({}),
        )
        .await;
    r.data();
}

/// `(signedOn, id)` of every deal, page by page.
async fn deals_by_signing(
    app: &TestApp,
    token: &str,
    direction: &str,
    backwards: bool,
) -> Vec<(Value, String)> {
    let q = "query($o: DealOrder, $first: Int, $after: String, $last: Int, $before: String) { deals(orderBy: $o, first: $first, after: $after, last: $last, before: $before) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id signedOn } } } }";
    let mut out = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let o = json!({ "field": "SIGNED_ON", "direction": direction });
        let vars = if backwards {
            json!({ "o": o, "last": 2, "before": cursor })
        } else {
            json!({ "o": o, "first": 2, "after": cursor })
        };
        let r = app.gql(Some(token), q, vars).await;
        let c = &r.data()["deals"];
        let page: Vec<(Value, String)> = c["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["signedOn"].clone(),
                    e["node"]["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        if backwards {
            out.splice(0..0, page);
            if c["pageInfo"]["hasPreviousPage"] != true {
                break;
            }
            cursor = c["pageInfo"]["startCursor"].clone();
        } else {
            out.extend(page);
            if c["pageInfo"]["hasNextPage"] != true {
                break;
            }
            cursor = c["pageInfo"]["endCursor"].clone();
        }
    }
    out
}

#[tokio::test]
async fn ordering_by_a_nullable_column_never_loses_rows() {
    let app = TestApp::new().await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let total = app
        .gql(Some(&admin), "{ deals { totalCount } }", json!({}))
        .await
        .data()["deals"]["totalCount"]
        .as_u64()
        .unwrap() as usize;
    for direction in ["ASC", "DESC"] {
        let forward = deals_by_signing(&app, &admin, direction, false).await;
        assert_eq!(forward.len(), total, "{direction}");
        let unsigned = forward.iter().filter(|(d, _)| d.is_null()).count();
        assert!(unsigned > 0 && unsigned < total, "the seed has both kinds");
        // NULLs last ascending, first descending; the dated ones in order.
        let (nulls, dated) = if direction == "ASC" {
            (&forward[total - unsigned..], &forward[..total - unsigned])
        } else {
            (&forward[..unsigned], &forward[unsigned..])
        };
        assert!(nulls.iter().all(|(d, _)| d.is_null()), "{direction}");
        let dates: Vec<&str> = dated.iter().map(|(d, _)| d.as_str().unwrap()).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        if direction == "DESC" {
            sorted.reverse();
        }
        assert_eq!(dates, sorted, "{direction}");
        assert_eq!(
            deals_by_signing(&app, &admin, direction, true).await,
            forward
        );
    }
    // Nested lists (paged in memory) keep every row too: each deal appears under its provider.
    let r = app
        .gql(
            Some(&admin),
            "{ institutions(first: 10) { edges { node { deals(orderBy: { field: SIGNED_ON, direction: DESC }, first: 10) { edges { node { id signedOn provider { id } } } } } } } }",
            json!({}),
        )
        .await;
    let mut provided = 0;
    for inst in r.data()["institutions"]["edges"].as_array().unwrap() {
        let dates: Vec<&Value> = inst["node"]["deals"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["node"]["signedOn"])
            .collect();
        let first_dated = dates
            .iter()
            .position(|d| !d.is_null())
            .unwrap_or(dates.len());
        assert!(
            dates[first_dated..].iter().all(|d| !d.is_null()),
            "{dates:?}"
        );
        provided += dates.len();
    }
    // Each deal is listed under its provider and, when it is an institution, its recipient.
    assert!(provided >= total, "{provided} < {total}");
}

async fn audit_count(app: &TestApp, token: &str, entity: &Value, action: &str) -> u64 {
    let r = app
        .gql(
            Some(token),
            "query($f: AuditEventFilter) { auditEvents(filter: $f) { totalCount } }",
            json!({ "f": { "entityId": entity, "action": action } }),
        )
        .await;
    r.data()["auditEvents"]["totalCount"].as_u64().unwrap()
}

#[tokio::test]
async fn a_waitlisting_decision_answered_as_success_is_audited() {
    let app = TestApp::new().await;
    let host = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(Some(&host), CREATE, json!({ "input": new_program(1) }))
        .await;
    let program = r.data()["createTrainingProgram"]["program"]["id"].clone();
    let mut enrollments = Vec::new();
    for name in ["Trainee One", "Trainee Two"] {
        let r = app
            .gql(
                Some(&unibl),
                "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
                json!({ "input": { "fullName": name } }),
            )
            .await;
        let person = r.data()["createPerson"]["person"]["id"].clone();
        let r = app
            .gql(
                Some(&unibl),
                APPLY,
                json!({ "input": { "programId": program, "personId": person } }),
            )
            .await;
        enrollments.push(r.data()["applyToProgram"]["enrollment"]["id"].clone());
    }
    let accept = |id: &Value| json!({ "input": { "id": id, "status": "ACCEPTED" } });
    let r = app.gql(Some(&host), DECIDE, accept(&enrollments[0])).await;
    assert_eq!(
        r.data()["decideEnrollment"]["enrollment"]["status"],
        "ACCEPTED"
    );
    // Full: the second is waitlisted, twice; each answer is a success and leaves its event.
    for expected in 1..=2 {
        let r = app.gql(Some(&host), DECIDE, accept(&enrollments[1])).await;
        let d = &r.data()["decideEnrollment"];
        assert_eq!(d["enrollment"]["status"], "WAITLISTED");
        assert_eq!(d["capacityReached"], true);
        let events = audit_count(&app, &admin, &enrollments[1], "training.decideEnrollment").await;
        assert_eq!(events, expected);
    }
}
