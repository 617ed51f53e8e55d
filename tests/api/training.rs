//! Talent training: who sees which enrollments, the program and enrollment mutations, the
//! enrollment status machine, and the capacity rule under concurrent decisions.

use serde_json::{Value, json};

use crate::{
    people::{field, institution_gid, person_gid},
    support::{TestApp, nodes},
};

const SUMHS_PROGRAM: &str =
    "Train-the-Trainer: Clinical Laboratory Diagnostics and Point-of-Care Testing";

const PROGRAMS: &str = "{ trainingPrograms(orderBy: { field: TITLE }) { totalCount edges { node { id title capacity seatsLeft host { slug } enrollments { totalCount edges { node { id status person { fullName institution { slug } } } } } } } } }";

/// The program titled `title` in `data`.
fn program<'a>(data: &'a Value, title: &str) -> &'a Value {
    data["trainingPrograms"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|p| p["title"] == title)
        .unwrap_or_else(|| panic!("no program {title} in {data}"))
}

fn enrolled_slugs(program: &Value) -> Vec<&str> {
    program["enrollments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["person"]["institution"]["slug"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn enrollments_are_seen_by_the_host_and_the_participant_s_institution() {
    let app = TestApp::new().await;
    // The host sees every enrollment; capacity use is public to whoever sees the program.
    let sumhs = app.user_token("member@sumhs.example").await;
    let r = app.gql(Some(&sumhs), PROGRAMS, json!({})).await;
    let p = program(r.data(), SUMHS_PROGRAM);
    assert_eq!(p["enrollments"]["totalCount"], 5);
    assert_eq!(p["capacity"], 12);
    assert_eq!(p["seatsLeft"], 10);
    let enrollment_of_natasa = p["enrollments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["person"]["fullName"] == "Nataša Bojanić")
        .unwrap()["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The participants' institution sees its own people's enrollments.
    let unibl = app.user_token("member@unibl.example").await;
    let r = app.gql(Some(&unibl), PROGRAMS, json!({})).await;
    let p = program(r.data(), SUMHS_PROGRAM);
    assert_eq!(p["enrollments"]["totalCount"], 4);
    assert_eq!(enrolled_slugs(p), ["unibl"; 4]);
    assert_eq!(p["seatsLeft"], 10);

    // An outsider sees the program and how many seats are left, but not who applied from
    // unibl: not in the list, the count, `node`, or the person's own enrollments.
    let bg = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&bg), PROGRAMS, json!({})).await;
    let p = program(r.data(), SUMHS_PROGRAM);
    assert_eq!(p["enrollments"]["totalCount"], 1);
    assert_eq!(enrolled_slugs(p), ["bg"]);
    assert_eq!(p["seatsLeft"], 10);
    let node = "query($id: ID!) { node(id: $id) { ... on Enrollment { status person { fullName } program { title } } } }";
    let r = app
        .gql(Some(&bg), node, json!({ "id": enrollment_of_natasa }))
        .await;
    assert_eq!(r.data()["node"], Value::Null);
    let r = app
        .gql(Some(&unibl), node, json!({ "id": enrollment_of_natasa }))
        .await;
    assert_eq!(
        r.data()["node"],
        json!({ "status": "ACCEPTED", "person": { "fullName": "Nataša Bojanić" }, "program": { "title": SUMHS_PROGRAM } })
    );
    let natasa = person_gid(&app, "Bojanić").await;
    let of_person = "query($id: ID!) { node(id: $id) { ... on Person { enrollments { totalCount edges { node { status } } } } } }";
    let r = app.gql(Some(&bg), of_person, json!({ "id": natasa })).await;
    assert_eq!(
        r.data()["node"]["enrollments"],
        json!({ "totalCount": 0, "edges": [] })
    );
    let r = app
        .gql(Some(&unibl), of_person, json!({ "id": natasa }))
        .await;
    assert_eq!(r.data()["node"]["enrollments"]["totalCount"], 1);
    let unizg = app.token("unizg", "MEMBER").await;
    let r = app.gql(Some(&unizg), PROGRAMS, json!({})).await;
    assert_eq!(
        program(r.data(), SUMHS_PROGRAM)["enrollments"]["totalCount"],
        0
    );

    // Anonymous visitors see the PUBLIC program only, and no enrollments.
    let r = app.anon(PROGRAMS).await;
    assert_eq!(r.data()["trainingPrograms"]["totalCount"], 1);
    let p = program(r.data(), "Balkan Medicinal Plants Summer Exchange");
    assert_eq!(p["host"]["slug"], "unibl");
    assert_eq!(p["seatsLeft"], 16);
}

#[tokio::test]
async fn programs_filter_and_order() {
    let app = TestApp::new().await;
    let member = app.token("fudan", "MEMBER").await;
    let sumhs = institution_gid(&app, "sumhs").await;
    let titles = |filter: String| {
        let (app, member) = (&app, member.clone());
        async move {
            let q = format!(
                "{{ trainingPrograms(filter: {filter}, orderBy: {{ field: STARTS_ON, direction: DESC }}) {{ edges {{ node {{ title }} }} }} }}"
            );
            let r = app.gql(Some(&member), &q, json!({})).await;
            nodes(r.data(), &["trainingPrograms"], "title")
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        }
    };
    let exchange = "Balkan Medicinal Plants Summer Exchange";
    assert_eq!(titles("{}".into()).await, [exchange, SUMHS_PROGRAM]);
    assert_eq!(
        titles("{ kind: STUDENT_EXCHANGE }".into()).await,
        [exchange]
    );
    assert_eq!(
        titles(format!("{{ host: \"{sumhs}\" }}")).await,
        [SUMHS_PROGRAM]
    );
    assert_eq!(
        titles("{ field: DIAGNOSTICS }".into()).await,
        [SUMHS_PROGRAM]
    );
    assert_eq!(titles("{ language: \"EN\" }".into()).await.len(), 2);
    assert!(titles("{ language: \"zh\" }".into()).await.is_empty());
    assert_eq!(titles("{ visibility: PUBLIC }".into()).await, [exchange]);
    assert_eq!(
        titles("{ startsAfter: \"2027-01-01\" }".into()).await,
        [exchange]
    );
    assert_eq!(
        titles("{ startsAfter: \"2026-12-07\", startsBefore: \"2026-12-07\" }".into()).await,
        [SUMHS_PROGRAM]
    );
    let r = app
        .gql(
            Some(&member),
            "{ trainingPrograms(filter: { host: \"nope\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(field(&r), "host");
}

pub const CREATE: &str = "mutation($input: CreateTrainingProgramInput!) { createTrainingProgram(input: $input) { program { id title language capacity seatsLeft visibility version host { slug } } } }";
const UPDATE: &str = "mutation($input: UpdateTrainingProgramInput!) { updateTrainingProgram(input: $input) { program { capacity version endsOn } } }";
pub const APPLY: &str = "mutation($input: ApplyToProgramInput!) { applyToProgram(input: $input) { enrollment { id status version person { fullName } program { title } } } }";
pub const DECIDE: &str = "mutation($input: DecideEnrollmentInput!) { decideEnrollment(input: $input) { capacityReached enrollment { status decidedAt } } }";

pub fn new_program(capacity: i32) -> Value {
    json!({
        "title": "Biobank Management Summer School",
        "kind": "SHORT_COURSE",
        "field": "RESEARCH_TOOL",
        "language": "EN",
        "startsOn": "2027-06-07",
        "endsOn": "2027-06-18",
        "capacity": capacity,
    })
}

#[tokio::test]
async fn program_input_is_validated_and_capacity_cannot_drop_below_the_seats_taken() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    for (patch, expected_field) in [
        (json!({ "endsOn": "2027-06-06" }), "endsOn"),
        (json!({ "capacity": -1 }), "capacity"),
        (json!({ "language": "English" }), "language"),
        (json!({ "title": "" }), "title"),
    ] {
        let mut input = new_program(10);
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        let r = app
            .gql(Some(&sumhs), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT", "{patch}");
        assert_eq!(field(&r), expected_field, "{patch}");
    }
    let r = app
        .gql(Some(&sumhs), CREATE, json!({ "input": new_program(10) }))
        .await;
    let p = r.data()["createTrainingProgram"]["program"].clone();
    assert_eq!(p["host"]["slug"], "sumhs");
    assert_eq!(p["language"], "en");
    assert_eq!(p["visibility"], "CONSORTIUM");
    assert_eq!(p["seatsLeft"], 10);

    // The demo program has two accepted participants.
    let r = app.gql(Some(&sumhs), PROGRAMS, json!({})).await;
    let demo = program(r.data(), SUMHS_PROGRAM)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .gql(
            Some(&sumhs),
            UPDATE,
            json!({ "input": { "id": demo, "expectedVersion": 1, "capacity": 1 } }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(field(&r), "capacity");
    let r = app
        .gql(
            Some(&sumhs),
            UPDATE,
            json!({ "input": { "id": demo, "expectedVersion": 1, "endsOn": "2026-12-01" } }),
        )
        .await;
    assert_eq!(field(&r), "endsOn");
    let r = app
        .gql(
            Some(&sumhs),
            UPDATE,
            json!({ "input": { "id": demo, "expectedVersion": 1, "capacity": 2 } }),
        )
        .await;
    assert_eq!(
        r.data()["updateTrainingProgram"]["program"],
        json!({ "capacity": 2, "version": 2, "endsOn": "2026-12-18" })
    );
    let r = app
        .gql(
            Some(&sumhs),
            UPDATE,
            json!({ "input": { "id": demo, "expectedVersion": 1, "capacity": 3 } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    // A member of another institution sees the program but does not edit it.
    let bg = app.token("bg", "MEMBER").await;
    let r = app
        .gql(
            Some(&bg),
            UPDATE,
            json!({ "input": { "id": demo, "expectedVersion": 2, "capacity": 30 } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
}

#[tokio::test]
async fn applying_and_deciding_follow_the_rules() {
    let app = TestApp::new().await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let bg = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&sumhs), PROGRAMS, json!({})).await;
    let p = program(r.data(), SUMHS_PROGRAM).clone();
    let program_id = p["id"].as_str().unwrap().to_owned();
    let enrollment_of = |name: &str| {
        p["enrollments"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["person"]["fullName"] == name)
            .unwrap()["node"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // unibl applies for one of its people; twice is a conflict.
    let goran = person_gid(&app, "Goran Topić").await;
    let input = json!({ "input": { "programId": program_id, "personId": goran } });
    let r = app.gql(Some(&unibl), APPLY, input.clone()).await;
    let e = r.data()["applyToProgram"]["enrollment"].clone();
    assert_eq!(e["status"], "APPLIED");
    assert_eq!(e["person"]["fullName"], "Goran Topić");
    let goran_enrollment = e["id"].as_str().unwrap().to_owned();
    let r = app.gql(Some(&unibl), APPLY, input.clone()).await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(field(&r), "personId");
    // Only the person's institution applies for them.
    let r = app.gql(Some(&sumhs), APPLY, input).await;
    assert_eq!(r.code(), "FORBIDDEN");
    // A program one cannot see is not found: a confidential program of unizg.
    let unizg = app.token("unizg", "MEMBER").await;
    let mut hidden = new_program(5);
    hidden["visibility"] = json!("CONFIDENTIAL");
    let r = app
        .gql(Some(&unizg), CREATE, json!({ "input": hidden }))
        .await;
    let hidden_id = r.data()["createTrainingProgram"]["program"]["id"].clone();
    let r = app
        .gql(
            Some(&unibl),
            APPLY,
            json!({ "input": { "programId": hidden_id, "personId": goran } }),
        )
        .await;
    assert_eq!(r.code(), "NOT_FOUND");

    let decide = |token: &str, id: &str, status: &str| {
        let (app, token) = (&app, token.to_owned());
        let vars = json!({ "input": { "id": id, "status": status } });
        async move { app.gql(Some(&token), DECIDE, vars).await }
    };
    // Only the host decides; the participant's institution may only withdraw.
    let r = decide(&unibl, &goran_enrollment, "ACCEPTED").await;
    assert_eq!(r.code(), "FORBIDDEN");
    // What an institution cannot see is not found.
    let r = decide(&bg, &goran_enrollment, "WITHDRAWN").await;
    assert_eq!(r.code(), "NOT_FOUND");
    let r = decide(&sumhs, &goran_enrollment, "ACCEPTED").await;
    let d = &r.data()["decideEnrollment"];
    assert_eq!(d["capacityReached"], false);
    assert_eq!(d["enrollment"]["status"], "ACCEPTED");
    assert!(d["enrollment"]["decidedAt"].is_string());
    // The status machine: ACCEPTED → COMPLETED | WITHDRAWN only.
    let r = decide(&sumhs, &goran_enrollment, "REJECTED").await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(field(&r), "status");
    let r = decide(&sumhs, &goran_enrollment, "APPLIED").await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    let r = decide(&unibl, &goran_enrollment, "WITHDRAWN").await;
    assert_eq!(
        r.data()["decideEnrollment"]["enrollment"]["status"],
        "WITHDRAWN"
    );
    let r = decide(&sumhs, &goran_enrollment, "ACCEPTED").await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    // WAITLISTED → ACCEPTED → COMPLETED; REJECTED is final.
    let ognjen = enrollment_of("Ognjen Radulović");
    let r = decide(&sumhs, &ognjen, "ACCEPTED").await;
    assert_eq!(
        r.data()["decideEnrollment"]["enrollment"]["status"],
        "ACCEPTED"
    );
    let r = decide(&sumhs, &ognjen, "COMPLETED").await;
    assert_eq!(
        r.data()["decideEnrollment"]["enrollment"]["status"],
        "COMPLETED"
    );
    let marko = enrollment_of("Marko Nikolić");
    let r = decide(&sumhs, &marko, "REJECTED").await;
    assert_eq!(
        r.data()["decideEnrollment"]["enrollment"]["status"],
        "REJECTED"
    );
    let r = decide(&sumhs, &marko, "ACCEPTED").await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    // A stale expected version is a conflict.
    let milana = enrollment_of("Milana Šarić");
    let r = app
        .gql(
            Some(&sumhs),
            DECIDE,
            json!({ "input": { "id": milana, "status": "WAITLISTED", "expectedVersion": 7 } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    // Completed participants keep their seat: 12 − (2 accepted + 1 completed).
    let r = app.gql(Some(&bg), PROGRAMS, json!({})).await;
    assert_eq!(program(r.data(), SUMHS_PROGRAM)["seatsLeft"], 9);
}
