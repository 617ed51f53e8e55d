//! The visibility matrix of DESIGN.md's "Who sees what": for every entity type, every kind of
//! viewer and every path — root list, `totalCount`, `node`, a nested field, a filter or search
//! that would hit the row, and a mutation aimed at it — the expected answer. What a viewer may
//! not see is absent on every path, and a write aimed at it is NOT_FOUND (never FORBIDDEN),
//! so existence does not leak.

use serde_json::{Value, json};

use crate::support::TestApp;

/// The kinds of viewer, in the order of `Target::sees`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Viewer {
    Anonymous,
    /// A member of the institution that owns the row (sumhs unless said otherwise).
    Owner,
    /// A member of a co-owner or deal party (unibl).
    Party,
    /// A member of an unrelated member institution (bg).
    Outsider,
    Analyst,
    /// An API token of the owner with the scopes the entity needs.
    TokenWithScope,
    /// An API token of the owner without them.
    TokenWithoutScope,
    CenterAdmin,
}

const VIEWERS: [Viewer; 8] = [
    Viewer::Anonymous,
    Viewer::Owner,
    Viewer::Party,
    Viewer::Outsider,
    Viewer::Analyst,
    Viewer::TokenWithScope,
    Viewer::TokenWithoutScope,
    Viewer::CenterAdmin,
];

/// One row and the paths to it.
struct Target {
    name: &'static str,
    /// Query (run as center admin) and JSON pointer to the row's global id.
    locate: (&'static str, &'static str),
    /// Root list query and JSON pointer to its connection; `$id` is available as a variable.
    list: Option<(&'static str, &'static str)>,
    /// A filter or search that would hit the row; JSON pointer to its connection.
    search: Option<(&'static str, &'static str)>,
    /// A nested path from an object every viewer who may see the row can reach.
    nested: Option<(&'static str, &'static str)>,
    /// A mutation aimed at the row (`$id`): NOT_FOUND for whoever may not see it.
    probe: Option<&'static str>,
    /// Token scopes: with (all the entity needs) and without.
    scopes: (&'static [&'static str], &'static [&'static str]),
    /// Expected visibility per viewer, in `VIEWERS` order.
    sees: [bool; 8],
}

const T: bool = true;
const F: bool = false;

fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "CONFIDENTIAL technology co-owned across borders (SUMHS-2025-003)",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-003") { id } }"#,
                "/technology/id",
            ),
            list: Some((
                "{ technologies(first: 100) { totalCount edges { node { id } } } }",
                "/technologies",
            )),
            search: Some((
                r#"{ technologies(first: 100, filter: { search: "tanshinone", ownerSlug: "sumhs" }) { totalCount edges { node { id } } } }"#,
                "/technologies",
            )),
            nested: Some((
                r#"{ institution(slug: "sumhs") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                "/institution/technologies",
            )),
            probe: Some(
                "mutation($id: ID!) { updateTechnology(input: { id: $id, expectedVersion: 999, trl: 5 }) { technology { id } } }",
            ),
            scopes: (&["technology:read", "technology:write"], &["stats:read"]),
            sees: [F, T, T, F, F, T, F, T],
        },
        Target {
            name: "CONFIDENTIAL technology of one institution (UNIBL-2025-001), seen from sumhs",
            locate: (
                r#"{ technology(reference: "UNIBL-2025-001") { id } }"#,
                "/technology/id",
            ),
            list: Some((
                "{ technologies(first: 100) { totalCount edges { node { id } } } }",
                "/technologies",
            )),
            search: Some((
                r#"{ technologies(first: 100, filter: { ownerSlug: "unibl", visibility: CONFIDENTIAL }) { totalCount edges { node { id } } } }"#,
                "/technologies",
            )),
            nested: Some((
                r#"{ institution(slug: "unibl") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                "/institution/technologies",
            )),
            probe: Some(
                "mutation($id: ID!) { transitionTechnology(input: { id: $id, to: ARCHIVED, expectedVersion: 999 }) { technology { id } } }",
            ),
            scopes: (&["technology:read", "technology:write"], &["ip:read"]),
            // Here "Owner" (sumhs) is an outsider and "Party" (unibl) the owner.
            sees: [F, F, T, F, F, F, F, T],
        },
        Target {
            name: "CONSORTIUM technology (SUMHS-2025-002)",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-002") { id } }"#,
                "/technology/id",
            ),
            list: Some((
                "{ technologies(first: 100) { totalCount edges { node { id } } } }",
                "/technologies",
            )),
            search: Some((
                r#"{ technologies(first: 100, filter: { visibility: CONSORTIUM }) { totalCount edges { node { id } } } }"#,
                "/technologies",
            )),
            nested: Some((
                r#"{ institution(slug: "sumhs") { technologies(first: 100) { totalCount edges { node { id } } } } }"#,
                "/institution/technologies",
            )),
            probe: None,
            scopes: (&["technology:read"], &["deal:read"]),
            sees: [F, T, T, T, T, T, F, T],
        },
        Target {
            name: "the ACTIVE licence sumhs → unibl",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-001") { deals { edges { node { id } } } } }"#,
                "/technology/deals/edges/0/node/id",
            ),
            list: Some((
                "{ deals(first: 100) { totalCount edges { node { id } } } }",
                "/deals",
            )),
            search: Some((
                "query($tech: ID) { deals(first: 100, filter: { technology: $tech, stage: ACTIVE }) { totalCount edges { node { id } } } }",
                "/deals",
            )),
            nested: Some((
                r#"{ technology(reference: "SUMHS-2025-001") { deals(first: 100) { totalCount edges { node { id } } } } }"#,
                "/technology/deals",
            )),
            probe: Some(
                "mutation($id: ID!) { transitionDeal(input: { id: $id, to: COMPLETED, expectedVersion: 999 }) { deal { id } } }",
            ),
            scopes: (
                &["technology:read", "deal:read", "deal:write"],
                &["technology:read"],
            ),
            sees: [F, T, T, F, F, T, F, T],
        },
        Target {
            name: "a royalty report on the licence",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-001") { deals { edges { node { royaltyReports { edges { node { id } } } } } } } }"#,
                "/technology/deals/edges/0/node/royaltyReports/edges/0/node/id",
            ),
            list: None,
            search: None,
            nested: Some((
                r#"{ technology(reference: "SUMHS-2025-001") { deals { edges { node { royaltyReports(first: 100) { totalCount edges { node { id } } } } } } } }"#,
                "/technology/deals/edges/0/node/royaltyReports",
            )),
            probe: Some(
                "mutation($id: ID!) { decideRoyaltyReport(input: { id: $id, status: DISPUTED }) { royaltyReport { id } } }",
            ),
            scopes: (
                &["technology:read", "deal:read", "deal:write"],
                &["technology:read"],
            ),
            sees: [F, T, T, F, F, T, F, T],
        },
        Target {
            name: "income received on the licence",
            locate: (
                r#"{ technology(reference: "SUMHS-2025-001") { deals { edges { node { incomes { edges { node { id } } } } } } } }"#,
                "/technology/deals/edges/0/node/incomes/edges/0/node/id",
            ),
            list: None,
            search: None,
            nested: Some((
                r#"{ technology(reference: "SUMHS-2025-001") { deals { edges { node { incomes(first: 100) { totalCount edges { node { id } } } } } } } }"#,
                "/technology/deals/edges/0/node/incomes",
            )),
            probe: None,
            scopes: (&["technology:read", "deal:read"], &["technology:read"]),
            sees: [F, T, T, F, F, T, F, T],
        },
        Target {
            name: "a unibl researcher",
            locate: (
                r#"{ institution(slug: "unibl") { people(first: 1) { edges { node { id } } } } }"#,
                "/institution/people/edges/0/node/id",
            ),
            list: None,
            search: None,
            nested: Some((
                r#"{ institution(slug: "unibl") { people(first: 100) { totalCount edges { node { id } } } } }"#,
                "/institution/people",
            )),
            probe: None,
            scopes: (&[], &[]),
            // Names are for member institutions; the tokens act as members of sumhs.
            sees: [F, T, T, T, T, T, T, T],
        },
        Target {
            name: "the sumhs institution admin's account",
            locate: (
                r#"{ users(first: 1, filter: { role: INSTITUTION_ADMIN }, orderBy: { field: EMAIL, direction: ASC }) { edges { node { id email } } } }"#,
                "/users/edges/0/node/id",
            ),
            list: Some((
                "{ users(first: 100) { totalCount edges { node { id } } } }",
                "/users",
            )),
            search: None,
            nested: None,
            probe: Some("mutation($id: ID!) { disableUser(input: { id: $id }) { user { id } } }"),
            scopes: (&["technology:read"], &[]),
            // Accounts are for their institution's admins and center staff only (and oneself).
            sees: [F, F, F, F, F, F, F, T],
        },
    ]
}

struct Viewers {
    tokens: Vec<Option<String>>,
}

