//! `m20261127_180700_search_text` fills the new `search_text` of the rows already there with
//! their folded fields, and refolds the technologies' lower-cased text, on SQLite and (with
//! `TEST_POSTGRES_URL`) PostgreSQL.

mod common;

use chrono::Utc;
use common::on_each_backend;
use migration::sea_orm::{ConnectionTrait, DatabaseConnection};
use migration::{Expr, ExprTrait, Migrator, MigratorTrait, Query};
use serde_json::json;
use uuid::Uuid;

/// The migrations before the one under test.
fn before_search_text() -> u32 {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    names
        .iter()
        .position(|n| n == "m20261127_180700_search_text")
        .expect("the migration is registered") as u32
}

async fn insert(
    db: &DatabaseConnection,
    table: &'static str,
    values: Vec<(&'static str, migration::SimpleExpr)>,
) {
    let (columns, exprs): (Vec<_>, Vec<_>) = values.into_iter().unzip();
    let stmt = Query::insert()
        .into_table(table)
        .columns(columns)
        .values_panic(exprs)
        .to_owned();
    db.execute(&stmt)
        .await
        .unwrap_or_else(|e| panic!("insert {table}: {e}"));
}

async fn search_text(db: &DatabaseConnection, table: &'static str, id: Uuid) -> String {
    let stmt = Query::select()
        .column("search_text")
        .from(table)
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let row = db.query_one(&stmt).await.unwrap().expect("row");
    row.try_get("", "search_text").unwrap()
}

async fn backfills(db: DatabaseConnection) {
    Migrator::up(&db, Some(before_search_text()))
        .await
        .expect("up to before");
    let now = Utc::now();
    let (inst, person, tech) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    insert(
        &db,
        "institutions",
        vec![
            ("id", inst.into()),
            ("slug", "unibl".into()),
            ("name", "University of Banja Luka".into()),
            ("country", "BA".into()),
            ("region", "BALKAN_PENINSULA".into()),
            ("kind", "UNIVERSITY".into()),
            ("membership", "MEMBER".into()),
            ("inventor_share_bp", 5000.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
            ("version", 1.into()),
        ],
    )
    .await;
    insert(
        &db,
        "people",
        vec![
            ("id", person.into()),
            ("institution_id", inst.into()),
            ("full_name", "Milana Šarić".into()),
            ("title", "Docentkinja".into()),
            (
                "expertise",
                json!(["Analitička hemija", "Шумске биљке"]).into(),
            ),
            ("created_at", now.into()),
            ("updated_at", now.into()),
            ("version", 1.into()),
        ],
    )
    .await;
    insert(
        &db,
        "technologies",
        vec![
            ("id", tech.into()),
            ("owner_id", inst.into()),
            ("reference", "UNIBL-2026-001".into()),
            ("title", "Ekstrakt smilja".into()),
            ("summary", "…".into()),
            ("field", "TRADITIONAL_MEDICINE".into()),
            ("trl", 3.into()),
            ("stage", "DISCLOSED".into()),
            ("visibility", "PUBLIC".into()),
            ("clinical_stage", "NOT_APPLICABLE".into()),
            ("keywords", json!([]).into()),
            ("search_text", "ekstrakt smilja — čajevi i ćelije".into()),
            ("disclosed_on", now.date_naive().into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
            ("version", 1.into()),
        ],
    )
    .await;

    Migrator::up(&db, None).await.expect("up");
    assert_eq!(
        search_text(&db, "people", person).await,
        "milana saric\ndocentkinja\nanaliticka hemija\nsumske biljke"
    );
    assert_eq!(
        search_text(&db, "technologies", tech).await,
        "ekstrakt smilja — cajevi i celije"
    );
}

#[tokio::test]
async fn search_text_is_backfilled_folded() {
    on_each_backend(|db| async move { backfills(db).await }).await;
}
