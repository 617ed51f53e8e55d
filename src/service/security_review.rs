//! China's confidentiality examination of inventions filed abroad (Patent Law art. 19, with
//! Implementing Rules art. 8–9): an invention or utility model made in China must pass CNIPA's
//! security review before it is filed in another country or as a PCT application; a foreign
//! filing without it costs the invention its Chinese patent (art. 19, 4th paragraph).
//!
//! BioBridge treats a technology as made in China when its owner institution or the institution
//! of any of its inventors is in `CN`. For such a technology, recording a PCT application or any
//! non-CN patent or utility model without a recorded review is refused; while no foreign filing
//! exists and no review is recorded, the docket of its CN filings shows the review as a deadline
//! (see `deadlines::security_review`), due when the priority year of the first filing ends —
//! the last day a foreign filing can still claim it.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use entity::{
    enums::IpKind, institution, ip_asset, person, security_review, technology, technology_inventor,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
    policy,
    service::{audit, deal::check_not_future, text},
};

/// The field a refused foreign filing names: the review to record first.
pub const FIELD: &str = "securityReviewOn";
const REFERENCE_MAX: usize = 100;

/// Whether an asset of `kind` at `office` is a filing abroad that art. 19 covers: a PCT
/// application, or an invention patent or utility model at any office but CNIPA. Pure.
pub fn is_foreign_filing(kind: IpKind, office: &str) -> bool {
    match kind {
        IpKind::PctApplication => true,
        IpKind::InventionPatent | IpKind::UtilityModel => office != "CN",
        _ => false,
    }
}

