//! `setExchangeRate`: the yearly average rates converted statistics use.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use crate::{graphql::request, service::statistics::rates};

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
            exchange_rate: ExchangeRate {
                currency: m.currency,
                reporting_currency: m.reporting_currency,
                year: m.year,
                rate_to_reporting: rates::format_rate(m.rate_micros),
                version: m.version,
            },
        })
    }
}
