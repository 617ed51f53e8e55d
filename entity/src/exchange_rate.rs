//! `exchange_rates`: yearly average exchange rates maintained by the center's admins, used to
//! add converted totals to statistics.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "exchange_rates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// ISO 4217 code of the currency converted from.
    pub currency: String,
    /// ISO 4217 code of the reporting currency converted to.
    pub reporting_currency: String,
    /// The calendar year the average rate applies to.
    pub year: i32,
    /// One unit of `currency` in `reporting_currency`, times 10^6.
    pub rate_micros: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
