//! Cross-border flows: the region × region matrix and the institution × institution list. Each
//! flow runs as one aggregate per level, grouped by the pair (A, B) of the two sides' regions
//! or institutions; only pairs in different regions are kept. Deals, their income and training
//! go one way (provider → recipient, home → host, lead → founder's institution); co-ownership
//! and co-invention go both ways, so such a pair appears as (A, B) and as (B, A).

use std::collections::BTreeMap;

use sea_orm::{
    Condition, ConnectionTrait,
    sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, SimpleExpr},
};

use entity::{
    deal, enrollment, income, institution, ip_asset, ip_ownership, person, technology,
    technology_inventor, training_program, venture, venture_founder,
};

use super::{
    Scope,
    figures::{Figure, MoneyFigure, suppressed},
};
use crate::{error::AppResult, policy::statistics as rule};

const A: &str = "from_inst";
const B: &str = "to_inst";

/// Whether cells are pairs of regions or of institutions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Region,
    Institution,
}

/// One cell: the flows from `from` to `to` (region names or institution slugs).
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub from: String,
    pub to: String,
    /// Deals signed in the period, and their contract values per currency.
    pub deals: Figure,
    /// Income received in the period (count of incomes, sums per currency).
    pub income: Figure,
    pub co_owned_ip_assets: i64,
    pub co_invented_technologies: i64,
    pub training_participants: i64,
    pub joint_ventures: i64,
}

fn side(alias: &str, column: &str) -> SimpleExpr {
    Expr::col((Alias::new(alias), Alias::new(column)))
}

fn col<T: sea_orm::sea_query::IntoIden, C: sea_orm::sea_query::IntoIden>(t: T, c: C) -> SimpleExpr {
    Expr::col((t, c))
}

fn join_inst(q: &mut SelectStatement, alias: &str, on: SimpleExpr) {
    q.join_as(
        JoinType::InnerJoin,
        institution::Entity,
        Alias::new(alias),
        side(alias, "id").eq(on),
    );
}

/// The conditions every flow shares: different regions, the viewer takes part (unless it sees
/// everything), and the filter's institutions and regions on either side.
fn common(s: &Scope, q: &mut SelectStatement) {
    q.and_where(side(A, "region").ne(side(B, "region")));
    q.cond_where(rule::cross_border_pair(
        s.scope,
        side(A, "id"),
        side(B, "id"),
    ));
    if !s.filter.regions.is_empty() {
        let regions: Vec<String> = s
            .filter
            .regions
            .iter()
            .map(sea_orm::ActiveEnum::to_value)
            .collect();
        q.cond_where(
            Condition::any()
                .add(side(A, "region").is_in(regions.clone()))
                .add(side(B, "region").is_in(regions)),
        );
    }
    if !s.filter.institution_ids.is_empty() {
        let ids = s.filter.institution_ids.clone();
        q.cond_where(
            Condition::any()
                .add(side(A, "id").is_in(ids.clone()))
                .add(side(B, "id").is_in(ids)),
        );
    }
}

fn field_filter(s: &Scope, q: &mut SelectStatement, field: SimpleExpr) {
    if !s.filter.fields.is_empty() {
        q.and_where(field.is_in(s.filter.fields.iter().map(sea_orm::ActiveEnum::to_value)));
    }
}

fn pair_columns(q: &mut SelectStatement, level: Level) {
    let column = match level {
        Level::Region => "region",
        Level::Institution => "slug",
    };
    q.expr_as(side(A, column), Alias::new("a"))
        .expr_as(side(B, column), Alias::new("b"))
        .add_group_by([Expr::col(Alias::new("a")), Expr::col(Alias::new("b"))]);
}

fn bigint(e: impl Into<SimpleExpr>) -> SimpleExpr {
    Func::cast_as(e.into(), Alias::new("BIGINT")).into()
}

/// Deals (provider → recipient institution) with the technology joined; `incomes`: from the
/// deals' incomes instead.
fn deal_flow(s: &Scope, incomes: bool) -> SelectStatement {
    let mut q = Query::select();
    if incomes {
        q.from(income::Entity).join(
            JoinType::InnerJoin,
            deal::Entity,
            col(deal::Entity, deal::Column::Id).eq(col(income::Entity, income::Column::DealId)),
        );
    } else {
        q.from(deal::Entity);
    }
    q.join(
        JoinType::InnerJoin,
        technology::Entity,
        col(technology::Entity, technology::Column::Id)
            .eq(col(deal::Entity, deal::Column::TechnologyId)),
    );
    join_inst(&mut q, A, col(deal::Entity, deal::Column::ProviderId));
    join_inst(
        &mut q,
        B,
        col(deal::Entity, deal::Column::RecipientInstitutionId),
    );
    common(s, &mut q);
    field_filter(
        s,
        &mut q,
        col(technology::Entity, technology::Column::Field),
    );
    q
}

