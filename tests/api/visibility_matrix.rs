//! The visibility matrix of DESIGN.md's "Who sees what": for every entity type, every kind of
//! viewer and every path — root list, `totalCount`, `node`/`nodes`, a nested field, a filter or
//! search that would hit the row, and a mutation aimed at it — the expected answer. What a viewer
//! may not see is absent on every path, and a write aimed at it is NOT_FOUND (never FORBIDDEN),
//! so existence does not leak.
//!
//! The table lives in the submodules, one per area; each area is its own test (a fresh
//! database each) and reports every violation at once. `done_when` spells out the acceptance
//! checks of issue 3 on the demo data, `email` the e-mail rule of people, `uniqueness` that no
//! unique constraint answers differently for another institution's value than for a free one.

mod accounts;
mod agreements;
mod costs;
mod deals;
mod docket;
mod done_when;
mod email;
mod fixture;
mod incubation;
mod ip;
mod licensees;
mod stakes;
mod technologies;
mod training;
mod uniqueness;

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::support::{Reply, TestApp};
use fixture::fixture;

/// The kinds of viewer, in the order of `Target::sees`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Viewer {
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
    /// An INSTITUTION_ADMIN of the owner (manager@sumhs): sees what its members see, and also
    /// its institution's accounts, API tokens and audit trail.
    OwnerAdmin,
    /// A licensee's account: a user of Hemofarm a.d. (an external organisation, RS), invited by
    /// unibl for the licence of UNIBL-2025-002 it negotiates. Not in `VIEWERS`: by default it
    /// sees exactly what an anonymous caller sees ([`Target::licensee`] says otherwise for its
    /// own deal and what hangs off it).
    Licensee,
}

pub(super) const VIEWERS: [Viewer; 9] = [
    Viewer::Anonymous,
    Viewer::Owner,
    Viewer::Party,
    Viewer::Outsider,
    Viewer::Analyst,
    Viewer::TokenWithScope,
    Viewer::TokenWithoutScope,
    Viewer::CenterAdmin,
    Viewer::OwnerAdmin,
];

pub(super) const T: bool = true;
pub(super) const F: bool = false;

/// The key of a `Node` row: its global id.
pub(super) const ID: &[&str] = &["/id"];

/// One way to reach the row: a query and the connection(s) in its answer that would hold it.
pub(super) struct Path {
    /// `list`, `filter/search` or `nested`, for the report.
    pub what: &'static str,
    pub query: &'static str,
    /// JSON pointer (into `data`) to a connection; `*` stands for every element of an array,
    /// so `/deals/edges/*/node/events` is the events of every listed deal.
    pub pointer: &'static str,
    /// JSON pointer from an edge's node to the row, when the node is not the row itself
    /// (a deadline's `ipAsset`).
    pub row: &'static str,
}

impl Path {
    /// The same path, where the row is at `row` inside each node.
    pub fn row(self, row: &'static str) -> Path {
        Path { row, ..self }
    }
}

pub(super) fn list(query: &'static str, pointer: &'static str) -> Path {
    Path {
        what: "list",
        query,
        pointer,
        row: "",
    }
}

pub(super) fn search(query: &'static str, pointer: &'static str) -> Path {
    Path {
        what: "filter/search",
        query,
        pointer,
        row: "",
    }
}

pub(super) fn nested(query: &'static str, pointer: &'static str) -> Path {
    Path {
        what: "nested",
        query,
        pointer,
        row: "",
    }
}

/// One row and the paths to it.
#[derive(Default)]
pub(super) struct Target {
    pub name: &'static str,
    /// Query (run as center admin, with the fixture's variables) and JSON pointer to the row;
    /// with `*` in the pointer, the first candidate whose `pick.0` equals `pick.1`.
    pub locate: (&'static str, &'static str),
    pub pick: Option<(&'static str, &'static str)>,
    /// JSON pointers into the row whose values identify it (`ID` for objects with an id).
    pub key: &'static [&'static str],
    /// Whether the row is a `Node`, reachable through `node(id:)` and `nodes(ids:)`.
    pub node: bool,
    pub paths: Vec<Path>,
    /// A mutation aimed at the row (`$id` and the fixture's variables): NOT_FOUND for whoever
    /// may not see it.
    pub probe: Option<&'static str>,
    /// Token scopes: with (all the entity needs) and without.
    pub scopes: (&'static [&'static str], &'static [&'static str]),
    /// Expected visibility per viewer, in `VIEWERS` order.
    pub sees: [bool; 9],
    /// Whether the licensee's account sees the row, when that differs from the anonymous
    /// caller's column: only for its own deal and what hangs off it, so that it sees nothing a
    /// bg member does not, except its own deals.
    pub licensee: Option<bool>,
}

