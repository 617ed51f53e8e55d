//! The two shapes every statistic takes — counts, and money per currency — each run as one SQL
//! statement: the source's rows once (a common table expression), grouped by each breakdown
//! (GROUP BY) in the branches of a UNION ALL. The number of statements never depends on the
//! number of rows, and the source is read once, not once per breakdown.
//!
//! A source is a `FROM … JOIN … WHERE …` in which the institution a figure is attributed to
//! is joined as [`INST`]; the breakdowns by institution and by region group on it.

use chrono::NaiveDate;
use sea_orm::{
    ConnectionTrait,
    sea_query::{
        Alias, CommonTableExpression, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr,
        UnionType, WithClause, WithQuery,
    },
};

use crate::error::AppResult;

/// Alias of the `institutions` row a figure is attributed to (owner, provider, host, …).
pub const INST: &str = "stat_inst";

/// `stat_inst.<column>`.
pub fn inst_col(column: &str) -> SimpleExpr {
    Expr::col((Alias::new(INST), Alias::new(column)))
}

/// A breakdown of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Total,
    Year,
    Institution,
    Region,
    /// The metric's own key: field, office, kind.
    Key,
}

impl Dim {
    pub const ALL: [Dim; 5] = [
        Dim::Total,
        Dim::Year,
        Dim::Institution,
        Dim::Region,
        Dim::Key,
    ];
}

/// Which cell of a breakdown a row belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CellKey {
    Total,
    Year(i32),
    /// An institution's slug, a region, a field, an office or a kind.
    Text(String),
}

/// The calendar years of the period, to attribute dates to years portably (a `CASE` over
/// date ranges: SQLite and PostgreSQL have no common year function).
#[derive(Debug, Clone, Copy)]
pub struct Years {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Years {
    /// The calendar year of `date` within the period (NULL outside it): one comparison per
    /// year boundary, `CASE WHEN d < from THEN NULL WHEN d < '2024-01-01' THEN 2023 … WHEN d
    /// <= to THEN 2026 END`.
    pub fn year_of(&self, date: SimpleExpr) -> SimpleExpr {
        use chrono::Datelike;
        let null = || Expr::cust("CAST(NULL AS INTEGER)");
        let mut case = Expr::case(date.clone().lt(self.from), null());
        for y in self.from.year()..self.to.year() {
            let next = NaiveDate::from_ymd_opt(y + 1, 1, 1).unwrap_or(self.to);
            case = case.case(date.clone().lt(next), Expr::val(y));
        }
        case = case.case(date.lte(self.to), Expr::val(self.to.year()));
        case.into()
    }

