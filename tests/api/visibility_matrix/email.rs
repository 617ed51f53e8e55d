//! People's e-mail addresses: their own institution (and center admins) only. Whoever else sees
//! the person gets `email: null`, on every path a person is reachable by.

use biobridge::auth::scope;
use serde_json::{Value, json};

use super::{F, T, VIEWERS, Viewers, fixture};
use crate::support::TestApp;

/// Paths on which every viewer allowed the address must find it.
const CORE: &[&str] = &[
    "query($p: ID!) { node(id: $p) { ... on Person { id email } } }",
    "query($p: ID!) { nodes(ids: [$p]) { ... on Person { id email } } }",
    "{ people(first: 100) { edges { node { id email } } } }",
    "query($inst: ID) { people(first: 100, filter: { institution: $inst }) { edges { node { id email } } } }",
    "{ institutions(first: 100) { edges { node { people(first: 20) { edges { node { id email } } } } } } }",
];

/// Other places a person appears; they must never show the address to anyone else.
const ELSEWHERE: &[&str] = &[
    "{ technologies(first: 100) { edges { node { inventors(first: 20) { edges { node { person { id email } } } } } } } }",
    "query($p: ID!) { node(id: $p) { ... on Person { inventions(first: 100) { edges { node { person { id email } } } } } } }",
    "{ ventures(first: 100) { edges { node { founders(first: 20) { edges { node { person { id email } } } } } } } }",
    "{ trainingPrograms(first: 100) { edges { node { enrollments(first: 20) { edges { node { person { id email } } } } } } } }",
    "{ deals(first: 100) { edges { node { incomes(first: 20) { edges { node { distribution { inventors { person { id email } } } } } } } } } }",
];

/// Every `email` shown for the person `id` anywhere in `v`.
fn emails_of<'a>(v: &'a Value, id: &Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(o) => {
            if o.get("id") == Some(id)
                && let Some(e) = o.get("email")
            {
                out.push(e);
            }
            o.values().for_each(|c| emails_of(c, id, out));
        }
        Value::Array(a) => a.iter().for_each(|c| emails_of(c, id, out)),
        _ => {}
    }
}

#[tokio::test]
async fn a_person_s_email_is_for_their_own_institution() {
    let app = TestApp::new().await;
    let fx = fixture(&app).await;
    let mut viewers = Viewers::new(&app).await;
    // (person, institution, address, who sees the address — in `VIEWERS` order)
    let cases = [
        // Chen Hong, an inventor of SUMHS-2025-001: sumhs users and sumhs tokens (whatever
        // their scopes: people have none), center admins.
        (
            "chen",
            "sumhs",
            "chen.hong@sumhs.example",
            [F, T, F, F, F, T, T, T, T],
        ),
        // Milana Šarić, unibl co-inventor of SUMHS-2025-003: not sumhs, although sumhs sees her
        // as its technology's inventor.
        (
            "milana",
            "unibl",
            "milana.saric@unibl.example",
            [F, F, T, F, F, F, F, T, F],
        ),
        // Nataša Bojanić, enrolled in sumhs's teacher training: the host sees the enrollment,
        // not the address.
        (
            "natasa",
            "unibl",
            "natasa.bojanic@unibl.example",
            [F, F, T, F, F, F, F, T, F],
        ),
    ];
    let mut failures = Vec::new();
    for (person, inst, address, sees) in cases {
        let vars = json!({ "p": fx[person], "inst": fx[inst] });
        for (i, viewer) in VIEWERS.iter().enumerate() {
            let token = viewers.token(&app, *viewer, (scope::ALL, &[])).await;
            for (query, must_find) in CORE
                .iter()
                .map(|q| (q, true))
                .chain(ELSEWHERE.iter().map(|q| (q, false)))
            {
                let r = app.gql(token.as_deref(), query, vars.clone()).await;
                let mut shown = Vec::new();
                emails_of(&r.body["data"], &fx[person], &mut shown);
                let leaked = shown
                    .iter()
                    .any(|e| !e.is_null() && (!sees[i] || e.as_str() != Some(address)));
                let missing =
                    sees[i] && must_find && !shown.iter().any(|e| e.as_str() == Some(address));
                if leaked || missing {
                    failures.push(format!(
                        "{address} — {viewer:?} via `{query}`: expected {}, got {shown:?}",
                        if sees[i] { "the address" } else { "null" }
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "e-mail violations:\n{}",
        failures.join("\n")
    );
}
