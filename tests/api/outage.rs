//! Database outages: PostgreSQL (a private instance, never the shared one) is stopped as by a
//! crash and restarted under concurrent writes. Every acknowledged write must be there
//! afterwards, no record half-written, no invariant broken; during the outage every answer is a
//! fast 503 `UNAVAILABLE` with `Retry-After`, `/readyz` says "not ready" within a second, and the
//! server recovers by itself.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::support::{Reply, TestApp, private_postgres::PrivatePostgres};

const CREATE: &str = "mutation($input: CreateTechnologyInput!) { createTechnology(input: $input) { technology { id reference } } }";
const SET_INVENTORS: &str = "mutation($input: SetTechnologyInventorsInput!) { setTechnologyInventors(input: $input) { technology { id } } }";

/// One answer a writer got.
struct Answer {
    ok: bool,
    /// The error met a field below the mutation's root: the work was done and committed, only
    /// the answer's view of it failed (HTTP 200, not to be retried; see `http::graphql`).
    after_commit: bool,
    status: StatusCode,
    code: Option<String>,
    retry_after: bool,
    took: Duration,
    at: Instant,
}

#[derive(Default)]
struct Outcomes {
    answers: Vec<Answer>,
    /// Acknowledged creates: (id, reference).
    created: Vec<(Uuid, String)>,
    /// Technologies whose inventor list was acknowledged.
    inventors_set: Vec<Uuid>,
}

fn answer(reply: &Reply, took: Duration, ok: bool) -> Answer {
    Answer {
        ok,
        after_commit: reply.body["errors"][0]["path"]
            .as_array()
            .is_some_and(|p| p.len() > 1),
        status: reply.status,
        code: reply.body["errors"][0]["extensions"]["code"]
            .as_str()
            .map(str::to_owned),
        retry_after: reply.headers.contains_key("retry-after"),
        took,
        at: Instant::now(),
    }
}

async fn writer(
    app: Arc<TestApp>,
    token: String,
    people: Vec<String>,
    next: Arc<AtomicU32>,
    stop: Arc<AtomicBool>,
    out: Arc<Mutex<Outcomes>>,
) {
    while !stop.load(Ordering::SeqCst) {
        let n = next.fetch_add(1, Ordering::SeqCst);
        if n > 999 {
            break;
        }
        let reference = format!("SUMHS-2026-{n:03}");
        let input = json!({ "reference": reference, "title": "Outage probe", "summary": "Written while the database comes and goes.", "field": "DIAGNOSTICS", "trl": 3 });
        let start = Instant::now();
        let r = app
            .gql(Some(&token), CREATE, json!({ "input": input }))
            .await;
        // Acknowledged when the root field succeeded: the server answers a mutation that did its
        // work with 200 and its data, even when a nested field met the outage after the commit.
        let id = r.body["data"]["createTechnology"]["technology"]["id"]
            .as_str()
            .map(str::to_owned);
        out.lock()
            .unwrap()
            .answers
            .push(answer(&r, start.elapsed(), id.is_some()));
        let Some(gid) = id else { continue };
        let uuid = biobridge::graphql::ids::decode(&gid)
            .expect("a global id")
            .1;
        out.lock().unwrap().created.push((uuid, reference));

        let input = json!({ "technologyId": gid, "inventors": [
            { "personId": people[0], "shareBasisPoints": 6000 },
            { "personId": people[1], "shareBasisPoints": 4000 } ] });
        let start = Instant::now();
        let r = app
            .gql(Some(&token), SET_INVENTORS, json!({ "input": input }))
            .await;
        let ok = !r.body["data"]["setTechnologyInventors"].is_null();
        let mut o = out.lock().unwrap();
        o.answers.push(answer(&r, start.elapsed(), ok));
        if ok {
            o.inventors_set.push(uuid);
        }
    }
}

