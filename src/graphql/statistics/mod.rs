//! `statistics`: the technology-transfer metrics of the partners' annual surveys, and
//! `setExchangeRate` for converted totals. Thin: the figures come from
//! `service::statistics`, which scopes them through the access policy.

mod cell;
mod cross_border;
mod rates;

use std::{collections::HashMap, sync::Arc};

use async_graphql::{ID, InputObject, Object, Result};
use chrono::Utc;
use entity::{
    enums::{Region, TechnologyField},
    institution,
};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::{
    graphql::{ids, request, scalars::Date},
    service::statistics::{self as service, Metric, Scope, StatisticsFilter as Filter},
};

pub use cell::{ConvertedMoney, StatisticsBreakdown, StatisticsCell, StatisticsMoney};
pub use cross_border::{CrossBorderCell, CrossBorderFlows};
pub use rates::{ExchangeRateQuery, StatisticsMutation};

/// `BIOBRIDGE_STATS_MIN_CELL`, attached to each request by the HTTP layer.
#[derive(Clone, Copy)]
pub struct MinCell(pub u32);

/// What every cell of one `statistics` answer shares.
pub struct Context {
    pub db: DatabaseConnection,
    pub scope: Scope,
    /// Every institution by slug (institutions are public), to resolve cells' keys.
    pub institutions: HashMap<String, institution::Model>,
    pub reporting: Option<String>,
    pub rates: Option<service::rates::Rates>,
    /// GraphQL resolves the metrics side by side; each takes a permit for its statements, so
    /// one statistics request holds at most [`STATEMENTS_IN_FLIGHT`] pooled connections and
    /// its metrics queue here, not on the pool (whose acquire timeout means "database down").
    pub gate: tokio::sync::Semaphore,
}

/// How many of one request's statistics statements run at once.
pub const STATEMENTS_IN_FLIGHT: usize = 2;

impl Context {
    /// The calendar years of the period.
    pub fn period_years(&self) -> std::ops::RangeInclusive<i32> {
        use chrono::Datelike;
        self.scope.years.from.year()..=self.scope.years.to.year()
    }

    /// Waits for a turn to run statements.
    pub async fn turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>> {
        self.gate.acquire().await.map_err(|e| {
            crate::error::AppError::internal(anyhow::anyhow!("statistics gate closed: {e}")).into()
        })
    }
}

/// The key a metric's `byField`/`byOffice`/`byKind` breakdown is by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Field,
    Office,
    Kind,
    None,
}

pub fn key_kind(m: Metric) -> KeyKind {
    match m {
        Metric::Disclosures => KeyKind::Field,
        Metric::PatentApplications | Metric::PatentsGranted => KeyKind::Office,
        Metric::Rewards => KeyKind::None,
        _ => KeyKind::Kind,
    }
}

/// What the statistics cover. Dates are inclusive; without them, the current calendar year.
#[derive(InputObject, Default)]
pub struct StatisticsFilter {
    /// First day of the period (default: 1 January of the current year).
    pub from: Option<Date>,
    /// Last day of the period, inclusive (default: 31 December of the current year).
    pub to: Option<Date>,
    /// Only institutions of these regions.
    pub regions: Option<Vec<Region>>,
    /// Only these institutions (global ids).
    pub institution_ids: Option<Vec<ID>>,
    /// Only technologies (and training programs) of these fields.
    pub fields: Option<Vec<TechnologyField>>,
}

