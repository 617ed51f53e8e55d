//! The initial migration goes up, down and up again, and its constraints bite, on SQLite and
//! (with `TEST_POSTGRES_URL`) PostgreSQL.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{TABLES, on_each_backend};
use migration::sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Value};
use migration::{Migrator, MigratorTrait, SchemaManager};
use migration::{Query, SimpleExpr};
use uuid::Uuid;

async fn assert_tables(db: &DatabaseConnection, present: bool) {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        assert_eq!(
            manager.has_table(*table).await.unwrap(),
            present,
            "{:?}: table {table} should {}exist",
            db.get_database_backend(),
            if present { "" } else { "not " }
        );
    }
}

async fn assert_indexes(db: &DatabaseConnection) {
    let manager = SchemaManager::new(db);
    for (table, index) in [
        ("institutions", "uq_institutions_slug"),
        ("users", "idx_users_institution_id"),
        ("users", "uq_users_email"),
        ("technologies", "idx_technologies_trl"),
        ("technologies", "uq_technologies_owner_id_reference"),
        ("people", "uq_people_institution_id_orcid"),
        ("agreements", "idx_agreements_initiator_id"),
        (
            "technology_inventors",
            "uq_technology_inventors_technology_id_person_id",
        ),
        ("ip_assets", "idx_ip_assets_family_parent_id"),
        (
            "institution_email_domains",
            "uq_institution_email_domains_domain",
        ),
        ("ip_changes", "idx_ip_changes_ip_asset_id"),
        (
            "ip_change_approvals",
            "uq_ip_change_approvals_ip_change_id_institution_id",
        ),
        ("deal_events", "idx_deal_events_actor_user_id"),
        ("audit_events", "idx_audit_events_entity_type_entity_id"),
        ("deadline_records", "uq_deadline_records_ip_asset_id_act"),
        ("ip_responsibles", "uq_ip_responsibles_ip_asset_id"),
        (
            "deadline_reminders",
            "uq_deadline_reminders_ip_asset_id_act_remind_on",
        ),
        ("ip_costs", "idx_ip_costs_ip_asset_id"),
        ("ip_reimbursements", "idx_ip_reimbursements_deal_id"),
        ("security_reviews", "uq_security_reviews_technology_id"),
    ] {
        assert!(
            manager.has_index(table, index).await.unwrap(),
            "{:?}: missing index {index}",
            db.get_database_backend()
        );
    }
}

