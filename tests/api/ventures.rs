//! Incubation: who sees ventures and their technology, the stage machine, funding and
//! milestones.

use serde_json::{Value, json};

use crate::{
    people::{field, institution_gid, person_gid},
    support::{TestApp, nodes},
};

const HEALSKIN: &str = "HealSkin Biomaterials (Shanghai) Co., Ltd.";

const VENTURES: &str = "{ ventures { totalCount edges { node { id name cohort stage fundingRaised { amount currency } leadInstitution { slug } technology { reference } founders { totalCount edges { node { role person { fullName } } } } milestones { edges { node { title dueOn completedOn overdue } } } } } } }";

#[tokio::test]
async fn members_see_the_incubator_with_founders_and_milestones() {
    let app = TestApp::new().await;
    // Anonymous visitors see no ventures.
    let r = app.anon("{ ventures { totalCount } }").await;
    assert_eq!(r.data()["ventures"]["totalCount"], 0);

    let bg = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&bg), VENTURES, json!({})).await;
    let v = &r.data()["ventures"]["edges"][0]["node"];
    // HealSkin, and three ventures of earlier years (src/seed/history.rs); by name.
    assert_eq!(r.data()["ventures"]["totalCount"], 4);
    assert_eq!(v["name"], HEALSKIN);
    assert_eq!(v["stage"], "INCUBATING");
    assert_eq!(v["cohort"], "2025-autumn");
    assert_eq!(
        v["fundingRaised"],
        json!({ "amount": "2500000.00", "currency": "CNY" })
    );
    assert_eq!(v["leadInstitution"]["slug"], "sumhs");
    assert_eq!(v["technology"]["reference"], "SUMHS-2025-002");
    assert_eq!(v["founders"]["totalCount"], 3);
    assert_eq!(
        v["founders"]["edges"][0]["node"],
        json!({ "role": "CEO", "person": { "fullName": "Zhou Qing" } })
    );
    let milestones = v["milestones"]["edges"].as_array().unwrap();
    assert_eq!(milestones.len(), 6);
    let due: Vec<&str> = milestones
        .iter()
        .map(|m| m["node"]["dueOn"].as_str().unwrap())
        .collect();
    let mut sorted = due.clone();
    sorted.sort();
    assert_eq!(due, sorted, "milestones come by due date");
    assert_eq!(milestones[2]["node"]["completedOn"], "2026-07-09");
    assert!(milestones.iter().all(|m| m["node"]["overdue"] == false));

    // An applicant institution is not in the consortium yet: it sees none.
    let unsa = app.token("unsa", "MEMBER").await;
    let r = app.gql(Some(&unsa), VENTURES, json!({})).await;
    assert_eq!(r.data()["ventures"]["totalCount"], 0);
}

const CREATE: &str = "mutation($input: CreateVentureInput!) { createVenture(input: $input) { venture { id name stage version fundingRaised { amount currency } leadInstitution { slug } technology { reference } founders { edges { node { role person { fullName } } } } } } }";
const UPDATE: &str = "mutation($input: UpdateVentureInput!) { updateVenture(input: $input) { venture { name stage cohort description version fundingRaised { amount currency } } } }";