impl StatisticsFilter {
    pub fn into_service(self) -> Result<Filter> {
        let institution_ids = self
            .institution_ids
            .unwrap_or_default()
            .iter()
            .map(|id| ids::decode_as("filter.institutionIds", "Institution", id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Filter {
            from: self.from.map(|d| d.0),
            to: self.to.map(|d| d.0),
            regions: self.regions.unwrap_or_default(),
            institution_ids,
            fields: self.fields.unwrap_or_default(),
        })
    }
}

/// Builds the shared context: the viewer's scope (the policy decides), every institution and,
/// for a reporting currency, its rates.
pub async fn context(
    db: &DatabaseConnection,
    principal: &crate::auth::Principal,
    filter: Filter,
    min_cell: u32,
    reporting: Option<String>,
) -> Result<Arc<Context>> {
    let scope = Scope::new(principal, filter, min_cell, Utc::now().date_naive())?;
    let reporting = reporting.map(|c| c.trim().to_uppercase());
    if let Some(r) = &reporting {
        crate::service::money::minor_units(r, "reportingCurrency")?;
    }
    let institutions = institution::Entity::find()
        .all(db)
        .await
        .map_err(crate::error::AppError::from)?
        .into_iter()
        .map(|i| (i.slug.clone(), i))
        .collect();
    let rates = match &reporting {
        Some(r) => Some(service::rates::load(db, r).await?),
        None => None,
    };
    Ok(Arc::new(Context {
        db: db.clone(),
        scope,
        institutions,
        reporting,
        rates,
        gate: tokio::sync::Semaphore::new(STATEMENTS_IN_FLIGHT),
    }))
}

#[derive(Default)]
pub struct StatisticsQuery;

#[Object]
impl StatisticsQuery {
    /// Technology-transfer statistics (AUTM / ASTP / China annual-report metrics) over a
    /// period. Analysts and center admins see every institution; members their own
    /// institution's records and the cross-border cells it takes part in; API tokens need
    /// `stats:read`. Money is per currency, never summed across currencies; a money figure
    /// built from fewer than `BIOBRIDGE_STATS_MIN_CELL` deals or incomes of other institutions
    /// is withheld (`suppressed`). `filter`: the period, regions, institutions and fields to
    /// cover. `reportingCurrency`: adds totals converted to this ISO 4217 currency from the
    /// yearly average rates center admins set with `setExchangeRate` (each currency of a cell
    /// at the mean of its rates over the years the cell covers).
    async fn statistics(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(desc = "Which records count: every condition given must hold.")] filter: Option<
            StatisticsFilter,
        >,
        #[graphql(
            desc = "ISO 4217 code money figures are converted into (with the yearly \
                          rates set by `setExchangeRate`); by default each currency apart."
        )]
        reporting_currency: Option<String>,
    ) -> Result<Statistics> {
        let req = request(ctx);
        let min_cell = ctx.data_opt::<MinCell>().map_or(3, |m| m.0);
        let filter = filter.unwrap_or_default().into_service()?;
        let ctx = context(
            &req.db,
            &req.principal,
            filter,
            min_cell,
            reporting_currency,
        )
        .await?;
        Ok(Statistics(ctx))
    }
}

/// Statistics over one period and scope. Each metric is computed when asked for.
pub struct Statistics(pub Arc<Context>);

/// The breakdowns and money a metric's selection asks for (a breakdown nobody selected is
/// not computed).
fn wanted(ctx: &async_graphql::Context<'_>) -> service::Wanted {
    use service::query::Dim;
    let look = ctx.look_ahead();
    let dims = [
        ("total", Dim::Total),
        ("byYear", Dim::Year),
        ("byInstitution", Dim::Institution),
        ("byRegion", Dim::Region),
        ("byField", Dim::Key),
        ("byOffice", Dim::Key),
        ("byKind", Dim::Key),
    ];
    let mut wanted = service::Wanted {
        dims: Vec::new(),
        money: false,
    };
    for (name, dim) in dims {
        let cells = look.field(name);
        if cells.exists() {
            if !wanted.dims.contains(&dim) {
                wanted.dims.push(dim);
            }
            wanted.money |= cells.field("money").exists() || cells.field("converted").exists();
        }
    }
    wanted
}

impl Statistics {
    async fn metric(
        &self,
        ctx: &async_graphql::Context<'_>,
        m: Metric,
    ) -> Result<StatisticsBreakdown> {
        let wanted = wanted(ctx);
        let _turn = self.0.turn().await?;
        let breakdown = service::metric(&self.0.db, &self.0.scope, m, &wanted).await?;
        Ok(StatisticsBreakdown {
            ctx: self.0.clone(),
            metric: m,
            breakdown,
        })
    }
}

