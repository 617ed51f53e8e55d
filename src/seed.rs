//! Demo data (dev only).
//!
//! [`seed_demo_if_empty`] loads a small but realistic consortium into an empty database, in one
//! transaction: the innovation center and seven member or applicant universities of the Yangtze
//! River Delta and the Balkan Peninsula, their users (password [`DEMO_PASSWORD`]), researchers,
//! technologies with translations, inventors and patent rights, licence deals with their history,
//! royalty reports and income, an incubated venture, training programs and cooperation
//! agreements. The submodules hold the data, one area each.
//!
//! Fixtures that tests and clients rely on: the institution slugs, the users of [`DEMO_LOGINS`],
//! and the technologies `SUMHS-2025-001` (PUBLIC, licensed exclusively to `unibl`),
//! `SUMHS-2025-002` (CONSORTIUM), `SUMHS-2025-003` (CONFIDENTIAL, PCT application co-owned
//! 70/30 by `sumhs` and `unibl`), `UNIBL-2025-001` (CONFIDENTIAL, `unibl` alone) and
//! `UNIBL-2025-002` (PUBLIC).

mod agreements;
mod deals;
mod history;
mod institutions;
mod ip;
mod technologies;
mod training;
mod ventures;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, TransactionTrait,
};
use uuid::Uuid;

pub const DEMO_PASSWORD: &str = "biobridge-demo";

pub const DEMO_LOGINS: &[(&str, &str)] = &[
    ("admin@center.example", "CENTER_ADMIN"),
    ("analyst@center.example", "ANALYST"),
    ("manager@sumhs.example", "INSTITUTION_ADMIN"),
    ("member@sumhs.example", "MEMBER"),
    ("manager@unibl.example", "INSTITUTION_ADMIN"),
    ("member@unibl.example", "MEMBER"),
    ("member@bg.example", "MEMBER"),
];

/// Loads the demo data when the database holds no institution; says whether it did.
///
/// Everything is written in one transaction: an error leaves the database as it was.
pub async fn seed_demo_if_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    if entity::institution::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    // Argon2id is slow on purpose: hash once, outside the transaction, for every demo user.
    let password_hash = crate::auth::password::hash(DEMO_PASSWORD)?;

    let txn = db.begin().await?;
    // Checked again inside the transaction, in case another process seeded meanwhile.
    if entity::institution::Entity::find().count(&txn).await? > 0 {
        txn.rollback().await?;
        return Ok(false);
    }
    let mut ctx = Ctx::new(&txn);
    institutions::load(&mut ctx, &password_hash).await?;
    technologies::load(&mut ctx, technologies::TECHNOLOGIES).await?;
    ip::load(&ctx, ip::IP_ASSETS).await?;
    ip::load_docket(&ctx).await?;
    deals::load(&ctx, deals::DEALS).await?;
    ventures::load(&ctx).await?;
    training::load(&ctx, training::PROGRAMS).await?;
    agreements::load(&ctx).await?;
    history::load(&mut ctx).await?;
    ip::load_security_reviews(&ctx, ip::SECURITY_REVIEWS).await?;
    // The rows were loaded in bulk; their search text is made the way every write makes it.
    let searchable = async || -> crate::error::AppResult<()> {
        use crate::service::search::refresh_all;
        refresh_all::<entity::person::Entity>(&txn).await?;
        refresh_all::<entity::training_program::Entity>(&txn).await?;
        refresh_all::<entity::venture::Entity>(&txn).await?;
        refresh_all::<entity::agreement::Entity>(&txn).await
    };
    searchable()
        .await
        .map_err(|e| anyhow::anyhow!("search text: {}", e.message()))?;
    txn.commit().await?;
    Ok(true)
}

/// The transaction being seeded, one timestamp for every row, and the ids created so far by
/// their natural keys (slug, e-mail, person key, technology reference).
struct Ctx<'a> {
    txn: &'a DatabaseTransaction,
    now: DateTime<Utc>,
    institutions: HashMap<&'static str, Uuid>,
    users: HashMap<&'static str, Uuid>,
    people: HashMap<&'static str, Uuid>,
    technologies: HashMap<&'static str, Uuid>,
}

impl<'a> Ctx<'a> {
    fn new(txn: &'a DatabaseTransaction) -> Self {
        Ctx {
            txn,
            now: Utc::now(),
            institutions: HashMap::new(),
            users: HashMap::new(),
            people: HashMap::new(),
            technologies: HashMap::new(),
        }
    }

    fn institution(&self, slug: &str) -> anyhow::Result<Uuid> {
        lookup(&self.institutions, "institution", slug)
    }

