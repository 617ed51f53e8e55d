//! A licence's terms on the database: checking them when a deal is opened, the milestones it
//! promises, what signing it does (exclusivity is enforced; the technology becomes LICENSED),
//! and the annual minimum it expects. The rules themselves are in [`super::licence_terms`].

use chrono::{NaiveDate, Utc};
use entity::{
    deal, deal_milestone,
    enums::{DealKind, DealStage, Exclusivity, IncomeKind, RoyaltyReportStatus, TechnologyStage},
    income, institution, royalty_report, technology,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy,
    service::{
        audit,
        deal::{check_currency, check_not_future},
        licence_terms::{self as terms, RoyaltyTier, Scope, Shortfall},
        royalty, text, update_versioned,
    },
};

/// A diligence obligation: what the licensee must have done by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    pub description: String,
    pub due_on: NaiveDate,
}

/// A payment promised on an event.
#[derive(Debug, Clone)]
pub struct NewMilestone {
    pub description: String,
    /// (minor units, currency).
    pub amount: (i64, String),
    pub due_on: Option<NaiveDate>,
}

/// A licence's terms as given when the deal is opened (all optional).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub field_of_use: Option<String>,
    pub territories: Vec<String>,
    pub exclusivity: Option<Exclusivity>,
    pub effective_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    /// (minor units, currency).
    pub annual_minimum: Option<(i64, String)>,
    pub royalty_tiers: Vec<RoyaltyTier>,
    pub sublicensing_allowed: bool,
    pub sublicense_share_bp: Option<i32>,
    pub diligence: Vec<Obligation>,
    pub payment_days: Option<i32>,
    pub milestones: Vec<NewMilestone>,
}

/// Checks `t` for a deal of `kind` in `currency` and writes it into `am`.
pub fn apply(
    kind: DealKind,
    currency: &str,
    t: &Terms,
    am: &mut deal::ActiveModel,
) -> AppResult<()> {
    let f = |name: &str| format!("terms.{name}");
    if let Some(e) = t.exclusivity {
        let fits = match kind {
            DealKind::ExclusiveLicense => e != Exclusivity::NonExclusive,
            DealKind::NonExclusiveLicense => e == Exclusivity::NonExclusive,
            _ => false,
        };
        if !fits {
            return Err(AppError::bad_input(
                f("exclusivity"),
                "exclusivity is EXCLUSIVE or SOLE for an exclusive licence, NON_EXCLUSIVE for a non-exclusive one, and none for other deals",
            ));
        }
    }
    if let (Some(from), Some(to)) = (t.effective_on, t.expires_on)
        && to < from
    {
        return Err(AppError::bad_input(
            f("expiresOn"),
            "the term ends before it begins",
        ));
    }
    if let Some((minor, cur)) = &t.annual_minimum {
        check_currency(&f("annualMinimum"), cur, currency)?;
        if *minor < 0 {
            return Err(AppError::bad_input(
                f("annualMinimum"),
                "a minimum is not negative",
            ));
        }
    }
    terms::check_tiers(&f("royaltyTiers"), &t.royalty_tiers)?;
    if let Some(bp) = t.sublicense_share_bp {
        if !t.sublicensing_allowed {
            return Err(AppError::bad_input(
                f("sublicenseShareBasisPoints"),
                "a sublicence income share needs sublicensing allowed",
            ));
        }
        if !(0..=10_000).contains(&bp) {
            return Err(AppError::bad_input(
                f("sublicenseShareBasisPoints"),
                "a share is between 0 and 10000 basis points",
            ));
        }
    }
    if t.payment_days.is_some_and(|d| !(0..=365).contains(&d)) {
        return Err(AppError::bad_input(
            f("paymentTermsDays"),
            "between 0 and 365 days",
        ));
    }
    let mut diligence = Vec::new();
    for o in &t.diligence {
        diligence.push(Obligation {
            description: text::required(&f("diligence.description"), &o.description, 500)?,
            due_on: o.due_on,
        });
    }
    for m in &t.milestones {
        text::required(&f("milestones.description"), &m.description, 500)?;
        check_currency(&f("milestones.amount"), &m.amount.1, currency)?;
        if m.amount.0 < 0 {
            return Err(AppError::bad_input(
                f("milestones.amount"),
                "an amount is not negative",
            ));
        }
    }
    let territories = terms::territories(&f("territories"), &t.territories)?;
    am.field_of_use = Set(text::optional(
        &f("fieldOfUse"),
        t.field_of_use.as_deref(),
        200,
    )?);
    am.territories = Set((!territories.is_empty()).then(|| json!(territories)));
    am.exclusivity = Set(terms::exclusivity_of(kind, t.exclusivity));
    am.effective_on = Set(t.effective_on);
    am.expires_on = Set(t.expires_on);
    am.annual_minimum = Set(t.annual_minimum.as_ref().map(|(m, _)| *m));
    am.royalty_tiers = Set((!t.royalty_tiers.is_empty()).then(|| json!(t.royalty_tiers)));
    am.sublicensing_allowed = Set(t.sublicensing_allowed);
    am.sublicense_share_bp = Set(t.sublicense_share_bp);
    am.diligence = Set((!diligence.is_empty()).then(|| json!(diligence)));
    am.payment_days = Set(t.payment_days);
    Ok(())
}