/// Technology-transfer statistics over one period and scope.
#[Object]
impl Statistics {
    /// First day of the period.
    async fn from(&self) -> Date {
        self.0.scope.years.from.into()
    }
    /// Last day of the period (inclusive).
    async fn to(&self) -> Date {
        self.0.scope.years.to.into()
    }
    /// Whether the figures cover every institution (analysts, center admins) or only the
    /// viewer's institution's records.
    async fn all_institutions(&self) -> bool {
        self.0.scope.scope == crate::policy::statistics::StatisticsScope::Everything
    }
    /// The currency of `converted` figures, if one was asked for.
    async fn reporting_currency(&self) -> Option<&str> {
        self.0.reporting.as_deref()
    }
    /// Invention disclosures: technologies by `disclosedOn` (AUTM Q7.1 "invention disclosures
    /// received"; ASTP "invention disclosures"; China report 科技成果 disclosures). By field.
    async fn invention_disclosures(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::Disclosures).await
    }
    /// Patent applications filed, by filing date (AUTM Q8 "new / total U.S. patent
    /// applications filed", ASTP "priority patent applications", China report 专利申请):
    /// `count` per filing, `families`, `newFilings` (first filings of a family). By office;
    /// a co-owned filing counts for each owner in `byInstitution`.
    async fn patent_applications(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::PatentApplications).await
    }
    /// Patents granted, by grant date (AUTM Q9 "issued patents", ASTP "patents granted",
    /// China report 专利授权): `count` per filing and `families`. By office.
    async fn patents_granted(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::PatentsGranted).await
    }
    /// Licences and options executed, by `signedOn` (AUTM Q10 "licenses and options
    /// executed", ASTP "licence agreements", China report 转让/许可/作价投资 contracts):
    /// exclusive and non-exclusive licences, options, assignments (转让) and equity
    /// contributions (作价投资); `money`: contract values (合同金额). By deal kind; attributed
    /// to the provider.
    async fn licenses_executed(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::LicensesExecuted).await
    }
    /// Licences and options active at the end of the period: signed by then and not completed
    /// or terminated by then (AUTM Q11 "active licenses and options"). No `byYear`.
    async fn active_licenses(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::ActiveLicenses).await
    }
    /// Licences and options with any income received in the period (AUTM Q12 "licenses
    /// yielding income").
    async fn licenses_yielding_income(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::LicensesYieldingIncome).await
    }
    /// Licence income received in the period (AUTM Q13 "license income received", ASTP
    /// "licence income", China report 到账金额): `count` incomes, `money` per currency. By
    /// income kind (upfront, annual minimum, royalty, milestone, sublicence, equity cashed in).
    async fn license_income(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::LicenseIncome).await
    }
    /// Rewards to individuals (China report 奖励个人金额): the inventors' part of the income
    /// received in the period (the owner institution's inventor share, rounded down per
    /// income), per currency; `count`: the people rewarded (inventors of those technologies).
    async fn rewards_to_individuals(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::Rewards).await
    }
    /// Ventures formed, by `foundedOn` (AUTM Q14 "start-up companies formed", ASTP "spin-offs
    /// created"): `count` formed, `graduated`, `discontinued` (their stage today); `money`:
    /// funding raised per currency. By stage; attributed to the lead institution.
    async fn ventures(&self, ctx: &async_graphql::Context<'_>) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::Ventures).await
    }
    /// Talent training: programs starting in the period, by program kind; attributed to the
    /// host.
    async fn training_programs(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::TrainingPrograms).await
    }
    /// Talent training: participants accepted (`count`, completed ones included), `completed`,
    /// and `crossBorder` (from an institution in another region than the host), in programs
    /// starting in the period. By program kind; attributed to the host.
    async fn training_participants(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::TrainingParticipants).await
    }
    /// Cooperation agreements signed in the period, by kind; attributed to each party.
    async fn agreements_signed(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::AgreementsSigned).await
    }
    /// Cooperation agreements in force at the end of the period (signed, not expired or
    /// terminated), by kind; attributed to each party. No `byYear`.
    async fn agreements_in_force(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> Result<StatisticsBreakdown> {
        self.metric(ctx, Metric::AgreementsInForce).await
    }
    /// Cross-border flows — the center's reason to exist: a region × region matrix and an
    /// institution × institution list.
    async fn cross_border(&self) -> CrossBorderFlows {
        CrossBorderFlows::new(self.0.clone())
    }
}