async fn readyz(app: &TestApp) -> (StatusCode, Duration) {
    let start = Instant::now();
    let r = app
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    (r.status, start.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_and_restarted_under_writes_loses_nothing_and_fails_fast() {
    let Some(pg) = PrivatePostgres::start() else {
        return;
    };
    let app = Arc::new(TestApp::on_database(&pg.url()).await);
    let token = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&token),
            "{ people(first: 50) { edges { node { id institution { slug } } } } }",
            json!({}),
        )
        .await;
    let people: Vec<String> = r.data()["people"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["institution"]["slug"] == "sumhs")
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .take(2)
        .collect();
    assert_eq!(
        people.len(),
        2,
        "two sumhs researchers to name as inventors"
    );

    // The demo data already holds sumhs technologies of 2026 (without creation events: they
    // were seeded, not created through the API); the checks below concern the writers' own.
    use entity::{audit_event, technology, technology_inventor};
    let seeded: Vec<Uuid> = technology::Entity::find()
        .filter(technology::Column::Reference.starts_with("SUMHS-2026-"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();

    let next = Arc::new(AtomicU32::new(100));
    let stop = Arc::new(AtomicBool::new(false));
    let out = Arc::new(Mutex::new(Outcomes::default()));
    let writers: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn(writer(
                app.clone(),
                token.clone(),
                people.clone(),
                next.clone(),
                stop.clone(),
                out.clone(),
            ))
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pg_for_stop = Arc::new(pg);
    let pg2 = pg_for_stop.clone();
    tokio::task::spawn_blocking(move || pg2.stop())
        .await
        .unwrap();
    let stopped_at = Instant::now();

    // While it is down: a read and the readiness probe answer fast and say so.
    let (ready, ready_took) = readyz(&app).await;
    let start = Instant::now();
    let probe = app
        .gql(
            Some(&token),
            "{ technologies(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    let probe_took = start.elapsed();
    tokio::time::sleep(Duration::from_millis(2500)).await;

    let pg2 = pg_for_stop.clone();
    tokio::task::spawn_blocking(move || pg2.start_again())
        .await
        .unwrap();
    let restarted_at = Instant::now();
    let mut recovered = false;
    for _ in 0..60 {
        if readyz(&app).await.0 == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        recovered,
        "the server recovers by itself when the database returns"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }

    let bound = app.config.db_acquire_timeout() + Duration::from_millis(1500);
    eprintln!(
        "outage: /readyz answered {ready} in {ready_took:?}; a query answered HTTP {} {:?} in {probe_took:?}",
        probe.status, probe.body["errors"][0]["extensions"]["code"]
    );
    assert_eq!(ready, StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready_took <= Duration::from_secs(1), "{ready_took:?}");
    assert_eq!(
        probe.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        probe.text
    );
    assert_eq!(probe.code(), "UNAVAILABLE");
    assert!(probe.headers.contains_key("retry-after"));
    assert!(probe_took <= bound, "{probe_took:?}");

    let out = std::mem::take(&mut *out.lock().unwrap());
    let failed: Vec<&Answer> = out.answers.iter().filter(|a| !a.ok).collect();
    let slowest = failed.iter().map(|a| a.took).max().unwrap_or_default();
    eprintln!(
        "outage: {} answers, {} failed (slowest failure {slowest:?}), {} creates and {} inventor lists acknowledged",
        out.answers.len(),
        failed.len(),
        out.created.len(),
        out.inventors_set.len()
    );
    assert!(!failed.is_empty(), "the writers met the outage");
    for a in &failed {
        assert_eq!(a.code.as_deref(), Some("UNAVAILABLE"));
        if a.after_commit {
            assert_eq!(
                a.status,
                StatusCode::OK,
                "a committed mutation is not to be retried"
            );
        } else {
            assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(a.retry_after, "a 503 carries Retry-After");
        }
        assert!(a.took <= bound, "an outage answer took {:?}", a.took);
    }
    assert!(
        out.answers.iter().any(|a| a.ok && a.at < stopped_at),
        "writes succeeded before the outage"
    );
    assert!(
        out.answers.iter().any(|a| a.ok && a.at > restarted_at),
        "writes succeed again after the outage"
    );

    // Nothing acknowledged is lost, nothing is half-written, shares still sum to 100%.
    let ours: Vec<technology::Model> = technology::Entity::find()
        .filter(technology::Column::Reference.starts_with("SUMHS-2026-"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| !seeded.contains(&t.id))
        .collect();
    for (id, reference) in &out.created {
        assert!(
            ours.iter()
                .any(|t| t.id == *id && &t.reference == reference),
            "acknowledged {reference} is missing"
        );
    }
    for t in &ours {
        let audited = audit_event::Entity::find()
            .filter(audit_event::Column::EntityId.eq(t.id))
            .filter(audit_event::Column::Action.eq("technology.create"))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(audited.len(), 1, "{} has its creation event", t.reference);
        let shares: i32 = technology_inventor::Entity::find()
            .filter(technology_inventor::Column::TechnologyId.eq(t.id))
            .all(&app.db)
            .await
            .unwrap()
            .iter()
            .map(|i| i.share_bp)
            .sum();
        let acknowledged = out.inventors_set.contains(&t.id);
        assert!(
            shares == 10000 || (shares == 0 && !acknowledged),
            "{}: inventor shares sum to {shares}",
            t.reference
        );
    }
}

/// Closes the connection pool at once: every later request for a connection fails as when the
/// database is gone, while a connection already held (a transaction) finishes its work.
fn close_pool(db: &sea_orm::DatabaseConnection) {
    use sea_orm::DbBackend;
    // Closing marks the pool closed on the call; the returned future only waits for
    // connections to come back, which is not wanted here.
    match db.get_database_backend() {
        DbBackend::Postgres => drop(db.get_postgres_connection_pool().close()),
        _ => drop(db.get_sqlite_connection_pool().close()),
    }
}

#[tokio::test]
async fn a_create_whose_database_goes_away_right_after_the_commit_still_answers_success() {
    let armed = Arc::new(AtomicBool::new(false));
    let trigger = armed.clone();
    let app = TestApp::with_connection_hook(move |db| {
        let pool = db.clone();
        db.set_metric_callback(move |info| {
            let sql = &info.statement.sql;
            // The mutation's last write: its audit event, inside its transaction.
            if sql.starts_with("INSERT")
                && sql.contains("audit_events")
                && trigger.swap(false, Ordering::SeqCst)
            {
                close_pool(&pool);
            }
        })
    })
    .await;
    let token = app.user_token("member@sumhs.example").await;
    armed.store(true, Ordering::SeqCst);
    let input = json!({ "reference": "SUMHS-2026-811", "title": "Committed, then cut off",
        "summary": "The database went away after the commit.", "field": "DIAGNOSTICS", "trl": 2 });
    let r = app
        .gql(Some(&token), CREATE, json!({ "input": input }))
        .await;
    assert!(
        !armed.load(Ordering::SeqCst),
        "the pool was closed during the mutation"
    );
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.data()["createTechnology"]["technology"]["reference"],
        "SUMHS-2026-811",
        "a committed create answers success, not an error that invites a duplicate"
    );

    // It is there: read on a fresh connection.
    let fresh = biobridge::db::connect(&app.config.database_url)
        .await
        .unwrap();
    let found = entity::technology::Entity::find()
        .filter(entity::technology::Column::Reference.eq("SUMHS-2026-811"))
        .one(&fresh)
        .await
        .unwrap();
    assert!(found.is_some());
    fresh.close().await.unwrap();
}
