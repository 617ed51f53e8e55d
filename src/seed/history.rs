//! Earlier years and this year's activity, so the statistics have a history worth reading:
//! disclosures from 2023 on, a patent family (a CN first filing and its PCT application),
//! grants, licences with contract values and income in EUR, CNY and BAM, an equity
//! contribution (作价投资), ventures formed, graduated and discontinued, and completed
//! trainings across the two regions (internal programs, CONFIDENTIAL to their hosts).

use entity::enums::{
    ClinicalStage, DealKind, DealStage, EnrollmentStatus, IncomeKind, IpKind, IpStatus,
    ProgramKind, TechnologyField as F, TechnologyStage as S, VentureStage, Visibility,
};
use entity::{venture, venture_founder};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    EntityTrait,
};
use uuid::Uuid;

use super::{
    Ctx, date,
    deals::{DealRow, Recipient},
    ip::IpRow,
    technologies::TechRow,
    training::ProgramRow,
};

const fn tech(
    reference: &'static str,
    owner: &'static str,
    title: &'static str,
    summary: &'static str,
    field: F,
    visibility: Visibility,
    disclosed_on: chrono::NaiveDate,
    inventors: &'static [(&'static str, i32)],
) -> TechRow {
    TechRow {
        reference,
        owner,
        title,
        summary,
        field,
        trl: 4,
        stage: S::Marketing,
        visibility,
        regulatory_class: None,
        clinical_stage: ClinicalStage::NotApplicable,
        keywords: &[],
        disclosed_on,
        translations: &[],
        inventors,
    }
}

pub(super) const TECHNOLOGIES: &[TechRow] = &[
    tech(
        "FUDAN-2023-001",
        "fudan",
        "Inhaled astragaloside nanoparticles for idiopathic pulmonary fibrosis",
        "Dry-powder inhaler formulation of astragaloside IV nanoparticles that reached the \
         distal lung in rats and halved collagen deposition after bleomycin injury.",
        F::Therapeutics,
        Visibility::Consortium,
        date(2023, 4, 12),
        &[("xu.jianguo", 10_000)],
    ),
    tech(
        "ZJU-2024-001",
        "zju",
        "Patient-specific 3D-printed titanium cage for cervical spine fusion",
        "Lattice titanium cage printed from CT data in 48 hours, with a porosity gradient that \
         matches vertebral bone; co-developed with the University of Zagreb's orthopaedic clinic.",
        F::MedicalDevice,
        Visibility::Public,
        date(2024, 3, 5),
        &[("lin.feng", 7_000), ("luka.babic", 3_000)],
    ),
    tech(
        "UNIBL-2024-001",
        "unibl",
        "Standardised sage and thyme mouthwash for oral mucositis",
        "Alcohol-free mouthwash of Salvia officinalis and Thymus serpyllum extracts from the \
         Kozara mountain, standardised to rosmarinic acid.",
        F::TraditionalMedicine,
        Visibility::Confidential,
        date(2024, 9, 18),
        &[("goran.topic", 10_000)],
    ),
    tech(
        "SUMHS-2026-001",
        "sumhs",
        "Smartphone-read lateral flow assay for procalcitonin",
        "A lateral flow strip and smartphone reader that quantify procalcitonin in 12 minutes, \
         developed jointly by SUMHS and the University of Banja Luka's clinical laboratory.",
        F::Diagnostics,
        Visibility::Confidential,
        date(2026, 2, 3),
        &[("chen.hong", 5_000), ("natasa.bojanic", 5_000)],
    ),
    tech(
        "UNIBL-2026-001",
        "unibl",
        "Bacterial cellulose membrane loaded with immortelle oil",
        "A wound membrane of bacterial cellulose loaded with Helichrysum italicum oil.",
        F::Biomaterials,
        Visibility::Confidential,
        date(2026, 5, 20),
        &[("ognjen.radulovic", 10_000)],
    ),
    tech(
        "ZJU-2026-001",
        "zju",
        "CRISPR-based point-of-care test for drug-resistant tuberculosis",
        "Cas12a detection of rifampicin-resistance mutations from sputum in 40 minutes.",
        F::Diagnostics,
        Visibility::Public,
        date(2026, 8, 11),
        &[("ma.xiaoli", 10_000)],
    ),
];

