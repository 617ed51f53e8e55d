//! The cross-border part of `statistics`: flows between regions and between institutions.

use std::sync::Arc;

use async_graphql::{Object, Result};
use entity::enums::Region;
use tokio::sync::OnceCell;

use super::{
    Context,
    cell::{ConvertedMoney, StatisticsMoney, converted},
};
use crate::{
    graphql::institution::Institution,
    service::statistics::{self as service, CrossBorderCell as Cell, CrossBorderLevel},
};

/// Cross-border flows in the period; both levels are computed together, once, when either is
/// asked for.
pub struct CrossBorderFlows {
    ctx: Arc<Context>,
    flows: OnceCell<service::CrossBorderFlows>,
}

impl CrossBorderFlows {
    pub fn new(ctx: Arc<Context>) -> Self {
        CrossBorderFlows {
            ctx,
            flows: OnceCell::new(),
        }
    }
}

/// Cross-border flows in the period (only pairs in different regions; a member sees the cells
/// its institution takes part in).
#[Object]
impl CrossBorderFlows {
    /// Region × region: Yangtze River Delta ↔ Balkan Peninsula, and OTHER. A deal's recipient
    /// outside the consortium (an external organisation or a venture) is placed by its country.
    async fn regions(&self) -> Result<Vec<CrossBorderCell>> {
        self.cells(CrossBorderLevel::Region).await
    }
    /// Institution × institution (deals with recipients outside the consortium are in
    /// `regions` only).
    async fn institutions(&self) -> Result<Vec<CrossBorderCell>> {
        self.cells(CrossBorderLevel::Institution).await
    }
}

impl CrossBorderFlows {
    async fn cells(&self, level: CrossBorderLevel) -> Result<Vec<CrossBorderCell>> {
        let flows = self
            .flows
            .get_or_try_init(|| async {
                let _turn = self.ctx.turn().await?;
                Ok::<_, async_graphql::Error>(
                    service::cross_border_flows(&self.ctx.db, &self.ctx.scope).await?,
                )
            })
            .await?;
        Ok(flows
            .level(level)
            .iter()
            .map(|cell| CrossBorderCell {
                ctx: self.ctx.clone(),
                level,
                cell: cell.clone(),
            })
            .collect())
    }
}

/// The flows from one region (or institution) to another. Deals and their income go from the
/// provider to the recipient, training participants from their home institution to the host,
/// joint ventures from the lead institution to the founders' institution; co-owned IP assets
/// and co-invented technologies go both ways.
pub struct CrossBorderCell {
    ctx: Arc<Context>,
    level: CrossBorderLevel,
    cell: Cell,
}

impl CrossBorderCell {
    fn institution(&self, slug: &str) -> Option<Institution> {
        match self.level {
            CrossBorderLevel::Institution => {
                self.ctx.institutions.get(slug).cloned().map(Institution)
            }
            CrossBorderLevel::Region => None,
        }
    }

    fn region(&self, key: &str) -> Option<Region> {
        match self.level {
            CrossBorderLevel::Region => sea_orm::ActiveEnum::try_from_value(&key.to_owned()).ok(),
            CrossBorderLevel::Institution => self.ctx.institutions.get(key).map(|i| i.region),
        }
    }
}

/// The flows from one region (or institution) to another.
#[Object]
impl CrossBorderCell {
    /// The region flows go from (the institution's region, in `institutions`).
    async fn from_region(&self) -> Option<Region> {
        self.region(&self.cell.from)
    }
    /// The region flows go to.
    async fn to_region(&self) -> Option<Region> {
        self.region(&self.cell.to)
    }
    /// The institution flows go from (`institutions` only).
    async fn from(&self) -> Option<Institution> {
        self.institution(&self.cell.from)
    }
    /// The institution flows go to (`institutions` only).
    async fn to(&self) -> Option<Institution> {
        self.institution(&self.cell.to)
    }
    /// Deals signed in the period, provider → recipient.
    async fn deals(&self) -> i64 {
        self.cell.deals.counts[0]
    }
    /// Their contract values per currency (small-cell protection applies).
    async fn deal_value(&self) -> Vec<StatisticsMoney> {
        self.cell
            .deals
            .money
            .iter()
            .map(StatisticsMoney::from_figure)
            .collect()
    }
    /// `dealValue` converted to the reporting currency.
    async fn deal_value_converted(&self) -> Result<Option<ConvertedMoney>> {
        converted(&self.ctx, &self.cell.deals.money, self.ctx.period_years())
    }
    /// Incomes received in the period under deals provider → recipient.
    async fn incomes(&self) -> i64 {
        self.cell.income.counts[0]
    }
    /// Their licence income per currency (small-cell protection applies).
    async fn license_income(&self) -> Vec<StatisticsMoney> {
        self.cell
            .income
            .money
            .iter()
            .map(StatisticsMoney::from_figure)
            .collect()
    }
    /// `licenseIncome` converted to the reporting currency.
    async fn license_income_converted(&self) -> Result<Option<ConvertedMoney>> {
        converted(&self.ctx, &self.cell.income.money, self.ctx.period_years())
    }
    /// IP assets filed in the period and co-owned by both sides.
    async fn co_owned_ip_assets(&self) -> i64 {
        self.cell.co_owned_ip_assets
    }
    /// Technologies disclosed in the period with inventors from both sides.
    async fn co_invented_technologies(&self) -> i64 {
        self.cell.co_invented_technologies
    }
    /// Participants (accepted or completed) from `from` in programs hosted by `to` that start
    /// in the period.
    async fn training_participants(&self) -> i64 {
        self.cell.training_participants
    }
    /// Ventures founded in the period, led by `from`, with a founder from `to`.
    async fn joint_ventures(&self) -> i64 {
        self.cell.joint_ventures
    }
}
