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

/// `assert_kept`, and whether `viewer` then sees technology `id` through the API.
async fn check(app: &TestApp, after: &str, viewer: &str, id: Uuid, sees_it: bool) {
    assert_kept(app, after).await;
    assert_eq!(
        sees(app, viewer, id).await,
        sees_it,
        "{viewer} after {after}"
    );
}

async fn people_of(app: &TestApp, inst: Uuid) -> Vec<Uuid> {
    person::Entity::find()
        .filter(person::Column::InstitutionId.eq(inst))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect()
}

async fn an_asset_of(app: &TestApp, tech: Uuid) -> ip_asset::Model {
    ip_asset::Entity::find()
        .filter(ip_asset::Column::TechnologyId.eq(tech))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an IP asset")
}

/// A share of `asset` for `inst`, inserted straight.
async fn add_share(
    db: &impl ConnectionTrait,
    asset: Uuid,
    inst: Uuid,
    share_bp: i32,
) -> ip_ownership::Model {
    let now = chrono::Utc::now();
    ip_ownership::Model {
        id: Uuid::now_v7(),
        ip_asset_id: asset,
        institution_id: inst,
        share_bp,
        created_at: now,
        updated_at: now,
        version: 1,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await
    .unwrap()
}

/// `person` named an inventor of `tech`, inserted straight.
async fn add_inventor(db: &impl ConnectionTrait, tech: Uuid, person: Uuid, share_bp: i32) {
    let now = chrono::Utc::now();
    technology_inventor::Model {
        id: Uuid::now_v7(),
        technology_id: tech,
        person_id: person,
        share_bp,
        created_at: now,
        updated_at: now,
        version: 1,
    }
    .into_active_model()
    .reset_all()
    .insert(db)
    .await
    .unwrap();
}

/// `UPDATE <E> SET <column> = value WHERE <key> = id`, straight.
async fn set<E: EntityTrait>(
    app: &TestApp,
    column: E::Column,
    value: Uuid,
    key: E::Column,
    id: Uuid,
) {
    E::update_many()
        .col_expr(column, Expr::value(value))
        .filter(key.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
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

/// A confidential technology of `sumhs`, and bg, with no relation to it (bg's removed).
async fn confidential_and_stranger(app: &TestApp) -> (technology::Model, Uuid) {
    let sumhs = app.institution_id("sumhs").await;
    let bg = app.institution_id("bg").await;
    let tech = technology::Entity::find()
        .filter(technology::Column::OwnerId.eq(sumhs))
        .filter(technology::Column::Visibility.eq(Visibility::Confidential))
        .order_by_asc(technology::Column::Reference)
        .one(&app.db)
        .await
        .unwrap()
        .expect("a confidential sumhs technology");
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
    technology_inventor::Entity::delete_many()
        .filter(technology_inventor::Column::TechnologyId.eq(tech.id))
        .filter(technology_inventor::Column::PersonId.is_in(people_of(app, bg).await))
        .exec(&app.db)
        .await
        .unwrap();
    assert!(!relation_exists(app, bg, tech.id).await);
    (tech, bg)
}

#[tokio::test]
async fn every_kind_of_write_keeps_them() {
    let app = TestApp::new().await;
    let (tech, bg) = confidential_and_stranger(&app).await;
    let sumhs = app.institution_id("sumhs").await;
    let t = tech.id;
    check(&app, "the set-up", "bg", t, false).await;
    assert!(sees(&app, "sumhs", t).await);

    // Through the API: one of bg's people named an inventor, then no longer.
    let bg_person = people_of(&app, bg).await[0];
    let sumhs_person = people_of(&app, sumhs).await[0];
    let set_inventors = "mutation($input: SetTechnologyInventorsInput!) { setTechnologyInventors(input: $input) { technology { id } } }";
    let member = app.user_token("member@sumhs.example").await;
    let inventors = |people: &[(Uuid, i32)]| {
        json!({ "input": { "technologyId": ids::encode("Technology", t).0,
            "inventors": people.iter().map(|(p, bp)| json!({
                "personId": ids::encode("Person", *p).0, "shareBasisPoints": bp })).collect::<Vec<_>>() } })
    };
    let both = inventors(&[(sumhs_person, 6000), (bg_person, 4000)]);
    app.gql(Some(&member), set_inventors, both).await.data();
    check(&app, "naming a bg inventor", "bg", t, true).await;
    let one = inventors(&[(sumhs_person, 10000)]);
    app.gql(Some(&member), set_inventors, one).await.data();
    check(&app, "replacing the inventors", "bg", t, false).await;

    // Straight to the tables from here on.
    // An inventor moves to bg: the technologies they invented follow.
    let (name, id) = (person::Column::InstitutionId, person::Column::Id);
    set::<person::Entity>(&app, name, bg, id, sumhs_person).await;
    check(&app, "an inventor changing institution", "bg", t, true).await;
    set::<person::Entity>(&app, name, sumhs, id, sumhs_person).await;
    check(&app, "the inventor moving back", "bg", t, false).await;

    // A co-owner added to one of its IP assets, the share moved to another institution
    // (with no relation to the technology either), removed.
    let asset = an_asset_of(&app, t).await;
    let share = add_share(&app.db, asset.id, bg, 1).await;
    check(&app, "a co-owner added", "bg", t, true).await;
    let mut others = Vec::new();
    for i in entity::institution::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
    {
        if i.id != bg && !relation_exists(&app, i.id, t).await {
            others.push(i.id);
        }
    }
    let other = *others.first().expect("a second stranger");
    let mut moved = share.clone().into_active_model();
    moved.institution_id = Set(other);
    moved.update(&app.db).await.unwrap();
    check(&app, "a share changing hands", "bg", t, false).await;
    assert!(relation_exists(&app, other, t).await);
    ip_ownership::Entity::delete_by_id(share.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "a co-owner removed").await;
    assert!(!relation_exists(&app, other, t).await);

    // An IP asset co-owned by bg moved from another technology onto this one, and back.
    let elsewhere = ip_ownership::Entity::find()
        .filter(ip_ownership::Column::InstitutionId.eq(bg))
        .find_also_related(ip_asset::Entity)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(_, a)| a)
        .find(|a| a.technology_id != t)
        .expect("an IP asset bg co-owns");
    let (on, id) = (ip_asset::Column::TechnologyId, ip_asset::Column::Id);
    set::<ip_asset::Entity>(&app, on, t, id, elsewhere.id).await;
    check(&app, "an IP asset moving to the technology", "bg", t, true).await;
    set::<ip_asset::Entity>(&app, on, elsewhere.technology_id, id, elsewhere.id).await;
    check(&app, "the IP asset moving back", "bg", t, false).await;

    // A deal with bg as recipient, its recipient changed, the deal deleted.
    let model = deal::Entity::find()
        .filter(deal::Column::ProviderId.eq(sumhs))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a sumhs deal");
    let copy = deal::Model {
        id: Uuid::now_v7(),
        technology_id: t,
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
    check(&app, "a deal with bg", "bg", t, true).await;
    let (to, id) = (deal::Column::RecipientInstitutionId, deal::Column::Id);
    set::<deal::Entity>(&app, to, other, id, copy.id).await;
    check(&app, "the deal's recipient changed", "bg", t, false).await;
    assert!(relation_exists(&app, other, t).await);
    deal::Entity::delete_by_id(copy.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "the deal deleted").await;
    assert!(!relation_exists(&app, other, t).await);

    // The technology handed to bg.
    let (owner, id) = (technology::Column::OwnerId, technology::Column::Id);
    set::<technology::Entity>(&app, owner, bg, id, t).await;
    check(&app, "a change of owner", "bg", t, true).await;

    // A new IP asset co-owned by the other institution, deleted with its shares.
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
    add_share(&app.db, extra.id, other, 10000).await;
    assert_kept(&app, "a new IP asset and its owner").await;
    assert!(relation_exists(&app, other, t).await);
    ip_asset::Entity::delete_by_id(extra.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "an IP asset deleted").await;
    assert!(!relation_exists(&app, other, t).await);

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
    check(&app, "a technology created", "bg", fresh.id, false).await;
    add_inventor(&app.db, fresh.id, bg_person, 10000).await;
    check(&app, "an inventor named", "bg", fresh.id, true).await;
    technology::Entity::delete_by_id(fresh.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_kept(&app, "a technology deleted").await;
}

/// Two transactions writing relations of one technology at once: the one that commits second
/// works from what the first committed, so a relation the first removed does not come back
/// (on PostgreSQL, without the refresh's lock on the technology, the second failed on a
/// duplicate key instead).
#[tokio::test]
async fn concurrent_writers_of_one_technology_leave_them_right() {
    let app = TestApp::new().await;
    let (tech, bg) = confidential_and_stranger(&app).await;
    let t = tech.id;
    let share = add_share(&app.db, an_asset_of(&app, t).await.id, bg, 1).await;
    check(&app, "a co-owner added", "bg", t, true).await;
    let sumhs = app.institution_id("sumhs").await;
    let named: Vec<Uuid> = technology_inventor::Entity::find()
        .filter(technology_inventor::Column::TechnologyId.eq(t))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.person_id)
        .collect();
    let newcomer = people_of(&app, sumhs)
        .await
        .into_iter()
        .find(|p| !named.contains(p))
        .expect("a sumhs person not yet an inventor");

    // The first removes bg's share and holds its transaction open.
    let first = app.db.begin().await.unwrap();
    ip_ownership::Entity::delete_by_id(share.id)
        .exec(&first)
        .await
        .unwrap();
    // The second names another inventor meanwhile (waiting for the first where the database
    // makes it).
    let db = app.db.clone();
    let second = tokio::spawn(async move {
        let tx = db.begin().await.unwrap();
        add_inventor(&tx, t, newcomer, 1).await;
        tx.commit().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await.unwrap();
    second.await.unwrap();
    check(&app, "two concurrent writers", "bg", t, false).await;
}
