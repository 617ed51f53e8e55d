//! The capacity rule under concurrency: dozens of simultaneous `decideEnrollment(ACCEPTED)`
//! calls over HTTP never accept more participants than a program has seats, on SQLite and on
//! PostgreSQL alike, and none of them fails.

use std::sync::Arc;

use serde_json::json;

use crate::{
    support::TestApp,
    training::{APPLY, CREATE, DECIDE, new_program},
};

/// Dozens of simultaneous acceptances over HTTP never fill more seats than there are.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn accepted_enrollments_never_exceed_capacity_under_concurrency() {
    const CAPACITY: usize = 5;
    const APPLICANTS: usize = 40;
    let app = Arc::new(TestApp::new().await);
    let host = app.user_token("member@sumhs.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let r = app
        .gql(
            Some(&host),
            CREATE,
            json!({ "input": new_program(CAPACITY as i32) }),
        )
        .await;
    let program_id = r.data()["createTrainingProgram"]["program"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut enrollments = Vec::new();
    for i in 0..APPLICANTS {
        let r = app
            .gql(
                Some(&unibl),
                "mutation($input: CreatePersonInput!) { createPerson(input: $input) { person { id } } }",
                json!({ "input": { "fullName": format!("Trainee {i:02}") } }),
            )
            .await;
        let person = r.data()["createPerson"]["person"]["id"].clone();
        let r = app
            .gql(
                Some(&unibl),
                APPLY,
                json!({ "input": { "programId": program_id, "personId": person } }),
            )
            .await;
        enrollments.push(
            r.data()["applyToProgram"]["enrollment"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }

    let decide_all = |ids: Vec<String>| {
        let (app, host) = (app.clone(), host.clone());
        async move {
            let tasks: Vec<_> = ids
                .into_iter()
                .map(|id| {
                    let (app, host) = (app.clone(), host.clone());
                    tokio::spawn(async move {
                        app.gql(
                            Some(&host),
                            DECIDE,
                            json!({ "input": { "id": id, "status": "ACCEPTED" } }),
                        )
                        .await
                    })
                })
                .collect();
            let mut replies = Vec::new();
            for t in tasks {
                replies.push(t.await.unwrap());
            }
            replies
        }
    };
    let replies = decide_all(enrollments.clone()).await;
    let mut accepted = 0;
    let mut waitlisted = 0;
    for r in &replies {
        assert_eq!(r.status, 200, "{}", r.text);
        let d = &r.data()["decideEnrollment"];
        match d["enrollment"]["status"].as_str().unwrap() {
            "ACCEPTED" => {
                assert_eq!(d["capacityReached"], false);
                accepted += 1;
            }
            "WAITLISTED" => {
                assert_eq!(d["capacityReached"], true);
                waitlisted += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!((accepted, waitlisted), (CAPACITY, APPLICANTS - CAPACITY));
    let stored = accepted_in_db(&app).await;
    assert_eq!(stored, CAPACITY as u64);

    // A second wave on the waiting list changes nothing; the program shows no seat left.
    let replies = decide_all(enrollments).await;
    for r in &replies {
        assert!(r.body.get("errors").is_some() || r.data()["decideEnrollment"].is_object());
    }
    let accepted_again = replies
        .iter()
        .filter(|r| r.body.get("errors").is_none())
        .filter(|r| r.data()["decideEnrollment"]["enrollment"]["status"] == "ACCEPTED")
        .count();
    assert_eq!(accepted_again, 0);
    assert_eq!(accepted_in_db(&app).await, CAPACITY as u64);
    let r = app
        .gql(
            Some(&host),
            "query($id: ID!) { node(id: $id) { ... on TrainingProgram { seatsLeft enrollments(first: 100) { totalCount } } } }",
            json!({ "id": program_id }),
        )
        .await;
    assert_eq!(
        r.data()["node"],
        json!({ "seatsLeft": 0, "enrollments": { "totalCount": APPLICANTS } })
    );
}

async fn accepted_in_db(app: &TestApp) -> u64 {
    use entity::{enrollment, enums::EnrollmentStatus, training_program};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let program = training_program::Entity::find()
        .filter(training_program::Column::Title.eq("Biobank Management Summer School"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    enrollment::Entity::find()
        .filter(enrollment::Column::ProgramId.eq(program.id))
        .filter(enrollment::Column::Status.eq(EnrollmentStatus::Accepted))
        .count(&app.db)
        .await
        .unwrap()
}