async fn technology_gid(app: &TestApp, reference: &str) -> String {
    let admin = app.token("center", "CENTER_ADMIN").await;
    let q = format!("{{ technology(reference: \"{reference}\") {{ id }} }}");
    app.gql(Some(&admin), &q, json!({})).await.data()["technology"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_venture_moves_through_incubation() {
    let app = TestApp::new().await;
    let unibl = app.user_token("member@unibl.example").await;
    let goran = person_gid(&app, "Goran Topić").await;
    let confidential = technology_gid(&app, "UNIBL-2025-001").await;
    let r = app
        .gql(
            Some(&unibl),
            CREATE,
            json!({ "input": {
                "name": "Kozara Phytopharm d.o.o.",
                "cohort": "2026-spring",
                "technologyId": confidential,
                "founders": [{ "personId": goran, "role": "CSO" }]
            } }),
        )
        .await;
    let v = r.data()["createVenture"]["venture"].clone();
    assert_eq!(v["stage"], "APPLICATION");
    assert_eq!(v["leadInstitution"]["slug"], "unibl");
    // Nothing raised yet, in the lead institution's currency (Bosnia and Herzegovina: BAM).
    assert_eq!(
        v["fundingRaised"],
        json!({ "amount": "0.00", "currency": "BAM" })
    );
    assert_eq!(v["technology"]["reference"], "UNIBL-2025-001");
    assert_eq!(
        v["founders"]["edges"][0]["node"],
        json!({ "role": "CSO", "person": { "fullName": "Goran Topić" } })
    );
    let id = v["id"].as_str().unwrap().to_owned();

    // Members of other institutions see the venture, but not the confidential technology.
    let bg = app.token("bg", "MEMBER").await;
    let r = app
        .gql(
            Some(&bg),
            "query($id: ID!) { node(id: $id) { ... on Venture { name technology { reference } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        r.data()["node"],
        json!({ "name": "Kozara Phytopharm d.o.o.", "technology": null })
    );

    // Stages: APPLICATION → INCUBATING → GRADUATED; no skipping, no way back.
    let update = |input: Value| {
        let (app, unibl) = (&app, unibl.clone());
        async move {
            app.gql(Some(&unibl), UPDATE, json!({ "input": input }))
                .await
        }
    };
    let r = update(json!({ "id": id, "expectedVersion": 1, "stage": "GRADUATED" })).await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(field(&r), "stage");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("INCUBATING, DISCONTINUED")
    );
    let r = update(json!({
        "id": id, "expectedVersion": 1, "stage": "INCUBATING", "cohort": null,
        "description": "Standardised extracts of Balkan medicinal plants.",
        "fundingRaised": { "amount": "150000", "currency": "EUR" }
    }))
    .await;
    assert_eq!(
        r.data()["updateVenture"]["venture"],
        json!({
            "name": "Kozara Phytopharm d.o.o.", "stage": "INCUBATING", "cohort": null,
            "description": "Standardised extracts of Balkan medicinal plants.", "version": 2,
            "fundingRaised": { "amount": "150000.00", "currency": "EUR" }
        })
    );
    let r = update(json!({ "id": id, "expectedVersion": 1, "name": "Stale" })).await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(field(&r), "expectedVersion");
    for (input, expected_field) in [
        (
            json!({ "id": id, "expectedVersion": 2, "fundingRaised": { "amount": "1.234", "currency": "EUR" } }),
            "fundingRaised",
        ),
        (
            json!({ "id": id, "expectedVersion": 2, "fundingRaised": { "amount": "-5", "currency": "EUR" } }),
            "fundingRaised",
        ),
        (
            json!({ "id": id, "expectedVersion": 2, "fundingRaised": { "amount": "5", "currency": "XYZ" } }),
            "fundingRaised",
        ),
        (
            json!({ "id": id, "expectedVersion": 2, "name": " " }),
            "name",
        ),
        (
            json!({ "id": id, "expectedVersion": 2, "stage": "APPLICATION" }),
            "stage",
        ),
    ] {
        let r = update(input.clone()).await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{input}");
        assert_eq!(field(&r), expected_field, "{input}");
    }
    let r = update(json!({ "id": id, "expectedVersion": 2, "stage": "GRADUATED" })).await;
    assert_eq!(r.data()["updateVenture"]["venture"]["stage"], "GRADUATED");
    let r = update(json!({ "id": id, "expectedVersion": 3, "stage": "DISCONTINUED" })).await;
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("it is final")
    );

    // Only the lead institution edits it.
    let r = app
        .gql(
            Some(&bg),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 3, "name": "Mine" } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
}

