//! `technology_readers`, the relations of institutions to technologies that the access policy
//! reads (owner, IP co-owner, deal party, inventor's institution), is kept by the database on
//! every write: after each kind of write — through the API and straight to the tables, as an
//! import or an operator would — it equals what the tables say, and the API's answers follow.

use biobridge::graphql::ids;
use entity::{
    deal, enums::Visibility, ip_asset, ip_ownership, person, technology, technology_inventor,
    technology_reader,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, Statement, TransactionTrait, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::TestApp;

/// The relations as the tables say, worked out from scratch.
const DERIVED: &str = "
SELECT owner_id AS institution_id, id AS technology_id FROM technologies
UNION SELECT o.institution_id, a.technology_id FROM ip_assets a
  JOIN ip_ownerships o ON o.ip_asset_id = a.id
UNION SELECT provider_id, technology_id FROM deals
UNION SELECT recipient_institution_id, technology_id FROM deals
  WHERE recipient_institution_id IS NOT NULL
UNION SELECT p.institution_id, i.technology_id FROM technology_inventors i
  JOIN people p ON p.id = i.person_id";

async fn derived(app: &TestApp) -> Vec<(Uuid, Uuid)> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            DERIVED,
        ))
        .await
        .unwrap();
    let mut out: Vec<(Uuid, Uuid)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get("", "institution_id").unwrap(),
                r.try_get("", "technology_id").unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn kept(app: &TestApp) -> Vec<(Uuid, Uuid)> {
    technology_reader::Entity::find()
        .order_by_asc(technology_reader::Column::InstitutionId)
        .order_by_asc(technology_reader::Column::TechnologyId)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.institution_id, r.technology_id))
        .collect()
}

async fn assert_kept(app: &TestApp, after: &str) {
    assert_eq!(kept(app).await, derived(app).await, "after {after}");
}

/// Whether `viewer` (a member of that institution) sees technology `id` through the API.
async fn sees(app: &TestApp, viewer: &str, id: Uuid) -> bool {
    let token = app.token(viewer, "MEMBER").await;
    let q = format!(
        "{{ node(id: \"{}\") {{ id }} }}",
        ids::encode("Technology", id).0
    );
    !app.gql(Some(&token), &q, json!({})).await.data()["node"].is_null()
}

