//! Patent costs: what an IP asset cost its owners, what licensees reimbursed of it, and each
//! institution's distribution policy, which decides whether income recovers the unreimbursed
//! costs before it is distributed ([`super::net_income`]).
//!
//! - **Costs** are recorded per asset by an owner's institution admin: kind, money, date, note.
//!   Official fees paid by marking a deadline done (`service::docket`) are costs too, read from
//!   the deadline's record: one source of truth, never copied, so never counted twice.
//! - **Reimbursements** are recorded per asset by the same admins, each linked to a signed deal
//!   on the asset's technology (the licensee that paid).
//! - Totals are per currency; nothing is ever summed across currencies.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use entity::{
    deadline_record, deal, distribution_policy,
    enums::{DistributionPolicy, IncomeKind, IpCostKind},
    income, ip_asset, ip_cost, ip_reimbursement, technology,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy,
    service::{
        audit,
        deal::check_not_future,
        ip::owners_of,
        money, net_income,
        net_income::{Deduction, IncomeEntry},
        text,
    },
};

const NOTE_MAX: usize = 2000;

/// A cost to record.
#[derive(Debug, Clone)]
pub struct NewCost {
    pub ip_asset_id: Uuid,
    pub kind: IpCostKind,
    /// (minor units, currency).
    pub amount: (i64, String),
    pub incurred_on: NaiveDate,
    pub note: Option<String>,
    /// The owner that paid it: the viewer's institution unless a center admin names another.
    pub paid_by: Option<Uuid>,
}

/// A licensee's reimbursement to record.
#[derive(Debug, Clone)]
pub struct NewReimbursement {
    pub ip_asset_id: Uuid,
    pub deal_id: Uuid,
    /// (minor units, currency).
    pub amount: (i64, String),
    pub received_on: NaiveDate,
    pub note: Option<String>,
}

fn check_amount(field: &str, amount: &(i64, String)) -> AppResult<()> {
    money::minor_units(&amount.1, field)?;
    if amount.0 <= 0 {
        return Err(AppError::bad_input(field, "a positive amount"));
    }
    Ok(())
}

/// The asset (visible to `actor`, else NOT_FOUND) and its owners, once `actor` is one of their
/// institution admins (else FORBIDDEN).
async fn asset_for_admin(
    txn: &impl ConnectionTrait,
    actor: &Principal,
    asset_id: Uuid,
) -> AppResult<(ip_asset::Model, Vec<Uuid>)> {
    let asset = policy::find_visible::<ip_asset::Entity>(txn, actor, asset_id, "IP asset").await?;
    let (owners, _) = owners_of(txn, asset_id).await?;
    // Co-owners only see that the asset has costs at all; others are told what they could
    // learn from the asset already: that they do not own it.
    policy::ensure_cost_admin(actor, &owners)?;
    Ok((asset, owners))
}

/// Records a cost of an IP asset.
pub async fn record_cost(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewCost,
) -> AppResult<crate::service::txn::Written<ip_cost::Model>> {
    policy::ensure_writer(actor, crate::auth::scope::IP_WRITE)?;
    let txn = super::txn::begin_write(db).await?;
    let (asset, owners) = asset_for_admin(&txn, actor, input.ip_asset_id).await?;
    check_amount("amount", &input.amount)?;
    check_not_future("incurredOn", input.incurred_on)?;
    let note = text::optional("note", input.note.as_deref(), NOTE_MAX)?;
    let paid_by = match input.paid_by {
        Some(inst) if !owners.contains(&inst) => {
            return Err(AppError::bad_input(
                "paidById",
                "the cost is paid by one of the asset's owners",
            ));
        }
        Some(inst) if actor.is_center_admin() || actor.institution_id() == Some(inst) => inst,
        Some(_) => {
            return Err(AppError::Forbidden(
                "`paidById`: only a center admin records costs for another owner".into(),
            ));
        }
        None => match actor.institution_id().filter(|i| owners.contains(i)) {
            Some(own) => own,
            None => {
                return Err(AppError::bad_input(
                    "paidById",
                    "name the owner institution that paid",
                ));
            }
        },
    };
    let now = Utc::now();
    let id = Uuid::now_v7();
    ip_cost::ActiveModel {
        id: Set(id),
        ip_asset_id: Set(asset.id),
        institution_id: Set(paid_by),
        kind: Set(input.kind),
        amount: Set(input.amount.0),
        currency: Set(input.amount.1.clone()),
        incurred_on: Set(input.incurred_on),
        note: Set(note.clone()),
        recorded_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Some(paid_by),
        "ipCost.record",
        "IpCost",
        id,
        json!({
            "ipAssetId": asset.id, "kind": input.kind, "amount": input.amount.0,
            "currency": input.amount.1, "incurredOn": input.incurred_on, "note": note,
        }),
    )
    .await?;
    super::txn::commit_and_show::<ip_cost::Entity>(txn, actor, id).await
}

