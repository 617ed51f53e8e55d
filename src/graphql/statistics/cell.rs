//! The cells of a statistic: a breakdown (total, by year, institution, region, field, office,
//! kind), its counts and its money per currency, withheld where small-cell protection says so.

use std::sync::Arc;

use async_graphql::{Object, SimpleObject};
use entity::enums::{Region, TechnologyField};

use super::Context;
use crate::{
    graphql::{institution::Institution, money::Money},
    service::statistics::{Breakdown, Figure, Metric, MoneyFigure, metrics::count_names, rates},
};

/// One currency's sum in a cell. Never summed across currencies.
#[derive(SimpleObject, Clone)]
pub struct StatisticsMoney {
    /// ISO 4217 currency code.
    pub currency: String,
    /// The sum, e.g. `"15000.00"`; null when `suppressed`.
    pub amount: Option<String>,
    /// Withheld by small-cell protection: built from fewer than `BIOBRIDGE_STATS_MIN_CELL`
    /// deals or incomes of institutions other than the viewer's own.
    pub suppressed: bool,
}

impl StatisticsMoney {
    pub fn from_figure(m: &MoneyFigure) -> Self {
        StatisticsMoney {
            currency: m.currency.clone(),
            amount: (!m.suppressed).then(|| Money::new(m.amount, &m.currency).amount),
            suppressed: m.suppressed,
        }
    }
}

/// A rate a converted total used.
#[derive(SimpleObject, Clone)]
pub struct ExchangeRateUsed {
    /// The currency converted from.
    pub currency: String,
    /// The reporting currency converted to.
    pub reporting_currency: String,
    /// The year whose average rate it is.
    pub year: i32,
    /// One unit of `currency` in `reportingCurrency`, e.g. `"0.128000"`.
    pub rate: String,
}

/// A cell's money converted to the reporting currency: each currency at the mean of its yearly
/// average rates over the years the cell covers (its year in `byYear`, every year of the period
/// otherwise), so that the converted figure says nothing the per-currency figures do not.
#[derive(SimpleObject, Clone)]
pub struct ConvertedMoney {
    /// The converted total; null when `suppressed`.
    pub amount: Option<Money>,
    /// One of the figures it is built from is withheld by small-cell protection.
    pub suppressed: bool,
    /// Every rate used (none when all money was already in the reporting currency).
    pub rates: Vec<ExchangeRateUsed>,
}

/// `money` of a cell covering the calendar `years`, converted (see [`ConvertedMoney`]).
pub fn converted(
    ctx: &Context,
    money: &[MoneyFigure],
    years: std::ops::RangeInclusive<i32>,
) -> async_graphql::Result<Option<ConvertedMoney>> {
    let (Some(reporting), Some(table)) = (&ctx.reporting, &ctx.rates) else {
        return Ok(None);
    };
    Ok(
        rates::convert(money, reporting, table, years)?.map(|c| ConvertedMoney {
            amount: (!c.suppressed).then(|| Money::new(c.amount, &c.currency)),
            suppressed: c.suppressed,
            rates: c
                .rates
                .into_iter()
                .map(|r| ExchangeRateUsed {
                    currency: r.currency,
                    reporting_currency: c.currency.clone(),
                    year: r.year,
                    rate: rates::format_rate(r.rate_micros),
                })
                .collect(),
        }),
    )
}

/// Which cell of a breakdown.
#[derive(Clone)]
pub enum CellKey {
    Total,
    Year(i32),
    Institution(String),
    Region(String),
    Key(String),
}

/// One cell of a statistic.
pub struct StatisticsCell {
    pub ctx: Arc<Context>,
    pub metric: Metric,
    pub key: CellKey,
    pub figure: Figure,
}

impl StatisticsCell {
    fn count_named(&self, name: &str) -> Option<i64> {
        count_names(self.metric)
            .iter()
            .position(|n| *n == name)
            .map(|i| self.figure.counts[i])
    }
}