    /// `date` lies in the period.
    pub fn contains(&self, date: SimpleExpr) -> SimpleExpr {
        date.between(self.from, self.to)
    }
}

/// A count metric: `COUNT(DISTINCT …)` of up to three expressions (e.g. filings, families,
/// first filings), per cell.
pub struct Counted {
    pub base: SelectStatement,
    /// The date that places a record in a year.
    pub date: SimpleExpr,
    pub key: Option<SimpleExpr>,
    pub counted: Vec<SimpleExpr>,
    /// Each unit is one row of `base` (one year, institution and key): the counts add up
    /// across cells, so they are counted once at the finest grain and summed per breakdown
    /// (see [`counts`]). False where a unit has several rows (a filing per co-owner, an
    /// agreement per party) and each breakdown must count distinct units.
    pub additive: bool,
}

/// A money metric: the sum of `amount` per currency, the number of records it is
/// built from, and how many of those are not the viewer's own (for small-cell protection).
/// Each record must be one row of `base`: the sums and counts add up across cells.
pub struct Priced {
    pub base: SelectStatement,
    pub date: SimpleExpr,
    pub key: Option<SimpleExpr>,
    /// The record a sum is built from (a deal, an income), counted distinctly.
    pub unit: SimpleExpr,
    pub currency: SimpleExpr,
    pub amount: SimpleExpr,
    /// True for records of institutions other than the viewer's own.
    pub foreign: sea_orm::Condition,
}

pub struct CountRow {
    pub cell: CellKey,
    pub counts: [i64; 3],
}

pub struct MoneyRow {
    pub cell: CellKey,
    /// The institution's region (its stored name), in the breakdown by institution: an
    /// institution's cells add up to its region's (see [`super::disclosure`]).
    pub region: Option<String>,
    pub currency: String,
    pub amount: i64,
    pub records: i64,
    pub foreign: i64,
}

/// The source's rows, computed once per statement: the period's year, the attributed
/// institution's slug and region, the metric's key, and what the caller adds.
const ROWS: &str = "stat_rows";

fn rows_col(name: &str) -> SimpleExpr {
    Expr::col((Alias::new(ROWS), Alias::new(name)))
}

fn as_text(e: SimpleExpr) -> SimpleExpr {
    Func::cast_as(e, Alias::new("TEXT")).into()
}

fn as_bigint(e: impl Into<SimpleExpr>) -> SimpleExpr {
    Func::cast_as(e.into(), Alias::new("BIGINT")).into()
}

/// `base` with the columns every breakdown groups on (`k_year`, `k_inst`, `k_region`,
/// `k_key`); text keys are cast to TEXT so the branches of the UNION agree on PostgreSQL.
fn rows(
    base: &SelectStatement,
    years: &Years,
    date: &SimpleExpr,
    key: &Option<SimpleExpr>,
) -> SelectStatement {
    let mut q = base.clone();
    q.expr_as(years.year_of(date.clone()), Alias::new("k_year"))
        .expr_as(as_text(inst_col("slug")), Alias::new("k_inst"))
        .expr_as(as_text(inst_col("region")), Alias::new("k_region"))
        .expr_as(
            as_text(key.clone().unwrap_or_else(|| Expr::cust("NULL"))),
            Alias::new("k_key"),
        );
    q
}

/// One branch of the UNION: the rows grouped by `dim` (and by `also`), with the cell's year
/// and text key in `c_year` and `c_text` (typed NULLs where the breakdown has none).
fn branch(dim: Dim, also: &[&str]) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new(ROWS));
    q.expr_as(Expr::cust(format!("{}", dim as u8)), Alias::new("dim"));
    let null_year = || Expr::cust("CAST(NULL AS INTEGER)");
    let null_text = || Expr::cust("CAST(NULL AS TEXT)");
    let (year, text, grouped): (SimpleExpr, SimpleExpr, Option<&str>) = match dim {
        Dim::Total => (null_year(), null_text(), None),
        Dim::Year => (rows_col("k_year"), null_text(), Some("k_year")),
        Dim::Institution => (null_year(), rows_col("k_inst"), Some("k_inst")),
        Dim::Region => (null_year(), rows_col("k_region"), Some("k_region")),
        Dim::Key => (null_year(), rows_col("k_key"), Some("k_key")),
    };
    q.expr_as(year, Alias::new("c_year"))
        .expr_as(text, Alias::new("c_text"));
    for g in grouped.iter().copied().chain(also.iter().copied()) {
        q.add_group_by([rows_col(g)]);
    }
    q
}

/// `WITH stat_rows AS (<rows>) <branch> UNION ALL <branch> …`: the source is read once,
/// however many breakdowns are asked for.
fn union_over_rows(rows: SelectStatement, branches: Vec<SelectStatement>) -> Option<WithQuery> {
    let mut branches = branches.into_iter();
    let mut first = branches.next()?;
    for b in branches {
        first.union(UnionType::All, b);
    }
    // MATERIALIZED: computed once, whatever the database. PostgreSQL materialises a CTE read
    // more than once anyway; SQLite may inline it into every branch (it did: the source's joins
    // ran once per breakdown, 1.6–2× the time of the statement).
    let cte = CommonTableExpression::new()
        .table_name(Alias::new(ROWS))
        .query(rows)
        .materialized(true)
        .to_owned();
    Some(first.with(WithClause::new().cte(cte).to_owned()))
}

