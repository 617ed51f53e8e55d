//! Exchange rates and converted totals. A center admin keeps one yearly average rate per
//! currency pair (as survey instructions ask); a converted total converts each currency of a
//! cell at the mean of its yearly rates over the years the cell covers, and names every rate it
//! used. A missing rate is an error naming the currency and the year — never a silent 0.

use std::collections::BTreeMap;

use chrono::Utc;
use entity::exchange_rate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::figures::MoneyFigure;
use crate::{
    auth::Principal,
    error::{AppError, AppResult},
    policy::statistics as rule,
    service::{audit, money},
};

/// Rates are stored times 10^6.
const RATE_SCALE: i64 = 1_000_000;

/// A rate used in a conversion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RateUsed {
    pub currency: String,
    pub year: i32,
    pub rate_micros: i64,
}

/// A total converted to the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub currency: String,
    /// Minor units of `currency`; withheld (meaningless) when `suppressed`.
    pub amount: i64,
    /// A figure it would be built from is withheld: so is the converted total.
    pub suppressed: bool,
    pub rates: Vec<RateUsed>,
}

/// The rates to `reporting`, by (currency, year).
pub type Rates = BTreeMap<(String, i32), i64>;

/// Every rate to `reporting` (one statement).
pub async fn load(db: &impl ConnectionTrait, reporting: &str) -> AppResult<Rates> {
    Ok(exchange_rate::Entity::find()
        .filter(exchange_rate::Column::ReportingCurrency.eq(reporting))
        .all(db)
        .await?
        .into_iter()
        .map(|r| ((r.currency, r.year), r.rate_micros))
        .collect())
}

/// `"7.812345"` → 7812345 (at most six decimals, greater than zero).
pub fn parse_rate(s: &str, field: &str) -> AppResult<i64> {
    let bad = || {
        AppError::bad_input(
            field,
            format!(
                "{s:?} is not a rate: use a positive decimal with at most 6 decimals, e.g. 7.812345"
            ),
        )
    };
    let (whole, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    if whole.is_empty()
        || whole.len() > 9
        || frac.len() > 6
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = format!("{frac:0<6}").parse().map_err(|_| bad())?;
    let micros = whole * RATE_SCALE + frac;
    if micros == 0 { Err(bad()) } else { Ok(micros) }
}

/// `micros` as a decimal string, e.g. `7.812345`.
pub fn format_rate(micros: i64) -> String {
    format!("{}.{:06}", micros / RATE_SCALE, micros % RATE_SCALE)
}

/// Converts the figures (one per currency) of a cell covering the calendar `years` to
/// `reporting`: each currency at the mean of its yearly average rates over those years (one
/// year for a cell of `byYear`, the whole period otherwise), rounded half up once per currency.
///
/// One rate per currency and cell, never each year's amount at its own rate: the converted
/// total is then a function of the per-currency totals shown beside it. Converted year by year,
/// it would add one equation per cell, Σ amount(year) · rate(year), from which the split of a
/// multi-year cell over its years could be solved — an institution's amount in one year may be
/// a single licence's price, which small-cell protection exists to withhold.
pub fn convert(
    figures: &[MoneyFigure],
    reporting: &str,
    rates: &Rates,
    years: std::ops::RangeInclusive<i32>,
) -> AppResult<Option<Converted>> {
    if figures.is_empty() {
        return Ok(None);
    }
    let to_units = money::minor_units(reporting, "reportingCurrency")?;
    let span = i128::from(years.end() - years.start() + 1).max(1);
    let mut total: i128 = 0;
    let mut used = Vec::new();
    for f in figures {
        let from_units = money::minor_units(&f.currency, "reportingCurrency")?;
        // The sum of the yearly rates; their mean is `sum / span`.
        let mut rate_sum: i128 = 0;
        for year in years.clone() {
            rate_sum += i128::from(if f.currency == reporting {
                RATE_SCALE
            } else {
                let rate = *rates.get(&(f.currency.clone(), year)).ok_or_else(|| {
                    AppError::bad_input(
                        "reportingCurrency",
                        format!(
                            "no exchange rate from {} to {reporting} for {year}: a center admin sets it with setExchangeRate",
                            f.currency
                        ),
                    )
                })?;
                used.push(RateUsed {
                    currency: f.currency.clone(),
                    year,
                    rate_micros: rate,
                });
                rate
            });
        }
        // amount · (rate_sum / span) · 10^to / (10^from · 10^6), rounded half up.
        let num = i128::from(f.amount) * rate_sum * 10i128.pow(to_units);
        let den = span * 10i128.pow(from_units) * i128::from(RATE_SCALE);
        total += (num + den / 2).div_euclid(den);
    }
    used.sort();
    used.dedup();
    Ok(Some(Converted {
        currency: reporting.to_owned(),
        amount: i64::try_from(total)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("converted total overflows")))?,
        suppressed: figures.iter().any(|f| f.suppressed),
        rates: used,
    }))
}