#[tokio::test]
async fn venture_write_rules() {
    let app = TestApp::new().await;
    let bg = app.user_token("member@bg.example").await;
    // A technology the viewer cannot see cannot be named.
    let hidden = technology_gid(&app, "SUMHS-2025-003").await;
    let r = app
        .gql(
            Some(&bg),
            CREATE,
            json!({ "input": { "name": "X", "technologyId": hidden } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(field(&r), "technologyId");
    // Founders must exist and be named once.
    let ivana = person_gid(&app, "Ivana Stanković").await;
    let r = app
        .gql(
            Some(&bg),
            CREATE,
            json!({ "input": { "name": "X", "founders": [{ "personId": ivana }, { "personId": ivana }] } }),
        )
        .await;
    assert_eq!(field(&r), "founders.personId");
    // Only a center admin creates a venture led by another institution.
    let sumhs = institution_gid(&app, "sumhs").await;
    let r = app
        .gql(
            Some(&bg),
            CREATE,
            json!({ "input": { "name": "X", "leadInstitutionId": sumhs } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    // Anonymous visitors log in; API tokens need `venture:write`.
    let r = app
        .gql(None, CREATE, json!({ "input": { "name": "X" } }))
        .await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
    let r = app
        .gql(
            Some(&bg),
            CREATE,
            json!({ "input": { "name": "Beograd NanoDerm", "fundingRaised": { "amount": "20000", "currency": "RSD" } } }),
        )
        .await;
    assert_eq!(
        r.data()["createVenture"]["venture"]["fundingRaised"],
        json!({ "amount": "20000.00", "currency": "RSD" })
    );
    // Filters and ordering.
    let member = app.token("zju", "MEMBER").await;
    let q = |filter: &str| {
        format!(
            "{{ ventures(filter: {filter}, orderBy: {{ field: NAME, direction: DESC }}) {{ totalCount edges {{ node {{ name }} }} }} }}"
        )
    };
    let r = app.gql(Some(&member), &q("{}"), json!({})).await;
    assert_eq!(
        nodes(r.data(), &["ventures"], "name"),
        [
            "PulmoSino Therapeutics (Shanghai) Co., Ltd.",
            "OsteoPrint (Hangzhou) Medical Technology Co., Ltd.",
            "Kozara Phyto d.o.o.",
            HEALSKIN,
            "Beograd NanoDerm"
        ]
    );
    let r = app
        .gql(Some(&member), &q("{ stage: APPLICATION }"), json!({}))
        .await;
    assert_eq!(nodes(r.data(), &["ventures"], "name"), ["Beograd NanoDerm"]);
    let r = app
        .gql(Some(&member), &q("{ cohort: \"2025-autumn\" }"), json!({}))
        .await;
    assert_eq!(nodes(r.data(), &["ventures"], "name"), [HEALSKIN]);
    let r = app
        .gql(
            Some(&member),
            &q(&format!("{{ leadInstitution: \"{sumhs}\" }}")),
            json!({}),
        )
        .await;
    assert_eq!(nodes(r.data(), &["ventures"], "name"), [HEALSKIN]);
}

const ADD: &str = "mutation($input: AddVentureMilestoneInput!) { addVentureMilestone(input: $input) { milestone { id title dueOn completedOn overdue version venture { name } } } }";
const COMPLETE: &str = "mutation($input: CompleteVentureMilestoneInput!) { completeVentureMilestone(input: $input) { milestone { completedOn overdue version } } }";

#[tokio::test]
async fn milestones_are_added_and_completed_once() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app.gql(Some(&sumhs), VENTURES, json!({})).await;
    let venture = r.data()["ventures"]["edges"][0]["node"]["id"].clone();
    let r = app
        .gql(
            Some(&sumhs),
            ADD,
            json!({ "input": { "ventureId": venture, "title": "CE technical file drafted", "dueOn": "2026-01-31" } }),
        )
        .await;
    let m = r.data()["addVentureMilestone"]["milestone"].clone();
    assert_eq!(m["venture"]["name"], HEALSKIN);
    assert_eq!(m["completedOn"], Value::Null);
    assert_eq!(m["overdue"], true, "due in the past and open");
    let id = m["id"].as_str().unwrap().to_owned();

    // Others may not add or complete milestones.
    let bg = app.token("bg", "MEMBER").await;
    let r = app
        .gql(Some(&bg), COMPLETE, json!({ "input": { "id": id } }))
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let r = app
        .gql(
            Some(&bg),
            ADD,
            json!({ "input": { "ventureId": venture, "title": "x", "dueOn": "2027-01-01" } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    // Not in the future.
    let r = app
        .gql(
            Some(&sumhs),
            COMPLETE,
            json!({ "input": { "id": id, "completedOn": "2099-01-01" } }),
        )
        .await;
    assert_eq!(field(&r), "completedOn");
    let complete = json!({ "input": { "id": id, "completedOn": "2026-02-03" } });
    let r = app.gql(Some(&sumhs), COMPLETE, complete.clone()).await;
    assert_eq!(
        r.data()["completeVentureMilestone"]["milestone"],
        json!({ "completedOn": "2026-02-03", "overdue": false, "version": 2 })
    );
    // Completing it again on the same date changes nothing; on another date it conflicts.
    let r = app.gql(Some(&sumhs), COMPLETE, complete).await;
    assert_eq!(
        r.data()["completeVentureMilestone"]["milestone"]["version"],
        2
    );
    let r = app
        .gql(
            Some(&sumhs),
            COMPLETE,
            json!({ "input": { "id": id, "completedOn": "2026-02-04" } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    // A milestone of a venture one cannot see is not found; an id of another type is bad input.
    let anon = app
        .gql(None, COMPLETE, json!({ "input": { "id": id } }))
        .await;
    assert_eq!(anon.code(), "UNAUTHENTICATED");
    let unsa = app.token("unsa", "MEMBER").await;
    let r = app
        .gql(Some(&unsa), COMPLETE, json!({ "input": { "id": id } }))
        .await;
    assert_eq!(r.code(), "NOT_FOUND");
    let r = app
        .gql(
            Some(&sumhs),
            COMPLETE,
            json!({ "input": { "id": venture } }),
        )
        .await;
    assert_eq!(field(&r), "id");
}
