//! Statistics at scale: a generator of technologies with IP, deals, incomes, ventures and
//! training in proportion; a test that the number of SQL statements does not grow with the
//! rows; and an ignored measurement of the full query on 10,000 technologies
//! (`cargo test --test api statistics_load -- --ignored --nocapture`, add `TEST_POSTGRES_URL`
//! for PostgreSQL; bench/stats/README.md records the figures).

use std::time::Instant;

use chrono::{Days, NaiveDate, Utc};
use entity::enums::{
    ClinicalStage, DealKind, DealStage, EnrollmentStatus, IncomeKind, IpKind, IpStatus,
    ProgramKind, TechnologyField, TechnologyStage, VentureStage, Visibility,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Set,
    Statement,
};
use serde_json::json;
use uuid::Uuid;

use super::statistics::full_query;
use crate::support::TestApp;

const SLUGS: [&str; 6] = ["sumhs", "fudan", "zju", "unibl", "bg", "unizg"];
const FIELDS: [TechnologyField; 4] = [
    TechnologyField::Diagnostics,
    TechnologyField::Therapeutics,
    TechnologyField::Biomaterials,
    TechnologyField::DigitalHealth,
];

async fn insert_chunks<A>(db: &DatabaseConnection, rows: Vec<A>)
where
    A: ActiveModelTrait + Send,
    <A as ActiveModelTrait>::Entity: EntityTrait<ActiveModel = A>,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(400).collect();
        <A as ActiveModelTrait>::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await
            .unwrap();
    }
}

