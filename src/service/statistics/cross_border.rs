//! Cross-border flows: the region × region matrix and the institution × institution list. Each
//! flow is one statement: its rows once (a common table expression with both sides' regions
//! and institutions), grouped by the pair (A, B) of regions and, in a second branch of a UNION
//! ALL, of institutions; only pairs in different regions are kept. Deals, their income and
//! training go one way (provider → recipient, home → host, lead → founder's institution);
//! co-ownership and co-invention go both ways, so such a pair appears as (A, B) and as (B, A).
//!
//! A deal's recipient outside the consortium (an external organisation, or a venture, which
//! is recorded with its name and country) is placed in the region matrix by its country, as
//! `Deal.recipient` places it; it has no row in the institution list, which pairs institutions.

use std::collections::BTreeMap;

use sea_orm::{
    ActiveEnum, Condition, ConnectionTrait,
    sea_query::{
        Alias, CommonTableExpression, Expr, ExprTrait, Func, JoinType, Query, SelectStatement,
        SimpleExpr, UnionType, WithClause, WithQuery,
    },
};

use entity::{
    deal, enrollment, enums::Region, income, institution, ip_asset, ip_ownership, person,
    technology, technology_inventor, training_program, venture, venture_founder,
};

use super::{
    Scope,
    disclosure::{self, Group},
    figures::{Figure, MoneyFigure, suppressed},
};
use crate::{
    error::AppResult,
    policy::statistics as rule,
    service::deal::{BALKAN_COUNTRIES, YRD_COUNTRIES},
};

const A: &str = "from_inst";
const B: &str = "to_inst";
/// The flow's rows, read once per statement.
const ROWS: &str = "flow_rows";

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
    /// The regions of `from` and `to` (the same as them in the region matrix).
    pub from_region: String,
    pub to_region: String,
    /// Deals signed in the period, and their contract values per currency.
    pub deals: Figure,
    /// Income received in the period (count of incomes, sums per currency).
    pub income: Figure,
    pub co_owned_ip_assets: i64,
    pub co_invented_technologies: i64,
    pub training_participants: i64,
    pub joint_ventures: i64,
}

/// The cells of both levels.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    pub regions: Vec<Cell>,
    pub institutions: Vec<Cell>,
}

impl Flows {
    pub fn level(&self, level: Level) -> &[Cell] {
        match level {
            Level::Region => &self.regions,
            Level::Institution => &self.institutions,
        }
    }
}

fn side(alias: &str, column: &str) -> SimpleExpr {
    Expr::col((Alias::new(alias), Alias::new(column)))
}

fn col<T: sea_orm::sea_query::IntoIden, C: sea_orm::sea_query::IntoIden>(t: T, c: C) -> SimpleExpr {
    Expr::col((t, c))
}

fn rows_col(name: &str) -> SimpleExpr {
    Expr::col((Alias::new(ROWS), Alias::new(name)))
}

fn join_inst(q: &mut SelectStatement, alias: &str, on: SimpleExpr) {
    q.join_as(
        JoinType::InnerJoin,
        institution::Entity,
        Alias::new(alias),
        side(alias, "id").eq(on),
    );
}

fn as_text(e: SimpleExpr) -> SimpleExpr {
    Func::cast_as(e, Alias::new("TEXT")).into()
}

fn bigint(e: impl Into<SimpleExpr>) -> SimpleExpr {
    Func::cast_as(e.into(), Alias::new("BIGINT")).into()
}

/// The region of an organisation outside the consortium from its ISO country code — the rule
/// of [`crate::service::deal::region_of_country`], in SQL.
fn region_of_country(country: SimpleExpr) -> SimpleExpr {
    Expr::case(
        country.clone().is_in(YRD_COUNTRIES.iter().copied()),
        Region::YangtzeRiverDelta.to_value(),
    )
    .case(
        country.is_in(BALKAN_COUNTRIES.iter().copied()),
        Region::BalkanPeninsula.to_value(),
    )
    .finally(Region::Other.to_value())
    .into()
}

