//! The benchmark's data set, generated deterministically (a fixed seed, ids from a fixed clock)
//! on top of the demo data: per unit of `--scale`, 1,000 technologies, 1,200 people as their
//! 2,400 inventors, 1,400 IP assets with 1,900 ownership rows, and 600 deals — with the
//! visibilities, co-owners and deal parties that make the access policy do real work.
//!
//! `cargo run --release --example bench-data -- --database-url URL [--scale N]`
//! Migrates the database, seeds the demo data into an empty one, then adds the set once (a
//! database that already holds it is left alone).

use anyhow::{Context, bail};
use chrono::{DateTime, Days, NaiveDate, Utc};
use entity::enums::{
    ClinicalStage, DealKind, DealStage, IpKind, IpStatus, TechnologyField, TechnologyStage,
    Visibility,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use serde_json::json;
use uuid::Uuid;

/// Rows per INSERT: far below SQLite's and PostgreSQL's parameter limits.
const CHUNK: usize = 400;

/// Ids from a fixed clock, one millisecond apart, so that creation order and the data set are
/// the same on every run.
struct Ids {
    millis: u64,
    rng: StdRng,
}

impl Ids {
    fn next(&mut self) -> Uuid {
        self.millis += 1;
        let mut bytes = [0u8; 10];
        self.rng.fill(&mut bytes);
        uuid::Builder::from_unix_timestamp_millis(self.millis, &bytes).into_uuid()
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut url = None;
    let mut scale = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--database-url" => url = args.next(),
            "--scale" => scale = args.next().context("--scale N")?.parse()?,
            other => bail!("unknown argument {other}; usage: --database-url URL [--scale N]"),
        }
    }
    let url = url.context("--database-url URL is required")?;
    let db = biobridge::db::connect(&url).await?;
    biobridge::db::migrate_up(&db).await?;
    biobridge::seed::seed_demo_if_empty(&db).await?;
    let present = entity::technology::Entity::find()
        .filter(entity::technology::Column::Reference.starts_with("BENCH-"))
        .count(&db)
        .await?;
    if present > 0 {
        eprintln!("bench-data: the data set is already there ({present} technologies)");
        return Ok(());
    }
    generate(&db, scale).await?;
    // A bulk insert leaves the planners' statistics empty (PostgreSQL's autovacuum catches up
    // a minute later, SQLite never does): measure the plans a running database would have.
    // On PostgreSQL, VACUUM too: the `technology_readers` triggers rewrite a technology's rows
    // on every relation written, and the generator leaves 17,000 dead rows beside 3,300 live
    // ones — a table five times its size, scanned in 1.1 ms instead of 0.2. Autovacuum would
    // clear them on a running server; it may be off where the benchmark runs.
    let analyze = match sea_orm::ConnectionTrait::get_database_backend(&db) {
        sea_orm::DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    sea_orm::ConnectionTrait::execute_unprepared(&db, analyze).await?;
    eprintln!("bench-data: added {} technologies", 1000 * scale);
    Ok(())
}

async fn generate(db: &DatabaseConnection, scale: usize) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(20_261_127);
    let mut ids = Ids {
        // 2026-01-01T00:00:00Z
        millis: 1_767_225_600_000,
        rng: StdRng::seed_from_u64(7),
    };
    let now: DateTime<Utc> = "2026-06-01T00:00:00Z".parse()?;
    let today: NaiveDate = now.date_naive();
    let mut institutions: Vec<(Uuid, String)> = entity::institution::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|i| i.slug != "center")
        .map(|i| (i.id, i.slug))
        .collect();
    institutions.sort_by(|a, b| a.1.cmp(&b.1));
    if institutions.len() < 2 {
        bail!("the demo institutions are missing");
    }
    let pick = |rng: &mut StdRng| institutions[rng.random_range(0..institutions.len())].clone();
    let (mut person_rows, mut technology_rows, mut technology_inventor_rows) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut ip_asset_rows, mut ip_ownership_rows, mut deal_rows) =
        (Vec::new(), Vec::new(), Vec::new());

    let mut people = Vec::new();
    for i in 0..1200 * scale {
        let (inst, _) = pick(&mut rng);
        let id = ids.next();
        people.push(id);
        let full_name = format!("Bench Researcher {i}");
        person_rows.push(entity::person::ActiveModel {
            id: Set(id),
            institution_id: Set(inst),
            search_text: Set(entity::search::text([full_name.as_str(), "benchmarking"])),
            full_name: Set(full_name),
            email: Set(Some(format!("researcher{i}@bench.example"))),
            orcid: Set(None),
            title: Set(None),
            expertise: Set(json!(["benchmarking"])),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    insert_all(db, person_rows).await?;

    let fields = [
        TechnologyField::Therapeutics,
        TechnologyField::Diagnostics,
        TechnologyField::MedicalDevice,
        TechnologyField::DigitalHealth,
        TechnologyField::Biomaterials,
    ];
    let mut technologies = Vec::new();
    for i in 0..1000 * scale {
        let (owner, slug) = pick(&mut rng);
        let id = ids.next();
        // 3/8 public, 3/8 consortium, 2/8 confidential.
        let visibility = match i % 8 {
            0..=2 => Visibility::Public,
            3..=5 => Visibility::Consortium,
            _ => Visibility::Confidential,
        };
        technologies.push((id, owner));
        technology_rows.push(entity::technology::ActiveModel {
            id: Set(id),
            owner_id: Set(owner),
            reference: Set(format!("BENCH-{}-{i:05}", slug.to_uppercase())),
            title: Set(format!("Benchmark technology {i}")),
            summary: Set("A technology of the benchmark's data set.".into()),
            field: Set(fields[i % fields.len()]),
            trl: Set(rng.random_range(1..=9)),
            stage: Set(TechnologyStage::Marketing),
            visibility: Set(visibility),
            regulatory_class: Set(None),
            clinical_stage: Set(ClinicalStage::NotApplicable),
            keywords: Set(json!(["benchmark"])),
            search_text: Set(format!("benchmark technology {i}")),
            disclosed_on: Set(today - Days::new(rng.random_range(30..900))),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    insert_all(db, technology_rows).await?;

    // 2.4 inventors per technology: three on 40% of them, two on the rest.
    for (i, (tech, _)) in technologies.iter().enumerate() {
        let shares: &[i32] = if i % 5 < 2 {
            &[4000, 3000, 3000]
        } else {
            &[6000, 4000]
        };
        let start = rng.random_range(0..people.len());
        for (k, share) in shares.iter().enumerate() {
            technology_inventor_rows.push(entity::technology_inventor::ActiveModel {
                id: Set(ids.next()),
                technology_id: Set(*tech),
                person_id: Set(people[(start + k * 7) % people.len()]),
                share_bp: Set(*share),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    insert_all(db, technology_inventor_rows).await?;

    // 1.4 IP assets per technology; 5 in 14 co-owned by two institutions (1,900 owner rows).
    let statuses = [
        IpStatus::Drafting,
        IpStatus::Filed,
        IpStatus::Published,
        IpStatus::UnderExamination,
        IpStatus::Granted,
    ];
    let jurisdictions = ["CN", "EP", "US", "BA", "RS"];
    let mut assets = Vec::new();
    for (i, (tech, owner)) in technologies.iter().enumerate() {
        for _ in 0..if i % 5 < 2 { 2 } else { 1 } {
            let id = ids.next();
            let n = assets.len();
            assets.push((id, *owner));
            let status = statuses[n % statuses.len()];
            let filed = today - Days::new(rng.random_range(100..2000));
            let published = !matches!(status, IpStatus::Drafting | IpStatus::Filed);
            ip_asset_rows.push(entity::ip_asset::ActiveModel {
                id: Set(id),
                technology_id: Set(*tech),
                kind: Set(IpKind::InventionPatent),
                jurisdiction: Set(jurisdictions[n % jurisdictions.len()].into()),
                application_number: Set(Some(format!("BENCH/{n:06}"))),
                title: Set(None),
                priority_date: Set(Some(filed)),
                international_filing_date: Set(None),
                filing_date: Set((status != IpStatus::Drafting).then_some(filed)),
                publication_date: Set(published.then(|| filed + Days::new(540))),
                grant_date: Set((status == IpStatus::Granted).then(|| filed + Days::new(900))),
                status: Set(status),
                family_parent_id: Set(None),
                target_jurisdictions: Set(json!([])),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    insert_all(db, ip_asset_rows).await?;
    for (n, (asset, owner)) in assets.iter().enumerate() {
        let co_owner = (n % 14 < 5)
            .then(|| pick(&mut rng).0)
            .filter(|other| other != owner);
        let owners = match co_owner {
            Some(other) => vec![(*owner, 7000), (other, 3000)],
            None => vec![(*owner, 10_000)],
        };
        for (institution, share) in owners {
            ip_ownership_rows.push(entity::ip_ownership::ActiveModel {
                id: Set(ids.next()),
                ip_asset_id: Set(*asset),
                institution_id: Set(institution),
                share_bp: Set(share),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    insert_all(db, ip_ownership_rows).await?;

    // A deal on 60% of the technologies: to a partner institution, or (one in three) to an
    // external company.
    let stages = [
        DealStage::Lead,
        DealStage::Negotiation,
        DealStage::Signed,
        DealStage::Active,
    ];
    for (i, (tech, owner)) in technologies.iter().enumerate() {
        if i % 5 >= 3 {
            continue;
        }
        let external = i % 3 == 0;
        let recipient = pick(&mut rng).0;
        let stage = stages[i % stages.len()];
        deal_rows.push(entity::deal::ActiveModel {
            id: Set(ids.next()),
            technology_id: Set(*tech),
            kind: Set(DealKind::NonExclusiveLicense),
            provider_id: Set(*owner),
            recipient_institution_id: Set((!external).then_some(recipient)),
            recipient_external_name: Set(external.then(|| format!("Bench Pharma {i}"))),
            recipient_external_country: Set(external.then(|| "DE".to_owned())),
            stage: Set(stage),
            territory: Set(None),
            upfront_amount: Set(Some(100_000)),
            royalty_bp: Set(Some(300)),
            currency: Set("EUR".into()),
            signed_on: Set(matches!(stage, DealStage::Signed | DealStage::Active)
                .then(|| today - Days::new(60))),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            // Columns the benchmark does not exercise keep their defaults (NULL).
            ..Default::default()
        });
    }
    insert_all(db, deal_rows).await?;
    Ok(())
}

/// Inserts `rows`, in chunks.
async fn insert_all<A>(db: &DatabaseConnection, rows: Vec<A>) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send + 'static,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec(db)
            .await?;
    }
    Ok(())
}