/// Adds `n` technologies spread over six institutions and 2023–2026, each with an inventor and
/// a patent filing; every fourth with a licence (a contract value and two incomes), every
/// twentieth with a venture, and one training program with five participants per 50.
pub async fn generate(app: &TestApp, n: usize) {
    let db = &app.db;
    let now = Utc::now();
    let mut inst = Vec::new();
    for s in SLUGS {
        inst.push(app.institution_id(s).await);
    }
    let mut people = Vec::new();
    let mut person_rows = Vec::new();
    for i in 0..60 {
        let id = Uuid::now_v7();
        people.push(id);
        person_rows.push(entity::person::ActiveModel {
            id: Set(id),
            institution_id: Set(inst[i % inst.len()]),
            full_name: Set(format!("Load Person {i}")),
            email: Set(None),
            orcid: Set(None),
            title: Set(None),
            expertise: Set(json!([])),
            search_text: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    insert_chunks(db, person_rows).await;
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let (mut techs, mut inventors, mut assets, mut owners) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut deals, mut incomes, mut ventures) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let tech = Uuid::now_v7();
        let owner = inst[i % inst.len()];
        let day = start + Days::new((i * 1400 / n.max(1)) as u64);
        techs.push(entity::technology::ActiveModel {
            id: Set(tech),
            owner_id: Set(owner),
            reference: Set(format!("LOAD-{i:05}")),
            title: Set(format!("Load technology {i}")),
            summary: Set("Generated.".into()),
            field: Set(FIELDS[i % FIELDS.len()]),
            trl: Set(4),
            stage: Set(TechnologyStage::Marketing),
            visibility: Set(Visibility::Confidential),
            regulatory_class: Set(None),
            clinical_stage: Set(ClinicalStage::NotApplicable),
            keywords: Set(json!([])),
            search_text: Set(format!("load technology {i}")),
            disclosed_on: Set(day),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        inventors.push(entity::technology_inventor::ActiveModel {
            id: Set(Uuid::now_v7()),
            technology_id: Set(tech),
            person_id: Set(people[i % people.len()]),
            share_bp: Set(10_000),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        let asset = Uuid::now_v7();
        assets.push(entity::ip_asset::ActiveModel {
            id: Set(asset),
            technology_id: Set(tech),
            kind: Set(IpKind::InventionPatent),
            jurisdiction: Set(["CN", "EP", "BA"][i % 3].into()),
            application_number: Set(Some(format!("LOAD{i:06}"))),
            title: Set(None),
            priority_date: Set(Some(day + Days::new(20))),
            international_filing_date: Set(None),
            filing_date: Set(Some(day + Days::new(20))),
            publication_date: Set(None),
            grant_date: Set((i % 3 == 0).then(|| day + Days::new(200))),
            status: Set(if i % 3 == 0 {
                IpStatus::Granted
            } else {
                IpStatus::Filed
            }),
            family_parent_id: Set(None),
            target_jurisdictions: Set(json!([])),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        owners.push(entity::ip_ownership::ActiveModel {
            id: Set(Uuid::now_v7()),
            ip_asset_id: Set(asset),
            institution_id: Set(owner),
            share_bp: Set(10_000),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        if i % 4 == 0 {
            let deal = Uuid::now_v7();
            let currency = ["EUR", "CNY", "BAM"][i % 3];
            deals.push(entity::deal::ActiveModel {
                id: Set(deal),
                technology_id: Set(tech),
                kind: Set(DealKind::NonExclusiveLicense),
                provider_id: Set(owner),
                recipient_institution_id: Set(Some(inst[(i + 3) % inst.len()])),
                recipient_external_name: Set(None),
                recipient_external_country: Set(None),
                stage: Set(DealStage::Active),
                territory: Set(None),
                upfront_amount: Set(Some(100_000)),
                royalty_bp: Set(Some(300)),
                currency: Set(currency.into()),
                contract_value: Set(Some(1_000_000)),
                signed_on: Set(Some(day + Days::new(60))),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            });
            for (k, kind) in [IncomeKind::Upfront, IncomeKind::Royalty]
                .into_iter()
                .enumerate()
            {
                incomes.push(entity::income::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    deal_id: Set(deal),
                    kind: Set(kind),
                    amount: Set(50_000),
                    currency: Set(currency.into()),
                    received_on: Set(day + Days::new(90 + 120 * k as u64)),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                });
            }
        }
        if i % 20 == 0 {
            ventures.push(entity::venture::ActiveModel {
                id: Set(Uuid::now_v7()),
                lead_institution_id: Set(owner),
                technology_id: Set(Some(tech)),
                name: Set(format!("Load Venture {i}")),
                cohort: Set(None),
                stage: Set(VentureStage::Incubating),
                funding_raised: Set(1_000_000),
                funding_currency: Set("CNY".into()),
                description: Set(None),
                founded_on: Set(Some(day + Days::new(100))),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            });
        }
    }
    insert_chunks(db, techs).await;
    insert_chunks(db, inventors).await;
    insert_chunks(db, assets).await;
    insert_chunks(db, owners).await;
    insert_chunks(db, deals).await;
    insert_chunks(db, incomes).await;
    insert_chunks(db, ventures).await;
    let (mut programs, mut enrollments) = (Vec::new(), Vec::new());
    for p in 0..(n / 50).max(1) {
        let id = Uuid::now_v7();
        let day = start + Days::new((p * 1400 / (n / 50).max(1)) as u64);
        programs.push(entity::training_program::ActiveModel {
            id: Set(id),
            host_institution_id: Set(inst[p % inst.len()]),
            title: Set(format!("Load program {p}")),
            kind: Set(ProgramKind::Workshop),
            field: Set(None),
            language: Set("en".into()),
            starts_on: Set(day),
            ends_on: Set(day + Days::new(3)),
            capacity: Set(10),
            visibility: Set(Visibility::Public),
            description: Set(None),
            search_text: Set(String::new()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        for k in 0..5 {
            enrollments.push(entity::enrollment::ActiveModel {
                id: Set(Uuid::now_v7()),
                program_id: Set(id),
                person_id: Set(people[(p * 5 + k) % people.len()]),
                status: Set(EnrollmentStatus::Completed),
                decided_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    insert_chunks(db, programs).await;
    insert_chunks(db, enrollments).await;
    // Planner statistics for the bulk-inserted rows, as a deployed database has them
    // (PostgreSQL's autovacuum, SQLite's `PRAGMA optimize`): both spell it `ANALYZE`.
    db.execute_unprepared("ANALYZE").await.unwrap();
}

fn all_years() -> serde_json::Value {
    json!({ "filter": { "from": "2023-01-01", "to": "2026-12-31" } })
}

/// The statements of one statistics request. The credential is used just before (a `{
/// __typename }`), so the principal cache (`BIOBRIDGE_AUTH_CACHE_SECS`, 5 s) is warm: whether a
/// user's state is looked up depends on the clock — generating the rows takes longer than the
/// cache lives on a loaded machine — not on the rows.
async fn statistics_statements(
    app: &TestApp,
    log: &std::sync::Mutex<Vec<String>>,
    token: &str,
) -> (Vec<String>, serde_json::Value) {
    app.gql(Some(token), "{ __typename }", json!({}))
        .await
        .data();
    log.lock().unwrap().clear();
    let r = app.gql(Some(token), &full_query(), all_years()).await;
    let statements = log.lock().unwrap().clone();
    (statements, r.data()["statistics"].clone())
}

#[tokio::test]
async fn the_number_of_statements_does_not_grow_with_the_rows() {
    let (app, log) = TestApp::recording_statements().await;
    let analyst = app.user_token("analyst@center.example").await;
    let member = app.user_token("member@unibl.example").await;
    let mut before = Vec::new();
    for token in [&analyst, &member] {
        before.push(statistics_statements(&app, &log, token).await.0);
    }
    generate(&app, 300).await;
    for (token, before) in [&analyst, &member].into_iter().zip(before) {
        let (after, s) = statistics_statements(&app, &log, token).await;
        assert!(
            s["inventionDisclosures"]["total"]["count"]
                .as_i64()
                .unwrap()
                > 17
        );
        let added: Vec<&String> = after.iter().filter(|q| !before.contains(q)).collect();
        assert_eq!(
            after.len(),
            before.len(),
            "statements grew with the rows; new ones: {added:#?}"
        );
        // Every metric (13, and 4 with money) and both cross-border levels (6 flows) in a
        // fixed, small number of statements: the principal's context and the institutions
        // besides.
        assert!(
            after.len() <= 30,
            "{} statements for the full statistics query",
            after.len()
        );
    }
}

#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn the_full_statistics_query_on_10000_technologies() {
    let app = TestApp::new().await;
    let started = Instant::now();
    generate(&app, 10_000).await;
    println!("generated 10,000 technologies in {:?}", started.elapsed());
    if std::env::var_os("STATS_KEEP_DATABASE").is_some() {
        // For a release server's measurement (bench/stats/README.md): keep the database.
        println!("kept the database: {}", app.config.database_url);
        let body = serde_json::json!({ "query": full_query(), "variables": all_years() });
        println!("the request: {body}");
        std::mem::forget(app);
        return;
    }
    let analyst = app.user_token("analyst@center.example").await;
    let member = app.user_token("member@unibl.example").await;
    for (who, token) in [("analyst", &analyst), ("unibl member", &member)] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            app.gql(Some(token), &full_query(), all_years())
                .await
                .data();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "full statistics query as {who}: median {:?}, min {:?}, max {:?}",
            times[2], times[0], times[4]
        );
    }
}

#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn where_the_statistics_time_goes_on_10000_technologies() {
    // Every statement of the full query with its time, the slowest first; on PostgreSQL the
    // plans of the slowest (EXPLAIN (ANALYZE, BUFFERS)), on SQLite their query plans.
    type Log = std::sync::Arc<std::sync::Mutex<Vec<(std::time::Duration, Statement)>>>;
    let log: Log = Default::default();
    let sink = log.clone();
    let app = TestApp::with_connection_hook(move |db| {
        db.set_metric_callback(move |info| {
            sink.lock()
                .unwrap()
                .push((info.elapsed, info.statement.clone()));
        })
    })
    .await;
    generate(&app, 10_000).await;
    for (who, email) in [
        ("analyst", "analyst@center.example"),
        ("unibl member", "member@unibl.example"),
    ] {
        let token = app.user_token(email).await;
        app.gql(Some(&token), &full_query(), all_years())
            .await
            .data();
        log.lock().unwrap().clear();
        let t = Instant::now();
        app.gql(Some(&token), &full_query(), all_years())
            .await
            .data();
        let total = t.elapsed();
        let mut statements = log.lock().unwrap().clone();
        statements.sort_by_key(|s| std::cmp::Reverse(s.0));
        let sum: std::time::Duration = statements.iter().map(|(d, _)| *d).sum();
        println!(
            "\n== {who}: {total:?} for the request, {sum:?} in {} statements",
            statements.len()
        );
        for (d, st) in &statements {
            let sql: String = st.sql.chars().take(160).collect();
            println!("{d:>12?}  {sql}");
        }
        for (_, st) in statements.iter().take(4) {
            let backend = app.db.get_database_backend();
            let prefix = match backend {
                DatabaseBackend::Postgres => "EXPLAIN (ANALYZE, BUFFERS) ",
                _ => "EXPLAIN QUERY PLAN ",
            };
            let explain = Statement {
                sql: format!("{prefix}{}", st.sql),
                ..st.clone()
            };
            println!("\n-- {}", st.sql);
            for row in app.db.query_all_raw(explain).await.unwrap() {
                let line = match backend {
                    DatabaseBackend::Postgres => row.try_get_by_index::<String>(0).unwrap(),
                    _ => row.try_get::<String>("", "detail").unwrap(),
                };
                println!("{line}");
            }
        }
    }
}