/// One cell of a statistic: which cell it is (at most one of the key fields is set; none for
/// the total), its counts, and its money per currency.
#[Object]
impl StatisticsCell {
    /// The calendar year (in `byYear`).
    async fn year(&self) -> Option<i32> {
        match self.key {
            CellKey::Year(y) => Some(y),
            _ => None,
        }
    }
    /// The institution (in `byInstitution`): the owner, provider, host, lead or party the
    /// figure is attributed to.
    async fn institution(&self) -> Option<Institution> {
        match &self.key {
            CellKey::Institution(slug) => self.ctx.institutions.get(slug).cloned().map(Institution),
            _ => None,
        }
    }
    /// The region (in `byRegion`).
    async fn region(&self) -> Option<Region> {
        match &self.key {
            CellKey::Region(r) => sea_orm::ActiveEnum::try_from_value(r).ok(),
            _ => None,
        }
    }
    /// The technology or program field (in `byField`).
    async fn field(&self) -> Option<TechnologyField> {
        match (&self.key, self.metric) {
            (CellKey::Key(k), m) if super::key_kind(m) == super::KeyKind::Field => {
                sea_orm::ActiveEnum::try_from_value(k).ok()
            }
            _ => None,
        }
    }
    /// The patent office (jurisdiction code, e.g. `CN`, `EP`, `WO`) (in `byOffice`).
    async fn office(&self) -> Option<&str> {
        match (&self.key, self.metric) {
            (CellKey::Key(k), m) if super::key_kind(m) == super::KeyKind::Office => Some(k),
            _ => None,
        }
    }
    /// The kind — of deal, income, venture stage, program or agreement — (in `byKind`).
    async fn kind(&self) -> Option<&str> {
        match (&self.key, self.metric) {
            (CellKey::Key(k), m) if super::key_kind(m) == super::KeyKind::Kind => Some(k),
            _ => None,
        }
    }
    /// The metric's main count: disclosures, filings, grants, deals, incomes, people
    /// rewarded, ventures formed, programs, participants or agreements (see the metric).
    async fn count(&self) -> i64 {
        self.figure.counts[0]
    }
    /// Patents: distinct patent families (a filing with no family parent is its own family).
    async fn families(&self) -> Option<i64> {
        self.count_named("families")
    }
    /// Patent applications: new filings — first filings of a family (no family parent, filed
    /// on the earliest priority date).
    async fn new_filings(&self) -> Option<i64> {
        self.count_named("newFilings")
    }
    /// Ventures: of those formed, how many have graduated.
    async fn graduated(&self) -> Option<i64> {
        self.count_named("graduated")
    }
    /// Ventures: of those formed, how many were discontinued.
    async fn discontinued(&self) -> Option<i64> {
        self.count_named("discontinued")
    }
    /// Training participants: of those accepted, how many completed.
    async fn completed(&self) -> Option<i64> {
        self.count_named("completed")
    }
    /// Training participants from an institution in another region than the host.
    async fn cross_border(&self) -> Option<i64> {
        self.count_named("crossBorder")
    }
    /// Money per currency (contract values, income, rewards, funding — see the metric).
    async fn money(&self) -> Vec<StatisticsMoney> {
        self.figure
            .money
            .iter()
            .map(StatisticsMoney::from_figure)
            .collect()
    }
    /// `money` converted to `statistics(reportingCurrency:)`, each currency at the mean of its
    /// yearly average rates over the years this cell covers (its year in `byYear`, every year
    /// of the period otherwise); null without a reporting currency.
    async fn converted(&self) -> async_graphql::Result<Option<ConvertedMoney>> {
        let years = match self.key {
            CellKey::Year(y) => y..=y,
            _ => self.ctx.period_years(),
        };
        converted(&self.ctx, &self.figure.money, years)
    }
}

/// A statistic: its total and its breakdowns. A breakdown that does not apply to the metric
/// is an empty list.
pub struct StatisticsBreakdown {
    pub ctx: Arc<Context>,
    pub metric: Metric,
    pub breakdown: Breakdown,
}

impl StatisticsBreakdown {
    fn cells(&self, cells: &[(String, Figure)], key: fn(String) -> CellKey) -> Vec<StatisticsCell> {
        cells
            .iter()
            .map(|(k, figure)| StatisticsCell {
                ctx: self.ctx.clone(),
                metric: self.metric,
                key: key(k.clone()),
                figure: figure.clone(),
            })
            .collect()
    }

    fn by_key(&self, kind: super::KeyKind) -> Vec<StatisticsCell> {
        if super::key_kind(self.metric) == kind {
            self.cells(&self.breakdown.by_key, CellKey::Key)
        } else {
            Vec::new()
        }
    }
}

/// A statistic: its total and its breakdowns.
#[Object]
impl StatisticsBreakdown {
    /// The whole period and scope.
    async fn total(&self) -> StatisticsCell {
        StatisticsCell {
            ctx: self.ctx.clone(),
            metric: self.metric,
            key: CellKey::Total,
            figure: self.breakdown.total.clone(),
        }
    }
    /// Per calendar year, oldest first (empty for figures at the end of the period).
    async fn by_year(&self) -> Vec<StatisticsCell> {
        self.breakdown
            .by_year
            .iter()
            .map(|(y, figure)| StatisticsCell {
                ctx: self.ctx.clone(),
                metric: self.metric,
                key: CellKey::Year(*y),
                figure: figure.clone(),
            })
            .collect()
    }
    /// Per institution the figure is attributed to, by slug.
    async fn by_institution(&self) -> Vec<StatisticsCell> {
        self.cells(&self.breakdown.by_institution, CellKey::Institution)
    }
    /// Per region of that institution.
    async fn by_region(&self) -> Vec<StatisticsCell> {
        self.cells(&self.breakdown.by_region, CellKey::Region)
    }
    /// Per technology field (invention disclosures).
    async fn by_field(&self) -> Vec<StatisticsCell> {
        self.by_key(super::KeyKind::Field)
    }
    /// Per patent office (patent applications and grants).
    async fn by_office(&self) -> Vec<StatisticsCell> {
        self.by_key(super::KeyKind::Office)
    }
    /// Per kind: deal kind, income kind, venture stage, program kind or agreement kind.
    async fn by_kind(&self) -> Vec<StatisticsCell> {
        self.by_key(super::KeyKind::Kind)
    }
}
