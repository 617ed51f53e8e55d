//! The tenants, their users and their people (researchers, inventors, founders, trainees).

use chrono::NaiveDate;
use entity::enums::{InstitutionKind, Membership, Region, Role};
use entity::{institution, institution_email_domain, person, user};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    EntityTrait,
};
use uuid::Uuid;

use super::{Ctx, date, tags};

pub(super) struct InstitutionRow {
    pub slug: &'static str,
    pub name: &'static str,
    pub local_name: Option<&'static str>,
    pub country: &'static str,
    pub region: Region,
    pub kind: InstitutionKind,
    pub membership: Membership,
    pub joined_on: Option<NaiveDate>,
    pub website: &'static str,
    /// A demo ROR id: well-formed, with valid check digits, but made up for the demo — not
    /// the university's real one (the center, a fictional agency, has none).
    pub ror_id: Option<&'static str>,
    pub inventor_share_bp: i32,
}

use InstitutionKind::{Agency, University};
use Membership::{Applicant, Member};
use Region::{BalkanPeninsula as Balkan, YangtzeRiverDelta as Yrd};

pub(super) const INSTITUTIONS: &[InstitutionRow] = &[
    InstitutionRow {
        slug: "center",
        name: "China–Balkan Collaborative Innovation Center for Biomedical Technology Transfer",
        local_name: Some("中国—巴尔干生物医药技术转移协同创新中心"),
        country: "CN",
        region: Yrd,
        kind: Agency,
        membership: Member,
        joined_on: Some(date(2024, 11, 20)),
        website: "https://center.example",
        ror_id: None,
        inventor_share_bp: 5000,
    },
    InstitutionRow {
        slug: "sumhs",
        name: "Shanghai University of Medicine and Health Sciences",
        local_name: Some("上海健康医学院"),
        country: "CN",
        region: Yrd,
        kind: University,
        membership: Member,
        joined_on: Some(date(2024, 11, 20)),
        website: "https://www.sumhs.edu.cn",
        ror_id: Some("0m9s34633"),
        inventor_share_bp: 5000,
    },
    InstitutionRow {
        slug: "fudan",
        name: "Fudan University",
        local_name: Some("复旦大学"),
        country: "CN",
        region: Yrd,
        kind: University,
        membership: Member,
        joined_on: Some(date(2025, 3, 3)),
        website: "https://www.fudan.edu.cn",
        ror_id: Some("0q3d25v96"),
        inventor_share_bp: 5000,
    },
    InstitutionRow {
        slug: "zju",
        name: "Zhejiang University",
        local_name: Some("浙江大学"),
        country: "CN",
        region: Yrd,
        kind: University,
        membership: Member,
        joined_on: Some(date(2025, 3, 3)),
        website: "https://www.zju.edu.cn",
        ror_id: Some("0t4f5v306"),
        // Zhejiang's own rule: 70% of transfer income to the inventors' team.
        inventor_share_bp: 7000,
    },
    InstitutionRow {
        slug: "unibl",
        name: "University of Banja Luka",
        local_name: Some("Univerzitet u Banjoj Luci"),
        country: "BA",
        region: Balkan,
        kind: University,
        membership: Member,
        joined_on: Some(date(2025, 1, 15)),
        website: "https://www.unibl.org",
        ror_id: Some("07e3s3e35"),
        inventor_share_bp: 5000,
    },
    InstitutionRow {
        slug: "bg",
        name: "University of Belgrade",
        local_name: Some("Univerzitet u Beogradu"),
        country: "RS",
        region: Balkan,
        kind: University,
        membership: Member,
        joined_on: Some(date(2025, 4, 22)),
        website: "https://www.bg.ac.rs",
        ror_id: Some("028jt9712"),
        inventor_share_bp: 5000,
    },
    InstitutionRow {
        slug: "unizg",
        name: "University of Zagreb",
        local_name: Some("Sveučilište u Zagrebu"),
        country: "HR",
        region: Balkan,
        kind: University,
        membership: Member,
        joined_on: Some(date(2025, 5, 27)),
        website: "https://www.unizg.hr",
        ror_id: Some("0kb6cq648"),
        inventor_share_bp: 5000,
    },
    InstitutionRow {
        slug: "unsa",
        name: "University of Sarajevo",
        local_name: Some("Univerzitet u Sarajevu"),
        country: "BA",
        region: Balkan,
        kind: University,
        membership: Applicant,
        joined_on: None,
        website: "https://www.unsa.ba",
        ror_id: Some("043dzvm80"),
        inventor_share_bp: 5000,
    },
];