pub(super) const IP_ASSETS: &[IpRow] = &[
    // A family: the CN first filing and, a year later, its PCT application.
    IpRow {
        technology: "FUDAN-2023-001",
        kind: IpKind::InventionPatent,
        jurisdiction: "CN",
        application_number: Some("CN202310456789.1"),
        title: "Inhalable astragaloside IV nanoparticles and their preparation",
        priority_date: Some(date(2023, 5, 10)),
        filing_date: Some(date(2023, 5, 10)),
        publication_date: Some(date(2023, 11, 17)),
        grant_date: Some(date(2025, 6, 20)),
        status: IpStatus::Granted,
        target_jurisdictions: &[],
        owners: &[("fudan", 10_000)],
        family_parent: None,
    },
    IpRow {
        technology: "FUDAN-2023-001",
        kind: IpKind::PctApplication,
        jurisdiction: "WO",
        application_number: Some("PCT/CN2024/091234"),
        title: "Inhalable astragaloside IV nanoparticles and their preparation",
        priority_date: Some(date(2023, 5, 10)),
        filing_date: Some(date(2024, 5, 8)),
        publication_date: Some(date(2024, 11, 14)),
        grant_date: None,
        status: IpStatus::Published,
        target_jurisdictions: &["EP", "US"],
        owners: &[("fudan", 10_000)],
        family_parent: Some("CN202310456789.1"),
    },
    IpRow {
        technology: "ZJU-2024-001",
        kind: IpKind::UtilityModel,
        jurisdiction: "CN",
        application_number: Some("CN202420512345.6"),
        title: "Porosity-graded titanium cervical fusion cage",
        priority_date: Some(date(2024, 3, 20)),
        filing_date: Some(date(2024, 3, 20)),
        publication_date: Some(date(2024, 11, 15)),
        grant_date: Some(date(2024, 11, 15)),
        status: IpStatus::Granted,
        target_jurisdictions: &[],
        owners: &[("zju", 10_000)],
        family_parent: None,
    },
    IpRow {
        technology: "UNIBL-2024-001",
        kind: IpKind::InventionPatent,
        jurisdiction: "BA",
        application_number: Some("BAP241034"),
        title: "Mouthwash of sage and wild thyme extracts for oral mucositis",
        priority_date: Some(date(2024, 10, 1)),
        filing_date: Some(date(2024, 10, 1)),
        publication_date: Some(date(2025, 4, 30)),
        grant_date: None,
        status: IpStatus::UnderExamination,
        target_jurisdictions: &[],
        owners: &[("unibl", 10_000)],
        family_parent: None,
    },
    IpRow {
        technology: "SUMHS-2026-001",
        kind: IpKind::InventionPatent,
        jurisdiction: "CN",
        application_number: Some("CN202610123456.7"),
        title: "Quantitative procalcitonin lateral flow assay read by a smartphone",
        priority_date: Some(date(2026, 4, 14)),
        filing_date: Some(date(2026, 4, 14)),
        publication_date: None,
        grant_date: None,
        status: IpStatus::Filed,
        target_jurisdictions: &[],
        owners: &[("sumhs", 10_000)],
        family_parent: None,
    },
    IpRow {
        technology: "ZJU-2026-001",
        kind: IpKind::InventionPatent,
        jurisdiction: "CN",
        application_number: Some("CN202610654321.0"),
        title: "Cas12a detection of rpoB mutations from sputum",
        priority_date: Some(date(2026, 8, 20)),
        filing_date: Some(date(2026, 8, 20)),
        publication_date: None,
        grant_date: None,
        status: IpStatus::Filed,
        target_jurisdictions: &[],
        owners: &[("zju", 10_000)],
        family_parent: None,
    },
];

use DealStage::{Active, Completed, Lead, Negotiation, Signed, TermSheet};

