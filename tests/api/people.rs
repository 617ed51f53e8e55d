//! People: who sees whom (names to members, e-mail addresses to the own institution), search,
//! and the person mutations with their validation.

use serde_json::{Value, json};

use crate::support::{TestApp, nodes};

/// The global id of an institution.
pub async fn institution_gid(app: &TestApp, slug: &str) -> String {
    let q = format!("{{ institution(slug: \"{slug}\") {{ id }} }}");
    app.anon(&q).await.data()["institution"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The global id of a demo person, found by name as a center admin.
pub async fn person_gid(app: &TestApp, name: &str) -> String {
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(
            Some(&admin),
            "query($s: String!) { people(filter: { search: $s }) { edges { node { id fullName } } } }",
            json!({ "s": name }),
        )
        .await;
    let edges = r.data()["people"]["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 1, "{name}: {edges:?}");
    edges[0]["node"]["id"].as_str().unwrap().to_owned()
}

/// The `extensions.field` of the first error.
pub fn field(r: &crate::support::Reply) -> &str {
    r.body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field in {}", r.body))
}

const PEOPLE_OF: &str = "query($i: ID!) { people(filter: { institution: $i }, first: 50) { totalCount edges { node { id fullName email institution { slug } } } } }";

#[tokio::test]
async fn names_to_members_and_e_mail_addresses_to_the_own_institution() {
    let app = TestApp::new().await;
    let unibl = institution_gid(&app, "unibl").await;
    let natasa = person_gid(&app, "Bojanić").await;

    // Anonymous visitors see no people: not in lists, counts, `node` or nested fields.
    let r = app
        .anon("{ people { totalCount edges { node { id } } } }")
        .await;
    assert_eq!(r.data()["people"]["totalCount"], 0);
    let r = app
        .gql(
            None,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": natasa }),
        )
        .await;
    assert_eq!(r.data()["node"], Value::Null);
    let r = app
        .anon(r#"{ institution(slug: "unibl") { people { totalCount } } }"#)
        .await;
    assert_eq!(r.data()["institution"]["people"]["totalCount"], 0);

    // A member of another institution sees names and institutions, never e-mail addresses.
    let bg = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&bg), PEOPLE_OF, json!({ "i": unibl })).await;
    let people = &r.data()["people"];
    assert_eq!(people["totalCount"], 6);
    for edge in people["edges"].as_array().unwrap() {
        assert!(edge["node"]["fullName"].is_string());
        assert_eq!(edge["node"]["institution"]["slug"], "unibl");
        assert_eq!(edge["node"]["email"], Value::Null, "{edge}");
    }
    let r = app
        .gql(
            Some(&bg),
            "query($id: ID!) { node(id: $id) { ... on Person { fullName email } } }",
            json!({ "id": natasa }),
        )
        .await;
    assert_eq!(
        r.data()["node"],
        json!({ "fullName": "Nataša Bojanić", "email": null })
    );

    // Their own institution sees the addresses.
    let own = app.user_token("member@unibl.example").await;
    let r = app.gql(Some(&own), PEOPLE_OF, json!({ "i": unibl })).await;
    for edge in r.data()["people"]["edges"].as_array().unwrap() {
        assert!(
            edge["node"]["email"]
                .as_str()
                .is_some_and(|e| e.ends_with("@unibl.example")),
            "{edge}"
        );
    }
}

#[tokio::test]
async fn search_filters_and_ordering() {
    let app = TestApp::new().await;
    let member = app.token("zju", "MEMBER").await;
    let q = |filter: &str, order: &str| {
        format!(
            "{{ people(filter: {filter}, orderBy: {order}, first: 100) {{ totalCount edges {{ node {{ fullName orcid }} }} }} }}"
        )
    };
    // Expertise tags and names, case-insensitive, every word must match.
    let r = app
        .gql(
            Some(&member),
            &q("{ search: \"SEPSIS\" }", "{ field: NAME }"),
            json!({}),
        )
        .await;
    assert_eq!(
        nodes(r.data(), &["people"], "fullName"),
        ["Chen Hong", "Nataša Bojanić"]
    );
    let r = app
        .gql(
            Some(&member),
            &q("{ search: \"traditional medicine\" }", "{ field: NAME }"),
            json!({}),
        )
        .await;
    assert_eq!(
        nodes(r.data(), &["people"], "fullName"),
        ["Sun Jie", "Xu Jianguo"]
    );
    let r = app
        .gql(
            Some(&member),
            &q("{ search: \"topić\" }", "{ field: NAME }"),
            json!({}),
        )
        .await;
    assert_eq!(nodes(r.data(), &["people"], "fullName"), ["Goran Topić"]);
    // LIKE wildcards in the search are literal.
    let r = app
        .gql(
            Some(&member),
            &q("{ search: \"%\" }", "{ field: NAME }"),
            json!({}),
        )
        .await;
    assert_eq!(r.data()["people"]["totalCount"], 0);
    // Without an ORCID iD, newest first.
    let r = app
        .gql(
            Some(&member),
            &q("{ hasOrcid: false }", "{ field: NAME, direction: DESC }"),
            json!({}),
        )
        .await;
    assert_eq!(
        nodes(r.data(), &["people"], "fullName"),
        [
            "Zhou Qing",
            "Tamara Vujić",
            "Petra Jurić",
            "Marko Nikolić",
            "Amra Hodžić"
        ]
    );
    let r = app
        .gql(
            Some(&member),
            &q("{ hasOrcid: true }", "{ field: CREATED_AT }"),
            json!({}),
        )
        .await;
    assert_eq!(r.data()["people"]["totalCount"], 16);
}

#[tokio::test]
async fn a_founder_s_ventures() {
    let app = TestApp::new().await;
    let bg = app.token("bg", "MEMBER").await;
    let zhou = person_gid(&app, "Zhou Qing").await;
    let r = app
        .gql(
            Some(&bg),
            "query($id: ID!) { node(id: $id) { ... on Person { ventures { totalCount edges { node { name stage } } } } } }",
            json!({ "id": zhou }),
        )
        .await;
    assert_eq!(
        r.data()["node"]["ventures"],
        json!({ "totalCount": 1, "edges": [{ "node": { "name": "HealSkin Biomaterials (Shanghai) Co., Ltd.", "stage": "INCUBATING" } }] })
    );
}

const CREATE: &str = "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id fullName email orcid title expertise version institution { slug } } } }";
const UPDATE: &str = "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { person { fullName email orcid title expertise version } } }";

#[tokio::test]
async fn a_member_records_and_edits_a_person() {
    let app = TestApp::new().await;
    let unibl = app.user_token("member@unibl.example").await;
    let r = app
        .gql(
            Some(&unibl),
            CREATE,
            json!({ "input": {
                "fullName": "  Dragana Kovačević ",
                "email": "D.Kovacevic@MED.UNIBL.ORG",
                "orcid": "https://orcid.org/0000-0002-1825-0097",
                "title": "Assistant Professor of Pharmacology",
                "expertise": ["pharmacology", "Pharmacology", "toxicology"]
            } }),
        )
        .await;
    let p = r.data()["createPerson"]["person"].clone();
    assert_eq!(p["fullName"], "Dragana Kovačević");
    assert_eq!(p["email"], "d.kovacevic@med.unibl.org");
    assert_eq!(p["orcid"], "0000-0002-1825-0097");
    assert_eq!(p["expertise"], json!(["pharmacology", "toxicology"]));
    assert_eq!(p["institution"]["slug"], "unibl");
    assert_eq!(p["version"], 1);
    let id = p["id"].as_str().unwrap().to_owned();

    // The payload follows the policy too: an outsider creating nothing sees nothing; the
    // new person's address stays hidden from other institutions.
    let sumhs = app.token("sumhs", "MEMBER").await;
    let r = app
        .gql(
            Some(&sumhs),
            "query($id: ID!) { node(id: $id) { ... on Person { fullName email } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r.data()["node"]["email"], Value::Null);

    let r = app
        .gql(
            Some(&unibl),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "title": null, "email": null, "expertise": ["HPLC-MS"] } }),
        )
        .await;
    assert_eq!(
        r.data()["updatePerson"]["person"],
        json!({ "fullName": "Dragana Kovačević", "email": null, "orcid": "0000-0002-1825-0097", "title": null, "expertise": ["HPLC-MS"], "version": 2 })
    );
    // A stale version is a conflict.
    let r = app
        .gql(
            Some(&unibl),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "fullName": "D. K." } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(field(&r), "expectedVersion");
    // Another institution sees the person but may not edit them.
    let r = app
        .gql(
            Some(&sumhs),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 2, "fullName": "D. K." } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    // Anonymous visitors log in first.
    let r = app
        .gql(
            None,
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 2, "fullName": "D. K." } }),
        )
        .await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
    // The trail records the change, but not the address.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let trail = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq("person.update"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].changes["email"], "cleared");
    let created = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq("person.create"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(!created[0].changes.to_string().contains("kovacevic@"));
}