/// (e-mail, institution, role, display name); the e-mails and roles are [`super::DEMO_LOGINS`].
pub(super) const USERS: &[(&str, &str, Role, &str)] = &[
    (
        "admin@center.example",
        "center",
        Role::CenterAdmin,
        "Chen Jing",
    ),
    (
        "analyst@center.example",
        "center",
        Role::Analyst,
        "Wang Yifan",
    ),
    (
        "manager@sumhs.example",
        "sumhs",
        Role::InstitutionAdmin,
        "Zhang Hui",
    ),
    ("member@sumhs.example", "sumhs", Role::Member, "Liu Yang"),
    (
        "manager@unibl.example",
        "unibl",
        Role::InstitutionAdmin,
        "Dragana Kovačević",
    ),
    (
        "member@unibl.example",
        "unibl",
        Role::Member,
        "Nemanja Savić",
    ),
    ("member@bg.example", "bg", Role::Member, "Jelena Petrović"),
];

pub(super) struct PersonRow {
    /// The key other tables use; also the local part of the e-mail `key@<slug>.example`.
    pub key: &'static str,
    pub institution: &'static str,
    pub full_name: &'static str,
    pub title: &'static str,
    pub orcid: Option<&'static str>,
    pub expertise: &'static [&'static str],
}

const fn p(
    key: &'static str,
    institution: &'static str,
    full_name: &'static str,
    title: &'static str,
    orcid: Option<&'static str>,
    expertise: &'static [&'static str],
) -> PersonRow {
    PersonRow {
        key,
        institution,
        full_name,
        title,
        orcid,
        expertise,
    }
}

#[rustfmt::skip]
pub(super) const PEOPLE: &[PersonRow] = &[
    // Shanghai University of Medicine and Health Sciences
    p("chen.hong", "sumhs", "Chen Hong", "Professor of Clinical Laboratory Medicine",
        Some("0000-0003-8778-9325"),
        &["sepsis", "biomarkers", "point-of-care testing", "immunoassays"]),
    p("wang.lei", "sumhs", "Wang Lei", "Associate Professor of Biomedical Engineering",
        Some("0000-0003-7921-7423"),
        &["microfluidics", "fluorescence detection", "medical devices"]),
    p("zhao.min", "sumhs", "Zhao Min", "Associate Professor of Biomaterials",
        Some("0000-0002-8096-7929"),
        &["wound healing", "chitosan", "hydrogels", "biomaterials"]),
    p("sun.jie", "sumhs", "Sun Jie", "Professor of Pharmaceutics",
        Some("0000-0003-0810-0332"),
        &["transdermal delivery", "microneedles", "traditional Chinese medicine", "nanocrystals"]),
    p("zhou.qing", "sumhs", "Zhou Qing", "Technology Transfer Manager", None,
        &["technology transfer", "licensing", "venture building"]),
    // Fudan University
    p("xu.jianguo", "fudan", "Xu Jianguo", "Professor of Medicinal Chemistry",
        Some("0000-0003-0757-9388"),
        &["natural products", "traditional Chinese medicine", "pulmonary fibrosis"]),
    p("huang.yan", "fudan", "Huang Yan", "Associate Chief Physician, Department of Cardiology",
        Some("0000-0002-4701-7462"),
        &["cardiac electrophysiology", "atrial fibrillation", "deep learning"]),
    // Zhejiang University
    p("lin.feng", "zju", "Lin Feng", "Professor of Biomedical Engineering",
        Some("0000-0003-1453-8402"),
        &["3D printing", "bone tissue engineering", "bioceramics"]),
    p("ma.xiaoli", "zju", "Ma Xiaoli", "Research Associate Professor",
        Some("0000-0002-9161-4619"),
        &["molecular diagnostics", "CRISPR", "cell biology"]),
    // University of Banja Luka
    p("natasa.bojanic", "unibl", "Nataša Bojanić", "Full Professor of Microbiology and Immunology",
        Some("0000-0002-0330-7660"),
        &["clinical microbiology", "antimicrobial resistance", "sepsis"]),
    p("goran.topic", "unibl", "Goran Topić", "Associate Professor of Pharmacognosy",
        Some("0000-0003-1934-5140"),
        &["medicinal plants", "pharmacognosy", "phytochemistry", "supercritical extraction"]),
    p("milana.saric", "unibl", "Milana Šarić", "Assistant Professor of Analytical Chemistry",
        Some("0000-0003-0612-3100"),
        &["analytical chemistry", "HPLC-MS", "natural products"]),
    p("slobodan.lukic", "unibl", "Slobodan Lukić", "Full Professor of Orthopaedic Surgery",
        Some("0000-0002-7728-3788"),
        &["orthopaedics", "bone regeneration", "trauma surgery"]),
    p("tamara.vujic", "unibl", "Tamara Vujić", "Senior Teaching Assistant in Nursing", None,
        &["nursing education", "wound care", "simulation-based teaching"]),
    p("ognjen.radulovic", "unibl", "Ognjen Radulović", "Associate Professor of Electronics",
        Some("0000-0002-2661-6634"),
        &["bioimpedance", "signal processing", "embedded systems"]),
    // University of Belgrade
    p("ivana.stankovic", "bg", "Ivana Stanković", "Full Professor of Pharmaceutical Technology",
        Some("0000-0002-4940-3260"),
        &["nanostructured lipid carriers", "drug delivery", "dermal formulations"]),
    p("marko.nikolic", "bg", "Marko Nikolić", "Assistant Professor of Pathophysiology", None,
        &["immunology", "inflammation", "burn models"]),
    // University of Zagreb
    p("ana.horvat", "unizg", "Ana Horvat", "Full Professor of Internal Medicine (Cardiology)",
        Some("0000-0003-9102-3744"),
        &["cardiology", "telemedicine", "clinical validation"]),
    p("luka.babic", "unizg", "Luka Babić", "Assistant Professor of Biochemistry",
        Some("0000-0002-9546-1111"),
        &["aptamers", "biosensors", "lateral flow assays"]),
    p("petra.juric", "unizg", "Petra Jurić", "Associate Professor of Endocrinology", None,
        &["endocrinology", "adrenal disorders", "stress hormones"]),
    // University of Sarajevo (applicant)
    p("amra.hodzic", "unsa", "Amra Hodžić", "Associate Professor of Pharmacology", None,
        &["pharmacology", "toxicology", "medicinal plants"]),
];

