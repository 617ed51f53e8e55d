//! No N+1: the number of SQL statements a nested query runs depends on the depth of the query,
//! not on the number of rows. Counted with sea-orm's metric callback, which sees every statement.

use chrono::Utc;
use entity::enums::{
    ClinicalStage, DealKind, DealStage, InstitutionKind, IpKind, IpStatus, Membership, Region,
    TechnologyField, TechnologyStage, Visibility,
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::json;
use uuid::Uuid;

use crate::support::TestApp;

/// The nested query of the issue: technologies with owner, inventors { person },
/// IP assets { owners { institution } } and deals { recipient }.
const NESTED: &str = r#"{
  technologies(first: 100, filter: { ownerSlug: "bench" }) {
    totalCount
    edges { node {
      reference
      owner { slug }
      inventors { edges { node { shareBasisPoints person { fullName } } } }
      ipAssets { edges { node { status jurisdiction } } }
      deals { edges { node { stage recipient { ... on Institution { slug } ... on ExternalOrganization { name } } } } }
    } }
  }
}"#;

/// Adds `n` technologies owned by a new institution `bench`, each with two inventors, a PCT
/// application co-owned with unibl, and a licence to unibl.
async fn add_technologies(db: &DatabaseConnection, unibl: Uuid, n: usize) {
    let now = Utc::now();
    let bench = Uuid::now_v7();
    entity::institution::ActiveModel {
        id: Set(bench),
        slug: Set("bench".into()),
        name: Set("Benchmark University".into()),
        local_name: Set(None),
        country: Set("CN".into()),
        region: Set(Region::YangtzeRiverDelta),
        kind: Set(InstitutionKind::University),
        membership: Set(Membership::Member),
        joined_on: Set(None),
        website: Set(None),
        inventor_share_bp: Set(5000),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(db)
    .await
    .unwrap();
    for i in 0..n {
        let tech = Uuid::now_v7();
        entity::technology::ActiveModel {
            id: Set(tech),
            owner_id: Set(bench),
            reference: Set(format!("BENCH-2026-{i:03}")),
            title: Set(format!("Benchmark technology {i}")),
            summary: Set("For counting statements.".into()),
            field: Set(TechnologyField::Diagnostics),
            trl: Set(4),
            stage: Set(TechnologyStage::Marketing),
            visibility: Set(Visibility::Confidential),
            regulatory_class: Set(None),
            clinical_stage: Set(ClinicalStage::NotApplicable),
            keywords: Set(json!([])),
            search_text: Set(format!("benchmark technology {i}")),
            disclosed_on: Set(now.date_naive()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(db)
        .await
        .unwrap();
        for share in [6000, 4000] {
            let person = Uuid::now_v7();
            entity::person::ActiveModel {
                id: Set(person),
                institution_id: Set(bench),
                full_name: Set(format!("Inventor {i}-{share}")),
                email: Set(None),
                orcid: Set(None),
                title: Set(None),
                expertise: Set(json!([])),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await
            .unwrap();
            entity::technology_inventor::ActiveModel {
                id: Set(Uuid::now_v7()),
                technology_id: Set(tech),
                person_id: Set(person),
                share_bp: Set(share),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await
            .unwrap();
        }
        let asset = Uuid::now_v7();
        entity::ip_asset::ActiveModel {
            id: Set(asset),
            technology_id: Set(tech),
            kind: Set(IpKind::PctApplication),
            jurisdiction: Set("WO".into()),
            application_number: Set(Some(format!("PCT/CN2026/9{i:05}"))),
            title: Set(None),
            priority_date: Set(Some("2025-06-01".parse().unwrap())),
            filing_date: Set(Some("2026-06-01".parse().unwrap())),
            publication_date: Set(Some("2026-12-01".parse().unwrap())),
            grant_date: Set(None),
            status: Set(IpStatus::Published),
            family_parent_id: Set(None),
            target_jurisdictions: Set(json!(["CN", "EP", "US"])),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(db)
        .await
        .unwrap();
        for (inst, share) in [(bench, 7000), (unibl, 3000)] {
            entity::ip_ownership::ActiveModel {
                id: Set(Uuid::now_v7()),
                ip_asset_id: Set(asset),
                institution_id: Set(inst),
                share_bp: Set(share),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(db)
            .await
            .unwrap();
        }
        entity::deal::ActiveModel {
            id: Set(Uuid::now_v7()),
            technology_id: Set(tech),
            kind: Set(DealKind::NonExclusiveLicense),
            provider_id: Set(bench),
            recipient_institution_id: Set(Some(unibl)),
            recipient_external_name: Set(None),
            recipient_external_country: Set(None),
            stage: Set(DealStage::Negotiation),
            territory: Set(None),
            upfront_amount: Set(None),
            royalty_bp: Set(Some(200)),
            currency: Set("EUR".into()),
            signed_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(db)
        .await
        .unwrap();
    }
}

async fn statements_for(n: usize) -> (usize, Vec<String>) {
    let (app, log) = TestApp::recording_statements().await;
    let unibl = app.institution_id("unibl").await;
    add_technologies(&app.db, unibl, n).await;
    let admin = app.token("center", "CENTER_ADMIN").await;
    log.lock().unwrap().clear();
    let r = app.gql(Some(&admin), NESTED, json!({})).await;
    let data = r.data();
    assert_eq!(data["technologies"]["totalCount"], n);
    let first = &data["technologies"]["edges"][0]["node"];
    assert_eq!(first["owner"]["slug"], "bench");
    assert_eq!(first["inventors"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(first["ipAssets"]["edges"].as_array().unwrap().len(), 1);
    assert_eq!(first["deals"]["edges"].as_array().unwrap().len(), 1);
    let statements = log.lock().unwrap().clone();
    (statements.len(), statements)
}

#[tokio::test]
async fn nested_queries_run_a_constant_number_of_statements() {
    let (five, five_sql) = statements_for(5).await;
    let (fifty, fifty_sql) = statements_for(50).await;

    let (hundred, hundred_sql) = statements_for(100).await;
    assert_eq!(
        five,
        fifty,
        "statements grew from 5 to 50 rows:\n{}",
        fifty_sql.join("\n")
    );
    assert_eq!(
        five,
        hundred,
        "statements grew from 5 to 100 rows:\n{}",
        hundred_sql.join("\n")
    );
    // One per level and relation (plus authentication and the count), never one per row.
    assert!(five <= 12, "{five} statements:\n{}", five_sql.join("\n"));
    eprintln!("nested query: {five} SQL statements at 5, 50 and 100 technologies");
}
