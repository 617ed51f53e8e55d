//! A licence's terms on the wire: the input given when a deal is opened, the terms as read, the
//! milestones (and `achieveDealMilestone`), and the annual minimum still expected.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{deal, deal_milestone, enums::Exclusivity, enums::IncomeKind, income};

use crate::graphql::{
    deal::royalty::Income, ids, money::Money, money::MoneyInput, request, scalars::Date,
};
use crate::{
    error::AppResult,
    has_many, payload,
    service::{licence, licence_terms, licence_terms::RoyaltyTier as Tier},
};

has_many!(
    MilestonesOf,
    deal_milestone::Entity,
    deal_milestone::Column::DealId
);

/// A band of a tiered royalty.
#[derive(InputObject)]
pub struct RoyaltyTierInput {
    /// Net sales of a period above which this rate applies (the first tier starts at zero), in
    /// the deal's currency.
    pub from_net_sales: MoneyInput,
    /// The rate on sales in this band, in basis points.
    pub rate_basis_points: i32,
}

/// Something the licensee must have done by a date.
#[derive(InputObject, SimpleObject)]
#[graphql(input_name = "DiligenceObligationInput")]
pub struct DiligenceObligation {
    /// What must be done, e.g. `file for CE marking`.
    pub description: String,
    /// By when.
    pub due_on: Date,
}

/// A payment the licence promises on an event.
#[derive(InputObject)]
pub struct DealMilestoneInput {
    /// The event, e.g. `NMPA approval`.
    pub description: String,
    /// What is paid when it is achieved, in the deal's currency.
    pub amount: MoneyInput,
    /// When it is expected.
    pub due_on: Option<Date>,
}

/// The terms of a licence agreement (every part optional).
#[derive(InputObject, Default)]
pub struct LicenceTermsInput {
    /// What the licence covers, e.g. `in-vitro diagnostics`; none: every field.
    pub field_of_use: Option<String>,
    /// ISO 3166-1 alpha-2 country codes and region codes (`WORLDWIDE`, `EU`,
    /// `BALKAN_PENINSULA`, `WESTERN_BALKANS`); none: worldwide.
    #[graphql(default)]
    pub territories: Vec<String>,
    /// EXCLUSIVE or SOLE for an exclusive licence (default EXCLUSIVE); NON_EXCLUSIVE for a
    /// non-exclusive one.
    pub exclusivity: Option<Exclusivity>,
    /// First day of the term (default: the signing date).
    pub effective_on: Option<Date>,
    /// Last day of the term (none: without end).
    pub expires_on: Option<Date>,
    /// Minimum royalties per licence year.
    pub annual_minimum: Option<MoneyInput>,
    /// Royalty rate by net-sales band, ascending; replaces the flat `royaltyBasisPoints`.
    #[graphql(default)]
    pub royalty_tiers: Vec<RoyaltyTierInput>,
    /// Whether the licensee may grant sublicences.
    #[graphql(default)]
    pub sublicensing_allowed: bool,
    /// The provider's share of sublicence income, in basis points.
    pub sublicense_share_basis_points: Option<i32>,
    /// What the licensee must have done by when.
    #[graphql(default)]
    pub diligence: Vec<DiligenceObligation>,
    /// Royalties are due this many days after the end of the period they are for.
    pub payment_terms_days: Option<i32>,
    /// Payments promised on events.
    #[graphql(default)]
    pub milestones: Vec<DealMilestoneInput>,
}

impl LicenceTermsInput {
    /// The terms for the service layer.
    pub fn parse(&self) -> AppResult<licence::Terms> {
        Ok(licence::Terms {
            field_of_use: self.field_of_use.clone(),
            territories: self.territories.clone(),
            exclusivity: self.exclusivity,
            effective_on: self.effective_on.map(|d| d.0),
            expires_on: self.expires_on.map(|d| d.0),
            annual_minimum: self
                .annual_minimum
                .as_ref()
                .map(|m| m.parse("terms.annualMinimum"))
                .transpose()?,
            royalty_tiers: self
                .royalty_tiers
                .iter()
                .map(|t| {
                    Ok(Tier {
                        from: t.from_net_sales.parse("terms.royaltyTiers.fromNetSales")?.0,
                        rate_bp: t.rate_basis_points,
                    })
                })
                .collect::<AppResult<_>>()?,
            sublicensing_allowed: self.sublicensing_allowed,
            sublicense_share_bp: self.sublicense_share_basis_points,
            diligence: self
                .diligence
                .iter()
                .map(|o| licence::Obligation {
                    description: o.description.clone(),
                    due_on: o.due_on.0,
                })
                .collect(),
            payment_days: self.payment_terms_days,
            milestones: self
                .milestones
                .iter()
                .map(|m| {
                    Ok(licence::NewMilestone {
                        description: m.description.clone(),
                        amount: m.amount.parse("terms.milestones.amount")?,
                        due_on: m.due_on.map(|d| d.0),
                    })
                })
                .collect::<AppResult<_>>()?,
        })
    }
}

/// A band of a tiered royalty.
#[derive(SimpleObject)]
pub struct RoyaltyTier {
    /// Net sales of a period above which the rate applies.
    pub from_net_sales: Money,
    /// The rate on sales in this band, in basis points.
    pub rate_basis_points: i32,
}

/// The terms of a licence agreement.
pub struct LicenceTerms(pub deal::Model);