pub(super) async fn load(ctx: &mut Ctx<'_>, password_hash: &str) -> anyhow::Result<()> {
    let now = ctx.now;

    let mut rows = Vec::new();
    for i in INSTITUTIONS {
        let id = Uuid::now_v7();
        ctx.institutions.insert(i.slug, id);
        rows.push(institution::ActiveModel {
            id: Set(id),
            slug: Set(i.slug.to_owned()),
            name: Set(i.name.to_owned()),
            local_name: Set(i.local_name.map(str::to_owned)),
            country: Set(i.country.to_owned()),
            region: Set(i.region),
            kind: Set(i.kind),
            membership: Set(i.membership),
            joined_on: Set(i.joined_on),
            website: Set(Some(i.website.to_owned())),
            ror_id: Set(i.ror_id.map(str::to_owned)),
            inventor_share_bp: Set(i.inventor_share_bp),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    institution::Entity::insert_many(rows)
        .exec_without_returning(ctx.txn)
        .await?;
    // Every demo address is `<key>@<slug>.example`: each institution registers its domain.
    let domains = INSTITUTIONS.iter().map(|i| {
        Ok(institution_email_domain::ActiveModel {
            id: Set(Uuid::now_v7()),
            institution_id: Set(ctx.institution(i.slug)?),
            domain: Set(format!("{}.example", i.slug)),
            created_at: Set(now),
        })
    });
    institution_email_domain::Entity::insert_many(domains.collect::<anyhow::Result<Vec<_>>>()?)
        .exec_without_returning(ctx.txn)
        .await?;

    let mut rows = Vec::new();
    for &(email, slug, role, display_name) in USERS {
        let id = Uuid::now_v7();
        ctx.users.insert(email, id);
        rows.push(user::ActiveModel {
            id: Set(id),
            institution_id: Set(Some(ctx.institution(slug)?)),
            organization_id: Set(None),
            email: Set(email.to_lowercase()),
            display_name: Set(display_name.to_owned()),
            role: Set(role),
            password_hash: Set(password_hash.to_owned()),
            disabled_at: Set(None),
            tokens_valid_after: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    user::Entity::insert_many(rows)
        .exec_without_returning(ctx.txn)
        .await?;

    let mut rows = Vec::new();
    for p in PEOPLE {
        let id = Uuid::now_v7();
        ctx.people.insert(p.key, id);
        rows.push(person::ActiveModel {
            id: Set(id),
            institution_id: Set(ctx.institution(p.institution)?),
            full_name: Set(p.full_name.to_owned()),
            email: Set(Some(format!("{}@{}.example", p.key, p.institution))),
            orcid: Set(p.orcid.map(str::to_owned)),
            title: Set(Some(p.title.to_owned())),
            expertise: Set(tags(p.expertise)),
            search_text: NotSet,
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
    }
    person::Entity::insert_many(rows)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}