/// Counts and money per pair for deals (`incomes` false) or their incomes.
async fn priced_flow(
    db: &impl ConnectionTrait,
    s: &Scope,
    level: Level,
    incomes: bool,
    cells: &mut BTreeMap<(String, String), Cell>,
) -> AppResult<()> {
    let mut q = deal_flow(s, incomes);
    let (unit, amount, currency, date) = if incomes {
        (
            col(income::Entity, income::Column::Id),
            col(income::Entity, income::Column::Amount),
            col(income::Entity, income::Column::Currency),
            col(income::Entity, income::Column::ReceivedOn),
        )
    } else {
        (
            col(deal::Entity, deal::Column::Id),
            col(deal::Entity, deal::Column::ContractValue),
            col(deal::Entity, deal::Column::Currency),
            col(deal::Entity, deal::Column::SignedOn),
        )
    };
    q.and_where(s.years.contains(date.clone()));
    pair_columns(&mut q, level);
    let priced = Condition::all().add(amount.clone().is_not_null());
    q.expr_as(currency, Alias::new("cur"))
        .expr_as(s.years.year_of(date), Alias::new("k_year"))
        .expr_as(bigint(Func::count_distinct(unit.clone())), Alias::new("n"))
        .expr_as(bigint(Func::sum(amount)), Alias::new("amount"))
        .expr_as(
            bigint(Func::count_distinct(Expr::case(
                priced.clone(),
                unit.clone(),
            ))),
            Alias::new("records"),
        )
        .expr_as(
            bigint(Func::count_distinct(Expr::case(
                priced.add(rule::foreign_deal(s.own)),
                unit,
            ))),
            Alias::new("foreign_records"),
        )
        .add_group_by([
            Expr::col(Alias::new("cur")),
            Expr::col(Alias::new("k_year")),
        ]);
    for row in db.query_all(&q).await? {
        let key = (
            row.try_get::<String>("", "a")?,
            row.try_get::<String>("", "b")?,
        );
        let cell = cells.entry(key.clone()).or_insert_with(|| Cell {
            from: key.0.clone(),
            to: key.1.clone(),
            ..Cell::default()
        });
        let figure = if incomes {
            &mut cell.income
        } else {
            &mut cell.deals
        };
        figure.counts[0] += row.try_get::<Option<i64>>("", "n")?.unwrap_or(0);
        let records = row.try_get::<Option<i64>>("", "records")?.unwrap_or(0);
        if records == 0 {
            continue;
        }
        let currency: String = row.try_get("", "cur")?;
        let year: i32 = row
            .try_get::<Option<i32>>("", "k_year")?
            .unwrap_or_default();
        let amount = row.try_get::<Option<i64>>("", "amount")?.unwrap_or(0);
        let foreign = row
            .try_get::<Option<i64>>("", "foreign_records")?
            .unwrap_or(0);
        let m = match figure.money.iter_mut().position(|m| m.currency == currency) {
            Some(i) => &mut figure.money[i],
            None => {
                figure.money.push(MoneyFigure {
                    currency: currency.clone(),
                    amount: 0,
                    by_year: BTreeMap::new(),
                    records: 0,
                    foreign: 0,
                    suppressed: false,
                });
                figure.money.last_mut().expect("just pushed")
            }
        };
        m.amount += amount;
        *m.by_year.entry(year).or_default() += amount;
        m.records += records;
        m.foreign += foreign;
    }
    Ok(())
}

/// A flow counted as distinct `unit`s per pair; `build` sets FROM and the joins of the two
/// sides `from_inst`/`to_inst`.
async fn counted_flow(
    db: &impl ConnectionTrait,
    s: &Scope,
    level: Level,
    mut q: SelectStatement,
    unit: SimpleExpr,
    cells: &mut BTreeMap<(String, String), Cell>,
    slot: fn(&mut Cell) -> &mut i64,
) -> AppResult<()> {
    common(s, &mut q);
    pair_columns(&mut q, level);
    q.expr_as(bigint(Func::count_distinct(unit)), Alias::new("n"));
    for row in db.query_all(&q).await? {
        let key = (
            row.try_get::<String>("", "a")?,
            row.try_get::<String>("", "b")?,
        );
        let cell = cells.entry(key.clone()).or_insert_with(|| Cell {
            from: key.0.clone(),
            to: key.1.clone(),
            ..Cell::default()
        });
        *slot(cell) += row.try_get::<Option<i64>>("", "n")?.unwrap_or(0);
    }
    Ok(())
}

