//! Money under a deal: royalty reports (submitted by the recipient, decided by the provider),
//! income received, and the facts an income's distribution is computed from.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{
    api_token, deal,
    enums::{DealStage, IncomeKind, RoyaltyReportStatus},
    income, institution, ip_asset, ip_ownership, royalty_report, technology, technology_inventor,
    user,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy,
    service::{
        audit,
        deal::{check_currency, check_not_future},
        distribution::{AssetOwners, Basis},
        update_versioned,
    },
};

/// A licensee's report for a period.
#[derive(Debug, Clone)]
pub struct NewRoyaltyReport {
    pub deal_id: Uuid,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// (minor units, currency).
    pub net_sales: (i64, String),
    /// (minor units, currency).
    pub royalty_due: (i64, String),
}

/// Serialises writes to one deal's reports: a no-op update takes the deal's row lock
/// (PostgreSQL) or the write lock (SQLite) before anything is read, so two overlapping reports
/// submitted at once cannot both pass the overlap check.
async fn lock_deal(txn: &impl ConnectionTrait, deal_id: Uuid) -> AppResult<()> {
    deal::Entity::update_many()
        .col_expr(deal::Column::Version, Expr::col(deal::Column::Version))
        .filter(deal::Column::Id.eq(deal_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Submits a royalty report: the recipient institution only, on a `SIGNED` or `ACTIVE` deal, in
/// the deal's currency, for a period that overlaps no other report still standing (disputed
/// reports may be replaced).
pub async fn submit(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewRoyaltyReport,
) -> AppResult<crate::service::txn::Written<entity::royalty_report::Model>> {
    if input.period_end < input.period_start {
        return Err(AppError::bad_input(
            "periodEnd",
            "the period ends before it starts",
        ));
    }
    let txn = crate::service::txn::begin_write(db).await?;
    lock_deal(&txn, input.deal_id).await?;
    let deal = policy::find_visible::<deal::Entity>(&txn, actor, input.deal_id, "deal").await?;
    policy::ensure_deal_recipient(actor, &deal)?;
    if !matches!(deal.stage, DealStage::Signed | DealStage::Active) {
        return Err(AppError::bad_input(
            "dealId",
            "royalty reports are submitted on SIGNED or ACTIVE deals",
        ));
    }
    check_currency("netSales", &input.net_sales.1, &deal.currency)?;
    check_currency("royaltyDue", &input.royalty_due.1, &deal.currency)?;
    let overlapping = royalty_report::Entity::find()
        .filter(royalty_report::Column::DealId.eq(deal.id))
        .filter(royalty_report::Column::Status.ne(RoyaltyReportStatus::Disputed))
        .filter(royalty_report::Column::PeriodStart.lte(input.period_end))
        .filter(royalty_report::Column::PeriodEnd.gte(input.period_start))
        .count(&txn)
        .await?;
    if overlapping > 0 {
        return Err(AppError::Conflict {
            field: Some("periodStart".into()),
            message: "a report for an overlapping period already exists".into(),
        });
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    royalty_report::ActiveModel {
        id: Set(id),
        deal_id: Set(deal.id),
        period_start: Set(input.period_start),
        period_end: Set(input.period_end),
        net_sales: Set(input.net_sales.0),
        royalty_due: Set(input.royalty_due.0),
        currency: Set(deal.currency.clone()),
        submitted_by: Set(actor.user_id),
        submitted_by_api_token_id: Set(actor.api_token_id),
        status: Set(RoyaltyReportStatus::Submitted),
        decided_at: Set(None),
        dispute_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        // A licensee's report lands in its provider's trail: the provider manages the licensee.
        actor
            .institution_id()
            .or_else(|| actor.licensee().map(|_| deal.provider_id)),
        "royaltyReport.submit",
        "RoyaltyReport",
        id,
        json!({
            "dealId": deal.id,
            "periodStart": input.period_start,
            "periodEnd": input.period_end,
            "netSales": input.net_sales.0,
            "royaltyDue": input.royalty_due.0,
            // What the terms put on these sales, so the trail (and every consumer of the
            // event) shows a discrepancy as it came in.
            "expectedRoyaltyDue": crate::service::licence::royalty_on(&deal, input.net_sales.0),
            "currency": deal.currency,
        }),
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::royalty_report::Entity>(txn, actor, id).await
}

/// Who submitted a report, as the report shows it: a user's display name or an API token's name,
/// and the institution either acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitter {
    pub name: String,
    /// The institution it acts for; `None` for a licensee's account or token.
    pub institution_id: Option<Uuid>,
    /// The licensee organisation a licensee's account or token acts for.
    pub organization_id: Option<Uuid>,
}

/// The submitters among `ids` (users' ids, or API tokens' with `api_tokens`), by id.
///
/// Deliberately read WITHOUT the viewer's row filter: whoever may see a report may see who
/// sent it, as a deal's history names its actors to the deal's parties; callers gate on the
/// report's own visibility. Only names and institutions leave this function — never e-mail
/// addresses, scopes or the token's prefix.
pub async fn submitters(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    api_tokens: bool,
) -> AppResult<HashMap<Uuid, Submitter>> {
    let ids = ids.iter().copied();
    Ok(if api_tokens {
        api_token::Entity::find()
            .filter(api_token::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                let s = Submitter {
                    name: t.name,
                    institution_id: t.institution_id,
                    organization_id: t.organization_id,
                };
                (t.id, s)
            })
            .collect()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| {
                let s = Submitter {
                    name: u.display_name,
                    institution_id: u.institution_id,
                    organization_id: u.organization_id,
                };
                (u.id, s)
            })
            .collect()
    })
}

/// Accepts or disputes a submitted report: the provider only, once. A dispute says why
/// (`reason`, required then and only then), so the licensee can send a corrected report.
pub async fn decide(
    db: &DatabaseConnection,
    actor: &Principal,
    id: Uuid,
    status: RoyaltyReportStatus,
    reason: Option<String>,
) -> AppResult<()> {
    if status == RoyaltyReportStatus::Submitted {
        return Err(AppError::bad_input("status", "decide ACCEPTED or DISPUTED"));
    }
    let txn = crate::service::txn::begin_write(db).await?;
    let report =
        policy::find_visible::<royalty_report::Entity>(&txn, actor, id, "royalty report").await?;
    let deal = policy::find_visible::<deal::Entity>(&txn, actor, report.deal_id, "deal").await?;
    policy::ensure_deal_provider(actor, &deal)?;
    // Checked after the visibility and party checks, so outsiders learn nothing from it.
    let reason = reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    match (status, &reason) {
        (RoyaltyReportStatus::Disputed, None) => {
            return Err(AppError::bad_input(
                "reason",
                "say why the report is disputed",
            ));
        }
        (RoyaltyReportStatus::Accepted, Some(_)) => {
            return Err(AppError::bad_input(
                "reason",
                "only a dispute takes a reason",
            ));
        }
        _ => {}
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        return Err(AppError::bad_input("reason", "at most 2000 characters"));
    }
    if report.status != RoyaltyReportStatus::Submitted {
        return Err(AppError::bad_input(
            "status",
            format!(
                "the report is already {}; only SUBMITTED reports are decided",
                sea_orm::ActiveEnum::to_value(&report.status)
            ),
        ));
    }
    let am = royalty_report::ActiveModel {
        status: Set(status),
        decided_at: Set(Some(Utc::now())),
        dispute_reason: Set(reason.clone()),
        ..Default::default()
    };
    update_versioned::<royalty_report::Entity, _>(&txn, id, report.version, am).await?;
    audit::record(
        &txn,
        actor,
        Some(deal.provider_id),
        "royaltyReport.decide",
        "RoyaltyReport",
        id,
        json!({ "dealId": deal.id, "status": status, "reason": reason }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Money received under a deal.
#[derive(Debug, Clone)]
pub struct NewIncome {
    pub deal_id: Uuid,
    pub kind: IncomeKind,
    /// (minor units, currency).
    pub amount: (i64, String),
    pub received_on: NaiveDate,
}

/// Records income: the provider only, on a signed deal, in the deal's currency.
pub async fn record_income(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewIncome,
) -> AppResult<crate::service::txn::Written<entity::income::Model>> {
    if input.amount.0 <= 0 {
        return Err(AppError::bad_input("amount", "income is a positive amount"));
    }
    check_not_future("receivedOn", input.received_on)?;
    let txn = crate::service::txn::begin_write(db).await?;
    let deal = policy::find_visible::<deal::Entity>(&txn, actor, input.deal_id, "deal").await?;
    policy::ensure_deal_provider(actor, &deal)?;
    if !deal.stage.is_signed() {
        return Err(AppError::bad_input(
            "dealId",
            "income is recorded on signed deals only",
        ));
    }
    check_currency("amount", &input.amount.1, &deal.currency)?;
    let id = insert_income(
        &txn,
        actor,
        &deal,
        input.kind,
        input.amount.0,
        input.received_on,
    )
    .await?;
    crate::service::txn::commit_and_show::<entity::income::Entity>(txn, actor, id).await
}

/// Writes an income row on `deal` (in its currency) with its audit event, in `txn`; the caller
/// has checked who may record it.
pub async fn insert_income(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    deal: &deal::Model,
    kind: IncomeKind,
    amount: i64,
    received_on: NaiveDate,
) -> AppResult<Uuid> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    income::ActiveModel {
        id: Set(id),
        deal_id: Set(deal.id),
        kind: Set(kind),
        amount: Set(amount),
        currency: Set(deal.currency.clone()),
        received_on: Set(received_on),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        Some(deal.provider_id),
        "income.record",
        "Income",
        id,
        json!({
            "dealId": deal.id,
            "kind": kind,
            "amount": amount,
            "currency": deal.currency,
            "receivedOn": received_on,
        }),
    )
    .await?;
    Ok(id)
}

/// What an income on a technology is split by, and who co-owns the technology's IP (any of its
/// assets, whatever its status: who may see the co-owner's part of the split).
#[derive(Clone, Debug)]
pub struct IncomeBasis {
    pub basis: Basis,
    pub co_owners: Vec<Uuid>,
}

/// The distribution bases of several technologies, in a fixed number of queries.
///
/// Deliberately read WITHOUT the viewer's row filter: an income's split must be the same for
/// every viewer who may see the income (its deal's parties), even if some of the rights behind
/// it (an unpublished co-owned filing, say) are hidden from one of them. Callers gate on the
/// income's own visibility; only ids, shares and amounts leave this function.
pub async fn distribution_bases(
    db: &impl ConnectionTrait,
    technology_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, IncomeBasis>> {
    let technologies = technology::Entity::find()
        .filter(technology::Column::Id.is_in(technology_ids.iter().copied()))
        .all(db)
        .await?;
    let owners: HashMap<Uuid, i32> = institution::Entity::find()
        .filter(institution::Column::Id.is_in(technologies.iter().map(|t| t.owner_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.inventor_share_bp))
        .collect();
    let mut inventors: HashMap<Uuid, Vec<(Uuid, i32)>> = HashMap::new();
    for row in technology_inventor::Entity::find()
        .filter(technology_inventor::Column::TechnologyId.is_in(technology_ids.iter().copied()))
        .order_by_asc(technology_inventor::Column::Id)
        .all(db)
        .await?
    {
        inventors
            .entry(row.technology_id)
            .or_default()
            .push((row.person_id, row.share_bp));
    }
    let assets = ip_asset::Entity::find()
        .filter(ip_asset::Column::TechnologyId.is_in(technology_ids.iter().copied()))
        .order_by_asc(ip_asset::Column::Id)
        .all(db)
        .await?;
    let mut owners_of: HashMap<Uuid, Vec<(Uuid, i32)>> = HashMap::new();
    for row in ip_ownership::Entity::find()
        .filter(ip_ownership::Column::IpAssetId.is_in(assets.iter().map(|a| a.id)))
        .all(db)
        .await?
    {
        owners_of
            .entry(row.ip_asset_id)
            .or_default()
            .push((row.institution_id, row.share_bp));
    }
    let mut co_owners: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for a in &assets {
        let of_tech = co_owners.entry(a.technology_id).or_default();
        for (inst, _) in owners_of.get(&a.id).into_iter().flatten() {
            if !of_tech.contains(inst) {
                of_tech.push(*inst);
            }
        }
    }
    let mut assets_of: HashMap<Uuid, Vec<AssetOwners>> = HashMap::new();
    for a in assets {
        assets_of
            .entry(a.technology_id)
            .or_default()
            .push(AssetOwners {
                status: a.status,
                owners: owners_of.remove(&a.id).unwrap_or_default(),
            });
    }
    Ok(technologies
        .into_iter()
        .map(|t| {
            let basis = Basis::new(
                t.owner_id,
                owners.get(&t.owner_id).copied().unwrap_or(5000),
                inventors.remove(&t.id).unwrap_or_default(),
                &assets_of.remove(&t.id).unwrap_or_default(),
            );
            let co_owners = co_owners.remove(&t.id).unwrap_or_default();
            (t.id, IncomeBasis { basis, co_owners })
        })
        .collect())
}
