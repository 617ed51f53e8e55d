//! Uniqueness is no oracle: for every unique constraint of the schema that a client's input can
//! meet, bg (a member, and bg's institution admin) sends a value another institution already
//! holds and a free one, and must get the same answer — same HTTP status, code, field, message
//! and data, ids aside. A CONFLICT may only ever be about bg's own records.
//!
//! Constraints no input can meet are left out: API token prefixes and secret hashes (the
//! server draws them), IP change approvals (one per proposal and co-owner, written by the
//! server). `uq_exchange_rates_…` is the center admins' only.

use axum::{
    body::Body,
    http::{Method, Request, header},
};
use serde_json::{Value, json};

use super::fixture;
use crate::support::{Reply, TestApp};

/// Who sends a probe.
#[derive(Clone, Copy)]
enum Who {
    /// member@bg.example
    Member,
    /// An INSTITUTION_ADMIN of bg.
    Admin,
}

/// One unique constraint and a mutation that would meet it.
struct Probe {
    constraint: &'static str,
    who: Who,
    query: &'static str,
    /// Variables with a value another institution holds, and with a free one.
    taken: Value,
    free: Value,
}

/// The answer without what legitimately differs: ids of new rows, error locations.
fn normalized(r: &Reply) -> Value {
    fn redact(v: &mut Value) {
        match v {
            Value::Object(o) => {
                o.remove("locations");
                for (k, c) in o.iter_mut() {
                    if k == "id" && c.is_string() {
                        *c = json!("<id>");
                    } else {
                        redact(c);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(redact),
            _ => {}
        }
    }
    let mut body = r.body.clone();
    redact(&mut body);
    json!({ "status": r.status.as_u16(), "body": body })
}

fn probes(fx: &Value) -> Vec<Probe> {
    let tech = |reference: &str| json!({ "input": { "reference": reference, "title": "Phage cocktail", "summary": "Against MRSA.", "field": "THERAPEUTICS", "trl": 3, "disclosedOn": "2025-05-01" } });
    let person =
        |orcid: &str| json!({ "input": { "fullName": "Visiting researcher", "orcid": orcid } });
    let user = |email: &str| json!({ "input": { "email": email, "displayName": "Probe", "role": "MEMBER", "password": "correct horse battery" } });
    let institution = |slug: &str, domain: &str| json!({ "input": { "slug": slug, "name": "Probe University", "country": "RS", "region": "BALKAN_PENINSULA", "kind": "UNIVERSITY", "emailDomains": [domain] } });
    vec![
        Probe {
            // ZJU-2025-002 is a CONFIDENTIAL disclosure of zju.
            constraint: "uq_technologies_owner_id_reference",
            who: Who::Member,
            query: "mutation($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id reference } } }",
            taken: tech("ZJU-2025-002"),
            free: tech("ZJU-2025-777"),
        },
        Probe {
            // Chen Hong's iD (sumhs); 0000-0002-1825-0097 is nobody's here.
            constraint: "uq_people_institution_id_orcid (create)",
            who: Who::Member,
            query: "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id fullName institution { slug } } } }",
            taken: person("0000-0003-8778-9325"),
            free: person("0000-0002-1825-0097"),
        },
        Probe {
            // Wang Lei's iD (sumhs), on bg's own people.
            constraint: "uq_people_institution_id_orcid (update)",
            who: Who::Member,
            query: "mutation($id: ID!, $orcid: String) { updatePerson(input: { id: $id, expectedVersion: 1, orcid: $orcid }) { person { id version } } }",
            taken: json!({ "id": fx["marko"], "orcid": "0000-0003-7921-7423" }),
            free: json!({ "id": fx["ivana"], "orcid": "0000-0001-5109-3700" }),
        },
        Probe {
            // member@sumhs.example is a sumhs login.
            constraint: "uq_users_email",
            who: Who::Admin,
            query: "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }",
            taken: user("member@sumhs.example"),
            free: user("no-such-login@sumhs.example"),
        },
        Probe {
            constraint: "uq_institutions_slug (create)",
            who: Who::Admin,
            query: "mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { institution { id } } }",
            taken: institution("sumhs", "probe.example"),
            free: institution("probe-university", "probe.example"),
        },
        Probe {
            constraint: "uq_institutions_slug (update)",
            who: Who::Admin,
            query: "mutation($id: ID!, $slug: String) { updateInstitution(input: { id: $id, expectedVersion: 1, slug: $slug }) { institution { id } } }",
            taken: json!({ "id": fx["bg"], "slug": "unibl" }),
            free: json!({ "id": fx["bg"], "slug": "bg-renamed" }),
        },
        Probe {
            constraint: "uq_institution_email_domains_domain (create)",
            who: Who::Admin,
            query: "mutation($input: CreateInstitutionInput!) { createInstitution(input: $input) { institution { id } } }",
            taken: institution("probe-university", "unibl.example"),
            free: institution("probe-university", "probe.example"),
        },
        Probe {
            constraint: "uq_institution_email_domains_domain (set)",
            who: Who::Admin,
            query: "mutation($id: ID!, $domains: [String!]!) { setInstitutionEmailDomains(input: { institutionId: $id, emailDomains: $domains }) { institution { id } } }",
            taken: json!({ "id": fx["bg"], "domains": ["bg.example", "sumhs.example"] }),
            free: json!({ "id": fx["bg"], "domains": ["bg.example", "probe.example"] }),
        },
        Probe {
            // Nataša (unibl) is enrolled in sumhs's teacher training; Milana (unibl) is not.
            constraint: "uq_enrollments_program_id_person_id",
            who: Who::Member,
            query: "mutation($program: ID!, $person: ID!) { applyToProgram(input: { programId: $program, personId: $person }) { enrollment { id } } }",
            taken: json!({ "program": fx["program"], "person": fx["natasa"] }),
            free: json!({ "program": fx["program"], "person": fx["milana"] }),
        },
        Probe {
            // Chen Hong is an inventor of the CONFIDENTIAL SUMHS-2025-003; Zhou Qing is not.
            constraint: "uq_technology_inventors_technology_id_person_id",
            who: Who::Member,
            query: "mutation($tech: ID!, $person: ID!) { setTechnologyInventors(input: { technologyId: $tech, inventors: [{ personId: $person, shareBasisPoints: 10000 }] }) { technology { id } } }",
            taken: json!({ "tech": fx["tech3"], "person": fx["chen"] }),
            free: json!({ "tech": fx["tech3"], "person": fx["zhou"] }),
        },
        Probe {
            constraint: "uq_technology_translations_technology_id_lang",
            who: Who::Member,
            query: "mutation($tech: ID!, $lang: String!) { updateTechnology(input: { id: $tech, expectedVersion: 1, translations: [{ lang: $lang, title: \"T\", summary: \"S\" }] }) { technology { id } } }",
            taken: json!({ "tech": fx["tech3"], "lang": "zh" }),
            free: json!({ "tech": fx["tech3"], "lang": "hr" }),
        },
        Probe {
            constraint: "uq_venture_founders_venture_id_person_id",
            who: Who::Member,
            query: "mutation($venture: ID!, $person: ID!) { updateVenture(input: { id: $venture, expectedVersion: 1, founders: [{ personId: $person }] }) { venture { id } } }",
            taken: json!({ "venture": fx["microPatch"], "person": fx["chen"] }),
            free: json!({ "venture": fx["microPatch"], "person": fx["marko"] }),
        },
        Probe {
            // The DRAFT agreement of sumhs and unibl.
            constraint: "uq_agreement_parties_agreement_id_institution_id",
            who: Who::Member,
            query: "mutation($agreement: ID!, $parties: [ID!]) { updateAgreement(input: { id: $agreement, expectedVersion: 1, partyIds: $parties }) { agreement { id } } }",
            taken: json!({ "agreement": fx["draft"], "parties": [fx["sumhs"], fx["unibl"]] }),
            free: json!({ "agreement": fx["draft"], "parties": [fx["sumhs"], fx["bg"]] }),
        },
        Probe {
            // unibl co-owns the PCT application of the CONFIDENTIAL SUMHS-2025-003.
            constraint: "uq_ip_ownerships_ip_asset_id_institution_id",
            who: Who::Member,
            query: "mutation($asset: ID!, $owner: ID!) { setIpOwnership(input: { ipAssetId: $asset, owners: [{ institutionId: $owner, shareBasisPoints: 10000 }] }) { ipAsset { id } } }",
            taken: json!({ "asset": fx["pct"], "owner": fx["unibl"] }),
            free: json!({ "asset": fx["pct"], "owner": fx["bg"] }),
        },
        Probe {
            constraint: "uq_exchange_rates_currency_reporting_currency_year",
            who: Who::Admin,
            query: "mutation($currency: String!) { setExchangeRate(input: { currency: $currency, reportingCurrency: \"EUR\", year: 2025, rateToReporting: \"0.128\" }) { __typename } }",
            taken: json!({ "currency": "CNY" }),
            free: json!({ "currency": "RSD" }),
        },
    ]
}

fn request(token: &str, key: &str, query: &str, variables: &Value) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/graphql-response+json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("Idempotency-Key", key)
        .body(Body::from(
            json!({ "query": query, "variables": variables }).to_string(),
        ))
        .unwrap()
}

#[tokio::test]
async fn a_taken_value_and_a_free_one_get_the_same_answer() {
    let app = TestApp::new().await;
    let mut fx = fixture(&app).await;
    let admin = app.user_token("admin@center.example").await;
    let r = app
        .gql(
            Some(&admin),
            "{ people(first: 100) { edges { node { id fullName } } } }",
            json!({}),
        )
        .await;
    fx["ivana"] = r.data()["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["fullName"] == "Ivana Stanković")
        .expect("Ivana Stanković, of bg")["node"]["id"]
        .clone();
    let member = app.user_token("member@bg.example").await;
    let bg_admin = app.token("bg", "INSTITUTION_ADMIN").await;
    let mut failures = Vec::new();
    for p in probes(&fx) {
        let token = match p.who {
            Who::Member => &member,
            Who::Admin => &bg_admin,
        };
        let taken = app.gql(Some(token), p.query, p.taken.clone()).await;
        let free = app.gql(Some(token), p.query, p.free.clone()).await;
        let code = taken.body["errors"][0]["extensions"]["code"].clone();
        if normalized(&taken) != normalized(&free) {
            failures.push(format!(
                "{}: taken → {}\n    free → {}",
                p.constraint, taken.body, free.body
            ));
        } else if code == "CONFLICT" || code == "INTERNAL" {
            failures.push(format!("{}: {code} for both: {}", p.constraint, taken.body));
        }
    }

    // Idempotency keys are unique per principal: sumhs's key, reused by bg, is bg's own and
    // replays nothing of sumhs's.
    let sumhs = app.user_token("member@sumhs.example").await;
    let create = "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id fullName institution { slug } } } }";
    let vars = json!({ "input": { "fullName": "Idempotent visitor" } });
    app.send(request(&sumhs, "visit-0001", create, &vars))
        .await
        .data();
    let taken = app
        .send(request(&member, "visit-0001", create, &vars))
        .await;
    let free = app
        .send(request(&member, "visit-0002", create, &vars))
        .await;
    assert_eq!(
        taken.data()["createPerson"]["person"]["institution"]["slug"],
        "bg"
    );
    if normalized(&taken) != normalized(&free) || taken.headers.contains_key("idempotent-replayed")
    {
        failures.push(format!(
            "uq_idempotency_keys_principal_key: taken → {} {:?}\n    free → {}",
            taken.body, taken.headers, free.body
        ));
    }
    assert!(
        failures.is_empty(),
        "uniqueness answers that differ:\n{}",
        failures.join("\n")
    );
}