/// The technologies among `ids` made in China: owner or an inventor's institution in `CN`.
pub async fn made_in_china(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashSet<Uuid>> {
    let cn: HashSet<Uuid> = institution::Entity::find()
        .filter(institution::Column::Country.eq("CN"))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut out: HashSet<Uuid> = technology::Entity::find()
        .filter(technology::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .filter(|t| cn.contains(&t.owner_id))
        .map(|t| t.id)
        .collect();
    let inventors = technology_inventor::Entity::find()
        .filter(technology_inventor::Column::TechnologyId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let people: HashSet<Uuid> = person::Entity::find()
        .filter(person::Column::Id.is_in(inventors.iter().map(|i| i.person_id)))
        .filter(person::Column::InstitutionId.is_in(cn.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    out.extend(
        inventors
            .iter()
            .filter(|i| people.contains(&i.person_id))
            .map(|i| i.technology_id),
    );
    Ok(out)
}

/// Refuses an asset of `kind` at `office` for `technology` when it is a filing abroad of an
/// invention made in China whose review is not recorded.
pub async fn check_filing(
    db: &impl ConnectionTrait,
    technology: Uuid,
    kind: IpKind,
    office: &str,
) -> AppResult<()> {
    if !is_foreign_filing(kind, office) {
        return Ok(());
    }
    let reviewed = security_review::Entity::find()
        .filter(security_review::Column::TechnologyId.eq(technology))
        .one(db)
        .await?
        .is_some();
    if reviewed
        || !made_in_china(db, &[technology])
            .await?
            .contains(&technology)
    {
        return Ok(());
    }
    Err(AppError::bad_input(
        FIELD,
        "the invention was made in China (its owner or an inventor's institution is in CN): \
         record CNIPA's security review (recordSecurityReview) before filing it abroad or as a \
         PCT application (Patent Law art. 19)",
    ))
}

/// The technologies of `assets` whose review is due (see [`pending`]): the review's deadline
/// sits on their CN invention patents and utility models, so only those assets are asked about.
pub async fn pending_for_assets(
    db: &impl ConnectionTrait,
    viewer: &Principal,
    assets: &[ip_asset::Model],
) -> AppResult<HashSet<Uuid>> {
    let ids: Vec<Uuid> = assets
        .iter()
        .filter(|a| {
            a.jurisdiction == "CN"
                && matches!(a.kind, IpKind::InventionPatent | IpKind::UtilityModel)
        })
        .map(|a| a.technology_id)
        .collect();
    pending(db, viewer, &ids).await
}

/// The technologies among `ids` whose review is due: made in China, no review recorded, and no
/// filing abroad yet. Shown to their owners and center admins only (the review is the
/// applicant's duty, and its absence is nobody else's business). One statement.
pub async fn pending(
    db: &impl ConnectionTrait,
    viewer: &Principal,
    ids: &[Uuid],
) -> AppResult<HashSet<Uuid>> {
    use sea_orm::{
        Condition, QuerySelect,
        sea_query::{Expr, ExprTrait, Query},
    };
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let mut select = technology::Entity::find()
        .select_only()
        .column(technology::Column::Id)
        .filter(technology::Column::Id.is_in(ids.iter().copied()));
    if !viewer.is_center_admin() {
        let Some(inst) = viewer.confidential_reader_of() else {
            return Ok(HashSet::new());
        };
        select = select.filter(technology::Column::OwnerId.eq(inst));
    }
    // Correlated tests (EXISTS / NOT EXISTS on the technology's row): both databases probe
    // the few technologies asked about through their indexes. As `IN (subquery)` they built
    // every Chinese invention, review and foreign filing first — 30 ms a call on 10,000
    // technologies, and the reminder job calls once per CN asset.
    let tech_id = || Expr::col((technology::Entity, technology::Column::Id));
    let owner_in_china = Query::select()
        .expr(Expr::val(1))
        .from(institution::Entity)
        .and_where(
            Expr::col((institution::Entity, institution::Column::Id))
                .equals((technology::Entity, technology::Column::OwnerId)),
        )
        .and_where(Expr::col((institution::Entity, institution::Column::Country)).eq("CN"))
        .to_owned();
    let invented_in_china = Query::select()
        .expr(Expr::val(1))
        .from(technology_inventor::Entity)
        .inner_join(
            person::Entity,
            Expr::col((person::Entity, person::Column::Id)).equals((
                technology_inventor::Entity,
                technology_inventor::Column::PersonId,
            )),
        )
        .inner_join(
            institution::Entity,
            Expr::col((institution::Entity, institution::Column::Id))
                .equals((person::Entity, person::Column::InstitutionId)),
        )
        .and_where(
            Expr::col((
                technology_inventor::Entity,
                technology_inventor::Column::TechnologyId,
            ))
            .eq(tech_id()),
        )
        .and_where(Expr::col((institution::Entity, institution::Column::Country)).eq("CN"))
        .to_owned();
    let reviewed = Query::select()
        .expr(Expr::val(1))
        .from(security_review::Entity)
        .and_where(
            Expr::col((
                security_review::Entity,
                security_review::Column::TechnologyId,
            ))
            .eq(tech_id()),
        )
        .to_owned();
    let name = |k: IpKind| sea_orm::ActiveEnum::to_value(&k);
    let foreign = Expr::col((ip_asset::Entity, ip_asset::Column::Kind))
        .eq(name(IpKind::PctApplication))
        .or(Expr::col((ip_asset::Entity, ip_asset::Column::Kind))
            .is_in([name(IpKind::InventionPatent), name(IpKind::UtilityModel)])
            .and(Expr::col((ip_asset::Entity, ip_asset::Column::Jurisdiction)).ne("CN")));
    let filed_abroad = Query::select()
        .expr(Expr::val(1))
        .from(ip_asset::Entity)
        .and_where(Expr::col((ip_asset::Entity, ip_asset::Column::TechnologyId)).eq(tech_id()))
        .and_where(foreign)
        .to_owned();
    Ok(select
        .filter(
            Condition::any()
                .add(Expr::exists(owner_in_china))
                .add(Expr::exists(invented_in_china)),
        )
        .filter(Expr::exists(reviewed).not())
        .filter(Expr::exists(filed_abroad).not())
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Records (or corrects) the review of a technology: its owner institution, under `ip:write`.
pub async fn record(
    db: &DatabaseConnection,
    actor: &Principal,
    technology_id: Uuid,
    reviewed_on: NaiveDate,
    reference: Option<String>,
) -> AppResult<()> {
    policy::ensure_writer(actor, scope::IP_WRITE)?;
    let txn = super::txn::begin_write(db).await?;
    let tech = policy::find_visible::<technology::Entity>(&txn, actor, technology_id, "technology")
        .await?;
    policy::ensure_can_write(actor, tech.owner_id, scope::IP_WRITE)?;
    check_not_future("reviewedOn", reviewed_on)?;
    let reference = text::optional("reference", reference.as_deref(), REFERENCE_MAX)?;
    let now = Utc::now();
    let existing = security_review::Entity::find()
        .filter(security_review::Column::TechnologyId.eq(tech.id))
        .one(&txn)
        .await?;
    let id = match existing {
        Some(r) => {
            security_review::ActiveModel {
                id: Set(r.id),
                reviewed_on: Set(reviewed_on),
                reference: Set(reference.clone()),
                recorded_by: Set(actor.user_id),
                updated_at: Set(now),
                version: Set(r.version + 1),
                ..Default::default()
            }
            .update(&txn)
            .await?;
            r.id
        }
        None => {
            let id = Uuid::now_v7();
            security_review::ActiveModel {
                id: Set(id),
                technology_id: Set(tech.id),
                reviewed_on: Set(reviewed_on),
                reference: Set(reference.clone()),
                recorded_by: Set(actor.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(&txn)
            .await?;
            id
        }
    };
    audit::record(
        &txn,
        actor,
        Some(tech.owner_id),
        "technology.recordSecurityReview",
        "SecurityReview",
        id,
        json!({ "technologyId": tech.id, "reviewedOn": reviewed_on, "reference": reference }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_filings_are_pct_and_non_cn_patents_and_utility_models() {
        assert!(is_foreign_filing(IpKind::PctApplication, "WO"));
        assert!(is_foreign_filing(IpKind::InventionPatent, "EP"));
        assert!(is_foreign_filing(IpKind::UtilityModel, "BA"));
        assert!(!is_foreign_filing(IpKind::InventionPatent, "CN"));
        assert!(!is_foreign_filing(IpKind::UtilityModel, "CN"));
        // Art. 19 covers inventions and utility models, not designs or trademarks.
        assert!(!is_foreign_filing(IpKind::Design, "US"));
        assert!(!is_foreign_filing(IpKind::Trademark, "EM"));
    }
}
