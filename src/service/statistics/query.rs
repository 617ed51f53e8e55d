//! The two shapes every statistic takes — counts, and money per currency — each run as one SQL
//! aggregate (GROUP BY) per breakdown, so the number of statements never depends on the
//! number of rows.
//!
//! A source is a `FROM … JOIN … WHERE …` in which the institution a figure is attributed to
//! is joined as [`INST`]; the breakdowns by institution and by region group on it.

use chrono::NaiveDate;
use sea_orm::{
    ConnectionTrait,
    sea_query::{Alias, Expr, ExprTrait, Func, SelectStatement, SimpleExpr},
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
    pub fn year_of(&self, date: SimpleExpr) -> SimpleExpr {
        use chrono::Datelike;
        let mut years = self.from.year()..=self.to.year();
        let first = years.next().unwrap_or(self.from.year());
        let range = |y: i32| {
            (
                NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(self.from),
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(self.to),
            )
        };
        let (s, e) = range(first);
        let mut case = Expr::case(date.clone().between(s, e), Expr::val(first));
        for y in years {
            let (s, e) = range(y);
            case = case.case(date.clone().between(s, e), Expr::val(y));
        }
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
}

/// A money metric: the sum of `amount` per currency and year, the number of records it is
/// built from, and how many of those are not the viewer's own (for small-cell protection).
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
    pub currency: String,
    pub year: i32,
    pub amount: i64,
    pub records: i64,
    pub foreign: i64,
}

fn select_cell(
    q: &mut SelectStatement,
    dim: Dim,
    years: &Years,
    date: &SimpleExpr,
    key: &Option<SimpleExpr>,
) -> bool {
    match dim {
        Dim::Total => {}
        Dim::Year => {
            q.expr_as(years.year_of(date.clone()), Alias::new("k_year"));
        }
        Dim::Institution => {
            q.expr_as(inst_col("slug"), Alias::new("k_text"));
        }
        Dim::Region => {
            q.expr_as(inst_col("region"), Alias::new("k_text"));
        }
        Dim::Key => match key {
            Some(k) => {
                q.expr_as(k.clone(), Alias::new("k_text"));
            }
            None => return false,
        },
    }
    match dim {
        Dim::Total => {}
        // Grouped by the output name: PostgreSQL would not match two `CASE`s whose bound
        // parameters differ.
        Dim::Year => {
            q.add_group_by([Expr::col(Alias::new("k_year"))]);
        }
        _ => {
            q.add_group_by([Expr::col(Alias::new("k_text"))]);
        }
    }
    true
}

fn cell_of(row: &sea_orm::QueryResult, dim: Dim) -> AppResult<Option<CellKey>> {
    Ok(match dim {
        Dim::Total => Some(CellKey::Total),
        Dim::Year => row.try_get::<Option<i32>>("", "k_year")?.map(CellKey::Year),
        _ => row
            .try_get::<Option<String>>("", "k_text")?
            .map(CellKey::Text),
    })
}

fn as_bigint(e: impl Into<SimpleExpr>) -> SimpleExpr {
    Func::cast_as(e.into(), Alias::new("BIGINT")).into()
}

/// Runs `m` for each breakdown in `dims`: one statement each.
pub async fn counts(
    db: &impl ConnectionTrait,
    m: &Counted,
    years: &Years,
    dims: &[Dim],
) -> AppResult<Vec<(Dim, Vec<CountRow>)>> {
    let mut out = Vec::new();
    for &dim in dims {
        let mut q = m.base.clone();
        if !select_cell(&mut q, dim, years, &m.date, &m.key) {
            continue;
        }
        for (i, c) in m.counted.iter().enumerate() {
            q.expr_as(
                as_bigint(Func::count_distinct(c.clone())),
                Alias::new(format!("n{i}")),
            );
        }
        let mut rows = Vec::new();
        for row in db.query_all(&q).await? {
            let Some(cell) = cell_of(&row, dim)? else {
                continue;
            };
            let mut counts = [0; 3];
            for (i, slot) in counts.iter_mut().enumerate().take(m.counted.len()) {
                *slot = row
                    .try_get::<Option<i64>>("", &format!("n{i}"))?
                    .unwrap_or(0);
            }
            rows.push(CountRow { cell, counts });
        }
        out.push((dim, rows));
    }
    Ok(out)
}

/// Runs `m` for each breakdown in `dims`: one statement each, grouped also by currency and
/// year (so converted totals can use each year's rate).
pub async fn money(
    db: &impl ConnectionTrait,
    m: &Priced,
    years: &Years,
    dims: &[Dim],
) -> AppResult<Vec<(Dim, Vec<MoneyRow>)>> {
    let mut out = Vec::new();
    for &dim in dims {
        let mut q = m.base.clone();
        q.and_where(m.amount.clone().is_not_null());
        if !select_cell(&mut q, dim, years, &m.date, &m.key) {
            continue;
        }
        q.expr_as(m.currency.clone(), Alias::new("cur"));
        if dim != Dim::Year {
            q.expr_as(years.year_of(m.date.clone()), Alias::new("k_year"));
        }
        q.expr_as(as_bigint(Func::sum(m.amount.clone())), Alias::new("amount"));
        q.expr_as(
            as_bigint(Func::count_distinct(m.unit.clone())),
            Alias::new("records"),
        );
        q.expr_as(
            as_bigint(Func::count_distinct(Expr::case(
                m.foreign.clone(),
                m.unit.clone(),
            ))),
            Alias::new("foreign_records"),
        );
        q.add_group_by([Expr::col(Alias::new("cur"))]);
        if dim != Dim::Year {
            q.add_group_by([Expr::col(Alias::new("k_year"))]);
        }
        let mut rows = Vec::new();
        for row in db.query_all(&q).await? {
            let Some(cell) = cell_of(&row, dim)? else {
                continue;
            };
            let Some(year) = row.try_get::<Option<i32>>("", "k_year")? else {
                continue;
            };
            rows.push(MoneyRow {
                cell,
                currency: row.try_get("", "cur")?,
                year,
                amount: row.try_get::<Option<i64>>("", "amount")?.unwrap_or(0),
                records: row.try_get::<Option<i64>>("", "records")?.unwrap_or(0),
                foreign: row
                    .try_get::<Option<i64>>("", "foreign_records")?
                    .unwrap_or(0),
            });
        }
        out.push((dim, rows));
    }
    Ok(out)
}
