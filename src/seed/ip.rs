//! Patent rights and applications, with their (co-)owners.

use chrono::NaiveDate;
use entity::enums::{IpKind, IpStatus};
use entity::{ip_asset, ip_ownership};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use super::{Ctx, date, tags};

pub(super) struct IpRow {
    pub technology: &'static str,
    pub kind: IpKind,
    pub jurisdiction: &'static str,
    pub application_number: Option<&'static str>,
    pub title: &'static str,
    pub priority_date: Option<NaiveDate>,
    pub filing_date: Option<NaiveDate>,
    pub publication_date: Option<NaiveDate>,
    pub grant_date: Option<NaiveDate>,
    pub status: IpStatus,
    pub target_jurisdictions: &'static [&'static str],
    /// (institution slug, share in basis points); the shares sum to 10000.
    pub owners: &'static [(&'static str, i32)],
    /// The application number of the family's first filing, loaded before this one.
    pub family_parent: Option<&'static str>,
}

use IpKind::{InventionPatent, PctApplication, SoftwareCopyright, UtilityModel};
use IpStatus::{Drafting, Filed, Granted, Published, UnderExamination};

pub(super) const IP_ASSETS: &[IpRow] = &[
    IpRow {
        technology: "SUMHS-2025-001",
        kind: InventionPatent,
        jurisdiction: "CN",
        application_number: Some("CN202510213458.6"),
        title: "Microfluidic multiplex immunoassay cartridge for sepsis biomarkers and its \
            reading method",
        priority_date: Some(date(2025, 2, 18)),
        filing_date: Some(date(2025, 2, 18)),
        // Early publication requested.
        publication_date: Some(date(2025, 5, 30)),
        grant_date: None,
        status: UnderExamination,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("sumhs", 10_000)],
    },
    IpRow {
        technology: "SUMHS-2025-002",
        kind: UtilityModel,
        jurisdiction: "CN",
        application_number: Some("CN202520745812.3"),
        title: "Layered antibacterial hydrogel wound dressing",
        priority_date: Some(date(2025, 4, 8)),
        filing_date: Some(date(2025, 4, 8)),
        publication_date: Some(date(2025, 10, 24)),
        grant_date: Some(date(2025, 10, 24)),
        status: Granted,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("sumhs", 10_000)],
    },
    // The jointly developed microneedle patch: a PCT application co-owned 70/30 with the
    // University of Banja Luka…
    IpRow {
        technology: "SUMHS-2025-003",
        kind: PctApplication,
        jurisdiction: "WO",
        application_number: Some("PCT/CN2026/012345"),
        title: "Dissolving microneedle patch loaded with tanshinone IIA nanocrystals and its use \
            against hypertrophic scars",
        priority_date: Some(date(2025, 3, 15)),
        filing_date: Some(date(2026, 3, 13)),
        publication_date: Some(date(2026, 9, 17)),
        grant_date: None,
        status: Published,
        target_jurisdictions: &["CN", "EP", "US"],
        family_parent: None,
        owners: &[("sumhs", 7_000), ("unibl", 3_000)],
    },
    // …and a CN utility model for the applicator, SUMHS's alone, still being drafted.
    IpRow {
        technology: "SUMHS-2025-003",
        kind: UtilityModel,
        jurisdiction: "CN",
        application_number: None,
        title: "Spring-loaded applicator for dissolving microneedle patches",
        priority_date: None,
        filing_date: None,
        publication_date: None,
        grant_date: None,
        status: Drafting,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("sumhs", 10_000)],
    },
    IpRow {
        technology: "UNIBL-2025-001",
        kind: InventionPatent,
        jurisdiction: "BA",
        application_number: None,
        title: "Method and device for impedance-based antimicrobial susceptibility testing",
        priority_date: None,
        filing_date: None,
        publication_date: None,
        grant_date: None,
        status: Drafting,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("unibl", 10_000)],
    },
    IpRow {
        technology: "UNIBL-2025-002",
        kind: InventionPatent,
        jurisdiction: "BA",
        application_number: Some("BAP252187"),
        title: "Standardised Helichrysum italicum extract, its preparation and topical use",
        priority_date: Some(date(2025, 12, 22)),
        filing_date: Some(date(2025, 12, 22)),
        publication_date: None,
        grant_date: None,
        status: Filed,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("unibl", 10_000)],
    },
    IpRow {
        technology: "FUDAN-2025-001",
        kind: InventionPatent,
        jurisdiction: "CN",
        application_number: Some("CN202510678123.X"),
        title: "Astragaloside IV derivatives and their use in treating pulmonary fibrosis",
        priority_date: Some(date(2025, 6, 5)),
        filing_date: Some(date(2025, 6, 5)),
        publication_date: Some(date(2025, 9, 30)),
        grant_date: None,
        status: Published,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("fudan", 10_000)],
    },
    IpRow {
        technology: "FUDAN-2025-002",
        kind: SoftwareCopyright,
        jurisdiction: "CN",
        application_number: Some("2025SR0456789"),
        title: "Single-lead ECG arrhythmia screening software V1.0",
        priority_date: None,
        filing_date: Some(date(2025, 2, 20)),
        publication_date: None,
        grant_date: Some(date(2025, 3, 28)),
        status: Granted,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("fudan", 10_000)],
    },
    IpRow {
        technology: "ZJU-2025-001",
        kind: InventionPatent,
        jurisdiction: "CN",
        application_number: Some("CN202510034567.1"),
        title: "Gradient-porosity composite bone scaffold and its 3D printing method",
        priority_date: Some(date(2025, 1, 10)),
        filing_date: Some(date(2025, 1, 10)),
        publication_date: Some(date(2025, 3, 18)),
        // Prioritised examination.
        grant_date: Some(date(2026, 1, 23)),
        status: Granted,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("zju", 10_000)],
    },
    IpRow {
        technology: "UNIZG-2025-001",
        kind: InventionPatent,
        jurisdiction: "EP",
        application_number: Some("EP25218765.4"),
        title: "Competitive aptamer-based lateral flow assay for cortisol",
        priority_date: Some(date(2025, 12, 10)),
        filing_date: Some(date(2025, 12, 10)),
        publication_date: None,
        grant_date: None,
        status: Filed,
        target_jurisdictions: &[],
        family_parent: None,
        owners: &[("unizg", 10_000)],
    },
];