/// One flow: FROM and the joins of the two sides `from_inst`/`to_inst`, the sides' regions,
/// what is counted and, for deals and income, what is summed.
struct Flow {
    q: SelectStatement,
    to_region: SimpleExpr,
    unit: SimpleExpr,
    priced: Option<Priced>,
    /// Each unit is one row of `q` (a deal, an income, an enrollment: one provider and one
    /// recipient each), so its counts add up across cells: one aggregate at the finest grain
    /// (the institution pair), rolled up to regions here. False where a unit has several rows
    /// (an asset per pair of co-owners) and each level counts distinct units.
    additive: bool,
}

struct Priced {
    amount: SimpleExpr,
    currency: SimpleExpr,
    date: SimpleExpr,
}

impl Flow {
    /// Both sides are institutions.
    fn between_institutions(q: SelectStatement, unit: SimpleExpr, additive: bool) -> Flow {
        Flow {
            q,
            to_region: side(B, "region"),
            unit,
            priced: None,
            additive,
        }
    }
}

/// The conditions every flow shares: different regions, the viewer takes part (unless it sees
/// everything), and the filter's institutions and regions on either side.
fn common(s: &Scope, q: &mut SelectStatement, to_region: &SimpleExpr) {
    q.and_where(side(A, "region").ne(to_region.clone()));
    q.cond_where(rule::cross_border_pair(
        s.scope,
        side(A, "id"),
        side(B, "id"),
    ));
    if !s.filter.regions.is_empty() {
        let regions: Vec<String> = s.filter.regions.iter().map(ActiveEnum::to_value).collect();
        q.cond_where(
            Condition::any()
                .add(side(A, "region").is_in(regions.clone()))
                .add(to_region.clone().is_in(regions)),
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
        q.and_where(field.is_in(s.filter.fields.iter().map(ActiveEnum::to_value)));
    }
}

/// Only the records of technologies in the filter's fields: the technology (`technology_id`
/// names it) is joined only then, as the join keeps every row otherwise (the column is NOT
/// NULL and a foreign key).
fn with_technology(s: &Scope, q: &mut SelectStatement, technology_id: SimpleExpr) {
    if s.filter.fields.is_empty() {
        return;
    }
    q.join(
        JoinType::InnerJoin,
        technology::Entity,
        col(technology::Entity, technology::Column::Id).eq(technology_id),
    );
    field_filter(s, q, col(technology::Entity, technology::Column::Field));
}

/// Deals (provider → recipient); `incomes`: their incomes instead. The recipient is an institution, or outside the consortium (placed by country).
fn deal_flow(s: &Scope, incomes: bool) -> Flow {
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
    with_technology(s, &mut q, col(deal::Entity, deal::Column::TechnologyId));
    join_inst(&mut q, A, col(deal::Entity, deal::Column::ProviderId));
    q.join_as(
        JoinType::LeftJoin,
        institution::Entity,
        Alias::new(B),
        side(B, "id").eq(col(deal::Entity, deal::Column::RecipientInstitutionId)),
    );
    let to_region = Func::coalesce([
        side(B, "region"),
        region_of_country(col(deal::Entity, deal::Column::RecipientExternalCountry)),
    ])
    .into();
    let priced = if incomes {
        Priced {
            amount: col(income::Entity, income::Column::Amount),
            currency: col(income::Entity, income::Column::Currency),
            date: col(income::Entity, income::Column::ReceivedOn),
        }
    } else {
        Priced {
            amount: col(deal::Entity, deal::Column::ContractValue),
            currency: col(deal::Entity, deal::Column::Currency),
            date: col(deal::Entity, deal::Column::SignedOn),
        }
    };
    q.and_where(s.years.contains(priced.date.clone()));
    Flow {
        q,
        to_region,
        unit: if incomes {
            col(income::Entity, income::Column::Id)
        } else {
            col(deal::Entity, deal::Column::Id)
        },
        priced: Some(priced),
        additive: true,
    }
}

/// Which of a flow's cells a row adds to.
#[derive(Clone, Copy)]
enum Slot {
    Deals,
    Income,
    CoOwned,
    CoInvented,
    Training,
    Ventures,
}

/// Runs `flow` at both levels (one statement) and adds its rows to the cells.
async fn run(
    db: &impl ConnectionTrait,
    s: &Scope,
    flow: Flow,
    slot: Slot,
    cells: &mut [BTreeMap<(String, String), Cell>; 2],
) -> AppResult<()> {
    let Flow {
        mut q,
        to_region,
        unit,
        priced,
        additive,
    } = flow;
    common(s, &mut q, &to_region);
    q.expr_as(as_text(side(A, "region")), Alias::new("a_region"))
        .expr_as(as_text(to_region), Alias::new("b_region"))
        .expr_as(as_text(side(A, "slug")), Alias::new("a_inst"))
        .expr_as(as_text(side(B, "slug")), Alias::new("b_inst"))
        .expr_as(unit.clone(), Alias::new("unit"));
    if let Some(p) = &priced {
        let with_amount = Condition::all().add(p.amount.clone().is_not_null());
        q.expr_as(as_text(p.currency.clone()), Alias::new("cur"))
            .expr_as(p.amount.clone(), Alias::new("amount"))
            .expr_as(
                Expr::case(with_amount.clone(), unit.clone()),
                Alias::new("priced_unit"),
            )
            .expr_as(
                Expr::case(with_amount.add(rule::foreign_deal(s.own)), unit),
                Alias::new("foreign_unit"),
            );
    }
    let priced = priced.is_some();
    if additive {
        for row in db.query_all(&finest(q, priced)).await? {
            let figures = Figures::of(&row, priced)?;
            let regions = (
                row.try_get::<String>("", "ra")?,
                row.try_get::<String>("", "rb")?,
            );
            add(&mut cells[0], regions.clone(), &regions, slot, &figures);
            if let Some(b) = row.try_get::<Option<String>>("", "b")? {
                let pair = (row.try_get::<String>("", "a")?, b);
                add(&mut cells[1], pair, &regions, slot, &figures);
            }
        }
        return Ok(());
    }
    // Priced flows (deals, incomes) are one row per record: they always take the path above.
    debug_assert!(!priced, "a priced flow is additive");
    for row in db.query_all(&by_level(q)).await? {
        let level = usize::from(row.try_get::<i32>("", "lvl")? == 1);
        let key = (
            row.try_get::<String>("", "a")?,
            row.try_get::<String>("", "b")?,
        );
        let regions = (
            row.try_get::<String>("", "ra")?,
            row.try_get::<String>("", "rb")?,
        );
        let figures = Figures::of(&row, false)?;
        add(&mut cells[level], key, &regions, slot, &figures);
    }
    Ok(())
}

/// The figures of one row of a flow's statement: its count and, for a priced flow, its money
/// in one currency.
struct Figures {
    n: i64,
    money: Option<(String, i64, i64, i64)>,
}

impl Figures {
    fn of(row: &sea_orm::QueryResult, priced: bool) -> AppResult<Figures> {
        let n = row.try_get::<Option<i64>>("", "n")?.unwrap_or(0);
        let records = if priced {
            row.try_get::<Option<i64>>("", "records")?.unwrap_or(0)
        } else {
            0
        };
        let money = if records > 0 {
            Some((
                row.try_get::<String>("", "cur")?,
                row.try_get::<Option<i64>>("", "amount")?.unwrap_or(0),
                records,
                row.try_get::<Option<i64>>("", "foreign_records")?
                    .unwrap_or(0),
            ))
        } else {
            None
        };
        Ok(Figures { n, money })
    }
}

/// Adds `f` to the cell `key` (whose sides are in `regions`).
fn add(
    cells: &mut BTreeMap<(String, String), Cell>,
    key: (String, String),
    regions: &(String, String),
    slot: Slot,
    f: &Figures,
) {
    let cell = cells.entry(key.clone()).or_insert_with(|| Cell {
        from: key.0,
        to: key.1,
        from_region: regions.0.clone(),
        to_region: regions.1.clone(),
        ..Cell::default()
    });
    let figure = match slot {
        Slot::Deals => &mut cell.deals,
        Slot::Income => &mut cell.income,
        Slot::CoOwned => return cell.co_owned_ip_assets += f.n,
        Slot::CoInvented => return cell.co_invented_technologies += f.n,
        Slot::Training => return cell.training_participants += f.n,
        Slot::Ventures => return cell.joint_ventures += f.n,
    };
    // A deal (an income) has one currency and one date: the groups' counts add up.
    figure.counts[0] += f.n;
    let Some((currency, amount, records, foreign)) = &f.money else {
        return;
    };
    let m = match figure
        .money
        .iter_mut()
        .position(|m| &m.currency == currency)
    {
        Some(i) => &mut figure.money[i],
        None => {
            figure.money.push(MoneyFigure {
                currency: currency.clone(),
                amount: 0,
                records: 0,
                foreign: 0,
                suppressed: false,
            });
            figure.money.last_mut().expect("just pushed")
        }
    };
    m.amount += amount;
    m.records += records;
    m.foreign += foreign;
}

/// The money columns of a priced flow's groups: per currency, the sum, the records it is built
/// from and how many of those are others'.
fn priced_columns(q: &mut SelectStatement) {
    q.expr_as(rows_col("cur"), Alias::new("cur"))
        .expr_as(bigint(Func::sum(rows_col("amount"))), Alias::new("amount"))
        .expr_as(
            bigint(Func::count(rows_col("priced_unit"))),
            Alias::new("records"),
        )
        .expr_as(
            bigint(Func::count(rows_col("foreign_unit"))),
            Alias::new("foreign_records"),
        )
        .add_group_by([rows_col("cur")]);
}

/// A flow whose units are one row each: `SELECT <both sides' regions and institutions>,
/// COUNT(unit) … FROM (<rows>) GROUP BY them`, one hash aggregate at the finest grain; the
/// region cells are their institutions' sums (and those of organisations outside the
/// consortium, whose `b` is NULL).
fn finest(rows: SelectStatement, priced: bool) -> SelectStatement {
    let mut q = Query::select();
    q.from_subquery(rows, Alias::new(ROWS));
    for (column, name) in [
        ("a_region", "ra"),
        ("b_region", "rb"),
        ("a_inst", "a"),
        ("b_inst", "b"),
    ] {
        q.expr_as(rows_col(column), Alias::new(name))
            .add_group_by([rows_col(column)]);
    }
    q.expr_as(bigint(Func::count(rows_col("unit"))), Alias::new("n"));
    if priced {
        priced_columns(&mut q);
    }
    q
}

/// A flow whose units may have several rows: `WITH flow_rows AS (<rows>)` grouped by the pair
/// of regions and, in a second branch of a UNION ALL, of institutions, counting distinct units.
fn by_level(rows: SelectStatement) -> WithQuery {
    let branch = |level: u8, a: &str, b: &str| {
        let mut branch = Query::select();
        branch
            .from(Alias::new(ROWS))
            .expr_as(Expr::cust(level.to_string()), Alias::new("lvl"))
            .expr_as(rows_col(a), Alias::new("a"))
            .expr_as(rows_col(b), Alias::new("b"))
            .expr_as(rows_col("a_region"), Alias::new("ra"))
            .expr_as(rows_col("b_region"), Alias::new("rb"))
            .expr_as(
                bigint(Func::count_distinct(rows_col("unit"))),
                Alias::new("n"),
            )
            .and_where(rows_col(b).is_not_null())
            .add_group_by([rows_col(a), rows_col(b)]);
        if level == 1 {
            // An institution's region depends on it: grouping by it changes no group.
            branch.add_group_by([rows_col("a_region"), rows_col("b_region")]);
        }
        branch
    };
    let mut union = branch(0, "a_region", "b_region");
    union.union(UnionType::All, branch(1, "a_inst", "b_inst"));
    // MATERIALIZED: computed once, whatever the database. PostgreSQL materialises a CTE read
    // more than once anyway; SQLite may inline it into every branch (it did: the source's joins
    // ran once per breakdown, 1.6–2× the time of the statement).
    let cte = CommonTableExpression::new()
        .table_name(Alias::new(ROWS))
        .query(rows)
        .materialized(true)
        .to_owned();
    union.with(WithClause::new().cte(cte).to_owned())
}

/// The cross-border cells of both levels, with small-cell protection applied to their money:
/// six statements, one per flow.
pub async fn flows(db: &impl ConnectionTrait, s: &Scope) -> AppResult<Flows> {
    let mut cells = [BTreeMap::new(), BTreeMap::new()];
    run(db, s, deal_flow(s, false), Slot::Deals, &mut cells).await?;
    run(db, s, deal_flow(s, true), Slot::Income, &mut cells).await?;

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
        );
    with_technology(
        s,
        &mut q,
        col(ip_asset::Entity, ip_asset::Column::TechnologyId),
    );
    join_inst(&mut q, A, side("own_a", "institution_id"));
    join_inst(&mut q, B, side("own_b", "institution_id"));
    q.and_where(
        s.years
            .contains(col(ip_asset::Entity, ip_asset::Column::FilingDate)),
    );
    let unit = col(ip_asset::Entity, ip_asset::Column::Id);
    run(
        db,
        s,
        Flow::between_institutions(q, unit, false),
        Slot::CoOwned,
        &mut cells,
    )
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
    run(
        db,
        s,
        Flow::between_institutions(q, unit, false),
        Slot::CoInvented,
        &mut cells,
    )
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
    run(
        db,
        s,
        Flow::between_institutions(q, unit, true),
        Slot::Training,
        &mut cells,
    )
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
    run(
        db,
        s,
        Flow::between_institutions(q, unit, false),
        Slot::Ventures,
        &mut cells,
    )
    .await?;

    let [mut regions, mut institutions] = cells.map(|level| {
        let mut out: Vec<Cell> = level.into_values().collect();
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
        out
    });
    if s.protect {
        withhold_complements(
            &mut regions,
            &mut institutions,
            |c| &mut c.deals,
            s.min_cell,
        );
        withhold_complements(
            &mut regions,
            &mut institutions,
            |c| &mut c.income,
            s.min_cell,
        );
    }
    Ok(Flows {
        regions,
        institutions,
    })
}