fn dim_of(row: &sea_orm::QueryResult) -> AppResult<Option<Dim>> {
    let d = row.try_get::<i32>("", "dim")?;
    Ok(Dim::ALL.into_iter().find(|dim| *dim as i32 == d))
}

fn cell_of(row: &sea_orm::QueryResult, dim: Dim) -> AppResult<Option<CellKey>> {
    Ok(match dim {
        Dim::Total => Some(CellKey::Total),
        Dim::Year => row.try_get::<Option<i32>>("", "c_year")?.map(CellKey::Year),
        _ => row
            .try_get::<Option<String>>("", "c_text")?
            .map(CellKey::Text),
    })
}

/// The breakdowns of `dims` the source has (no `Key` without a key).
fn applicable(dims: &[Dim], key: &Option<SimpleExpr>) -> Vec<Dim> {
    dims.iter()
        .copied()
        .filter(|d| *d != Dim::Key || key.is_some())
        .collect()
}

fn grouped<R>(dims: &[Dim], rows: Vec<(Dim, R)>) -> Vec<(Dim, Vec<R>)> {
    let mut out: Vec<(Dim, Vec<R>)> = dims.iter().map(|d| (*d, Vec::new())).collect();
    for (dim, row) in rows {
        if let Some((_, list)) = out.iter_mut().find(|(d, _)| *d == dim) {
            list.push(row);
        }
    }
    out
}

/// The finest cells — year, institution (with its region), key — of a source whose units are
/// one row each: `SELECT k_year, k_inst, k_region, k_key, <aggregates> FROM (<rows>) GROUP BY
/// them`, one hash aggregate over the rows (no per-breakdown sort, no DISTINCT).
fn finest(rows: SelectStatement, extra_keys: &[&str]) -> SelectStatement {
    let mut q = Query::select();
    q.from_subquery(rows, Alias::new(ROWS));
    for k in ["k_year", "k_inst", "k_region", "k_key"]
        .iter()
        .chain(extra_keys)
    {
        q.expr_as(rows_col(k), Alias::new(*k));
        q.add_group_by([rows_col(k)]);
    }
    q
}

/// Which cell of `dim` a finest cell adds to.
fn rolled_up(row: &sea_orm::QueryResult, dim: Dim) -> AppResult<Option<CellKey>> {
    let text = |column: &str| -> AppResult<Option<CellKey>> {
        Ok(row
            .try_get::<Option<String>>("", column)?
            .map(CellKey::Text))
    };
    match dim {
        Dim::Total => Ok(Some(CellKey::Total)),
        Dim::Year => Ok(row.try_get::<Option<i32>>("", "k_year")?.map(CellKey::Year)),
        Dim::Institution => text("k_inst"),
        Dim::Region => text("k_region"),
        Dim::Key => text("k_key"),
    }
}

/// [`counts`] of an additive source.
async fn additive_counts(
    db: &impl ConnectionTrait,
    m: &Counted,
    source: SelectStatement,
    dims: &[Dim],
) -> AppResult<Vec<(Dim, Vec<CountRow>)>> {
    let mut q = finest(source, &[]);
    for i in 0..m.counted.len() {
        q.expr_as(
            as_bigint(Func::count(rows_col(&format!("u{i}")))),
            Alias::new(format!("n{i}")),
        );
    }
    let mut sums: std::collections::BTreeMap<(usize, CellKey), [i64; 3]> = Default::default();
    for row in db.query_all(&q).await? {
        let mut n = [0; 3];
        for (i, slot) in n.iter_mut().enumerate().take(m.counted.len()) {
            *slot = row
                .try_get::<Option<i64>>("", &format!("n{i}"))?
                .unwrap_or(0);
        }
        for (d, &dim) in dims.iter().enumerate() {
            if let Some(cell) = rolled_up(&row, dim)? {
                let sum = sums.entry((d, cell)).or_default();
                for (s, x) in sum.iter_mut().zip(n) {
                    *s += x;
                }
            }
        }
    }
    let rows = sums
        .into_iter()
        .map(|((d, cell), counts)| (dims[d], CountRow { cell, counts }))
        .collect();
    Ok(grouped(dims, rows))
}