/// Deletes a recorded cost (admins of the asset's owners). An official fee recorded on a
/// deadline is changed there, not here.
pub async fn delete_cost(db: &DatabaseConnection, actor: &Principal, id: Uuid) -> AppResult<()> {
    policy::ensure_writer(actor, crate::auth::scope::IP_WRITE)?;
    let txn = super::txn::begin_write(db).await?;
    let Some(cost) = policy::visible::<ip_cost::Entity>(actor)
        .filter(ip_cost::Column::Id.eq(id))
        .one(&txn)
        .await?
    else {
        // An official fee of a deadline marked done has the deadline record's id.
        let record = policy::visible::<deadline_record::Entity>(actor)
            .filter(deadline_record::Column::Id.eq(id))
            .one(&txn)
            .await?;
        if let Some(record) = record {
            let (owners, _) = owners_of(&txn, record.ip_asset_id).await?;
            if policy::may_see_costs(actor, &owners) {
                return Err(AppError::bad_input(
                    "id",
                    "this is the official fee paid on a deadline marked done: it changes with \
                     the deadline's record",
                ));
            }
        }
        return Err(AppError::NotFound("IP cost"));
    };
    let (owners, _) = owners_of(&txn, cost.ip_asset_id).await?;
    policy::ensure_cost_admin(actor, &owners)?;
    ip_cost::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        Some(cost.institution_id),
        "ipCost.delete",
        "IpCost",
        id,
        json!({
            "ipAssetId": cost.ip_asset_id, "kind": cost.kind, "amount": cost.amount,
            "currency": cost.currency, "incurredOn": cost.incurred_on,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Records a licensee's reimbursement of an asset's costs, under a signed deal on the asset's
/// technology.
pub async fn record_reimbursement(
    db: &DatabaseConnection,
    actor: &Principal,
    input: NewReimbursement,
) -> AppResult<crate::service::txn::Written<ip_reimbursement::Model>> {
    policy::ensure_writer(actor, crate::auth::scope::IP_WRITE)?;
    let txn = super::txn::begin_write(db).await?;
    let (asset, owners) = asset_for_admin(&txn, actor, input.ip_asset_id).await?;
    check_amount("amount", &input.amount)?;
    check_not_future("receivedOn", input.received_on)?;
    let note = text::optional("note", input.note.as_deref(), NOTE_MAX)?;
    let deal = policy::find_visible::<deal::Entity>(&txn, actor, input.deal_id, "deal")
        .await
        .map_err(|_| AppError::bad_input("dealId", "no such deal"))?;
    if deal.technology_id != asset.technology_id {
        return Err(AppError::bad_input(
            "dealId",
            "the deal licenses another technology than the asset protects",
        ));
    }
    if !deal.stage.is_signed() {
        return Err(AppError::bad_input(
            "dealId",
            "reimbursements are paid under signed deals",
        ));
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    ip_reimbursement::ActiveModel {
        id: Set(id),
        ip_asset_id: Set(asset.id),
        deal_id: Set(deal.id),
        amount: Set(input.amount.0),
        currency: Set(input.amount.1.clone()),
        received_on: Set(input.received_on),
        note: Set(note.clone()),
        recorded_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    let principal = actor
        .institution_id()
        .filter(|i| owners.contains(i))
        .or(owners.first().copied());
    audit::record(
        &txn,
        actor,
        principal,
        "ipReimbursement.record",
        "IpReimbursement",
        id,
        json!({
            "ipAssetId": asset.id, "dealId": deal.id, "amount": input.amount.0,
            "currency": input.amount.1, "receivedOn": input.received_on, "note": note,
        }),
    )
    .await?;
    super::txn::commit_and_show::<ip_reimbursement::Entity>(txn, actor, id).await
}

/// One cost of an asset as listed: recorded here, or the official fee of a deadline marked done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostLine {
    /// The `ip_costs` row, or the `deadline_records` row the fee was recorded on.
    pub id: Uuid,
    pub ip_asset_id: Uuid,
    pub kind: IpCostKind,
    pub amount: i64,
    pub currency: String,
    pub incurred_on: NaiveDate,
    pub note: Option<String>,
    /// The owner that paid (recorded costs only).
    pub paid_by: Option<Uuid>,
    /// The deadline's act (`ANNUITY.CN.5`) for an official fee paid through the docket.
    pub deadline_act: Option<String>,
}

impl From<ip_cost::Model> for CostLine {
    fn from(c: ip_cost::Model) -> Self {
        CostLine {
            id: c.id,
            ip_asset_id: c.ip_asset_id,
            kind: c.kind,
            amount: c.amount,
            currency: c.currency,
            incurred_on: c.incurred_on,
            note: c.note,
            paid_by: Some(c.institution_id),
            deadline_act: None,
        }
    }
}

impl CostLine {
    /// The official fee of a deadline record, if one was paid.
    pub fn of_record(r: &deadline_record::Model) -> Option<CostLine> {
        Some(CostLine {
            id: r.id,
            ip_asset_id: r.ip_asset_id,
            kind: IpCostKind::OfficialFee,
            amount: r.fee_amount?,
            currency: r.fee_currency.clone()?,
            incurred_on: r.acted_on,
            note: r.note.clone(),
            paid_by: None,
            deadline_act: Some(r.act.clone()),
        })
    }
}

/// Costs, reimbursements and what is still unrecovered, in one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrencyTotal {
    pub costs: i64,
    pub reimbursed: i64,
}

/// Totals per currency (sorted by currency code); never summed across currencies.
pub fn totals(
    costs: &[CostLine],
    reimbursements: &[ip_reimbursement::Model],
) -> BTreeMap<String, CurrencyTotal> {
    let mut out: BTreeMap<String, CurrencyTotal> = BTreeMap::new();
    for c in costs {
        let t = out.entry(c.currency.clone()).or_default();
        t.costs = t.costs.saturating_add(c.amount);
    }
    for r in reimbursements {
        let t = out.entry(r.currency.clone()).or_default();
        t.reimbursed = t.reimbursed.saturating_add(r.amount);
    }
    out
}

/// An institution's distribution policy (GROSS in cash without a row).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    pub policy: DistributionPolicy,
    pub equity_as_shares: bool,
}

/// The policies of `institutions`.
pub async fn policies(
    db: &impl ConnectionTrait,
    institutions: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, Policy>> {
    Ok(distribution_policy::Entity::find()
        .filter(distribution_policy::Column::InstitutionId.is_in(institutions))
        .all(db)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.institution_id,
                Policy {
                    policy: p.policy,
                    equity_as_shares: p.equity_as_shares,
                },
            )
        })
        .collect())
}