/// The cross-border cells at `level`, with small-cell protection applied to their money.
pub async fn cells(db: &impl ConnectionTrait, s: &Scope, level: Level) -> AppResult<Vec<Cell>> {
    let mut cells = BTreeMap::new();
    priced_flow(db, s, level, false, &mut cells).await?;
    priced_flow(db, s, level, true, &mut cells).await?;

    // Co-owned IP assets: two owners in different regions, filed in the period.
    let mut q = Query::select();
    q.from(ip_asset::Entity)
        .join_as(
            JoinType::InnerJoin,
            ip_ownership::Entity,
            Alias::new("own_a"),
            side("own_a", "ip_asset_id").eq(col(ip_asset::Entity, ip_asset::Column::Id)),
        )
        .join_as(
            JoinType::InnerJoin,
            ip_ownership::Entity,
            Alias::new("own_b"),
            side("own_b", "ip_asset_id").eq(col(ip_asset::Entity, ip_asset::Column::Id)),
        )
        .join(
            JoinType::InnerJoin,
            technology::Entity,
            col(technology::Entity, technology::Column::Id)
                .eq(col(ip_asset::Entity, ip_asset::Column::TechnologyId)),
        );
    join_inst(&mut q, A, side("own_a", "institution_id"));
    join_inst(&mut q, B, side("own_b", "institution_id"));
    q.and_where(
        s.years
            .contains(col(ip_asset::Entity, ip_asset::Column::FilingDate)),
    );
    field_filter(
        s,
        &mut q,
        col(technology::Entity, technology::Column::Field),
    );
    let unit = col(ip_asset::Entity, ip_asset::Column::Id);
    counted_flow(db, s, level, q, unit, &mut cells, |c| {
        &mut c.co_owned_ip_assets
    })
    .await?;

    // Co-invented technologies: two inventors from different regions, disclosed in the period.
    let mut q = Query::select();
    q.from(technology::Entity);
    for (inv, who, alias) in [("inv_a", "person_a", A), ("inv_b", "person_b", B)] {
        q.join_as(
            JoinType::InnerJoin,
            technology_inventor::Entity,
            Alias::new(inv),
            side(inv, "technology_id").eq(col(technology::Entity, technology::Column::Id)),
        )
        .join_as(
            JoinType::InnerJoin,
            person::Entity,
            Alias::new(who),
            side(who, "id").eq(side(inv, "person_id")),
        );
        join_inst(&mut q, alias, side(who, "institution_id"));
    }
    q.and_where(
        s.years
            .contains(col(technology::Entity, technology::Column::DisclosedOn)),
    );
    field_filter(
        s,
        &mut q,
        col(technology::Entity, technology::Column::Field),
    );
    let unit = col(technology::Entity, technology::Column::Id);
    counted_flow(db, s, level, q, unit, &mut cells, |c| {
        &mut c.co_invented_technologies
    })
    .await?;

    // Training participants (accepted or completed): home institution → host, for programs
    // starting in the period.
    let mut q = Query::select();
    q.from(enrollment::Entity)
        .join(
            JoinType::InnerJoin,
            training_program::Entity,
            col(training_program::Entity, training_program::Column::Id)
                .eq(col(enrollment::Entity, enrollment::Column::ProgramId)),
        )
        .join(
            JoinType::InnerJoin,
            person::Entity,
            col(person::Entity, person::Column::Id)
                .eq(col(enrollment::Entity, enrollment::Column::PersonId)),
        );
    join_inst(
        &mut q,
        A,
        col(person::Entity, person::Column::InstitutionId),
    );
    join_inst(
        &mut q,
        B,
        col(
            training_program::Entity,
            training_program::Column::HostInstitutionId,
        ),
    );
    q.and_where(s.years.contains(col(
        training_program::Entity,
        training_program::Column::StartsOn,
    )))
    .and_where(
        col(enrollment::Entity, enrollment::Column::Status).is_in(["ACCEPTED", "COMPLETED"]),
    );
    field_filter(
        s,
        &mut q,
        col(training_program::Entity, training_program::Column::Field),
    );
    let unit = col(enrollment::Entity, enrollment::Column::Id);
    counted_flow(db, s, level, q, unit, &mut cells, |c| {
        &mut c.training_participants
    })
    .await?;

    // Joint ventures: a founder from another region than the lead institution, founded in
    // the period.
    let mut q = Query::select();
    q.from(venture::Entity)
        .join(
            JoinType::InnerJoin,
            venture_founder::Entity,
            col(venture_founder::Entity, venture_founder::Column::VentureId)
                .eq(col(venture::Entity, venture::Column::Id)),
        )
        .join(
            JoinType::InnerJoin,
            person::Entity,
            col(person::Entity, person::Column::Id).eq(col(
                venture_founder::Entity,
                venture_founder::Column::PersonId,
            )),
        );
    join_inst(
        &mut q,
        A,
        col(venture::Entity, venture::Column::LeadInstitutionId),
    );
    join_inst(
        &mut q,
        B,
        col(person::Entity, person::Column::InstitutionId),
    );
    q.and_where(
        s.years
            .contains(col(venture::Entity, venture::Column::FoundedOn)),
    );
    let unit = col(venture::Entity, venture::Column::Id);
    counted_flow(db, s, level, q, unit, &mut cells, |c| &mut c.joint_ventures).await?;

    let mut out: Vec<Cell> = cells.into_values().collect();
    for cell in &mut out {
        for m in cell
            .deals
            .money
            .iter_mut()
            .chain(cell.income.money.iter_mut())
        {
            m.suppressed = s.protect && suppressed(m.foreign, s.min_cell);
        }
    }
    Ok(out)
}