pub(super) async fn load(ctx: &Ctx<'_>, rows: &[IpRow]) -> anyhow::Result<()> {
    let now = ctx.now;
    let (mut assets, mut ownerships) = (Vec::new(), Vec::new());
    let mut by_number = std::collections::HashMap::new();
    for a in rows {
        let id = Uuid::now_v7();
        if let Some(number) = a.application_number {
            by_number.insert(number, id);
        }
        let family_parent_id = match a.family_parent {
            Some(number) => Some(*by_number.get(number).ok_or_else(|| {
                anyhow::anyhow!("family parent {number} must come before its family")
            })?),
            None => None,
        };
        assets.push(ip_asset::ActiveModel {
            id: Set(id),
            technology_id: Set(ctx.technology(a.technology)?),
            kind: Set(a.kind),
            jurisdiction: Set(a.jurisdiction.to_owned()),
            application_number: Set(a.application_number.map(str::to_owned)),
            title: Set(Some(a.title.to_owned())),
            priority_date: Set(a.priority_date),
            international_filing_date: Set(None),
            filing_date: Set(a.filing_date),
            publication_date: Set(a.publication_date),
            grant_date: Set(a.grant_date),
            status: Set(a.status),
            family_parent_id: Set(family_parent_id),
            target_jurisdictions: Set(tags(a.target_jurisdictions)),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        let total: i32 = a.owners.iter().map(|&(_, bp)| bp).sum();
        anyhow::ensure!(total == 10_000, "ownership of {} sums to {total}", a.title);
        for &(slug, share_bp) in a.owners {
            ownerships.push(ip_ownership::ActiveModel {
                id: Set(Uuid::now_v7()),
                ip_asset_id: Set(id),
                institution_id: Set(ctx.institution(slug)?),
                share_bp: Set(share_bp),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }
    }
    ip_asset::Entity::insert_many(assets)
        .exec_without_returning(ctx.txn)
        .await?;
    ip_ownership::Entity::insert_many(ownerships)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}

/// The docket's demo, relative to the day of seeding so that it stays true: bg's EP
/// application whose 3rd-year renewal fee fell due about two months ago and is in its 6-month
/// grace period (EPC Rule 51(2)) today, and sumhs's CN utility model whose 2nd-year annual fee
/// was paid (marked done with the official fee).
pub(super) async fn load_docket(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    use crate::service::deadlines::{self, DeadlineKind};
    use chrono::Months;
    use entity::{deadline_record, enums::DeadlineResolution};
    use sea_orm::{ColumnTrait, QueryFilter};

    let now = ctx.now;
    let today = now.date_naive();
    // The 3rd-year fee falls due at the end of the month of the 2nd anniversary: filed 26
    // months ago, it fell due at the end of the month before last.
    let filed = today
        .checked_sub_months(Months::new(26))
        .ok_or_else(|| anyhow::anyhow!("no date 26 months before {today}"))?;
    let ep = Uuid::now_v7();
    ip_asset::Entity::insert(ip_asset::ActiveModel {
        id: Set(ep),
        technology_id: Set(ctx.technology("BG-2025-001")?),
        kind: Set(InventionPatent),
        jurisdiction: Set("EP".to_owned()),
        application_number: Set(Some("EP24190733.1".to_owned())),
        title: Set(Some(
            "Thermosensitive poloxamer gel with nanostructured lipid carriers for topical \
             delivery of plant extracts"
                .to_owned(),
        )),
        priority_date: Set(Some(filed)),
        international_filing_date: Set(None),
        filing_date: Set(Some(filed)),
        publication_date: Set(filed.checked_add_months(Months::new(18))),
        grant_date: Set(None),
        status: Set(UnderExamination),
        family_parent_id: Set(None),
        target_jurisdictions: Set(tags(&[])),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec_without_returning(ctx.txn)
    .await?;
    ip_ownership::Entity::insert(ip_ownership::ActiveModel {
        id: Set(Uuid::now_v7()),
        ip_asset_id: Set(ep),
        institution_id: Set(ctx.institution("bg")?),
        share_bp: Set(10_000),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec_without_returning(ctx.txn)
    .await?;

    // sumhs paid the 2nd-year annual fee of its granted utility model (CNY 600, the official
    // fee for years 1–3) before it fell due.
    let model = ip_asset::Entity::find()
        .filter(ip_asset::Column::ApplicationNumber.eq("CN202520745812.3"))
        .one(ctx.txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo's CN utility model"))?;
    let fee = deadlines::for_asset(&deadlines::AssetFacts::from(&model))
        .into_iter()
        .find(|d| d.kind == DeadlineKind::Annuity && d.fee_year == Some(2))
        .ok_or_else(|| anyhow::anyhow!("the utility model's 2nd-year annual fee"))?;
    deadline_record::Entity::insert(deadline_record::ActiveModel {
        id: Set(Uuid::now_v7()),
        ip_asset_id: Set(model.id),
        act: Set(fee.act()),
        resolution: Set(DeadlineResolution::Done),
        acted_on: Set(fee.due_on - chrono::Duration::days(19)),
        due_on: Set(fee.due_on),
        lapses_on: Set(None),
        fee_amount: Set(Some(60_000)),
        fee_currency: Set(Some("CNY".to_owned())),
        note: Set(Some("CNIPA fee receipt 2026-0320-4471".to_owned())),
        recorded_by: Set(Some(ctx.user("manager@sumhs.example")?)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    })
    .exec_without_returning(ctx.txn)
    .await?;
    Ok(())
}

/// CNIPA's security reviews of the demo's inventions made in China that were filed abroad
/// (Patent Law art. 19): (technology, reviewed on, CNIPA reference). Every foreign filing of a
/// technology made in China needs one; `tests/api/security_review.rs` checks none is missing.
pub(super) const SECURITY_REVIEWS: &[(&str, NaiveDate, &str)] = &[
    // The microneedle patch: reviewed before the PCT application of 2026-03-13.
    ("SUMHS-2025-003", date(2026, 2, 24), "BM2026-0310457"),
    // Fudan's nanoparticles: reviewed before the PCT application of 2024-05-08.
    ("FUDAN-2023-001", date(2024, 4, 17), "BM2024-0179312"),
];

pub(super) async fn load_security_reviews(
    ctx: &Ctx<'_>,
    rows: &[(&'static str, NaiveDate, &'static str)],
) -> anyhow::Result<()> {
    for &(technology, reviewed_on, reference) in rows {
        entity::security_review::ActiveModel {
            id: Set(Uuid::now_v7()),
            technology_id: Set(ctx.technology(technology)?),
            reviewed_on: Set(reviewed_on),
            reference: Set(Some(reference.to_owned())),
            recorded_by: Set(None),
            created_at: Set(ctx.now),
            updated_at: Set(ctx.now),
            version: Set(1),
        }
        .insert(ctx.txn)
        .await?;
    }
    Ok(())
}