/// The terms of a licence agreement, as agreed.
#[Object]
impl LicenceTerms {
    /// What the licence covers; null: every field.
    async fn field_of_use(&self) -> Option<&str> {
        self.0.field_of_use.as_deref()
    }
    /// ISO country codes and region codes; empty: worldwide.
    async fn territories(&self) -> Vec<String> {
        licence::territories_of(&self.0)
    }
    /// EXCLUSIVE, SOLE or NON_EXCLUSIVE (null for deals that grant no licence).
    async fn exclusivity(&self) -> Option<Exclusivity> {
        licence_terms::exclusivity_of(self.0.kind, self.0.exclusivity)
    }
    /// First day of the term (null: from signing).
    async fn effective_on(&self) -> Option<Date> {
        self.0.effective_on.map(Date)
    }
    /// Last day of the term (null: without end).
    async fn expires_on(&self) -> Option<Date> {
        self.0.expires_on.map(Date)
    }
    /// Minimum royalties per licence year.
    async fn annual_minimum(&self) -> Option<Money> {
        self.0
            .annual_minimum
            .map(|m| Money::new(m, &self.0.currency))
    }
    /// Royalty rate by net-sales band (empty: the flat `royaltyBasisPoints` applies).
    async fn royalty_tiers(&self) -> Vec<RoyaltyTier> {
        licence::tiers_of(&self.0)
            .into_iter()
            .map(|t| RoyaltyTier {
                from_net_sales: Money::new(t.from, &self.0.currency),
                rate_basis_points: t.rate_bp,
            })
            .collect()
    }
    /// Whether the licensee may grant sublicences.
    async fn sublicensing_allowed(&self) -> bool {
        self.0.sublicensing_allowed
    }
    /// The provider's share of sublicence income, in basis points.
    async fn sublicense_share_basis_points(&self) -> Option<i32> {
        self.0.sublicense_share_bp
    }
    /// What the licensee must have done by when.
    async fn diligence(&self) -> Vec<DiligenceObligation> {
        licence::diligence_of(&self.0)
            .into_iter()
            .map(|o| DiligenceObligation {
                description: o.description,
                due_on: Date(o.due_on),
            })
            .collect()
    }
    /// Royalties are due this many days after the end of the period they are for.
    async fn payment_terms_days(&self) -> Option<i32> {
        self.0.payment_days
    }
}

/// A milestone row as a GraphQL object.
#[derive(Clone)]
pub struct DealMilestone(pub deal_milestone::Model);

impl From<deal_milestone::Model> for DealMilestone {
    fn from(m: deal_milestone::Model) -> Self {
        DealMilestone(m)
    }
}

/// A payment a licence promises on an event.
#[Object]
impl DealMilestone {
    /// Opaque id; pass it to `achieveDealMilestone`.
    async fn id(&self) -> ID {
        ids::encode("DealMilestone", self.0.id)
    }
    /// The event.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// What is paid when it is achieved.
    async fn amount(&self, ctx: &Context<'_>) -> Result<Option<Money>> {
        let deal = request(ctx)
            .loaders
            .one::<deal::Entity>(self.0.deal_id)
            .await?;
        Ok(deal.map(|d| Money::new(self.0.amount, &d.currency)))
    }
    /// When it is expected.
    async fn due_on(&self) -> Option<Date> {
        self.0.due_on.map(Date)
    }
    /// When it was achieved (null: not yet).
    async fn achieved_on(&self) -> Option<Date> {
        self.0.achieved_on.map(Date)
    }
    /// The income recorded when it was achieved.
    async fn income(&self, ctx: &Context<'_>) -> Result<Option<Income>> {
        let Some(id) = self.0.income_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<income::Entity>(id)
            .await?
            .map(Income))
    }
}

/// Money the deal's terms say is owed but has not been received.
#[derive(SimpleObject)]
pub struct ExpectedIncome {
    /// What it is for (ANNUAL_MINIMUM: royalties fell short of the year's minimum).
    pub kind: IncomeKind,
    /// What is still owed.
    pub amount: Money,
    /// When it is due (the period's end plus the payment terms).
    pub due_on: Date,
    /// First day of the period it is for.
    pub period_start: Date,
    /// Last day of the period it is for.
    pub period_end: Date,
}

/// Expected incomes of a deal, from its annual minimum.
pub async fn expected_incomes(ctx: &Context<'_>, d: &deal::Model) -> Result<Vec<ExpectedIncome>> {
    let shortfalls = licence::expected_incomes(&request(ctx).db, d).await?;
    Ok(shortfalls
        .into_iter()
        .map(|s| ExpectedIncome {
            kind: IncomeKind::AnnualMinimum,
            amount: Money::new(s.expected, &d.currency),
            due_on: Date(s.due_on),
            period_start: Date(s.year_start),
            period_end: Date(s.year_end),
        })
        .collect())
}

/// Marks a milestone achieved.
#[derive(InputObject)]
pub struct AchieveDealMilestoneInput {
    /// The milestone's id.
    pub id: ID,
    /// When it was achieved (default: today).
    pub achieved_on: Option<Date>,
    /// Also record its amount as MILESTONE income on the deal (default true).
    #[graphql(default = true)]
    pub record_income: bool,
}

payload!(
    /// Result of `achieveDealMilestone`.
    AchieveDealMilestonePayload, milestone: DealMilestone, deal_milestone::Entity
);

#[derive(Default)]
pub struct DealTermsMutation;

#[Object]
impl DealTermsMutation {
    /// Marks a licence milestone achieved (the deal's provider); by default also records its
    /// amount as MILESTONE income on the signed deal, in the same transaction.
    async fn achieve_deal_milestone(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: AchieveDealMilestoneInput,
    ) -> Result<AchieveDealMilestonePayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "DealMilestone", &input.id)?;
        let on = input
            .achieved_on
            .map_or_else(|| chrono::Utc::now().date_naive(), |d| d.0);
        licence::achieve_milestone(&req.db, &req.principal, id, on, input.record_income).await?;
        Ok(AchieveDealMilestonePayload::of(id))
    }
}
