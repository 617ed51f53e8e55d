//! `exchange_rates`: yearly average rates a center admin maintains, so statistics can add
//! totals converted to one reporting currency (as survey instructions ask) beside the
//! per-currency figures.
//!
//! `rate_micros` is the value of one unit of `currency` in `reporting_currency`, times 10^6
//! (an integer: money is never a float here).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("exchange_rates")
                    .col(pk_uuid("id"))
                    .col(string("currency"))
                    .col(string("reporting_currency"))
                    .col(integer("year"))
                    .col(big_integer("rate_micros"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version").default(1).take())
                    .check((
                        "ck_exchange_rates_currency",
                        Expr::expr(Func::char_length(Expr::col("currency"))).eq(3),
                    ))
                    .check((
                        "ck_exchange_rates_reporting_currency",
                        Expr::expr(Func::char_length(Expr::col("reporting_currency"))).eq(3),
                    ))
                    .check((
                        "ck_exchange_rates_rate_micros",
                        Expr::col("rate_micros").gt(0),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_exchange_rates_currency_reporting_currency_year")
                    .table("exchange_rates")
                    .col("currency")
                    .col("reporting_currency")
                    .col("year")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("exchange_rates").to_owned())
            .await
    }
}
