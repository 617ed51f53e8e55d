//! Incubation: a venture spun out of SUMHS, with founders and milestones.

use entity::enums::VentureStage;
use entity::{venture, venture_founder, venture_milestone};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    EntityTrait,
};
use uuid::Uuid;

use super::{Ctx, date};

pub(super) async fn load(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    let now = ctx.now;
    let id = Uuid::now_v7();
    venture::ActiveModel {
        id: Set(id),
        lead_institution_id: Set(ctx.institution("sumhs")?),
        technology_id: Set(Some(ctx.technology("SUMHS-2025-002")?)),
        name: Set("HealSkin Biomaterials (Shanghai) Co., Ltd.".to_owned()),
        cohort: Set(Some("2025-autumn".to_owned())),
        stage: Set(VentureStage::Incubating),
        // CNY 2,500,000.00 angel round.
        funding_raised: Set(250_000_000),
        funding_currency: Set("CNY".to_owned()),
        description: Set(Some(
            "SUMHS spin-out bringing the chitosan–silver hydrogel dressing to patients with \
             diabetic foot ulcers: NMPA Class II registration first, then CE marking with \
             Balkan partner hospitals. Incubated at the center's Pudong incubator."
                .to_owned(),
        )),
        founded_on: Set(Some(date(2025, 10, 17))),
        legal_form: Set(Some("Co., Ltd.".to_owned())),
        search_text: NotSet,
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(ctx.txn)
    .await?;

    let mut founders = Vec::new();
    for (person, role) in [
        ("zhou.qing", "CEO"),
        ("zhao.min", "CSO"),
        ("wang.lei", "CTO"),
    ] {
        founders.push(venture_founder::ActiveModel {
            id: Set(Uuid::now_v7()),
            venture_id: Set(id),
            person_id: Set(ctx.person(person)?),
            role: Set(Some(role.to_owned())),
            created_at: Set(now),
        });
    }
    venture_founder::Entity::insert_many(founders)
        .exec_without_returning(ctx.txn)
        .await?;

    let milestones = [
        (
            "Company incorporated in Pudong New Area",
            date(2025, 10, 31),
            Some(date(2025, 10, 17)),
        ),
        (
            "Angel round closed (CNY 2.5 million)",
            date(2025, 12, 31),
            Some(date(2025, 12, 19)),
        ),
        (
            "ISO 10993 biocompatibility tests passed",
            date(2026, 6, 30),
            Some(date(2026, 7, 9)),
        ),
        (
            "Type testing at an NMPA-accredited laboratory",
            date(2026, 12, 31),
            None,
        ),
        ("First hospital pilot in Shanghai", date(2027, 3, 31), None),
        (
            "NMPA Class II registration dossier submitted",
            date(2027, 6, 30),
            None,
        ),
    ]
    .into_iter()
    .map(
        |(title, due_on, completed_on)| venture_milestone::ActiveModel {
            id: Set(Uuid::now_v7()),
            venture_id: Set(id),
            title: Set(title.to_owned()),
            due_on: Set(due_on),
            completed_on: Set(completed_on),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        },
    );
    venture_milestone::Entity::insert_many(milestones)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}
