//! Talent training: the sumhs teacher training (CONSORTIUM), the unibl summer exchange
//! (PUBLIC), a sumhs workshop (CONFIDENTIAL), and enrollments in the teacher training — which only the participant's
//! institution and the host see.

use super::{F, ID, T, Target, check, list, nested, search};

const TRAINING_SCOPES: (&[&str], &[&str]) =
    (&["training:read", "training:write"], &["technology:read"]);

const PROGRAMS: &str = "{ trainingPrograms(first: 100) { totalCount edges { node { id } } } }";
const UPDATE: &str = "mutation($id: ID!) { updateTrainingProgram(input: { id: $id, expectedVersion: 999, capacity: 12 }) { program { id } } }";
const DECIDE: &str = "mutation($id: ID!) { decideEnrollment(input: { id: $id, status: REJECTED, expectedVersion: 999 }) { enrollment { id } } }";

/// Every path to an enrollment in the sumhs teacher training.
fn enrollment_paths() -> Vec<super::Path> {
    vec![
        nested(
            "query($program: ID!) { node(id: $program) { ... on TrainingProgram { enrollments(first: 100) { totalCount edges { node { id } } } } } }",
            "/node/enrollments",
        ),
        list(
            "{ trainingPrograms(first: 100) { edges { node { enrollments(first: 20) { totalCount edges { node { id } } } } } } }",
            "/trainingPrograms/edges/*/node/enrollments",
        ),
        nested(
            r#"{ institution(slug: "sumhs") { programs(first: 100) { edges { node { enrollments(first: 20) { totalCount edges { node { id } } } } } } } }"#,
            "/institution/programs/edges/*/node/enrollments",
        ),
    ]
}

fn targets() -> Vec<Target> {
    let mut marko = enrollment_paths();
    marko.push(search(
        r#"{ people(first: 100, filter: { search: "Marko" }) { edges { node { enrollments(first: 20) { totalCount edges { node { id } } } } } } }"#,
        "/people/edges/*/node/enrollments",
    ));
    let mut natasa = enrollment_paths();
    natasa.push(search(
        r#"{ people(first: 100, filter: { search: "Bojani" }) { edges { node { enrollments(first: 20) { totalCount edges { node { id } } } } } } }"#,
        "/people/edges/*/node/enrollments",
    ));
    natasa.push(nested(
        "query($natasa: ID!) { node(id: $natasa) { ... on Person { enrollments(first: 100) { totalCount edges { node { id } } } } } }",
        "/node/enrollments",
    ));
    vec![
        Target {
            name: "the sumhs teacher training (CONSORTIUM)",
            locate: (
                "query($program: ID!) { node(id: $program) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(PROGRAMS, "/trainingPrograms"),
                search(
                    "query($sumhs: ID) { trainingPrograms(first: 100, filter: { kind: TEACHER_TRAINING, host: $sumhs, visibility: CONSORTIUM }) { totalCount edges { node { id } } } }",
                    "/trainingPrograms",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { programs(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/programs",
                ),
            ],
            probe: Some(UPDATE),
            scopes: TRAINING_SCOPES,
            sees: [F, T, T, T, T, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "the unibl summer exchange (PUBLIC)",
            locate: (
                "query($exchange: ID!) { node(id: $exchange) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(PROGRAMS, "/trainingPrograms"),
                search(
                    "query($unibl: ID) { trainingPrograms(first: 100, filter: { visibility: PUBLIC, host: $unibl, startsAfter: \"2027-01-01\" }) { totalCount edges { node { id } } } }",
                    "/trainingPrograms",
                ),
                nested(
                    r#"{ institution(slug: "unibl") { programs(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/programs",
                ),
            ],
            probe: Some(UPDATE),
            scopes: TRAINING_SCOPES,
            // PUBLIC: everyone, anonymous included; a token only under `training:read`.
            sees: [T, T, T, T, T, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "a CONFIDENTIAL sumhs workshop (made by the fixture)",
            locate: (
                "query($internal: ID!) { node(id: $internal) { id } }",
                "/node",
            ),
            key: ID,
            node: true,
            paths: vec![
                list(PROGRAMS, "/trainingPrograms"),
                search(
                    "query($sumhs: ID) { trainingPrograms(first: 100, filter: { host: $sumhs, visibility: CONFIDENTIAL, kind: WORKSHOP }) { totalCount edges { node { id } } } }",
                    "/trainingPrograms",
                ),
                search(
                    r#"{ trainingPrograms(first: 100, filter: { search: "PHARMÁCY refresher" }) { totalCount edges { node { id } } } }"#,
                    "/trainingPrograms",
                ),
                nested(
                    r#"{ institution(slug: "sumhs") { programs(first: 100) { totalCount edges { node { id } } } } }"#,
                    "/institution/programs",
                ),
            ],
            // Applying to it names it; whoever may not see it gets NOT_FOUND before any rule
            // about the person.
            probe: Some(
                "mutation($id: ID!, $marko: ID!) { applyToProgram(input: { programId: $id, personId: $marko }) { enrollment { id } } }",
            ),
            scopes: TRAINING_SCOPES,
            // The host only.
            sees: [F, T, F, F, F, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "the enrollment of a unibl lecturer (Nataša Bojanić) in the sumhs teacher training",
            locate: (
                "query($natasa: ID!) { node(id: $natasa) { ... on Person { enrollments(first: 1) { edges { node { id } } } } } }",
                "/node/enrollments/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: natasa,
            probe: Some(DECIDE),
            scopes: TRAINING_SCOPES,
            // The host (sumhs) and the participant's institution (unibl) only: bg, a member
            // that sees the program, does not; the analyst neither.
            sees: [F, T, T, F, F, T, F, T, T],
            ..Default::default()
        },
        Target {
            name: "the enrollment of a bg researcher (Marko Nikolić) in the sumhs teacher training",
            locate: (
                r#"{ people(first: 1, filter: { search: "Marko" }) { edges { node { enrollments(first: 1) { edges { node { id } } } } } } }"#,
                "/people/edges/0/node/enrollments/edges/0/node",
            ),
            key: ID,
            node: true,
            paths: marko,
            probe: Some(DECIDE),
            scopes: TRAINING_SCOPES,
            // Here "Outsider" (bg) is the participant's institution and unibl unrelated.
            sees: [F, T, F, T, F, T, F, T, T],
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn training_programs_and_enrollments() {
    check(targets()).await;
}