/// Records the milestones of a new deal.
pub async fn insert_milestones(
    txn: &impl ConnectionTrait,
    deal_id: Uuid,
    milestones: &[NewMilestone],
) -> AppResult<()> {
    let now = Utc::now();
    for m in milestones {
        deal_milestone::ActiveModel {
            id: Set(Uuid::now_v7()),
            deal_id: Set(deal_id),
            description: Set(m.description.trim().to_owned()),
            amount: Set(m.amount.0),
            due_on: Set(m.due_on),
            achieved_on: Set(None),
            income_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The deal's territories as stored.
pub fn territories_of(d: &deal::Model) -> Vec<String> {
    d.territories
        .as_ref()
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// The deal's royalty tiers as stored.
pub fn tiers_of(d: &deal::Model) -> Vec<RoyaltyTier> {
    d.royalty_tiers
        .as_ref()
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// The deal's diligence obligations as stored.
pub fn diligence_of(d: &deal::Model) -> Vec<Obligation> {
    d.diligence
        .as_ref()
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// The royalty the deal's terms put on `net_sales` for one period (tiers, else the flat rate).
pub fn royalty_on(d: &deal::Model, net_sales: i64) -> Option<i64> {
    terms::royalty_due(net_sales, &tiers_of(d), d.royalty_bp)
}

fn scope_of(d: &deal::Model) -> Option<Scope> {
    Some(Scope {
        exclusivity: terms::exclusivity_of(d.kind, d.exclusivity)?,
        field_of_use: d.field_of_use.clone(),
        territories: territories_of(d),
        term: (d.effective_on.or(d.signed_on), d.expires_on),
    })
}

/// What signing `deal` (already updated to SIGNED, `signed_on` set) does, in the signing
/// transaction: no other signed licence of the technology may conflict with it (CONFLICT,
/// naming the licence in the way only if the actor may see it), and the technology becomes
/// LICENSED — recorded in its history (the audit trail) as the deal's move is in the deal's.
pub async fn on_signing(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    deal: &deal::Model,
) -> AppResult<()> {
    let Some(scope) = scope_of(deal) else {
        return Ok(());
    };
    let others = deal::Entity::find()
        .filter(deal::Column::TechnologyId.eq(deal.technology_id))
        .filter(deal::Column::Id.ne(deal.id))
        .filter(deal::Column::Stage.is_in([DealStage::Signed, DealStage::Active]))
        .order_by_asc(deal::Column::Id)
        .all(txn)
        .await?;
    for other in others {
        let Some(theirs) = scope_of(&other) else {
            continue;
        };
        if !terms::conflict(&scope, &theirs) {
            continue;
        }
        let seen = policy::visible::<deal::Entity>(actor)
            .filter(deal::Column::Id.eq(other.id))
            .one(txn)
            .await?
            .is_some();
        let message = if seen {
            let to = match other.recipient_institution_id {
                Some(id) => institution::Entity::find_by_id(id)
                    .one(txn)
                    .await?
                    .map(|i| i.slug)
                    .unwrap_or_default(),
                None => other.recipient_external_name.clone().unwrap_or_default(),
            };
            format!(
                "the {} licence to {to}{} covers an overlapping field of use, territory and term",
                theirs.exclusivity.to_value(),
                other
                    .signed_on
                    .map(|d| format!(" signed on {d}"))
                    .unwrap_or_default(),
            )
        } else {
            "another signed licence of this technology covers an overlapping field of use, territory and term".into()
        };
        return Err(AppError::Conflict {
            field: Some("to".into()),
            message,
        });
    }
    if !matches!(
        deal.kind,
        DealKind::ExclusiveLicense | DealKind::NonExclusiveLicense
    ) {
        return Ok(());
    }
    let Some(tech) = technology::Entity::find_by_id(deal.technology_id)
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    use TechnologyStage::*;
    if matches!(tech.stage, Disclosed | Assessment | Protection | Marketing) {
        let am = technology::ActiveModel {
            stage: Set(Licensed),
            ..Default::default()
        };
        update_versioned::<technology::Entity, _>(txn, tech.id, tech.version, am).await?;
        audit::record(
            txn,
            actor,
            Some(tech.owner_id),
            "technology.transition",
            "Technology",
            tech.id,
            json!({ "from": tech.stage, "to": Licensed, "dealId": deal.id }),
        )
        .await?;
    }
    Ok(())
}

/// Marks a milestone achieved on `achieved_on` — the provider only — and, if `record_income`,
/// records its amount as MILESTONE income on the (signed) deal in the same transaction.
pub async fn achieve_milestone(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    achieved_on: NaiveDate,
    record_income: bool,
) -> AppResult<Uuid> {
    check_not_future("achievedOn", achieved_on)?;
    let txn = crate::service::txn::begin_write(db).await?;
    let milestone =
        policy::find_visible::<deal_milestone::Entity>(&txn, actor, id, "milestone").await?;
    let deal = policy::find_visible::<deal::Entity>(&txn, actor, milestone.deal_id, "deal").await?;
    policy::ensure_deal_provider(actor, &deal)?;
    if milestone.achieved_on.is_some() {
        return Err(AppError::bad_input(
            "id",
            "the milestone is already achieved",
        ));
    }
    let income_id = if record_income && milestone.amount > 0 {
        if !deal.stage.is_signed() {
            return Err(AppError::bad_input(
                "recordIncome",
                "income is recorded on signed deals only",
            ));
        }
        Some(
            royalty::insert_income(
                &txn,
                actor,
                &deal,
                IncomeKind::Milestone,
                milestone.amount,
                achieved_on,
            )
            .await?,
        )
    } else {
        None
    };
    let am = deal_milestone::ActiveModel {
        achieved_on: Set(Some(achieved_on)),
        income_id: Set(income_id),
        ..Default::default()
    };
    update_versioned::<deal_milestone::Entity, _>(&txn, id, milestone.version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(deal.provider_id),
        "dealMilestone.achieve",
        "DealMilestone",
        id,
        json!({ "dealId": deal.id, "achievedOn": achieved_on, "incomeId": income_id }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The annual minimum royalties still expected under a signed licence: each licence year ended
/// whose reported royalties (reports not disputed, counted in the year their period ends) and
/// annual-minimum payments fall short of the minimum.
pub async fn expected_incomes(
    db: &impl ConnectionTrait,
    d: &deal::Model,
) -> AppResult<Vec<Shortfall>> {
    let (Some(minimum), Some(start)) = (d.annual_minimum, d.effective_on.or(d.signed_on)) else {
        return Ok(Vec::new());
    };
    if !d.stage.is_signed() {
        return Ok(Vec::new());
    }
    let royalties: Vec<(NaiveDate, i64)> = royalty_report::Entity::find()
        .filter(royalty_report::Column::DealId.eq(d.id))
        .filter(royalty_report::Column::Status.ne(RoyaltyReportStatus::Disputed))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.period_end, r.royalty_due))
        .collect();
    let payments: Vec<(NaiveDate, i64)> = income::Entity::find()
        .filter(income::Column::DealId.eq(d.id))
        .filter(income::Column::Kind.eq(IncomeKind::AnnualMinimum))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.received_on, i.amount))
        .collect();
    Ok(terms::annual_minimum_shortfalls(
        start,
        d.expires_on,
        Utc::now().date_naive(),
        minimum,
        d.payment_days.unwrap_or(0).max(0) as u32,
        &royalties,
        &payments,
    ))
}