pub(super) const DEALS: &[DealRow] = &[
    // Technology contributed to a Hangzhou company for shares (作价投资).
    DealRow {
        technology: "ZJU-2024-001",
        kind: DealKind::EquityContribution,
        provider: "zju",
        recipient: Recipient::External("Hangzhou OsteoPrint Medical Technology Co., Ltd.", "CN"),
        stage: Completed,
        territory: "Worldwide",
        upfront_amount: None,
        royalty_bp: None,
        currency: "CNY",
        contract_value: Some(300_000_000),
        signed_on: Some(date(2024, 6, 18)),
        events: &[
            (Lead, date(2024, 4, 2), "ZJU Technology Transfer Center", ""),
            (
                Negotiation,
                date(2024, 5, 6),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                TermSheet,
                date(2024, 5, 30),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                Signed,
                date(2024, 6, 18),
                "ZJU Technology Transfer Center",
                "Valued at CNY 3 million.",
            ),
            (
                Active,
                date(2024, 7, 1),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                Completed,
                date(2024, 7, 2),
                "ZJU Technology Transfer Center",
                "Shares registered.",
            ),
        ],
        royalty_reports: &[],
        incomes: &[],
    },
    // The cage licensed to a Bosnian medical company, in convertible marks.
    DealRow {
        technology: "ZJU-2024-001",
        kind: DealKind::NonExclusiveLicense,
        provider: "zju",
        recipient: Recipient::External("Bosnalijek d.d.", "BA"),
        stage: Active,
        territory: "Bosnia and Herzegovina",
        upfront_amount: Some(1_000_000),
        royalty_bp: Some(300),
        currency: "BAM",
        contract_value: Some(4_000_000),
        signed_on: Some(date(2026, 1, 20)),
        events: &[
            (
                Lead,
                date(2025, 10, 6),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                Negotiation,
                date(2025, 11, 3),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                TermSheet,
                date(2025, 12, 1),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                Signed,
                date(2026, 1, 20),
                "ZJU Technology Transfer Center",
                "",
            ),
            (
                Active,
                date(2026, 2, 10),
                "ZJU Technology Transfer Center",
                "",
            ),
        ],
        royalty_reports: &[],
        incomes: &[
            (IncomeKind::Upfront, 1_000_000, date(2026, 2, 10)),
            (IncomeKind::Royalty, 325_050, date(2026, 9, 30)),
        ],
    },
    // Fudan's inhaled nanoparticles licensed to the University of Zagreb.
    DealRow {
        technology: "FUDAN-2023-001",
        kind: DealKind::ExclusiveLicense,
        provider: "fudan",
        recipient: Recipient::Institution("unizg"),
        stage: Active,
        territory: "European Union",
        upfront_amount: Some(2_000_000),
        royalty_bp: Some(250),
        currency: "EUR",
        contract_value: Some(8_000_000),
        signed_on: Some(date(2026, 9, 15)),
        events: &[
            (
                Lead,
                date(2026, 3, 12),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                Negotiation,
                date(2026, 4, 20),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                TermSheet,
                date(2026, 7, 8),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                Signed,
                date(2026, 9, 15),
                "Fudan Technology Transfer Office",
                "",
            ),
            (
                Active,
                date(2026, 10, 5),
                "Fudan Technology Transfer Office",
                "",
            ),
        ],
        royalty_reports: &[],
        incomes: &[(IncomeKind::Upfront, 2_000_000, date(2026, 10, 5))],
    },
];

