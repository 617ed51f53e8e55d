//! Money on the wire: `{ amount: "1250.00", currency: "EUR" }`.

use async_graphql::{InputObject, SimpleObject};

use crate::{error::AppResult, service::money};

/// An amount of money: a decimal string in the currency's minor units, and an ISO 4217 code.
#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub struct Money {
    /// Decimal amount, e.g. `"1250.00"` (never a float).
    pub amount: String,
    /// ISO 4217 currency code, e.g. `EUR`, `CNY`, `BAM`, `RSD`.
    pub currency: String,
}

impl Money {
    pub fn new(minor: i64, currency: &str) -> Money {
        Money {
            amount: money::format(minor, currency),
            currency: currency.to_owned(),
        }
    }
}

/// An amount of money as input.
#[derive(InputObject, Clone, Debug)]
pub struct MoneyInput {
    /// Decimal amount, e.g. `"1250.00"`; at most the currency's decimal places.
    pub amount: String,
    /// ISO 4217 currency code.
    pub currency: String,
}

impl MoneyInput {
    /// Minor units and currency, checked; `field` names the input on error.
    pub fn parse(&self, field: &str) -> AppResult<(i64, String)> {
        let currency = self.currency.trim().to_owned();
        Ok((money::parse(&self.amount, &currency, field)?, currency))
    }
}