/// Every value at `pointer`, where `*` stands for every element of an array; nulls left out.
pub(super) fn at<'a>(v: &'a Value, pointer: &str) -> Vec<&'a Value> {
    match pointer.split_once("/*") {
        None => v
            .pointer(pointer)
            .into_iter()
            .filter(|c| !c.is_null())
            .collect(),
        Some((head, tail)) => v
            .pointer(head)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|e| at(e, tail))
            .collect(),
    }
}

/// The row's identity: the values at `key`, joined.
fn key_of(row: &Value, key: &[&str]) -> String {
    key.iter()
        .map(|p| row.pointer(p).unwrap_or(&Value::Null).to_string())
        .collect::<Vec<_>>()
        .join("|")
}

/// Keys of the rows in the connections at `path`, and whether each `totalCount` agrees with its
/// rows. A connection that is absent (null parent) holds none; a FORBIDDEN error (a token
/// without the scope) is the only error allowed, and whatever data comes with it still counts.
fn rows_in(reply: &Reply, path: &Path, key: &[&str]) -> (Vec<String>, bool) {
    for e in reply.body["errors"].as_array().into_iter().flatten() {
        assert_eq!(
            e["extensions"]["code"], "FORBIDDEN",
            "unexpected error on {}: {}",
            path.query, reply.body
        );
    }
    let (mut keys, mut consistent) = (Vec::new(), true);
    for conn in at(&reply.body["data"], path.pointer) {
        let edges = conn["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("no edges at {}: {}", path.pointer, reply.body));
        for e in edges {
            let row = e["node"].pointer(path.row).unwrap_or(&Value::Null);
            keys.push(key_of(row, key));
        }
        if let Some(total) = conn["totalCount"].as_u64() {
            consistent &= total as usize == edges.len() || edges.len() == 100;
        }
    }
    (keys, consistent)
}

/// Tokens of the nine viewers; the API tokens are made by sumhs's institution admin, one per
/// set of scopes.
pub(super) struct Viewers {
    users: HashMap<Viewer, Option<String>>,
    manager: String,
    api_tokens: HashMap<Vec<&'static str>, String>,
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
    pub async fn new(app: &TestApp) -> Viewers {
        let mut users = HashMap::new();
        for (v, email) in [
            (Viewer::Owner, "member@sumhs.example"),
            (Viewer::Party, "member@unibl.example"),
            (Viewer::Outsider, "member@bg.example"),
            (Viewer::Analyst, "analyst@center.example"),
            (Viewer::CenterAdmin, "admin@center.example"),
            (Viewer::OwnerAdmin, "manager@sumhs.example"),
        ] {
            users.insert(v, Some(app.user_token(email).await));
        }
        users.insert(Viewer::Anonymous, None);
        users.insert(Viewer::Licensee, Some(licensee_token(app).await));
        Viewers {
            users,
            manager: app.user_token("manager@sumhs.example").await,
            api_tokens: HashMap::new(),
        }
    }

    /// The bearer token of `viewer` (None: anonymous); the API-token viewers hold the target's
    /// `scopes` (with, without).
    pub async fn token(
        &mut self,
        app: &TestApp,
        viewer: Viewer,
        scopes: (&'static [&'static str], &'static [&'static str]),
    ) -> Option<String> {
        let scopes = match viewer {
            Viewer::TokenWithScope => scopes.0,
            Viewer::TokenWithoutScope => scopes.1,
            _ => return self.users[&viewer].clone(),
        };
        // A token needs at least one scope; `stats:read` reaches no row.
        let scopes = if scopes.is_empty() {
            vec!["stats:read"]
        } else {
            scopes.to_vec()
        };
        if !self.api_tokens.contains_key(&scopes) {
            let t = api_token(app, &self.manager, &scopes).await;
            self.api_tokens.insert(scopes.clone(), t);
        }
        Some(self.api_tokens[&scopes].clone())
    }
}