/// Secondary suppression, per currency: a region-to-region cell is the sum of the
/// institution-to-institution cells between those regions and of the deals (incomes) with
/// organisations outside the consortium, which no institution cell lists; none of them may be
/// given away by subtraction (see [`disclosure`]).
fn withhold_complements(
    regions: &mut [Cell],
    institutions: &mut [Cell],
    figure: fn(&mut Cell) -> &mut Figure,
    min_cell: i64,
) {
    let currencies: std::collections::BTreeSet<String> = regions
        .iter_mut()
        .chain(institutions.iter_mut())
        .flat_map(|c| {
            figure(c)
                .money
                .iter()
                .map(|m| m.currency.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    for currency in currencies {
        // (level, index of the cell) of each money figure in `currency`.
        let mut at: Vec<(usize, usize)> = Vec::new();
        let mut cells: Vec<disclosure::Cell> = Vec::new();
        for (level, list) in [&mut *regions, &mut *institutions].into_iter().enumerate() {
            for (i, c) in list.iter_mut().enumerate() {
                if let Some(m) = figure(c).money.iter().find(|m| m.currency == currency) {
                    at.push((level, i));
                    cells.push(disclosure::Cell {
                        amount: m.amount,
                        foreign: m.foreign,
                        hidden: m.suppressed,
                    });
                }
            }
        }
        let groups: Vec<Group> = (0..at.len())
            .filter(|&k| at[k].0 == 0)
            .map(|k| {
                let r = &regions[at[k].1];
                let parts = (0..at.len())
                    .filter(|&j| {
                        let (level, i) = at[j];
                        level == 1
                            && institutions[i].from_region == r.from_region
                            && institutions[i].to_region == r.to_region
                    })
                    .collect();
                Group { margin: k, parts }
            })
            .collect();
        disclosure::protect(&mut cells, &groups, min_cell);
        for ((level, i), cell) in at.into_iter().zip(cells) {
            let c = if level == 0 {
                &mut regions[i]
            } else {
                &mut institutions[i]
            };
            if let Some(m) = figure(c).money.iter_mut().find(|m| m.currency == currency) {
                m.suppressed = cell.hidden;
            }
        }
    }
}

/// The cross-border cells at `level`.
pub async fn cells(db: &impl ConnectionTrait, s: &Scope, level: Level) -> AppResult<Vec<Cell>> {
    let flows = flows(db, s).await?;
    Ok(flows.level(level).to_vec())
}
