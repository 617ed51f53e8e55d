//! Statistics for analysts: the technology-transfer metrics partners report each year (AUTM,
//! ASTP, China's annual report), per viewer scope and with small-cell protection.
//!
//! Each metric is one or two SQL statements (counts, and money per currency: see [`query`])
//! that read the metric's rows once and group them by every breakdown, and the cross-border
//! flows one statement each, so the number of statements is fixed whatever the number of rows. Who sees which records is decided by
//! [`crate::policy::statistics`]; the figures withheld by small-cell protection by
//! [`figures`].

pub mod cross_border;
pub mod disclosure;
pub mod figures;
pub mod metrics;
pub mod query;
pub mod rates;
pub mod tables;

use chrono::{Datelike, NaiveDate};
use entity::enums::{Region, TechnologyField};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy::statistics::{self as rule, StatisticsScope},
};

pub use figures::{Breakdown, Figure, MoneyFigure};
pub use metrics::Metric;

/// The longest period one request may cover, in years (each year is a branch of a `CASE`).
pub const MAX_YEARS: i32 = 50;

/// What the statistics are about. Dates are inclusive; both default to the current calendar
/// year.
#[derive(Debug, Clone, Default)]
pub struct StatisticsFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only institutions of these regions (empty: all).
    pub regions: Vec<Region>,
    /// Only these institutions (empty: all).
    pub institution_ids: Vec<Uuid>,
    /// Only technologies (and programs) of these fields (empty: all).
    pub fields: Vec<TechnologyField>,
}

/// Everything a statistic is computed under: the viewer's scope, the period and the filter.
#[derive(Debug, Clone)]
pub struct Scope {
    pub scope: StatisticsScope,
    /// The viewer's institution, whose own deals are never withheld from it.
    pub own: Option<Uuid>,
    /// Whether small-cell protection applies.
    pub protect: bool,
    pub min_cell: i64,
    pub years: query::Years,
    pub filter: StatisticsFilter,
}

impl Scope {
    /// The viewer's scope (UNAUTHENTICATED/FORBIDDEN as the policy says) over a checked period.
    pub fn new(
        p: &Principal,
        filter: StatisticsFilter,
        min_cell: u32,
        today: NaiveDate,
    ) -> AppResult<Scope> {
        let scope = rule::statistics_scope(p)?;
        let year = today.year();
        let from = filter
            .from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today));
        let to = filter
            .to
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
        if to < from {
            return Err(AppError::bad_input(
                "filter.to",
                format!("the period ends ({to}) before it starts ({from})"),
            ));
        }
        if to.year() - from.year() >= MAX_YEARS {
            return Err(AppError::bad_input(
                "filter.to",
                format!("a period covers at most {MAX_YEARS} calendar years"),
            ));
        }
        Ok(Scope {
            scope,
            own: rule::own_institution_for_suppression(p),
            protect: rule::suppression_applies(p),
            min_cell: i64::from(min_cell),
            years: query::Years { from, to },
            filter,
        })
    }
}

/// `minor` units of `currency` as a decimal string, e.g. `15000.00`.
pub fn money_text(minor: i64, currency: &str) -> String {
    crate::service::money::format(minor, currency)
}

/// What of a metric to compute: which breakdowns, and whether its money.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub dims: Vec<query::Dim>,
    pub money: bool,
}

impl Wanted {
    /// Every breakdown and the money (exports).
    pub fn everything() -> Wanted {
        Wanted {
            dims: query::Dim::ALL.to_vec(),
            money: true,
        }
    }
}

/// One metric with the breakdowns `wanted` asks for: one statement for the counts, and one for
/// the money (of every breakdown) when it is asked for and the metric has any.
pub async fn metric(
    db: &impl ConnectionTrait,
    s: &Scope,
    m: Metric,
    wanted: &Wanted,
) -> AppResult<Breakdown> {
    let (counted, priced, every_dim) = metrics::sources(s, m);
    let dims: Vec<query::Dim> = every_dim
        .iter()
        .copied()
        .filter(|d| wanted.dims.contains(d))
        .collect();
    let counts = query::counts(db, &counted, &s.years, &dims).await?;
    // Money of every breakdown, whichever are asked for: a cell is withheld when its
    // siblings and their margin would give it away (see `disclosure`), whether or not this
    // request shows them.
    let money = match &priced {
        Some(p) if wanted.money => query::money(db, p, &s.years, &every_dim).await?,
        _ => Vec::new(),
    };
    Ok(figures::assemble(counts, money, s.min_cell, s.protect))
}

pub use cross_border::{
    Cell as CrossBorderCell, Flows as CrossBorderFlows, Level as CrossBorderLevel,
};

/// The cross-border cells of both levels.
pub async fn cross_border_flows(
    db: &impl ConnectionTrait,
    s: &Scope,
) -> AppResult<CrossBorderFlows> {
    cross_border::flows(db, s).await
}

/// The cross-border cells at `level`.
pub async fn cross_border(
    db: &impl ConnectionTrait,
    s: &Scope,
    level: CrossBorderLevel,
) -> AppResult<Vec<CrossBorderCell>> {
    cross_border::cells(db, s, level).await
}