    fn user(&self, email: &str) -> anyhow::Result<Uuid> {
        lookup(&self.users, "user", email)
    }

    fn person(&self, key: &str) -> anyhow::Result<Uuid> {
        lookup(&self.people, "person", key)
    }

    fn technology(&self, reference: &str) -> anyhow::Result<Uuid> {
        lookup(&self.technologies, "technology", reference)
    }
}

fn lookup(ids: &HashMap<&'static str, Uuid>, what: &str, key: &str) -> anyhow::Result<Uuid> {
    ids.get(key)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("demo data refers to an unknown {what} `{key}`"))
}

/// A calendar date in the static data (an impossible one fails the build).
const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("invalid demo date"),
    }
}

/// An instant on `day` at `hour`:00 UTC.
const fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    match NaiveTime::from_hms_opt(hour, 0, 0) {
        Some(t) => NaiveDateTime::new(day, t).and_utc(),
        None => panic!("invalid demo hour"),
    }
}

/// A JSON array of strings (keywords, expertise tags, jurisdictions).
fn tags(items: &[&str]) -> serde_json::Value {
    serde_json::Value::from(items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashMap};

    use entity::enums::{DealKind, DealStage, IpKind, IpStatus, Visibility};
    use entity::*;
    use sea_orm::{
        ActiveEnum, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    };
    use uuid::Uuid;

    use super::{DEMO_LOGINS, DEMO_PASSWORD, seed_demo_if_empty};

    /// The number of rows of every table.
    async fn row_counts(db: &DatabaseConnection) -> Vec<u64> {
        macro_rules! counts {
            ($($entity:ty),* $(,)?) => {
                vec![$(<$entity as EntityTrait>::find().count(db).await.unwrap()),*]
            };
        }
        counts!(
            institution::Entity,
            user::Entity,
            api_token::Entity,
            person::Entity,
            technology::Entity,
            technology_translation::Entity,
            technology_inventor::Entity,
            ip_asset::Entity,
            ip_ownership::Entity,
            deal::Entity,
            deal_event::Entity,
            royalty_report::Entity,
            income::Entity,
            venture::Entity,
            venture_founder::Entity,
            venture_milestone::Entity,
            training_program::Entity,
            enrollment::Entity,
            agreement::Entity,
            agreement_party::Entity,
            audit_event::Entity,
        )
    }

    /// ISO 7064 MOD 11-2, the ORCID check digit.
    fn orcid_is_valid(orcid: &str) -> bool {
        let chars: Vec<char> = orcid.chars().filter(|c| *c != '-').collect();
        if orcid.len() != 19 || chars.len() != 16 || !orcid.starts_with("0000-000") {
            return false;
        }
        let mut total = 0;
        for c in &chars[..15] {
            let Some(d) = c.to_digit(10) else {
                return false;
            };
            total = (total + d) * 2;
        }
        let check = (12 - total % 11) % 11;
        chars[15]
            == if check == 10 {
                'X'
            } else {
                char::from_digit(check, 10).unwrap()
            }
    }

    async fn seeds_once_and_consistently(db: DatabaseConnection) {
        crate::db::migrate_up(&db).await.unwrap();
        assert!(
            seed_demo_if_empty(&db).await.unwrap(),
            "an empty database is seeded"
        );

        let institutions = institution::Entity::find().all(&db).await.unwrap();
        let slug_of: HashMap<Uuid, &str> = institutions
            .iter()
            .map(|i| (i.id, i.slug.as_str()))
            .collect();
        let slugs: BTreeSet<&str> = slug_of.values().copied().collect();
        assert_eq!(
            slugs.into_iter().collect::<Vec<_>>(),
            [
                "bg", "center", "fudan", "sumhs", "unibl", "unizg", "unsa", "zju"
            ]
        );

        // The universities carry well-formed demo ROR ids, each its own.
        let rors: BTreeSet<&str> = institutions
            .iter()
            .filter_map(|i| i.ror_id.as_deref())
            .collect();
        assert_eq!(rors.len(), institutions.len() - 1, "all but the center");
        for ror in rors {
            assert_eq!(crate::service::ror::check("rorId", ror).unwrap(), ror);
        }
        // Every searchable row was given its search text.
        for p in person::Entity::find().all(&db).await.unwrap() {
            use entity::search::Searchable;
            assert!(!p.search_text.is_empty());
            assert_eq!(p.search_text, p.search_text(), "{}", p.full_name);
        }

        let users = user::Entity::find().all(&db).await.unwrap();
        assert_eq!(users.len(), DEMO_LOGINS.len());
        for (email, role) in DEMO_LOGINS {
            let u = users
                .iter()
                .find(|u| u.email == *email)
                .unwrap_or_else(|| panic!("{email}"));
            assert_eq!(u.role.to_value(), *role, "{email}");
            let domain = email.split('@').nth(1).unwrap();
            assert_eq!(
                format!("{}.example", slug_of[&u.institution_id.unwrap()]),
                domain,
                "{email}"
            );
        }
        assert!(crate::auth::password::verify(
            DEMO_PASSWORD,
            &users[0].password_hash
        ));

        // Shares: inventors of every technology, owners of every IP asset.
        let technologies = technology::Entity::find().all(&db).await.unwrap();
        let mut inventor_shares: HashMap<Uuid, i32> = HashMap::new();
        for i in technology_inventor::Entity::find().all(&db).await.unwrap() {
            *inventor_shares.entry(i.technology_id).or_default() += i.share_bp;
        }
        for t in &technologies {
            assert_eq!(
                inventor_shares.get(&t.id),
                Some(&10_000),
                "inventors of {}",
                t.reference
            );
        }
        let assets = ip_asset::Entity::find().all(&db).await.unwrap();
        let ownerships = ip_ownership::Entity::find().all(&db).await.unwrap();
        for a in &assets {
            let total: i32 = ownerships
                .iter()
                .filter(|o| o.ip_asset_id == a.id)
                .map(|o| o.share_bp)
                .sum();
            assert_eq!(total, 10_000, "owners of {:?}", a.title);
        }

        // The fixtures: owner, visibility, and every institution with a stake in them (owner,
        // IP co-owners, deal parties), which decides who sees a confidential one.
        let deals = deal::Entity::find().all(&db).await.unwrap();
        let by_ref: HashMap<&str, &technology::Model> = technologies
            .iter()
            .map(|t| (t.reference.as_str(), t))
            .collect();
        let fixtures = [
            (
                "SUMHS-2025-001",
                "sumhs",
                Visibility::Public,
                &["sumhs", "unibl"][..],
            ),
            (
                "SUMHS-2025-002",
                "sumhs",
                Visibility::Consortium,
                &["sumhs"][..],
            ),
            (
                "SUMHS-2025-003",
                "sumhs",
                Visibility::Confidential,
                &["sumhs", "unibl"][..],
            ),
            (
                "UNIBL-2025-001",
                "unibl",
                Visibility::Confidential,
                &["unibl"][..],
            ),
            (
                "UNIBL-2025-002",
                "unibl",
                Visibility::Public,
                &["unibl"][..],
            ),
        ];
        for (reference, owner, visibility, stakeholders) in fixtures {
            let t = by_ref
                .get(reference)
                .unwrap_or_else(|| panic!("{reference}"));
            assert_eq!(slug_of[&t.owner_id], owner, "{reference}");
            assert_eq!(t.visibility, visibility, "{reference}");
            let mut stake = BTreeSet::from([slug_of[&t.owner_id]]);
            for a in assets.iter().filter(|a| a.technology_id == t.id) {
                for o in ownerships.iter().filter(|o| o.ip_asset_id == a.id) {
                    stake.insert(slug_of[&o.institution_id]);
                }
            }
            for d in deals.iter().filter(|d| d.technology_id == t.id) {
                stake.insert(slug_of[&d.provider_id]);
                if let Some(r) = d.recipient_institution_id {
                    stake.insert(slug_of[&r]);
                }
            }
            assert_eq!(
                stake.into_iter().collect::<Vec<_>>(),
                stakeholders,
                "{reference}"
            );
        }
        assert!(
            !deals
                .iter()
                .any(|d| d.technology_id == by_ref["UNIBL-2025-001"].id)
        );

        // SUMHS-2025-003: the PCT application co-owned 70/30 and the utility model in drafting.
        let sumhs_003 = by_ref["SUMHS-2025-003"].id;
        let shares_of = |asset: &ip_asset::Model| -> BTreeMap<&str, i32> {
            ownerships
                .iter()
                .filter(|o| o.ip_asset_id == asset.id)
                .map(|o| (slug_of[&o.institution_id], o.share_bp))
                .collect()
        };
        let pct = assets
            .iter()
            .find(|a| a.technology_id == sumhs_003 && a.kind == IpKind::PctApplication)
            .unwrap();
        assert_eq!(
            (pct.jurisdiction.as_str(), pct.status),
            ("WO", IpStatus::Published)
        );
        assert_eq!(pct.priority_date, Some(super::date(2025, 3, 15)));
        assert_eq!(
            pct.target_jurisdictions,
            serde_json::json!(["CN", "EP", "US"])
        );
        assert_eq!(
            shares_of(pct),
            BTreeMap::from([("sumhs", 7000), ("unibl", 3000)])
        );
        let um = assets
            .iter()
            .find(|a| a.technology_id == sumhs_003 && a.kind == IpKind::UtilityModel)
            .unwrap();
        assert_eq!(
            (um.jurisdiction.as_str(), um.status),
            ("CN", IpStatus::Drafting)
        );
        assert_eq!(shares_of(um), BTreeMap::from([("sumhs", 10_000)]));

        // The flagship licence and its history.
        let licence = deals
            .iter()
            .find(|d| d.technology_id == by_ref["SUMHS-2025-001"].id)
            .unwrap();
        assert_eq!(
            (licence.kind, licence.stage),
            (DealKind::ExclusiveLicense, DealStage::Active)
        );
        assert_eq!(
            licence.recipient_institution_id.map(|r| slug_of[&r]),
            Some("unibl")
        );
        assert_eq!(
            (licence.currency.as_str(), licence.upfront_amount),
            ("EUR", Some(1_500_000))
        );
        let history: Vec<_> = deal_event::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.deal_id == licence.id)
            .map(|e| (e.from_stage, e.to_stage))
            .collect();
        assert_eq!(history.len(), 5);
        assert_eq!(history[0], (None, DealStage::Lead));
        assert_eq!(history[4], (Some(DealStage::Signed), DealStage::Active));

        // SUMHS-2025-001 is found by its Chinese title.
        let zh = technology_translation::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .find(|tr| tr.technology_id == by_ref["SUMHS-2025-001"].id && tr.lang == "zh")
            .expect("a zh translation of SUMHS-2025-001");
        assert!(by_ref["SUMHS-2025-001"].search_text.contains(&zh.title));

        // People: enough of them, at unibl too, with valid and unique ORCIDs.
        let people = person::Entity::find().all(&db).await.unwrap();
        assert!(people.len() >= 12);
        assert!(
            people
                .iter()
                .filter(|p| slug_of[&p.institution_id] == "unibl")
                .count()
                >= 5
        );
        let orcids: Vec<&str> = people.iter().filter_map(|p| p.orcid.as_deref()).collect();
        assert!(orcids.iter().all(|o| orcid_is_valid(o)), "{orcids:?}");
        assert_eq!(orcids.iter().collect::<BTreeSet<_>>().len(), orcids.len());

        // A second run changes nothing.
        let before = row_counts(&db).await;
        assert!(
            !seed_demo_if_empty(&db).await.unwrap(),
            "a seeded database is left alone"
        );
        assert_eq!(row_counts(&db).await, before);
    }

    /// Removes the SQLite files when the test ends, passed or not.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.0.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// `url` with its database name replaced by `name`.
    fn with_database(url: &str, name: &str) -> String {
        let (base, query) = url
            .split_once('?')
            .map_or((url, None), |(b, q)| (b, Some(q)));
        let authority = base.find("://").map_or(0, |i| i + 3);
        let base = base[authority..]
            .find('/')
            .map_or(base, |slash| &base[..authority + slash]);
        match query {
            Some(query) => format!("{base}/{name}?{query}"),
            None => format!("{base}/{name}"),
        }
    }

    #[tokio::test]
    async fn seeds_an_empty_database_once_with_consistent_fixtures() {
        let file =
            TempDb(std::env::temp_dir().join(format!("biobridge-seed-{}.db", Uuid::now_v7())));
        let db = crate::db::connect(&format!("sqlite://{}?mode=rwc", file.0.display()))
            .await
            .unwrap();
        seeds_once_and_consistently(db.clone()).await;
        db.close().await.unwrap();

        let Some(admin_url) = std::env::var("TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            return;
        };
        let admin = Database::connect(&admin_url).await.unwrap();
        let name = format!("bb_seed_{}", Uuid::now_v7().simple());
        admin
            .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
            .await
            .unwrap();
        let db = crate::db::connect(&with_database(&admin_url, &name))
            .await
            .unwrap();
        // In a task, so that the database is dropped even when an assertion fails.
        let outcome = tokio::spawn(seeds_once_and_consistently(db.clone())).await;
        db.close().await.ok();
        admin
            .execute_unprepared(&format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#))
            .await
            .unwrap();
        if let Err(err) = outcome {
            std::panic::resume_unwind(err.into_panic());
        }
    }
}