/// Sets the yearly average rate of `currency` to `reporting` (center admins only).
pub async fn set(
    db: &DatabaseConnection,
    actor: &Principal,
    currency: &str,
    reporting: &str,
    year: i32,
    rate: &str,
) -> AppResult<exchange_rate::Model> {
    rule::ensure_can_set_exchange_rates(actor)?;
    let currency = currency.trim().to_uppercase();
    let reporting = reporting.trim().to_uppercase();
    money::minor_units(&currency, "currency")?;
    money::minor_units(&reporting, "reportingCurrency")?;
    if currency == reporting {
        return Err(AppError::bad_input(
            "reportingCurrency",
            "a currency converts to itself at 1",
        ));
    }
    if !(1900..=2200).contains(&year) {
        return Err(AppError::bad_input(
            "year",
            "give a calendar year, e.g. 2026",
        ));
    }
    let rate_micros = parse_rate(rate, "rateToReporting")?;
    let txn = crate::service::txn::begin_write(db).await?;
    let existing = exchange_rate::Entity::find()
        .filter(exchange_rate::Column::Currency.eq(&currency))
        .filter(exchange_rate::Column::ReportingCurrency.eq(&reporting))
        .filter(exchange_rate::Column::Year.eq(year))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let model = match existing {
        Some(row) => {
            let version = row.version + 1;
            let mut am: exchange_rate::ActiveModel = row.into();
            am.rate_micros = Set(rate_micros);
            am.updated_at = Set(now);
            am.version = Set(version);
            am.update(&txn).await?
        }
        None => {
            exchange_rate::ActiveModel {
                id: Set(Uuid::now_v7()),
                currency: Set(currency.clone()),
                reporting_currency: Set(reporting.clone()),
                year: Set(year),
                rate_micros: Set(rate_micros),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        actor,
        None,
        "exchange_rate.set",
        "ExchangeRate",
        model.id,
        json!({ "currency": currency, "reportingCurrency": reporting, "year": year, "rate": format_rate(rate_micros) }),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(currency: &str, amount: i64, suppressed: bool) -> MoneyFigure {
        MoneyFigure {
            currency: currency.into(),
            amount,
            records: 3,
            foreign: 3,
            suppressed,
        }
    }

    #[test]
    fn rates_parse_as_micros() {
        assert_eq!(parse_rate("7.812345", "r").unwrap(), 7_812_345);
        assert_eq!(parse_rate("0.5", "r").unwrap(), 500_000);
        assert!(parse_rate("0", "r").is_err());
        assert!(parse_rate("-1", "r").is_err());
        assert!(parse_rate("1.1234567", "r").is_err());
        assert_eq!(format_rate(7_812_345), "7.812345");
    }

    #[test]
    fn a_cell_converts_at_the_mean_of_its_years_rates_and_a_missing_rate_is_named() {
        let mut rates = Rates::new();
        rates.insert(("CNY".into(), 2025), 128_000); // 1 CNY = 0.128 EUR
        rates.insert(("CNY".into(), 2026), 125_000);
        let figures = [fig("CNY", 200_000, false), fig("EUR", 500, false)];
        // 2000.00 CNY · (0.128 + 0.125) / 2 + 5.00 EUR = 253.00 + 5.00 EUR
        let c = convert(&figures, "EUR", &rates, 2025..=2026)
            .unwrap()
            .unwrap();
        assert_eq!(c.amount, 25_800);
        assert_eq!(c.rates.len(), 2);
        assert!(!c.suppressed);
        // However the 2000.00 CNY split over the two years: the figure cannot tell.
        let one_year = convert(&figures[..1], "EUR", &rates, 2026..=2026)
            .unwrap()
            .unwrap();
        assert_eq!(one_year.amount, 25_000);
        assert_eq!(one_year.rates.len(), 1);
        // Rounded half up once: 0.01 CNY · 0.1265 = 0.0013 EUR → 0.00.
        assert_eq!(
            convert(&[fig("CNY", 1, false)], "EUR", &rates, 2025..=2026)
                .unwrap()
                .unwrap()
                .amount,
            0
        );
        let err = convert(&[fig("BAM", 1, false)], "EUR", &rates, 2024..=2024).unwrap_err();
        let msg = format!("{err:?}");
        assert!(msg.contains("BAM") && msg.contains("2024"), "{msg}");
        // Every year of the cell needs its rate, whether or not it has an amount.
        let err = convert(&figures[..1], "EUR", &rates, 2024..=2026).unwrap_err();
        assert!(format!("{err:?}").contains("2024"));
        let withheld = convert(&[fig("EUR", 1, true)], "EUR", &rates, 2026..=2026)
            .unwrap()
            .unwrap();
        assert!(withheld.suppressed);
    }
}