async fn relation_exists(app: &TestApp, inst: Uuid, tech: Uuid) -> bool {
    technology_reader::Entity::find_by_id((inst, tech))
        .one(&app.db)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn the_seeded_relations_are_there() {
    let app = TestApp::new().await;
    let rows = kept(&app).await;
    // More than the owners: the demo data has co-owned IP, deals and foreign inventors.
    let technologies = technology::Entity::find().all(&app.db).await.unwrap().len();
    assert!(rows.len() > technologies, "{} rows", rows.len());
    assert_kept(&app, "seeding").await;
}

/// A confidential technology of `sumhs`, and an institution with no relation to it.
async fn confidential_and_stranger(app: &TestApp) -> (technology::Model, Uuid, &'static str) {
    let sumhs = app.institution_id("sumhs").await;
    let bg = app.institution_id("bg").await;
    let tech = technology::Entity::find()
        .filter(technology::Column::OwnerId.eq(sumhs))
        .filter(technology::Column::Visibility.eq(Visibility::Confidential))
        .order_by_asc(technology::Column::Reference)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a confidential sumhs technology");
    // Start from no relation of bg's at all to it: its own rows removed, straight.
    let assets: Vec<Uuid> = ip_asset::Entity::find()
        .filter(ip_asset::Column::TechnologyId.eq(tech.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    ip_ownership::Entity::delete_many()
        .filter(ip_ownership::Column::InstitutionId.eq(bg))
        .filter(ip_ownership::Column::IpAssetId.is_in(assets))
        .exec(&app.db)
        .await
        .unwrap();
    deal::Entity::delete_many()
        .filter(deal::Column::TechnologyId.eq(tech.id))
        .filter(
            sea_orm::Condition::any()
                .add(deal::Column::ProviderId.eq(bg))
                .add(deal::Column::RecipientInstitutionId.eq(bg)),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let bg_people: Vec<Uuid> = person::Entity::find()
        .filter(person::Column::InstitutionId.eq(bg))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    technology_inventor::Entity::delete_many()
        .filter(technology_inventor::Column::TechnologyId.eq(tech.id))
        .filter(technology_inventor::Column::PersonId.is_in(bg_people))
        .exec(&app.db)
        .await
        .unwrap();
    assert!(!relation_exists(app, bg, tech.id).await);
    (tech, bg, "bg")
}

#[tokio::test]
async fn every_kind_of_write_keeps_them() {
    let app = TestApp::new().await;
    let (tech, bg, bg_slug) = confidential_and_stranger(&app).await;
    let sumhs = app.institution_id("sumhs").await;
    assert!(!sees(&app, bg_slug, tech.id).await);
    assert!(sees(&app, "sumhs", tech.id).await);

    // Through the API: one of bg's people named an inventor, then no longer.
    let bg_person = person::Entity::find()
        .filter(person::Column::InstitutionId.eq(bg))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a bg person");
    let sumhs_person = person::Entity::find()
        .filter(person::Column::InstitutionId.eq(sumhs))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a sumhs person");
    let set = "mutation($input: SetTechnologyInventorsInput!) { setTechnologyInventors(input: $input) { technology { id } } }";
    let member = app.user_token("member@sumhs.example").await;
    let inventors = |people: &[(Uuid, i32)]| {
        json!({ "input": { "technologyId": ids::encode("Technology", tech.id).0,
            "inventors": people.iter().map(|(p, bp)| json!({
                "personId": ids::encode("Person", *p).0, "shareBasisPoints": bp })).collect::<Vec<_>>() } })
    };
    app.gql(
        Some(&member),
        set,
        inventors(&[(sumhs_person.id, 6000), (bg_person.id, 4000)]),
    )
    .await
    .data();
    assert_kept(&app, "naming a bg inventor").await;
    assert!(sees(&app, bg_slug, tech.id).await);
    app.gql(Some(&member), set, inventors(&[(sumhs_person.id, 10000)]))
        .await
        .data();
    assert_kept(&app, "replacing the inventors").await;
    assert!(!sees(&app, bg_slug, tech.id).await);

    // Straight to the tables from here on.
    // An inventor moves to bg: the technologies they invented follow.
    let mover = technology_inventor::Entity::find()
        .filter(technology_inventor::Column::TechnologyId.eq(tech.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an inventor")
        .person_id;
    person::Entity::update_many()
        .col_expr(person::Column::InstitutionId, Expr::value(bg))
        .filter(person::Column::Id.eq(mover))
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "an inventor changing institution").await;
    assert!(sees(&app, bg_slug, tech.id).await);
    person::Entity::update_many()
        .col_expr(person::Column::InstitutionId, Expr::value(sumhs))
        .filter(person::Column::Id.eq(mover))
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "the inventor moving back").await;
    assert!(!sees(&app, bg_slug, tech.id).await);

    // A co-owner added to one of its IP assets, moved to another institution, removed.
    let asset = ip_asset::Entity::find()
        .filter(ip_asset::Column::TechnologyId.eq(tech.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an IP asset");
    let now = chrono::Utc::now();
    let share = ip_ownership::Model {
        id: Uuid::now_v7(),
        ip_asset_id: asset.id,
        institution_id: bg,
        share_bp: 1,
        created_at: now,
        updated_at: now,
        version: 1,
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();
    assert_kept(&app, "a co-owner added").await;
    assert!(sees(&app, bg_slug, tech.id).await);
    // Another institution with no relation to it either.
    let mut others = Vec::new();
    for i in entity::institution::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
    {
        if i.id != bg && !relation_exists(&app, i.id, tech.id).await {
            others.push(i.id);
        }
    }
    let other = *others.first().expect("a second stranger");
    let mut moved = share.clone().into_active_model();
    moved.institution_id = Set(other);
    moved.update(&app.db).await.unwrap();
    assert_kept(&app, "a share changing hands").await;
    assert!(!relation_exists(&app, bg, tech.id).await);
    assert!(relation_exists(&app, other, tech.id).await);
    ip_ownership::Entity::delete_by_id(share.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "a co-owner removed").await;

    // An IP asset co-owned by bg moved from another technology onto this one, and back.
    let elsewhere = ip_ownership::Entity::find()
        .filter(ip_ownership::Column::InstitutionId.eq(bg))
        .find_also_related(ip_asset::Entity)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(_, a)| a)
        .find(|a| a.technology_id != tech.id)
        .expect("an IP asset bg co-owns");
    let home = elsewhere.technology_id;
    ip_asset::Entity::update_many()
        .col_expr(ip_asset::Column::TechnologyId, Expr::value(tech.id))
        .filter(ip_asset::Column::Id.eq(elsewhere.id))
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "an IP asset moving to the technology").await;
    assert!(sees(&app, bg_slug, tech.id).await);
    ip_asset::Entity::update_many()
        .col_expr(ip_asset::Column::TechnologyId, Expr::value(home))
        .filter(ip_asset::Column::Id.eq(elsewhere.id))
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "the IP asset moving back").await;
    assert!(!sees(&app, bg_slug, tech.id).await);

    // A deal with bg as recipient, its recipient changed, the deal deleted.
    let model = deal::Entity::find()
        .filter(deal::Column::ProviderId.eq(sumhs))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a sumhs deal");
    let copy = deal::Model {
        id: Uuid::now_v7(),
        technology_id: tech.id,
        recipient_institution_id: Some(bg),
        recipient_organization_id: None,
        recipient_venture_id: None,
        ..model
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();
    assert_kept(&app, "a deal with bg").await;
    assert!(sees(&app, bg_slug, tech.id).await);
    deal::Entity::update_many()
        .col_expr(deal::Column::RecipientInstitutionId, Expr::value(other))
        .filter(deal::Column::Id.eq(copy.id))
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "the deal's recipient changed").await;
    assert!(!sees(&app, bg_slug, tech.id).await);
    deal::Entity::delete_by_id(copy.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "the deal deleted").await;

    // The technology handed to bg, and deleted with everything hanging off it.
    technology::Entity::update_many()
        .col_expr(technology::Column::OwnerId, Expr::value(bg))
        .filter(technology::Column::Id.eq(tech.id))
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "a change of owner").await;
    assert!(sees(&app, bg_slug, tech.id).await);
    // A new IP asset co-owned by the other, deleted with its shares.
    let extra = ip_asset::Model {
        id: Uuid::now_v7(),
        family_parent_id: None,
        ..asset.clone()
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();
    ip_ownership::Model {
        id: Uuid::now_v7(),
        ip_asset_id: extra.id,
        institution_id: other,
        share_bp: 10000,
        created_at: now,
        updated_at: now,
        version: 1,
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();
    assert_kept(&app, "a new IP asset and its owner").await;
    assert!(relation_exists(&app, other, tech.id).await);
    ip_asset::Entity::delete_by_id(extra.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "an IP asset deleted").await;
    assert!(!relation_exists(&app, other, tech.id).await);

    // A new technology with a bg inventor, deleted with its inventors.
    let fresh = technology::Model {
        id: Uuid::now_v7(),
        owner_id: sumhs,
        reference: "SUMHS-READERS-1".into(),
        ..tech.clone()
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();
    assert_kept(&app, "a technology created").await;
    technology_inventor::Model {
        id: Uuid::now_v7(),
        technology_id: fresh.id,
        person_id: bg_person.id,
        share_bp: 10000,
        created_at: now,
        updated_at: now,
        version: 1,
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();
    assert_kept(&app, "an inventor named").await;
    assert!(sees(&app, bg_slug, fresh.id).await);
    technology::Entity::delete_by_id(fresh.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "a technology deleted").await;
}

/// Two transactions writing relations of one technology at once: the one that commits second
/// works from what the first committed, so a relation the first removed does not come back.
#[tokio::test]
async fn concurrent_writers_of_one_technology_leave_them_right() {
    let app = TestApp::new().await;
    let (tech, bg, bg_slug) = confidential_and_stranger(&app).await;
    let asset = ip_asset::Entity::find()
        .filter(ip_asset::Column::TechnologyId.eq(tech.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an IP asset");
    let now = chrono::Utc::now();
    let share = ip_ownership::Model {
        id: Uuid::now_v7(),
        ip_asset_id: asset.id,
        institution_id: bg,
        share_bp: 1,
        created_at: now,
        updated_at: now,
        version: 1,
    }
    .into_active_model()
    .reset_all()
    .insert(&app.db)
    .await
    .unwrap();
    assert!(sees(&app, bg_slug, tech.id).await);

    // The first removes bg's share and holds its transaction open.
    let first = app.db.begin().await.unwrap();
    ip_ownership::Entity::delete_by_id(share.id)
        .exec(&first)
        .await
        .unwrap();
    // The second names another inventor meanwhile (waiting for the first where the database
    // makes it).
    let db = app.db.clone();
    let tech_id = tech.id;
    let sumhs = app.institution_id("sumhs").await;
    let someone = person::Entity::find()
        .filter(person::Column::InstitutionId.eq(sumhs))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect::<Vec<_>>();
    let named: Vec<Uuid> = technology_inventor::Entity::find()
        .filter(technology_inventor::Column::TechnologyId.eq(tech.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.person_id)
        .collect();
    let newcomer = *someone
        .iter()
        .find(|p| !named.contains(p))
        .expect("a sumhs person not yet an inventor");
    let second = tokio::spawn(async move {
        let tx = db.begin().await.unwrap();
        technology_inventor::Model {
            id: Uuid::now_v7(),
            technology_id: tech_id,
            person_id: newcomer,
            share_bp: 1,
            created_at: now,
            updated_at: now,
            version: 1,
        }
        .into_active_model()
        .reset_all()
        .insert(&tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await.unwrap();
    second.await.unwrap();
    assert_kept(&app, "two concurrent writers").await;
    assert!(!sees(&app, bg_slug, tech.id).await);
}