async fn api_token(app: &TestApp, manager: &str, scopes: &[&str]) -> String {
    let r = app
        .gql(
            Some(manager),
            "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }",
            json!({ "input": { "name": "matrix", "scopes": scopes } }),
        )
        .await;
    r.data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

impl Viewers {
    async fn new(app: &TestApp, target: &Target) -> Viewers {
        let manager = app.user_token("manager@sumhs.example").await;
        let mut tokens = Vec::new();
        for v in VIEWERS {
            tokens.push(match v {
                Viewer::Anonymous => None,
                Viewer::Owner => Some(app.user_token("member@sumhs.example").await),
                Viewer::Party => Some(app.user_token("member@unibl.example").await),
                Viewer::Outsider => Some(app.user_token("member@bg.example").await),
                Viewer::Analyst => Some(app.user_token("analyst@center.example").await),
                Viewer::TokenWithScope => {
                    let scopes = if target.scopes.0.is_empty() {
                        &["stats:read"][..]
                    } else {
                        target.scopes.0
                    };
                    Some(api_token(app, &manager, scopes).await)
                }
                Viewer::TokenWithoutScope => {
                    let scopes = if target.scopes.1.is_empty() {
                        &["stats:read"][..]
                    } else {
                        target.scopes.1
                    };
                    Some(api_token(app, &manager, scopes).await)
                }
                Viewer::CenterAdmin => Some(app.user_token("admin@center.example").await),
            });
        }
        Viewers { tokens }
    }
}

/// Ids in the connection at `pointer`, and whether `totalCount` agrees with them. A connection
/// that is absent (null parent) or refused (FORBIDDEN for a token without the scope) holds none.
fn ids_in(reply: &crate::support::Reply, pointer: &str) -> (Vec<String>, bool) {
    if let Some(code) = reply.body["errors"][0]["extensions"]["code"].as_str() {
        assert_eq!(code, "FORBIDDEN", "unexpected error: {}", reply.body);
        return (Vec::new(), true);
    }
    let conn = reply.body["data"]
        .pointer(pointer)
        .cloned()
        .unwrap_or(Value::Null);
    if conn.is_null() {
        return (Vec::new(), true);
    }
    let ids: Vec<String> = conn["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges at {pointer}: {}", reply.body))
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect();
    let total = conn["totalCount"].as_u64().map(|t| t as usize);
    let consistent = total.is_none_or(|t| t == ids.len() || ids.len() == 100);
    (ids, consistent)
}

#[tokio::test]
async fn every_entity_every_viewer_every_path() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let mut failures = Vec::new();
    for target in targets() {
        let located = app.gql(Some(&admin), target.locate.0, json!({})).await;
        let id = located
            .data()
            .pointer(target.locate.1)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{}: cannot locate: {}", target.name, located.body))
            .to_owned();
        let tech = app
            .gql(
                Some(&admin),
                r#"{ technology(reference: "SUMHS-2025-001") { id } }"#,
                json!({}),
            )
            .await
            .data()["technology"]["id"]
            .clone();
        let vars = json!({ "id": id, "tech": tech });
        let viewers = Viewers::new(&app, &target).await;
        for (i, viewer) in VIEWERS.iter().enumerate() {
            let token = viewers.tokens[i].as_deref();
            let expected = target.sees[i];
            let check = |failures: &mut Vec<String>, path: &str, seen: bool| {
                if seen != expected {
                    failures.push(format!(
                        "{} — {viewer:?} via {path}: expected {}, got {}",
                        target.name,
                        if expected { "visible" } else { "absent" },
                        if seen { "visible" } else { "absent" }
                    ));
                }
            };
            // node
            let r = app
                .gql(
                    token,
                    "query($id: ID!) { node(id: $id) { id } }",
                    vars.clone(),
                )
                .await;
            check(
                &mut failures,
                "node",
                r.body["data"]["node"]["id"].as_str() == Some(id.as_str()),
            );
            // nodes
            let r = app
                .gql(
                    token,
                    "query($id: ID!) { nodes(ids: [$id]) { id } }",
                    vars.clone(),
                )
                .await;
            check(
                &mut failures,
                "nodes",
                r.body["data"]["nodes"][0]["id"].as_str() == Some(id.as_str()),
            );
            for (path, q) in [
                ("list", target.list),
                ("filter/search", target.search),
                ("nested", target.nested),
            ] {
                let Some((query, pointer)) = q else { continue };
                let r = app.gql(token, query, vars.clone()).await;
                let (ids, consistent) = ids_in(&r, pointer);
                check(&mut failures, path, ids.contains(&id));
                if !consistent {
                    failures.push(format!(
                        "{} — {viewer:?} via {path}: totalCount disagrees with the rows",
                        target.name
                    ));
                }
            }
            if let Some(probe) = target.probe
                && !expected
            {
                let r = app.gql(token, probe, vars.clone()).await;
                let code = r.body["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or("none");
                let allowed: &[&str] = match viewer {
                    Viewer::Anonymous => &["UNAUTHENTICATED"],
                    // Scope checks come before the look-up; the token learns nothing about the row.
                    Viewer::TokenWithoutScope => &["FORBIDDEN", "NOT_FOUND"],
                    // Analysts are read-only whatever they aim at.
                    Viewer::Analyst => &["FORBIDDEN", "NOT_FOUND"],
                    _ => &["NOT_FOUND"],
                };
                if !allowed.contains(&code)
                    || r.body["data"]
                        .as_object()
                        .is_some_and(|d| d.values().any(|v| !v.is_null()))
                {
                    failures.push(format!(
                        "{} — {viewer:?} via mutation: got {code}: {}",
                        target.name, r.body
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "visibility matrix violations:\n{}",
        failures.join("\n")
    );
}