pub(super) const PROGRAMS: &[ProgramRow] = &[
    ProgramRow {
        host: "zju",
        title: "Biomaterials and 3D Bioprinting Summer School 2025",
        kind: ProgramKind::ShortCourse,
        field: Some(F::Biomaterials),
        language: "en",
        starts_on: date(2025, 7, 7),
        ends_on: date(2025, 7, 18),
        capacity: 20,
        visibility: Visibility::Confidential,
        description: "Two weeks in Hangzhou on scaffold design and bioprinting.",
        enrollments: &[
            (
                "luka.babic",
                EnrollmentStatus::Completed,
                Some(date(2025, 5, 20)),
            ),
            (
                "petra.juric",
                EnrollmentStatus::Completed,
                Some(date(2025, 5, 20)),
            ),
            (
                "ma.xiaoli",
                EnrollmentStatus::Completed,
                Some(date(2025, 5, 20)),
            ),
        ],
    },
    ProgramRow {
        host: "unibl",
        title: "Phytochemistry Methods Workshop 2026",
        kind: ProgramKind::Workshop,
        field: Some(F::TraditionalMedicine),
        language: "en",
        starts_on: date(2026, 5, 11),
        ends_on: date(2026, 5, 13),
        capacity: 10,
        visibility: Visibility::Confidential,
        description: "Three days in Banja Luka on extraction and HPLC fingerprinting.",
        enrollments: &[
            (
                "huang.yan",
                EnrollmentStatus::Completed,
                Some(date(2026, 4, 1)),
            ),
            (
                "xu.jianguo",
                EnrollmentStatus::Completed,
                Some(date(2026, 4, 1)),
            ),
            (
                "milana.saric",
                EnrollmentStatus::Completed,
                Some(date(2026, 4, 1)),
            ),
        ],
    },
];

/// (lead, technology, name, founded on, stage, funding in minor units, currency, founders).
type VentureRow = (
    &'static str,
    &'static str,
    &'static str,
    chrono::NaiveDate,
    VentureStage,
    i64,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const VENTURES: &[VentureRow] = &[
    (
        "fudan",
        "FUDAN-2023-001",
        "PulmoSino Therapeutics (Shanghai) Co., Ltd.",
        date(2023, 9, 1),
        VentureStage::Discontinued,
        50_000_000,
        "CNY",
        &[("xu.jianguo", "CSO")],
    ),
    (
        "zju",
        "ZJU-2024-001",
        "OsteoPrint (Hangzhou) Medical Technology Co., Ltd.",
        date(2024, 7, 2),
        VentureStage::Graduated,
        800_000_000,
        "CNY",
        &[("lin.feng", "CEO"), ("luka.babic", "CSO")],
    ),
    (
        "unibl",
        "UNIBL-2024-001",
        "Kozara Phyto d.o.o.",
        date(2026, 3, 2),
        VentureStage::Incubating,
        15_000_000,
        "BAM",
        &[
            ("goran.topic", "CEO"),
            ("huang.yan", "Scientific co-founder"),
        ],
    ),
];

pub(super) async fn load(ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    super::technologies::load(ctx, TECHNOLOGIES).await?;
    super::ip::load(ctx, IP_ASSETS).await?;
    super::deals::load(ctx, DEALS).await?;
    super::training::load(ctx, PROGRAMS).await?;
    let now = ctx.now;
    let (mut ventures, mut founders) = (Vec::new(), Vec::new());
    for &(lead, technology, name, founded_on, stage, funding, currency, people) in VENTURES {
        let id = Uuid::now_v7();
        ventures.push(venture::ActiveModel {
            id: Set(id),
            lead_institution_id: Set(ctx.institution(lead)?),
            technology_id: Set(Some(ctx.technology(technology)?)),
            name: Set(name.to_owned()),
            cohort: Set(None),
            stage: Set(stage),
            funding_raised: Set(funding),
            funding_currency: Set(currency.to_owned()),
            description: Set(None),
            founded_on: Set(Some(founded_on)),
            legal_form: Set(None),
            search_text: NotSet,
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        for &(person, role) in people {
            founders.push(venture_founder::ActiveModel {
                id: Set(Uuid::now_v7()),
                venture_id: Set(id),
                person_id: Set(ctx.person(person)?),
                role: Set(Some(role.to_owned())),
                created_at: Set(now),
            });
        }
    }
    venture::Entity::insert_many(ventures)
        .exec_without_returning(ctx.txn)
        .await?;
    venture_founder::Entity::insert_many(founders)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}
