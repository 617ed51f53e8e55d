//! Cooperation agreements between members.

use entity::enums::{AgreementKind, AgreementStatus, Membership};
use entity::{agreement, agreement_party};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    EntityTrait,
};
use uuid::Uuid;

use super::institutions::INSTITUTIONS;
use super::{Ctx, date};

pub(super) async fn load(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    let now = ctx.now;
    let members: Vec<&str> = INSTITUTIONS
        .iter()
        .filter(|i| i.membership == Membership::Member)
        .map(|i| i.slug)
        .collect();
    let agreements = [
        (
            "Memorandum of Understanding on Cooperation in Biomedical Technology Transfer \
             between Shanghai University of Medicine and Health Sciences and the University of \
             Banja Luka",
            AgreementKind::Mou,
            date(2023, 12, 9),
            date(2028, 12, 8),
            "Joint research, technology transfer, teacher training and student exchange between \
             the two universities; the origin of the center's Balkan partnership.",
            vec!["sumhs", "unibl"],
        ),
        (
            "Framework Agreement of the China–Balkan Collaborative Innovation Center for \
             Biomedical Technology Transfer",
            AgreementKind::Framework,
            date(2025, 6, 18),
            date(2030, 6, 17),
            "Governance of the center, confidentiality between members, sharing of income from \
             jointly owned intellectual property, and the common training programme.",
            members,
        ),
    ];

    let (mut rows, mut parties) = (Vec::new(), Vec::new());
    for (title, kind, signed_on, expires_on, summary, slugs) in agreements {
        let id = Uuid::now_v7();
        rows.push(agreement::ActiveModel {
            id: Set(id),
            title: Set(title.to_owned()),
            kind: Set(kind),
            signed_on: Set(Some(signed_on)),
            expires_on: Set(Some(expires_on)),
            status: Set(AgreementStatus::Active),
            summary: Set(Some(summary.to_owned())),
            initiator_id: Set(Some(ctx.institution(slugs[0])?)),
            search_text: NotSet,
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        for slug in slugs {
            parties.push(agreement_party::ActiveModel {
                id: Set(Uuid::now_v7()),
                agreement_id: Set(id),
                institution_id: Set(ctx.institution(slug)?),
                created_at: Set(now),
            });
        }
    }
    agreement::Entity::insert_many(rows)
        .exec_without_returning(ctx.txn)
        .await?;
    agreement_party::Entity::insert_many(parties)
        .exec_without_returning(ctx.txn)
        .await?;
    Ok(())
}