#[tokio::test]
async fn person_input_is_validated() {
    let app = TestApp::new().await;
    let unibl = app.token("unibl", "MEMBER").await;
    let create = |input: Value| {
        let (app, token) = (&app, unibl.clone());
        async move {
            app.gql(Some(&token), CREATE, json!({ "input": input }))
                .await
        }
    };
    for (input, expected_field) in [
        (json!({ "fullName": "  " }), "fullName"),
        (
            json!({ "fullName": "A", "email": "not-an-address" }),
            "email",
        ),
        (json!({ "fullName": "A", "email": "a@localhost" }), "email"),
        (
            json!({ "fullName": "A", "orcid": "0000-0002-1825-0098" }),
            "orcid",
        ),
        (
            json!({ "fullName": "A", "orcid": "0000-0002-1825" }),
            "orcid",
        ),
        (json!({ "fullName": "A", "expertise": [""] }), "expertise"),
        (
            json!({ "fullName": "A", "institutionId": "bogus" }),
            "institutionId",
        ),
    ] {
        let r = create(input.clone()).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{input}");
        assert_eq!(field(&r), expected_field, "{input}");
    }
    // An ORCID iD belongs to one person only (Nataša Bojanić has this one).
    let r = create(json!({ "fullName": "A", "orcid": "0000-0002-0330-7660" })).await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(field(&r), "orcid");
    // Only a center admin records people of another institution.
    let sumhs = institution_gid(&app, "sumhs").await;
    let r = create(json!({ "fullName": "A", "institutionId": sumhs })).await;
    assert_eq!(r.code(), "FORBIDDEN");
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": { "fullName": "Li Na", "institutionId": sumhs } }),
        )
        .await;
    assert_eq!(
        r.data()["createPerson"]["person"]["institution"]["slug"],
        "sumhs"
    );
    // Analysts read only; anonymous visitors log in.
    let analyst = app.token("center", "ANALYST").await;
    let r = app
        .gql(
            Some(&analyst),
            CREATE,
            json!({ "input": { "fullName": "A" } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let r = app
        .gql(None, CREATE, json!({ "input": { "fullName": "A" } }))
        .await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
}