/// Runs `m` for every breakdown in `dims`: one statement.
pub async fn counts(
    db: &impl ConnectionTrait,
    m: &Counted,
    years: &Years,
    dims: &[Dim],
) -> AppResult<Vec<(Dim, Vec<CountRow>)>> {
    let dims = applicable(dims, &m.key);
    let mut source = rows(&m.base, years, &m.date, &m.key);
    for (i, c) in m.counted.iter().enumerate() {
        source.expr_as(c.clone(), Alias::new(format!("u{i}")));
    }
    if m.additive {
        return additive_counts(db, m, source, &dims).await;
    }
    let branches = dims
        .iter()
        .map(|&dim| {
            let mut q = branch(dim, &[]);
            for i in 0..m.counted.len() {
                q.expr_as(
                    as_bigint(Func::count_distinct(rows_col(&format!("u{i}")))),
                    Alias::new(format!("n{i}")),
                );
            }
            q
        })
        .collect();
    let Some(q) = union_over_rows(source, branches) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        let Some(dim) = dim_of(&row)? else { continue };
        let Some(cell) = cell_of(&row, dim)? else {
            continue;
        };
        let mut counts = [0; 3];
        for (i, slot) in counts.iter_mut().enumerate().take(m.counted.len()) {
            *slot = row
                .try_get::<Option<i64>>("", &format!("n{i}"))?
                .unwrap_or(0);
        }
        out.push((dim, CountRow { cell, counts }));
    }
    Ok(grouped(&dims, out))
}

/// Runs `m` for every breakdown in `dims`, per currency: one statement over the finest cells,
/// summed per breakdown.
pub async fn money(
    db: &impl ConnectionTrait,
    m: &Priced,
    years: &Years,
    dims: &[Dim],
) -> AppResult<Vec<(Dim, Vec<MoneyRow>)>> {
    let dims = applicable(dims, &m.key);
    let mut source = rows(&m.base, years, &m.date, &m.key);
    source
        .and_where(m.amount.clone().is_not_null())
        .expr_as(as_text(m.currency.clone()), Alias::new("cur"))
        .expr_as(m.amount.clone(), Alias::new("amount"))
        .expr_as(m.unit.clone(), Alias::new("unit"))
        .expr_as(
            Expr::case(m.foreign.clone(), m.unit.clone()),
            Alias::new("foreign_unit"),
        );
    let mut q = finest(source, &["cur"]);
    q.expr_as(
        as_bigint(Func::sum(rows_col("amount"))),
        Alias::new("amount"),
    )
    .expr_as(
        as_bigint(Func::count(rows_col("unit"))),
        Alias::new("records"),
    )
    .expr_as(
        as_bigint(Func::count(rows_col("foreign_unit"))),
        Alias::new("foreign_records"),
    );
    let mut sums: std::collections::BTreeMap<(usize, CellKey, String), MoneyRow> =
        Default::default();
    for row in db.query_all(&q).await? {
        let currency: String = row.try_get("", "cur")?;
        let amount = row.try_get::<Option<i64>>("", "amount")?.unwrap_or(0);
        let records = row.try_get::<Option<i64>>("", "records")?.unwrap_or(0);
        let foreign = row
            .try_get::<Option<i64>>("", "foreign_records")?
            .unwrap_or(0);
        for (d, &dim) in dims.iter().enumerate() {
            let Some(cell) = rolled_up(&row, dim)? else {
                continue;
            };
            let region = match dim {
                Dim::Institution => row.try_get::<Option<String>>("", "k_region")?,
                _ => None,
            };
            let sum = sums
                .entry((d, cell.clone(), currency.clone()))
                .or_insert_with(|| MoneyRow {
                    cell,
                    region,
                    currency: currency.clone(),
                    amount: 0,
                    records: 0,
                    foreign: 0,
                });
            sum.amount += amount;
            sum.records += records;
            sum.foreign += foreign;
        }
    }
    let out = sums
        .into_iter()
        .map(|((d, ..), row)| (dims[d], row))
        .collect();
    Ok(grouped(&dims, out))
}