/// Sets an institution's distribution policy (its institution admins, center admins).
pub async fn set_policy(
    db: &DatabaseConnection,
    actor: &Principal,
    institution: Uuid,
    new: Policy,
) -> AppResult<()> {
    policy::ensure_account_admin(actor, institution)?;
    let txn = super::txn::begin_write(db).await?;
    entity::institution::Entity::find_by_id(institution)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("institution"))?;
    let now = Utc::now();
    match distribution_policy::Entity::find_by_id(institution)
        .one(&txn)
        .await?
    {
        Some(current) => {
            distribution_policy::ActiveModel {
                institution_id: Set(institution),
                policy: Set(new.policy),
                equity_as_shares: Set(new.equity_as_shares),
                updated_at: Set(now),
                version: Set(current.version + 1),
                ..Default::default()
            }
            .update(&txn)
            .await?;
        }
        None => {
            distribution_policy::ActiveModel {
                institution_id: Set(institution),
                policy: Set(new.policy),
                equity_as_shares: Set(new.equity_as_shares),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        actor,
        Some(institution),
        "institution.setDistributionPolicy",
        "Institution",
        institution,
        json!({ "policy": new.policy, "equityAsShares": new.equity_as_shares }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// How the incomes of one technology are distributed: its owner's policy and, under
/// `NET_OF_UNREIMBURSED_COSTS`, what each cash income deducted.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub policy: Policy,
    /// By income id (incomes distributed in cash under the net policy only).
    pub deductions: HashMap<Uuid, Deduction>,
}

impl Ledger {
    /// Whether an income of `kind` is distributed as shares of the equity received.
    pub fn in_shares(&self, kind: IncomeKind) -> bool {
        kind == IncomeKind::Equity && self.policy.equity_as_shares
    }
}

/// The ledgers of several technologies, in a fixed number of statements.
///
/// Read WITHOUT the viewer's row filter, as `royalty::distribution_bases` is: an income's split
/// is the provider's accounting and the same for everyone who may see it; only amounts leave.
pub async fn ledgers(
    db: &impl ConnectionTrait,
    technology_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Ledger>> {
    let technologies = technology::Entity::find()
        .filter(technology::Column::Id.is_in(technology_ids.iter().copied()))
        .all(db)
        .await?;
    let policies = policies(db, technologies.iter().map(|t| t.owner_id)).await?;
    let mut out: HashMap<Uuid, Ledger> = technologies
        .iter()
        .map(|t| {
            let policy = policies.get(&t.owner_id).copied().unwrap_or_default();
            (
                t.id,
                Ledger {
                    policy,
                    deductions: HashMap::new(),
                },
            )
        })
        .collect();
    let net: Vec<Uuid> = out
        .iter()
        .filter(|(_, l)| l.policy.policy == DistributionPolicy::NetOfUnreimbursedCosts)
        .map(|(id, _)| *id)
        .collect();
    if net.is_empty() {
        return Ok(out);
    }
    let assets: HashMap<Uuid, Uuid> = ip_asset::Entity::find()
        .filter(ip_asset::Column::TechnologyId.is_in(net.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.technology_id))
        .collect();
    // (technology, currency) → dated amounts.
    type Dated = HashMap<(Uuid, String), Vec<(NaiveDate, i64)>>;
    let mut costs: Dated = HashMap::new();
    for c in ip_cost::Entity::find()
        .filter(ip_cost::Column::IpAssetId.is_in(assets.keys().copied()))
        .all(db)
        .await?
    {
        costs
            .entry((assets[&c.ip_asset_id], c.currency))
            .or_default()
            .push((c.incurred_on, c.amount));
    }
    for r in deadline_record::Entity::find()
        .filter(deadline_record::Column::IpAssetId.is_in(assets.keys().copied()))
        .filter(deadline_record::Column::FeeAmount.is_not_null())
        .all(db)
        .await?
    {
        if let Some(line) = CostLine::of_record(&r) {
            costs
                .entry((assets[&r.ip_asset_id], line.currency))
                .or_default()
                .push((line.incurred_on, line.amount));
        }
    }
    let mut reimbursed: Dated = HashMap::new();
    for r in ip_reimbursement::Entity::find()
        .filter(ip_reimbursement::Column::IpAssetId.is_in(assets.keys().copied()))
        .all(db)
        .await?
    {
        reimbursed
            .entry((assets[&r.ip_asset_id], r.currency))
            .or_default()
            .push((r.received_on, r.amount));
    }
    let deals: HashMap<Uuid, Uuid> = deal::Entity::find()
        .filter(deal::Column::TechnologyId.is_in(net.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.technology_id))
        .collect();
    let mut incomes: HashMap<(Uuid, String), Vec<IncomeEntry>> = HashMap::new();
    for i in income::Entity::find()
        .filter(income::Column::DealId.is_in(deals.keys().copied()))
        .order_by_asc(income::Column::Id)
        .all(db)
        .await?
    {
        let tech = deals[&i.deal_id];
        if out.get(&tech).is_some_and(|l| l.in_shares(i.kind)) {
            continue;
        }
        incomes
            .entry((tech, i.currency))
            .or_default()
            .push(IncomeEntry {
                id: i.id,
                received_on: i.received_on,
                amount: i.amount,
            });
    }
    for (key, entries) in incomes {
        let none = Vec::new();
        let d = net_income::deductions(
            costs.get(&key).unwrap_or(&none),
            reimbursed.get(&key).unwrap_or(&none),
            &entries,
        );
        if let Some(ledger) = out.get_mut(&key.0) {
            ledger
                .deductions
                .extend(d.into_iter().map(|x| (x.income, x)));
        }
    }
    Ok(out)
}
