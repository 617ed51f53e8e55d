//! `exchangeRates` and `setExchangeRate`: the yearly average rates converted statistics use.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use entity::exchange_rate;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use crate::{
    graphql::{
        connection::{self, OrderDirection, OrderField, Ordering, Page, PageArgs},
        request,
    },
    policy::statistics as rule,
    service::statistics::rates,
};

/// A yearly average exchange rate.
#[derive(InputObject)]
pub struct SetExchangeRateInput {
    /// ISO 4217 code of the currency converted from, e.g. `CNY`.
    pub currency: String,
    /// ISO 4217 code of the reporting currency converted to, e.g. `EUR`.
    pub reporting_currency: String,
    /// The calendar year the average applies to.
    pub year: i32,
    /// One unit of `currency` in `reportingCurrency`, a decimal with at most 6 places, e.g.
    /// `"0.128000"`.
    pub rate_to_reporting: String,
}

/// An exchange rate as stored.
#[derive(SimpleObject)]
pub struct ExchangeRate {
    /// The currency converted from.
    pub currency: String,
    /// The reporting currency converted to.
    pub reporting_currency: String,
    /// The year the average applies to.
    pub year: i32,
    /// One unit of `currency` in `reportingCurrency`.
    pub rate_to_reporting: String,
    /// Optimistic-concurrency version (1 when first set).
    pub version: i32,
}

impl From<exchange_rate::Model> for ExchangeRate {
    fn from(m: exchange_rate::Model) -> Self {
        ExchangeRate {
            currency: m.currency,
            reporting_currency: m.reporting_currency,
            year: m.year,
            rate_to_reporting: rates::format_rate(m.rate_micros),
            version: m.version,
        }
    }
}

/// Filters for `exchangeRates`; all given conditions must hold.
#[derive(InputObject, Default)]
pub struct ExchangeRateFilter {
    /// Only rates to this reporting currency (ISO 4217), e.g. `EUR`.
    pub reporting_currency: Option<String>,
    /// Only rates from this currency (ISO 4217), e.g. `CNY`.
    pub currency: Option<String>,
    /// Only the averages of this calendar year.
    pub year: Option<i32>,
}

impl ExchangeRateFilter {
    fn condition(self) -> Condition {
        let code = |c: String| c.trim().to_uppercase();
        let mut cond = Condition::all();
        if let Some(r) = self.reporting_currency {
            cond = cond.add(exchange_rate::Column::ReportingCurrency.eq(code(r)));
        }
        if let Some(c) = self.currency {
            cond = cond.add(exchange_rate::Column::Currency.eq(code(c)));
        }
        if let Some(y) = self.year {
            cond = cond.add(exchange_rate::Column::Year.eq(y));
        }
        cond
    }
}

/// What `exchangeRates` can be ordered by (ties by creation).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum ExchangeRateOrderField {
    /// The calendar year.
    #[default]
    Year,
    /// The currency converted from.
    Currency,
    /// The reporting currency.
    ReportingCurrency,
}

impl OrderField<exchange_rate::Entity> for ExchangeRateOrderField {
    fn column(self) -> exchange_rate::Column {
        match self {
            Self::Year => exchange_rate::Column::Year,
            Self::Currency => exchange_rate::Column::Currency,
            Self::ReportingCurrency => exchange_rate::Column::ReportingCurrency,
        }
    }
}

/// The order of `exchangeRates`.
#[derive(InputObject, Default)]
pub struct ExchangeRateOrder {
    /// What to order by (default: the year).
    pub field: ExchangeRateOrderField,
    /// Smallest first (default) or largest first.
    pub direction: OrderDirection,
}

#[derive(Default)]
pub struct ExchangeRateQuery;

#[Object]
impl ExchangeRateQuery {
    /// The yearly average exchange rates center admins maintain for
    /// `statistics(reportingCurrency:)`, to see which conversions are possible before asking.
    /// Readable by whoever may read statistics (signed in; API tokens need `stats:read`).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn exchange_rates(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which items to list; each field is described on the filter type (all when absent)."
        )]
        filter: Option<ExchangeRateFilter>,
        #[graphql(
            desc = "The order of the list; each field is described on the order type (a default order when absent)."
        )]
        order_by: Option<ExchangeRateOrder>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<ExchangeRate>> {
        let req = request(ctx);
        let visible = rule::exchange_rates(&req.principal)?;
        let order = order_by.unwrap_or_default();
        let select = exchange_rate::Entity::find()
            .filter(visible)
            .filter(filter.unwrap_or_default().condition());
        Ok(connection::paginate(
            &req.db,
            select,
            Ordering::new(order.field, order.direction),
            &PageArgs::new(first, after, last, before),
            connection::wants_total(ctx),
        )
        .await?)
    }
}

/// The result of `setExchangeRate`.
#[derive(SimpleObject)]
pub struct SetExchangeRatePayload {
    /// The rate as now stored.
    pub exchange_rate: ExchangeRate,
}

#[derive(Default)]
pub struct StatisticsMutation;

#[Object]
impl StatisticsMutation {
    /// Sets (or replaces) the yearly average rate of a currency to a reporting currency, used
    /// by `statistics(reportingCurrency:)`. CENTER_ADMIN only.
    async fn set_exchange_rate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SetExchangeRateInput,
    ) -> Result<SetExchangeRatePayload> {
        let req = request(ctx);
        let m = rates::set(
            &req.db,
            &req.principal,
            &input.currency,
            &input.reporting_currency,
            input.year,
            &input.rate_to_reporting,
        )
        .await?;
        Ok(SetExchangeRatePayload {
            exchange_rate: m.into(),
        })
    }
}
