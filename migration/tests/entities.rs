//! The `entity` crate matches the schema the migration creates: one row per table goes in
//! through the entities and comes back equal, on SQLite and (with `TEST_POSTGRES_URL`)
//! PostgreSQL. Also checks ON DELETE CASCADE / RESTRICT.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::on_each_backend;
use entity::enums::*;
use entity::*;
use migration::sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, ModelTrait, PaginatorTrait,
};
use migration::{Migrator, MigratorTrait};
use serde_json::json;
use uuid::Uuid;

/// Inserts `model` through its ActiveModel, then checks both the returned and the re-read
/// model equal it.
macro_rules! roundtrip {
    ($db:expr, $module:ident, $model:expr) => {{
        let model: $module::Model = $model;
        let inserted = model
            .clone()
            .into_active_model()
            .reset_all()
            .insert($db)
            .await
            .unwrap_or_else(|e| panic!("insert {}: {e}", stringify!($module)));
        assert_eq!(inserted, model, "{} as inserted", stringify!($module));
        let found = $module::Entity::find_by_id(model.id)
            .one($db)
            .await
            .unwrap()
            .expect(stringify!($module));
        assert_eq!(found, model, "{} as read back", stringify!($module));
        model
    }};
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn every_table(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("up");
    // Microsecond precision: PostgreSQL keeps microseconds.
    let now = Utc.timestamp_micros(1_795_000_000_123_456).unwrap();

    let sumhs = roundtrip!(
        db,
        institution,
        institution::Model {
            id: Uuid::now_v7(),
            slug: "sumhs".into(),
            name: "Shanghai University of Medicine and Health Sciences".into(),
            local_name: Some("上海健康医学院".into()),
            country: "CN".into(),
            region: Region::YangtzeRiverDelta,
            kind: InstitutionKind::University,
            membership: Membership::Member,
            joined_on: Some(day(2026, 1, 1)),
            website: Some("https://www.sumhs.edu.cn".into()),
            ror_id: None,
            inventor_share_bp: 5000,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let unibl = roundtrip!(
        db,
        institution,
        institution::Model {
            id: Uuid::now_v7(),
            slug: "unibl".into(),
            name: "University of Banja Luka".into(),
            local_name: Some("Универзитет у Бањој Луци".into()),
            country: "BA".into(),
            region: Region::BalkanPeninsula,
            kind: InstitutionKind::University,
            membership: Membership::Applicant,
            joined_on: None,
            website: None,
            ror_id: Some("03vek6s52".into()),
            inventor_share_bp: 7000,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        institution_email_domain,
        institution_email_domain::Model {
            id: Uuid::now_v7(),
            institution_id: unibl.id,
            domain: "unibl.org".into(),
            created_at: now,
        }
    );
    let admin = roundtrip!(
        db,
        user,
        user::Model {
            id: Uuid::now_v7(),
            institution_id: Some(sumhs.id),
            organization_id: None,
            email: "admin@sumhs.edu.cn".into(),
            display_name: "Admin".into(),
            role: Role::InstitutionAdmin,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$…".into(),
            disabled_at: None,
            tokens_valid_after: Some(now),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        api_token,
        api_token::Model {
            id: Uuid::now_v7(),
            institution_id: Some(sumhs.id),
            organization_id: None,
            name: "CRIS sync".into(),
            prefix: "bbt_AbCdEfGh".into(),
            secret_hash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
            scopes: json!(["technology:read", "ip:read"]),
            created_by: admin.id,
            expires_at: Some(now),
            revoked_at: None,
            last_used_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let inventor = roundtrip!(
        db,
        person,
        person::Model {
            id: Uuid::now_v7(),
            institution_id: sumhs.id,
            full_name: "Zhang Min".into(),
            email: Some("zhang.min@sumhs.edu.cn".into()),
            orcid: Some("0000-0002-1825-0097".into()),
            title: Some("Professor".into()),
            expertise: json!(["immunology", "diagnostics"]),
            search_text: "zhang min\nprofessor\nimmunology\ndiagnostics".into(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let tech = roundtrip!(
        db,
        technology,
        technology::Model {
            id: Uuid::now_v7(),
            owner_id: sumhs.id,
            reference: "SUMHS-2026-014".into(),
            title: "Rapid sepsis assay".into(),
            summary: "A 15-minute point-of-care assay for sepsis.".into(),
            field: TechnologyField::Diagnostics,
            trl: 4,
            stage: TechnologyStage::Marketing,
            visibility: Visibility::Consortium,
            regulatory_class: Some(RegulatoryClass::EuMdrIia),
            clinical_stage: ClinicalStage::Preclinical,
            keywords: json!(["sepsis", "point-of-care"]),
            search_text: "rapid sepsis assay …".into(),
            disclosed_on: day(2026, 3, 2),
            created_at: now,
            updated_at: now,
            version: 3,
        }
    );
    roundtrip!(
        db,
        technology_translation,
        technology_translation::Model {
            id: Uuid::now_v7(),
            technology_id: tech.id,
            lang: "zh".into(),
            title: "脓毒症快速检测".into(),
            summary: "十五分钟即时检测。".into(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        technology_inventor,
        technology_inventor::Model {
            id: Uuid::now_v7(),
            technology_id: tech.id,
            person_id: inventor.id,
            share_bp: 10000,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let priority = roundtrip!(
        db,
        ip_asset,
        ip_asset::Model {
            id: Uuid::now_v7(),
            technology_id: tech.id,
            kind: IpKind::InventionPatent,
            jurisdiction: "CN".into(),
            application_number: Some("CN202610012345.6".into()),
            title: None,
            priority_date: Some(day(2026, 3, 10)),
            international_filing_date: None,
            filing_date: Some(day(2026, 3, 10)),
            publication_date: None,
            grant_date: None,
            status: IpStatus::Filed,
            family_parent_id: None,
            target_jurisdictions: json!([]),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let pct = roundtrip!(
        db,
        ip_asset,
        ip_asset::Model {
            id: Uuid::now_v7(),
            technology_id: tech.id,
            kind: IpKind::PctApplication,
            jurisdiction: "WO".into(),
            application_number: Some("PCT/CN2027/000123".into()),
            title: Some("Sepsis assay".into()),
            priority_date: Some(day(2026, 3, 10)),
            international_filing_date: None,
            filing_date: Some(day(2027, 3, 9)),
            publication_date: None,
            grant_date: None,
            status: IpStatus::Drafting,
            family_parent_id: Some(priority.id),
            target_jurisdictions: json!(["EP", "US", "BA", "RS"]),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        ip_ownership,
        ip_ownership::Model {
            id: Uuid::now_v7(),
            ip_asset_id: pct.id,
            institution_id: unibl.id,
            share_bp: 2500,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let proposal = roundtrip!(
        db,
        ip_change,
        ip_change::Model {
            id: Uuid::now_v7(),
            ip_asset_id: pct.id,
            kind: IpChangeKind::Ownership,
            status: IpChangeStatus::Pending,
            proposed_by_institution_id: Some(unibl.id),
            proposed_by_user_id: None,
            owners: Some(json!([{ "institutionId": unibl.id, "shareBasisPoints": 10000 }])),
            date: None,
            decided_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        deadline_record,
        deadline_record::Model {
            id: Uuid::now_v7(),
            ip_asset_id: priority.id,
            act: "ANNUITY.CN.5".into(),
            resolution: DeadlineResolution::Done,
            acted_on: day(2026, 11, 2),
            due_on: day(2026, 12, 1),
            lapses_on: None,
            fee_amount: Some(120_000),
            fee_currency: Some("CNY".into()),
            note: Some("receipt 88123".into()),
            recorded_by: Some(admin.id),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        deadline_reminder,
        deadline_reminder::Model {
            id: Uuid::now_v7(),
            ip_asset_id: priority.id,
            act: "ANNUITY.CN.5".into(),
            remind_on: day(2026, 9, 2),
            due_on: day(2026, 12, 1),
            lead_days: Some(90),
            created_at: now,
        }
    );
    roundtrip!(
        db,
        ip_change_approval,
        ip_change_approval::Model {
            id: Uuid::now_v7(),
            ip_change_id: proposal.id,
            institution_id: sumhs.id,
            decision: IpApprovalDecision::Approved,
            decided_by_user_id: Some(admin.id),
            decided_at: Some(now),
            created_at: now,
        }
    );
    roundtrip!(
        db,
        ip_responsible,
        ip_responsible::Model {
            id: Uuid::now_v7(),
            ip_asset_id: pct.id,
            user_id: admin.id,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        deadline_reopening,
        deadline_reopening::Model {
            id: Uuid::now_v7(),
            ip_asset_id: priority.id,
            act: "ANNUITY.CN.4".into(),
            resolution: DeadlineResolution::Waived,
            acted_on: day(2026, 11, 1),
            fee_amount: None,
            fee_currency: None,
            note: Some("wrong asset".into()),
            recorded_by: Some(admin.id),
            recorded_at: now,
            reason: "waived by mistake: the fee is being paid".into(),
            reopened_by: Some(admin.id),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        calendar_feed_token,
        calendar_feed_token::Model {
            id: Uuid::now_v7(),
            user_id: admin.id,
            name: "Thunderbird".into(),
            prefix: "bbf_abcdefgh".into(),
            secret_hash: "0".repeat(64),
            revoked_at: None,
            last_used_at: Some(now),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let deal = roundtrip!(
        db,
        deal,
        deal::Model {
            id: Uuid::now_v7(),
            technology_id: tech.id,
            kind: DealKind::Option,
            provider_id: sumhs.id,
            recipient_institution_id: Some(unibl.id),
            recipient_external_name: None,
            recipient_external_country: None,
            recipient_venture_id: None,
            recipient_organization_id: None,
            stage: DealStage::Signed,
            territory: Some("Western Balkans".into()),
            upfront_amount: Some(9_007_199_254_740_993),
            royalty_bp: Some(350),
            currency: "EUR".into(),
            contract_value: Some(4_000_000),
            signed_on: Some(day(2026, 9, 1)),
            field_of_use: Some("in-vitro diagnostics".into()),
            territories: Some(serde_json::json!(["BA", "RS", "EU"])),
            exclusivity: Some(Exclusivity::Sole),
            effective_on: Some(day(2026, 9, 1)),
            expires_on: Some(day(2036, 8, 31)),
            annual_minimum: Some(500_000),
            royalty_tiers: Some(serde_json::json!([{ "from": 0, "rate_bp": 300 }])),
            sublicensing_allowed: true,
            sublicense_share_bp: Some(2500),
            diligence: Some(
                serde_json::json!([{ "description": "first sale", "due_on": "2028-01-01" }])
            ),
            payment_days: Some(45),
            created_at: now,
            updated_at: now,
            version: 4,
        }
    );
    roundtrip!(
        db,
        ip_cost,
        ip_cost::Model {
            id: Uuid::now_v7(),
            ip_asset_id: pct.id,
            institution_id: sumhs.id,
            kind: IpCostKind::AttorneyFee,
            amount: 9_007_199_254_740_993,
            currency: "CNY".into(),
            incurred_on: day(2026, 3, 13),
            note: Some("agent's invoice 2026-114".into()),
            recorded_by: Some(admin.id),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        ip_reimbursement,
        ip_reimbursement::Model {
            id: Uuid::now_v7(),
            ip_asset_id: pct.id,
            deal_id: deal.id,
            amount: 250_000,
            currency: "EUR".into(),
            received_on: day(2026, 10, 1),
            note: None,
            recorded_by: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        security_review,
        security_review::Model {
            id: Uuid::now_v7(),
            technology_id: tech.id,
            reviewed_on: day(2026, 2, 24),
            reference: Some("BM2026-0310457".into()),
            recorded_by: Some(admin.id),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let policy = distribution_policy::Model {
        institution_id: sumhs.id,
        policy: DistributionPolicy::NetOfUnreimbursedCosts,
        equity_as_shares: true,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let inserted = policy
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await
        .unwrap();
    assert_eq!(inserted, policy);
    assert_eq!(
        distribution_policy::Entity::find_by_id(sumhs.id)
            .one(db)
            .await
            .unwrap(),
        Some(policy)
    );
    roundtrip!(
        db,
        deal_milestone,
        deal_milestone::Model {
            id: Uuid::now_v7(),
            deal_id: deal.id,
            description: "CE marking".into(),
            amount: 1_000_000,
            due_on: Some(day(2028, 6, 30)),
            achieved_on: None,
            income_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        deal_event,
        deal_event::Model {
            id: Uuid::now_v7(),
            deal_id: deal.id,
            from_stage: Some(DealStage::TermSheet),
            to_stage: DealStage::Signed,
            at: now,
            actor_user_id: Some(admin.id),
            actor_label: "admin@sumhs.edu.cn".into(),
            note: Some("Signed in Banja Luka".into()),
            created_at: now,
        }
    );
    roundtrip!(
        db,
        royalty_report,
        royalty_report::Model {
            id: Uuid::now_v7(),
            deal_id: deal.id,
            period_start: day(2027, 1, 1),
            period_end: day(2027, 6, 30),
            net_sales: 12_000_000,
            royalty_due: 420_000,
            currency: "EUR".into(),
            submitted_by: None,
            submitted_by_api_token_id: Some(Uuid::now_v7()),
            status: RoyaltyReportStatus::Submitted,
            decided_at: None,
            dispute_reason: Some("net sales omit the Serbian distributor".into()),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        income,
        income::Model {
            id: Uuid::now_v7(),
            deal_id: deal.id,
            kind: IncomeKind::Upfront,
            amount: 5_000_000,
            currency: "EUR".into(),
            received_on: day(2026, 9, 15),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let venture = roundtrip!(
        db,
        venture,
        venture::Model {
            id: Uuid::now_v7(),
            lead_institution_id: sumhs.id,
            technology_id: Some(tech.id),
            name: "SepsiQ".into(),
            cohort: Some("2026-spring".into()),
            stage: VentureStage::Incubating,
            funding_raised: 150_000_000,
            funding_currency: "CNY".into(),
            description: None,
            founded_on: Some(day(2026, 3, 2)),
            legal_form: Some("d.o.o.".into()),
            search_text: "sepsiq\n2026-spring\n".into(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        venture_founder,
        venture_founder::Model {
            id: Uuid::now_v7(),
            venture_id: venture.id,
            person_id: inventor.id,
            role: Some("CSO".into()),
            created_at: now,
        }
    );
    roundtrip!(
        db,
        venture_milestone,
        venture_milestone::Model {
            id: Uuid::now_v7(),
            venture_id: venture.id,
            title: "CE marking".into(),
            due_on: day(2027, 12, 31),
            completed_on: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        venture_equity_change,
        venture_equity_change::Model {
            id: Uuid::now_v7(),
            venture_id: venture.id,
            round: "Series A".into(),
            changed_on: day(2027, 3, 1),
            equity_bp: 1800,
            note: Some("led by a Belgrade fund".into()),
            created_at: now,
        }
    );
    let program = roundtrip!(
        db,
        training_program,
        training_program::Model {
            id: Uuid::now_v7(),
            host_institution_id: unibl.id,
            title: "Technology transfer summer school".into(),
            kind: ProgramKind::ShortCourse,
            field: Some(TechnologyField::TraditionalMedicine),
            language: "en".into(),
            starts_on: day(2027, 7, 1),
            ends_on: day(2027, 7, 14),
            capacity: 30,
            visibility: Visibility::Public,
            description: Some("Two weeks in Banja Luka.".into()),
            search_text: "technology transfer summer school\ntwo weeks in banja luka.".into(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    roundtrip!(
        db,
        enrollment,
        enrollment::Model {
            id: Uuid::now_v7(),
            program_id: program.id,
            person_id: inventor.id,
            status: EnrollmentStatus::Accepted,
            decided_at: Some(now),
            created_at: now,
            updated_at: now,
            version: 2,
        }
    );
    let agreement = roundtrip!(
        db,
        agreement,
        agreement::Model {
            id: Uuid::now_v7(),
            title: "Memorandum of understanding".into(),
            kind: AgreementKind::Mou,
            signed_on: Some(day(2026, 11, 25)),
            expires_on: Some(day(2031, 11, 24)),
            status: AgreementStatus::Active,
            summary: None,
            search_text: "memorandum of understanding\n".into(),
            initiator_id: Some(sumhs.id),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    for party in [&sumhs, &unibl] {
        roundtrip!(
            db,
            agreement_party,
            agreement_party::Model {
                id: Uuid::now_v7(),
                agreement_id: agreement.id,
                institution_id: party.id,
                created_at: now,
            }
        );
    }
    roundtrip!(
        db,
        audit_event,
        audit_event::Model {
            id: Uuid::now_v7(),
            at: now,
            actor_user_id: Some(admin.id),
            actor_label: "admin@sumhs.edu.cn".into(),
            institution_id: Some(sumhs.id),
            action: "technology.create".into(),
            entity_type: "Technology".into(),
            entity_id: tech.id,
            changes: json!({"title": [null, "Rapid sepsis assay"], "trl": [null, 4]}),
        }
    );

    let hook = roundtrip!(
        db,
        webhook,
        webhook::Model {
            id: Uuid::now_v7(),
            institution_id: sumhs.id,
            url: "https://erp.sumhs.example/hooks".into(),
            description: "ERP".into(),
            events: json!(["DEAL_CHANGED"]),
            active: true,
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
            previous_secret: None,
            previous_secret_expires_at: Some(now),
            created_by: admin.id,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    );
    let event = roundtrip!(
        db,
        webhook_event,
        webhook_event::Model {
            id: Uuid::now_v7(),
            kind: "TECHNOLOGY_CHANGED".into(),
            action: "technology.create".into(),
            entity_type: "Technology".into(),
            entity_id: tech.id,
            occurred_at: now,
            dispatched_at: Some(now),
        }
    );
    let delivery = roundtrip!(
        db,
        webhook_delivery,
        webhook_delivery::Model {
            id: Uuid::now_v7(),
            webhook_id: hook.id,
            event_id: event.id,
            status: WebhookDeliveryStatus::Pending,
            attempts: 1,
            next_attempt_at: now,
            retry_until: now,
            last_status_code: Some(503),
            last_error: Some("HTTP 503".into()),
            delivered_at: None,
            created_at: now,
            updated_at: now,
        }
    );
    roundtrip!(
        db,
        webhook_attempt,
        webhook_attempt::Model {
            id: Uuid::now_v7(),
            delivery_id: delivery.id,
            attempt: 1,
            at: now,
            status_code: Some(503),
            latency_ms: 12,
            error: Some("HTTP 503".into()),
        }
    );
    // ON DELETE CASCADE: a webhook takes its deliveries and their attempts with it.
    hook.clone().delete(db).await.expect("delete webhook");
    assert_eq!(prelude::WebhookAttempt::find().count(db).await.unwrap(), 0);

    // Relations resolve.
    let inventors = tech.find_related(prelude::Person).all(db).await.unwrap();
    assert_eq!(inventors, vec![inventor.clone()]);
    let parties = agreement
        .find_related(prelude::Institution)
        .count(db)
        .await
        .unwrap();
    assert_eq!(parties, 2);
    let children = priority
        .find_linked(ip_asset::FamilyChildLink)
        .all(db)
        .await
        .unwrap();
    assert_eq!(children, vec![pct.clone()]);
    let parent = pct
        .find_linked(ip_asset::FamilyParentLink)
        .one(db)
        .await
        .unwrap();
    assert_eq!(parent, Some(priority.clone()));
    let provider = deal.find_linked(deal::ProviderLink).one(db).await.unwrap();
    assert_eq!(provider.map(|i| i.id), Some(sumhs.id));

    // ON DELETE CASCADE: an agreement takes its parties with it.
    agreement
        .clone()
        .delete(db)
        .await
        .expect("delete agreement");
    assert_eq!(prelude::AgreementParty::find().count(db).await.unwrap(), 0);
    // ON DELETE RESTRICT: an institution with users (and more) cannot go.
    assert!(sumhs.clone().delete(db).await.is_err());
    assert!(inventor.clone().delete(db).await.is_err());
}

#[tokio::test]
async fn entities_match_schema() {
    on_each_backend(|db| async move { every_table(&db).await }).await;
}