#[tokio::test]
async fn up_down_up() {
    on_each_backend(|db| async move {
        Migrator::up(&db, None).await.expect("up");
        assert_tables(&db, true).await;
        assert_indexes(&db).await;
        assert!(
            Migrator::get_pending_migrations(&db)
                .await
                .unwrap()
                .is_empty()
        );

        Migrator::down(&db, None).await.expect("down");
        assert_tables(&db, false).await;
        assert!(
            Migrator::get_applied_migrations(&db)
                .await
                .unwrap()
                .is_empty()
        );

        Migrator::up(&db, None).await.expect("up again");
        assert_tables(&db, true).await;
        assert_indexes(&db).await;
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Constraints, through raw sea-query inserts.

type Row = Vec<(&'static str, Value)>;

async fn insert(db: &DatabaseConnection, table: &'static str, row: Row) -> Result<(), DbErr> {
    let (columns, values): (Vec<_>, Vec<_>) = row.into_iter().unzip();
    let stmt = Query::insert()
        .into_table(table)
        .columns(columns)
        .values_panic(values.into_iter().map(SimpleExpr::from))
        .to_owned();
    db.execute(&stmt).await.map(|_| ())
}

/// `row` with `column` set to `value`.
fn with(mut row: Row, column: &'static str, value: impl Into<Value>) -> Row {
    let value = value.into();
    match row.iter_mut().find(|(c, _)| *c == column) {
        Some(slot) => slot.1 = value,
        None => row.push((column, value)),
    }
    row
}

fn mutable(mut row: Row) -> Row {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
    row.extend([
        ("created_at", now.into()),
        ("updated_at", now.into()),
        ("version", 1.into()),
    ]);
    row
}

fn institution(id: Uuid, slug: &str) -> Row {
    mutable(vec![
        ("id", id.into()),
        ("slug", slug.into()),
        (
            "name",
            "Shanghai University of Medicine and Health Sciences".into(),
        ),
        ("country", "CN".into()),
        ("region", "YANGTZE_RIVER_DELTA".into()),
        ("kind", "UNIVERSITY".into()),
        ("membership", "MEMBER".into()),
    ])
}

fn user(id: Uuid, institution_id: Uuid, email: &str) -> Row {
    mutable(vec![
        ("id", id.into()),
        ("institution_id", institution_id.into()),
        ("email", email.into()),
        ("display_name", "Li Wei".into()),
        ("role", "MEMBER".into()),
        ("password_hash", "$argon2id$…".into()),
    ])
}

fn technology(id: Uuid, owner_id: Uuid, reference: &str) -> Row {
    mutable(vec![
        ("id", id.into()),
        ("owner_id", owner_id.into()),
        ("reference", reference.into()),
        ("title", "Rapid sepsis assay".into()),
        ("summary", "A point-of-care assay.".into()),
        ("field", "DIAGNOSTICS".into()),
        ("trl", 5.into()),
        ("stage", "DISCLOSED".into()),
        ("visibility", "PUBLIC".into()),
        ("keywords", serde_json::json!(["sepsis"]).into()),
        ("search_text", "rapid sepsis assay".into()),
        (
            "disclosed_on",
            NaiveDate::from_ymd_opt(2026, 1, 14).unwrap().into(),
        ),
    ])
}

fn deal(id: Uuid, technology_id: Uuid, provider_id: Uuid) -> Row {
    mutable(vec![
        ("id", id.into()),
        ("technology_id", technology_id.into()),
        ("kind", "EXCLUSIVE_LICENSE".into()),
        ("provider_id", provider_id.into()),
        ("recipient_external_name", "Balkan Biotech d.o.o.".into()),
        ("recipient_external_country", "BA".into()),
        ("stage", "LEAD".into()),
        ("currency", "EUR".into()),
    ])
}

/// Asserts the insert fails, and names `constraint` (the server maps these names to errors).
async fn assert_rejected(db: &DatabaseConnection, table: &'static str, row: Row, constraint: &str) {
    let backend = db.get_database_backend();
    match insert(db, table, row).await {
        Ok(()) => panic!("{backend:?}: insert into {table} should violate {constraint}"),
        Err(err) => assert!(
            err.to_string().contains(constraint),
            "{backend:?}: expected {constraint}, got: {err}"
        ),
    }
}

#[tokio::test]
async fn check_constraints_bite() {
    on_each_backend(|db| async move {
        Migrator::up(&db, None).await.expect("up");
        let inst = Uuid::now_v7();
        insert(&db, "institutions", institution(inst, "sumhs"))
            .await
            .unwrap();

        // A valid technology goes in; the same with TRL 12 does not.
        insert(
            &db,
            "technologies",
            technology(Uuid::now_v7(), inst, "SUMHS-2026-001"),
        )
        .await
        .expect("valid technology");
        let bad = with(
            technology(Uuid::now_v7(), inst, "SUMHS-2026-002"),
            "trl",
            12,
        );
        assert_rejected(&db, "technologies", bad, "ck_technologies_trl").await;
        let bad = with(technology(Uuid::now_v7(), inst, "SUMHS-2026-003"), "trl", 0);
        assert_rejected(&db, "technologies", bad, "ck_technologies_trl").await;

        // Enum values, nullable enums, defaults.
        let bad = with(institution(Uuid::now_v7(), "x1"), "region", "MARS");
        assert_rejected(&db, "institutions", bad, "ck_institutions_region").await;
        let bad = with(
            technology(Uuid::now_v7(), inst, "SUMHS-2026-004"),
            "regulatory_class",
            "NMPA_IV",
        );
        assert_rejected(&db, "technologies", bad, "ck_technologies_regulatory_class").await;
        let bad = with(
            institution(Uuid::now_v7(), "x2"),
            "inventor_share_bp",
            10001,
        );
        assert_rejected(
            &db,
            "institutions",
            bad,
            "ck_institutions_inventor_share_bp",
        )
        .await;
        let bad = with(institution(Uuid::now_v7(), "x3"), "country", "CHN");
        assert_rejected(&db, "institutions", bad, "ck_institutions_country").await;

        // E-mail addresses are stored lower-case.
        insert(
            &db,
            "users",
            user(Uuid::now_v7(), inst, "li.wei@sumhs.edu.cn"),
        )
        .await
        .unwrap();
        let bad = user(Uuid::now_v7(), inst, "Li.Wei@SUMHS.edu.cn");
        assert_rejected(&db, "users", bad, "ck_users_email_lower").await;

        // A deal has exactly one recipient.
        let tech = Uuid::now_v7();
        insert(
            &db,
            "technologies",
            technology(tech, inst, "SUMHS-2026-005"),
        )
        .await
        .unwrap();
        insert(&db, "deals", deal(Uuid::now_v7(), tech, inst))
            .await
            .expect("valid deal");
        let both = with(
            deal(Uuid::now_v7(), tech, inst),
            "recipient_institution_id",
            inst,
        );
        assert_rejected(&db, "deals", both, "ck_deals_recipient").await;
        let none = with(
            deal(Uuid::now_v7(), tech, inst),
            "recipient_external_name",
            None::<String>,
        );
        assert_rejected(&db, "deals", none, "ck_deals_recipient").await;
        let bad = with(deal(Uuid::now_v7(), tech, inst), "royalty_bp", 10001);
        assert_rejected(&db, "deals", bad, "ck_deals_royalty_bp").await;

        // Defaults apply.
        let row = db
            .query_one(
                Query::select()
                    .columns(["clinical_stage"])
                    .from("technologies")
                    .limit(1),
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get::<String>("", "clinical_stage").unwrap(),
            "NOT_APPLICABLE"
        );

        // Foreign keys are enforced (SQLite included).
        let orphan = technology(Uuid::now_v7(), Uuid::now_v7(), "SUMHS-2026-006");
        assert!(insert(&db, "technologies", orphan).await.is_err());
        // Uniqueness.
        let dup = institution(Uuid::now_v7(), "sumhs");
        assert!(insert(&db, "institutions", dup).await.is_err());
    })
    .await;
}