/// The Hemofarm deal's id (unibl licenses UNIBL-2025-002 to it), as unibl's admin sees it.
pub(super) async fn hemofarm_deal(app: &TestApp) -> Value {
    let unibl = app.user_token("manager@unibl.example").await;
    let deals = app
        .gql(
            Some(&unibl),
            "{ deals(first: 100) { edges { node { id recipient { ... on ExternalOrganization { name } } } } } }",
            json!({}),
        )
        .await;
    at(deals.data(), "/deals/edges/*/node")
        .into_iter()
        .find(|d| d["recipient"]["name"] == "Hemofarm a.d.")
        .map(|d| d["id"].clone())
        .expect("the Hemofarm deal")
}

/// An access token of Hemofarm's licensee account: unibl's admin invites it for the Hemofarm
/// deal and the invitee accepts.
pub(super) async fn licensee_token(app: &TestApp) -> String {
    let unibl = app.user_token("manager@unibl.example").await;
    let deal = hemofarm_deal(app).await;
    let invited = app
        .gql(
            Some(&unibl),
            "mutation($i: InviteLicenseeInput!) { inviteLicensee(input: $i) { invitationToken } }",
            json!({ "i": { "dealId": deal, "email": "licensing@hemofarm.example", "displayName": "Hemofarm licensing" } }),
        )
        .await;
    let token = invited.data()["inviteLicensee"]["invitationToken"].clone();
    let accepted = app
        .gql(
            None,
            "mutation($i: AcceptLicenseeInvitationInput!) { acceptLicenseeInvitation(input: $i) { accessToken } }",
            json!({ "i": { "token": token, "password": "hemofarm-licensing-2026" } }),
        )
        .await;
    accepted.data()["acceptLicenseeInvitation"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Runs the matrix of `targets` on a fresh demo database; fails with every violation found.
pub(super) async fn check(targets: Vec<Target>) {
    check_with(targets, async |_, _| {}).await;
}

/// [`check`], after `extra` has added rows of its own to the fixture (and their ids to its
/// variables).
pub(super) async fn check_with(
    targets: Vec<Target>,
    extra: impl AsyncFnOnce(&TestApp, &mut Value),
) {
    let app = TestApp::new().await;
    let mut fixture = fixture(&app).await;
    extra(&app, &mut fixture).await;
    let admin = app.user_token("admin@center.example").await;
    let mut viewers = Viewers::new(&app).await;
    let mut failures = Vec::new();
    for target in targets {
        let located = app
            .gql(Some(&admin), target.locate.0, fixture.clone())
            .await;
        let candidates = at(located.data(), target.locate.1);
        let row = match target.pick {
            None => candidates.first().copied(),
            Some((field, value)) => candidates
                .into_iter()
                .find(|c| c.pointer(field).and_then(Value::as_str) == Some(value)),
        }
        .unwrap_or_else(|| panic!("{}: cannot locate: {}", target.name, located.body));
        let key = key_of(row, target.key);
        let mut vars = fixture.clone();
        if let Some(id) = row.get("id") {
            vars["id"] = id.clone();
        }
        let expectations = VIEWERS
            .iter()
            .zip(target.sees)
            .map(|(v, sees)| (*v, sees))
            .chain([(Viewer::Licensee, target.licensee.unwrap_or(target.sees[0]))]);
        for (viewer, expected) in expectations {
            let viewer = &viewer;
            let token = viewers.token(&app, *viewer, target.scopes).await;
            let token = token.as_deref();
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
            if target.node {
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
                    r.body["data"]["node"]["id"] == vars["id"],
                );
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
                    r.body["data"]["nodes"][0]["id"] == vars["id"],
                );
            }
            for path in &target.paths {
                let r = app.gql(token, path.query, vars.clone()).await;
                let (keys, consistent) = rows_in(&r, path, target.key);
                check(
                    &mut failures,
                    &format!("{} `{}`", path.what, path.pointer),
                    keys.contains(&key),
                );
                if !consistent {
                    failures.push(format!(
                        "{} — {viewer:?} via {} `{}`: totalCount disagrees with the rows",
                        target.name, path.what, path.pointer
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
                    // Analysts are read-only whatever they aim at; so is a licensee, but for
                    // its royalty reports.
                    Viewer::Analyst | Viewer::Licensee => &["FORBIDDEN", "NOT_FOUND"],
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
