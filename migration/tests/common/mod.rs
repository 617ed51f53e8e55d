//! Runs a test body on an in-memory SQLite database and, when `TEST_POSTGRES_URL` is set, on a
//! freshly created PostgreSQL database that is dropped afterwards.

#![allow(dead_code)]

use std::future::Future;

use migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend};

/// Every table of the schema, in creation order.
pub const TABLES: &[&str] = &[
    "institutions",
    "users",
    "api_tokens",
    "people",
    "technologies",
    "technology_translations",
    "technology_inventors",
    "ip_assets",
    "ip_ownerships",
    "deals",
    "deal_events",
    "royalty_reports",
    "incomes",
    "ventures",
    "venture_founders",
    "venture_milestones",
    "training_programs",
    "enrollments",
    "agreements",
    "agreement_parties",
    "audit_events",
    "idempotency_keys",
    "exchange_rates",
    "institution_email_domains",
    "ip_changes",
    "ip_change_approvals",
    "external_organizations",
    "licensee_invitations",
    "webhooks",
    "webhook_events",
    "webhook_deliveries",
    "webhook_attempts",
    "deadline_records",
    "ip_responsibles",
    "deadline_reminders",
    "calendar_feed_tokens",
    "deadline_reopenings",
    "ip_costs",
    "ip_reimbursements",
    "distribution_policies",
    "security_reviews",
    "technology_readers",
];

/// Runs `body` on SQLite, then on PostgreSQL if `TEST_POSTGRES_URL` is set.
pub async fn on_each_backend<F, Fut>(body: F)
where
    F: Fn(DatabaseConnection) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    assert_eq!(db.get_database_backend(), DbBackend::Sqlite);
    body(db).await;

    let Ok(url) = std::env::var("TEST_POSTGRES_URL") else {
        eprintln!("TEST_POSTGRES_URL not set: PostgreSQL skipped");
        return;
    };
    let admin = Database::connect(&url)
        .await
        .expect("postgres admin connection");
    let name = format!("biobridge_migration_{}", uuid::Uuid::now_v7().simple());
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
        .await
        .expect("create test database");
    let db = Database::connect(with_database(&url, &name))
        .await
        .expect("postgres test connection");
    assert_eq!(db.get_database_backend(), DbBackend::Postgres);

    // Run in a task so that a failing assertion still lets us drop the database.
    let outcome = tokio::spawn(body(db.clone())).await;
    db.close().await.ok();
    admin
        .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
        .await
        .expect("drop test database");
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[test]
fn with_database_replaces_the_path() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgres://h:5432", "x"),
        "postgres://h:5432/x"
    );
}
